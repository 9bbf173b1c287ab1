"""The server spreads the phones' syncs: every few seconds while few are out, at most
SCANNER_SYNCS_PER_SECOND batches a second from all of them when many are."""

import pytest
from django.core.cache import cache

from attendance.selectors import pace
from tests.attendance.test_devices import pair, scan_of, sync

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _defaults(settings):
    settings.SCANNER_SYNC_SECONDS = 5
    settings.SCANNER_SYNCS_PER_SECOND = 50
    cache.delete(pace.CACHE_KEY)
    yield
    cache.delete(pace.CACHE_KEY)


@pytest.mark.parametrize(
    ("phones", "seconds"),
    [(0, 5), (1, 5), (250, 5), (251, 6), (3356, 68), (50_000, 120)],
)
def test_the_pace_spreads_the_phones_out_to_the_budget(phones, seconds):
    assert pace.pace_for(phones) == seconds


def test_a_sync_and_the_roster_tell_the_phone_its_pace(client, rush):
    token = pair(rush)
    auth = {"Authorization": f"Bearer {token}"}

    synced = sync(client, token, [scan_of(rush.entries[0])]).json()
    roster = client.get("/api/attendance/devices/roster", headers=auth).json()

    assert synced["next_sync_seconds"] == roster["next_sync_seconds"] == 5


def test_in_the_national_rush_phones_are_told_to_wait_longer_and_counted_once(
    client, rush, monkeypatch
):
    # given the nation's 3,356 phones out, counted as they are
    counted = []
    monkeypatch.setattr(pace, "active_phones", lambda: counted.append(1) or 3356)
    token = pair(rush)

    # when a phone syncs three times
    answers = [sync(client, token, []).json()["next_sync_seconds"] for _ in range(3)]

    # then each sync tells it the spread pace, and the phones were counted once for all
    assert answers == [68, 68, 68]
    assert counted == [1]


def test_only_phones_that_synced_lately_and_are_not_revoked_count_as_out(rush):
    from datetime import timedelta

    from django.utils import timezone

    from attendance.models import ScannerDevice

    for name in ("a", "b", "c"):
        pair(rush, name=name)
    ScannerDevice.objects.filter(name="a").update(last_sync_at=timezone.now())
    ScannerDevice.objects.filter(name="b").update(
        last_sync_at=timezone.now() - timedelta(minutes=10)
    )
    ScannerDevice.objects.filter(name="c").update(
        last_sync_at=timezone.now(), revoked_at=timezone.now()
    )

    assert pace.active_phones() == 1
