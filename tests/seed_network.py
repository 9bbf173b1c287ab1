"""Fixtures: the bridge-point network of the 2021 seeds: the Ministry's host point, the Bến Tre
point, and Vĩnh Phúc with its nine district points (as on 03/11/2021)."""

from dataclasses import dataclass
from datetime import date

import pytest

from directory.models import AdministrativeUnit
from events.models import BridgePoint
from tests import factories

FORMER = {"valid_until": date(2025, 6, 30)}
VINH_PHUC_DISTRICTS = [
    ("243", "Thành phố Vĩnh Yên"),
    ("244", "Thành phố Phúc Yên"),
    ("246", "Huyện Lập Thạch"),
    ("247", "Huyện Tam Dương"),
    ("248", "Huyện Tam Đảo"),
    ("249", "Huyện Bình Xuyên"),
    ("251", "Huyện Yên Lạc"),
    ("252", "Huyện Vĩnh Tường"),
    ("253", "Huyện Sông Lô"),
]


@dataclass
class Network:
    ha_noi: AdministrativeUnit
    ben_tre: AdministrativeUnit
    vinh_phuc: AdministrativeUnit
    districts: list[AdministrativeUnit]
    host: BridgePoint
    ben_tre_point: BridgePoint
    vinh_phuc_point: BridgePoint
    district_points: list[BridgePoint]


@pytest.fixture
def network(db) -> Network:
    ha_noi = factories.province("Thành phố Hà Nội", "01", **FORMER)
    ben_tre = factories.province("Tỉnh Bến Tre", "83", **FORMER)
    vinh_phuc = factories.province("Tỉnh Vĩnh Phúc", "26", **FORMER)
    districts = [
        factories.UnitFactory(
            level=AdministrativeUnit.Level.DISTRICT,
            code=code,
            name=name,
            parent=vinh_phuc,
            **FORMER,
        )
        for code, name in VINH_PHUC_DISTRICTS
    ]
    return Network(
        ha_noi=ha_noi,
        ben_tre=ben_tre,
        vinh_phuc=vinh_phuc,
        districts=districts,
        host=factories.BridgePointFactory(
            name="Điểm cầu chính Bộ Nội vụ", unit=ha_noi, is_host=True
        ),
        ben_tre_point=factories.BridgePointFactory(name="Điểm cầu tỉnh Bến Tre", unit=ben_tre),
        vinh_phuc_point=factories.BridgePointFactory(
            name="Điểm cầu tỉnh Vĩnh Phúc", unit=vinh_phuc
        ),
        district_points=[
            factories.BridgePointFactory(name=f"Điểm cầu {unit.name}", unit=unit)
            for unit in districts
        ],
    )


@pytest.fixture
def ministry_organiser(network):
    return factories.organiser(None, username="vu-cchc")


@pytest.fixture
def vinh_phuc_organiser(network):
    return factories.organiser(network.vinh_phuc, username="so-noi-vu-vinh-phuc")
