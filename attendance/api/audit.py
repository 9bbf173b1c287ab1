"""The check-in log over JSON: the audit page's rows, filters and pages.

A point's log answers its coordinators and the organisers over it, 404 for anyone else (as
for a point that does not exist); a session's log answers its organisers with the points in
their scope, 403 for anyone else. Filters the page would refuse answer 422 with a message by
field. Pages hold 50 rows, newest first; `has_next` says whether another follows (nothing
counts the rows, which for a national session are hundreds of thousands).
"""

from datetime import date, datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from common.api import BadInput, Id
from common.bounds import BIGINT_MAX

from .. import selectors
from ..forms import AuditFilterForm
from ..selectors import audit
from ..selectors.dashboard import dashboard_participations, get_dashboard_session

router = Router(tags=["attendance"])


class AuditQuery(Schema):
    person: str = Field("", max_length=100, description="Part of a name; accents optional.")
    kind: str = Field(
        "",
        max_length=64,
        description="accepted, refused, refused:<code> (not_open_yet, forged…), changes, or "
        "change:<kind> (paper_entered, time_corrected…).",
    )
    method: str = Field("", max_length=16, description="scan, self, manual, walk_in or paper.")
    date_from: date | None = Field(None, description="First day, in Việt Nam's time.")
    date_to: date | None = Field(None, description="Last day, included.")
    page: int = Field(1, ge=1, le=BIGINT_MAX // audit.PAGE_SIZE, description="From 1.")


class SessionAuditQuery(AuditQuery):
    point: Id | None = Field(None, description="A bridge point of the session (its point id).")


class AuditRowOut(Schema):
    source: str = Field(description="scan or change.")
    id: int
    at: datetime = Field(description="The server's time of the scan, or of the change.")
    at_text: str
    code: str = Field(description="The scan's answer code, or the change's kind.")
    label: str
    accepted: bool | None = Field(description="None for a change by hand.")
    point: str
    person: str = Field(description="Empty when the row names nobody the caller may see.")
    entry_id: int | None
    actor: str
    method: str
    method_label: str
    device_id: str
    device_time: datetime | None
    clock_skew: int | None = Field(description="Seconds the device's clock was ahead (-behind).")
    reason: str
    changes: list[str] = Field(description="Before → after, one line a field.")


class AuditPageOut(Schema):
    session_id: int
    participation_id: int | None
    page: int
    per_page: int
    has_next: bool
    rows: list[AuditRowOut]


def _filters(query: AuditQuery) -> audit.AuditFilters:
    data = query.model_dump(exclude={"page", "point"})
    form = AuditFilterForm({key: "" if value is None else value for key, value in data.items()})
    if not form.is_valid():
        raise BadInput({key: list(messages) for key, messages in form.errors.items()})
    return form.filters()


def _page(place: audit.AuditPlace, query: AuditQuery) -> dict:
    filters = _filters(query)
    page = audit.timeline(place, filters, query.page)
    return {
        "session_id": place.session.pk,
        "participation_id": place.participation.pk if place.participation else None,
        "page": page.number,
        "per_page": page.per_page,
        "has_next": page.has_next,
        "rows": [vars(row) for row in page.rows],
    }


@router.get("/points/{participation_id}/audit", response=AuditPageOut)
def point_audit(request: HttpRequest, participation_id: Id, query: Query[AuditQuery]) -> dict:
    """Every scan attempt and change by hand at a point of a session, newest first."""
    participation = selectors.kept_participation(request.user, participation_id)
    return _page(audit.AuditPlace(request.user, participation.session, participation), query)


@router.get("/sessions/{session_id}/audit", response=AuditPageOut)
def session_audit(request: HttpRequest, session_id: Id, query: Query[SessionAuditQuery]) -> dict:
    """The same for every point of a session in the organiser's scope, or one of them."""
    session = get_dashboard_session(request.user, session_id)
    participation = None
    if query.point is not None:
        participation = (
            dashboard_participations(request.user, session)
            .select_related("session", "point")
            .filter(point_id=query.point)
            .first()
        )
        if participation is None:
            raise BadInput({"point": [_("Choose a bridge point of this session in your scope.")]})
    return _page(audit.AuditPlace(request.user, session, participation), query)
