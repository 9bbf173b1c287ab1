"""People of the seeds' provinces, shared by the directory tests."""

import pytest

from tests import factories


@pytest.fixture
def vinh_phuc_organiser(two_provinces):
    return factories.organiser(two_provinces["vinh_phuc"], username="so-noi-vu-vinh-phuc")


@pytest.fixture
def lan(two_provinces):
    """A civil servant of the Vĩnh Phúc home affairs department."""
    agency = factories.AgencyFactory(
        name="Sở Nội vụ tỉnh Vĩnh Phúc", unit=two_provinces["vinh_phuc"]
    )
    return factories.PersonFactory(
        full_name="Nguyễn Thị Lan", agency=agency, email="lan@vp.vn", phone="0912345678"
    )


@pytest.fixture
def binh(two_provinces):
    """A commune official below Sông Lô, deep inside Vĩnh Phúc."""
    agency = factories.AgencyFactory(name="UBND xã Lãng Công", unit=two_provinces["commune"])
    return factories.PersonFactory(full_name="Trần Văn Bình", agency=agency)


@pytest.fixture
def hai(two_provinces):
    """A civil servant of Bến Tre, outside Vĩnh Phúc's scope."""
    agency = factories.AgencyFactory(name="Sở Nội vụ tỉnh Bến Tre", unit=two_provinces["ben_tre"])
    return factories.PersonFactory(full_name="Huỳnh Văn Hải", agency=agency)
