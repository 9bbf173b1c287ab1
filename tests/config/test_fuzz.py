"""Schemathesis against the OpenAPI document, signed in as a provincial organiser and as a
coordinator: no answer is a server error, and every answer is one the document declares,
in the shape it declares.

`make test` runs it for FUZZ_SECONDS (default 30) per role with a fixed seed; `make fuzz`
for longer with a new seed each time (FUZZ_SEED repeats one). The application is called
in-process through WSGI, on the test database, with the check-in fixtures' data: two
sessions at two of Vĩnh Phúc's district points, rosters, attendance and a completion rule.
"""

import os
import random
from collections.abc import Callable, Iterable

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from schemathesis.engine import Status
from schemathesis.engine import events as engine_events

from tests import checkins

# The fixtures of check-in, as each app built on it has them in its conftest.
rush, course, _fresh_rate_limits = checkins.rush, checkins.course, checkins._fresh_rate_limits

CHECKS = ["not_a_server_error", "response_schema_conformance", "status_code_conformance"]
SECONDS = int(os.environ.get("FUZZ_SECONDS", "30"))
SEED = int(os.environ.get("FUZZ_SEED", "0")) or (
    random.randrange(1, 2**31) if os.environ.get("FUZZ_RANDOM") else 20211103
)


def signed_in(user) -> Callable:
    """The application as the user's browser reaches it: their session cookie and the CSRF
    token on every request, and no gzip (the in-process client would not undo it)."""
    client = Client()
    client.force_login(user)
    token = _get_new_csrf_string()
    cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={token}"
    application = WSGIHandler()

    def as_user(environ: dict, start_response: Callable) -> Iterable[bytes]:
        environ["HTTP_COOKIE"] = cookie
        environ["HTTP_X_CSRFTOKEN"] = token
        environ.pop("HTTP_ACCEPT_ENCODING", None)
        try:
            return application(environ, start_response)
        finally:
            # Schemathesis calls from threads of its own; a connection one of them left open
            # would keep PostgreSQL from dropping the test database.
            connections.close_all()

    return as_user


def failures(recorder) -> Iterable[str]:
    for case_id, results in recorder.checks.items():
        interaction = recorder.interactions.get(case_id)
        sent = f"{interaction.request.method} {interaction.request.uri}" if interaction else ""
        for result in results:
            if result.status == Status.FAILURE and result.failure_info is not None:
                failure = result.failure_info.failure
                yield f"{recorder.label}: {result.name}: {failure.title} ({sent}) {failure.message}"


def fuzz(application: Callable) -> list[str]:
    """Every phase schemathesis has, for SECONDS; the problems it found, one line each."""
    config = schemathesis.Config()
    config.update(max_time=SECONDS, seed=SEED, max_failures=None)
    project = config.projects.override
    project.update(workers=1, continue_on_failure=True)
    project.phases.update(phases=["examples", "coverage", "fuzzing", "stateful"])
    project.checks.update(included_check_names=CHECKS)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=config)
    problems: set[str] = set()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, engine_events.ScenarioFinished | engine_events.FuzzScenarioFinished):
            problems.update(failures(event.recorder))
        elif isinstance(event, engine_events.NonFatalError | engine_events.FatalError):
            value = getattr(event, "value", None) or getattr(event, "exception", None)
            problems.add(f"{getattr(event, 'label', 'run')}: {value!r}"[:500])
    return sorted(problems)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ["organiser", "coordinator"])
def test_the_api_gives_no_server_error_and_only_documented_answers(course, role):
    # given a provincial organiser's, or a Sông Lô coordinator's, signed-in browser
    application = signed_in(getattr(course.rush, role))

    # when schemathesis sends what the document allows and what it does not
    problems = fuzz(application)

    # then
    assert problems == [], f"seed {SEED}:\n" + "\n".join(problems)
