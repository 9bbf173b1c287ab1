import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance
from directory.models import AdministrativeUnit, Person, RoleAssignment
from events.models import BridgePoint, Session
from reports.selectors import coverage, resolve_filters
from surveys.models import Survey, SurveyReceipt, SurveyResponse
from surveys.services import submit_survey_response

pytestmark = pytest.mark.django_db


def test_demo_loads_the_seeds_with_a_login_per_role_and_loads_again_unchanged(client):
    # given the demo `make run` loads
    call_command("load_demo", stdout=io.StringIO())
    counts = [model.objects.count() for model in (AdministrativeUnit, Person, BridgePoint)]

    # when it is loaded a second time
    call_command("load_demo", stdout=io.StringIO())

    # then nothing doubled, and every role signs in with the demo password
    assert [model.objects.count() for model in (AdministrativeUnit, Person, BridgePoint)] == counts
    assert BridgePoint.objects.filter(unit__parent__name="Tỉnh Vĩnh Phúc").count() == 9
    # and today's national network: a point at each of the 34 provinces and 3,321 communes
    assert BridgePoint.objects.filter(unit__valid_until__isnull=True).count() == 34 + 3321
    assert RoleAssignment.objects.filter(user__username="songlo", role="coordinator").exists()
    for username in ("admin", "bonoivu", "vinhphuc", "songlo"):
        signed_in = client.post(reverse("login"), {"username": username, "password": "diemcau2021"})
        assert signed_in.status_code == 302, username
        assert client.get(reverse("home")).status_code == 200
        client.logout()


def test_the_demo_has_a_survey_with_answers_and_reports_with_figures(client):
    # given the demo loaded twice
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())

    # then the 03/11/2021 session has one survey, answered (with receipts) by the seven
    # other delegates checked in at Sông Lô, and still open for the demo attendee
    survey = Survey.objects.get()
    session = survey.session
    assert session.starts_at.year == 2021
    assert SurveyResponse.objects.filter(survey=survey).count() == 7
    assert SurveyReceipt.objects.filter(survey=survey).count() == 7
    attendee = Person.objects.get(email="manh.vv@songlo.example.vn")
    assert not SurveyReceipt.objects.filter(survey=survey, person=attendee).exists()
    assert survey.is_open_at(timezone.now())
    answers = {f"q{q.pk}": "4" for q in survey.questions.filter(kind="scale")}
    answers[f"q{survey.questions.get(kind='choice').pk}"] = "Vừa phải"
    submit_survey_response(person=attendee, survey=survey, answers=answers)
    # and its results page draws the charts for vinhphuc
    client.post(reverse("login"), {"username": "vinhphuc", "password": "diemcau2021"})
    results = client.get(reverse("surveys:survey_results", args=[session.pk]))
    assert results.status_code == 200

    # and the reports open on 2021, the year with check-ins, with figures for both organisers
    national = Session.objects.get(title__startswith="Hội nghị tập huấn trực tuyến")
    assert Attendance.objects.filter(session=national).count() > 20
    for username, expected in (
        ("vinhphuc", "cấp huyện 6/9 đơn vị"),
        ("bonoivu", "cấp tỉnh 4/63 tỉnh, thành phố"),
    ):
        user = get_user_model().objects.get(username=username)
        filters = resolve_filters(user, {})
        assert filters.date_from.year == 2021, username
        assert expected in coverage(filters).sentence, username


def test_the_dashboard_of_the_upcoming_session_shows_its_points(client):
    call_command("load_demo", stdout=io.StringIO())
    upcoming = Session.objects.get(starts_at__gt=timezone.now())
    client.post(reverse("login"), {"username": "bonoivu", "password": "diemcau2021"})

    data = client.get(f"/api/dashboard/sessions/{upcoming.pk}").json()

    assert data["totals"]["points"] == 11
    assert data["totals"]["invited"] == 8
