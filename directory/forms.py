from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapMixin
from common.pickers import Picker

from . import selectors
from .models import AdministrativeUnit, Agency, Person, RoleAssignment, RoleChange
from .staff_pickers import account_label


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_("UTF-8 CSV or .xlsx, the first row holding the column names."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s.")
                % {"limit": filesizeformat(settings.IMPORT_MAX_FILE_BYTES)}
            )
        return upload


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    agency = forms.IntegerField(required=False, widget=forms.HiddenInput)


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels")), *AdministrativeUnit.Level.choices],
    )
    former = forms.BooleanField(label=_("Include former units"), required=False)


class SignInLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


def _unit_picker(**params: object) -> Picker:
    return Picker("directory:pick_units", params={"current": 1, **params})


class StaffFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("All roles")), *RoleAssignment.Role.choices],
    )
    unit = forms.ModelChoiceField(
        label=_("Within"), required=False, queryset=AdministrativeUnit.objects.none()
    )

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget = Picker("directory:pick_units")
        self.fields["unit"].queryset = selectors.units_for(user)
        self.style_fields()


class GrantRoleForm(BootstrapMixin, forms.Form):
    """A role for a person of the directory (an account is made for them) or an account."""

    person = forms.ModelChoiceField(
        label=_("Person"), required=False, queryset=Person.objects.none()
    )
    user = forms.ModelChoiceField(
        label=_("or an existing account"), required=False, queryset=Person.objects.none()
    )
    role = forms.ChoiceField(label=_("Role"), choices=RoleAssignment.Role.choices)
    unit = forms.ModelChoiceField(
        label=_("Administrative unit"),
        required=False,
        queryset=AdministrativeUnit.objects.none(),
        help_text=_("Where the role reaches: the unit and every unit below it."),
    )
    reason = forms.CharField(label=_("Note (optional)"), required=False, max_length=300)

    def __init__(self, *args: object, actor: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["person"].widget = Picker("directory:pick_people")
        self.fields["person"].queryset = selectors.people_for(actor).filter(is_active=True)
        self.fields["user"].widget = Picker("directory:pick_staff")
        self.fields["user"].label_from_instance = account_label
        self.fields["user"].queryset = selectors.staff_users_for(actor)
        self.fields["unit"].widget = _unit_picker()
        self.fields["unit"].queryset = selectors.units_for(actor, on=timezone.localdate())
        if selectors.scope_for(actor).national:
            self.fields["unit"].help_text = _(
                "Where the role reaches: the unit and every unit below it. An organiser "
                "with no unit is national."
            )
        self.style_fields()

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("person")) == bool(data.get("user")):
            raise forms.ValidationError(_("Choose a person or an account, one of the two."))
        return data


class StaffAccountForm(BootstrapMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("The coordinator signs in with a link sent to it.")
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20)
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        required=False,
        queryset=Agency.objects.none(),
        help_text=_("Needed for someone not yet in the directory."),
    )
    send_link = forms.BooleanField(
        label=_("E-mail them a sign-in link now"), required=False, initial=True
    )

    def __init__(self, *args: object, actor: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].widget = Picker("directory:pick_agencies")
        self.fields["agency"].queryset = selectors.agencies_for(actor)
        self.style_fields()


class RevokeRoleForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=300)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class RoleChangeFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    action = forms.ChoiceField(
        label=_("Change"),
        required=False,
        choices=[("", _("Grants and revocations")), *RoleChange.Action.choices],
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("All roles")), *RoleAssignment.Role.choices],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class AgencyFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    unit = forms.ModelChoiceField(
        label=_("Within"), required=False, queryset=AdministrativeUnit.objects.none()
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Agency.Kind.choices]
    )
    needs_review = forms.BooleanField(label=_("Created by an import, to review"), required=False)

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget = Picker("directory:pick_units")
        self.fields["unit"].queryset = selectors.units_for(user)
        self.style_fields()


class AgencyForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Agency.Kind.choices,
        help_text=_("The coverage report counts agencies by kind."),
    )
    parent = forms.ModelChoiceField(
        label=_("Parent agency"), required=False, queryset=Agency.objects.none()
    )

    def __init__(self, *args: object, actor: object, agency: Agency, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].widget = Picker(
            "directory:pick_agencies", params={"unit": _province_of(agency, actor)}
        )
        self.fields["parent"].queryset = selectors.agencies_for(actor).exclude(pk=agency.pk)
        self.style_fields()


class MergeAgencyForm(BootstrapMixin, forms.Form):
    survivor = forms.ModelChoiceField(
        label=_("Keep this agency"),
        queryset=Agency.objects.none(),
        help_text=_("People and history of the duplicate move to it; the duplicate is deleted."),
    )

    def __init__(self, *args: object, actor: object, agency: Agency, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survivor"].widget = Picker(
            "directory:pick_agencies", params={"unit": _province_of(agency, actor)}
        )
        self.fields["survivor"].queryset = selectors.agencies_for(actor).exclude(pk=agency.pk)
        self.style_fields()


def _province_of(agency: Agency, actor: object) -> int | None:
    """The agency's province, where its parent or survivor is looked for, when the actor
    reaches all of it (an organiser of one district looks in their own scope)."""
    province_id = AdministrativeUnit.province_id_in(agency.unit.path)
    if province_id is None or not selectors.units_for(actor).filter(pk=province_id).exists():
        return None
    return province_id


def add_refusal(form: forms.Form, error: ValidationError | PermissionDenied) -> None:
    """A service's refusal, on the form: by field where it names one."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return
    form.add_error(None, error.messages if isinstance(error, ValidationError) else [str(error)])
