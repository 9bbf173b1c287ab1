"""Check-in records change only through scans and the roster page; nothing of theirs is
edited in the admin."""
