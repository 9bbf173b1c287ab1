"""Rosters: who is expected at each bridge point, kept by its coordinator."""

import csv
import io
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from directory.collation import name_sort_key
from directory.models import Person
from events.models import RosterChange, RosterEntry, RosterImport
from events.services import add_to_roster, invite_agency_here, revoke_ticket
from tests import factories

pytestmark = pytest.mark.django_db


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def csv_file(*rows: str) -> bytes:
    return ("\n".join(("Họ và tên,Chức vụ,Cơ quan,Email,Điện thoại", *rows)) + "\n").encode()


def test_names_sort_the_vietnamese_way_by_given_name_then_family_names():
    names = ["Trần Thị Ánh", "Lê Văn Anh", "Đỗ Văn Đức", "Nguyễn Thị Dung", "Phạm Văn Anh"]

    ordered = sorted(names, key=name_sort_key)

    # Anh before Ánh (the level tone first), D before Đ (a letter of its own).
    assert ordered == [
        "Lê Văn Anh",
        "Phạm Văn Anh",
        "Trần Thị Ánh",
        "Nguyễn Thị Dung",
        "Đỗ Văn Đức",
    ]


def test_the_roster_page_lists_people_in_vietnamese_order(client, rush):
    client.force_login(rush.coordinator)

    response = client.get(reverse("attendance:roster", args=[rush.song_lo.pk]))

    listed = [entry.person.full_name for entry in response.context["page"]]
    assert listed == ["Lê Văn Anh", "Trần Thị Ánh", "Đỗ Thị Dung", "Nguyễn Văn Mạnh"]


def test_the_roster_page_costs_the_same_queries_for_5_or_40_people(
    client, rush, django_assert_max_num_queries
):
    client.force_login(rush.coordinator)
    url = reverse("attendance:roster", args=[rush.song_lo.pk])
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    agency = rush.people[0].agency
    more = [factories.PersonFactory(agency=agency) for _ in range(36)]
    add_to_roster(
        actor=rush.coordinator, participation=rush.song_lo, person_ids=[p.pk for p in more]
    )
    with django_assert_max_num_queries(len(small)):
        client.get(url)


def test_someone_expected_at_another_point_is_named_not_moved(rush):
    stranger = rush.tam_dao_entry.person
    national = factories.organiser(None)

    result = add_to_roster(actor=national, participation=rush.song_lo, person_ids=[stranger.pk])

    assert result.added == 0
    assert result.elsewhere == [f"{stranger.full_name} ({rush.tam_dao.point.name})"]
    assert RosterEntry.objects.get(person=stranger).participation == rush.tam_dao


def test_a_coordinator_cannot_add_people_from_outside_their_area(rush):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        add_to_roster(
            actor=rush.coordinator,
            participation=rush.song_lo,
            person_ids=[rush.tam_dao_entry.person.pk],
        )


def test_inviting_an_agency_puts_its_active_people_on_the_roster(rush):
    agency = factories.AgencyFactory(
        name="Phòng Nội vụ huyện Sông Lô", unit=rush.song_lo.point.unit
    )
    staff = [factories.PersonFactory(agency=agency) for _ in range(3)]
    factories.PersonFactory(agency=agency, is_active=False)

    _invitation, result = invite_agency_here(
        actor=rush.coordinator, participation=rush.song_lo, agency=agency
    )

    assert result.added == 3
    on_roster = set(rush.song_lo.roster.values_list("person_id", flat=True))
    assert {p.pk for p in staff} <= on_roster


