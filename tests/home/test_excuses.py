"""One queue of excuse requests across the organiser's scope, decided in bulk under the rules
and with the audit of the single decision."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.models import Attendance, AttendanceChange
from attendance.services import decide_excuse
from events.models import Session
from home.services import ExcuseNotFound, decide_excuses
from tests import factories
from tests.home.conftest import _request_excuses, build_province

pytestmark = pytest.mark.django_db

QUEUE = reverse("home:excuse_queue")


def _excuses(province):
    return {row.entry.person.full_name: row.excuse for row in _reload(province.excuses)}


def _reload(rows):
    return list(
        Attendance.objects.filter(pk__in=[row.pk for row in rows])
        .select_related("entry__person")
        .order_by("pk")
    )


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_queue_lists_the_requests_in_scope_only(client, phu_tho, vinh_long):
    client.force_login(phu_tho.organiser)

    response = client.get(QUEUE)

    assert response.status_code == 200
    rows = list(response.context["page"])
    assert {row.pk for row in rows} == {row.pk for row in phu_tho.excuses}
    assert response.context["total"] == 5
    html = response.content.decode()
    assert "Vĩnh Long" not in html
    assert "Đi công tác theo lịch của UBND" in html


def test_the_queue_filters_by_session(client, phu_tho):
    other = phu_tho.upcoming[0]
    extra = _request_excuses(phu_tho, other, 2)
    client.force_login(phu_tho.organiser)

    response = client.get(QUEUE, {"session": other.pk})

    assert {row.pk for row in response.context["page"]} == {row.pk for row in extra}
    # the filter offers each session with requests, earliest first, with its count
    sessions = response.context["sessions"]
    assert [(row.session_id, row.count) for row in sessions] == [
        (phu_tho.overdue[0].pk, 5),
        (other.pk, 2),
    ]


def test_a_session_outside_scope_filters_to_nothing(client, phu_tho, vinh_long):
    client.force_login(phu_tho.organiser)

    response = client.get(QUEUE, {"session": vinh_long.overdue[0].pk})

    assert list(response.context["page"]) == []
    assert "Vĩnh Long" not in response.content.decode()


def test_approving_three_and_refusing_two_writes_each_decision_and_its_audit(client, phu_tho):
    # given five requests waiting at Phú Thọ's points
    client.force_login(phu_tho.organiser)
    first, second = phu_tho.excuses[:3], phu_tho.excuses[3:]

    # when the organiser approves three, then refuses two, in two bulk posts
    approved = client.post(
        QUEUE, {"entry": [row.pk for row in first], "decision": "approve", "note": "Đúng quy định"}
    )
    refused = client.post(QUEUE, {"entry": [row.pk for row in second], "decision": "refuse"})

    # then each is decided, by them, now; each has its audit row; they were told
    assert approved.status_code == refused.status_code == 302
    assert "Đã chấp thuận 3 trường hợp xin vắng." in _messages(approved)
    assert "Đã không chấp thuận 2 trường hợp xin vắng." in _messages(refused)
    rows = _reload(phu_tho.excuses)
    assert [row.excuse for row in rows] == ["approved"] * 3 + ["rejected"] * 2
    assert all(row.excuse_decided_by == phu_tho.organiser for row in rows)
    assert all(row.excuse_decided_at is not None for row in rows)
    assert all(row.status == Attendance.Status.EXCUSED for row in rows[:3])
    changes = AttendanceChange.objects.filter(kind=AttendanceChange.Kind.EXCUSE_DECIDED)
    assert changes.count() == 5
    change = changes.get(attendance=rows[0])
    assert (change.actor, change.reason) == (phu_tho.organiser, "Đúng quy định")
    assert (change.before, change.after) == ({"excuse": "requested"}, {"excuse": "approved"})
    assert changes.get(attendance=rows[4]).after == {"excuse": "rejected"}
    # and the queue is empty
    assert client.get(QUEUE).context["total"] == 0


def test_the_bulk_decision_matches_the_single_one(phu_tho):
    # the same request decided one way by the attendance service, one by the bulk
    single, bulk = phu_tho.excuses[:2]
    decide_excuse(actor=phu_tho.organiser, entry=single.entry, approve=True, note="x")
    decide_excuses(actor=phu_tho.organiser, entry_ids=[bulk.pk], approve=True, note="x")

    one, many = _reload([single, bulk])
    assert (one.excuse, one.status) == (many.excuse, many.status)
    first, second = (AttendanceChange.objects.get(attendance=row) for row in (one, many))
    assert (first.kind, first.before, first.after, first.reason) == (
        second.kind,
        second.before,
        second.after,
        second.reason,
    )


def test_a_request_decided_meanwhile_is_skipped_with_a_message(client, phu_tho):
    # given one of the five was decided by someone else after the page was drawn
    stale = phu_tho.excuses[0]
    decide_excuse(actor=phu_tho.organiser, entry=stale.entry, approve=False)
    client.force_login(phu_tho.organiser)

    # when all five are approved together
    response = client.post(
        QUEUE, {"entry": [row.pk for row in phu_tho.excuses], "decision": "approve"}
    )

    # then four are approved, the stale one keeps its decision and is named as skipped
    messages = _messages(response)
    assert "Đã chấp thuận 4 trường hợp xin vắng." in messages
    skipped = [m for m in messages if m.startswith("Đã bỏ qua")]
    assert skipped and stale.entry.person.full_name in skipped[0]
    rows = _reload(phu_tho.excuses)
    assert [row.excuse for row in rows] == ["rejected"] + ["approved"] * 4
    assert AttendanceChange.objects.filter(attendance=stale, kind="excuse_decided").count() == 1


def test_a_request_of_a_session_closed_meanwhile_is_skipped(client, phu_tho):
    Session.objects.filter(pk=phu_tho.overdue[0].pk).update(status=Session.Status.CLOSED)
    client.force_login(phu_tho.organiser)

    response = client.post(QUEUE, {"entry": [phu_tho.excuses[0].pk], "decision": "approve"})

    assert any(m.startswith("Đã bỏ qua") for m in _messages(response))
    assert _reload(phu_tho.excuses)[0].excuse == "requested"


def test_a_request_outside_scope_answers_404_and_changes_nothing(client, phu_tho, vinh_long):
    client.force_login(phu_tho.organiser)
    theirs = vinh_long.excuses[0]

    alone = client.post(QUEUE, {"entry": [theirs.pk], "decision": "approve"})
    mixed = client.post(QUEUE, {"entry": [phu_tho.excuses[0].pk, theirs.pk], "decision": "approve"})
    missing = client.post(QUEUE, {"entry": [987654], "decision": "refuse"})

    assert alone.status_code == mixed.status_code == missing.status_code == 404
    assert "Vĩnh Long" not in mixed.content.decode()
    assert set(_excuses(phu_tho).values()) == {"requested"}
    assert set(_excuses(vinh_long).values()) == {"requested"}
    assert not AttendanceChange.objects.exists()


def test_bad_input_is_refused_in_vietnamese_and_changes_nothing(client, phu_tho):
    client.force_login(phu_tho.organiser)
    some = [phu_tho.excuses[0].pk]

    cases = [
        ({"decision": "approve"}, "Hãy chọn ít nhất một yêu cầu."),
        ({"entry": ["abc"], "decision": "approve"}, "Không đọc được danh sách"),
        ({"entry": some, "decision": "delete"}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"entry": some, "decision": "approve", "note": "x" * 301}, "300"),
    ]
    for data, expected in cases:
        response = client.post(QUEUE, data)
        assert response.status_code == 200, data
        assert any(expected in m for m in _messages(response)), (data, _messages(response))
    assert set(_excuses(phu_tho).values()) == {"requested"}


def test_the_service_refuses_a_non_organiser_and_an_empty_choice(phu_tho):
    with pytest.raises(PermissionDenied):
        decide_excuses(actor=phu_tho.coordinator, entry_ids=[phu_tho.excuses[0].pk], approve=True)
    with pytest.raises(ValidationError):
        decide_excuses(actor=phu_tho.organiser, entry_ids=[], approve=True)
    with pytest.raises(ExcuseNotFound):
        decide_excuses(actor=phu_tho.organiser, entry_ids=[987654], approve=True)


def _measure(client, path, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path, data) if data else client.get(path)
    assert response.status_code in (200, 302)
    return len(queries)


def test_a_page_of_fifty_and_its_bulk_decision_cost_the_same_queries_as_five(client):
    # given a province with 5 requests and one with 60
    small = build_province("Tỉnh Nhỏ", "40", excuses=5)
    large = build_province("Tỉnh Lớn", "41", excuses=60)

    # when each organiser opens the queue and approves every request of its first page
    counts = []
    for province in (small, large):
        client.force_login(province.organiser)
        page_queries = _measure(client, QUEUE)
        ids = list(
            Attendance.objects.filter(pk__in=[row.pk for row in province.excuses])
            .order_by("pk")
            .values_list("pk", flat=True)[:50]
        )
        decide_queries = _measure(client, QUEUE, {"entry": ids, "decision": "approve"})
        counts.append((page_queries, decide_queries))

    # then the same number of queries whatever the size
    assert counts[0] == counts[1]
    # and the ten left wait on the queue
    assert len(client.get(QUEUE).context["page"]) == 10


def test_a_national_organiser_decides_anywhere(client, phu_tho, vinh_long):
    national = factories.organiser(None, username="vu-cchc-xin-vang")
    client.force_login(national)

    response = client.post(
        QUEUE,
        {"entry": [phu_tho.excuses[0].pk, vinh_long.excuses[0].pk], "decision": "approve"},
    )

    assert "Đã chấp thuận 2 trường hợp xin vắng." in _messages(response)
