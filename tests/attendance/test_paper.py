"""Attendance from a paper sign-in sheet: a coordinator types in the real arrival and
departure of many people at once, after the session; they count as scans do, marked as
entered from paper, each with who entered it, why, and the times before and after. A sheet
with one wrong line records nobody. The printed sheet lists the point's roster in
Vietnamese name order, and its download is logged as personal data leaving the system."""

import re
import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance, AttendanceChange, Method
from attendance.selectors import live_counts
from attendance.services.paper import PaperRow, enter_paper_attendance
from certificates.services.completion import work_out
from directory.models import PersonalDataExport
from events.models import RosterEntry, Session, SessionPoint
from events.services import add_to_roster, close_session
from tests import factories
from tests.checkins import Rush, move_start_into_past

pytestmark = pytest.mark.django_db

SHEET = "Danh sách ký tên buổi sáng 11/12"
THANG = "Phạm Đức Thắng"


@pytest.fixture
def held(rush: Rush) -> Rush:
    """The session ended an hour ago (or three, so that it never starts just after local
    midnight, where a time written a little before its start is another day) and is held:
    attendance may still be entered."""
    ago = timedelta(hours=4)
    if timezone.localtime(timezone.now() - ago).hour < 1:
        ago += timedelta(hours=2)
    move_start_into_past(rush.session, ago=ago, length=timedelta(hours=3))
    Session.objects.filter(pk=rush.session.pk).update(status=Session.Status.HELD)
    return _reread(rush)


def _reread(rush: Rush) -> Rush:
    rush.session.refresh_from_db()
    rush.song_lo = SessionPoint.objects.select_related("session", "point__unit").get(
        pk=rush.song_lo.pk
    )
    rush.tam_dao = SessionPoint.objects.select_related("session", "point__unit").get(
        pk=rush.tam_dao.pk
    )
    return rush


def by_name(rush: Rush, name: str) -> RosterEntry:
    return next(entry for entry in rush.entries if entry.person.full_name == name)


def snapshot() -> dict[str, list]:
    """Every row a sheet could touch, to show that a refused one touched none."""
    return {
        "attendance": list(Attendance.objects.order_by("pk").values()),
        "changes": list(AttendanceChange.objects.order_by("pk").values()),
        "roster": list(RosterEntry.objects.order_by("pk").values("pk", "removed_at")),
    }


def enter(rush: Rush, rows, *, actor=None, participation=None, **options):
    return enter_paper_attendance(
        actor=actor or rush.coordinator,
        participation=participation or rush.song_lo,
        rows=rows,
        reason=options.pop("reason", SHEET),
        **options,
    )


def scanned(entry: RosterEntry, at) -> Attendance:
    return Attendance.objects.create(
        entry=entry,
        session_id=entry.session_id,
        participation_id=entry.participation_id,
        checked_in_at=at,
        check_in_method=Method.SCAN,
    )


def more_people(rush: Rush, count: int) -> list[RosterEntry]:
    agency = rush.people[0].agency
    people = [
        factories.PersonFactory(full_name=f"Vũ {n:02d} Thêm", agency=agency) for n in range(count)
    ]
    add_to_roster(
        actor=rush.coordinator, participation=rush.song_lo, person_ids=[p.pk for p in people]
    )
    return list(RosterEntry.objects.filter(person__in=people).order_by("pk"))


# Recording a sheet


def test_two_people_from_the_sheet_are_recorded_with_their_real_times(held):
    # given Mạnh signed in before the start and out at the end, Ánh half an hour late
    manh, anh = by_name(held, "Nguyễn Văn Mạnh"), by_name(held, "Trần Thị Ánh")
    starts, ends = held.session.starts_at, held.session.ends_at

    # when the coordinator types in the sheet
    written = enter(
        held,
        [
            PaperRow(manh.pk, starts - timedelta(minutes=10), ends),
            (anh.pk, starts + timedelta(minutes=30), None),
        ],
    )

    # then both are recorded with those times, as entered from paper by the coordinator
    assert len(written) == 2
    manh_attendance = Attendance.objects.get(pk=manh.pk)
    anh_attendance = Attendance.objects.get(pk=anh.pk)
    assert (manh_attendance.checked_in_at, manh_attendance.checked_out_at) == (
        starts - timedelta(minutes=10),
        ends,
    )
    assert (anh_attendance.checked_in_at, anh_attendance.checked_out_at) == (
        starts + timedelta(minutes=30),
        None,
    )
    assert manh_attendance.status == Attendance.Status.ON_TIME
    assert anh_attendance.status == Attendance.Status.LATE
    assert anh_attendance.get_status_display() == "Đến muộn"
    for attendance in (manh_attendance, anh_attendance):
        assert attendance.check_in_method == Method.PAPER
        assert attendance.checked_in_by == held.coordinator