def test_a_roster_file_with_bad_rows_is_refused_whole_with_row_column_and_reason(client, rush):
    client.force_login(rush.coordinator)
    known = rush.tam_dao_entry.person
    known.phone = "0987000111"
    known.save()
    before = (RosterEntry.objects.count(), Person.objects.count())
    content = csv_file(
        "Hoàng Văn Hải,Chuyên viên,UBND xã Đồng Thịnh,,0912000001",
        ",Chuyên viên,UBND xã Đồng Thịnh,,0912000002",
        "Bùi Thị Hoa,,UBND xã Đồng Thịnh,không-phải-email,",
        "Đinh Văn Hùng,,,,0912000003",
        "Lý Thị Mai,,UBND xã Đồng Thịnh,,0912000001",
        "Phạm Đức Thắng,,UBND huyện Tam Đảo,,0987000111",
    )

    response = client.post(
        reverse("attendance:roster_import", args=[rush.song_lo.pk]),
        {"file": upload("danh-sach.csv", content)},
    )

    assert response.status_code == 400
    problems = {(e.row, e.column) for e in response.context["errors"]}
    assert problems == {
        (3, "Họ và tên"),
        (4, "Email"),
        (5, "Cơ quan"),
        (6, "Điện thoại"),
        (7, "Điện thoại"),
    }
    assert (RosterEntry.objects.count(), Person.objects.count()) == before
    assert not RosterImport.objects.exists()


def test_a_clean_file_is_previewed_and_added_only_when_confirmed(client, rush):
    client.force_login(rush.coordinator)
    existing = rush.people[0]
    content = csv_file(
        "Hoàng Văn Hải,Chuyên viên,UBND xã Đồng Thịnh,,0912 000 001",
        f"{existing.full_name},,,{existing.email},",
    )
    url = reverse("attendance:roster_import", args=[rush.song_lo.pk])

    preview = client.post(url, {"file": upload("danh-sach.csv", content)})

    assert preview.status_code == 200
    rows = preview.context["preview"].rows
    assert [(row.row, row.action) for row in rows] == [(2, "new"), (3, "already_here")]
    assert not Person.objects.filter(phone="0912000001").exists()

    confirmed = client.post(url, {"confirm": preview.context["preview"].upload.pk})

    assert confirmed.status_code == 302
    hai = Person.objects.get(phone="0912000001")
    assert hai.agency.unit == rush.song_lo.point.unit
    assert RosterEntry.objects.get(person=hai).source == RosterEntry.Source.IMPORT
    again = client.post(url, {"confirm": preview.context["preview"].upload.pk})
    assert again.status_code == 302
    assert RosterEntry.objects.filter(person=hai).count() == 1


def test_an_xlsx_roster_imports_like_a_csv(client, rush):
    client.force_login(rush.coordinator)
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Cơ quan", "Điện thoại"])
    sheet.append(["Ngô Thị Ánh", "UBND xã Đồng Thịnh", 912000009])
    content = io.BytesIO()
    book.save(content)

    preview = client.post(
        reverse("attendance:roster_import", args=[rush.song_lo.pk]),
        {"file": upload("danh-sach.xlsx", content.getvalue())},
    )

    assert preview.status_code == 200
    [row] = preview.context["preview"].rows
    assert (row.details.full_name, row.details.phone) == ("Ngô Thị Ánh", "0912000009")


def test_the_roster_exports_with_vietnamese_headers_in_roster_order(client, rush):
    client.force_login(rush.coordinator)

    as_csv = client.get(reverse("attendance:roster_export", args=[rush.song_lo.pk, "csv"]))
    as_xlsx = client.get(reverse("attendance:roster_export", args=[rush.song_lo.pk, "xlsx"]))

    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị"]
    assert [row[1] for row in rows[1:]] == [
        "Lê Văn Anh",
        "Trần Thị Ánh",
        "Đỗ Thị Dung",
        "Nguyễn Văn Mạnh",
    ]
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    values = list(sheet.values)
    assert values[1][1] == "Họ và tên"
    assert values[2][1] == "Lê Văn Anh"


