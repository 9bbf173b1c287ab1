import pytest
from django.core import mail
from django.urls import reverse

from directory import services
from tests.factories import PersonFactory, UserFactory, organiser

pytestmark = pytest.mark.django_db


def sign_in_token(person) -> str:
    services.email_sign_in_link(person_id=person.pk)
    body = mail.outbox[-1].body
    return body.split("token=")[1].split()[0]


def test_link_request_for_a_known_address_queues_one_email_after_commit(
    client, django_capture_on_commit_callbacks
):
    PersonFactory(email="giau.ntn@bentre.example.vn")

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("sign_in_link_request"), {"email": "giau.ntn@bentre.example.vn"}
        )

    assert response.status_code == 200
    assert len(callbacks) == 1


def test_link_request_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("sign_in_link_request"), {"email": "ai.do@example.vn"})

    assert response.status_code == 200
    assert "ai.do@example.vn" in response.content.decode()
    assert callbacks == []


def test_link_requests_are_limited_per_address(client, django_capture_on_commit_callbacks):
    PersonFactory(email="hoa.tv@vinhphuc.example.vn")

    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(5):
            client.post(reverse("sign_in_link_request"), {"email": "hoa.tv@vinhphuc.example.vn"})

    assert len(callbacks) == services.SIGN_IN_LINK_LIMIT


def test_invalid_address_is_refused_on_the_field(client):
    response = client.post(reverse("sign_in_link_request"), {"email": "không-phải-email"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"]


def test_emailed_link_signs_the_attendee_in_after_a_click(client):
    # given an attendee with no account yet
    person = PersonFactory(full_name="Triệu Văn Chúc", language="vi")

    # when the link is mailed, opened, and its button pressed
    token = sign_in_token(person)
    opened = client.get(reverse("sign_in_link"), {"token": token})
    response = client.post(reverse("sign_in_link"), {"token": token})

    # then opening alone does not spend the token, and the button signs them in
    assert opened.status_code == 200
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user is not None and not person.user.has_usable_password()
    assert client.get(reverse("home")).context["person"] == person
    assert "Kính gửi Triệu Văn Chúc" in mail.outbox[-1].body


def test_a_sign_in_link_works_only_once(client):
    person = PersonFactory()
    token = sign_in_token(person)
    client.post(reverse("sign_in_link"), {"token": token})
    client.logout()

    second = client.post(reverse("sign_in_link"), {"token": token})

    assert second.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_forged_token_signs_no_one_in(client):
    response = client.post(reverse("sign_in_link"), {"token": "AAAAAQ-forged-token-value"})

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_the_email_follows_the_person_language():
    person = PersonFactory(language="en")

    services.email_sign_in_link(person_id=person.pk)

    assert mail.outbox[-1].subject == "Your DiemCau sign-in link"


def test_staff_with_a_password_get_no_link():
    user = UserFactory()
    person = PersonFactory(user=user)

    assert services.email_sign_in_link(person_id=person.pk) is False
    assert mail.outbox == []


def test_staff_sign_in_with_password(client):
    organiser(None, username="bonoivu")

    response = client.post(reverse("login"), {"username": "bonoivu", "password": "mật-khẩu-thử"})

    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_one(client, settings):
    organiser(None, username="vinhphuc")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "vinhphuc", "password": "sai"})

    response = client.post(reverse("login"), {"username": "vinhphuc", "password": "mật-khẩu-thử"})

    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_two_copies_of_one_person_get_one_account(db):
    # given: one person read twice, as two notices of one sending read them
    from directory.models import Person
    from directory.services.accounts import ensure_attendee_account

    person = PersonFactory(email="du@example.vn")
    first, second = Person.objects.get(pk=person.pk), Person.objects.get(pk=person.pk)

    # when: each asks for the sign-in account
    made = ensure_attendee_account(person=first)
    found = ensure_attendee_account(person=second)

    # then: there is one account, linked to the person
    assert made == found
    person.refresh_from_db()
    assert person.user == made
