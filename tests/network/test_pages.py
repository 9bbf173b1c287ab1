"""The network's pages: an organiser sees and acts within scope; outside it is a 404."""

import io

import pytest
from openpyxl import load_workbook

from directory.models import PersonalDataExport, UnitSuccession
from events.models import BridgePoint
from network.services.generate import generate_points
from tests import factories


@pytest.fixture
def national(today):
    return factories.organiser(None, username="bonoivu")


@pytest.fixture
def phu_tho_organiser(today):
    return factories.organiser(today["phu_tho"], username="phutho")


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_network_page_counts_points_per_province_in_one_query(
    client, today, national, django_assert_max_num_queries
):
    generate_points(actor=national, within=None, level="commune")
    factories.BridgePointFactory(name="Điểm cầu Huyện Sông Lô", unit=today["former_district"])
    point = BridgePoint.objects.get(unit=today["lang_cong"])
    point.coordinators.add(factories.coordinator(today["lang_cong"]))
    signed_in(client, national)

    with django_assert_max_num_queries(12):
        page = client.get("/network/")

    html = page.content.decode()
    assert page.status_code == 200
    rows = {row.unit.name: row for row in page.context["rows"]}
    assert (rows["Tỉnh Phú Thọ"].points, rows["Tỉnh Phú Thọ"].with_coordinator) == (2, 1)
    assert rows["Tỉnh Phú Thọ"].without_coordinator == 1
    assert rows["Tỉnh Vĩnh Phúc"].is_former and rows["Tỉnh Vĩnh Phúc"].points == 1
    assert page.context["totals"] == {
        "points": 3,
        "active": 3,
        "with_coordinator": 1,
        "without_coordinator": 2,
    }
    assert "Đơn vị cũ" in html


def test_a_provincial_organiser_sees_only_their_province(
    client, today, national, phu_tho_organiser
):
    generate_points(actor=national, within=None, level="commune")
    page = signed_in(client, phu_tho_organiser).get("/network/")
    assert [row.unit.name for row in page.context["rows"]] == ["Tỉnh Phú Thọ"]

    listed = client.get("/network/points/")
    assert {point.unit.name for point, _ in listed.context["rows"]} == {
        "Xã Lãng Công",
        "Xã Sông Lô",
    }


def test_generate_from_the_web_previews_then_creates(client, today, national):
    signed_in(client, national)

    preview = client.post("/network/generate/", {"within": "", "level": "province"})
    assert preview.status_code == 200
    assert preview.context["preview"]["missing"] == 2
    assert not BridgePoint.objects.exists()

    done = client.post(
        "/network/generate/", {"within": "", "level": "province", "confirm": "1"}, follow=True
    )
    assert BridgePoint.objects.count() == 2
    assert "Đã thêm 2 điểm cầu" in done.content.decode()


def test_a_provincial_organiser_cannot_generate_for_another_province(
    client, today, phu_tho_organiser
):
    signed_in(client, phu_tho_organiser)
    page = client.post(
        "/network/generate/",
        {"within": today["vinh_long"].pk, "level": "commune", "confirm": "1"},
    )
    assert page.status_code == 400
    assert not BridgePoint.objects.exists()
    page = client.post("/network/generate/", {"within": "", "level": "commune", "confirm": "1"})
    assert page.status_code == 400
    assert not BridgePoint.objects.exists()


def test_a_coordinator_or_attendee_gets_no_network_page(client, today):
    signed_in(client, factories.coordinator(today["lang_cong"]))
    for url in ("/network/", "/network/points/", "/network/generate/", "/network/import/"):
        assert client.get(url).status_code == 403


def test_the_list_filters_by_province_status_and_coordinator(client, today, national):
    generate_points(actor=national, within=None, level="commune")
    kept = BridgePoint.objects.get(unit=today["lang_cong"])
    kept.coordinators.add(factories.coordinator(today["lang_cong"]))
    BridgePoint.objects.filter(unit=today["song_lo"]).update(is_active=False)
    signed_in(client, national)

    def names(**query):
        page = client.get("/network/points/", query)
        return {point.unit.name for point, _ in page.context["rows"]}

    assert names(province=today["phu_tho"].pk) == {"Xã Lãng Công", "Xã Sông Lô"}
    assert names(coordinator="with") == {"Xã Lãng Công"}
    assert names(status="inactive") == {"Xã Sông Lô"}
    assert names(q="lang cong") == {"Xã Lãng Công"}


