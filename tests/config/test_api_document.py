"""The OpenAPI document tells every answer an endpoint can give, in schemas whose names each
name one shape: a client generated from it, or a fuzzer reading it, meets no surprise."""

import pytest
from ninja import Router, Schema
from ninja.errors import ConfigError

from config.api import DiemCauAPI

pytestmark = pytest.mark.django_db


def resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_bridge_points_list_is_documented_with_its_own_fields(document):
    page = resolve(
        document,
        document["paths"]["/api/events/points"]["get"]["responses"]["200"]["content"][
            "application/json"
        ]["schema"],
    )
    point = resolve(document, page["properties"]["items"]["items"])

    assert set(point["properties"]) == {
        "id",
        "name",
        "unit_id",
        "unit_name",
        "room",
        "address",
        "capacity",
        "is_host",
    }


def test_the_dashboard_points_keep_their_own_schema(document):
    dashboard = resolve(
        document,
        document["paths"]["/api/dashboard/sessions/{session_id}"]["get"]["responses"]["200"][
            "content"
        ]["application/json"]["schema"],
    )
    group = resolve(document, dashboard["properties"]["groups"]["items"])
    point = resolve(document, group["properties"]["points"]["items"])

    assert {"participation_id", "state", "silent"} <= set(point["properties"])


def test_two_different_schemas_of_one_name_stop_the_document():
    # given two routers that each answer with a PointOut of their own
    first, second = Router(), Router()

    class PointOut(Schema):
        id: int

    @first.get("/a", response=PointOut)
    def a(request):
        return {"id": 1}

    class PointOut(Schema):  # the name clash under test
        name: str

    @second.get("/b", response=PointOut)
    def b(request):
        return {"name": "Sông Lô"}

    api = DiemCauAPI(urls_namespace="clash")
    api.add_router("/first/", first)
    api.add_router("/second/", second)

    # then the document is not written with one of them silently replaced
    with pytest.raises(ConfigError, match="PointOut"):
        api.get_openapi_schema(path_prefix="")


def test_every_operation_documents_the_refusals_it_can_give(document):
    for path, method, operation in operations(document):
        answers = operation["responses"]
        expected = {"400"}
        if operation.get("parameters") or operation.get("requestBody"):
            expected |= {"404", "422"}
        if operation.get("security"):
            expected |= {"401", "403"}
        assert expected <= set(answers), (method, path, sorted(answers))
        for status in expected:
            schema = answers[status]["content"]["application/json"]["schema"]
            shapes = schema.get("anyOf", [schema])
            assert {"$ref": "#/components/schemas/ErrorOut"} in shapes, (method, path, status)


def test_a_scan_refusal_is_documented_as_a_verdict_or_the_general_error(document):
    answers = document["paths"]["/api/attendance/scans"]["post"]["responses"]

    forbidden = answers["403"]["content"]["application/json"]["schema"]
    conflict = answers["409"]["content"]["application/json"]["schema"]

    assert forbidden["anyOf"] == [
        {"$ref": "#/components/schemas/ScanOut"},
        {"$ref": "#/components/schemas/ErrorOut"},
    ]
    assert conflict == {"$ref": "#/components/schemas/ScanOut"}


def test_the_error_shape_is_documented_once_with_its_fields(document):
    error = document["components"]["schemas"]["ErrorOut"]

    assert set(error["required"]) == {"code", "message", "detail"}
    assert error["properties"]["errors"]["description"]
