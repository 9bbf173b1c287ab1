"""Work handed to a worker after a commit never turns a saved change into a failure.

A broker that is down (Redis gone) refuses the task; the refusal is logged and the caller
goes on, since what it saved is saved. The work is not lost: each task sent this way is
one that beat's sweeps or the outbox's tick start again, or it carries a fallback that
does it here and now.
"""

import json
import logging

import pytest
import redis
from celery import shared_task
from django.conf import settings
from django.db import transaction

from common.tasks import dispatch, dispatch_on_commit
from tests.common.spare_redis import (
    celery_broker_at,
    free_port,
    redis_url,
)


@shared_task(name="tests.common.remember")
def remember(value: str) -> str:
    return value


@pytest.fixture
def broker_down():
    with celery_broker_at(redis_url(free_port())):
        yield


def test_a_task_goes_to_the_broker_while_it_is_up(spare_redis):
    with celery_broker_at(spare_redis.url):
        assert dispatch(remember, "Mạnh") is True

    client = redis.Redis.from_url(spare_redis.url)
    [raw] = client.lrange(settings.CELERY_TASK_DEFAULT_QUEUE, 0, -1)
    assert json.loads(raw)["headers"]["task"] == "tests.common.remember"


def test_a_broker_that_is_down_is_logged_and_the_caller_goes_on(broker_down, caplog):
    caplog.set_level(logging.WARNING, logger="common.tasks")

    assert dispatch(remember, "Mạnh") is False

    [record] = [r for r in caplog.records if r.name == "common.tasks"]
    assert record.levelno == logging.WARNING
    assert "tests.common.remember" in record.getMessage()


def test_the_fallback_does_the_work_here_when_the_broker_is_down(broker_down):
    done = []

    assert dispatch(remember, "Mạnh", fallback=lambda: done.append("here")) is False

    assert done == ["here"]


def test_a_fallback_that_fails_too_is_logged_and_raises_nothing(broker_down, caplog):
    def fail() -> None:
        raise OSError("the mail server is down as well")

    assert dispatch(remember, "Mạnh", fallback=fail) is False

    assert any(
        record.exc_info and "the mail server is down as well" in str(record.exc_info[1])
        for record in caplog.records
    )


@pytest.mark.django_db
def test_sent_after_commit_the_committed_transaction_is_not_undone_nor_reported_as_failed(
    broker_down, django_capture_on_commit_callbacks
):
    from directory.models import AdministrativeUnit
    from tests.factories import province

    # when a transaction saves a row and asks for a task on a broker that is down
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        unit = province("Tỉnh Vĩnh Phúc", "26")
        dispatch_on_commit(remember, "Vĩnh Phúc")

    # then the task was tried after the commit, nothing raised, and the row is there
    assert len(callbacks) == 1
    assert AdministrativeUnit.objects.filter(pk=unit.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_transaction_rolls_back(spare_redis):
    client = redis.Redis.from_url(spare_redis.url)
    with celery_broker_at(spare_redis.url), pytest.raises(RuntimeError), transaction.atomic():
        dispatch_on_commit(remember, "Mạnh")
        raise RuntimeError("rolled back")

    assert client.llen(settings.CELERY_TASK_DEFAULT_QUEUE) == 0
