"""Imports of people and units through the service layer: all rows or none."""

import io
import unicodedata
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import Workbook

from directory import services
from directory.demo import FORMER_UNITS_CSV
from directory.models import AdministrativeUnit, Agency, ImportRecord, Person
from directory.selectors import unit_level_counts, valid_on_q
from directory.spreadsheets import TableRejected
from tests import factories

Level = AdministrativeUnit.Level

PEOPLE_HEADER = "Họ và tên,Chức vụ,Cơ quan,Mã đơn vị hành chính,Email,Điện thoại"
LAN = "Nguyễn Thị Lan,Chuyên viên,Sở Nội vụ tỉnh Vĩnh Phúc,26,lan.nt@vinhphuc.gov.vn,0912345678"
BINH = "Trần Văn Bình,Phó Chủ tịch,UBND xã Lãng Công,08773,,0987654321"
CUONG = "Lê Văn Cường,Trưởng phòng,Sở Nội vụ tỉnh Vĩnh Phúc,26,CUONG.LV@vinhphuc.gov.vn,"

UNIT_HEADER = "Cấp,Mã,Tên,Loại,Mã đơn vị cấp trên,Hiệu lực từ,Hiệu lực đến"
FORMER_TREE = (
    "tỉnh,26,Tỉnh Vĩnh Phúc,tỉnh,,,30/06/2025",
    "huyện,253,Huyện Sông Lô,huyện,26,,30/06/2025",
    "xã,08773,Xã Lãng Công,xã,253,,30/06/2025",
)


