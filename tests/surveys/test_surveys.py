"""Satisfaction surveys: set-up, one answer per person, the window, results, exports, the
API, the survey request in the outbox, and the programme's survey requirement."""

import csv
import io
import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from attendance.models import Attendance
from certificates.services.completion import work_out
from events.models import Notice, RosterEntry
from events.notices.content import render
from events.selectors import effective_plan
from events.services import plan_due_notices
from surveys import services
from surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyReceipt, SurveyResponse
from surveys.notices import SURVEY_REQUEST
from surveys.services import QuestionSpec
from tests import factories
from tests.checkins import attendee_of

Kind = SurveyQuestion.Kind


def make_survey(course, session=None, **fields) -> Survey:
    return services.set_up_survey(
        actor=course.rush.organiser,
        session=session or course.first,
        title=fields.pop("title", "Khảo sát buổi 1"),
        **fields,
    )


def answers_for(survey: Survey, scores=(5, 4, 3, 4), choice="Vừa phải", text="") -> dict:
    questions = list(survey.questions.all())
    scale = [q for q in questions if q.kind == Kind.SCALE]
    given = {services.question_field(q): score for q, score in zip(scale, scores, strict=False)}
    for q in questions:
        if q.kind == Kind.CHOICE:
            given[services.question_field(q)] = choice
        if q.kind == Kind.TEXT and text:
            given[services.question_field(q)] = text
    return given


def nothing_stored() -> bool:
    return not (
        SurveyResponse.objects.exists()
        or SurveyAnswer.objects.exists()
        or SurveyReceipt.objects.exists()
    )


@pytest.fixture
def survey(course) -> Survey:
    return make_survey(course)


# --- Set-up -------------------------------------------------------------------------------


def test_a_new_survey_gets_the_default_questions_and_a_week_from_the_sessions_end(course):
    survey = make_survey(course)

    assert survey.opens_at == course.first.ends_at
    assert survey.closes_at == course.first.ends_at + timedelta(days=7)
    assert survey.is_anonymous
    kinds = list(survey.questions.values_list("kind", flat=True))
    assert kinds == [Kind.SCALE] * 4 + [Kind.CHOICE, Kind.TEXT]
    assert survey.questions.get(kind=Kind.CHOICE).choices == ["Quá ngắn", "Vừa phải", "Quá dài"]
    assert course.first.survey == survey


def test_only_an_organiser_over_the_programme_sets_up_a_survey(course, network):
    outsider = factories.organiser(network.ben_tre, username="so-noi-vu-ben-tre")

    for actor in (outsider, course.rush.coordinator):
        with pytest.raises(PermissionDenied):
            services.set_up_survey(actor=actor, session=course.first, title="X")
    assert not Survey.objects.exists()


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([], "ít nhất một câu hỏi"),
        ([QuestionSpec(Kind.SCALE, "   ")], "chưa có nội dung"),
        ([QuestionSpec(Kind.CHOICE, "Chọn", ("A", "A"))], "từ 2 đến"),
        ([QuestionSpec("rating", "Điểm")], "không rõ loại"),
    ],
)
def test_bad_questions_are_refused_with_a_clear_message(course, questions, message):
    with pytest.raises(ValidationError) as refused:
        make_survey(course, questions=questions)

    assert message in " ".join(refused.value.messages)
    assert not Survey.objects.exists()


def test_a_window_closing_before_it_opens_is_refused(course):
    opens = course.first.ends_at
    with pytest.raises(ValidationError) as refused:
        make_survey(course, opens_at=opens, closes_at=opens - timedelta(hours=1))
    assert "closes_at" in refused.value.message_dict


