"""What else is held about a person: their profile and account, survey answers,
completions and certificates, notices, and the rest (chairing a point, calendar feeds,
their correction requests).

An anonymous survey's answers are not here, by design: only the receipt that says the
person answered. Nothing stored links the two, and this page must not either.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certificates.models import Certificate, Completion
from directory.models import Person, RoleAssignment
from events.models import CalendarFeed, Notice, SessionPoint
from surveys.models import SurveyReceipt, SurveyResponse

from ..models import CorrectionRequest
from .sections import Row, Section, section


def account(user: AbstractBaseUser, person: Person | None) -> Section:
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
    return section(
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
            "active": _("Still in the directory"),
            "username": _("Username"),
            "roles": _("Roles"),
            "since": _("Recorded since"),
            "updated": _("Last changed"),
            "last_sign_in": _("Last sign-in"),
        },
        rows,
    )


def surveys(person: Person) -> Section:
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
    return section(
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


def certificates(person: Person) -> Section:
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
    return section(
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


def notices(user: AbstractBaseUser, person: Person | None) -> Section:
    recipient = Q(user=user) | Q(person=person) if person is not None else Q(user=user)
    notices = Notice.objects.filter(recipient).select_related("session")
    return section(
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


def other(person: Person) -> Section:
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
    return section(
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
