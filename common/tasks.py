"""Handing work to Celery without ever failing what has already been saved.

The broker is Redis, which may be away for a while. A task sent after a commit that the
broker refuses must not turn the saved change into an error for its caller (the page would
report a failure for a change that was made), so it is logged instead. Only tasks whose
work is picked up again are sent this way: beat's sweeps and the notices' tick find what
the database says is still to do; where nothing would, the caller passes a `fallback`
that does the work here and now.
"""

import logging
from collections.abc import Callable
from functools import partial

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def dispatch(task: Task, *args: object, fallback: Callable[[], object] | None = None) -> bool:
    """Send `task` to a worker now; False, logged, when it could not be sent (then the
    fallback, if any, runs here). Never raises."""
    try:
        task.delay(*args)
    except OperationalError as error:
        logger.warning("could not queue %s%r, the broker is down: %s", task.name, args, error)
    except Exception:  # the commit is done: nothing after it may fail its caller
        logger.exception("could not queue %s%r", task.name, args)
    else:
        return True
    if fallback is not None:
        try:
            fallback()
        except Exception:
            logger.exception("%s%r could not be done here either", task.name, args)
    return False


def dispatch_on_commit(
    task: Task, *args: object, fallback: Callable[[], object] | None = None
) -> None:
    """Send `task` once the current transaction commits (at once outside one); what the
    broker refuses is logged, never raised to whoever committed."""
    transaction.on_commit(partial(dispatch, task, *args, fallback=fallback))