def test_questions_are_fixed_once_someone_has_answered_but_the_window_may_move(course, survey):
    # given one answer
    services.submit_survey_response(
        person=course.people["manh"], survey=survey, answers=answers_for(survey)
    )
    before = list(survey.questions.values_list("pk", "text"))

    # when the organiser tries to change a question
    with pytest.raises(ValidationError) as refused:
        make_survey(course, questions=[QuestionSpec(Kind.SCALE, "Câu hỏi mới")])

    # then nothing changes, and the message says why
    assert "không thể thay đổi câu hỏi" in " ".join(refused.value.messages)
    assert list(survey.questions.values_list("pk", "text")) == before

    # but moving the close keeps the questions and their answers
    later = survey.closes_at + timedelta(days=3)
    services.set_up_survey(
        actor=course.rush.organiser,
        session=course.first,
        title="Khảo sát buổi 1",
        closes_at=later,
        questions=[
            QuestionSpec(q.kind, q.text, tuple(q.choices), q.required)
            for q in survey.questions.all()
        ],
    )
    survey.refresh_from_db()
    assert survey.closes_at == later
    assert list(survey.questions.values_list("pk", "text")) == before
    assert SurveyAnswer.objects.count() == 5


# --- Answering ----------------------------------------------------------------------------


def test_an_anonymous_answer_keeps_the_point_but_not_the_person(course, survey):
    response = services.submit_survey_response(
        person=course.people["manh"], survey=survey, answers=answers_for(survey, text="Tốt")
    )

    assert response.person is None
    assert response.participation == course.rush.song_lo
    assert SurveyReceipt.objects.filter(survey=survey, person=course.people["manh"]).exists()
    assert sorted(response.answers.values_list("scale_value", flat=True), key=str) == [
        3,
        4,
        4,
        5,
        None,
        None,
    ]


def test_an_anonymous_answer_cannot_be_lined_up_with_its_receipt(course, survey):
    # given two people answering the anonymous survey one after the other
    for name in ("manh", "dung"):
        services.submit_survey_response(
            person=course.people[name], survey=survey, answers=answers_for(survey)
        )

    # then the answers keep only their day and carry random keys, so neither the order of
    # the receipts nor their times say which answer is whose
    responses = list(survey.responses.all())
    for response in responses:
        local = timezone.localtime(response.submitted_at)
        assert (local.hour, local.minute, local.second) == (0, 0, 0)
        assert local.date() == timezone.localdate()
        assert isinstance(response.pk, uuid.UUID) and response.pk.version == 4
    assert len({response.submitted_at for response in responses}) == 1


def test_a_named_survey_keeps_the_person_and_the_minute(course):
    survey = make_survey(course, is_anonymous=False)
    before = timezone.now()

    response = services.submit_survey_response(
        person=course.people["thang"], survey=survey, answers=answers_for(survey)
    )

    assert response.person == course.people["thang"]
    assert response.participation == course.rush.tam_dao
    assert before <= response.submitted_at <= timezone.now()


@pytest.mark.parametrize("anonymous", [True, False])
def test_a_second_answer_is_refused_and_changes_nothing(course, anonymous):
    survey = make_survey(course, is_anonymous=anonymous)
    manh = course.people["manh"]
    services.submit_survey_response(person=manh, survey=survey, answers=answers_for(survey))

    with pytest.raises(ValidationError) as refused:
        services.submit_survey_response(
            person=manh, survey=survey, answers=answers_for(survey, scores=(1, 1, 1, 1))
        )

    assert refused.value.code == services.ALREADY_ANSWERED
    assert "đã trả lời" in refused.value.messages[0]
    assert SurveyResponse.objects.count() == 1
    assert SurveyAnswer.objects.filter(scale_value=1).count() == 0


def test_the_receipts_unique_key_refuses_an_answer_racing_past_the_check(
    course, survey, monkeypatch
):
    # given an answer already in, and a second whose check ran before it committed
    manh = course.people["manh"]
    services.submit_survey_response(person=manh, survey=survey, answers=answers_for(survey))
    monkeypatch.setattr(services, "has_answered", lambda **kwargs: False)

    with pytest.raises(ValidationError) as refused:
        services.submit_survey_response(person=manh, survey=survey, answers=answers_for(survey))

    assert refused.value.code == services.ALREADY_ANSWERED
    assert SurveyResponse.objects.count() == 1
    assert SurveyAnswer.objects.count() == 5


