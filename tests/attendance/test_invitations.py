"""Every invited person gets a personal page, reached by a one-time link, with their QR code."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.services import invitation_link
from attendance.tickets import ticket_for
from events.models import Session, SessionChange
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def manh(rush):
    """Nguyễn Văn Mạnh, on the Sông Lô roster, with an account made by his first link."""
    return rush.entries[0]


def test_the_invitation_link_signs_the_attendee_in_and_opens_their_page(client, rush, manh):
    link = urlsplit(invitation_link(manh))

    confirm = client.get(f"{link.path}?{link.query}")
    signed_in = client.post(
        link.path, {"token": confirm.context["token"], "next": confirm.context["next"]}
    )

    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("attendance:invitation", args=[rush.session.pk])
    page = client.get(signed_in["Location"])
    assert page.status_code == 200
    assert page.context["point"] == rush.song_lo.point
    assert "<svg" in page.content.decode()
    # The link is spent: it signs no one in a second time.
    client.logout()
    again = client.post(link.path, {"token": confirm.context["token"]})
    assert again.status_code == 400


def test_a_link_cannot_send_the_attendee_to_another_site(client, manh):
    link = urlsplit(invitation_link(manh))
    token = dict(part.split("=", 1) for part in link.query.split("&"))["token"]

    response = client.post(link.path, {"token": token, "next": "https://evil.example/"})

    assert response["Location"] == reverse("home")


def test_the_invitation_shows_the_session_agenda_materials_and_qr(client, rush, manh):
    rush.session.agenda_items.create(
        starts_at=rush.session.starts_at,
        title="Quán triệt Nghị quyết 76/NQ-CP",
        speaker="Sở Nội vụ",
    )
    manh.person.user = factories.UserFactory()
    manh.person.save()
    client.force_login(manh.person.user)

    response = client.get(reverse("attendance:invitation", args=[rush.session.pk]))

    body = response.content.decode()
    assert "Quán triệt Nghị quyết 76/NQ-CP" in body
    assert rush.song_lo.point.name in body
    assert reverse("events:session_calendar", args=[rush.session.pk]) in body
    assert response.context["qr"].startswith("<svg")
    # The QR code is the person's ticket, and the page says nothing else about it.
    assert ticket_for(manh.pk, manh.ticket_version) not in body


def test_nobody_sees_someone_else_s_invitation(client, rush):
    outsider = factories.PersonFactory(user=factories.UserFactory())
    client.force_login(outsider.user)

    response = client.get(reverse("attendance:invitation", args=[rush.session.pk]))

    assert response.status_code == 404


def test_my_sessions_come_from_the_roster(client, rush, manh):
    manh.person.user = factories.UserFactory()
    manh.person.save()
    client.force_login(manh.person.user)

    response = client.get(reverse("events:my_sessions"))

    assert list(response.context["sessions"]) == [rush.session]
    assert reverse("attendance:invitation", args=[rush.session.pk]) in response.content.decode()


def test_an_organiser_closes_a_started_session_from_its_page(client, rush):
    client.force_login(rush.organiser)
    url = reverse("events:close_session", args=[rush.session.pk])

    too_early = client.post(url)
    rush.session.refresh_from_db()
    assert too_early.status_code == 302 and rush.session.status == Session.Status.SCHEDULED

    Session.objects.filter(pk=rush.session.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=2)
    )
    client.post(url)

    rush.session.refresh_from_db()
    assert rush.session.status == Session.Status.CLOSED
    assert rush.session.closed_by == rush.organiser
    assert SessionChange.objects.filter(session=rush.session, kind="closed").exists()


def test_a_coordinator_cannot_close_a_session(client, rush):
    Session.objects.filter(pk=rush.session.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=2)
    )
    client.force_login(rush.coordinator)

    response = client.post(reverse("events:close_session", args=[rush.session.pk]))

    assert response.status_code == 403
    rush.session.refresh_from_db()
    assert rush.session.status == Session.Status.SCHEDULED


def test_the_session_page_links_each_point_to_its_roster_and_counts_live(client, rush):
    client.force_login(rush.organiser)

    response = client.get(reverse("events:session_detail", args=[rush.session.pk]))

    body = response.content.decode()
    assert reverse("attendance:roster", args=[rush.song_lo.pk]) in body
    assert reverse("api:counts", args=[rush.session.pk]) in body
