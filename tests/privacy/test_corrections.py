"""A person asks to correct what is held about them; the request reaches the organisers
responsible for them (the page, and an e-mail to the nearest ones), who mark it done or
refused with a reply that the person reads. Bad input changes nothing and says why in
Vietnamese; nobody outside an organiser's scope is shown, or named by a refusal."""

import pytest
from django.core import mail
from django.urls import reverse

from directory.models import Person
from privacy import services
from privacy.models import CorrectionRequest
from tests import factories
from tests.checkins import attendee_of

MY_DATA = reverse("privacy:my_data")
LIST = reverse("privacy:corrections")
GOOD = {
    "field": "position",
    "what_is_wrong": "Chức vụ ghi là Chuyên viên",
    "should_be": "Phó Trưởng phòng Nội vụ",
}


@pytest.fixture
def manh(rush):
    return attendee_of(rush.entries[0], username="person-manh")


@pytest.fixture
def ask(client, manh, eager_tasks, django_capture_on_commit_callbacks):
    """Mạnh posts the form; on-commit work (the e-mail) runs as a worker would."""

    def post(**changes):
        client.force_login(manh)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(MY_DATA, {**GOOD, **changes})

    return post


def test_a_request_is_stored_and_e_mailed_to_the_organisers_nearest_the_person(
    ask, rush, manh, client
):
    # given Vĩnh Phúc's organiser and the Ministry's, both with addresses
    rush.organiser.email = "snv@vinhphuc.gov.vn"
    rush.organiser.save()
    ministry = factories.organiser(None, username="vu-cchc")
    ministry.email = "vucchc@moha.gov.vn"
    ministry.save()

    # when Mạnh asks to correct his position
    response = ask()

    # then it is stored as he said it, and his page says it was sent
    assert response.status_code == 302
    request = CorrectionRequest.objects.get()
    assert (request.person, request.requested_by, request.field, request.status) == (
        rush.entries[0].person,
        manh,
        "position",
        "open",
    )
    assert request.should_be == "Phó Trưởng phòng Nội vụ"
    page = client.get(MY_DATA).content.decode()
    assert "Đang chờ trả lời" in page and "Phó Trưởng phòng Nội vụ" in page
    # and the province's organiser, nearest to Sông Lô, is told, not the whole Ministry;
    # the e-mail names him and what to correct, not the values, and links to the request
    [message] = mail.outbox
    assert message.to == ["snv@vinhphuc.gov.vn"]
    assert "Nguyễn Văn Mạnh" in message.subject
    assert "Chức vụ" in message.body
    assert "Phó Trưởng phòng" not in message.body
    assert reverse("privacy:correction", args=[request.pk]) in message.body
    request.refresh_from_db()
    assert request.notified_at is not None


def test_the_ministry_is_told_when_no_organiser_stands_nearer(ask, rush):
    rush.organiser.email = ""
    rush.organiser.save()
    ministry = factories.organiser(None, username="vu-cchc")
    ministry.email = "vucchc@moha.gov.vn"
    ministry.save()

    ask()

    assert [m.to for m in mail.outbox] == [["vucchc@moha.gov.vn"]]


def test_a_request_is_sent_once_even_if_the_task_runs_again(ask, rush):
    rush.organiser.email = "snv@vinhphuc.gov.vn"
    rush.organiser.save()
    ask()

    again = services.notify_organisers(request_id=CorrectionRequest.objects.get().pk)

    assert again is False and len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"field": ""}, "field", "Hãy chọn nội dung cần đính chính."),
        ({"field": "salary"}, "field", "Hãy chọn nội dung cần đính chính trong danh sách."),
        ({"what_is_wrong": "   "}, "what_is_wrong", "Hãy cho biết điều gì chưa đúng."),
        ({"should_be": ""}, "should_be", "Hãy cho biết nội dung đúng."),
        ({"should_be": "x" * 501}, "should_be", "Hãy viết tối đa 500 ký tự."),
        (
            {"should_be": "Chức vụ ghi là Chuyên viên"},
            "should_be",
            "Nội dung đúng giống hệt điều bạn cho là chưa đúng.",
        ),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_stores_nothing(ask, changes, field, message):
    response = ask(**changes)

    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert not CorrectionRequest.objects.exists()
    assert mail.outbox == []


def test_a_person_has_at_most_five_requests_waiting(ask):
    for _ in range(services.OPEN_LIMIT):
        assert ask().status_code == 302

    refused = ask()

    assert refused.status_code == 400
    assert "Bạn đang có 5 yêu cầu chờ trả lời" in refused.content.decode()
    assert CorrectionRequest.objects.count() == services.OPEN_LIMIT


