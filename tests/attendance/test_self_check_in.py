"""Self check-in: the point's screen shows a code that changes every step; an attendee scans
it with their own phone, opens the page and presses the button.

A code is good for its step and the one before; older ones have expired. It names the
point, so the same code works for everyone at that point once, and for no one elsewhere.
"""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance, Method, ScanAttempt
from attendance.services import self_check_in
from attendance.tickets import (
    TicketError,
    current_step,
    point_code_for,
    read_point_code,
    seconds_left,
    ticket_for,
)
from events.services import cancel_session, close_session, remove_from_roster
from tests import factories
from tests.checkins import attendee_of, move_start_into_past

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
STEP = 30
TAM_DAO_POINT = "Điểm cầu Huyện Tam Đảo"


@pytest.fixture(autouse=True)
def _thirty_second_steps(settings):
    settings.SELF_CHECK_IN_STEP_SECONDS = STEP


@pytest.fixture
def frozen():
    """The server's clock, stopped in the middle of a step so that steps are exact."""
    moment = timezone.now().replace(microsecond=0)
    moment -= timedelta(seconds=moment.timestamp() % STEP - STEP // 2)
    with (
        mock.patch("django.utils.timezone.now", return_value=moment),
        mock.patch("time.time", return_value=moment.timestamp()),
    ):
        yield moment


@pytest.fixture
def attendee(rush):
    """Nguyễn Văn Mạnh, on Sông Lô's roster, signed in with his own account."""
    return attendee_of(rush.entries[0], username="nguyen-van-manh")


def code_now(participation, frozen: datetime, steps_back: int = 0) -> str:
    return point_code_for(participation.pk, current_step(frozen.timestamp()) - steps_back)


def assert_refused(result, code, *, user, participation=None):
    """Refused, nothing changed by it, and the attempt recorded with who and when."""
    assert (result.code, result.accepted) == (code, False)
    assert result.message
    attempt = ScanAttempt.objects.latest("pk")
    assert (attempt.outcome, attempt.reason) == (ScanAttempt.Outcome.REFUSED, code)
    assert (attempt.actor, attempt.method) == (user, Method.SELF)
    assert attempt.participation == participation
    assert attempt.server_time is not None
    return attempt


# The rotating code


def test_a_point_code_reads_back_as_its_point_and_step():
    code = point_code_for(42, 1000)

    read = read_point_code(code, now=1000 * STEP + 5)

    assert (read.participation_id, read.step) == (42, 1000)


def test_a_code_is_good_for_its_step_and_the_one_after_then_it_expires():
    code = point_code_for(42, 1000)

    assert read_point_code(code, now=1000 * STEP).step == 1000
    assert read_point_code(code, now=1001 * STEP + STEP - 0.001).step == 1000
    with pytest.raises(TicketError) as expired:
        read_point_code(code, now=1002 * STEP)
    assert expired.value.code == "expired"


def test_a_code_from_a_step_not_yet_reached_is_refused_as_expired():
    with pytest.raises(TicketError) as refused:
        read_point_code(point_code_for(42, 1001), now=1000 * STEP)

    assert refused.value.code == "expired"


def test_the_step_follows_the_clock():
    with mock.patch("time.time", return_value=1000 * STEP + 10):
        assert current_step() == 1000
        assert seconds_left() == STEP - 10
        code = point_code_for(42, current_step())
    with mock.patch("time.time", return_value=1002 * STEP + 10), pytest.raises(TicketError):
        read_point_code(code)


def test_a_point_code_with_an_altered_tag_or_another_secret_is_forged(settings):
    code = point_code_for(42, 1000)
    altered = code[:-1] + ("A" if code[-1] != "A" else "B")
    settings.TICKET_SECRET = "khóa của máy chủ khác"
    foreign = point_code_for(42, 1000)
    settings.TICKET_SECRET = "khóa của máy chủ này"

    for payload in (altered, foreign, code.replace(".42.", ".43.")):
        with pytest.raises(TicketError) as refused:
            read_point_code(payload, now=1000 * STEP)
        assert refused.value.code == "forged"


# Checking oneself in


def test_an_attendee_checks_in_with_the_code_on_their_points_screen(rush, attendee, frozen):
    code = code_now(rush.song_lo, frozen)

    result = self_check_in(user=attendee, payload=code)

    assert (result.code, result.accepted, result.http_status) == ("checked_in", True, 200)
    assert result.name == "Nguyễn Văn Mạnh"
    assert result.point == rush.song_lo.point.name
    assert result.status == Attendance.Status.ON_TIME
    attendance = Attendance.objects.get(entry=rush.entries[0])
    assert attendance.checked_in_at == frozen
    assert attendance.check_in_method == Method.SELF
    assert attendance.checked_in_by == attendee
    attempt = ScanAttempt.objects.get()
    assert (attempt.outcome, attempt.reason) == (ScanAttempt.Outcome.ACCEPTED, "checked_in")
    assert (attempt.actor, attempt.entry, attempt.participation) == (
        attendee,
        rush.entries[0],
        rush.song_lo,
    )
    assert (attempt.method, attempt.payload, attempt.server_time) == (Method.SELF, code, frozen)


def test_a_code_that_just_changed_on_the_screen_still_works(rush, attendee, frozen):
    result = self_check_in(user=attendee, payload=code_now(rush.song_lo, frozen, steps_back=1))

    assert result.code == "checked_in"


def test_a_code_two_steps_old_has_expired(rush, attendee, frozen):
    result = self_check_in(user=attendee, payload=code_now(rush.song_lo, frozen, steps_back=2))

    assert_refused(result, "expired", user=attendee)
    assert not Attendance.objects.exists()


def test_a_photo_of_yesterdays_screen_has_expired(rush, attendee, frozen):
    old = code_now(rush.song_lo, frozen, steps_back=24 * 3600 // STEP)

    assert_refused(self_check_in(user=attendee, payload=old), "expired", user=attendee)


def test_a_forged_point_code_is_refused(rush, attendee, frozen, settings):
    genuine = code_now(rush.song_lo, frozen)
    settings.TICKET_SECRET = "khóa bị lộ"
    foreign = code_now(rush.song_lo, frozen)
    settings.TICKET_SECRET = "khóa thật"

    for payload in (genuine[:-1] + ("A" if genuine[-1] != "A" else "B"), foreign):
        assert_refused(self_check_in(user=attendee, payload=payload), "forged", user=attendee)
    assert not Attendance.objects.exists()
    assert ScanAttempt.objects.filter(reason="forged").count() == 2


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("https://zalo.me/g/hoinghi", "not_a_ticket"),
        ("DCP.12.34", "malformed"),
        ("DCP." + "1" * 200, "too_long"),
    ],
)
def test_what_is_not_a_point_code_is_refused_with_its_reason(rush, attendee, payload, code):
    assert_refused(self_check_in(user=attendee, payload=payload), code, user=attendee)


