import email
import email.message
import email.policy
import importlib

import pytest
from django.utils import translation

from directory.models import AdministrativeUnit
from tests import factories, smtp
from tests.seed_network import ministry_organiser, network, vinh_phuc_organiser  # noqa: F401


@pytest.fixture(autouse=True)
def _reference_data(request):
    """The six reform areas of Resolution 76/NQ-CP, which a migration seeds: a transactional
    test (a live server, a real worker) empties every table when it ends, so the next one
    would find none and depend on the order the tests ran in."""
    if "transactional_db" not in request.fixturenames and "live_server" not in (
        request.fixturenames
    ):
        return
    request.getfixturevalue("transactional_db")
    from training.models import ReformArea

    seeded = importlib.import_module("training.migrations.0002_seed_reform_areas")
    for number, name, name_en in seeded.REFORM_AREAS:
        ReformArea.objects.get_or_create(number=number, defaults={"name": name, "name_en": name_en})


@pytest.fixture(autouse=True)
def _vietnamese_by_default():
    # Service error messages go through gettext; tests read them in the default language.
    with translation.override("vi"):
        yield


@pytest.fixture
def two_provinces(db) -> dict[str, AdministrativeUnit]:
    """Vĩnh Phúc with its Sông Lô district and one commune, and Bến Tre, as in the seeds."""
    vinh_phuc = factories.province("Tỉnh Vĩnh Phúc", "26")
    song_lo = factories.UnitFactory(
        level=AdministrativeUnit.Level.DISTRICT, code="253", name="Huyện Sông Lô", parent=vinh_phuc
    )
    commune = factories.UnitFactory(code="08773", name="Xã Lãng Công", parent=song_lo)
    ben_tre = factories.province("Tỉnh Bến Tre", "83")
    return {"vinh_phuc": vinh_phuc, "song_lo": song_lo, "commune": commune, "ben_tre": ben_tre}


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback; yields (port, inbox) and stops afterwards."""
    inbox = _Inbox()
    with smtp.serving(inbox) as port:
        yield port, inbox


def pytest_report_header(config: pytest.Config) -> str:
    from django.conf import settings

    return (
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; "
        f"broker: {settings.CELERY_BROKER_URL.split(':', 1)[0]}"
    )
