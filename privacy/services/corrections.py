"""A person asks to correct what is held about them; an organiser in scope answers.

The request reaches the organisers nearest to the person by e-mail after commit, and the
answer reaches the person the same way. Either e-mail is sent by a worker, or here when the
broker is away; a failed e-mail never fails the saved request (the organisers' page lists
every open request anyway).
"""

from functools import partial

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.tasks import dispatch_on_commit
from directory.models import Person
from directory.selectors import scope_for

from ..models import CorrectionRequest
from ..selectors import get_correction_for, organiser_addresses

# Open requests a person may have at once: enough for any real mistake, too few to flood
# their organisers' inbox.
OPEN_LIMIT = 5
NO_PERSON = gettext_lazy(
    "Your account is not linked to a civil servant record, so there is nothing to correct "
    "here. Ask your organiser."
)


@transaction.atomic
def request_correction(
    *, actor: AbstractBaseUser, field: str, what_is_wrong: str, should_be: str
) -> CorrectionRequest:
    """Store the signed-in person's request; their organisers are e-mailed after commit."""
    from ..tasks import send_correction_notice

    person_id = scope_for(actor).person_id
    # Locked, so two requests sent at once cannot both pass the limit.
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None:
        raise ValidationError(NO_PERSON)
    if person.correction_requests.filter(status=CorrectionRequest.Status.OPEN).count() >= (
        OPEN_LIMIT
    ):
        raise ValidationError(
            _("You already have %(count)d requests waiting for an answer; wait for one of them.")
            % {"count": OPEN_LIMIT}
        )
    request = CorrectionRequest(
        person=person,
        requested_by=actor,
        field=field,
        what_is_wrong=what_is_wrong.strip(),
        should_be=should_be.strip(),
    )
    request.full_clean(exclude=["person", "requested_by"])
    request.save()
    fallback = partial(notify_organisers, request_id=request.pk)
    dispatch_on_commit(send_correction_notice, request.pk, fallback=fallback)
    return request


@transaction.atomic
def answer_correction(
    *, actor: AbstractBaseUser, request_id: int, status: str, reply: str
) -> CorrectionRequest:
    """Mark a request done or refused with a reply; 404 outside the organiser's scope, and
    a request answered once stays as it was answered."""
    from ..tasks import send_correction_answer

    get_correction_for(actor, request_id)
    request = CorrectionRequest.objects.select_for_update().get(pk=request_id)
    if not request.is_open:
        raise ValidationError(_("This request has already been answered."))
    if status not in (CorrectionRequest.Status.DONE, CorrectionRequest.Status.REFUSED):
        raise ValidationError({"status": [_("Choose whether it was corrected or refused.")]})
    if not reply.strip():
        raise ValidationError({"reply": [_("Write a reply to the person.")]})
    request.status = status
    request.reply = reply.strip()
    request.answered_by = actor
    request.answered_at = timezone.now()
    request.full_clean(exclude=["person", "requested_by", "answered_by"])
    request.save(update_fields=["status", "reply", "answered_by", "answered_at", "updated_at"])
    fallback = partial(notify_person, request_id=request.pk)
    dispatch_on_commit(send_correction_answer, request.pk, fallback=fallback)
    return request


def notify_organisers(*, request_id: int) -> bool:
    """E-mail the nearest organisers about a new request, once; False when there is no one
    to tell. Names the person and what is to be corrected, never the values: those are read
    on the page, after signing in."""
    request = (
        CorrectionRequest.objects.filter(pk=request_id, notified_at=None)
        .select_related("person__agency__unit")
        .first()
    )
    if request is None:
        return False
    addresses = organiser_addresses(request.person.agency.unit)
    if not addresses:
        return False
    link = settings.SITE_URL + reverse("privacy:correction", args=[request.pk])
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Request to correct personal data: %(name)s") % {
            "name": request.person.full_name
        }
        body = render_to_string(
            "privacy/email/correction_requested.txt", {"request": request, "link": link}
        )
    EmailMessage(subject, body, to=addresses).send()
    CorrectionRequest.objects.filter(pk=request.pk).update(notified_at=timezone.now())
    return True


def notify_person(*, request_id: int) -> bool:
    """E-mail the person the answer to their request; False when they have no address."""
    request = CorrectionRequest.objects.filter(pk=request_id).select_related("person").first()
    if request is None or request.is_open or not request.person.email:
        return False
    link = settings.SITE_URL + reverse("privacy:my_data")
    with translation.override(request.person.language):
        subject = _("Answer to your request to correct personal data")
        body = render_to_string(
            "privacy/email/correction_answered.txt", {"request": request, "link": link}
        )
    EmailMessage(subject, body, to=[request.person.email]).send()
    return True
