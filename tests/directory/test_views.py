"""Directory pages through the test client: success, bad input and out-of-scope access."""

import factory
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directory.models import Agency, ImportRecord, Person
from tests import factories

PEOPLE_HEADER = "Họ và tên,Chức vụ,Cơ quan,Mã đơn vị hành chính,Email,Điện thoại"


def upload(*rows: str, name: str = "nguoi.csv") -> SimpleUploadedFile:
    content = "\r\n".join([PEOPLE_HEADER, *rows]).encode("utf-8")
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture
def attendee(lan):
    user = factories.UserFactory()
    lan.user = user
    lan.save(update_fields=["user"])
    return user


def test_people_list_shows_vinh_phuc_names_and_not_ben_tre_names(
    client, vinh_phuc_organiser, lan, hai
):
    client.force_login(vinh_phuc_organiser)

    response = client.get(reverse("directory:person_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nguyễn Thị Lan" in page
    assert "Huỳnh Văn Hải" not in page
    assert "Sở Nội vụ tỉnh Bến Tre" not in page


def test_people_search_stays_inside_the_scope(client, vinh_phuc_organiser, lan, hai):
    client.force_login(vinh_phuc_organiser)

    response = client.get(reverse("directory:person_list"), {"q": "Huỳnh"})

    assert response.status_code == 200
    assert "Huỳnh Văn Hải" not in response.content.decode()
    assert list(response.context["page"]) == []


def test_filtering_people_by_an_out_of_scope_unit_is_404(
    client, two_provinces, vinh_phuc_organiser, hai
):
    client.force_login(vinh_phuc_organiser)

    response = client.get(reverse("directory:person_list"), {"unit": two_provinces["ben_tre"].pk})

    assert response.status_code == 404


def test_person_page_in_scope_shows_the_person(client, vinh_phuc_organiser, lan):
    client.force_login(vinh_phuc_organiser)

    response = client.get(reverse("directory:person_detail", args=[lan.pk]))

    assert response.status_code == 200
    assert "Nguyễn Thị Lan" in response.content.decode()
    assert reverse("reports:person_history", args=[lan.pk]) in response.content.decode()


def test_ben_tre_person_page_is_404_for_vinh_phuc_organiser(client, vinh_phuc_organiser, hai):
    client.force_login(vinh_phuc_organiser)

    response = client.get(reverse("directory:person_detail", args=[hai.pk]))

    assert response.status_code == 404


def test_ben_tre_unit_page_is_404_for_vinh_phuc_organiser(
    client, two_provinces, vinh_phuc_organiser
):
    client.force_login(vinh_phuc_organiser)

    response = client.get(reverse("directory:unit_detail", args=[two_provinces["ben_tre"].pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["directory:person_list", "directory:unit_list"])
def test_attendee_is_forbidden_the_staff_lists(client, attendee, name):
    client.force_login(attendee)

    response = client.get(reverse(name))

    assert response.status_code == 403


def test_attendee_may_open_their_own_person_page(client, attendee, lan):
    client.force_login(attendee)

    response = client.get(reverse("directory:person_detail", args=[lan.pk]))

    assert response.status_code == 200


def test_people_list_of_60_renders_in_a_bounded_number_of_queries(
    client, two_provinces, vinh_phuc_organiser, django_assert_max_num_queries
):
    # given sixty people in agencies at every level of Vĩnh Phúc
    agencies = [
        factories.AgencyFactory(unit=two_provinces[key])
        for key in ("vinh_phuc", "song_lo", "commune")
    ]
    factories.PersonFactory.create_batch(60, agency=factory.Iterator(agencies))
    client.force_login(vinh_phuc_organiser)

    # when: session, user, scope (two), count, page
    with django_assert_max_num_queries(6):
        response = client.get(reverse("directory:person_list"))

    # then
    assert response.status_code == 200
    assert len(response.context["page"]) == 50
    assert response.context["page"].paginator.count == 60


def test_import_page_shows_the_form_to_an_organiser(client, vinh_phuc_organiser):
    client.force_login(vinh_phuc_organiser)

    response = client.get(reverse("directory:import_people"))

    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


def test_import_page_is_forbidden_to_a_coordinator(client, two_provinces):
    client.force_login(factories.coordinator(two_provinces["song_lo"]))

    response = client.post(reverse("directory:import_people"), {"file": upload()})

    assert response.status_code == 403


def test_import_with_a_bad_row_answers_400_with_the_row_in_the_error_table(
    client, vinh_phuc_organiser
):
    # given
    client.force_login(vinh_phuc_organiser)
    good = "Nguyễn Thị Lan,Chuyên viên,Sở Nội vụ tỉnh Vĩnh Phúc,26,lan@vp.vn,"
    bad = "Trần Văn Bình,Chuyên viên,Sở Nội vụ tỉnh Vĩnh Phúc,26,binh-khong-hop-le,"

    # when
    response = client.post(reverse("directory:import_people"), {"file": upload(good, bad)})

    # then
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="import-errors"' in page
    table = page.split('id="import-errors"', 1)[1].split("</table>", 1)[0]
    assert "<td>3</td><td>Email</td>" in table
    assert "Địa chỉ thư điện tử không hợp lệ." in table
    assert not Person.objects.exists()
    assert not ImportRecord.objects.exists()


def test_import_without_a_file_answers_400(client, vinh_phuc_organiser):
    client.force_login(vinh_phuc_organiser)

    response = client.post(reverse("directory:import_people"), {})

    assert response.status_code == 400
    assert 'id="import-errors"' not in response.content.decode()


def test_import_of_a_good_file_redirects_to_the_people(client, two_provinces, vinh_phuc_organiser):
    # given
    client.force_login(vinh_phuc_organiser)
    file = upload(
        "Nguyễn Thị Lan,Chuyên viên,Sở Nội vụ tỉnh Vĩnh Phúc,26,lan@vp.vn,",
        "Trần Văn Bình,Phó Chủ tịch,UBND xã Lãng Công,08773,,+84 987 654 321",
    )

    # when
    response = client.post(reverse("directory:import_people"), {"file": file})

    # then
    assert response.status_code == 302
    assert response.url == reverse("directory:person_list")
    assert set(Person.objects.values_list("full_name", "phone")) == {
        ("Nguyễn Thị Lan", ""),
        ("Trần Văn Bình", "0987654321"),
    }
    assert Agency.objects.get(name="UBND xã Lãng Công").unit == two_provinces["commune"]
    assert ImportRecord.objects.get().imported_by == vinh_phuc_organiser


def test_import_of_units_by_a_provincial_organiser_redirects_to_the_units(
    client, two_provinces, vinh_phuc_organiser
):
    client.force_login(vinh_phuc_organiser)
    content = "Cấp,Mã,Tên,Mã đơn vị cấp trên\r\nhuyện,254,Huyện Tam Đảo,26\r\n".encode()
    file = SimpleUploadedFile("huyen.csv", content, content_type="text/csv")

    response = client.post(reverse("directory:import_units"), {"file": file})

    assert response.status_code == 302
    assert response.url == reverse("directory:unit_list")
    assert two_provinces["vinh_phuc"].children.filter(code="254").exists()


@pytest.mark.parametrize(("kind", "first_column"), [("people", "Họ và tên"), ("units", "Cấp")])
def test_template_download_is_csv_with_a_utf8_bom(client, vinh_phuc_organiser, kind, first_column):
    client.force_login(vinh_phuc_organiser)

    response = client.get(reverse("directory:import_template", args=[kind]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"mau-nhap-{kind}.csv" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    header = response.content[3:].decode("utf-8").split("\r\n")[0]
    assert header.split(",")[0] == first_column


def test_people_template_imports_back_as_a_table(client, vinh_phuc_organiser):
    # The example row names Vĩnh Long (86), which this database lacks: the file must still
    # parse, and be refused only for that unit code.
    client.force_login(vinh_phuc_organiser)
    template = client.get(reverse("directory:import_template", args=["people"])).content
    file = SimpleUploadedFile("mau.csv", template, content_type="text/csv")

    response = client.post(reverse("directory:import_people"), {"file": file})

    assert response.status_code == 400
    errors = response.context["errors"]
    assert [(error.row, error.column) for error in errors] == [(2, "Mã đơn vị hành chính")]


def test_unknown_template_kind_is_404(client, vinh_phuc_organiser):
    client.force_login(vinh_phuc_organiser)

    response = client.get(reverse("directory:import_template", args=["sessions"]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/directory/people/",
        "/directory/units/",
        "/directory/people/1/",
        "/directory/import/people/",
        "/directory/import/people/template.csv",
    ],
)
def test_anonymous_visitor_is_sent_to_the_login_page(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={path}"
