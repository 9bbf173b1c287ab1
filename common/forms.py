"""Form helpers every app's pages use: Bootstrap's classes, a service's errors on the form's
fields, the browser's own date-time picker."""

from django import forms
from django.core.exceptions import ValidationError


class BootstrapMixin:
    """Bootstrap's classes on every widget, so templates can render fields as they are."""

    def style_fields(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def add_service_errors(
    form: forms.Form, error: ValidationError, *, renamed: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError on the form's fields (or on the form)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, messages in error.message_dict.items():
        target = (renamed or {}).get(field, field)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")
