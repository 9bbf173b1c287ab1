"""`make bench BENCH=pages` times the pages that exist, reports the others without stopping,
and names what makes a page over budget heavy. Here on a tiny site: the national figures come
from the bench itself, on PostgreSQL."""

import re

import pytest

from bench import pages
from tests import factories


@pytest.fixture
def clients(db) -> dict:
    organiser = factories.organiser(None, username="bench-organiser")
    coordinator = factories.coordinator(factories.default_province())
    return {"organiser": pages.signed_in(organiser), "coordinator": pages.signed_in(coordinator)}


@pytest.fixture(autouse=True)
def _few_rounds(monkeypatch) -> None:
    monkeypatch.setattr(pages, "WARM_UP", 1)
    monkeypatch.setattr(pages, "ROUNDS", 2)


def test_a_page_that_exists_gets_its_time_size_and_queries_beside_the_trivial_page(clients, capsys):
    # Given the session list, a page that exists
    figures = pages.measure_pages({}, [pages.Page("session_list", "events:session_list")], clients)

    # Then it has three figures, each with the privacy notice as its baseline
    by_name = {figure.name: figure for figure in figures}
    assert set(by_name) == {"session_list_seconds", "session_list_kb", "session_list_queries"}
    seconds, size, queries = (
        by_name[f"session_list_{what}"] for what in ("seconds", "kb", "queries")
    )
    assert seconds.unit == "s" and seconds.value > 0 and seconds.baseline > 0
    assert seconds.ratio == pytest.approx(seconds.baseline / seconds.value)
    assert size.unit == "KB" and size.value > 1 and size.baseline > 1
    assert queries.unit == "queries" and queries.value > 0
    table = capsys.readouterr().out
    assert "trivial_page" in table and "/privacy/" in table and "/sessions/" in table


def test_a_page_not_built_yet_is_reported_missing_and_the_run_goes_on(clients, capsys):
    measured = [
        pages.Page("not_yet", "network:not_built_yet", required=True),
        pages.Page("scanner", "attendance:scanner", kwargs=lambda _d: {"participation_id": 999}),
        pages.Page("home", "home"),
    ]

    figures = pages.measure_pages({}, measured, clients)

    assert {figure.name.rsplit("_", 1)[0] for figure in figures} == {"home"}
    table = capsys.readouterr().out
    assert "* not_yet" in table and "missing (no URL named network:not_built_yet)" in table
    assert "answers 404" in table


def test_a_page_over_budget_is_flagged_with_what_makes_it_heavy(clients, capsys, monkeypatch):
    monkeypatch.setattr(pages, "BUDGET_KB", 0.5)

    pages.measure_pages({}, [pages.Page("home", "home")], clients)

    table = capsys.readouterr().out
    assert "/  OVER" in table
    assert "home is OVER: most tags:" in table
    # each of its slowest queries named with where the site's code made it; which
    # query is slowest varies from run to run, so any of the site's own apps will do
    assert re.search(r" ms  from (home|directory|accounts|events)/\w+", table), table