def test_a_personal_ticket_is_not_a_point_code(rush, attendee):
    entry = rush.entries[0]

    result = self_check_in(user=attendee, payload=ticket_for(entry.pk, entry.ticket_version))

    assert_refused(result, "not_a_ticket", user=attendee)


def test_a_signed_code_for_a_point_in_no_session_is_refused(rush, attendee, frozen):
    code = point_code_for(987654, current_step(frozen.timestamp()))

    result = self_check_in(user=attendee, payload=code)

    assert result.http_status == 404
    assert_refused(result, "unknown_point", user=attendee)


def test_the_same_code_used_again_by_the_same_person_is_already_checked_in(rush, attendee, frozen):
    code = code_now(rush.song_lo, frozen)
    self_check_in(user=attendee, payload=code)

    again = self_check_in(user=attendee, payload=code)

    attempt = assert_refused(again, "already_checked_in", user=attendee, participation=rush.song_lo)
    assert frozen.astimezone(HCM).strftime("%H:%M") in again.message
    assert again.time == frozen
    assert attempt.entry == rush.entries[0]
    assert Attendance.objects.get().checked_in_at == frozen
    assert ScanAttempt.objects.count() == 2


def test_the_same_code_used_by_an_attendee_of_another_point_is_wrong_point(rush, attendee, frozen):
    code = code_now(rush.song_lo, frozen)
    self_check_in(user=attendee, payload=code)
    thang = attendee_of(rush.tam_dao_entry, username="pham-duc-thang")

    result = self_check_in(user=thang, payload=code)

    assert_refused(result, "wrong_point", user=thang, participation=rush.song_lo)
    assert "Phạm Đức Thắng" in result.message
    assert TAM_DAO_POINT in result.message
    assert not Attendance.objects.filter(entry=rush.tam_dao_entry).exists()