def test_an_answer_after_the_window_closes_is_refused(course, survey):
    with pytest.raises(ValidationError) as refused:
        services.submit_survey_response(
            person=course.people["manh"],
            survey=survey,
            answers=answers_for(survey),
            now=survey.closes_at,
        )

    assert refused.value.code == "closed"
    assert "đã đóng" in refused.value.messages[0]
    assert nothing_stored()


def test_an_answer_before_the_window_opens_is_refused(course, survey):
    with pytest.raises(ValidationError) as refused:
        services.submit_survey_response(
            person=course.people["manh"],
            survey=survey,
            answers=answers_for(survey),
            now=survey.opens_at - timedelta(minutes=1),
        )

    assert refused.value.code == "not_open"
    assert nothing_stored()


def test_only_people_who_checked_in_may_answer(course, survey):
    stranger = factories.PersonFactory(full_name="Người Ngoài")

    # Anh was on the roster but never checked in; the stranger was not on it at all.
    for person in (course.people["anh"], stranger):
        with pytest.raises(PermissionDenied):
            services.submit_survey_response(
                person=person, survey=survey, answers=answers_for(survey)
            )
    assert nothing_stored()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"first": None}, "Vui lòng trả lời"),
        ({"first": 0}, "từ 1 đến 5"),
        ({"first": 6}, "từ 1 đến 5"),
        ({"first": "tốt"}, "từ 1 đến 5"),
        ({"choice": "Rất dài"}, "một trong các lựa chọn"),
    ],
)
def test_bad_answers_are_refused_by_question_and_store_nothing(course, survey, change, message):
    answers = answers_for(survey)
    first = survey.questions.get(position=1)
    choice = survey.questions.get(kind=Kind.CHOICE)
    if "first" in change:
        answers[services.question_field(first)] = change["first"]
        field = services.question_field(first)
    else:
        answers[services.question_field(choice)] = change["choice"]
        field = services.question_field(choice)

    with pytest.raises(ValidationError) as refused:
        services.submit_survey_response(
            person=course.people["manh"], survey=survey, answers=answers
        )

    assert message in refused.value.message_dict[field][0]
    assert nothing_stored()


def test_an_optional_question_may_be_left_empty(course, survey):
    answers = answers_for(survey)

    services.submit_survey_response(person=course.people["dung"], survey=survey, answers=answers)

    assert not SurveyAnswer.objects.filter(question__kind=Kind.TEXT).exists()


# --- Results ------------------------------------------------------------------------------


def answer_all(course, survey) -> None:
    p = course.people
    services.submit_survey_response(
        person=p["manh"], survey=survey, answers=answers_for(survey, (5, 5, 4, 5), text="Rất tốt")
    )
    services.submit_survey_response(
        person=p["dung"], survey=survey, answers=answers_for(survey, (4, 3, 2, 5), "Quá dài")
    )
    services.submit_survey_response(
        person=p["thang"], survey=survey, answers=answers_for(survey, (3, 4, 1, 4), text="Mạng yếu")
    )


def test_results_count_scores_choices_and_the_response_rate(course, survey):
    from surveys import selectors

    answer_all(course, survey)
    access = selectors.get_survey_for_organiser(course.rush.organiser, course.first.pk)

    results = selectors.survey_results(survey, access.points)

    # Four checked in at the first session (Mạnh, Dung, Thắng, Ánh); three answered.
    assert (results.responses, results.checked_in, results.response_percent) == (3, 4, 75)
    overall, _useful, sound, speakers, length, free = results.questions
    assert overall.distribution == [0, 0, 1, 1, 1] and overall.average == 4.0
    assert sound.distribution == [1, 1, 0, 1, 0] and sound.average == pytest.approx(2.33)
    assert speakers.average == pytest.approx(4.67)
    assert length.choice_counts == [("Quá ngắn", 0), ("Vừa phải", 2), ("Quá dài", 1)]
    assert free.count == 2

    # and at Tam Đảo alone: Thắng's answer only
    tam_dao = selectors.narrow_points(
        access.points, province=None, point_id=course.rush.tam_dao.point_id
    )
    alone = selectors.survey_results(survey, tam_dao)
    assert (alone.responses, alone.checked_in) == (1, 1)
    assert alone.questions[2].distribution == [1, 0, 0, 0, 0]
    texts = selectors.text_answers(survey, free.question.pk, tam_dao)
    assert [a.text for a in texts] == ["Mạng yếu"]


