"""The reports API: typed answers declared in the OpenAPI document, each report's shape on
known figures, refusals (400, 403, 404), and exports started, followed and downloaded over
the API, by the requester only or an organiser in scope."""

import csv
import io
from typing import get_args

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.api import ExportFormat, ExportKind
from reports.models import ReportExport
from tests import factories
from tests.checkins import attendee_of
from tests.reports.test_reports import SEED_SENTENCE, complete

REPORTS = ["coverage_report", "points_report", "programme_report", "agencies_report"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- The OpenAPI document -----------------------------------------------------------------


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def test_the_openapi_document_declares_every_answer_of_the_reports(client, demo):
    # given
    client.force_login(demo.organiser)

    # when
    document = client.get("/api/openapi.json").json()

    # then: every report endpoint declares its answers, none a bare object
    paths = {path: ops for path, ops in document["paths"].items() if "/reports/" in path}
    assert set(paths) == {
        "/api/reports/coverage",
        "/api/reports/points",
        "/api/reports/programme",
        "/api/reports/agencies",
        "/api/reports/history",
        "/api/reports/exports",
        "/api/reports/exports/{export_id}",
        "/api/reports/exports/{export_id}/file",
    }
    for path, operations in paths.items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                content = answer["content"]
                if path.endswith("/file") and status == "200":
                    assert "text/csv" in content
                    continue
                schema = _resolve(document, content["application/json"]["schema"])
                assert schema.get("properties"), (method, path, status)
    # with the errors documented
    # (and those every operation shares: 401 not signed in, 422 values out of bounds)
    shared = {"401", "422"}
    for name in ("coverage", "points", "programme", "agencies"):
        assert (
            set(paths[f"/api/reports/{name}"]["get"]["responses"])
            == {
                "200",
                "400",
                "403",
                "404",
            }
            | shared
        )
    assert (
        set(paths["/api/reports/exports"]["post"]["responses"])
        == {
            "202",
            "400",
            "403",
            "404",
        }
        | shared
    )
    assert (
        set(paths["/api/reports/exports/{export_id}"]["get"]["responses"])
        == {
            "200",
            "400",
            "403",
            "404",
        }
        | shared
    )
    errors = _resolve(document, {"$ref": "#/components/schemas/ErrorOut"})
    assert errors["properties"]["errors"]["description"]

    # and the nested shapes: coverage's summary, parts and period, programme's totals
    coverage = _resolve(
        document,
        paths["/api/reports/coverage"]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ],
    )
    summary = _resolve(document, coverage["properties"]["summary"])
    part = _resolve(document, summary["properties"]["parts"]["items"])
    assert {"level", "level_label", "counts", "noun", "took_part", "total", "percent"} == set(
        part["properties"]
    )
    assert part["properties"]["took_part"]["description"]
    assert set(_resolve(document, coverage["properties"]["period"])["properties"]) == {"from", "to"}
    programme = _resolve(
        document,
        paths["/api/reports/programme"]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ],
    )
    totals = _resolve(document, programme["properties"]["totals"])
    assert "people_attended" in totals["properties"]
    assert {"count", "page", "pages", "results", "filters"} <= set(programme["properties"])
    parameters = {p["name"] for p in paths["/api/reports/points"]["get"]["parameters"]}
    assert parameters == {"unit", "programme", "session", "date_from", "date_to", "page"}


def test_the_export_kinds_of_the_api_are_the_models():
    assert set(get_args(ExportKind)) == set(ReportExport.Kind.values)
    assert set(get_args(ExportFormat)) == set(ReportExport.Format.values)


# --- Each report's shape ------------------------------------------------------------------


def test_coverage_gives_the_levels_parts_children_and_sentence(client, demo):
    # given
    client.force_login(demo.organiser)

    # when
    response = client.get(reverse("api:coverage_report"), {"session": demo.session.pk})

    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"filters", "period", "sessions", "sentence", "summary", "children"}
    assert body["sentence"] == SEED_SENTENCE
    assert body["sessions"] == 1
    day = timezone.localdate(demo.session.starts_at).isoformat()
    assert body["period"] == {"from": day, "to": day}
    assert body["filters"] == {
        "unit": {"id": demo.province.pk, "name": "Tỉnh Minh Hoạ", "level": "province"},
        "programme": None,
        "session": demo.session.pk,
        "date_from": None,
        "date_to": None,
    }
    summary = body["summary"]
    assert (summary["unit_id"], summary["took_part"], summary["total"]) == (
        demo.province.pk,
        14 + 9 + 51,
        19 + 10 + 130,
    )
    assert summary["parts"][0] == {
        "level": "province",
        "level_label": "cấp tỉnh",
        "counts": "agencies",
        "noun": "cơ quan chuyên môn",
        "took_part": 14,
        "total": 19,
        "percent": 73.7,
    }
    assert [(p["counts"], p["took_part"], p["total"]) for p in summary["parts"][1:]] == [
        ("units", 9, 10),
        ("units", 51, 130),
    ]
    assert len(body["children"]) == 10
    assert sum(child["parts"][-1]["took_part"] for child in body["children"]) == 51
    assert all(child["sentence"] for child in body["children"])
    # and per point: the provincial point and the ten districts'
    points_body = client.get(reverse("api:points_report"), {"session": demo.session.pk}).json()
    assert points_body["count"] == 11
    assert sum(row["checked_in"] for row in points_body["results"]) == 14 + 1 + 9 + 51


