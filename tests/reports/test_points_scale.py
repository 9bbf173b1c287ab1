"""The per-point report at scale: a page aggregates only its own points, gives the same
figures as the whole report cut in pages, and costs as many queries for a hundred points
as for two (issue 18: the national session's first page under half a second)."""

from datetime import timedelta

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance
from certificates.models import Completion
from directory.models import Agency, Person
from events.models import BridgePoint, RosterEntry, Session, SessionPoint
from reports.api.schemas import PAGE_SIZE
from reports.selectors import paged_points, points, resolve_filters
from tests.reports.test_reports import complete


def crowd(session: Session, units: list, count: int, people: int) -> list[SessionPoint]:
    """`count` more bridge points at the session, spread over `units`, each with `people`
    on its roster, all checked in on time; written in bulk, like a commune-level session."""
    made = BridgePoint.objects.bulk_create(
        BridgePoint(name=f"Điểm cầu xã {n:03}", unit=units[n % len(units)], room="Hội trường")
        for n in range(count)
    )
    taking_part = SessionPoint.objects.bulk_create(
        SessionPoint(session=session, point=point) for point in made
    )
    agency = Agency.objects.create(name="UBND các xã", unit=units[0])
    persons = Person.objects.bulk_create(
        Person(full_name=f"Đại biểu {n}", agency=agency, email=f"dai-bieu-{n}@example.vn")
        for n in range(count * people)
    )
    entries = RosterEntry.objects.bulk_create(
        RosterEntry(
            session=session,
            participation=taking_part[n // people],
            person=person,
            source=RosterEntry.Source.AGENCY,
        )
        for n, person in enumerate(persons)
    )
    Attendance.objects.bulk_create(
        Attendance(
            entry=entry,
            session=session,
            participation=entry.participation,
            checked_in_at=session.starts_at,
        )
        for entry in entries
    )
    return taking_part


def figures(rows) -> list[tuple]:
    return [
        (
            p.pk,
            p.unit.name,
            p.sessions_count,
            p.invited,
            p.checked_in,
            p.on_time,
            p.late,
            p.completed,
        )
        for p in rows
    ]


def test_the_pages_of_points_are_the_whole_report_cut_in_pages(
    course, network, django_assert_num_queries
):
    # given: the Vĩnh Phúc course, whose points have late arrivals, an absentee and
    # completions, and eleven more points at its first session, three people each, of which
    # one has a person taken off the roster before coming, one a late arrival, one someone
    # who never came, one a completion, and one was taken away from the session
    complete(course, "manh", "dung", "thang")
    more = crowd(course.first, network.districts, count=11, people=3)
    entries = list(RosterEntry.objects.filter(participation__in=more).order_by("pk"))
    RosterEntry.objects.filter(pk=entries[0].pk).update(removed_at=timezone.now())
    Attendance.objects.filter(entry=entries[0]).delete()
    Attendance.objects.filter(entry=entries[3]).update(
        checked_in_at=course.first.starts_at + timedelta(minutes=40)
    )
    Attendance.objects.filter(entry=entries[6]).update(checked_in_at=None)
    complete_at = Completion.objects.get(person=course.people["manh"])
    complete_at.pk, complete_at.person, complete_at.point = None, entries[9].person, more[3].point
    complete_at.save()
    SessionPoint.every.filter(pk=more[-1].pk).update(removed_at=timezone.now())
    filters = resolve_filters(course.rush.organiser, {"programme": course.programme.pk})
    whole = figures(points(filters))

    # when: the report is read five points a page, in three queries a page
    pages = []
    for number in range(1, 4):
        with django_assert_num_queries(3):
            page = paged_points(filters, number, 5)
            pages.append((page.number, page.paginator.num_pages, figures(page)))

    # then: the same rows, figures and order as the whole report; the point taken away is in
    # neither, and a point where nobody completed counts 0, not nothing
    assert len(whole) == 12
    assert [row for _number, _pages, rows in pages for row in rows] == whole
    assert [(number, count) for number, count, _rows in pages] == [(1, 3), (2, 3), (3, 3)]
    assert more[-1].point_id not in {row[0] for row in whole}
    by_point = {row[0]: row[2:] for row in whole}
    assert by_point[more[0].point_id] == (1, 2, 2, 2, 0, 0)
    assert by_point[more[1].point_id] == (1, 3, 3, 2, 1, 0)
    assert by_point[more[2].point_id] == (1, 3, 2, 2, 0, 0)
    assert by_point[more[3].point_id] == (1, 3, 3, 3, 0, 1)


def test_a_page_out_of_range_is_the_one_the_paginator_gives(course, network):
    # given: thirteen points
    crowd(course.first, network.districts, count=11, people=1)
    filters = resolve_filters(course.rush.organiser, {"programme": course.programme.pk})

    # when / then: past the last page, the last; not a number, the first
    for asked in (9, "x", None):
        expected = Paginator(points(filters), 5).get_page(asked)
        page = paged_points(filters, asked, 5)
        assert page.number == expected.number
        assert figures(page) == figures(expected)


def test_the_points_api_needs_as_many_queries_for_a_larger_session(
    client, course, network, django_assert_max_num_queries
):
    # given: the course's two points
    client.force_login(course.rush.organiser)
    url = reverse("api:points_report")
    scope = {"programme": course.programme.pk}
    with django_assert_max_num_queries(12) as few:
        small = client.get(url, scope).json()
    assert (small["count"], small["pages"]) == (2, 1)

    # when: the first session gains more points than a page holds, with people checked in
    crowd(course.first, network.districts, count=PAGE_SIZE + 5, people=2)

    # then: the first page and the last answer in no more queries than for two points
    with django_assert_max_num_queries(len(few)):
        first = client.get(url, scope).json()
    with django_assert_max_num_queries(len(few)):
        last = client.get(url, {**scope, "page": 2}).json()
    assert (first["count"], first["pages"], len(first["results"])) == (PAGE_SIZE + 7, 2, PAGE_SIZE)
    assert len(last["results"]) == 7
    crowded = [row for row in first["results"] + last["results"] if "xã" in row["name"]]
    assert len(crowded) == PAGE_SIZE + 5
    assert {
        (row["sessions"], row["invited"], row["checked_in"], row["on_time"], row["late"])
        for row in crowded
    } == {(1, 2, 2, 2, 0)}