def fake_responses(survey: Survey, participation, count: int) -> None:
    questions = list(survey.questions.all())
    now = timezone.now()
    for n in range(count):
        response = SurveyResponse.objects.create(
            survey=survey, participation=participation, submitted_at=now
        )
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(
                response=response,
                question=q,
                scale_value=(n % 5) + 1 if q.kind == Kind.SCALE else None,
                choice=q.choices[n % len(q.choices)] if q.kind == Kind.CHOICE else "",
                text=f"Góp ý {n}" if q.kind == Kind.TEXT else "",
            )
            for q in questions
        )


@pytest.mark.parametrize("count", [5, 50])
def test_the_results_page_takes_the_same_queries_for_5_or_50_responses(
    client, course, survey, count, django_assert_max_num_queries
):
    fake_responses(survey, course.rush.song_lo, count)
    client.force_login(course.rush.organiser)

    with django_assert_max_num_queries(16):
        response = client.get(reverse("surveys:survey_results", args=[course.first.pk]))

    assert response.status_code == 200
    assert f">{count}<" in response.content.decode()
    assert "chart.umd.min.js" in response.content.decode()


def test_an_organiser_outside_the_sessions_scope_gets_404(client, course, survey, network):
    outsider = factories.organiser(network.ben_tre, username="so-noi-vu-ben-tre")
    client.force_login(outsider)

    for name in ("survey_results", "survey_setup"):
        assert client.get(reverse(f"surveys:{name}", args=[course.first.pk])).status_code == 404
    export = reverse("surveys:survey_export", args=[course.first.pk, "csv"])
    assert client.get(export).status_code == 404
    api = f"/api/surveys/sessions/{course.first.pk}/results"
    assert client.get(api).status_code == 404


def test_a_coordinator_may_not_see_results(client, course, survey):
    client.force_login(course.rush.coordinator)

    url = reverse("surveys:survey_results", args=[course.first.pk])
    assert client.get(url).status_code == 403