def test_each_line_is_audited_with_who_why_and_the_times_before_and_after(held):
    manh, anh = by_name(held, "Nguyễn Văn Mạnh"), by_name(held, "Trần Thị Ánh")
    starts, ends = held.session.starts_at, held.session.ends_at

    enter(held, [(manh.pk, starts, ends), (anh.pk, starts + timedelta(minutes=30), None)])

    changes = {c.attendance_id: c for c in AttendanceChange.objects.all()}
    assert set(changes) == {manh.pk, anh.pk}
    change = changes[manh.pk]
    assert change.kind == AttendanceChange.Kind.PAPER_ENTERED
    assert (change.actor, change.reason) == (held.coordinator, SHEET)
    assert change.before == {"checked_in_at": None, "checked_out_at": None, "method": ""}
    assert change.after == {
        "checked_in_at": starts.isoformat(),
        "checked_out_at": ends.isoformat(),
        "method": "paper",
    }


def test_paper_entries_count_like_scans_in_live_counts_and_completion(held):
    from training.services import set_completion_rule

    manh, anh = by_name(held, "Nguyễn Văn Mạnh"), by_name(held, "Trần Thị Ánh")
    starts, ends = held.session.starts_at, held.session.ends_at
    set_completion_rule(
        actor=held.organiser,
        programme=held.session.programme,
        required_sessions=None,
        min_minutes_present=120,
        require_on_time=False,
        require_survey=False,
    )

    enter(
        held,
        [
            (manh.pk, starts - timedelta(minutes=5), ends),
            (anh.pk, starts + timedelta(hours=2), None),
        ],
    )

    counts = live_counts(held.session, held.session.participations.filter(pk=held.song_lo.pk))
    assert (counts.checked_in, counts.on_roster) == (2, 4)
    held.session.programme.refresh_from_db()
    completions = {c.person_id: c for c in work_out(held.session.programme)}
    assert completions[manh.person_id].completed
    assert completions[manh.person_id].minutes_present == 180
    # Ánh came two hours late: an hour present, short of the rule's two.
    assert not completions[anh.person_id].completed
    assert completions[anh.person_id].minutes_present == 60


def test_an_organiser_over_the_point_may_enter_its_sheet(held):
    manh = by_name(held, "Nguyễn Văn Mạnh")

    enter(held, [(manh.pk, held.session.starts_at, None)], actor=held.organiser)

    assert Attendance.objects.get(pk=manh.pk).checked_in_by == held.organiser


def test_a_scanned_arrival_is_replaced_only_when_overwriting_is_chosen(held):
    manh = by_name(held, "Nguyễn Văn Mạnh")
    scanned_at = held.session.starts_at + timedelta(minutes=40)
    scanned(manh, scanned_at)
    on_paper = held.session.starts_at - timedelta(minutes=5)

    enter(held, [(manh.pk, on_paper, None)], overwrite=True, reason="Máy quét lệch giờ")

    attendance = Attendance.objects.get(pk=manh.pk)
    assert (attendance.checked_in_at, attendance.check_in_method) == (on_paper, Method.PAPER)
    change = AttendanceChange.objects.get(attendance=attendance)
    assert change.before == {
        "checked_in_at": scanned_at.isoformat(),
        "checked_out_at": None,
        "method": "scan",
    }


def test_a_sheet_takes_the_same_queries_for_two_people_as_for_forty(held):
    extra = more_people(held, 38)
    starts = held.session.starts_at
    two = [(entry.pk, starts, None) for entry in held.entries[:2]]
    forty = [(entry.pk, starts, None) for entry in [*held.entries[2:], *extra]]
    assert len(forty) == 40

    with CaptureQueriesContext(connection) as for_two:
        enter(held, two)
    with CaptureQueriesContext(connection) as for_forty:
        enter(held, forty)

    assert len(for_forty) == len(for_two) <= 12
    assert Attendance.objects.filter(check_in_method=Method.PAPER).count() == 42


