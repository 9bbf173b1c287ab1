"""What the directory tells the apps above it, which it may not import."""

from django.dispatch import Signal

# Sent inside the revoking transaction, after the assignment is deleted, with
# `assignment` (the deleted RoleAssignment, its pk gone) and `actor`. An app that grants
# access of its own on the strength of a role (a bridge point's coordinators) withdraws it
# here, in the same transaction.
role_revoked = Signal()
