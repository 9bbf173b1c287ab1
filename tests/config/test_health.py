"""/healthz: the web container's healthcheck asks it over plain HTTP on 127.0.0.1, a host
that ALLOWED_HOSTS refuses and a scheme that production redirects; it must still answer,
from the database, and nothing else may get past the host check or the redirect that way."""

from django.db import DatabaseError, connection

HEALTHCHECK_HOST = "127.0.0.1:8000"


def production_like(settings) -> None:
    settings.ALLOWED_HOSTS = ["diemcau.example.vn"]
    settings.SECURE_SSL_REDIRECT = True


def test_healthz_answers_the_healthcheck_host_over_plain_http(
    client, db, settings, django_assert_max_num_queries
):
    production_like(settings)

    with django_assert_max_num_queries(1):
        answer = client.get("/healthz", headers={"Host": HEALTHCHECK_HOST})

    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    assert answer.headers["Cache-Control"] == "no-store"


def test_healthz_says_unavailable_when_the_database_is_not_there(client, db, settings, monkeypatch):
    production_like(settings)

    def refuse(*args, **kwargs):
        raise DatabaseError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", refuse)
        answer = client.get("/healthz", headers={"Host": HEALTHCHECK_HOST})

    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable"}


def test_every_other_page_still_refuses_a_host_that_is_not_allowed(client, db, settings):
    production_like(settings)

    assert client.get("/accounts/login/", headers={"Host": HEALTHCHECK_HOST}).status_code == 400
    assert client.get("/healthz/", headers={"Host": HEALTHCHECK_HOST}).status_code == 400
    assert client.get("/healthzx", headers={"Host": HEALTHCHECK_HOST}).status_code == 400


def test_every_other_page_is_still_redirected_to_https(client, db, settings):
    production_like(settings)

    answer = client.get("/accounts/login/", headers={"Host": "diemcau.example.vn"})

    assert answer.status_code == 301
    assert answer.headers["Location"] == "https://diemcau.example.vn/accounts/login/"


def test_healthz_only_answers_reads(client, db, settings):
    production_like(settings)

    answer = client.post("/healthz", headers={"Host": HEALTHCHECK_HOST})

    assert answer.status_code == 400