def test_taking_someone_off_keeps_the_row_and_the_reason(client, rush):
    client.force_login(rush.coordinator)
    entry = rush.entries[0]

    refused = client.post(
        reverse("attendance:entry_action", args=[entry.pk]), {"action": "remove", "reason": ""}
    )
    entry.refresh_from_db()
    assert refused.status_code == 302 and entry.removed_at is None

    client.post(
        reverse("attendance:entry_action", args=[entry.pk]),
        {"action": "remove", "reason": "Đi công tác"},
    )

    entry.refresh_from_db()
    assert entry.removed_at is not None and entry.removal_reason == "Đi công tác"
    assert RosterChange.objects.filter(entry=entry, kind="removed", actor=rush.coordinator)
    page = client.get(reverse("attendance:roster", args=[rush.song_lo.pk]), {"removed": "1"})
    assert [e.pk for e in page.context["page"]] == [entry.pk]


def test_revoking_a_ticket_raises_its_version_and_is_recorded(rush):
    entry = rush.entries[1]

    revoke_ticket(actor=rush.coordinator, entry=entry, reason="Lộ ảnh chụp mã")

    entry.refresh_from_db()
    assert entry.ticket_version == 2
    assert RosterChange.objects.get(entry=entry, kind="ticket_revoked").reason == "Lộ ảnh chụp mã"


def test_a_substitute_takes_the_place_of_the_invited_person(client, rush):
    client.force_login(rush.coordinator)
    invited = rush.entries[0]

    response = client.post(
        reverse("attendance:substitute", args=[invited.pk]),
        {
            "full_name": "Hà Văn Tùng",
            "agency": invited.person.agency.name,
            "phone": "0912555666",
            "reason": "Đồng chí Mạnh đi họp tỉnh",
        },
    )

    assert response.status_code == 302
    invited.refresh_from_db()
    substitute = RosterEntry.objects.get(person__phone="0912555666")
    assert substitute.substitute_for == invited
    assert substitute.source == RosterEntry.Source.SUBSTITUTE
    assert invited.removed_at is not None
    assert invited.removal_reason == "Đồng chí Mạnh đi họp tỉnh"


def test_a_walk_in_is_added_to_the_directory_and_checked_in(client, rush):
    client.force_login(rush.coordinator)

    response = client.post(
        reverse("attendance:roster_walk_in", args=[rush.song_lo.pk]),
        {
            "walk-full_name": "Đặng Thị Thu",
            "walk-agency": "UBND xã Hải Lựu",
            "walk-phone": "0912777888",
        },
    )

    assert response.status_code == 302
    entry = RosterEntry.objects.get(person__phone="0912777888")
    assert entry.source == RosterEntry.Source.WALK_IN
    assert entry.attendance.checked_in_at is not None
    assert entry.attendance.changes.get().kind == "walk_in"


def test_a_walk_in_without_phone_or_email_is_refused_on_the_form(client, rush):
    client.force_login(rush.coordinator)
    before = Person.objects.count()

    response = client.post(
        reverse("attendance:roster_walk_in", args=[rush.song_lo.pk]),
        {"walk-full_name": "Đặng Thị Thu", "walk-agency": "UBND xã Hải Lựu"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["phone"]
    assert Person.objects.count() == before


def test_roster_pages_are_only_for_the_point_s_keepers(client, rush):
    urls = [
        reverse("attendance:roster", args=[rush.song_lo.pk]),
        reverse("attendance:roster_export", args=[rush.song_lo.pk, "csv"]),
        reverse("attendance:badge_sheet", args=[rush.song_lo.pk]),
        reverse("attendance:scanner", args=[rush.song_lo.pk]),
        reverse("attendance:display", args=[rush.song_lo.pk]),
    ]
    client.force_login(rush.tam_dao_coordinator)
    assert {client.get(url).status_code for url in urls} == {404}
    client.force_login(rush.organiser)
    assert {client.get(url).status_code for url in urls} == {200}
    attendee = rush.people[0]
    attendee.user = factories.UserFactory()
    attendee.save()
    client.force_login(attendee.user)
    assert {client.get(url).status_code for url in urls} == {403}


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="Debian's poppler-utils is not installed")
def test_the_badge_sheet_prints_every_name_with_diacritics(client, rush, tmp_path):
    client.force_login(rush.coordinator)

    response = client.get(reverse("attendance:badge_sheet", args=[rush.song_lo.pk]))

    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "the.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for person in rush.people:
        assert person.full_name in text


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="Debian's poppler-utils and zbar-tools are not installed",
)
def test_the_badge_sheet_qr_codes_are_the_people_s_tickets(client, rush, tmp_path):
    from attendance.tickets import ticket_for

    client.force_login(rush.coordinator)
    response = client.get(reverse("attendance:badge_sheet", args=[rush.song_lo.pk]))
    pdf = tmp_path / "the.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)

    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", *map(str, sorted(tmp_path.glob("page*.png")))],
        capture_output=True,
        text=True,
    ).stdout.split()

    assert sorted(decoded) == sorted(ticket_for(e.pk, e.ticket_version) for e in rush.entries)


