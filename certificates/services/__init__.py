"""Every change to completions and certificates goes through these modules: `completion`
works out who completed, `collation` runs a collation, `issuing` numbers and issues under
the counters' locks, `rendering` stores the PDFs, `revisions` revokes and reissues,
`sweep` picks up lost work, `verification` checks a code or a file, `handout` builds a
point's print file, `bulk` writes large batches."""
