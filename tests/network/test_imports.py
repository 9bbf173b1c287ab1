"""Importing bridge points from a file: preview, per-row refusals, all or nothing, and
coordinators made and given their role in bulk."""

import pytest
from django.core.exceptions import PermissionDenied

from directory.models import Person, RoleAssignment, RoleChange
from directory.spreadsheets import TableRejected
from events.models import BridgePoint
from network.services.imports import POINT_COLUMNS, import_points
from tests import factories

HEADER = ",".join(names[0] for names in POINT_COLUMNS.values())


def csv_file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def run(actor, content: bytes, *, dry_run: bool = False):
    return import_points(actor=actor, file_name="diem-cau.csv", content=content, dry_run=dry_run)


def reasons(refused: pytest.ExceptionInfo) -> dict[int, str]:
    return {error.row: error.reason for error in refused.value.errors}


def test_a_file_creates_points_and_their_coordinators_with_accounts_and_roles(today):
    organiser = factories.organiser(None)
    content = csv_file(
        "08773,,Hội trường UBND xã,Thôn Đồng Bông,60,Trần Văn An,an@example.vn,0912345678",
        "08782,Điểm cầu Xã Sông Lô,,,,Trần Văn An,an@example.vn,0912345678",
        "29551,,,,,,,",
    )

    result = run(organiser, content)

    assert (result.created, result.appointed, result.people_created) == (3, 2, 1)
    lang_cong = BridgePoint.objects.get(unit=today["lang_cong"])
    assert (lang_cong.name, lang_cong.room, lang_cong.capacity) == (
        "Điểm cầu Xã Lãng Công",
        "Hội trường UBND xã",
        60,
    )
    an = Person.objects.get(email="an@example.vn")
    assert an.user is not None and not an.user.has_usable_password()
    assert an.agency.unit == today["lang_cong"]
    assert set(an.user.coordinated_points.values_list("unit__code", flat=True)) == {
        "08773",
        "08782",
    }
    roles = RoleAssignment.objects.filter(user=an.user, role="coordinator")
    assert {role.unit.code for role in roles} == {"08773", "08782"}
    assert all(role.granted_by == organiser for role in roles)
    assert RoleChange.objects.filter(user=an.user, actor=organiser).count() == 2


def test_the_preview_reports_the_changes_and_saves_nothing(today):
    organiser = factories.organiser(None)

    result = run(organiser, csv_file("08773,,,,,Trần Văn An,an@example.vn,"), dry_run=True)

    assert (result.created, result.appointed, result.people_created, result.saved) == (
        1,
        1,
        1,
        False,
    )
    assert [row.outcome for row in result.rows] == ["new"]
    assert not BridgePoint.objects.exists()
    assert not Person.objects.exists()


def test_importing_the_same_file_twice_changes_nothing(today):
    organiser = factories.organiser(None)
    content = csv_file("08773,,Hội trường,,60,Trần Văn An,an@example.vn,")
    run(organiser, content)

    again = run(organiser, content)

    assert (again.created, again.updated, again.people_created) == (0, 0, 0)
    assert [row.outcome for row in again.rows] == ["unchanged"]
    assert BridgePoint.objects.count() == 1


def test_a_known_person_with_the_same_name_is_reused(today):
    known = factories.PersonFactory(
        full_name="Trần Văn An",
        email="an@example.vn",
        agency=factories.AgencyFactory(unit=today["phu_tho"]),
    )

    result = run(factories.organiser(None), csv_file("08773,,,,,trần  văn an,AN@example.vn,"))

    assert result.people_created == 0
    known.refresh_from_db()
    assert known.user.coordinated_points.get().unit == today["lang_cong"]


def test_every_bad_row_is_refused_with_its_reason_and_nothing_is_saved(today):
    factories.PersonFactory(
        full_name="Lê Thị Bình",
        email="binh@example.vn",
        agency=factories.AgencyFactory(unit=today["phu_tho"]),
    )
    content = csv_file(
        "99999,,,,,,,",  # 2: no such unit
        "253,,,,,,,",  # 3: a former district
        "08773,,,,,Trần Văn An,binh@example.vn,",  # 4: another person's e-mail
        "08782,,,,mười,,,",  # 5: capacity
        "08782,,,,,Trần Văn An,,12",  # 6: phone
        "29551,,,,,,,",  # 7: fine
        "29551,,,,,,,",  # 8: repeats 7
    )

    with pytest.raises(TableRejected) as refused:
        run(factories.organiser(None), content)

    found = reasons(refused)
    assert found[2] == "Không có đơn vị hành chính nào mang mã này."
    assert "đơn vị cũ" in found[3]
    assert "thuộc về một người khác" in found[4] and "Bình" not in found[4]
    assert "số" in found[5].lower()
    assert "0912345678" in found[6]
    assert "dòng 7" in found[8].lower()
    assert 7 not in found
    assert not BridgePoint.objects.exists()


def test_a_provincial_organiser_cannot_import_outside_their_province(today):
    organiser = factories.organiser(today["phu_tho"])

    with pytest.raises(TableRejected) as refused:
        run(organiser, csv_file("08773,,,,,,,", "29551,,,,,,,"))

    assert reasons(refused) == {3: "Đơn vị này nằm ngoài phạm vi của bạn."}
    assert not BridgePoint.objects.exists()


def test_a_person_registered_outside_the_scope_is_not_made_coordinator(today):
    factories.PersonFactory(
        full_name="Trần Văn An",
        email="an@example.vn",
        agency=factories.AgencyFactory(unit=today["vinh_long"]),
    )

    with pytest.raises(TableRejected) as refused:
        run(
            factories.organiser(today["phu_tho"]),
            csv_file("08773,,,,,Trần Văn An,an@example.vn,"),
        )

    assert "ngoài phạm vi" in reasons(refused)[2]


def test_one_contact_with_two_names_in_a_file_is_refused(today):
    with pytest.raises(TableRejected) as refused:
        run(
            factories.organiser(None),
            csv_file("08773,,,,,Trần Văn An,an@example.vn,", "08782,,,,,Lê Văn An,an@example.vn,"),
        )
    assert "dòng 2" in reasons(refused)[3].lower()


def test_a_bad_file_is_refused(today):
    with pytest.raises(TableRejected) as refused:
        import_points(
            actor=factories.organiser(None),
            file_name="diem-cau.xlsx",
            content=b"not a workbook",
            dry_run=True,
        )
    assert refused.value.errors[0].row == 0


def test_a_coordinator_cannot_import(today):
    with pytest.raises(PermissionDenied):
        run(factories.coordinator(today["phu_tho"]), csv_file("08773,,,,,,,"))


def test_the_import_takes_the_same_statements_for_3_rows_as_for_30(
    db, django_assert_max_num_queries
):
    province = factories.province("Tỉnh Thử", "97")
    for number in range(30):
        factories.UnitFactory(code=f"97{number:03d}", name=f"Xã {number}", parent=province)
    organiser = factories.organiser(None)

    def rows(count: int, offset: int) -> bytes:
        return csv_file(
            *(f"97{n:03d},,,,,Người {n},n{n}@example.vn," for n in range(offset, offset + count))
        )

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        run(organiser, rows(3, 0))
    with django_assert_max_num_queries(len(small.captured_queries)):
        run(organiser, rows(27, 3))
    assert BridgePoint.objects.count() == 30
