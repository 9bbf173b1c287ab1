"""Editing a session's reminder plan: the session takes its own copy of the plan it
followed the first time someone changes it, and can drop it to follow its programme again."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ..models import ReminderRule, Session
from ..selectors import plan_source
from .models import PlanLine


def require_plan_editor(actor: AbstractBaseUser, session: Session) -> None:
    from ..services.sessions import require_host_in_scope

    require_host_in_scope(actor=actor, host_point=session.host_point)


def _rule(session: Session, line: PlanLine, *, active: bool = True) -> ReminderRule:
    return ReminderRule(
        session=session,
        kind=line.kind,
        anchor=line.anchor,
        day_offset=line.day_offset,
        at_time=line.at_time,
        minute_offset=line.minute_offset,
        is_active=active,
    )


def _own_rules(session: Session) -> QuerySet[ReminderRule]:
    """The session's own plan, copied (in order) from the one it followed when first edited."""
    rules = ReminderRule.objects.filter(session=session).order_by("pk")
    if not rules.exists():
        ReminderRule.objects.bulk_create(
            _rule(session, line, active=active) for line, active in plan_source(session)[1]
        )
    return rules


@transaction.atomic
def add_reminder_rule(*, actor: AbstractBaseUser, session: Session, line: PlanLine) -> ReminderRule:
    """Add a line to a session's plan; the session keeps the lines it followed before."""
    require_plan_editor(actor, session)
    _own_rules(session)
    rule = _rule(session, line)
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def switch_reminder_rule(
    *, actor: AbstractBaseUser, session: Session, index: int, active: bool
) -> None:
    """Turn one line of the session's plan (by its position in `plan_source`) off or on."""
    require_plan_editor(actor, session)
    rules = list(_own_rules(session))
    if not 0 <= index < len(rules):
        raise ValidationError(_("This reminder is not in the plan."))
    rule = rules[index]
    rule.is_active = active
    rule.save(update_fields=["is_active", "updated_at"])


@transaction.atomic
def reset_reminder_plan(*, actor: AbstractBaseUser, session: Session) -> None:
    """Drop the session's own plan: it follows its programme's (or the default) again."""
    require_plan_editor(actor, session)
    ReminderRule.objects.filter(session=session).delete()
