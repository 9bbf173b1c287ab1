"""Generating bridge points from the unit tree: one per unit, within scope, idempotent, in a
fixed number of statements."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from directory.models import AdministrativeUnit
from events.models import BridgePoint
from network.services.generate import count_missing_points, generate_points
from tests import factories

Level = AdministrativeUnit.Level


def province_with_communes(name: str, code: str, count: int) -> AdministrativeUnit:
    province = factories.province(name, code)
    for number in range(count):
        factories.UnitFactory(
            level=Level.COMMUNE,
            code=f"{code}{number:03d}",
            name=f"Xã {name} {number}",
            parent=province,
        )
    return province


@pytest.fixture
def ben_tre(db) -> AdministrativeUnit:
    return province_with_communes("Tỉnh Bến Tre", "83", 9)


def test_a_point_at_every_commune_of_a_province_named_from_its_unit(ben_tre):
    # given
    organiser = factories.organiser(None)
    lang_cong = factories.UnitFactory(code="08773", name="Xã Lãng Công", parent=ben_tre)
    # when
    result = generate_points(actor=organiser, within=ben_tre, level=Level.COMMUNE)
    # then
    assert result.created == 10
    points = BridgePoint.objects.filter(unit__parent=ben_tre)
    assert points.count() == 10
    assert points.get(unit=lang_cong).name == "Điểm cầu Xã Lãng Công"
    assert all(point.is_active for point in points)


def test_a_point_at_every_province_of_the_country(ben_tre):
    province_with_communes("Tỉnh Vĩnh Long", "86", 2)
    factories.province("Tỉnh Hà Tây", "28", valid_until=date(2008, 7, 31))

    result = generate_points(actor=factories.organiser(None), within=None, level=Level.PROVINCE)

    assert result.created == 2
    assert set(BridgePoint.objects.values_list("name", flat=True)) == {
        "Điểm cầu Tỉnh Bến Tre",
        "Điểm cầu Tỉnh Vĩnh Long",
    }


def test_running_again_adds_only_the_units_without_an_active_point(ben_tre):
    organiser = factories.organiser(None)
    generate_points(actor=organiser, within=ben_tre, level=Level.COMMUNE)
    newcomer = factories.UnitFactory(code="83999", name="Xã Mới", parent=ben_tre)

    result = generate_points(actor=organiser, within=ben_tre, level=Level.COMMUNE)

    assert (result.created, result.already) == (1, 9)
    assert BridgePoint.objects.filter(unit__parent=ben_tre).count() == 10
    assert BridgePoint.objects.get(unit=newcomer).name == "Điểm cầu Xã Mới"


def test_a_unit_whose_own_point_was_deactivated_gets_it_back_rather_than_a_twin(ben_tre):
    organiser = factories.organiser(None)
    generate_points(actor=organiser, within=ben_tre, level=Level.PROVINCE)
    BridgePoint.objects.filter(unit=ben_tre).update(is_active=False)

    result = generate_points(actor=organiser, within=ben_tre, level=Level.PROVINCE)

    assert (result.created, result.reactivated) == (0, 1)
    assert BridgePoint.objects.get(unit=ben_tre).is_active


def test_a_unit_with_a_point_of_another_name_is_left_alone(ben_tre):
    factories.BridgePointFactory(name="Hội trường UBND tỉnh", unit=ben_tre)

    result = generate_points(actor=factories.organiser(None), within=ben_tre, level=Level.PROVINCE)

    assert (result.created, result.already) == (0, 1)


def test_former_units_get_no_point(ben_tre):
    factories.UnitFactory(code="83111", name="Xã Cũ", parent=ben_tre, valid_until=date(2025, 6, 30))

    result = generate_points(actor=factories.organiser(None), within=ben_tre, level=Level.COMMUNE)

    assert result.created == 9
    assert not BridgePoint.objects.filter(unit__name="Xã Cũ").exists()


def test_the_preview_counts_what_would_be_added_and_changes_nothing(ben_tre):
    organiser = factories.organiser(None)
    generate_points(actor=organiser, within=ben_tre, level=Level.PROVINCE)

    assert count_missing_points(actor=organiser, within=None, level=Level.COMMUNE) == (9, 0)
    assert count_missing_points(actor=organiser, within=ben_tre, level=Level.PROVINCE) == (0, 1)
    assert BridgePoint.objects.count() == 1


def test_a_provincial_organiser_generates_in_their_own_province(ben_tre):
    organiser = factories.organiser(ben_tre)

    result = generate_points(actor=organiser, within=ben_tre, level=Level.COMMUNE)

    assert result.created == 9


@pytest.mark.parametrize("within_other", [True, False])
def test_a_provincial_organiser_cannot_generate_outside_their_province(ben_tre, within_other):
    vinh_long = province_with_communes("Tỉnh Vĩnh Long", "86", 2)
    organiser = factories.organiser(ben_tre)

    with pytest.raises(PermissionDenied) as refused:
        generate_points(
            actor=organiser, within=vinh_long if within_other else None, level=Level.COMMUNE
        )

    assert "phạm vi" in str(refused.value) or "toàn quốc" in str(refused.value)
    assert not BridgePoint.objects.exists()


def test_a_coordinator_cannot_generate(ben_tre):
    with pytest.raises(PermissionDenied):
        generate_points(actor=factories.coordinator(ben_tre), within=ben_tre, level=Level.COMMUNE)
    assert not BridgePoint.objects.exists()


def test_a_former_unit_cannot_be_the_root_of_a_generation(db):
    former = factories.province("Tỉnh Vĩnh Phúc", "26", valid_until=date(2025, 6, 30))

    with pytest.raises(ValidationError) as refused:
        generate_points(actor=factories.organiser(None), within=former, level=Level.COMMUNE)

    assert "đơn vị cũ" in " ".join(refused.value.messages)


def test_the_nation_is_not_a_level_to_generate(ben_tre):
    with pytest.raises(ValidationError):
        generate_points(actor=factories.organiser(None), within=None, level=Level.NATION)


def test_the_same_statements_for_9_communes_as_for_60(db, django_assert_num_queries):
    small = province_with_communes("Tỉnh Nhỏ", "81", 9)
    large = province_with_communes("Tỉnh Lớn", "82", 60)
    organiser = factories.organiser(None)
    organiser_scope_warm = count_missing_points(actor=organiser, within=small, level="commune")
    assert organiser_scope_warm == (9, 0)

    with django_assert_num_queries(6) as small_run:
        generate_points(actor=organiser, within=small, level=Level.COMMUNE)
    with django_assert_num_queries(len(small_run.captured_queries)):
        generate_points(actor=organiser, within=large, level=Level.COMMUNE)

    assert BridgePoint.objects.count() == 69