def test_everyone_at_the_point_can_use_the_same_code_once(rush, frozen):
    code = code_now(rush.song_lo, frozen)
    users = [attendee_of(entry) for entry in rush.entries]

    results = [self_check_in(user=user, payload=code) for user in users]

    assert [r.code for r in results] == ["checked_in"] * 4
    assert Attendance.objects.filter(check_in_method=Method.SELF).count() == 4


def test_an_attendee_not_on_the_roster_is_refused(rush, frozen):
    outsider = factories.PersonFactory(full_name="Hoàng Văn Khách")
    user = factories.UserFactory()
    outsider.user = user
    outsider.save()

    result = self_check_in(user=user, payload=code_now(rush.song_lo, frozen))

    assert_refused(result, "not_on_roster", user=user, participation=rush.song_lo)
    assert not Attendance.objects.exists()


def test_an_attendee_taken_off_the_roster_is_refused(rush, attendee, frozen):
    remove_from_roster(actor=rush.coordinator, entry=rush.entries[0], reason="Cử người khác")

    result = self_check_in(user=attendee, payload=code_now(rush.song_lo, frozen))

    assert_refused(result, "not_on_roster", user=attendee, participation=rush.song_lo)
    assert "Nguyễn Văn Mạnh" in result.message


def test_an_account_linked_to_no_one_in_the_directory_is_refused_as_not_on_roster(rush, frozen):
    user = factories.UserFactory(username="tai-khoan-le", first_name="Lan", last_name="Vũ")

    result = self_check_in(user=user, payload=code_now(rush.song_lo, frozen))

    assert_refused(result, "not_on_roster", user=user, participation=rush.song_lo)
    assert "Lan" in result.message
    assert not Attendance.objects.exists()


def test_checking_oneself_in_after_the_threshold_is_late(rush, attendee, frozen):
    move_start_into_past(rush.session, ago=timedelta(minutes=40), length=timedelta(hours=3))

    result = self_check_in(user=attendee, payload=code_now(rush.song_lo, frozen))

    assert result.status == Attendance.Status.LATE


def test_no_one_checks_in_to_a_cancelled_session(rush, attendee, frozen):
    cancel_session(actor=rush.organiser, session=rush.session, reason="Hoãn do bão")

    result = self_check_in(user=attendee, payload=code_now(rush.song_lo, frozen))

    assert_refused(result, "session_cancelled", user=attendee, participation=rush.song_lo)
    assert not Attendance.objects.exists()


def test_no_one_checks_in_to_a_closed_session(rush, attendee, frozen):
    move_start_into_past(rush.session, ago=timedelta(hours=4), length=timedelta(hours=3))
    close_session(actor=rush.organiser, session=rush.session)

    result = self_check_in(user=attendee, payload=code_now(rush.song_lo, frozen))

    assert_refused(result, "session_closed", user=attendee, participation=rush.song_lo)
    assert not Attendance.objects.exists()


def test_a_phone_flooding_the_self_check_in_is_told_to_wait(rush, attendee, frozen):
    with override_settings(SCAN_RATE_PER_MINUTE=3):
        codes = [self_check_in(user=attendee, payload="rác").code for _ in range(4)]

    assert codes == ["not_a_ticket"] * 3 + ["rate_limited"]
    assert ScanAttempt.objects.count() == 3


# Through the API and the page


