"""Notices: the outbox of one message to one recipient about one session.

`models` the rows (plans, batches, notices, heartbeat); `kinds` the session's own kinds and
the registry through which apps above events add theirs; `planning` writes the rows that
are due (invitations, reminders, changes); `sending` claims and sends them through
`channels`, with the words that `content` renders; `views` the organiser's page.
"""
