"""The edit page through the client: the form opens with the session as it is, saves,
and refuses a stale form (409), a closed or cancelled session, a host point outside scope
and a session outside scope (404)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Session, SessionChange
from events.services import cancel_session
from tests import factories

pytestmark = pytest.mark.django_db


def opened(client, session):
    response = client.get(reverse("events:session_edit", args=[session.pk]))
    assert response.status_code == 200
    return response


def as_posted(form, **changes):
    initial = form.initial
    data = {
        "version": initial["version"],
        "title": initial["title"],
        "starts_at": initial["starts_at"].strftime("%Y-%m-%dT%H:%M"),
        "ends_at": initial["ends_at"].strftime("%Y-%m-%dT%H:%M"),
        "host_point": initial["host_point"],
        "meeting_url": initial["meeting_url"],
        "late_after_minutes": initial["late_after_minutes"],
        "agenda": initial["agenda"],
    }
    return {**data, **changes}


def save(client, session, data):
    return client.post(reverse("events:session_edit", args=[session.pk]), data)


def test_the_organiser_edits_the_agenda_and_link_and_sees_them(client, upcoming):
    client.force_login(upcoming.organiser)
    form = opened(client, upcoming.session).context["form"]

    response = save(
        client,
        upcoming.session,
        as_posted(
            form,
            meeting_url="https://hop.vinhphuc.gov.vn/moi",
            agenda="09:00 | Khai mạc | Giám đốc Sở Nội vụ\n"
            "09:30 | Nghị quyết 76/NQ-CP | Trưởng phòng CCHC",
        ),
    )

    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "https://hop.vinhphuc.gov.vn/moi" in page
    assert "Trưởng phòng CCHC" in page
    session = Session.objects.get(pk=upcoming.session.pk)
    assert session.sequence == 1
    reopened = opened(client, session).context["form"]
    assert reopened.initial["agenda"].splitlines() == [
        "09:00 | Khai mạc | Giám đốc Sở Nội vụ",
        "09:30 | Nghị quyết 76/NQ-CP | Trưởng phòng CCHC",
    ]


def test_the_host_point_field_is_a_picker_not_a_list_of_every_point(client, upcoming):
    client.force_login(upcoming.organiser)
    html = opened(client, upcoming.session).content.decode()
    host = html[
        html.index('name="host_point"') : html.index("</select>", html.index('name="host_point"'))
    ]
    assert "data-picker-source" in host
    assert host.count("<option") == 2  # the empty choice and the current host


def test_a_stale_form_is_refused_with_409_and_changes_nothing(client, upcoming):
    client.force_login(upcoming.organiser)
    first = opened(client, upcoming.session).context["form"]
    second = opened(client, upcoming.session).context["form"]
    assert save(client, upcoming.session, as_posted(first, title="Tên mới")).status_code == 302

    response = save(client, upcoming.session, as_posted(second, late_after_minutes=45))

    assert response.status_code == 409
    assert "Hội nghị đã được thay đổi kể từ khi bạn mở trang này" in response.content.decode()
    session = Session.objects.get(pk=upcoming.session.pk)
    assert (session.title, session.late_after_minutes) == ("Tên mới", 15)


def test_a_host_point_outside_scope_is_refused(client, upcoming, network):
    client.force_login(upcoming.organiser)
    form = opened(client, upcoming.session).context["form"]

    response = save(client, upcoming.session, as_posted(form, host_point=network.ben_tre_point.pk))

    assert response.status_code == 400
    assert "host_point" in response.context["form"].errors
    assert Session.objects.get(pk=upcoming.session.pk).host_point_id != network.ben_tre_point.pk


def test_a_cancelled_session_sends_the_organiser_back_with_a_message(client, upcoming):
    client.force_login(upcoming.organiser)
    form = opened(client, upcoming.session).context["form"]
    cancel_session(actor=upcoming.organiser, session=upcoming.session, reason="Hoãn")

    response = save(client, upcoming.session, as_posted(form, title="Sau khi hủy"))

    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Hội nghị đã bị hủy: không thể sửa được nữa." in page
    assert Session.objects.get(pk=upcoming.session.pk).title != "Sau khi hủy"


def test_a_closed_session_cannot_be_opened_for_editing(client, upcoming):
    from events.services import close_session

    Session.objects.filter(pk=upcoming.session.pk).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    close_session(actor=upcoming.organiser, session=Session.objects.get(pk=upcoming.session.pk))
    client.force_login(upcoming.organiser)

    response = client.get(reverse("events:session_edit", args=[upcoming.session.pk]), follow=True)

    assert "Hội nghị đã kết thúc: không thể sửa được nữa." in response.content.decode()


def test_outside_scope_the_edit_page_is_404(client, upcoming, network):
    client.force_login(factories.organiser(network.ben_tre, username="so-noi-vu-ben-tre"))

    assert client.get(reverse("events:session_edit", args=[upcoming.session.pk])).status_code == 404
    response = client.post(reverse("events:session_edit", args=[upcoming.session.pk]), {})
    assert response.status_code == 404


def test_a_coordinator_who_sees_the_session_cannot_edit_it(client, upcoming):
    client.force_login(upcoming.coordinator)
    assert client.get(reverse("events:session_edit", args=[upcoming.session.pk])).status_code == 403


def test_a_chair_is_set_from_the_point_list(client, upcoming, network):
    chair = factories.PersonFactory(full_name="Nguyễn Thị Chủ Trì", agency=upcoming.manh.agency)
    client.force_login(upcoming.organiser)

    response = client.post(
        reverse("events:point_chair", args=[upcoming.session.pk, upcoming.song_lo.pk]),
        {"chair": chair.pk, "province": network.vinh_phuc.pk, "page": 1},
    )

    assert response.status_code == 302
    assert f"province={network.vinh_phuc.pk}" in response.url
    upcoming.song_lo.refresh_from_db()
    assert upcoming.song_lo.chair == chair
    page = client.get(response.url).content.decode()
    assert "Nguyễn Thị Chủ Trì" in page
    assert SessionChange.objects.filter(kind=SessionChange.Kind.SETTINGS_CHANGED).exists()


def test_a_chair_outside_scope_is_not_accepted(client, upcoming, network):
    stranger = factories.PersonFactory(agency=factories.AgencyFactory(unit=network.ben_tre))
    client.force_login(upcoming.organiser)

    client.post(
        reverse("events:point_chair", args=[upcoming.session.pk, upcoming.song_lo.pk]),
        {"chair": stranger.pk},
    )

    upcoming.song_lo.refresh_from_db()
    assert upcoming.song_lo.chair is None


def test_taking_away_a_point_with_people_from_the_page_works(client, upcoming):
    client.force_login(upcoming.organiser)

    response = client.post(
        reverse("events:session_points", args=[upcoming.session.pk]),
        {"remove_points": [upcoming.song_lo.point_id]},
    )

    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Hội nghị hiện có 1 điểm cầu" in page or "1 điểm cầu" in page
    assert upcoming.session.participations.count() == 1


def test_a_start_with_seconds_does_not_move_on_a_save(client, upcoming):
    Session.objects.filter(pk=upcoming.session.pk).update(
        starts_at=upcoming.session.starts_at + timedelta(seconds=30)
    )
    client.force_login(upcoming.organiser)
    form = opened(client, upcoming.session).context["form"]

    save(client, upcoming.session, as_posted(form, title="Chỉ đổi tên"))

    session = Session.objects.get(pk=upcoming.session.pk)
    assert session.starts_at == upcoming.session.starts_at + timedelta(seconds=30)
    change = session.changes.get(kind=SessionChange.Kind.EDITED)
    assert set(change.details["after"]) == {"title"}
