"""Completion and certificates: evaluating a programme's completion rule, completions,
collation, serial and register counters, the PDF, verification, the register and its
export, and the certificate notice."""
