"""Collations started by other apps' events: a session or a programme closing."""

from django.contrib.auth.models import AbstractBaseUser

from events.models import Session
from training.models import Programme

from .services.collation import start_collation
from .services.completion import collation_refusal


def _collate_if_ruled(programme: Programme, **context: object) -> None:
    # A programme without a usable rule is not an error when closing; its page says why.
    if collation_refusal(programme):
        return
    start_collation(actor=None, programme=programme, **context)


def on_session_closed(sender: type, session: Session, actor: AbstractBaseUser, **kw: object):
    _collate_if_ruled(session.programme, session=session)


def on_programme_closed(
    sender: type, programme: Programme, actor: AbstractBaseUser, **kw: object
) -> None:
    _collate_if_ruled(programme)
