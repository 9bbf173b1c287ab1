"""The organiser's notices page, the coordinator's unreached people, and the warning on
staff pages when no worker has run the beat's tick lately."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Heartbeat, Notice, ReminderRule, RosterChange
from events.services import record_heartbeat, send_due_notices
from tests import factories

Status, Problem = Notice.Status, Notice.Problem


@pytest.fixture
def failed_manh(upcoming):
    """Mạnh's address is broken, so his invitation failed; Dung has none at all."""
    type(upcoming.manh).objects.filter(pk=upcoming.manh.pk).update(email="manh.vv@@songlo")
    send_due_notices(seconds=10)
    return upcoming


def notices_url(session):
    return reverse("events:session_notices", args=[session.pk])


def test_the_organiser_sees_progress_plan_and_failures_per_point(
    client, failed_manh, django_assert_max_num_queries
):
    upcoming = failed_manh
    client.force_login(upcoming.organiser)
    # the points with problems come a page at a time, with their number (a national
    # session has 3,356 points)
    with django_assert_max_num_queries(15):
        response = client.get(notices_url(upcoming.session))
    assert response.status_code == 200
    assert response.context["by_point_total"] == 1
    [invitations] = response.context["progress"]
    assert (invitations.total, invitations.sent, invitations.failed, invitations.skipped) == (
        4,
        2,
        1,
        1,
    )
    [song_lo] = response.context["by_point"]
    assert (song_lo.point_name, song_lo.failed, song_lo.no_address) == (
        upcoming.song_lo.point.name,
        1,
        1,
    )
    page = response.content.decode()
    assert "Kế hoạch nhắc lịch" in page and "1 ngày trước, lúc 08:00" in page
    assert "Địa chỉ không hợp lệ" in page and "Vũ Văn Mạnh" in page


def test_the_page_costs_the_same_queries_with_more_failures(
    client, failed_manh, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    upcoming = failed_manh
    client.force_login(upcoming.organiser)
    client.get(notices_url(upcoming.session))
    with CaptureQueriesContext(connection) as few:
        client.get(notices_url(upcoming.session))
    more = [
        factories.PersonFactory(agency=upcoming.manh.agency, email="", phone=f"09880000{n:02d}").pk
        for n in range(12)
    ]
    from events.services import add_to_roster

    add_to_roster(actor=upcoming.coordinator, participation=upcoming.song_lo, person_ids=more)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(notices_url(upcoming.session))


def test_progress_is_polled_as_json(client, failed_manh):
    client.force_login(failed_manh.organiser)
    response = client.get(reverse("events:session_notices_progress", args=[failed_manh.session.pk]))
    [row] = response.json()["sendings"]
    assert row["total"] == 4 and row["sent"] == 2 and row["percent"] == 100


def test_coordinators_and_attendees_cannot_open_the_notices_page(client, failed_manh):
    client.force_login(failed_manh.coordinator)
    assert client.get(notices_url(failed_manh.session)).status_code == 403


def test_an_organiser_out_of_scope_gets_404(client, failed_manh, network):
    client.force_login(factories.organiser(network.ben_tre))
    assert client.get(notices_url(failed_manh.session)).status_code == 404


def test_sending_again_requeues_failed_and_address_less_notices(client, failed_manh):
    client.force_login(failed_manh.organiser)
    response = client.post(reverse("events:notices_retry", args=[failed_manh.session.pk]))
    assert response.status_code == 302
    assert Notice.objects.filter(status=Status.PENDING).count() == 2


def test_the_plan_can_be_edited_and_bad_lines_change_nothing(client, upcoming):
    client.force_login(upcoming.organiser)
    url = reverse("events:reminder_plan_edit", args=[upcoming.session.pk])

    bad = client.post(
        url,
        {
            "action": "add",
            "kind": "reminder",
            "anchor": "start",
            "day_offset": 0,
            "minute_offset": 30,
        },
        follow=True,
    )
    assert "Nhắc lịch và nhắc chuẩn bị phải gửi trước giờ bắt đầu." in bad.content.decode()
    assert not ReminderRule.objects.exists()

    client.post(
        url,
        {
            "action": "add",
            "kind": "reminder",
            "anchor": "start",
            "day_offset": 0,
            "minute_offset": -15,
        },
    )
    client.post(url, {"action": "off", "index": 0})
    rules = list(ReminderRule.objects.filter(session=upcoming.session).order_by("pk"))
    assert len(rules) == 5 and rules[0].is_active is False
    assert rules[-1].minute_offset == -15

    client.post(url, {"action": "reset"})
    assert not ReminderRule.objects.exists()


def test_a_coordinator_corrects_an_address_and_the_notices_go_again(client, failed_manh):
    upcoming = failed_manh
    client.force_login(upcoming.coordinator)
    roster = client.get(reverse("attendance:roster", args=[upcoming.song_lo.pk]))
    unreached = {person.name: person for person in roster.context["unreached"]}
    assert set(unreached) == {"Vũ Văn Mạnh", "Đỗ Thị Dung"}
    entry = upcoming.entry(upcoming.manh)
    url = reverse("attendance:entry_contact", args=[entry.pk])

    # a wrong address is refused and changes nothing
    response = client.post(url, {"email": "manh@", "phone": ""})
    assert response.status_code == 400
    taken = client.post(url, {"email": upcoming.anh.email, "phone": ""})
    assert "Một người khác trong danh bạ đã dùng địa chỉ thư điện tử này." in taken.content.decode()
    assert Notice.objects.get(person=upcoming.manh).status == Status.FAILED

    # a right one is kept, audited, and the invitation is queued again
    response = client.post(url, {"email": "Manh.VV@songlo.vinhphuc.gov.vn", "phone": ""})
    assert response.status_code == 302
    upcoming.manh.refresh_from_db()
    assert upcoming.manh.email == "manh.vv@songlo.vinhphuc.gov.vn"
    assert RosterChange.objects.filter(entry=entry, kind="contact_corrected").exists()
    assert Notice.objects.get(person=upcoming.manh).status == Status.PENDING


def test_a_coordinator_of_another_point_cannot_correct_the_contact(client, failed_manh):
    client.force_login(failed_manh.tam_dao_coordinator)
    entry = failed_manh.entry(failed_manh.manh)
    response = client.post(
        reverse("attendance:entry_contact", args=[entry.pk]), {"email": "x@songlo.vn"}
    )
    assert response.status_code == 404
    assert Notice.objects.get(person=failed_manh.manh).status == Status.FAILED


def test_staff_pages_warn_when_no_worker_has_run_the_tick(client, upcoming):
    client.force_login(upcoming.organiser)
    page = client.get(reverse("events:session_list")).content.decode()
    assert "Thông báo nhắc lịch đang không được gửi." in page

    record_heartbeat()
    from django.core.cache import cache

    cache.clear()
    assert 'id="notices-stalled"' not in client.get(reverse("events:session_list")).content.decode()

    Heartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=10))
    cache.clear()
    page = client.get(reverse("events:session_list")).content.decode()
    assert "Không có tiến trình xử lý hay bộ lập lịch nào chạy từ" in page


def test_attendees_never_see_the_warning(client, upcoming):
    user = factories.UserFactory()
    upcoming.manh.user = user
    upcoming.manh.save()
    client.force_login(user)
    page = client.get(reverse("events:my_sessions")).content.decode()
    assert "notices-stalled" not in page
