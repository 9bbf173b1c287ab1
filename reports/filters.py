"""Report filters checked against the caller's scope: the one chokepoint every report,
page, export and API call goes through."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import AdministrativeUnit
from directory.selectors import AnyUser, Scope, get_unit_for, scope_for
from events.models import Session
from events.selectors import sessions_for
from training.models import Programme

from .forms import ReportFilterForm


@dataclass(frozen=True)
class ReportFilters:
    """What a report covers: the units under `root`, at the chosen sessions."""

    scope: Scope
    root: AdministrativeUnit
    programme: Programme | None
    session: Session | None
    date_from: date | None
    date_to: date | None
    visible_sessions: QuerySet[Session]
    # Nothing was chosen, so the period is `latest_year_with_checkins`.
    is_default_period: bool = False

    def sessions(self) -> QuerySet[Session]:
        """The sessions counted: never cancelled ones, only those the caller may see."""
        sessions = Session.objects.exclude(status=Session.Status.CANCELLED).filter(
            pk__in=self.visible_sessions.values("pk")
        )
        if self.session is not None:
            sessions = sessions.filter(pk=self.session.pk)
        if self.programme is not None:
            sessions = sessions.filter(programme=self.programme)
        if self.date_from is not None:
            sessions = sessions.filter(starts_at__date__gte=self.date_from)
        if self.date_to is not None:
            sessions = sessions.filter(starts_at__date__lte=self.date_to)
        return sessions.order_by("starts_at", "pk")

    def parameters(self) -> dict[str, object]:
        """The filters as JSON, to run the same report again later (an export)."""
        return {
            "unit": self.root.pk,
            "programme": self.programme.pk if self.programme else None,
            "session": self.session.pk if self.session else None,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }

    def query_string(self) -> str:
        from urllib.parse import urlencode

        return urlencode({k: v for k, v in self.parameters().items() if v is not None})


def report_programmes_for(user: AnyUser) -> QuerySet[Programme]:
    """Programmes an organiser's scope reaches, or whose sessions reach into it (a
    provincial organiser reports on a Ministry programme in their province)."""
    scope = scope_for(user)
    if not scope.is_organiser:
        return Programme.objects.none()
    return (
        Programme.objects.filter(
            scope.units_q("unit__") | Q(pk__in=sessions_for(user).values("programme_id"))
        )
        .select_related("unit")
        .order_by("-year", "title")
    )


def default_root(scope: Scope) -> AdministrativeUnit:
    if scope.national:
        root = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.NATION).first()
    else:
        root = AdministrativeUnit.objects.filter(path__in=scope.unit_paths).order_by("path").first()
    if root is None:
        raise Http404
    return root


def latest_year_with_checkins(visible: QuerySet[Session]) -> int:
    """The calendar year a report covers when nothing is chosen: the latest year in which
    someone checked in at a session the caller sees, or this year when nobody ever did.

    So the page opens on the latest figures there are, not on an empty current year while
    its sessions are still to come."""
    from attendance.models import Attendance

    latest = (
        Session.objects.exclude(status=Session.Status.CANCELLED)
        .filter(pk__in=visible.values("pk"), starts_at__lte=timezone.now())
        .filter(
            Exists(Attendance.objects.filter(session=OuterRef("pk"), checked_in_at__isnull=False))
        )
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return timezone.localtime(latest).year if latest else timezone.localdate().year


def require_organiser(user: AnyUser) -> Scope:
    scope = scope_for(user)
    if not scope.is_organiser:
        raise PermissionDenied(_("Only organisers can see reports."))
    return scope


def validated(data: Mapping[str, object]) -> dict[str, object]:
    """The filters' values, or a ValidationError with a message for each bad field."""
    form = ReportFilterForm(data)
    if not form.is_valid():
        raise ValidationError(
            {field: [str(error) for error in errors] for field, errors in form.errors.items()}
        )
    return form.cleaned_data


def resolve_filters(
    user: AnyUser, data: Mapping[str, object], *, default_year: bool = True
) -> ReportFilters:
    """The caller's filters as objects: 403 for someone who is not an organiser, 400
    (ValidationError) for bad values, 404 for a unit, programme or session out of scope.

    With neither a session, a programme nor dates, the report covers one calendar year:
    the latest in which someone checked in at a session in scope (`latest_year_with_checkins`).
    """
    scope = require_organiser(user)
    values = validated(data)
    root = get_unit_for(user, values["unit"]) if values.get("unit") else default_root(scope)
    programme = None
    if values.get("programme"):
        programme = report_programmes_for(user).filter(pk=values["programme"]).first()
        if programme is None:
            raise Http404
    visible = sessions_for(user)
    session = None
    if values.get("session"):
        session = visible.filter(pk=values["session"]).first()
        if session is None:
            raise Http404
        if programme is not None and session.programme_id != programme.pk:
            raise ValidationError({"session": [_("This session is not of the chosen programme.")]})
    date_from, date_to = values.get("date_from"), values.get("date_to")
    is_default_period = default_year and not (session or programme or date_from or date_to)
    if is_default_period:
        year = latest_year_with_checkins(visible)
        date_from, date_to = date(year, 1, 1), date(year, 12, 31)
    return ReportFilters(
        scope=scope,
        root=root,
        programme=programme,
        session=session,
        date_from=date_from,
        date_to=date_to,
        visible_sessions=visible,
        is_default_period=is_default_period,
    )