def test_a_check_in_that_slips_in_while_the_sheet_is_written_refuses_the_sheet(held, monkeypatch):
    # given a scan recorded for Mạnh after the sheet's lines were read and checked
    from attendance.services import paper

    manh, anh = by_name(held, "Nguyễn Văn Mạnh"), by_name(held, "Trần Thị Ánh")
    check_rows = paper._check_rows

    def checked_then_scanned(*args, **kwargs):
        found = check_rows(*args, **kwargs)
        scanned(manh, held.session.starts_at)
        return found

    monkeypatch.setattr(paper, "_check_rows", checked_then_scanned)

    # when the sheet is written, then it is refused whole rather than overwrite the scan
    with pytest.raises(ValidationError) as refused:
        enter(
            held, [(anh.pk, held.session.starts_at, None), (manh.pk, held.session.starts_at, None)]
        )

    assert "vừa được điểm danh; chưa ghi gì" in refused.value.messages[0]
    assert not Attendance.objects.filter(check_in_method=Method.PAPER).exists()
    assert not AttendanceChange.objects.exists()


# Refusals: each changes nothing


@pytest.mark.parametrize(
    ("arrival", "departure", "message"),
    [
        (timedelta(minutes=30), timedelta(minutes=10), "Giờ về phải sau giờ đến."),
        (timedelta(minutes=30), timedelta(minutes=30), "Giờ về phải sau giờ đến."),
        (timedelta(days=-1), None, "Giờ đến phải trong ngày diễn ra hội nghị"),
        # two days on: past its last day even for a session that crossed local midnight
        (timedelta(0), timedelta(days=2), "Giờ về phải trong ngày diễn ra hội nghị"),
        (timedelta(hours=3, minutes=5), None, "Giờ đến muộn hơn giờ kết thúc hội nghị"),
    ],
    ids=["departure-before-arrival", "departure-at-arrival", "day-before", "days-after", "late"],
)
def test_a_sheet_with_one_impossible_line_records_nobody(held, arrival, departure, message):
    manh, anh = by_name(held, "Nguyễn Văn Mạnh"), by_name(held, "Trần Thị Ánh")
    starts = held.session.starts_at
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        enter(
            held,
            [
                (manh.pk, starts, None),
                (anh.pk, starts + arrival, starts + departure if departure is not None else None),
            ],
        )

    assert snapshot() == before
    errors = refused.value.message_dict
    assert set(errors) == {"__all__", "rows.1"}
    assert errors["rows.1"][0].startswith("Dòng 2 (Trần Thị Ánh): ")
    assert message in errors["rows.1"][0]
    assert errors["__all__"] == ["Chưa ghi gì: 1 dòng có lỗi."]


def test_times_still_to_come_are_refused(rush):
    # The session starts in twenty minutes: nobody has signed anything yet.
    rush = _reread(rush)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        enter(rush, [(rush.entries[0].pk, rush.session.starts_at, None)])

    assert "Giờ đến muộn hơn thời điểm hiện tại." in refused.value.messages[1]
    assert snapshot() == before


def test_every_wrong_line_is_listed_at_once(held):
    manh, anh, dung = (by_name(held, n) for n in ("Nguyễn Văn Mạnh", "Trần Thị Ánh", "Đỗ Thị Dung"))
    starts = held.session.starts_at

    with pytest.raises(ValidationError) as refused:
        enter(
            held,
            [
                (manh.pk, starts, starts - timedelta(minutes=1)),
                (anh.pk, starts, None),
                (dung.pk, starts - timedelta(days=2), None),
                (manh.pk, starts, None),
            ],
        )

    errors = refused.value.message_dict
    assert set(errors) == {"__all__", "rows.0", "rows.2", "rows.3"}
    assert errors["rows.3"] == ["Dòng 4 (Nguyễn Văn Mạnh): Người này có hai lần trong danh sách."]
    assert not Attendance.objects.exists()


