"""Everything held about one person, read across every app in a fixed number of queries
(one or two per kind of record, however many rows): the page "Dữ liệu cá nhân của tôi"
and its JSON and XLSX downloads are built from it.

An anonymous survey's answers are not here, by design: only the receipt that says the
person answered. Nothing stored links the two, and this page must not either.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from attendance.models import (
    Attendance,
    AttendanceChange,
    ScanAttempt,
    attendance_status,
    minutes_present,
)
from certificates.models import Certificate, Completion
from directory.models import Person, RoleAssignment
from directory.selectors import scope_for
from events.models import CalendarFeed, Notice, RosterChange, RosterEntry, SessionPoint
from surveys.models import SurveyReceipt, SurveyResponse

from .models import CorrectionRequest

Row = dict[str, Any]


@dataclass(frozen=True)
class Section:
    """One kind of record: stable keys for the JSON, labels for people."""

    key: str
    title: Promise
    columns: tuple[tuple[str, Promise], ...]
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Holdings:
    person: Person | None
    sections: list[Section]

    @property
    def row_count(self) -> int:
        return sum(len(section.rows) for section in self.sections)


def holdings_of(user: AbstractBaseUser) -> Holdings:
    """What the system holds about the signed-in user and the person record tied to them."""
    person_id = scope_for(user).person_id
    person = (
        Person.objects.select_related("agency__unit").filter(pk=person_id).first()
        if person_id is not None
        else None
    )
    sections = [_account(user, person)]
    if person is not None:
        sections += [reader(person) for reader in PERSON_READERS]
    sections.append(_notices(user, person))
    return Holdings(person=person, sections=sections)


def _section(key: str, title: Promise, columns: dict[str, Promise], rows: Iterable[Row]) -> Section:
    return Section(key=key, title=title, columns=tuple(columns.items()), rows=list(rows))


def _account(user: AbstractBaseUser, person: Person | None) -> Section:
    rows: list[Row] = []
    if person is not None:
        rows.append(
            {
                "record": _("Civil servant record"),
                "full_name": person.full_name,
                "position": person.position,
                "agency": person.agency.name,
                "unit": person.agency.unit.name,
                "email": person.email,
                "phone": person.phone,
                "language": person.get_language_display(),
                "active": person.is_active,
                "since": person.created_at,
                "updated": person.updated_at,
            }
        )
    rows.append(
        {
            "record": _("Sign-in account"),
            "full_name": user.get_full_name(),
            "username": user.get_username(),
            "email": user.email,
            "since": user.date_joined,
            "last_sign_in": user.last_login,
            "roles": "; ".join(
                f"{role.get_role_display()} · {role.unit.name if role.unit else _('nationwide')}"
                for role in RoleAssignment.objects.filter(user=user).select_related("unit")
            ),
        }
    )
    return _section(
        "profile",
        _("Profile and account"),
        {
            "record": _("Record"),
            "full_name": _("Full name"),
            "position": _("Position"),
            "agency": _("Agency"),
            "unit": _("Administrative unit"),
            "email": _("E-mail"),
            "phone": _("Phone"),
            "language": _("Language"),
            "active": _("Active"),
            "username": _("Username"),
            "roles": _("Roles"),
            "since": _("Recorded since"),
            "updated": _("Last changed"),
            "last_sign_in": _("Last sign-in"),
        },
        rows,
    )


def _roster(person: Person) -> Section:
    entries = (
        RosterEntry.objects.filter(person=person)
        .select_related(
            "session__programme", "participation__point", "substitute_for__person", "attendance"
        )
        .order_by("session__starts_at", "pk")
    )

    def row(entry: RosterEntry) -> Row:
        attendance = getattr(entry, "attendance", None)
        arrived = attendance.checked_in_at if attendance else None
        left = attendance.checked_out_at if attendance else None
        excuse = attendance.excuse if attendance else ""
        status = attendance_status(
            session=entry.session, checked_in_at=arrived, checked_out_at=left, excuse=excuse
        )
        return {
            "session": entry.session.title,
            "programme": entry.session.programme.title,
            "starts_at": entry.session.starts_at,
            "point": entry.participation.point.name,
            "source": entry.get_source_display(),
            "in_place_of": entry.substitute_for.person.full_name if entry.substitute_for else "",
            "added_at": entry.added_at,
            "removed_at": entry.removed_at,
            "removal_reason": entry.removal_reason,
            "checked_in_at": arrived,
            "check_in_method": attendance.get_check_in_method_display() if attendance else "",
            "checked_out_at": left,
            "status": Attendance.Status(status).label,
            "minutes_present": minutes_present(
                session=entry.session, checked_in_at=arrived, checked_out_at=left
            ),
            "excuse": attendance.get_excuse_display() if excuse else "",
            "excuse_reason": attendance.excuse_reason if attendance else "",
        }

    return _section(
        "sessions",
        _("Sessions, rosters and attendance"),
        {
            "session": _("Session"),
            "programme": _("Programme"),
            "starts_at": _("Starts at"),
            "point": _("Bridge point"),
            "source": _("How you were put on the roster"),
            "in_place_of": _("In place of"),
            "added_at": _("Added at"),
            "removed_at": _("Removed at"),
            "removal_reason": _("Reason for the removal"),
            "checked_in_at": _("Checked in at"),
            "check_in_method": _("How you checked in"),
            "checked_out_at": _("Checked out at"),
            "status": _("Attendance"),
            "minutes_present": _("Minutes present"),
            "excuse": _("Excuse"),
            "excuse_reason": _("Reason for the excuse"),
        },
        (row(entry) for entry in entries),
    )


def _changes(person: Person) -> Section:
    roster_changes = RosterChange.objects.filter(entry__person=person).select_related(
        "entry__session"
    )
    attendance_changes = AttendanceChange.objects.filter(
        attendance__entry__person=person
    ).select_related("attendance__entry__session")
    rows = [
        {
            "at": change.created_at,
            "session": change.entry.session.title,
            "change": change.get_kind_display(),
            "reason": change.reason,
        }
        for change in roster_changes
    ] + [
        {
            "at": change.created_at,
            "session": change.attendance.entry.session.title,
            "change": change.get_kind_display(),
            "reason": change.reason,
        }
        for change in attendance_changes
    ]
    rows.sort(key=lambda row: row["at"])
    return _section(
        "changes",
        _("Changes made by staff to your roster entries and attendance"),
        {"at": _("When"), "session": _("Session"), "change": _("Change"), "reason": _("Reason")},
        rows,
    )


SCAN_ACTIONS = {"check_in": _("Check in"), "check_out": _("Check out")}


def _scans(person: Person) -> Section:
    scans = (
        ScanAttempt.objects.filter(entry__person=person)
        .select_related("entry__session", "participation__point")
        .order_by("server_time", "pk")
    )
    return _section(
        "scans",
        _("Check-in scans"),
        {
            "at": _("Time on the server"),
            "device_time": _("Time on the device"),
            "session": _("Session"),
            "point": _("Bridge point"),
            "method": _("How"),
            "action": _("Action"),
            "outcome": _("Outcome"),
            "reason": _("Reason"),
            "device": _("Device"),
        },
        (
            {
                "at": scan.server_time,
                "device_time": scan.device_time,
                "session": scan.entry.session.title if scan.entry else "",
                "point": scan.participation.point.name if scan.participation else "",
                "method": scan.get_method_display(),
                "action": SCAN_ACTIONS.get(scan.action, scan.action),
                "outcome": scan.get_outcome_display(),
                "reason": scan.reason,
                "device": scan.device_id,
            }
            for scan in scans
        ),
    )


def _surveys(person: Person) -> Section:
    named = (
        SurveyResponse.objects.filter(person=person)
        .select_related("survey__session")
        .prefetch_related("answers__question")
    )
    receipts = SurveyReceipt.objects.filter(person=person).select_related("survey__session")
    answered = {response.survey_id: response for response in named}
    receipted = {receipt.survey_id: receipt.created_at for receipt in receipts}
    surveys = {receipt.survey_id: receipt.survey for receipt in receipts}
    surveys.update({response.survey_id: response.survey for response in answered.values()})
    rows = []
    for survey_id, survey in surveys.items():
        response = answered.get(survey_id)
        rows.append(
            {
                "survey": survey.title,
                "session": survey.session.title,
                "answered_at": response.submitted_at if response else receipted[survey_id],
                "anonymous": survey.is_anonymous,
                "answers": _answers(response)
                if response
                else str(_("Anonymous: your answers are kept without your name.")),
            }
        )
    return _section(
        "surveys",
        _("Survey answers"),
        {
            "survey": _("Survey"),
            "session": _("Session"),
            "answered_at": _("Answered at"),
            "anonymous": _("Anonymous"),
            "answers": _("Answers"),
        },
        rows,
    )


def _answers(response: SurveyResponse) -> str:
    parts = []
    for answer in response.answers.all():
        value = answer.scale_value or answer.choice or answer.text
        parts.append(f"{answer.question.text}: {value}")
    return "\n".join(parts)


def _certificates(person: Person) -> Section:
    completions = Completion.objects.filter(person=person).select_related("programme")
    certificates = Certificate.objects.filter(person=person).select_related("programme")
    rows = [
        {
            "programme": completion.programme.title,
            "record": _("Completion worked out"),
            "state": str(_("completed")) if completion.completed else completion.shortfall,
            "at": completion.computed_at,
        }
        for completion in completions
    ] + [
        {
            "programme": certificate.programme.title,
            "record": _("Certificate"),
            "state": certificate.get_status_display(),
            "at": certificate.issued_at,
            "serial": certificate.serial,
            "register_number": certificate.register_label,
            "states": "; ".join(f"{key}: {value}" for key, value in certificate.snapshot.items()),
            "reason": certificate.revocation_reason or certificate.correction_reason,
        }
        for certificate in certificates
    ]
    return _section(
        "certificates",
        _("Completion and certificates"),
        {
            "programme": _("Programme"),
            "record": _("Record"),
            "state": _("Status"),
            "at": _("When"),
            "serial": _("Serial number"),
            "register_number": _("Register number"),
            "states": _("What the certificate states"),
            "reason": _("Reason"),
        },
        rows,
    )


def _notices(user: AbstractBaseUser, person: Person | None) -> Section:
    recipient = Q(user=user) | Q(person=person) if person is not None else Q(user=user)
    notices = Notice.objects.filter(recipient).select_related("session")
    return _section(
        "notices",
        _("Notices sent to you"),
        {
            "kind": _("Notice"),
            "session": _("Session"),
            "channel": _("Channel"),
            "address": _("Sent to"),
            "status": _("Status"),
            "planned_for": _("Planned for"),
            "sent_at": _("Sent at"),
        },
        (
            {
                "kind": notice.get_kind_display(),
                "session": notice.session.title,
                "channel": notice.get_channel_display(),
                "address": notice.address,
                "status": notice.get_status_display(),
                "planned_for": notice.planned_for,
                "sent_at": notice.sent_at,
            }
            for notice in notices
        ),
    )


def _other(person: Person) -> Section:
    chaired = SessionPoint.objects.filter(chair=person).select_related("session", "point")
    feeds = CalendarFeed.objects.filter(person=person)
    corrections = CorrectionRequest.objects.filter(person=person)
    rows = [
        {"record": _("Chair of a bridge point"), "detail": f"{item.session} · {item.point}"}
        for item in chaired
    ]
    rows += [
        {
            "record": _("Calendar subscription"),
            "at": feed.created_at,
            "detail": str(_("revoked")) if feed.revoked_at else str(_("active")),
        }
        for feed in feeds
    ]
    rows += [
        {
            "record": _("Correction request"),
            "at": item.created_at,
            "detail": f"{item.get_field_display()}: {item.should_be}",
            "status": item.get_status_display(),
            "reply": item.reply,
        }
        for item in corrections
    ]
    return _section(
        "other",
        _("Other records"),
        {
            "record": _("Record"),
            "at": _("When"),
            "detail": _("Detail"),
            "status": _("Status"),
            "reply": _("Reply"),
        },
        rows,
    )


PERSON_READERS: tuple[Callable[[Person], Section], ...] = (
    _roster,
    _changes,
    _scans,
    _surveys,
    _certificates,
    _other,
)
