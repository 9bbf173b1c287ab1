"""Forms of the survey pages. They only collect input: the services decide what is valid
and their errors come back onto the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapMixin, LocalDateTimeInput

from .models import SurveyQuestion
from .services import MAX_QUESTIONS, MAX_TEXT_ANSWER, QuestionSpec, question_field

Kind = SurveyQuestion.Kind
EXTRA_QUESTIONS = 3


class SurveySettingsForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255, required=False)
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown above the questions, e.g. why the answers matter."),
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonymous"),
        required=False,
        help_text=_(
            "Answers are kept without the respondent's name; each person can still answer "
            "only once."
        ),
    )
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=LocalDateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=LocalDateTimeInput())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class QuestionForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=500, required=False)
    choices = forms.CharField(
        label=_("Choices, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    required = forms.BooleanField(label=_("Required"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def spec(self) -> QuestionSpec | None:
        """The question written in this row; None for a row left blank."""
        data = self.cleaned_data
        if not data.get("text", "").strip():
            return None
        return QuestionSpec(
            kind=data["kind"],
            text=data["text"],
            choices=tuple(line for line in data.get("choices", "").splitlines()),
            required=bool(data.get("required")),
        )


QuestionFormSet = forms.formset_factory(
    QuestionForm, extra=0, max_num=MAX_QUESTIONS, absolute_max=MAX_QUESTIONS + 10
)


def question_initial(specs: list[QuestionSpec]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {
            "kind": spec.kind,
            "text": spec.text,
            "choices": "\n".join(spec.choices),
            "required": spec.required,
        }
        for spec in specs
    ]
    return rows + [{"kind": Kind.SCALE, "required": True} for _ in range(EXTRA_QUESTIONS)]


SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class AnswerForm(forms.Form):
    """One field per question, named as the service names answers (q<question id>)."""

    def __init__(self, *args: object, questions: list[SurveyQuestion], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            name = question_field(question)
            if question.kind == Kind.SCALE:
                field: forms.Field = forms.ChoiceField(
                    choices=SCORE_CHOICES, widget=forms.RadioSelect
                )
            elif question.kind == Kind.CHOICE:
                field = forms.ChoiceField(
                    choices=[(c, c) for c in question.choices], widget=forms.RadioSelect
                )
            else:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
                    max_length=MAX_TEXT_ANSWER,
                )
            # The service says what is missing, in one place for the page and the API.
            field.required = False
            field.label = question.text
            field.question = question
            self.fields[name] = field

    def answers(self) -> dict[str, object]:
        return {name: value for name, value in self.cleaned_data.items() if value != ""}
