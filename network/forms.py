from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapMixin
from common.pickers import Picker
from directory.models import AdministrativeUnit, Person
from directory.selectors import AnyUser, people_for, scope_for, units_for
from events.models import BridgePoint

Level = AdministrativeUnit.Level


def _unit_label(unit: AdministrativeUnit) -> str:
    return f"{unit.name} (đơn vị cũ)" if unit.valid_until else unit.name


class GenerateForm(BootstrapMixin, forms.Form):
    within = forms.ModelChoiceField(
        label=_("Within"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        help_text=_("A province of today; leave empty for the whole country."),
    )
    level = forms.ChoiceField(
        label=_("A point at every"),
        choices=[(Level.PROVINCE, _("province")), (Level.COMMUNE, _("commune, ward and zone"))],
        initial=Level.COMMUNE,
    )

    def __init__(self, *args: object, user: AnyUser, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["within"]
        field.queryset = units_for(user, on=timezone.localdate()).filter(
            level__in=[Level.NATION, Level.PROVINCE]
        )
        field.widget = Picker(
            "directory:pick_units", params={"level": Level.PROVINCE, "current": 1}
        )
        field.widget.choices = field.choices
        if not scope_for(user).national:
            field.required = True
            field.help_text = _("A province of your scope.")
        self.style_fields()


class PointFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=AdministrativeUnit.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("active", _("In use")),
            ("inactive", _("Deactivated")),
            ("former", _("Of a former unit")),
        ],
    )
    coordinator = forms.ChoiceField(
        label=_("Coordinator"),
        required=False,
        choices=[("", _("All")), ("with", _("With a coordinator")), ("without", _("Without"))],
    )

    def __init__(self, *args: object, user: AnyUser, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["province"]
        field.queryset = units_for(user).filter(level=Level.PROVINCE)
        field.label_from_instance = _unit_label
        field.widget = Picker("directory:pick_units", params={"level": Level.PROVINCE})
        field.widget.choices = field.choices
        for name, widget_field in self.fields.items():
            css = "form-select" if name in ("province", "status", "coordinator") else "form-control"
            widget_field.widget.attrs["class"] = css
            # The filters sit in one row without visible labels.
            widget_field.widget.attrs["aria-label"] = widget_field.label


class PointForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = BridgePoint
        fields = ["room", "address", "capacity", "equipment_notes", "default_chair"]
        widgets = {"equipment_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, user: AnyUser, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["default_chair"]
        field.queryset = people_for(user).filter(is_active=True)
        field.widget = Picker("directory:pick_people")
        field.widget.choices = field.choices
        self.fields["capacity"].widget.attrs["min"] = 1
        self.style_fields()


class CoordinatorForm(BootstrapMixin, forms.Form):
    person = forms.ModelChoiceField(
        label=_("A person in the directory"), queryset=Person.objects.none(), required=False
    )
    full_name = forms.CharField(
        label=_("or a new person: full name"), required=False, max_length=200
    )
    email = forms.CharField(label=_("E-mail"), required=False, max_length=254)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20)

    def __init__(self, *args: object, user: AnyUser, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.queryset = people_for(user).filter(is_active=True)
        field.widget = Picker("directory:pick_people")
        field.widget.choices = field.choices
        self.style_fields()

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("person") and not data.get("full_name"):
            raise forms.ValidationError(
                _("Choose a person from the directory, or give a new person's name and contact.")
            )
        return data
