"""Collations started by other apps' events: a session or a programme closing.

A session closing collates only when it was the last one open: before that, the guards
refuse (sessions still open), which here is no error, only nothing to do yet. The same
holds for a design without its signer: the programme page says what is missing.
"""

from django.contrib.auth.models import AbstractBaseUser

from events.models import Session
from training.models import Programme

from .services.collation import start_collation
from .services.guards import collation_guard


def _collate_if_allowed(programme: Programme, **context: object) -> None:
    # Two sessions of the programme closing at once would each see the other still open
    # and neither collate: the programme's row, locked until the closing commits, lines
    # them up, so the second sees the first closed.
    programme = Programme.objects.select_for_update(no_key=True).get(pk=programme.pk)
    if collation_guard(programme).refused:
        return
    start_collation(actor=None, programme=programme, **context)


def on_session_closed(
    sender: type, session: Session, actor: AbstractBaseUser | None, **kw: object
) -> None:
    _collate_if_allowed(session.programme, session=session)


def on_programme_closed(
    sender: type, programme: Programme, actor: AbstractBaseUser, **kw: object
) -> None:
    _collate_if_allowed(programme)
