from django.dispatch import Signal

# Sent inside the closing transaction, with `programme` and `actor`.
programme_closed = Signal()
