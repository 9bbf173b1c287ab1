"""Revoking from the page: done with a reason, then back to a page of this site only."""

import pytest
from django.urls import reverse

from certificates.models import Certificate
from tests.certificates.helpers import collate


@pytest.fixture
def certificate(course, settings, tmp_path) -> Certificate:
    settings.MEDIA_ROOT = tmp_path / "media"
    collate(course)
    return Certificate.objects.get(person=course.people["manh"])


@pytest.mark.parametrize("next_url", ["https://evil.example/", "/\\evil.example/"])
def test_revoking_never_sends_the_organiser_off_the_site(client, course, certificate, next_url):
    client.force_login(course.rush.organiser)

    response = client.post(
        reverse("certificates:certificate_revoke", args=[certificate.pk]),
        {"reason": "Không dự đủ thời lượng", "next": next_url},
    )

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert response.status_code == 302
    assert "evil.example" not in response.url
    assert response.url.startswith("/")