def test_the_setup_page_saves_the_survey_with_its_questions(client, course):
    client.force_login(course.rush.organiser)
    url = reverse("surveys:survey_setup", args=[course.first.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Mức độ hài lòng chung" in page.content.decode()

    opens = timezone.localtime(course.first.ends_at)
    data = {
        "title": "Khảo sát buổi 1",
        "intro": "",
        "is_anonymous": "on",
        "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (opens + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "questions-TOTAL_FORMS": "3",
        "questions-INITIAL_FORMS": "0",
        "questions-0-kind": "scale",
        "questions-0-text": "Hài lòng chung",
        "questions-0-required": "on",
        "questions-1-kind": "choice",
        "questions-1-text": "Thời lượng",
        "questions-1-choices": "Ngắn\nVừa\nDài",
        "questions-2-kind": "scale",
        "questions-2-text": "",
    }
    response = client.post(url, data)

    assert response.status_code == 302
    survey = Survey.objects.get(session=course.first)
    assert list(survey.questions.values_list("text", "choices")) == [
        ("Hài lòng chung", []),
        ("Thời lượng", ["Ngắn", "Vừa", "Dài"]),
    ]


def test_the_exports_carry_vietnamese_headers_and_every_answer(client, course, survey):
    answer_all(course, survey)
    client.force_login(course.rush.organiser)

    xlsx = client.get(reverse("surveys:survey_export", args=[course.first.pk, "xlsx"]))
    book = load_workbook(io.BytesIO(xlsx.content))
    summary, answers = book.worksheets
    rows = list(answers.values)
    assert rows[0][:3] == ("STT", "Thời điểm gửi", "Điểm cầu")
    assert len(rows) == 4
    summary_rows = list(summary.values)
    assert summary_rows[2][:4] == ("STT", "Câu hỏi", "Loại", "Số câu trả lời")
    assert summary_rows[3][3:5] == (3, 4)

    text = client.get(reverse("surveys:survey_export", args=[course.first.pk, "csv"]))
    table = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert table[0][0] == "STT" and len(table) == 4
    assert "Mạng yếu" in {cell for row in table for cell in row}


# --- The attendee's pages -----------------------------------------------------------------


def entry_of(course, person, session=None) -> RosterEntry:
    return RosterEntry.objects.get(session=session or course.first, person=person)


def test_the_form_thanks_the_attendee_then_refuses_a_second_answer(client, course, survey):
    user = attendee_of(entry_of(course, course.people["manh"]))
    client.force_login(user)
    url = reverse("surveys:survey_answer", args=[course.first.pk])

    assert "Gửi câu trả lời" in client.get(url).content.decode()
    sent = client.post(url, answers_for(survey), follow=True)
    assert "Xin cảm ơn" in sent.content.decode()

    again = client.post(url, answers_for(survey))
    assert again.status_code == 409
    assert "đã trả lời khảo sát này" in again.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_the_form_shows_missing_answers_by_question(client, course, survey):
    client.force_login(attendee_of(entry_of(course, course.people["manh"])))
    url = reverse("surveys:survey_answer", args=[course.first.pk])

    response = client.post(url, {})

    assert response.status_code == 400
    assert "Vui lòng trả lời câu hỏi này" in response.content.decode()
    assert nothing_stored()


def test_the_form_says_when_the_survey_is_closed(client, course, survey):
    Survey.objects.filter(pk=survey.pk).update(
        opens_at=timezone.now() - timedelta(days=8), closes_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(attendee_of(entry_of(course, course.people["manh"])))
    url = reverse("surveys:survey_answer", args=[course.first.pk])

    assert "đã đóng" in client.get(url).content.decode()
    response = client.post(url, answers_for(survey))
    assert response.status_code == 409
    assert nothing_stored()


def test_someone_not_on_the_roster_cannot_open_the_form(client, course, survey):
    stranger = factories.PersonFactory(full_name="Người Ngoài", user=factories.UserFactory())
    client.force_login(stranger.user)

    url = reverse("surveys:survey_answer", args=[course.first.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, answers_for(survey)).status_code == 404


def test_my_sessions_links_an_open_survey_until_it_is_answered(client, course, survey):
    manh = course.people["manh"]
    client.force_login(attendee_of(entry_of(course, manh)))
    link = reverse("surveys:survey_answer", args=[course.first.pk])

    assert link in client.get(reverse("events:my_sessions")).content.decode()
    services.submit_survey_response(person=manh, survey=survey, answers=answers_for(survey))
    assert link not in client.get(reverse("events:my_sessions")).content.decode()


# --- The API ------------------------------------------------------------------------------


def test_the_api_gives_the_questions_takes_an_answer_once_and_reports_errors(
    client, course, survey
):
    client.force_login(attendee_of(entry_of(course, course.people["dung"])))
    base = f"/api/surveys/sessions/{course.first.pk}"

    questions = client.get(base).json()
    assert questions["can_answer"] and len(questions["questions"]) == 6

    first = questions["questions"][0]["field"]
    bad = client.post(f"{base}/responses", {"answers": {first: 9}}, content_type="application/json")
    assert bad.status_code == 400
    assert "từ 1 đến 5" in bad.json()["errors"][first][0]

    body = {"answers": answers_for(survey)}
    sent = client.post(f"{base}/responses", body, content_type="application/json")
    assert sent.status_code == 201
    again = client.post(f"{base}/responses", body, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_answered"
    assert SurveyResponse.objects.count() == 1


def test_the_api_refuses_an_answer_after_the_window_with_409(client, course, survey):
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    client.force_login(attendee_of(entry_of(course, course.people["dung"])))

    response = client.post(
        f"/api/surveys/sessions/{course.first.pk}/responses",
        {"answers": answers_for(survey)},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "closed"
    assert nothing_stored()


def test_the_api_gives_the_organiser_the_results(client, course, survey):
    answer_all(course, survey)
    client.force_login(course.rush.organiser)

    results = client.get(f"/api/surveys/sessions/{course.first.pk}/results").json()

    assert (results["responses"], results["checked_in"]) == (3, 4)
    assert results["questions"][0]["distribution"] == [0, 0, 1, 1, 1]
    assert results["questions"][4]["choices"] == {"Quá ngắn": 0, "Vừa phải": 2, "Quá dài": 1}


# --- The survey request -------------------------------------------------------------------


def test_the_survey_request_is_planned_only_for_a_session_with_a_survey(client, rush):
    session = rush.session
    entry = rush.entries[0]
    Attendance.objects.create(
        entry=entry,
        session=session,
        participation=entry.participation,
        checked_in_at=session.starts_at,
    )
    line = next(line for line in effective_plan(session) if line.kind == SURVEY_REQUEST)
    moment = line.planned_for(session) + timedelta(minutes=1)

    # without a survey, nothing is asked
    plan_due_notices(now=moment)
    assert not Notice.objects.filter(session=session, kind=SURVEY_REQUEST).exists()

    # with one, the person who came is asked (the next tick plans it)
    services.set_up_survey(actor=rush.organiser, session=session, title="Khảo sát")
    plan_due_notices(now=moment + timedelta(minutes=1))
    notice = Notice.objects.select_related(
        "session__programme", "participation__point", "person", "entry"
    ).get(session=session, kind=SURVEY_REQUEST)
    assert notice.person == entry.person

    # and its link signs them in on the survey form
    message = render(notice)
    link = next(word for word in message.text.split() if "/sign-in" in word or "sesame" in word)
    path = urlsplit(link)
    target = parse_qs(path.query)["next"][0]
    assert target == reverse("surveys:survey_answer", args=[session.pk])
    token = parse_qs(path.query)["token"][0]
    opened = client.post(path.path, {"token": token, "next": target}, follow=True)
    assert opened.status_code == 200
    assert opened.templates[0].name == "surveys/survey_answer.html"


# --- Completion ---------------------------------------------------------------------------


def test_a_required_survey_makes_those_who_did_not_answer_incomplete(course, survey):
    course.programme.require_survey = True
    course.programme.save()
    p = course.people
    services.submit_survey_response(person=p["manh"], survey=survey, answers=answers_for(survey))

    completions = {c.person_id: c for c in work_out(course.programme)}

    # Mạnh and Dung attended both sessions in full; only Mạnh answered the first's survey.
    assert completions[p["manh"].pk].completed
    assert not completions[p["manh"].pk].survey_missing
    dung = completions[p["dung"].pk]
    assert (dung.completed, dung.survey_missing) == (False, True)
    assert "chưa trả lời khảo sát" in dung.shortfall
    # Anh never came, so no survey was theirs to answer.
    assert not completions[p["anh"].pk].survey_missing


def test_without_the_requirement_the_survey_does_not_count(course, survey):
    completions = {c.person_id: c for c in work_out(course.programme)}

    assert completions[course.people["dung"].pk].completed
    assert not any(c.survey_missing for c in completions.values())


def test_the_setup_page_moves_the_close_of_an_answered_survey(client, course, survey):
    services.submit_survey_response(
        person=course.people["manh"], survey=survey, answers=answers_for(survey)
    )
    client.force_login(course.rush.organiser)
    url = reverse("surveys:survey_setup", args=[course.first.pk])
    page = client.get(url).content.decode()
    assert "câu hỏi và chế độ ẩn danh được giữ nguyên" in page
    # the fixed questions only, without the empty rows for new ones
    assert page.count("<fieldset") == survey.questions.count()
    opens = timezone.localtime(survey.opens_at)

    # the disabled question rows are not sent
    response = client.post(
        url,
        {
            "title": survey.title,
            "is_anonymous": "on",
            "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (opens + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.closes_at == survey.opens_at + timedelta(days=10)
    assert survey.questions.count() == 6