def test_self_check_in_through_the_api(client, rush, attendee, frozen):
    client.force_login(attendee)

    response = client.post(
        reverse("api:self_check_in"),
        {"code": code_now(rush.song_lo, frozen)},
        content_type="application/json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["code"], body["name"]) == (True, "checked_in", "Nguyễn Văn Mạnh")
    assert Attendance.objects.get().check_in_method == Method.SELF


def test_a_refused_self_check_in_through_the_api_answers_409_with_its_code(
    client, rush, attendee, frozen
):
    client.force_login(attendee)

    response = client.post(
        reverse("api:self_check_in"),
        {"code": code_now(rush.song_lo, frozen, steps_back=3)},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "expired"


def test_opening_the_page_shows_a_button_and_checks_no_one_in(client, rush, attendee, frozen):
    client.force_login(attendee)
    url = reverse("attendance:self_check_in", args=[code_now(rush.song_lo, frozen)])

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="post"' in html
    assert 'type="submit"' in html
    assert not Attendance.objects.exists()
    assert not ScanAttempt.objects.exists()


def test_pressing_the_button_checks_in(client, rush, attendee, frozen):
    client.force_login(attendee)
    url = reverse("attendance:self_check_in", args=[code_now(rush.song_lo, frozen)])

    response = client.post(url)

    assert response.status_code == 200
    assert "Nguyễn Văn Mạnh" in response.content.decode()
    assert response.context["result"].code == "checked_in"
    assert Attendance.objects.get().checked_in_by == attendee


def test_pressing_the_button_with_an_expired_code_says_so(client, rush, attendee, frozen):
    client.force_login(attendee)
    url = reverse("attendance:self_check_in", args=[code_now(rush.song_lo, frozen, steps_back=2)])

    response = client.post(url)

    assert response.status_code == 409
    assert response.context["result"].code == "expired"
    assert not Attendance.objects.exists()


def test_the_page_asks_whoever_is_not_signed_in_to_sign_in(client, rush, frozen):
    url = reverse("attendance:self_check_in", args=[code_now(rush.song_lo, frozen)])

    assert client.get(url).status_code == 302
    assert client.post(url).status_code == 302
    assert not ScanAttempt.objects.exists()


def test_the_points_screen_shows_a_code_that_checks_people_in(client, rush, attendee, frozen):
    client.force_login(rush.coordinator)
    shown = client.get(reverse("api:display_code", args=[rush.song_lo.pk])).json()
    assert shown["step"] == current_step(frozen.timestamp())
    assert shown["url"].endswith(reverse("attendance:self_check_in", args=[shown["code"]]))

    client.force_login(attendee)
    response = client.post(reverse("attendance:self_check_in", args=[shown["code"]]))

    assert response.context["result"].code == "checked_in"


def test_the_screens_codes_bring_the_rooms_count_in_constant_queries(
    client, rush, attendee, frozen, django_assert_max_num_queries
):
    # given one of Sông Lô's people is checked in
    client.force_login(attendee)
    client.post(reverse("attendance:self_check_in", args=[code_now(rush.song_lo, frozen)]))
    on_roster = len(rush.entries)

    # when the point's screen asks for its codes
    client.force_login(rush.coordinator)
    with django_assert_max_num_queries(3):
        shown = client.get(reverse("api:display_code", args=[rush.song_lo.pk])).json()

    # then the answer carries the room's count too: the screen asks for nothing else
    assert (shown["checked_in"], shown["on_roster"]) == (1, on_roster)


def test_a_points_screen_is_for_its_coordinator_and_the_organisers_over_it(client, rush, frozen):
    url = reverse("api:display_code", args=[rush.song_lo.pk])

    client.force_login(rush.coordinator)
    assert client.get(url).status_code == 200
    client.force_login(rush.organiser)
    assert client.get(url).json()["on_roster"] == len(rush.entries)

    # another point's coordinator hears only that there is no such point
    client.force_login(rush.tam_dao_coordinator)
    refused = client.get(url)
    assert refused.status_code == 404
    assert (
        refused.json()
        == client.get(reverse("api:display_code", args=[rush.song_lo.pk + 1000])).json()
    )


def test_the_screen_gets_its_codes_ahead_each_good_only_in_its_own_step(client, rush, frozen):
    # given the point's coordinator asks once for the screen's codes
    client.force_login(rush.coordinator)
    shown = client.get(reverse("api:display_code", args=[rush.song_lo.pk])).json()

    # then they cover this step and the next five minutes, one code a step, in order
    step = current_step(frozen.timestamp())
    assert [code["step"] for code in shown["codes"]] == list(range(step, step + 300 // STEP + 1))
    assert shown["codes"][0]["code"] == shown["code"]
    for code in shown["codes"]:
        starts = datetime.fromisoformat(code["starts_at"].replace("Z", "+00:00"))
        assert starts.timestamp() == code["step"] * STEP
        assert code["url"].endswith(reverse("attendance:self_check_in", args=[code["code"]]))
    # and a code still to come is refused now but taken in its own step (and the one after)
    later = shown["codes"][3]
    with pytest.raises(TicketError, match="expired"):
        read_point_code(later["code"], now=frozen.timestamp())
    for steps_on in (3, 4):
        assert (
            read_point_code(later["code"], now=frozen.timestamp() + steps_on * STEP).step
            == (later["step"])
        )
    with pytest.raises(TicketError, match="expired"):
        read_point_code(later["code"], now=frozen.timestamp() + 5 * STEP)


def test_another_points_coordinator_cannot_show_this_points_code(client, rush):
    client.force_login(rush.tam_dao_coordinator)

    assert client.get(reverse("api:display_code", args=[rush.song_lo.pk])).status_code == 404
