"""Coverage and attendance reports: figures from raw check-ins, scope, bad filters, queries."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance
from certificates.models import Completion
from directory.models import AdministrativeUnit, Agency, Person
from events.models import BridgePoint, RosterEntry, Session, SessionPoint
from reports.selectors import (
    agencies,
    coverage,
    history,
    points,
    programme_sessions,
    programme_totals,
    resolve_filters,
)
from tests import factories

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SEED_SENTENCE = (
    "cấp tỉnh 14/19 cơ quan chuyên môn; cấp huyện 9/10 đơn vị; cấp xã 51/130 xã, phường, thị trấn"
)


@dataclass
class DemoProvince:
    province: AdministrativeUnit
    districts: list[AdministrativeUnit]
    communes: list[AdministrativeUnit]
    session: Session
    organiser: object
    other_province: AdministrativeUnit


def _people(of: list[Agency], tag: str, per_agency: int = 1) -> list[Person]:
    return Person.objects.bulk_create(
        Person(
            full_name=f"Đại biểu {tag} {index}-{n}",
            position="Chuyên viên",
            agency=agency,
            email=f"{tag}-{index}-{n}@demo.example.vn",
        )
        for index, agency in enumerate(of)
        for n in range(per_agency)
    )


def build_demo_province(
    *, districts: int = 10, communes: int = 130, specialised: int = 19
) -> DemoProvince:
    """A province as the seeds count it: 19 specialised agencies and the People's
    Committee, 10 districts, 130 communes spread across them, an agency at each district
    and commune, two people per agency, all invited to one session."""
    province = factories.province("Tỉnh Minh Hoạ", "90", valid_until=date(2025, 6, 30))
    other = factories.province("Tỉnh Bên Cạnh", "91")
    district_units = [
        factories.UnitFactory(
            level=AdministrativeUnit.Level.DISTRICT,
            code=f"9{n:02d}",
            name=f"Huyện Minh Hoạ {n}",
            parent=province,
        )
        for n in range(districts)
    ]
    commune_units = [
        factories.UnitFactory(
            code=f"9{n:04d}", name=f"Xã Minh Hoạ {n}", parent=district_units[n % districts]
        )
        for n in range(communes)
    ]
    # A commune that ended before the session: not counted at all.
    factories.UnitFactory(
        code="99999",
        name="Xã Đã Sáp Nhập",
        parent=district_units[0],
        valid_until=date(2019, 12, 31),
    )
    kinds = Agency.Kind
    provincial = Agency.objects.bulk_create(
        Agency(name=f"Sở {n}", unit=province, kind=kinds.SPECIALISED) for n in range(specialised)
    )
    committee = Agency.objects.create(
        name="UBND tỉnh Minh Hoạ", unit=province, kind=kinds.PEOPLES_COMMITTEE
    )
    at_districts = Agency.objects.bulk_create(
        Agency(name=f"UBND {unit.name}", unit=unit, kind=kinds.PEOPLES_COMMITTEE)
        for unit in district_units
    )
    at_communes = Agency.objects.bulk_create(
        Agency(name=f"UBND {unit.name}", unit=unit, kind=kinds.PEOPLES_COMMITTEE)
        for unit in commune_units
    )
    outside = Agency.objects.create(name="Sở Nội vụ Bên Cạnh", unit=other, kind=kinds.SPECIALISED)
    organiser = factories.organiser(province, username="so-noi-vu-minh-hoa")
    host = factories.BridgePointFactory(name="Điểm cầu tỉnh Minh Hoạ", unit=province)
    district_points = BridgePoint.objects.bulk_create(
        BridgePoint(name=f"Điểm cầu {unit.name}", unit=unit) for unit in district_units
    )
    outside_point = factories.BridgePointFactory(name="Điểm cầu Bên Cạnh", unit=other)
    starts = datetime(2021, 11, 3, 8, 0, tzinfo=HCM)
    session = Session.objects.create(
        programme=factories.ProgrammeFactory(unit=province, created_by=organiser),
        title="Hội nghị triển khai CCHC",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        host_point=host,
        created_by=organiser,
    )
    SessionPoint.objects.bulk_create(
        SessionPoint(session=session, point=point)
        for point in [host, *district_points, outside_point]
    )
    participation = {p.point_id: p for p in session.participations.all()}
    district_of = {unit.pk: n for n, unit in enumerate(district_units)}

    def point_for(agency: Agency) -> SessionPoint:
        if agency.unit_id == other.pk:
            return participation[outside_point.pk]
        if agency.unit_id == province.pk:
            return participation[host.pk]
        unit = agency.unit if agency.unit.level == "district" else agency.unit.parent
        return participation[district_points[district_of[unit.pk]].pk]

    everyone = _people([*provincial, committee, *at_districts, *at_communes, outside], "db", 2)
    entries = RosterEntry.objects.bulk_create(
        RosterEntry(
            session=session,
            participation=point_for(person.agency),
            person=person,
            source=RosterEntry.Source.AGENCY,
        )
        for person in everyone
    )
    by_agency: dict[int, list[RosterEntry]] = {}
    for entry in entries:
        by_agency.setdefault(entry.person.agency_id, []).append(entry)

    # Attending: 14 of the 19 specialised agencies (one person, the other stays away), the
    # People's Committee, agencies in 9 of the 10 districts, and 51 of the 130 communes,
    # several of those in the same district; one person of the other province, checked in
    # at the provincial point, counts for nothing here.
    attending = [
        *provincial[:14],
        committee,
        *at_districts[:9],
        *at_communes[:51],
        outside,
    ]
    arrived = starts - timedelta(minutes=10)
    Attendance.objects.bulk_create(
        Attendance(
            entry=by_agency[agency.pk][0],
            session=session,
            participation_id=by_agency[agency.pk][0].participation_id,
            checked_in_at=arrived,
        )
        for agency in attending
    )
    # Not attending despite a row: an excuse asked for at a specialised agency that is not
    # counted, and at a commune.
    Attendance.objects.bulk_create(
        Attendance(
            entry=by_agency[agency.pk][1],
            session=session,
            participation_id=by_agency[agency.pk][1].participation_id,
            checked_in_at=None,
            excuse=Attendance.Excuse.REQUESTED,
        )
        for agency in (provincial[-1], at_communes[-1])
    )
    return DemoProvince(province, district_units, commune_units, session, organiser, other)


@pytest.fixture
def demo(db) -> DemoProvince:
    return build_demo_province()


def test_coverage_rebuilds_the_seeds_sentence_from_raw_check_ins(
    demo, django_assert_max_num_queries
):
    # given: the demo province's session and its provincial organiser
    filters = resolve_filters(demo.organiser, {"session": demo.session.pk})

    # when
    with django_assert_max_num_queries(5):
        report = coverage(filters)

    # then: every figure, level by level
    province, district, commune = report.summary.parts
    assert (province.level, province.own, province.took_part, province.total) == (
        "province",
        True,
        14,
        19,
    )
    assert (district.level, district.own, district.took_part, district.total) == (
        "district",
        False,
        9,
        10,
    )
    assert (commune.level, commune.own, commune.took_part, commune.total) == (
        "commune",
        False,
        51,
        130,
    )
    assert report.sentence == SEED_SENTENCE
    assert report.session_count == 1
    assert report.period == (date(2021, 11, 3), date(2021, 11, 3))
    # and per district: its own agencies (none specialised) and its communes, which add up
    rows = {row.name: row for row in report.children}
    assert len(rows) == 10
    assert sum(row.parts[-1].took_part for row in report.children) == 51
    assert sum(row.parts[-1].total for row in report.children) == 130
    first = rows["Huyện Minh Hoạ 0"]
    assert first.parts[-1].total == 13
    assert first.parts[-1].took_part == 6  # communes 0, 10, 20, 30, 40, 50


def test_coverage_sentence_in_english(demo):
    from django.utils import translation

    filters = resolve_filters(demo.organiser, {"session": demo.session.pk})
    with translation.override("en"):
        sentence = coverage(filters).sentence
    assert sentence == (
        "province level 14/19 specialised agencies; district level 9/10 units; "
        "commune level 51/130 communes, wards and townships"
    )


def test_coverage_for_the_nation_gives_a_row_per_province(demo):
    # given: a national organiser looking at the whole country
    national = factories.organiser(None, username="vu-cchc-quoc-gia")
    filters = resolve_filters(national, {"session": demo.session.pk})

    # when
    report = coverage(filters)

    # then: the province is one row; the other province's check-in counts there only
    rows = {row.name: row for row in report.children}
    assert rows["Tỉnh Minh Hoạ"].sentence == SEED_SENTENCE
    assert rows["Tỉnh Bên Cạnh"].parts[0].took_part == 1
    assert rows["Tỉnh Bên Cạnh"].parts[0].total == 1
    chart = report.chart()
    assert chart["labels"] == [row.name for row in report.children]
    by_label = {d["label"]: d["data"] for d in chart["datasets"]}
    assert by_label["cấp tỉnh (cơ quan chuyên môn)"][chart["labels"].index("Tỉnh Minh Hoạ")] == (
        round(100 * 14 / 19, 1)
    )


def test_cancelled_sessions_never_count(demo):
    # given: the session cancelled
    Session.objects.filter(pk=demo.session.pk).update(status=Session.Status.CANCELLED)

    # when
    report = coverage(
        resolve_filters(demo.organiser, {"date_from": "01/11/2021", "date_to": "30/11/2021"})
    )

    # then
    assert report.session_count == 0
    assert [part.took_part for part in report.summary.parts] == [0, 0, 0]
    assert [part.total for part in report.summary.parts] == [19, 10, 130]


def _session_on(
    starts: datetime, programme: object, demo: DemoProvince, host: BridgePoint | None = None
) -> Session:
    host = host or demo.session.host_point
    session = Session.objects.create(
        programme=programme,
        title="Hội nghị khác",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        host_point=host,
        created_by=demo.organiser,
    )
    SessionPoint.objects.create(session=session, point=host)
    return session


def test_without_filters_the_report_covers_the_latest_year_with_check_ins(demo):
    # given check-ins only at the demo province's session of 03/11/2021, and a session
    # later this year where nobody has checked in yet
    _session_on(datetime(2021, 12, 1, 8, 0, tzinfo=HCM), demo.session.programme, demo)

    # when the organiser chooses nothing
    filters = resolve_filters(demo.organiser, {})

    # then the report covers 2021, not an empty current year, and says it chose the period
    assert (filters.date_from, filters.date_to) == (date(2021, 1, 1), date(2021, 12, 31))
    assert filters.is_default_period
    assert coverage(filters).sentence == SEED_SENTENCE


def test_without_any_check_in_the_report_covers_this_year(demo):
    Attendance.objects.all().delete()

    filters = resolve_filters(demo.organiser, {})

    year = timezone.localdate().year
    assert (filters.date_from, filters.date_to) == (date(year, 1, 1), date(year, 12, 31))


def test_a_chosen_period_is_not_the_default_one(demo):
    filters = resolve_filters(demo.organiser, {"date_from": "01/01/2022"})

    assert (filters.date_from, filters.date_to) == (date(2022, 1, 1), None)
    assert not filters.is_default_period


def test_check_ins_out_of_scope_do_not_choose_the_year(demo):
    # given a session of the neighbouring province in 2023 where someone checked in
    point = factories.BridgePointFactory(unit=demo.other_province)
    programme = factories.ProgrammeFactory(unit=demo.other_province)
    other = _session_on(datetime(2023, 5, 4, 8, 0, tzinfo=HCM), programme, demo, host=point)
    participation = other.participations.get()
    entry = RosterEntry.objects.create(
        session=other,
        participation=participation,
        person=factories.PersonFactory(agency=factories.AgencyFactory(unit=demo.other_province)),
    )
    Attendance.objects.create(
        entry=entry, session=other, participation=participation, checked_in_at=other.starts_at
    )

    # then the provincial organiser of the demo province still opens on 2021
    assert resolve_filters(demo.organiser, {}).date_from == date(2021, 1, 1)


def test_coverage_query_count_does_not_grow_with_the_data(db, django_assert_max_num_queries):
    small = build_demo_province(districts=2, communes=4, specialised=3)
    filters = resolve_filters(small.organiser, {"session": small.session.pk})
    with django_assert_max_num_queries(5):
        assert coverage(filters).summary.parts[0].total == 3


# --- Filters and scope ----------------------------------------------------------------------


def test_an_attendee_may_not_see_organiser_reports(demo):
    person = Person.objects.filter(agency__unit=demo.province).first()
    person.user = factories.UserFactory(username="mot-dai-bieu")
    person.save()
    with pytest.raises(PermissionDenied):
        resolve_filters(person.user, {})


def test_a_unit_of_another_province_is_not_found(demo):
    with pytest.raises(Http404):
        resolve_filters(demo.organiser, {"unit": demo.other_province.pk})


def test_a_programme_out_of_scope_is_not_found(demo):
    elsewhere = factories.ProgrammeFactory(unit=demo.other_province)
    with pytest.raises(Http404):
        resolve_filters(demo.organiser, {"programme": elsewhere.pk})


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date_from": "31/02/2021"}, "date_from", "Nhập ngày theo dạng"),
        ({"date_from": "hôm qua"}, "date_from", "Nhập ngày theo dạng"),
        ({"date_from": "30/11/2021", "date_to": "01/11/2021"}, "date_to", "không được trước"),
        ({"date_to": "01/01/1900"}, "date_to", "từ năm 2000"),
        ({"unit": "abc"}, "unit", ""),
    ],
)
def test_bad_filters_are_refused_with_a_clear_message(demo, data, field, message):
    with pytest.raises(ValidationError) as refused:
        resolve_filters(demo.organiser, data)
    assert field in refused.value.message_dict
    assert message in " ".join(refused.value.message_dict[field])


def test_the_provincial_organiser_sees_only_their_subtree(demo):
    district = demo.districts[0]
    report = coverage(
        resolve_filters(demo.organiser, {"session": demo.session.pk, "unit": district.pk})
    )
    assert report.root == district
    # the district's own agencies are not specialised ones; its 13 communes, 6 attended
    assert [(p.level, p.took_part, p.total) for p in report.summary.parts] == [
        ("district", 0, 0),
        ("commune", 6, 13),
    ]
    assert report.sentence == "cấp xã 6/13 xã, phường, thị trấn"


# --- Per point, per programme, per agency, history (the Vĩnh Phúc course) -----------------


def complete(course, *names: str) -> None:
    """Completion as a collation would leave it: these people complete, the others not."""

    rush = course.rush
    for key, person in course.people.items():
        point = rush.tam_dao.point if key == "thang" else rush.song_lo.point
        Completion.objects.create(
            programme=course.programme,
            person=person,
            completed=key in names,
            sessions_counted=2,
            sessions_required=2,
            minutes_present=0,
            minutes_required=60,
            point=point,
            computed_at=timezone.now(),
        )


def test_per_point_figures_over_the_programme(course, django_assert_max_num_queries):
    # given: Mạnh, Dung and Thắng completed; Thắng was late to the second session
    complete(course, "manh", "dung", "thang")
    filters = resolve_filters(course.rush.organiser, {"programme": course.programme.pk})

    # when
    with django_assert_max_num_queries(1):
        rows = {
            p.unit.name: (p.sessions_count, p.invited, p.checked_in, p.on_time, p.late, p.completed)
            for p in points(filters)
        }

    # then: Sông Lô's four on two rosters, Anh never came; Tam Đảo's one
    assert rows == {"Huyện Sông Lô": (2, 8, 6, 6, 0, 2), "Huyện Tam Đảo": (2, 2, 2, 1, 1, 1)}


def test_a_removed_roster_entry_is_not_invited(course):
    RosterEntry.objects.filter(session=course.first, person=course.people["anh"]).update(
        removed_at=course.first.starts_at
    )
    filters = resolve_filters(course.rush.organiser, {"session": course.first.pk})
    assert {p.unit.name: p.invited for p in points(filters)}["Huyện Sông Lô"] == 3


def test_per_programme_session_by_session_with_totals(course, django_assert_max_num_queries):
    complete(course, "manh", "dung", "thang")
    filters = resolve_filters(course.rush.organiser, {"programme": course.programme.pk})

    with django_assert_max_num_queries(3):
        sessions = [
            (s.pk, s.points_count, s.invited, s.checked_in, s.on_time, s.late)
            for s in programme_sessions(filters)
        ]
        totals = programme_totals(filters)

    assert sessions == [(course.first.pk, 2, 5, 4, 4, 0), (course.second.pk, 2, 5, 4, 3, 1)]
    assert (totals.sessions, totals.invited, totals.checked_in, totals.on_time, totals.late) == (
        2,
        10,
        8,
        7,
        1,
    )
    assert (totals.people_invited, totals.people_attended, totals.completed) == (5, 4, 3)


def test_per_agency_counts_people_not_attendances(course, django_assert_max_num_queries):
    complete(course, "manh", "dung", "thang")
    filters = resolve_filters(course.rush.organiser, {"programme": course.programme.pk})
    with django_assert_max_num_queries(1):
        rows = {a.name: (a.invited, a.attended, a.completed) for a in agencies(filters)}
    assert rows == {"UBND huyện Sông Lô": (4, 3, 2), "UBND huyện Tam Đảo": (1, 1, 1)}


def test_history_gives_minutes_and_hours_per_year(course, django_assert_max_num_queries):

    # when: Ánh's ledger (the whole first session; 35 minutes of the second)
    with django_assert_max_num_queries(1):
        ledger = history(course.people["anh_t"])

    # then
    assert [(line.session_id, line.minutes) for line in ledger.lines] == [
        (course.second.pk, 35),
        (course.first.pk, 180),
    ]
    (year,) = ledger.years
    assert year.year == timezone.localtime(course.second.starts_at).year
    assert (year.sessions, year.attended, year.minutes, year.hours) == (2, 2, 215, 3.6)
    # and Anh, invited twice, never came
    (absent,) = history(course.people["anh"]).years
    assert (absent.sessions, absent.attended, absent.hours) == (2, 0, 0)


def test_history_says_a_session_to_come_is_not_held_yet_rather_than_absent(course):
    from django.utils import translation

    # given: the second session moved to next week, Anh invited to both and absent from both
    starts = timezone.now() + timedelta(days=7)
    Session.objects.filter(pk=course.second.pk).update(
        starts_at=starts, ends_at=starts + timedelta(hours=3)
    )

    # when
    with translation.override("en"):
        lines = history(course.people["anh"]).lines
    labels = {line.session_id: line.status_label for line in lines}

    # then
    assert labels[course.second.pk] == "Not held yet"
    assert labels[course.first.pk] != "Not held yet"


def test_hours_fall_in_the_calendar_year_of_the_session(course):
    # given: the first session moved to the previous December
    starts = datetime(course.second.starts_at.year - 1, 12, 31, 8, 0, tzinfo=HCM)
    Session.objects.filter(pk=course.first.pk).update(
        starts_at=starts, ends_at=starts + timedelta(hours=3)
    )
    Attendance.objects.filter(entry__session=course.first).update(
        checked_in_at=starts - timedelta(minutes=10)
    )

    years = {y.year: y.hours for y in history(course.people["manh"]).years}

    assert years == {starts.year: 3.0, starts.year + 1: 2.0}


# --- Pages and API --------------------------------------------------------------------------


def test_the_coverage_page_shows_the_sentence_and_the_chart(client, demo):
    client.force_login(demo.organiser)
    response = client.get(reverse("reports:report_coverage"), {"session": demo.session.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert SEED_SENTENCE in page
    assert 'id="coverage-chart-data"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page


def test_the_coverage_page_without_filters_says_which_year_it_shows(client, demo):
    client.force_login(demo.organiser)

    page = client.get(reverse("reports:report_coverage")).content.decode()

    assert SEED_SENTENCE in page
    assert 'id="default-period"' in page
    assert "báo cáo hiển thị năm 2021, năm gần nhất có người điểm danh" in page
    assert 'value="01/01/2021"' in page


@pytest.mark.parametrize(
    "name", ["report_coverage", "report_points", "report_programme", "report_agencies"]
)
def test_report_pages_answer_in_scope(client, course, name):
    client.force_login(course.rush.organiser)
    url = reverse(f"reports:{name}")
    assert client.get(url, {"programme": course.programme.pk}).status_code == 200
    assert client.get(url, {"date_from": "31/02/2021"}).status_code == 400
    assert client.get(url, {"unit": course.rush.organiser.pk + 10_000}).status_code == 404


def test_report_pages_refuse_an_attendee(client, course):
    from tests.checkins import attendee_of

    client.force_login(attendee_of(course.rush.entries[0]))
    assert client.get(reverse("reports:report_coverage")).status_code == 403
    assert client.get(reverse("api:coverage_report")).status_code == 403


def test_bad_dates_on_the_page_say_what_is_wrong(client, demo):
    client.force_login(demo.organiser)
    response = client.get(
        reverse("reports:report_coverage"), {"date_from": "30/11/2021", "date_to": "1/11/2021"}
    )
    assert response.status_code == 400
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.content.decode()


def test_the_points_page_has_a_constant_number_of_queries(
    client, course, django_assert_max_num_queries
):
    client.force_login(course.rush.organiser)
    url = reverse("reports:report_points")
    with django_assert_max_num_queries(14) as captured:
        client.get(url, {"programme": course.programme.pk})
    few = len(captured)
    more = [factories.BridgePointFactory(unit=course.rush.song_lo.point.unit) for _ in range(5)]
    SessionPoint.objects.bulk_create(SessionPoint(session=course.first, point=p) for p in more)
    with django_assert_max_num_queries(few):
        assert client.get(url, {"programme": course.programme.pk}).status_code == 200


def test_history_pages_and_api(client, course):
    from tests.checkins import attendee_of

    anh_t = course.rush.entries[1]  # Trần Thị Ánh
    user = attendee_of(anh_t)
    client.force_login(user)
    page = client.get(reverse("reports:my_history"))
    assert page.status_code == 200
    assert "Lịch sử tập huấn của tôi" in page.content.decode()
    own = client.get(reverse("api:history_report")).json()
    assert own["years"][0]["hours"] == 3.6
    other = course.people["manh"]
    assert client.get(reverse("reports:person_history", args=[other.pk])).status_code == 404
    assert client.get(reverse("api:history_report"), {"person": other.pk}).status_code == 404
    # an organiser in scope reads anyone's; one of another province does not
    client.force_login(course.rush.organiser)
    assert client.get(reverse("reports:person_history", args=[other.pk])).status_code == 200
    ben_tre = factories.organiser(AdministrativeUnit.objects.get(code="83", level="province"))
    client.force_login(ben_tre)
    assert client.get(reverse("reports:person_history", args=[other.pk])).status_code == 404
