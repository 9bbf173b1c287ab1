"""Notices: the outbox's kinds and the registry through which apps above events add theirs."""
