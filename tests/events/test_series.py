"""Recurring sessions, as the Quảng Trị Department of Foreign Affairs holds them: a flag
ceremony and political study on the first Monday of every month at 07:30."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from events.models import Session, SessionSeries
from events.services import PointSelection, cancel_session, reschedule_session, schedule_series
from tests import factories

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def quang_tri(db):
    province = factories.province("Tỉnh Quảng Trị", "45")
    point = factories.BridgePointFactory(name="Hội trường Sở Ngoại vụ Quảng Trị", unit=province)
    return province, point, factories.organiser(province, username="so-ngoai-vu-quang-tri")


def flag_ceremonies(quang_tri, rule="FREQ=MONTHLY;BYDAY=1MO;COUNT=12", **overrides):
    province, point, organiser = quang_tri
    fields = {
        "actor": organiser,
        "programme": factories.ProgrammeFactory(unit=province, created_by=organiser),
        "title": "Chào cờ và sinh hoạt chính trị đầu tháng",
        "rule": rule,
        "first_start": datetime(2021, 8, 2, 7, 30, tzinfo=HCM),
        "duration": timedelta(hours=1, minutes=30),
        "host_point": point,
        "selection": PointSelection(add=(point.pk,)),
        "record_past": True,
    }
    return schedule_series(**{**fields, **overrides})


def test_first_monday_of_every_month_at_0730_becomes_twelve_sessions(quang_tri):
    series = flag_ceremonies(quang_tri)

    starts = [s.starts_at.astimezone(HCM) for s in series.occurrences.order_by("starts_at")]
    assert len(starts) == 12
    assert all(start.weekday() == 0 and start.day <= 7 for start in starts)
    assert {(start.hour, start.minute) for start in starts} == {(7, 30)}
    assert starts[0].date().isoformat() == "2021-08-02"
    assert starts[-1].date().isoformat() == "2022-07-04"
    assert all(s.original_start == s.starts_at for s in series.occurrences.all())


def test_one_occurrence_can_move_without_the_others(quang_tri):
    series = flag_ceremonies(quang_tri)
    september = series.occurrences.order_by("starts_at")[1]
    original = september.starts_at

    reschedule_session(
        actor=quang_tri[2],
        session=september,
        starts_at=original + timedelta(days=1),
        ends_at=original + timedelta(days=1, hours=1),
        record_past=True,
    )

    september.refresh_from_db()
    assert september.original_start == original
    assert september.sequence == 1
    assert series.occurrences.filter(sequence=0).count() == 11


def test_one_occurrence_can_be_cancelled_on_its_own(quang_tri):
    series = flag_ceremonies(quang_tri)

    cancel_session(
        actor=quang_tri[2], session=series.occurrences.last(), reason="Trùng ngày nghỉ lễ"
    )

    assert series.occurrences.filter(status=Session.Status.CANCELLED).count() == 1
    assert series.occurrences.filter(status=Session.Status.SCHEDULED).count() == 11


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=31;COUNT=3",  # no 31 February: nothing
        "FREQ=DAILY",  # every day for a year: far too many
        "FREQ=HOURLY;COUNT=500",
        "EVERY MONDAY",
    ],
)
def test_a_rule_that_gives_nothing_or_too_much_is_refused_on_its_field(quang_tri, rule):
    with pytest.raises(ValidationError) as error:
        flag_ceremonies(quang_tri, rule=rule)

    assert "rule" in error.value.message_dict
    assert not SessionSeries.objects.exists()
    assert not Session.objects.exists()


def test_an_open_rule_is_expanded_a_year_ahead(quang_tri):
    series = flag_ceremonies(quang_tri, rule="FREQ=MONTHLY;BYDAY=1MO")

    # 02/08/2021 to 01/08/2022: both first Mondays of August fall within the year
    assert series.occurrences.count() == 13