def csv_file(*rows: str, header: str = PEOPLE_HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def xlsx_file(*rows: list[object]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cp1258(text: str) -> bytes:
    """Text as Excel's "CSV" saves it on a Vietnamese Windows: tone marks as combining bytes."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    encoded = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            encoded += char.encode("cp1258")
        except UnicodeEncodeError:
            marks = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(m for m in marks if m not in tones))
            tone = "".join(m for m in marks if m in tones)
            encoded += base.encode("cp1258") + tone.encode("cp1258")
    return encoded


def places(rejected: pytest.ExceptionInfo[TableRejected]) -> list[tuple[int, str]]:
    return [(error.row, error.column) for error in rejected.value.errors]


def counts() -> tuple[int, int]:
    return Person.objects.count(), Agency.objects.count()


# --- import_people: success -------------------------------------------------------------


def test_clean_csv_creates_people_and_only_the_missing_agencies(two_provinces, vinh_phuc_organiser):
    # given
    existing = factories.AgencyFactory(
        name="Sở Nội vụ tỉnh Vĩnh Phúc", unit=two_provinces["vinh_phuc"]
    )

    # when
    result = services.import_people(
        actor=vinh_phuc_organiser, file_name="nguoi.csv", content=csv_file(LAN, BINH, CUONG)
    )

    # then
    assert (result.rows, result.created, result.updated, result.agencies_created) == (3, 3, 0, 1)
    lan = Person.objects.get(full_name="Nguyễn Thị Lan")
    assert lan.agency == existing
    assert (lan.position, lan.email, lan.phone) == (
        "Chuyên viên",
        "lan.nt@vinhphuc.gov.vn",
        "0912345678",
    )
    binh = Person.objects.get(full_name="Trần Văn Bình")
    assert binh.agency.name == "UBND xã Lãng Công"
    assert binh.agency.unit == two_provinces["commune"]
    assert Person.objects.get(full_name="Lê Văn Cường").email == "cuong.lv@vinhphuc.gov.vn"
    record = ImportRecord.objects.get()
    assert (record.kind, record.file_name, record.imported_by) == (
        ImportRecord.Kind.PEOPLE,
        "nguoi.csv",
        vinh_phuc_organiser,
    )
    assert (record.row_count, record.created_count, record.updated_count) == (3, 3, 0)


def test_reimporting_the_same_file_changes_nothing(vinh_phuc_organiser):
    # given
    content = csv_file(LAN, BINH, CUONG)
    services.import_people(actor=vinh_phuc_organiser, file_name="nguoi.csv", content=content)
    before = counts()

    # when
    result = services.import_people(
        actor=vinh_phuc_organiser, file_name="nguoi.csv", content=content
    )

    # then
    assert (result.rows, result.created, result.updated, result.agencies_created) == (3, 0, 0, 0)
    assert counts() == before


def test_known_email_updates_that_person_instead_of_adding_one(vinh_phuc_organiser):
    services.import_people(actor=vinh_phuc_organiser, file_name="a.csv", content=csv_file(LAN))
    promoted = LAN.replace("Chuyên viên", "Phó Giám đốc").replace("0912345678", "")

    result = services.import_people(
        actor=vinh_phuc_organiser, file_name="b.csv", content=csv_file(promoted)
    )

    assert (result.created, result.updated) == (0, 1)
    lan = Person.objects.get()
    # A blank phone cell keeps the stored number.
    assert (lan.position, lan.phone) == ("Phó Giám đốc", "0912345678")


def test_xlsx_file_imports_like_the_csv(two_provinces, vinh_phuc_organiser):
    # given
    content = xlsx_file(
        PEOPLE_HEADER.split(","),
        ["Nguyễn Thị Lan", "Chuyên viên", "Sở Nội vụ tỉnh Vĩnh Phúc", "26", "lan.nt@vp.vn", ""],
        [None, None, None, None, None, None],
        ["Trần Văn Bình", "Phó Chủ tịch", "UBND xã Lãng Công", "08773", "", "0987654321"],
    )

    # when
    result = services.import_people(
        actor=vinh_phuc_organiser, file_name="Danh sách.xlsx", content=content
    )
    again = services.import_people(
        actor=vinh_phuc_organiser, file_name="Danh sách.xlsx", content=content
    )

    # then
    assert (result.rows, result.created, result.agencies_created) == (2, 2, 2)
    assert (again.created, again.updated) == (0, 0)
    assert Person.objects.get(phone="0987654321").agency.unit == two_provinces["commune"]


def test_international_phone_number_is_stored_in_the_national_form(vinh_phuc_organiser):
    row = "Phạm Thị Dung,Chuyên viên,Sở Nội vụ tỉnh Vĩnh Phúc,26,,+84 912 345 678"

    services.import_people(actor=vinh_phuc_organiser, file_name="p.csv", content=csv_file(row))

    assert Person.objects.get().phone == "0912345678"


def test_english_headers_and_semicolons_are_understood(vinh_phuc_organiser):
    content = csv_file(
        "Đỗ Văn Em;Chuyên viên;Sở Nội vụ tỉnh Vĩnh Phúc;26;em@vp.vn;",
        header="full name;position;agency;unit code;e-mail;phone",
    )

    result = services.import_people(actor=vinh_phuc_organiser, file_name="e.CSV", content=content)

    assert result.created == 1
    assert Person.objects.get().full_name == "Đỗ Văn Em"


# --- import_people: rejected files save nothing --------------------------------------------


@pytest.mark.parametrize(
    ("bad_row", "column"),
    [
        pytest.param(
            "Võ Văn Giang,Chuyên viên,UBND xã Không Có,99999,giang@vp.vn,",
            "Mã đơn vị hành chính",
            id="unknown-unit-code",
        ),
        pytest.param(
            ",Chuyên viên,Sở Nội vụ tỉnh Vĩnh Phúc,26,khuyet@vp.vn,", "Họ và tên", id="no-name"
        ),
        pytest.param(
            "Võ Văn Giang,Chuyên viên,Sở Nội vụ tỉnh Vĩnh Phúc,26,giang(at)vp.vn,",
            "Email",
            id="bad-email",
        ),
        pytest.param(
            "Võ Văn Giang,Chuyên viên,Sở Nội vụ tỉnh Vĩnh Phúc,26,,12345",
            "Điện thoại",
            id="bad-phone",
        ),
        pytest.param(
            "Võ Văn Giang,Chuyên viên,Sở Nội vụ tỉnh Vĩnh Phúc,26,,",
            "Email",
            id="no-way-to-reach",
        ),
    ],
)
def test_a_bad_row_rejects_the_whole_file_naming_row_and_column(
    vinh_phuc_organiser, bad_row, column
):
    # given
    before = counts()

    # when
    with pytest.raises(TableRejected) as rejected:
        services.import_people(
            actor=vinh_phuc_organiser, file_name="nguoi.csv", content=csv_file(LAN, bad_row, BINH)
        )

    # then
    assert places(rejected) == [(3, column)]
    assert counts() == before
    assert not ImportRecord.objects.exists()


def test_unknown_unit_code_is_explained_in_vietnamese(vinh_phuc_organiser):
    row = "Võ Văn Giang,Chuyên viên,UBND xã Không Có,99999,giang@vp.vn,"

    with pytest.raises(TableRejected) as rejected:
        services.import_people(actor=vinh_phuc_organiser, file_name="g.csv", content=csv_file(row))

    assert rejected.value.errors[0].reason == ("Không có đơn vị hành chính nào mang mã này.")


def test_duplicate_email_in_the_file_points_the_second_row_at_the_first(vinh_phuc_organiser):
    # given
    before = counts()
    twin = "Nguyễn Thị Lan Anh,Chuyên viên,Sở Nội vụ tỉnh Vĩnh Phúc,26,LAN.NT@vinhphuc.gov.vn,"

    # when
    with pytest.raises(TableRejected) as rejected:
        services.import_people(
            actor=vinh_phuc_organiser, file_name="nguoi.csv", content=csv_file(LAN, BINH, twin)
        )

    # then
    [error] = rejected.value.errors
    assert (error.row, error.column) == (4, "Email")
    assert error.reason == "Trùng với dòng 2."
    assert counts() == before


def test_every_bad_row_is_listed_in_row_order(vinh_phuc_organiser):
    content = csv_file(
        ",Chuyên viên,Sở Nội vụ tỉnh Vĩnh Phúc,26,a@vp.vn,",
        LAN,
        "Võ Văn Giang,Chuyên viên,UBND,99999,khong-hop-le,",
    )

    with pytest.raises(TableRejected) as rejected:
        services.import_people(actor=vinh_phuc_organiser, file_name="n.csv", content=content)

    assert places(rejected) == [(2, "Họ và tên"), (4, "Mã đơn vị hành chính"), (4, "Email")]


def test_cp1258_csv_from_excel_is_rejected_as_not_utf8(vinh_phuc_organiser):
    # given
    before = counts()
    content = cp1258("\r\n".join([PEOPLE_HEADER, LAN, BINH]))

    # when
    with pytest.raises(TableRejected) as rejected:
        services.import_people(actor=vinh_phuc_organiser, file_name="nguoi.csv", content=content)

    # then
    assert places(rejected) == [(1, "")]
    assert "UTF-8" in rejected.value.errors[0].reason
    assert counts() == before


def test_latin1_csv_is_rejected_at_the_first_line_it_garbles(vinh_phuc_organiser):
    # given an ASCII header, so the first undecodable byte is on line 2
    content = (
        "full name,position,agency,unit code,email\r\n"
        "Lê Hà,Chuyên viên,So Noi vu,26,le.ha@vp.vn\r\n"
    ).encode("latin-1")
    before = counts()

    # when
    with pytest.raises(TableRejected) as rejected:
        services.import_people(actor=vinh_phuc_organiser, file_name="nguoi.csv", content=content)

    # then
    assert places(rejected) == [(2, "")]
    assert counts() == before


def test_csv_text_named_xlsx_is_rejected(vinh_phuc_organiser):
    before = counts()

    with pytest.raises(TableRejected) as rejected:
        services.import_people(
            actor=vinh_phuc_organiser, file_name="nguoi.xlsx", content=csv_file(LAN)
        )

    assert places(rejected) == [(0, "")]
    assert ".xlsx" in rejected.value.errors[0].reason
    assert counts() == before


def test_workbook_named_csv_is_rejected(vinh_phuc_organiser):
    before = counts()
    content = xlsx_file(PEOPLE_HEADER.split(","), LAN.split(","))

    with pytest.raises(TableRejected) as rejected:
        services.import_people(actor=vinh_phuc_organiser, file_name="nguoi.csv", content=content)

    assert places(rejected) == [(0, "")]
    assert ".csv" in rejected.value.errors[0].reason
    assert counts() == before


def test_damaged_workbook_is_rejected(vinh_phuc_organiser):
    content = xlsx_file(PEOPLE_HEADER.split(","), LAN.split(","))[:200]

    with pytest.raises(TableRejected) as rejected:
        services.import_people(actor=vinh_phuc_organiser, file_name="nguoi.xlsx", content=content)

    assert places(rejected) == [(0, "")]


def test_other_file_types_are_rejected(vinh_phuc_organiser):
    with pytest.raises(TableRejected) as rejected:
        services.import_people(
            actor=vinh_phuc_organiser, file_name="nguoi.txt", content=csv_file(LAN)
        )

    assert places(rejected) == [(0, "")]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf"], ids=["empty", "bom-only"])
def test_empty_file_is_rejected(vinh_phuc_organiser, content):
    with pytest.raises(TableRejected) as rejected:
        services.import_people(actor=vinh_phuc_organiser, file_name="nguoi.csv", content=content)

    assert places(rejected) == [(1, "")]
    assert rejected.value.errors[0].reason == "Tệp trống."


def test_header_without_data_rows_is_rejected(vinh_phuc_organiser):
    with pytest.raises(TableRejected) as rejected:
        services.import_people(actor=vinh_phuc_organiser, file_name="nguoi.csv", content=csv_file())

    assert places(rejected) == [(2, "")]


def test_header_missing_a_required_column_names_that_column(vinh_phuc_organiser):
    # given
    before = counts()
    content = csv_file(
        "Nguyễn Thị Lan,Chuyên viên,Sở Nội vụ tỉnh Vĩnh Phúc,lan@vp.vn",
        header="Họ và tên,Chức vụ,Cơ quan,Email",
    )

    # when
    with pytest.raises(TableRejected) as rejected:
        services.import_people(actor=vinh_phuc_organiser, file_name="nguoi.csv", content=content)

    # then
    assert places(rejected) == [(1, "Mã đơn vị hành chính")]
    assert rejected.value.errors[0].reason == "Dòng tiêu đề thiếu cột này."
    assert counts() == before


def test_vinh_phuc_organiser_cannot_import_into_ben_tre(vinh_phuc_organiser):
    # given
    before = counts()
    ben_tre_row = "Huỳnh Văn Hải,Chuyên viên,Sở Nội vụ tỉnh Bến Tre,83,hai@bentre.gov.vn,"

    # when
    with pytest.raises(TableRejected) as rejected:
        services.import_people(
            actor=vinh_phuc_organiser, file_name="nguoi.csv", content=csv_file(LAN, ben_tre_row)
        )

    # then
    [error] = rejected.value.errors
    assert (error.row, error.column) == (3, "Mã đơn vị hành chính")
    assert error.reason == "Đơn vị này nằm ngoài phạm vi của bạn."
    assert counts() == before


def test_organiser_cannot_update_a_person_registered_outside_their_scope(
    two_provinces, vinh_phuc_organiser
):
    # given a Bến Tre civil servant with this e-mail already
    factories.PersonFactory(
        email="hai@bentre.gov.vn", agency=factories.AgencyFactory(unit=two_provinces["ben_tre"])
    )
    row = "Huỳnh Văn Hải,Chuyên viên,Sở Nội vụ tỉnh Vĩnh Phúc,26,hai@bentre.gov.vn,"

    # when
    with pytest.raises(TableRejected) as rejected:
        services.import_people(actor=vinh_phuc_organiser, file_name="h.csv", content=csv_file(row))

    # then
    assert places(rejected) == [(2, "Email")]
    assert Person.objects.get().agency.unit == two_provinces["ben_tre"]


def test_coordinator_may_not_import_people(two_provinces):
    coordinator = factories.coordinator(two_provinces["song_lo"])

    with pytest.raises(PermissionDenied):
        services.import_people(actor=coordinator, file_name="nguoi.csv", content=csv_file(BINH))

    assert counts() == (0, 0)


def test_overlong_full_name_is_rejected_with_its_row(vinh_phuc_organiser):
    row = f"{'Nguyễn ' * 40}Lan,Chuyên viên,Sở Nội vụ tỉnh Vĩnh Phúc,26,lan@vp.vn,"

    with pytest.raises(TableRejected) as rejected:
        services.import_people(actor=vinh_phuc_organiser, file_name="n.csv", content=csv_file(row))

    assert places(rejected) == [(2, "Họ và tên")]


def test_commune_code_stored_as_a_number_in_xlsx_keeps_its_leading_zero(
    two_provinces, vinh_phuc_organiser
):
    content = xlsx_file(
        PEOPLE_HEADER.split(","),
        ["Trần Văn Bình", "Phó Chủ tịch", "UBND xã Lãng Công", 8773, "", "0987654321"],
    )

    services.import_people(actor=vinh_phuc_organiser, file_name="x.xlsx", content=content)

    assert Person.objects.get().agency.unit == two_provinces["commune"]


# --- import_units -----------------------------------------------------------------------


def test_national_organiser_imports_a_former_three_tier_tree_in_one_file(db):
    # given
    national = factories.organiser(None)

    # when
    result = services.import_units(
        actor=national,
        file_name="don-vi-cu.csv",
        content=csv_file(*FORMER_TREE, header=UNIT_HEADER),
    )

    # then
    assert (result.rows, result.created, result.updated) == (3, 3, 0)
    nation = AdministrativeUnit.objects.get(level=Level.NATION)
    province = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="26")
    district = AdministrativeUnit.objects.get(level=Level.DISTRICT, code="253")
    commune = AdministrativeUnit.objects.get(level=Level.COMMUNE, code="08773")
    assert (province.parent, district.parent, commune.parent) == (nation, province, district)
    assert commune.path.startswith(district.path)
    assert district.path.startswith(province.path)
    assert province.path.startswith(nation.path)
    assert commune.path == f"{nation.path}{province.pk}/{district.pk}/{commune.pk}/"
    assert (province.depth, district.depth, commune.depth) == (1, 2, 3)
    assert {province.valid_until, district.valid_until, commune.valid_until} == {date(2025, 6, 30)}
    assert (district.name, district.division_type) == ("Huyện Sông Lô", "huyện")
    assert ImportRecord.objects.get().kind == ImportRecord.Kind.UNITS


def test_reimporting_a_unit_tree_is_idempotent(db):
    # given
    national = factories.organiser(None)
    content = csv_file(*FORMER_TREE, header=UNIT_HEADER)
    services.import_units(actor=national, file_name="cu.csv", content=content)
    paths = dict(AdministrativeUnit.objects.values_list("code", "path"))

    # when
    result = services.import_units(actor=national, file_name="cu.csv", content=content)

    # then
    assert (result.created, result.updated) == (0, 0)
    assert dict(AdministrativeUnit.objects.values_list("code", "path")) == paths


def test_former_units_stand_beside_current_units_with_the_same_codes(two_provinces):
    national = factories.organiser(None)

    services.import_units(
        actor=national, file_name="cu.csv", content=csv_file(*FORMER_TREE, header=UNIT_HEADER)
    )

    current = AdministrativeUnit.objects.filter(valid_until__isnull=True, code="08773").get()
    former = AdministrativeUnit.objects.filter(valid_until__isnull=False, code="08773").get()
    assert current == two_provinces["commune"]
    assert former.parent.valid_until == date(2025, 6, 30)
    assert not former.path.startswith(two_provinces["vinh_phuc"].path)


def test_commune_under_an_unknown_parent_code_is_refused(two_provinces):
    # given
    national = factories.organiser(None)
    before = AdministrativeUnit.objects.count()
    content = csv_file(
        "xã,08774,Xã Đức Bác,xã,253,,",
        "xã,99998,Xã Không Rõ,xã,777,,",
        header=UNIT_HEADER,
    )

    # when
    with pytest.raises(TableRejected) as rejected:
        services.import_units(actor=national, file_name="xa.csv", content=content)

    # then
    [error] = rejected.value.errors
    assert (error.row, error.column) == (3, "Mã đơn vị cấp trên")
    assert error.reason.startswith("Không có đơn vị nào mang mã này vào ngày")
    assert AdministrativeUnit.objects.count() == before


@pytest.mark.parametrize(
    ("bad_row", "column"),
    [
        pytest.param("thôn,0001,Thôn Một,thôn,08773,,", "Cấp", id="unknown-level"),
        pytest.param("xã,,Xã Không Mã,xã,253,,", "Mã", id="no-code"),
        pytest.param("huyện,999,Huyện Mồ Côi,huyện,,,", "Mã đơn vị cấp trên", id="no-parent"),
        pytest.param("huyện,998,Huyện Ngày Sai,huyện,26,,31/02/2025", "Hiệu lực đến", id="bad-day"),
        pytest.param(
            "huyện,997,Huyện Ngược,huyện,26,01/07/2025,30/06/2025", "Hiệu lực đến", id="reversed"
        ),
    ],
)
def test_bad_unit_row_rejects_the_file(two_provinces, bad_row, column):
    national = factories.organiser(None)
    before = AdministrativeUnit.objects.count()

    with pytest.raises(TableRejected) as rejected:
        services.import_units(
            actor=national, file_name="u.csv", content=csv_file(bad_row, header=UNIT_HEADER)
        )

    assert places(rejected) == [(2, column)]
    assert AdministrativeUnit.objects.count() == before


def test_provincial_organiser_may_add_a_district_to_their_own_province(
    two_provinces, vinh_phuc_organiser
):
    content = csv_file("huyện,254,Huyện Tam Đảo,huyện,26,,", header=UNIT_HEADER)

    result = services.import_units(actor=vinh_phuc_organiser, file_name="h.csv", content=content)

    assert result.created == 1
    tam_dao = AdministrativeUnit.objects.get(code="254")
    assert tam_dao.parent == two_provinces["vinh_phuc"]
    assert tam_dao.path.startswith(two_provinces["vinh_phuc"].path)


def test_provincial_organiser_may_not_add_a_province(two_provinces, vinh_phuc_organiser):
    before = AdministrativeUnit.objects.count()
    content = csv_file("tỉnh,27,Tỉnh Bắc Ninh,tỉnh,,,", header=UNIT_HEADER)

    with pytest.raises(TableRejected) as rejected:
        services.import_units(actor=vinh_phuc_organiser, file_name="t.csv", content=content)

    [error] = rejected.value.errors
    assert (error.row, error.column) == (2, "Cấp")
    assert error.reason == "Chỉ cán bộ tổ chức toàn quốc được thêm tỉnh."
    assert AdministrativeUnit.objects.count() == before


def test_provincial_organiser_may_not_add_a_district_to_another_province(
    two_provinces, vinh_phuc_organiser
):
    content = csv_file("huyện,831,Huyện Châu Thành,huyện,83,,", header=UNIT_HEADER)

    with pytest.raises(TableRejected) as rejected:
        services.import_units(actor=vinh_phuc_organiser, file_name="h.csv", content=content)

    assert places(rejected) == [(2, "Mã đơn vị cấp trên")]
    assert not AdministrativeUnit.objects.filter(code="831").exists()


def test_coordinator_may_not_import_units(two_provinces):
    coordinator = factories.coordinator(two_provinces["song_lo"])

    with pytest.raises(PermissionDenied):
        services.import_units(
            actor=coordinator,
            file_name="x.csv",
            content=csv_file("xã,08774,Xã Đức Bác,xã,253,,", header=UNIT_HEADER),
        )


def test_rejected_unit_import_writes_no_unit_at_all(db):
    national = factories.organiser(None)

    with pytest.raises(TableRejected):
        services.import_units(
            actor=national,
            file_name="u.csv",
            content=csv_file("thôn,1,Thôn,,,,", header=UNIT_HEADER),
        )

    assert not AdministrativeUnit.objects.exists()


def test_moving_a_district_by_import_carries_its_communes_along(two_provinces):
    # given
    national = factories.organiser(None)
    content = csv_file("huyện,253,Huyện Sông Lô,huyện,83,,", header=UNIT_HEADER)

    # when
    result = services.import_units(actor=national, file_name="h.csv", content=content)

    # then
    assert result.updated == 1
    song_lo = AdministrativeUnit.objects.get(pk=two_provinces["song_lo"].pk)
    commune = AdministrativeUnit.objects.get(pk=two_provinces["commune"].pk)
    assert song_lo.parent == two_provinces["ben_tre"]
    assert commune.path.startswith(song_lo.path)


def test_provincial_organiser_cannot_take_over_another_provinces_district(
    two_provinces, vinh_phuc_organiser
):
    # given
    ba_tri = factories.UnitFactory(
        level=Level.DISTRICT, code="836", name="Huyện Ba Tri", parent=two_provinces["ben_tre"]
    )
    content = csv_file("huyện,836,Huyện Ba Tri,huyện,26,,", header=UNIT_HEADER)

    # when
    with pytest.raises(TableRejected):
        services.import_units(actor=vinh_phuc_organiser, file_name="h.csv", content=content)

    # then
    ba_tri.refresh_from_db()
    assert ba_tri.parent == two_provinces["ben_tre"]


# --- seed_current_units -----------------------------------------------------------------


def test_seed_brings_in_34_provinces_and_3321_communes_and_is_idempotent(db):
    # when
    first = services.seed_current_units()
    second = services.seed_current_units()

    # then
    today = timezone.localdate()
    current = AdministrativeUnit.objects.filter(valid_on_q(today))
    assert current.filter(level=Level.PROVINCE).count() == 34
    assert current.filter(level=Level.COMMUNE).count() == 3321
    assert first.created == 34 + 3321
    assert (second.created, second.updated) == (0, 0)
    assert AdministrativeUnit.objects.count() == 1 + 34 + 3321
    communes = AdministrativeUnit.objects.filter(level=Level.COMMUNE)
    assert not communes.exclude(parent__level=Level.PROVINCE).exists()
    commune_depths = communes.values_list("depth")
    assert set(commune_depths.distinct()) == {(2,)}


def test_the_shipped_former_tree_imports_whole_under_todays_nation(db):
    # given today's list, as `make run` seeds it first
    services.seed_current_units()
    national = factories.organiser(None)
    shipped = FORMER_UNITS_CSV

    # when
    result = services.import_units(
        actor=national, file_name=shipped.name, content=shipped.read_bytes()
    )

    # then the 2025 reform's predecessors stand beside today's units, ended on 30/06/2025
    former = AdministrativeUnit.objects.filter(valid_until=date(2025, 6, 30))
    assert result.created == 63 + 696 + 10051
    assert unit_level_counts(former) == {
        "nation": 0,
        "province": 63,
        "district": 696,
        "commune": 10051,
    }
    song_lo = former.get(level=Level.DISTRICT, code="253")
    assert song_lo.parent.name == "Tỉnh Vĩnh Phúc"
    assert former.get(level=Level.COMMUNE, code="00004").parent.name == "Quận Ba Đình"