def test_a_point_outside_the_scope_is_not_found(client, today, national, phu_tho_organiser):
    generate_points(actor=national, within=None, level="commune")
    elsewhere = BridgePoint.objects.get(unit=today["long_ho"])
    signed_in(client, phu_tho_organiser)

    assert client.get(f"/network/points/{elsewhere.pk}/").status_code == 404
    assert client.post(f"/network/points/{elsewhere.pk}/", {"room": "X"}).status_code == 404
    assert (
        client.post(f"/network/points/{elsewhere.pk}/active/", {"active": "0"}).status_code == 404
    )
    assert (
        client.post(
            f"/network/points/{elsewhere.pk}/coordinators/",
            {"coordinator-full_name": "A", "coordinator-email": "a@example.vn"},
        ).status_code
        == 404
    )
    elsewhere.refresh_from_db()
    assert elsewhere.is_active and elsewhere.room == ""


def test_an_organiser_edits_deactivates_and_reactivates_a_point(client, today, national):
    generate_points(actor=national, within=None, level="commune")
    point = BridgePoint.objects.get(unit=today["lang_cong"])
    chair = factories.PersonFactory(agency=factories.AgencyFactory(unit=today["phu_tho"]))
    signed_in(client, national)

    saved = client.post(
        f"/network/points/{point.pk}/",
        {
            "room": "Hội trường A",
            "address": "Thôn 1",
            "capacity": "80",
            "equipment_notes": "Màn hình 65 inch",
            "default_chair": chair.pk,
        },
    )
    assert saved.status_code == 302
    point.refresh_from_db()
    assert (point.room, point.capacity, point.default_chair) == ("Hội trường A", 80, chair)

    client.post(f"/network/points/{point.pk}/active/", {"active": "0"})
    point.refresh_from_db()
    assert not point.is_active
    client.post(f"/network/points/{point.pk}/active/", {"active": "1"})
    point.refresh_from_db()
    assert point.is_active


def test_a_coordinator_is_assigned_from_the_point_page_and_removed(
    client, today, phu_tho_organiser
):
    point = factories.BridgePointFactory(name="Điểm cầu Xã Lãng Công", unit=today["lang_cong"])
    signed_in(client, phu_tho_organiser)

    added = client.post(
        f"/network/points/{point.pk}/coordinators/",
        {"coordinator-full_name": "Trần Văn An", "coordinator-phone": "0912 345 678"},
    )
    assert added.status_code == 302
    user = point.coordinators.get()
    assert user.person.phone == "0912345678"
    assert user.role_assignments.filter(role="coordinator", unit=today["lang_cong"]).exists()

    client.post(f"/network/points/{point.pk}/coordinators/{user.pk}/remove/")
    assert not point.coordinators.exists()
    assert not user.role_assignments.filter(role="coordinator").exists()


def test_a_coordinator_contact_of_another_person_is_refused_on_the_page(
    client, today, phu_tho_organiser
):
    point = factories.BridgePointFactory(name="Điểm cầu Xã Lãng Công", unit=today["lang_cong"])
    factories.PersonFactory(
        full_name="Lê Thị Bình",
        email="binh@example.vn",
        agency=factories.AgencyFactory(unit=today["phu_tho"]),
    )
    page = signed_in(client, phu_tho_organiser).post(
        f"/network/points/{point.pk}/coordinators/",
        {"coordinator-full_name": "Trần Văn An", "coordinator-email": "binh@example.vn"},
    )
    assert page.status_code == 400
    assert "thuộc về một người khác" in page.content.decode()
    assert "Lê Thị Bình" not in page.content.decode()
    assert not point.coordinators.exists()


def test_the_import_page_previews_then_confirms(client, today, national):
    signed_in(client, national)
    content = "Mã đơn vị hành chính,Phòng họp\n08773,Hội trường\n".encode()
    upload = io.BytesIO(content)
    upload.name = "diem-cau.csv"

    preview = client.post("/network/import/", {"file": upload})
    assert preview.status_code == 200
    assert preview.context["preview"].created == 1
    assert not BridgePoint.objects.exists()

    done = client.post("/network/import/", {"upload": preview.context["upload"]})
    assert done.status_code == 302
    assert BridgePoint.objects.get().room == "Hội trường"

    tampered = client.post("/network/import/", {"upload": preview.context["upload"] + "x"})
    assert tampered.status_code == 302


