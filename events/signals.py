from django.dispatch import Signal

# Sent inside the closing transaction, with `session` and `actor`; attendance collates
# the programme's certificates from it, so events need not know about certificates.
session_closed = Signal()
