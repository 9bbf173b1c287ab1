"""Reminder plans: which lines a session follows, where they come from, and when each falls."""

from dataclasses import dataclass
from datetime import datetime

from ..models import NoticeBatch, Session
from ..notices.kinds import kind_label
from ..notices.models import PlanLine, default_plan


def plan_source(session: Session) -> tuple[str, list[tuple[PlanLine, bool]]]:
    """Where the session's plan comes from ("session", "programme" or "default") and its
    lines in a stable order, each with whether it is switched on.

    Reads `reminder_rules` of the session and the programme; prefetch them for many."""
    own = sorted(session.reminder_rules.all(), key=lambda rule: rule.pk)
    if own:
        return "session", [(rule.line(), rule.is_active) for rule in own]
    inherited = sorted(session.programme.reminder_rules.all(), key=lambda rule: rule.pk)
    if inherited:
        return "programme", [(rule.line(), rule.is_active) for rule in inherited]
    return "default", [(line, True) for line in default_plan()]


def effective_plan(session: Session) -> list[PlanLine]:
    """The lines that are switched on: the session's own, else its programme's, else the
    defaults."""
    return [line for line, active in plan_source(session)[1] if active]


@dataclass(frozen=True)
class PlannedLine:
    position: int
    kind: str
    label: str
    description: str
    planned_for: datetime
    active: bool
    batch: NoticeBatch | None


def reminder_plan(session: Session) -> tuple[str, list[PlannedLine]]:
    """The session's plan and where it comes from; each line with when it falls, whether
    it is on, and its batch once planned."""
    batches = {
        (batch.kind, batch.planned_for): batch
        for batch in NoticeBatch.objects.filter(session=session, change=None)
    }
    source, lines = plan_source(session)
    planned = [
        PlannedLine(
            position=position,
            kind=line.kind,
            label=kind_label(line.kind),
            description=line.describe(),
            planned_for=(moment := line.planned_for(session)),
            active=active,
            batch=batches.get((line.kind, moment)),
        )
        for position, (line, active) in enumerate(lines)
    ]
    return source, sorted(planned, key=lambda line: line.planned_for)
