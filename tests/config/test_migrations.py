"""Migrations that move data rather than create it, run forward on a database that holds rows."""

import datetime as dt

import pytest
from django.apps.registry import Apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Model

from certificates.models import Certificate, CertificateCounter, Collation, Completion
from reports.models import ReportExport
from surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyReceipt, SurveyResponse

# The last migration before surveys, certificates and reports left attendance.
BEFORE_THE_SPLIT = [
    ("attendance", "0004_report_exports"),
    ("surveys", None),
    ("certificates", None),
    ("reports", None),
]

# Where each model that left attendance lives now.
MOVED: dict[str, type[Model]] = {
    "survey": Survey,
    "surveyquestion": SurveyQuestion,
    "surveyresponse": SurveyResponse,
    "surveyanswer": SurveyAnswer,
    "surveyreceipt": SurveyReceipt,
    "completion": Completion,
    "certificatecounter": CertificateCounter,
    "collation": Collation,
    "certificate": Certificate,
    "reportexport": ReportExport,
}

AT = dt.datetime(2021, 11, 3, 8, 0, tzinfo=dt.UTC)


# SQLite's schema editor turns foreign key checks off, which it cannot do inside the atomic
# block that wraps an ordinary test; Django's own migration tests are transactional too.
@pytest.mark.django_db(transaction=True)
def test_splitting_attendance_keeps_every_row_and_permission_of_the_moved_models():
    executor = MigrationExecutor(connection)
    try:
        # given a database at the last migration before the split, with a row in every table
        # that moves and a permission on attendance's certificate
        old_apps = _migrate(executor, BEFORE_THE_SPLIT)
        ids = _one_row_per_moved_model(old_apps)
        before = {
            name: _columns(old_apps.get_model("attendance", name), pk) for name, pk in ids.items()
        }
        permission_id = _a_permission_on_the_certificate(old_apps)

        # when it migrates to the latest migrations
        _migrate(executor, executor.loader.graph.leaf_nodes())

        # then the new apps' models read the same rows, column for column, under the same ids
        for name, model in MOVED.items():
            after = _columns(model, ids[name])
            assert {column: after[column] for column in before[name]} == before[name], name
        # and the permission follows its content type, which now names the certificates app
        permission = Permission.objects.select_related("content_type").get(pk=permission_id)
        assert permission.content_type.app_label == "certificates"
        assert permission.content_type.model_class() is Certificate
        assert not ContentType.objects.filter(
            app_label="attendance", model__in=list(MOVED)
        ).exists()
    finally:
        # Whatever happened, later tests get the database at the latest migrations.
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate(executor: MigrationExecutor, targets: list[tuple[str, str | None]]) -> Apps:
    """Migrates to targets and returns the historical models of what is then applied."""
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    # The state of every applied migration, not of the targets alone: the targets' own state
    # would hold contenttypes at 0001, with a `name` column the database no longer has.
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


def _columns(model: type[Model], pk: object) -> dict[str, object]:
    return model.objects.filter(pk=pk).values().get()


def _one_row_per_moved_model(apps: Apps) -> dict[str, object]:
    """A certificate with its collation, completion and register counter, an answered survey
    with its receipt, and a report export, made with the historical models."""
    model = apps.get_model
    organiser = model("auth", "User").objects.create(username="bonoivu", password="!")
    nation = model("directory", "AdministrativeUnit").objects.create(
        code="VN", name="Việt Nam", level="nation", path="/1/"
    )
    agency = model("directory", "Agency").objects.create(name="Bộ Nội vụ", unit=nation)
    person = model("directory", "Person").objects.create(
        full_name="Vũ Văn Mạnh", sort_name="manh vu van", email="manh@example.vn", agency=agency
    )
    programme = model("training", "Programme").objects.create(
        title="Cải cách hành chính 2021",
        code="CCHC-2021",
        year=2021,
        issuing_body="Bộ Nội vụ",
        created_by=organiser,
        unit=nation,
    )
    point = model("events", "BridgePoint").objects.create(name="Hội trường Bộ", unit=nation)
    session = model("events", "Session").objects.create(
        title="Triển khai Nghị quyết 76/NQ-CP",
        starts_at=AT,
        ends_at=AT + dt.timedelta(hours=2),
        created_by=organiser,
        host_point=point,
        programme=programme,
    )
    participation = model("events", "SessionPoint").objects.create(session=session, point=point)

    survey = model("attendance", "Survey").objects.create(
        session=session,
        title="Đánh giá buổi tập huấn",
        opens_at=AT,
        closes_at=AT + dt.timedelta(days=7),
        created_by=organiser,
    )
    question = model("attendance", "SurveyQuestion").objects.create(
        survey=survey, position=1, kind="scale", text="Nội dung có hữu ích không?"
    )
    response = model("attendance", "SurveyResponse").objects.create(
        survey=survey, participation=participation, submitted_at=AT + dt.timedelta(hours=3)
    )
    answer = model("attendance", "SurveyAnswer").objects.create(
        response=response, question=question, scale_value=4
    )
    receipt = model("attendance", "SurveyReceipt").objects.create(survey=survey, person=person)

    completion = model("attendance", "Completion").objects.create(
        programme=programme,
        person=person,
        point=point,
        completed=True,
        sessions_counted=1,
        sessions_required=1,
        minutes_present=120,
        minutes_required=90,
        computed_at=AT + dt.timedelta(days=8),
    )
    counter = model("attendance", "CertificateCounter").objects.create(key="CCHC-2021/2021", last=1)
    collation = model("attendance", "Collation").objects.create(
        programme=programme,
        session=session,
        requested_by=organiser,
        status="done",
        stage="finished",
        people=1,
        completed=1,
        to_issue=1,
        issued=1,
        finished_at=AT + dt.timedelta(days=8),
    )
    certificate = model("attendance", "Certificate").objects.create(
        programme=programme,
        person=person,
        point=point,
        collation=collation,
        serial="CCHC-2021-000001",
        register_key="CCHC-2021/2021",
        register_year=2021,
        register_number=1,
        code="7KQ2M9XW4TPA",
        snapshot={"full_name": "Vũ Văn Mạnh", "programme": "Cải cách hành chính 2021"},
        issued_at=AT + dt.timedelta(days=8),
        issued_by=organiser,
        pdf="certificates/CCHC-2021-000001.pdf",
        pdf_sha256="0" * 64,
        rendered_at=AT + dt.timedelta(days=8),
    )

    export = model("attendance", "ReportExport").objects.create(
        requested_by=organiser,
        kind="coverage",
        file_format="xlsx",
        parameters={"province": 26},
        status="done",
        rows_done=63,
        rows_total=63,
        file="reports/2021/11/coverage.xlsx",
    )
    rows = [survey, question, response, answer, receipt]
    rows += [completion, counter, collation, certificate, export]
    return {row._meta.model_name: row.pk for row in rows}


def _a_permission_on_the_certificate(apps: Apps) -> int:
    # The test database's content types were made for the new apps and renamed back on the
    # way down; a database from before the split made them for attendance itself.
    content_type, _ = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="attendance", model="certificate"
    )
    return (
        apps.get_model("auth", "Permission")
        .objects.create(
            name="Can sign certificate", codename="sign_certificate", content_type=content_type
        )
        .pk
    )
