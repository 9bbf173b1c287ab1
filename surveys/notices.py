"""The survey request, registered with the outbox (events): sent after the session's end to
those who came, for sessions with a survey, with a link that opens the form."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.services import sign_in_link
from events.models import RosterEntry
from events.notices.kinds import RegisteredKind
from events.notices.models import PlanLine

from .models import Survey

SURVEY_REQUEST = "survey"


def _survey_link(entry: RosterEntry) -> str:
    return sign_in_link(entry.person, reverse("surveys:survey_answer", args=[entry.session_id]))


def _those_who_came(entries: QuerySet[RosterEntry]) -> QuerySet[RosterEntry]:
    return entries.filter(attendance__checked_in_at__isnull=False)


def _sessions_with_a_survey(session_ids: Iterable[int]) -> set[int]:
    return set(
        Survey.objects.filter(session_id__in=list(session_ids)).values_list("session_id", flat=True)
    )


SURVEY_REQUEST_KIND = RegisteredKind(
    value=SURVEY_REQUEST,
    label=_("Survey request"),
    subject=_("How was the session? %(title)s"),
    lead=_(
        "Thank you for attending “%(title)s”. Please tell us how it went: it takes two minutes."
    ),
    link_label=_("Answer the survey"),
    link_for=_survey_link,
    plan_label=_("Survey request to those who attended"),
    default_line=PlanLine(SURVEY_REQUEST, "end", minute_offset=30),
    after_end_only=_("A survey request goes out after the session ends."),
    recipients=_those_who_came,
    sessions_with=_sessions_with_a_survey,
)