def test_points_programme_and_agencies_give_their_rows_and_pages(
    client, course, django_assert_max_num_queries
):
    # given: Mạnh, Dung and Thắng completed the Vĩnh Phúc programme
    complete(course, "manh", "dung", "thang")
    client.force_login(course.rush.organiser)
    scope = {"programme": course.programme.pk}

    # when
    with django_assert_max_num_queries(12):
        points_body = client.get(reverse("api:points_report"), scope).json()
    programme_body = client.get(reverse("api:programme_report"), scope).json()
    agencies_body = client.get(reverse("api:agencies_report"), scope).json()

    # then: per point
    assert (points_body["count"], points_body["page"], points_body["pages"]) == (2, 1, 1)
    rows = {row["unit"]: row for row in points_body["results"]}
    assert set(rows["Huyện Sông Lô"]) == {
        "point_id",
        "name",
        "unit",
        "sessions",
        "invited",
        "checked_in",
        "on_time",
        "late",
        "completed",
    }
    assert [
        rows["Huyện Sông Lô"][key]
        for key in ("sessions", "invited", "checked_in", "on_time", "late", "completed")
    ] == [2, 8, 6, 6, 0, 2]
    # per programme, session by session with its totals
    assert [(s["session_id"], s["points"], s["invited"]) for s in programme_body["results"]] == [
        (course.first.pk, 2, 5),
        (course.second.pk, 2, 5),
    ]
    assert programme_body["totals"] == {
        "sessions": 2,
        "invited": 10,
        "checked_in": 8,
        "on_time": 7,
        "late": 1,
        "people_invited": 5,
        "people_attended": 4,
        "completed": 3,
    }
    assert programme_body["filters"]["programme"] == course.programme.pk
    # per agency, people
    assert {
        a["name"]: (a["invited"], a["attended"], a["completed"]) for a in agencies_body["results"]
    } == {"UBND huyện Sông Lô": (4, 3, 2), "UBND huyện Tam Đảo": (1, 1, 1)}
    # a page past the last gives the last
    assert client.get(reverse("api:points_report"), {**scope, "page": 9}).json()["page"] == 1


def test_history_gives_years_and_sessions(client, course):
    # given: Trần Thị Ánh, signed in
    client.force_login(attendee_of(course.rush.entries[1]))

    # when
    body = client.get(reverse("api:history_report")).json()

    # then
    assert body["person"]["full_name"] == "Trần Thị Ánh"
    assert set(body["years"][0]) == {"year", "sessions", "attended", "minutes", "hours"}
    assert body["years"][0]["hours"] == 3.6
    assert set(body["sessions"][0]) == {
        "session_id",
        "title",
        "programme",
        "starts_at",
        "point",
        "checked_in_at",
        "status",
        "minutes",
    }
    assert [line["minutes"] for line in body["sessions"]][-2:] == [35, 180]


# --- Refusals -----------------------------------------------------------------------------


def test_bad_filters_answer_400_with_a_message_per_field(client, demo):
    client.force_login(demo.organiser)
    for name in REPORTS:
        response = client.get(reverse(f"api:{name}"), {"date_from": "2021-13-01"})
        assert response.status_code == 400, name
        assert response.json()["errors"]["date_from"] == [
            "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 03/11/2021."
        ]
    reversed_dates = {"date_from": "2021-12-01", "date_to": "2021-11-01"}
    assert client.get(reverse("api:coverage_report"), reversed_dates).status_code == 400
    assert "unit" in client.get(reverse("api:points_report"), {"unit": "x"}).json()["errors"]


def test_an_attendee_is_refused_and_another_province_is_not_found(client, demo):
    # an attendee: 403 with why
    entry = demo.session.roster.filter(person__agency__unit=demo.province).first()
    client.force_login(attendee_of(entry, username="dai-bieu-minh-hoa"))
    for name in REPORTS:
        response = client.get(reverse(f"api:{name}"))
        assert response.status_code == 403, name
        assert response.json()["detail"]
    # an organiser asking for another province, or a session that is not theirs: 404
    client.force_login(demo.organiser)
    url = reverse("api:coverage_report")
    assert client.get(url, {"unit": demo.other_province.pk}).status_code == 404
    assert client.get(url, {"session": demo.session.pk + 999}).status_code == 404
    other = factories.organiser(demo.other_province, username="so-ben-canh")
    client.force_login(other)
    assert client.get(url, {"unit": demo.province.pk}).status_code == 404
    # the session reaches both provinces: its organiser reads it for their own only
    body = client.get(url, {"session": demo.session.pk}).json()
    assert body["summary"]["unit_id"] == demo.other_province.pk
    assert body["sentence"] != SEED_SENTENCE