def test_someone_already_scanned_is_refused_with_when_and_what_to_do(held):
    manh, anh = by_name(held, "Nguyễn Văn Mạnh"), by_name(held, "Trần Thị Ánh")
    scanned(manh, held.session.starts_at - timedelta(minutes=3))
    when = timezone.localtime(held.session.starts_at - timedelta(minutes=3))
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        enter(
            held, [(anh.pk, held.session.starts_at, None), (manh.pk, held.session.starts_at, None)]
        )

    assert refused.value.message_dict["rows.1"] == [
        f"Dòng 2 (Nguyễn Văn Mạnh): Đã điểm danh bằng quét mã lúc {when:%H:%M} ngày "
        f"{when:%d/%m/%Y}; dùng “Sửa giờ” để sửa, hoặc chọn ghi đè."
    ]
    assert snapshot() == before


def test_someone_entered_from_paper_before_is_refused_too_unless_overwriting(held):
    manh = by_name(held, "Nguyễn Văn Mạnh")
    enter(held, [(manh.pk, held.session.starts_at, None)])
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        enter(held, [(manh.pk, held.session.starts_at + timedelta(minutes=1), None)])

    assert "Nhập từ danh sách ký tên trên giấy" in refused.value.message_dict["rows.0"][0]
    assert snapshot() == before


def test_someone_of_another_point_is_refused_without_being_named(held):
    manh = by_name(held, "Nguyễn Văn Mạnh")
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        enter(
            held,
            [
                (manh.pk, held.session.starts_at, None),
                (held.tam_dao_entry.pk, held.session.starts_at, None),
            ],
        )

    assert refused.value.message_dict["rows.1"] == [
        "Dòng 2: Người này không có trong danh sách đại biểu của điểm cầu."
    ]
    assert THANG not in " ".join(refused.value.messages)
    assert snapshot() == before


def test_someone_taken_off_the_roster_is_refused(held):
    from events.services import remove_from_roster

    manh = by_name(held, "Nguyễn Văn Mạnh")
    remove_from_roster(actor=held.coordinator, entry=manh, reason="Không dự")
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        enter(held, [(manh.pk, held.session.starts_at, None)])

    assert "rows.0" in refused.value.message_dict
    assert snapshot() == before


def test_a_closed_session_refuses_the_sheet(held):
    close_session(actor=held.organiser, session=held.session)
    held = _reread(held)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        enter(held, [(held.entries[0].pk, held.session.starts_at, None)])

    assert refused.value.messages == ["Hội nghị đã kết thúc: danh sách và điểm danh đã được chốt."]
    assert snapshot() == before


def test_a_cancelled_session_refuses_the_sheet(held):
    Session.objects.filter(pk=held.session.pk).update(status=Session.Status.CANCELLED)
    held = _reread(held)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        enter(held, [(held.entries[0].pk, held.session.starts_at, None)])

    assert refused.value.messages == ["Hội nghị này đã bị hủy."]
    assert snapshot() == before


def test_a_coordinator_of_another_point_may_not_enter_this_points_sheet(held):
    before = snapshot()

    with pytest.raises(PermissionDenied):
        enter(
            held,
            [(held.entries[0].pk, held.session.starts_at, None)],
            actor=held.tam_dao_coordinator,
        )

    assert snapshot() == before


@pytest.mark.parametrize(("reason", "rows"), [("  ", "one"), (SHEET, "none")])
def test_a_sheet_needs_a_reason_and_at_least_one_line(held, reason, rows):
    lines = [(held.entries[0].pk, held.session.starts_at, None)] if rows == "one" else []
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        enter(held, lines, reason=reason)

    assert set(refused.value.message_dict) == {"reason" if rows == "one" else "rows"}
    assert snapshot() == before


# Correcting one person's times (Sửa giờ) keeps to the session's day too


def test_a_single_correction_outside_the_sessions_day_is_refused(held):
    from attendance.services import correct_times

    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        correct_times(
            actor=held.coordinator,
            entry=held.entries[0],
            checked_in_at=held.session.starts_at - timedelta(days=7),
            checked_out_at=None,
            reason="Sửa giờ",
        )

    assert "checked_in_at" in refused.value.message_dict
    assert snapshot() == before


# The page


def paper_url(participation) -> str:
    return reverse("attendance:paper_entry", args=[participation.pk])


