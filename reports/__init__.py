"""Reports: coverage per level, per bridge point, per programme, per agency, a person's
training history, the national roster, and their exports (inline or by a worker)."""
