from datetime import date

import pytest

from directory.models import AdministrativeUnit
from tests import factories

Level = AdministrativeUnit.Level


@pytest.fixture
def today(db) -> dict[str, AdministrativeUnit]:
    """Two provinces of today with communes, and a former province with a district."""
    vinh_long = factories.province("Tỉnh Vĩnh Long", "86")
    phu_tho = factories.province("Tỉnh Phú Thọ", "25")
    communes = {
        "lang_cong": factories.UnitFactory(code="08773", name="Xã Lãng Công", parent=phu_tho),
        "song_lo": factories.UnitFactory(code="08782", name="Xã Sông Lô", parent=phu_tho),
        "long_ho": factories.UnitFactory(code="29551", name="Xã Long Hồ", parent=vinh_long),
    }
    former = factories.province("Tỉnh Vĩnh Phúc", "26", valid_until=date(2025, 6, 30))
    former_district = factories.UnitFactory(
        level=Level.DISTRICT,
        code="253",
        name="Huyện Sông Lô",
        parent=former,
        valid_until=date(2025, 6, 30),
    )
    return {
        "vinh_long": vinh_long,
        "phu_tho": phu_tho,
        "former": former,
        "former_district": former_district,
        **communes,
    }