def clock(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def sheet_form(held, lines: dict, **fields) -> dict:
    data = {
        "day": timezone.localtime(held.session.starts_at).strftime("%Y-%m-%d"),
        "reason": SHEET,
        "shown": [str(entry.pk) for entry in held.entries],
        **fields,
    }
    for entry, (arrival, departure) in lines.items():
        data.setdefault("tick", []).append(str(entry.pk))
        data[f"in-{entry.pk}"] = arrival
        data[f"out-{entry.pk}"] = departure
    return data


@pytest.fixture
def daytime(held):
    """Held, starting at 08:00 local time yesterday, so a sheet's clock times fall on its
    one day whatever time the test runs."""
    local = timezone.localtime() - timedelta(days=1)
    starts = local.replace(hour=8, minute=0, second=0, microsecond=0)
    Session.objects.filter(pk=held.session.pk).update(
        starts_at=starts, ends_at=starts + timedelta(hours=3, minutes=30)
    )
    return _reread(held)


def test_the_page_records_two_people_ticked_with_their_times(client, daytime):
    manh, anh = by_name(daytime, "Nguyễn Văn Mạnh"), by_name(daytime, "Trần Thị Ánh")
    client.force_login(daytime.coordinator)

    response = client.post(
        paper_url(daytime.song_lo),
        sheet_form(daytime, {manh: ("07:50", "11:30"), anh: ("08:40", "")}),
        follow=True,
    )

    assert response.status_code == 200
    assert "Đã ghi điểm danh của 2 người từ danh sách ký tên." in response.content.decode()
    manh_attendance = Attendance.objects.get(pk=manh.pk)
    assert clock(manh_attendance.checked_in_at) == "07:50"
    assert clock(manh_attendance.checked_out_at) == "11:30"
    assert Attendance.objects.get(pk=anh.pk).status == Attendance.Status.LATE
    assert set(Attendance.objects.values_list("check_in_method", flat=True)) == {"paper"}


def test_the_sheets_common_times_fill_the_lines_ticked_without_one(client, daytime):
    manh, dung = by_name(daytime, "Nguyễn Văn Mạnh"), by_name(daytime, "Đỗ Thị Dung")
    client.force_login(daytime.coordinator)

    client.post(
        paper_url(daytime.song_lo),
        sheet_form(
            daytime, {manh: ("", ""), dung: ("07:55", "")}, arrival="07:45", departure="11:30"
        ),
    )

    assert clock(Attendance.objects.get(pk=manh.pk).checked_in_at) == "07:45"
    assert clock(Attendance.objects.get(pk=dung.pk).checked_in_at) == "07:55"
    assert clock(Attendance.objects.get(pk=dung.pk).checked_out_at) == "11:30"


def test_the_page_shows_each_wrong_line_and_saves_nothing(client, daytime):
    manh, anh = by_name(daytime, "Nguyễn Văn Mạnh"), by_name(daytime, "Trần Thị Ánh")
    client.force_login(daytime.coordinator)

    response = client.post(
        paper_url(daytime.song_lo),
        sheet_form(daytime, {manh: ("07:50", "11:30"), anh: ("09:00", "08:10")}),
    )

    assert response.status_code == 400
    page = response.content.decode()
    line = page[page.index(f'data-entry="{anh.pk}"') + 1 :]
    assert line.index("Giờ về phải sau giờ đến.") < line.index("data-entry=")
    assert "Chưa ghi gì: 1 dòng có lỗi." in page
    assert 'value="09:00"' in page  # what was typed stays
    assert not Attendance.objects.exists()


def test_the_page_refuses_a_time_it_cannot_read(client, daytime):
    client.force_login(daytime.coordinator)

    response = client.post(
        paper_url(daytime.song_lo), sheet_form(daytime, {daytime.entries[0]: ("8 giờ", "")})
    )

    assert response.status_code == 400
    assert "Ghi giờ theo dạng GG:PP" in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_page_lists_the_roster_fifty_at_a_time_in_name_order_and_searches(
    client, daytime, django_assert_max_num_queries
):
    more_people(daytime, 60)
    client.force_login(daytime.coordinator)

    with django_assert_max_num_queries(14):
        response = client.get(paper_url(daytime.song_lo))

    page = response.content.decode()
    assert page.count('name="shown"') == 50
    # Given names first: Anh (Lê Văn Anh) before Ánh before Dung before Mạnh.
    assert page.index("Lê Văn Anh") < page.index("Trần Thị Ánh") < page.index("Đỗ Thị Dung")
    found = client.get(paper_url(daytime.song_lo), {"q": "Dung"}).content.decode()
    assert found.count('name="shown"') == 1


def test_a_coordinator_of_another_point_gets_no_page(client, daytime):
    client.force_login(daytime.tam_dao_coordinator)

    assert client.get(paper_url(daytime.song_lo)).status_code == 404
    response = client.post(
        paper_url(daytime.song_lo), sheet_form(daytime, {daytime.entries[0]: ("07:50", "")})
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_the_points_pages_link_to_the_sheet_while_attendance_is_open(client, daytime):
    client.force_login(daytime.coordinator)
    roster = reverse("attendance:roster", args=[daytime.song_lo.pk])

    page = client.get(roster).content.decode()
    assert paper_url(daytime.song_lo) in page
    assert reverse("attendance:sign_in_sheet", args=[daytime.song_lo.pk]) in page
    assert reverse("attendance:entry_times", args=[daytime.entries[0].pk]) in page

    close_session(actor=daytime.organiser, session=daytime.session)
    page = client.get(roster).content.decode()
    assert paper_url(daytime.song_lo) not in page


def test_the_correct_times_page_sets_one_persons_times(client, daytime):
    entry = by_name(daytime, "Nguyễn Văn Mạnh")
    client.force_login(daytime.coordinator)
    url = reverse("attendance:entry_times", args=[entry.pk])
    day = timezone.localtime(daytime.session.starts_at).strftime("%Y-%m-%d")

    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"checked_in_at": f"{day}T08:20", "checked_out_at": f"{day}T10:00", "reason": "Quên quét"},
    )

    assert response.status_code == 302
    attendance = Attendance.objects.get(pk=entry.pk)
    assert (clock(attendance.checked_in_at), clock(attendance.checked_out_at)) == ("08:20", "10:00")
    assert attendance.check_in_method == Method.MANUAL


