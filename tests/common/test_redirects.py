"""A button's `next` sends people back to a page of this site, never off it."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from common.redirects import safe_next
from tests.checkins import _fresh_rate_limits, rush  # noqa: F401

OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "javascript:alert(1)",
    "http://testserver.evil.example/",
]


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_a_next_off_the_site_falls_back(next_url):
    request = RequestFactory().post("/", {"next": next_url})
    assert safe_next(request, "/home/") == "/home/"


@pytest.mark.parametrize("next_url", ["/attendance/roster/1/?q=Manh&page=2", "/"])
def test_a_next_on_the_site_is_kept(next_url):
    request = RequestFactory().post("/", {"next": next_url})
    assert safe_next(request, "/home/") == next_url


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", OFF_SITE)
def test_a_roster_button_never_leads_off_the_site(client, rush, next_url):  # noqa: F811
    client.force_login(rush.coordinator)
    entry = rush.entries[0]

    response = client.post(
        reverse("attendance:entry_check_in", args=[entry.pk]), {"next": next_url}
    )

    assert response.url == reverse("attendance:roster", args=[entry.participation_id])
