"""Satisfaction surveys (khảo sát mức độ hài lòng): one per session, answered once a person.

An anonymous survey stores no person on its responses; "one answer per person" then rests
on `SurveyReceipt`, written in the same transaction as the response and unique per survey
and person, which says that someone answered without saying what.

The tables keep their `attendance_` names: these models moved here from the attendance
app without copying a row (migration 0001 of this app only takes over their state).
"""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from directory.models import Person
from events.models import Session, SessionPoint


class Survey(models.Model):
    """The questions a session's attendees are asked after it, and when they may answer."""

    session = models.OneToOneField(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="survey"
    )
    title = models.CharField(_("title"), max_length=255)
    intro = models.TextField(_("introduction"), blank=True)
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Answers are kept without the name of the person who gave them."),
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "attendance_survey"
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="attendance_survey_window",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def state_at(self, moment: datetime) -> str:
        """Where the moment falls in the window: "not_open", "open" or "closed" (the codes
        an answer is refused with)."""
        if moment < self.opens_at:
            return "not_open"
        if moment >= self.closes_at:
            return "closed"
        return "open"

    def is_open_at(self, moment: datetime) -> bool:
        return self.state_at(moment) == "open"


class SurveyQuestion(models.Model):
    """One question of a survey, in its place."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("Score from 1 to 5")
        CHOICE = "choice", _("One choice from a list")
        TEXT = "text", _("Free text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind)
    text = models.CharField(_("question"), max_length=500)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        db_table = "attendance_surveyquestion"
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "position"], name="attendance_question_position"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    """One person's answers to a survey; `person` is empty when the survey is anonymous.

    An anonymous response must not be matched with the receipt written beside it: its key
    is random rather than a sequence that would line the two tables up, and it keeps only
    the day it was given (midnight), not the minute.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="survey_responses"
    )
    # The bridge point the respondent attended at, for results per point and province.
    participation = models.ForeignKey(
        SessionPoint,
        verbose_name=_("bridge point"),
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        db_table = "attendance_surveyresponse"
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["survey", "-submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "person"],
                condition=Q(person__isnull=False),
                name="attendance_response_once_per_person",
            ),
        ]
        indexes = [models.Index(fields=["survey", "participation"])]

    def __str__(self) -> str:
        return f"{self.survey} · {self.submitted_at:%Y-%m-%d %H:%M}"


class SurveyAnswer(models.Model):
    """The answer to one question in one response."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        SurveyQuestion, on_delete=models.PROTECT, related_name="answers", db_index=False
    )
    scale_value = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    choice = models.CharField(_("choice"), max_length=200, blank=True)
    text = models.TextField(_("answer"), blank=True)

    class Meta:
        db_table = "attendance_surveyanswer"
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["response", "question__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="attendance_answer_once_per_question"
            ),
            models.CheckConstraint(
                condition=Q(scale_value__isnull=True) | Q(scale_value__gte=1, scale_value__lte=5),
                name="attendance_answer_scale_1_5",
            ),
        ]
        indexes = [models.Index(fields=["question", "scale_value"])]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.scale_value or self.choice or self.text[:40]}"


class SurveyReceipt(models.Model):
    """That a person answered a survey, kept apart from what they answered."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="receipts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="survey_receipts")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "attendance_surveyreceipt"
        verbose_name = _("survey receipt")
        verbose_name_plural = _("survey receipts")
        ordering = ["survey", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "person"], name="attendance_receipt_once"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.person}"
