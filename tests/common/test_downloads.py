from django import forms
from django.core.exceptions import ValidationError

from common.downloads import attachment, template_csv
from common.forms import BootstrapMixin, add_service_errors


def test_a_download_is_saved_under_its_name():
    response = attachment(b"x", filename="bao-cao.csv", content_type="text/csv")

    assert response["Content-Disposition"] == 'attachment; filename="bao-cao.csv"'
    assert response["Content-Type"] == "text/csv"


def test_a_vietnamese_file_name_is_encoded_for_every_browser():
    response = attachment(b"x", filename="Báo cáo.xlsx", content_type="application/octet-stream")

    assert (
        response["Content-Disposition"] == "attachment; filename*=utf-8''B%C3%A1o%20c%C3%A1o.xlsx"
    )


def test_an_import_template_opens_in_excel_with_its_vietnamese_headers():
    columns = {"full_name": ("Họ và tên", "ho_ten"), "email": ("Thư điện tử", "email")}

    response = template_csv("mau.csv", columns, ("Nguyễn Văn An", "an@example.vn"))

    text = response.content.decode("utf-8")
    assert text == "\ufeffHọ và tên,Thư điện tử\r\nNguyễn Văn An,an@example.vn\r\n"
    assert response["Content-Disposition"] == 'attachment; filename="mau.csv"'


class NameForm(BootstrapMixin, forms.Form):
    name = forms.CharField()
    agree = forms.BooleanField(required=False)
    kind = forms.ChoiceField(choices=[("a", "A")])


def test_fields_get_bootstraps_classes():
    form = NameForm()
    form.style_fields()

    assert form.fields["name"].widget.attrs["class"] == "form-control"
    assert form.fields["agree"].widget.attrs["class"] == "form-check-input"
    assert form.fields["kind"].widget.attrs["class"] == "form-select"


def test_a_services_errors_land_on_the_fields_they_name_or_on_the_form():
    form = NameForm(data={"name": "An", "kind": "a"})
    assert form.is_valid()

    add_service_errors(
        form,
        ValidationError({"title": "Trùng tên.", "other": "Sai."}),
        renamed={"title": "name"},
    )

    assert form.errors["name"] == ["Trùng tên."]
    assert form.non_field_errors() == ["Sai."]