def test_the_import_page_lists_the_problems(client, today, phu_tho_organiser):
    upload = io.BytesIO("Mã đơn vị hành chính\n29551\n".encode())
    upload.name = "diem-cau.csv"
    page = signed_in(client, phu_tho_organiser).post("/network/import/", {"file": upload})
    assert page.status_code == 400
    assert "ngoài phạm vi" in page.content.decode()


def test_export_holds_only_the_points_in_scope_and_no_formula(client, today, phu_tho_organiser):
    factories.BridgePointFactory(name="=HYPERLINK(1)", unit=today["lang_cong"])
    factories.BridgePointFactory(name="Điểm cầu Xã Long Hồ", unit=today["long_ho"])
    signed_in(client, phu_tho_organiser)

    csv_text = client.get("/network/points/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv_text and "Long Hồ" not in csv_text

    xlsx = client.get("/network/points/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "=HYPERLINK(1)" in values
    assert sheet.cell(3, 2).data_type == "s"
    assert client.get("/network/points/export.pdf").status_code == 404


def test_the_template_downloads(client, today, national):
    page = signed_in(client, national).get("/network/import/template.csv")
    assert page.content.decode("utf-8-sig").startswith("Mã đơn vị hành chính,Tên điểm cầu")


def test_a_former_units_point_shows_its_successor(client, today, national):
    UnitSuccession.objects.create(former=today["former"], successor=today["phu_tho"])
    point = factories.BridgePointFactory(name="Điểm cầu tỉnh Vĩnh Phúc", unit=today["former"])
    page = signed_in(client, national).get(f"/network/points/{point.pk}/")
    html = page.content.decode()
    assert "Tỉnh Phú Thọ" in html and "đơn vị cũ" in html
    former = client.get("/network/former/")
    assert "Tỉnh Vĩnh Phúc" in former.content.decode()


def test_the_list_and_a_point_take_the_same_queries_for_9_points_as_for_60(
    client, db, django_assert_max_num_queries
):
    small = factories.province("Tỉnh Nhỏ", "81")
    large = factories.province("Tỉnh Lớn", "82")
    for province, count in ((small, 9), (large, 60)):
        for number in range(count):
            factories.UnitFactory(
                code=f"{province.code}{number:03d}", name=f"Xã {number}", parent=province
            )
    organiser = factories.organiser(None)
    generate_points(actor=organiser, within=None, level="commune")
    for point in BridgePoint.objects.all()[:40]:
        point.coordinators.add(factories.coordinator(point.unit))
    client.force_login(organiser)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/network/points/", {"province": small.pk})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/network/points/", {"province": large.pk})
    point = BridgePoint.objects.filter(coordinators__isnull=False).first()
    with django_assert_max_num_queries(20):
        assert client.get(f"/network/points/{point.pk}/").status_code == 200


def test_revoking_a_coordinators_role_takes_them_off_the_units_points(today, national):
    from directory.models import RoleAssignment
    from directory.services.roles import revoke_role
    from network.services.coordinators import appoint_coordinator

    point = factories.BridgePointFactory(name="Điểm cầu Xã Lãng Công", unit=today["lang_cong"])
    other = factories.BridgePointFactory(name="Điểm cầu Xã Sông Lô", unit=today["song_lo"])
    person = appoint_coordinator(
        actor=national, point=point, full_name="Trần Văn An", email="an@example.vn"
    )
    appoint_coordinator(actor=national, point=other, person=person)

    revoke_role(
        actor=national,
        assignment=RoleAssignment.objects.get(user=person.user, unit=today["lang_cong"]),
    )

    assert not point.coordinators.exists()
    assert list(other.coordinators.all()) == [person.user]


def test_an_export_of_the_points_is_recorded_as_personal_data(client, today, phu_tho_organiser):
    factories.BridgePointFactory(name="Điểm cầu Xã Lãng Công", unit=today["lang_cong"])
    signed_in(client, phu_tho_organiser)

    client.get("/network/points/export.xlsx?q=lang")

    record = PersonalDataExport.objects.get()
    assert (record.actor, record.kind, record.file_format) == (
        phu_tho_organiser,
        PersonalDataExport.Kind.BRIDGE_POINTS,
        "xlsx",
    )
    assert record.row_count >= 1
    assert record.label == "Điểm cầu · lang"
