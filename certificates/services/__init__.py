"""Every change to completions and certificates goes through these modules: `completion`
works out who completed, `collation` numbers, issues, renders, revokes and reissues,
`bulk` writes large batches."""
