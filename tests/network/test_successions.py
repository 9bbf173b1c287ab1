"""Former units and the units of today that took them over: the provinces by law, the
communes from an organiser's file."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from directory.models import AdministrativeUnit, UnitSuccession
from directory.services.succession import import_successions, load_province_successions
from directory.spreadsheets import TableRejected
from tests import factories

FORMER = {"valid_until": date(2025, 6, 30)}
HEADER = "Mã đơn vị cũ,Mã đơn vị mới,Căn cứ\n"


def run(actor, body: str) -> int:
    return import_successions(
        actor=actor, file_name="chuyen-doi.csv", content=(HEADER + body).encode()
    )


def test_the_former_provinces_go_to_their_successor_by_resolution_202(db):
    phu_tho = factories.province("Phú Thọ", "25")
    vinh_phuc = factories.province("Tỉnh Vĩnh Phúc", "26", **FORMER)
    hoa_binh = factories.province("Tỉnh Hoà Bình", "17", **FORMER)
    old_phu_tho = factories.province("Tỉnh Phú Thọ", "25", **FORMER)

    assert load_province_successions() == 3
    assert load_province_successions() == 0

    links = UnitSuccession.objects.filter(successor=phu_tho)
    assert {link.former for link in links} == {vinh_phuc, hoa_binh, old_phu_tho}
    assert {link.source for link in links} == {"Nghị quyết 202/2025/QH15"}


def test_the_shipped_table_maps_63_provinces_onto_34():
    from directory.services.succession import PROVINCE_SUCCESSIONS_CSV

    rows = PROVINCE_SUCCESSIONS_CSV.read_text(encoding="utf-8").splitlines()[1:]
    assert len(rows) == 63
    assert len({row.split(",")[2] for row in rows}) == 34
    assert "26,Tỉnh Vĩnh Phúc,25,Phú Thọ" in rows


@pytest.fixture
def communes(today):
    old = factories.UnitFactory(
        code="08773",
        name="Xã Lãng Công (cũ)",
        parent=today["former_district"],
        **FORMER,
    )
    return {"old": old, **today}


def test_an_organiser_imports_commune_links_all_or_nothing(communes):
    organiser = factories.organiser(communes["phu_tho"])

    assert run(organiser, "08773,08782,Nghị quyết 1676/NQ-UBTVQH15\n253,08782,\n") == 2
    assert run(organiser, "08773,08782,\n") == 0

    assert set(
        UnitSuccession.objects.filter(successor=communes["song_lo"]).values_list(
            "former__code", flat=True
        )
    ) == {"08773", "253"}


def test_bad_rows_refuse_the_whole_file(communes):
    organiser = factories.organiser(communes["phu_tho"])

    with pytest.raises(TableRejected) as refused:
        run(organiser, "99999,08782,\n08782,08773,\n08773,29551,\n253,08782,\n253,08782,\n")

    reasons = {(error.row, error.column): error.reason for error in refused.value.errors}
    assert reasons[(2, "Mã đơn vị cũ")] == "Không có đơn vị cũ nào mang mã này."
    assert reasons[(3, "Mã đơn vị cũ")] == "Không có đơn vị cũ nào mang mã này."
    assert reasons[(4, "Mã đơn vị mới")] == "Đơn vị này nằm ngoài phạm vi của bạn."
    assert "dòng 5" in reasons[(6, "Mã đơn vị cũ")].lower()
    assert not UnitSuccession.objects.exists()


def test_a_coordinator_cannot_import_links(communes):
    with pytest.raises(PermissionDenied):
        run(factories.coordinator(communes["lang_cong"]), "08773,08782,\n")


def test_the_page_lists_links_in_scope_only(client, communes):
    UnitSuccession.objects.create(former=communes["old"], successor=communes["song_lo"])
    UnitSuccession.objects.create(former=communes["former_district"], successor=communes["long_ho"])
    client.force_login(factories.organiser(communes["phu_tho"]))

    page = client.get("/network/former/")

    assert [link.former.name for link in page.context["page"]] == ["Xã Lãng Công (cũ)"]
    assert AdministrativeUnit.objects.filter(valid_until__isnull=False).count() == 3