def test_the_roster_page_counts_its_own_point_and_reads_no_other_points_rows(client, rush):
    # given: Tam Đảo has its own delegate on the same session
    client.force_login(rush.coordinator)
    url = reverse("attendance:roster", args=[rush.song_lo.pk])

    # when: Sông Lô's roster page is opened
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    # then: its counts are its own, and the counting reads only its rows (the national
    # session has 300,000: counting them all on every point's page cost 0.3 s)
    (count,) = response.context["counts"].points
    assert count.participation_id == rush.song_lo.pk
    assert count.on_roster == len(rush.entries)
    counting = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counting and all(
        '"participation_id" IN (' in sql or '"participation_id" = ' in sql for sql in counting
    )
    # and the agencies to invite are typed, not listed
    assert 'data-picker-source="/directory/pick/agencies/?unit=' in response.content.decode()


def test_the_import_check_reads_the_files_people_not_the_whole_sessions_roster(client, rush):
    client.force_login(rush.coordinator)
    existing = rush.people[0]
    content = csv_file(
        "Hoàng Văn Hải,Chuyên viên,UBND xã Đồng Thịnh,,0912 000 001",
        f"{existing.full_name},,,{existing.email},",
        "Vũ Thị Hoa,Chuyên viên,UBND xã Đồng Thịnh,,0912 000 002",
    )
    url = reverse("attendance:roster_import", args=[rush.song_lo.pk])

    def check() -> tuple[int, list]:
        with CaptureQueriesContext(connection) as queries:
            preview = client.post(url, {"file": upload("danh-sach.csv", content)})
        return len(queries), [(r.row, r.action) for r in preview.context["preview"].rows]

    check()  # the first page of a run also reads the workers' heartbeat, cached after
    before, answers = check()
    # a hundred more people on the session's roster change neither the answer nor its cost
    agency = rush.people[0].agency
    more = [factories.PersonFactory(agency=agency) for _ in range(100)]
    add_to_roster(
        actor=rush.coordinator, participation=rush.song_lo, person_ids=[p.pk for p in more]
    )
    after, answers_after = check()

    assert answers == answers_after
    assert (2, "new") in answers and (3, "already_here") in answers
    assert after == before


def test_the_roster_page_costs_the_same_for_five_and_fifty_checked_in(client, rush):
    from django.utils import timezone

    from attendance.models import Method
    from attendance.services import upsert_arrival

    agency = rush.people[0].agency
    more = [factories.PersonFactory(agency=agency) for _ in range(46)]
    add_to_roster(
        actor=rush.coordinator, participation=rush.song_lo, person_ids=[p.pk for p in more]
    )
    entries = list(RosterEntry.objects.filter(participation=rush.song_lo).order_by("pk"))
    client.force_login(rush.coordinator)
    url = reverse("attendance:roster", args=[rush.song_lo.pk])

    def page_queries(arrived: list) -> int:
        for entry in arrived:
            upsert_arrival(entry=entry, at=timezone.now(), method=Method.SCAN, actor=None)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    five = page_queries(entries[:5])
    fifty = page_queries(entries[5:50])

    assert fifty == five