# --- Exports ------------------------------------------------------------------------------


def _start(client, **body):
    return client.post(reverse("api:report_exports"), body, content_type="application/json")


def test_an_export_is_started_followed_and_downloaded_over_the_api(
    client, demo, eager_tasks, django_capture_on_commit_callbacks
):
    # given
    client.force_login(demo.organiser)

    # when: the per-point report asked for as CSV, the worker's task run on commit
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _start(client, kind="points", format="csv", session=demo.session.pk)

    # then: accepted at once, with where to follow it
    assert response.status_code == 202
    assert len(callbacks) == 1
    started = response.json()
    export = ReportExport.objects.get()
    assert started == {
        "id": export.pk,
        "status": "queued",
        "status_label": "Đang chờ máy xử lý",
        "rows_total": 11,
        "progress_url": reverse("api:report_export", args=[export.pk]),
        "page_url": reverse("reports:report_export_status", args=[export.pk]),
    }
    # stored with the same filters as the page stores them
    assert export.parameters == {
        "unit": demo.province.pk,
        "programme": None,
        "session": demo.session.pk,
        "date_from": None,
        "date_to": None,
    }
    # and the worker wrote it
    progress = client.get(started["progress_url"]).json()
    assert progress == {
        "id": export.pk,
        "active": False,
        "status": "done",
        "status_label": "Xong",
        "rows_done": 11,
        "rows_total": 11,
        "percent": 100,
        "download_url": reverse("api:report_export_file", args=[export.pk]),
        "error": "",
    }
    download = client.get(progress["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv"
    content = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][0] == "Điểm cầu" and len(rows) == 1 + 11
    # the page's own download works too
    page_file = reverse("reports:report_export_file", args=[export.pk])
    assert client.get(page_file).status_code == 200

    # and another province's organiser finds nothing
    client.force_login(factories.organiser(demo.other_province, username="so-ben-canh"))
    assert client.get(started["progress_url"]).status_code == 404
    assert client.get(progress["download_url"]).status_code == 404


def test_an_unfinished_export_has_no_file_yet(client, demo):
    # given: an export no worker has taken yet (the task captured, never run)
    client.force_login(demo.organiser)
    response = _start(client, kind="coverage", format="xlsx", session=demo.session.pk)
    export_id = response.json()["id"]

    # when
    progress = client.get(reverse("api:report_export", args=[export_id])).json()

    # then
    assert (progress["active"], progress["percent"], progress["download_url"]) == (True, 0, "")
    assert client.get(reverse("api:report_export_file", args=[export_id])).status_code == 404


def test_an_export_without_filters_covers_the_default_year_as_the_page(client, demo):
    client.force_login(demo.organiser)
    response = _start(client, kind="agencies", format="xlsx")
    assert response.status_code == 202
    parameters = ReportExport.objects.get().parameters
    year = demo.session.starts_at.year
    assert (parameters["date_from"], parameters["date_to"]) == (f"{year}-01-01", f"{year}-12-31")


def test_exports_are_checked_in_the_callers_scope_as_the_page(client, demo):
    client.force_login(demo.organiser)
    # a roster needs a session: 400, in Vietnamese
    roster = _start(client, kind="roster", format="xlsx")
    assert roster.status_code == 400
    assert roster.json()["errors"]["session"] == [
        "Chọn một hội nghị để xuất danh sách đại biểu của hội nghị đó."
    ]
    # bad dates: 400 per field
    dates = _start(client, kind="points", date_from="2021-12-01", date_to="2021-11-01")
    assert dates.status_code == 400 and "date_to" in dates.json()["errors"]
    # another province: 404
    assert _start(client, kind="coverage", unit=demo.other_province.pk).status_code == 404
    # an unknown kind or format: refused by the schema
    assert _start(client, kind="everything").status_code == 422
    assert _start(client, kind="points", format="pdf").status_code == 422
    # an attendee may not export an organiser's report, nor another person's history
    entry = demo.session.roster.filter(person__agency__unit=demo.province).first()
    other = demo.session.roster.exclude(person=entry.person).first().person
    client.force_login(attendee_of(entry, username="dai-bieu-minh-hoa"))
    assert _start(client, kind="coverage").status_code == 403
    assert _start(client, kind="history", person=other.pk).status_code == 404
    assert not ReportExport.objects.exists()
    # but their own history, yes
    own = _start(client, kind="history", format="csv")
    assert own.status_code == 202
    assert ReportExport.objects.get().parameters == {"person": entry.person.pk}