def test_the_correct_times_page_refuses_a_time_on_another_day(client, daytime):
    entry = by_name(daytime, "Nguyễn Văn Mạnh")
    client.force_login(daytime.coordinator)

    response = client.post(
        reverse("attendance:entry_times", args=[entry.pk]),
        {"checked_in_at": "2020-01-01T08:20", "checked_out_at": "", "reason": "Quên quét"},
    )

    assert response.status_code == 400
    assert "Giờ đến phải trong ngày diễn ra hội nghị" in response.content.decode()
    assert not Attendance.objects.exists()


# The API


def api_url(participation) -> str:
    return reverse("api:paper_attendance", args=[participation.pk])


def test_the_api_records_a_sheet(client, held):
    manh, anh = by_name(held, "Nguyễn Văn Mạnh"), by_name(held, "Trần Thị Ánh")
    starts = held.session.starts_at
    client.force_login(held.coordinator)

    response = client.post(
        api_url(held.song_lo),
        {
            "reason": SHEET,
            "rows": [
                {"entry_id": manh.pk, "arrived_at": starts.isoformat(), "left_at": None},
                {"entry_id": anh.pk, "arrived_at": (starts + timedelta(minutes=30)).isoformat()},
            ],
        },
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["entered"] == 2
    assert [(line["name"], line["status"], line["method"]) for line in body["lines"]] == [
        ("Nguyễn Văn Mạnh", "on_time", "paper"),
        ("Trần Thị Ánh", "late", "paper"),
    ]
    assert Attendance.objects.filter(check_in_method=Method.PAPER).count() == 2


def test_the_api_refuses_a_wrong_line_naming_it_and_saves_nothing(client, held):
    manh = by_name(held, "Nguyễn Văn Mạnh")
    starts = held.session.starts_at
    client.force_login(held.coordinator)

    response = client.post(
        api_url(held.song_lo),
        {
            "reason": SHEET,
            "rows": [
                {
                    "entry_id": manh.pk,
                    "arrived_at": starts.isoformat(),
                    "left_at": (starts - timedelta(minutes=5)).isoformat(),
                }
            ],
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"]["rows.0"] == ["Dòng 1 (Nguyễn Văn Mạnh): Giờ về phải sau giờ đến."]
    assert not Attendance.objects.exists()


def test_the_api_answers_404_for_a_point_outside_the_callers_reach(client, held):
    client.force_login(held.tam_dao_coordinator)

    response = client.post(
        api_url(held.song_lo),
        {
            "reason": SHEET,
            "rows": [
                {"entry_id": held.entries[0].pk, "arrived_at": held.session.starts_at.isoformat()}
            ],
        },
        content_type="application/json",
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not Attendance.objects.exists()


def test_the_api_wants_times_with_their_offset(client, held):
    client.force_login(held.coordinator)

    response = client.post(
        api_url(held.song_lo),
        {
            "reason": SHEET,
            "rows": [{"entry_id": held.entries[0].pk, "arrived_at": "2026-12-11T08:00"}],
        },
        content_type="application/json",
    )

    assert response.status_code == 422
    assert not Attendance.objects.exists()


# The printed sheet


def pdf_text(content: bytes, tmp_path, *pages: int) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(content)
    options = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(
        ["/usr/bin/pdftotext", "-layout", *options, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_sign_in_sheet_lists_the_point_in_vietnamese_name_order(client, rush, tmp_path):
    client.force_login(rush.coordinator)

    response = client.get(reverse("attendance:sign_in_sheet", args=[rush.song_lo.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    for heading in ("DANH SÁCH ĐẠI BIỂU THAM DỰ", "STT", "Họ và tên", "Cơ quan/đơn vị"):
        assert heading in text
    for heading in ("Chức vụ", "Giờ đến", "Ký tên", "Giờ về", "Trang 1/1"):
        assert heading in text
    assert rush.session.title in text
    assert "Điểm cầu Huyện Sông Lô" in text
    assert "Chuyên viên" in text and "UBND huyện Sông Lô" in text
    names = ["Lê Văn Anh", "Trần Thị Ánh", "Đỗ Thị Dung", "Nguyễn Văn Mạnh"]
    assert [text.index(name) for name in names] == sorted(text.index(name) for name in names)
    assert THANG not in text


def test_the_sign_in_sheet_repeats_its_heading_and_numbers_its_pages(client, rush, tmp_path):
    more_people(rush, 40)
    client.force_login(rush.coordinator)

    response = client.get(reverse("attendance:sign_in_sheet", args=[rush.song_lo.pk]))

    whole = pdf_text(response.content, tmp_path)
    pages = int(re.search(r"Trang 1/(\d+)", whole)[1])
    second = pdf_text(response.content, tmp_path, 2)
    assert pages >= 2
    assert "Họ và tên" in second and "Ký tên" in second
    assert f"Trang 2/{pages}" in second
    # Ten blank numbered lines for walk-ins after the 44 on the roster.
    numbers = [int(n) for n in re.findall(r"^\s*(\d+)\s*$", whole, re.MULTILINE)]
    assert max(numbers) == 54


def test_the_sign_in_sheet_reads_in_the_same_queries_however_long(client, rush):
    client.force_login(rush.coordinator)
    url = reverse("attendance:sign_in_sheet", args=[rush.song_lo.pk])
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    more_people(rush, 40)

    with CaptureQueriesContext(connection) as long:
        client.get(url)

    assert len(long) == len(short)


def test_the_sign_in_sheet_download_is_logged_as_personal_data(client, rush):
    client.force_login(rush.coordinator)

    client.get(reverse("attendance:sign_in_sheet", args=[rush.song_lo.pk]))

    record = PersonalDataExport.objects.get()
    assert (record.kind, record.file_format, record.row_count) == ("roster", "pdf", 4)
    assert (record.actor, record.point_id, record.session_id) == (
        rush.coordinator,
        rush.song_lo.point_id,
        rush.session.pk,
    )
    assert record.unit_id == rush.song_lo.point.unit_id


def test_the_sign_in_sheet_of_another_point_is_not_found_nor_logged(client, rush):
    client.force_login(rush.tam_dao_coordinator)

    response = client.get(reverse("attendance:sign_in_sheet", args=[rush.song_lo.pk]))

    assert response.status_code == 404
    assert not PersonalDataExport.objects.exists()