def test_an_account_without_a_person_record_cannot_ask(client, rush):
    client.force_login(rush.coordinator)

    response = client.post(MY_DATA, GOOD)

    assert response.status_code == 400
    assert not CorrectionRequest.objects.exists()


# --- The organisers' side ---------------------------------------------------------------


@pytest.fixture
def waiting(ask) -> CorrectionRequest:
    ask()
    return CorrectionRequest.objects.get()


def test_organisers_in_scope_list_the_waiting_requests(client, rush, waiting, network):
    client.force_login(rush.organiser)

    page = client.get(LIST)

    assert page.status_code == 200
    assert list(page.context["page"]) == [waiting]
    assert "Nguyễn Văn Mạnh" in page.content.decode()
    # an organiser of another province sees none of it, and the request itself is a 404
    outsider = factories.organiser(network.ben_tre, username="so-noi-vu-ben-tre")
    client.force_login(outsider)
    assert list(client.get(LIST).context["page"]) == []
    refused = client.get(reverse("privacy:correction", args=[waiting.pk]))
    assert refused.status_code == 404
    assert "Nguyễn Văn Mạnh" not in refused.content.decode()
    answered = client.post(
        reverse("privacy:correction", args=[waiting.pk]), {"status": "done", "reply": "Đã sửa"}
    )
    assert answered.status_code == 404
    waiting.refresh_from_db()
    assert waiting.is_open


def test_coordinators_and_attendees_may_not_open_the_organisers_pages(client, rush, waiting):
    for user in (rush.coordinator, waiting.requested_by):
        client.force_login(user)
        assert client.get(LIST).status_code == 403
        assert client.get(reverse("privacy:correction", args=[waiting.pk])).status_code == 403


def test_an_organiser_marks_a_request_done_and_the_person_reads_the_reply(
    client, rush, waiting, eager_tasks, django_capture_on_commit_callbacks
):
    # given the correction made in the directory
    person = waiting.person
    Person.objects.filter(pk=person.pk).update(position="Phó Trưởng phòng Nội vụ")
    client.force_login(rush.organiser)
    mail.outbox.clear()

    # when the organiser answers
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("privacy:correction", args=[waiting.pk]),
            {"status": "done", "reply": "Đã sửa chức vụ theo quyết định bổ nhiệm."},
        )

    # then it is answered, by whom and when, and leaves the waiting list
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.status, waiting.answered_by) == ("done", rush.organiser)
    assert waiting.answered_at is not None
    assert list(client.get(LIST).context["page"]) == []
    assert list(client.get(LIST, {"status": "done"}).context["page"]) == [waiting]
    # and Mạnh is told by e-mail and reads the reply on his page
    [message] = mail.outbox
    assert message.to == [person.email]
    assert "Đã sửa chức vụ" in message.body
    client.force_login(waiting.requested_by)
    page = client.get(MY_DATA).content.decode()
    assert "Đã đính chính" in page and "Đã sửa chức vụ theo quyết định bổ nhiệm." in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"status": "", "reply": "x"}, "status", "Hãy chọn đã đính chính hay từ chối."),
        ({"status": "open", "reply": "x"}, "status", "Hãy chọn đã đính chính hay từ chối."),
        ({"status": "refused", "reply": " "}, "reply", "Hãy viết câu trả lời cho người yêu cầu."),
    ],
)
def test_an_answer_needs_a_decision_and_a_reply(client, rush, waiting, data, field, message):
    client.force_login(rush.organiser)

    response = client.post(reverse("privacy:correction", args=[waiting.pk]), data)

    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    waiting.refresh_from_db()
    assert waiting.is_open and waiting.reply == ""


def test_a_request_is_answered_once(client, rush, waiting):
    client.force_login(rush.organiser)
    url = reverse("privacy:correction", args=[waiting.pk])
    client.post(url, {"status": "refused", "reply": "Thông tin đúng theo hồ sơ."})

    again = client.post(url, {"status": "done", "reply": "Đã sửa"})

    assert again.status_code == 400
    assert "Yêu cầu này đã được trả lời." in again.content.decode()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.reply) == ("refused", "Thông tin đúng theo hồ sơ.")


def test_the_organisers_list_takes_the_same_queries_for_1_or_30_requests(
    client, rush, waiting, django_assert_max_num_queries
):
    client.force_login(rush.organiser)
    client.get(LIST)
    with django_assert_max_num_queries(9) as few:
        client.get(LIST)

    people = [factories.PersonFactory(agency=waiting.person.agency) for _ in range(29)]
    CorrectionRequest.objects.bulk_create(
        CorrectionRequest(
            person=person,
            requested_by=waiting.requested_by,
            field="phone",
            what_is_wrong="Sai số",
            should_be="0912000000",
        )
        for person in people
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)

    assert len(response.context["page"]) == 30
