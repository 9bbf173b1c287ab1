"""A posted page form holding a NUL character is refused whole, and nothing changes."""

import pytest
from django.urls import reverse

from events.models import RosterEntry
from tests.checkins import _fresh_rate_limits, rush  # noqa: F401

pytestmark = pytest.mark.django_db


def test_removing_someone_with_a_nul_in_the_reason_changes_nothing(client, rush):  # noqa: F811
    client.force_login(rush.coordinator)
    entry = rush.entries[0]

    response = client.post(
        reverse("attendance:entry_remove", args=[entry.pk]), {"reason": "Đi công tác\x00"}
    )

    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert RosterEntry.objects.get(pk=entry.pk).removed_at is None


def test_a_nul_in_a_field_name_is_refused_too(client, rush):  # noqa: F811
    client.force_login(rush.coordinator)
    entry = rush.entries[0]

    response = client.post(
        reverse("attendance:entry_remove", args=[entry.pk]), {"reason\x00": "x", "reason": "y"}
    )

    assert response.status_code == 400
    assert RosterEntry.objects.get(pk=entry.pk).removed_at is None
