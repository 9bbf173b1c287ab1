"""The programme's certificate page: each form posts to its own address (the rule, the
design, collating, closing), and the page's old address still takes every old form."""

import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from certificates.models import Collation
from tests import factories
from tests.certificates.helpers import close_sessions
from training.models import Programme

pytestmark = pytest.mark.django_db

ACTION_URLS = ["programme_rule", "programme_design", "programme_collate", "programme_close"]
WORKING = "Working out completion and issuing certificates: see the progress."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def url(name: str, programme: Programme) -> str:
    return reverse(f"certificates:{name}", args=[programme.pk])


def page_of(programme: Programme) -> str:
    return url("programme_certificates", programme)


def said(response) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in get_messages(response.wsgi_request)]


def vi(text: str) -> str:
    with translation.override("vi"):
        return gettext(text)


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGBA", (60, 60), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("dau.png", buffer.getvalue(), content_type="image/png")


# --- The completion rule -------------------------------------------------------------------


def test_saving_the_rule_at_its_own_address(rush, client):
    programme = rush.session.programme
    client.force_login(rush.organiser)

    answer = client.post(
        url("programme_rule", programme),
        {"rule-required_sessions": "", "rule-min_minutes_present": "45"},
        follow=True,
    )

    assert answer.redirect_chain == [(page_of(programme), 302)]
    assert said(answer) == [("success", vi("Completion rule saved."))]
    programme.refresh_from_db()
    assert programme.has_completion_rule and programme.min_minutes_present == 45


def test_a_refused_rule_shows_the_page_again_with_its_errors_and_filters(rush, client):
    programme = rush.session.programme
    client.force_login(rush.organiser)

    answer = client.post(
        url("programme_rule", programme) + "?state=completed&q=Dung",
        {"rule-required_sessions": "0", "rule-min_minutes_present": "-5"},
    )

    assert answer.status_code == 200
    assert answer.context["rule_form"].errors
    assert (answer.context["state"], answer.context["q"]) == ("completed", "Dung")
    programme.refresh_from_db()
    assert not programme.has_completion_rule


def test_the_refused_pages_links_lead_back_to_the_page(rush, client):
    programme = rush.session.programme
    client.force_login(rush.organiser)

    # the page shown again after a refused form lives at the form's address; its pagination
    # and filters are relative links, so they ask that address by GET
    to_page_two = client.get(url("programme_rule", programme) + "?state=completed&page=2")
    bare = client.get(url("programme_design", programme))

    assert to_page_two.status_code == 302
    assert to_page_two.url == page_of(programme) + "?state=completed&page=2"
    assert bare.url == page_of(programme)


# --- The design ----------------------------------------------------------------------------


def test_saving_the_design_at_its_own_address(rush, client):
    programme = rush.session.programme
    client.force_login(rush.organiser)

    answer = client.post(
        url("programme_design", programme),
        {
            "design-issuing_body": "Sở Nội vụ tỉnh Vĩnh Phúc",
            "design-signing_place": "Vĩnh Yên",
            "design-signer_title": "GIÁM ĐỐC",
            "design-signer_name": "Trần Văn Tâm",
            "design-stamp_image": png(),
        },
        follow=True,
    )

    assert answer.redirect_chain == [(page_of(programme), 302)]
    assert said(answer) == [
        ("success", vi("Certificate design saved; it applies to new certificates."))
    ]
    programme.refresh_from_db()
    assert programme.signer_name == "Trần Văn Tâm" and programme.stamp_image


def test_a_design_with_a_stamp_that_is_no_image_is_refused(rush, client):
    programme = rush.session.programme
    client.force_login(rush.organiser)

    answer = client.post(
        url("programme_design", programme),
        {
            "design-issuing_body": "Sở Nội vụ tỉnh Vĩnh Phúc",
            "design-signer_name": "Trần Văn Tâm",
            "design-stamp_image": SimpleUploadedFile("dau.png", b"not a picture"),
        },
    )

    assert answer.status_code == 200
    assert "stamp_image" in answer.context["design_form"].errors
    programme.refresh_from_db()
    assert programme.signer_name != "Trần Văn Tâm" and not programme.stamp_image


# --- Collating and closing -----------------------------------------------------------------


def test_collating_at_its_own_address_for_the_programme_or_one_point(course, client):
    close_sessions(course.first, course.second)
    client.force_login(course.rush.organiser)

    whole = client.post(url("programme_collate", course.programme), follow=True)
    one = client.post(
        url("programme_collate", course.programme), {"point": course.rush.tam_dao.point_id}
    )

    assert whole.redirect_chain == [(page_of(course.programme), 302)]
    assert said(whole) == [("success", vi(WORKING))]
    assert one.status_code == 302 and one.url == page_of(course.programme)
    points = set(Collation.objects.filter(requested_by=course.rush.organiser).values_list("point"))
    assert points == {(None,), (course.rush.tam_dao.point_id,)}


def test_collating_without_a_rule_says_why_and_starts_nothing(rush, client):
    programme = rush.session.programme
    client.force_login(rush.organiser)

    answer = client.post(url("programme_collate", programme), follow=True)

    assert answer.redirect_chain == [(page_of(programme), 302)]
    # every reason, the rule first: the session still to come and the design's gaps follow
    reasons = said(answer)
    assert {level for level, _text in reasons} == {"error"}
    assert "chưa có điều kiện hoàn thành" in reasons[0][1]
    assert "chưa được đóng" in reasons[1][1] and "còn thiếu" in reasons[2][1]
    assert not Collation.objects.exists()


@pytest.mark.parametrize("name", ["programme_collate", "programme_close"])
def test_a_point_outside_the_programme_does_not_exist(course, client, network, name):
    client.force_login(course.rush.organiser)

    answer = client.post(url(name, course.programme), {"point": network.ben_tre_point.pk})

    assert answer.status_code == 404
    assert not Collation.objects.filter(requested_by=course.rush.organiser).exists()
    course.programme.refresh_from_db()
    assert course.programme.status != Programme.Status.CLOSED


def test_closing_at_its_own_address_closes_and_issues(course, client):
    close_sessions(course.first, course.second)
    client.force_login(course.rush.organiser)

    answer = client.post(url("programme_close", course.programme), follow=True)

    assert answer.redirect_chain == [(page_of(course.programme), 302)]
    assert said(answer) == [
        ("success", vi("The programme is closed.")),
        ("success", vi(WORKING)),
    ]
    course.programme.refresh_from_db()
    assert course.programme.status == Programme.Status.CLOSED
    assert Collation.objects.filter(programme=course.programme).exists()


def test_closing_while_a_session_is_open_closes_and_issues_nothing(course, client):
    close_sessions(course.first)
    client.force_login(course.rush.organiser)

    answer = client.post(url("programme_close", course.programme), follow=True)

    assert said(answer) == [("success", vi("The programme is closed."))]
    assert not Collation.objects.exists()
    assert reverse("events:session_detail", args=[course.second.pk]) in answer.content.decode()


def test_closing_without_a_rule_closes_and_issues_nothing(rush, client):
    programme = rush.session.programme
    client.force_login(rush.organiser)

    answer = client.post(url("programme_close", programme), follow=True)

    assert said(answer) == [("success", vi("The programme is closed."))]
    programme.refresh_from_db()
    assert programme.status == Programme.Status.CLOSED
    assert not Collation.objects.exists()


# --- Who may post ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ACTION_URLS)
def test_an_organiser_elsewhere_finds_no_such_programme_and_a_coordinator_is_refused(
    course, client, network, name
):
    form = {"rule-min_minutes_present": "1", "design-signer_name": "Kẻ lạ"}
    client.force_login(factories.organiser(network.ben_tre, username="ben-tre"))
    elsewhere = client.post(url(name, course.programme), form)
    client.force_login(course.rush.coordinator)
    coordinator = client.post(url(name, course.programme), form)
    client.logout()
    anonymous = client.post(url(name, course.programme), form)

    assert elsewhere.status_code == 404
    assert course.programme.title not in elsewhere.content.decode()
    assert coordinator.status_code == 403
    assert anonymous.status_code == 302 and "login" in anonymous.url
    course.programme.refresh_from_db()
    assert course.programme.min_minutes_present == 60
    assert course.programme.signer_name == "Nguyễn Văn Khước"
    assert course.programme.status != Programme.Status.CLOSED
    assert not Collation.objects.exists()


@pytest.mark.parametrize("name", ["programme_collate", "programme_close"])
def test_collating_and_closing_answer_post_only(course, client, name):
    client.force_login(course.rush.organiser)

    assert client.get(url(name, course.programme)).status_code == 405


# --- The page and its old address ------------------------------------------------------------


def test_the_page_posts_each_form_to_its_own_address(course, client):
    client.force_login(course.rush.organiser)

    page = client.get(page_of(course.programme) + "?q=Dung")

    html = page.content.decode()
    assert page.status_code == 200
    assert f'action="{url("programme_rule", course.programme)}?q=Dung"' in html
    assert f'action="{url("programme_design", course.programme)}?q=Dung"' in html
    assert f'action="{url("programme_collate", course.programme)}"' in html
    assert f'formaction="{url("programme_close", course.programme)}"' in html
    assert 'name="action"' not in html


def test_the_old_address_still_closes_the_programme(course, client):
    close_sessions(course.first, course.second)
    client.force_login(course.rush.organiser)

    answer = client.post(page_of(course.programme), {"action": "close"}, follow=True)

    assert answer.redirect_chain == [(page_of(course.programme), 302)]
    assert said(answer) == [
        ("success", vi("The programme is closed.")),
        ("success", vi(WORKING)),
    ]
    course.programme.refresh_from_db()
    assert course.programme.status == Programme.Status.CLOSED


def test_the_old_address_still_saves_the_design_and_refuses_a_bad_rule(rush, client):
    programme = rush.session.programme
    client.force_login(rush.organiser)

    design = client.post(
        page_of(programme),
        {"action": "design", "design-issuing_body": "Sở Nội vụ", "design-signer_name": "Tâm"},
    )
    bad_rule = client.post(page_of(programme), {"action": "rule", "rule-min_minutes_present": "-5"})

    assert design.status_code == 302 and design.url == page_of(programme)
    assert bad_rule.status_code == 200 and bad_rule.context["rule_form"].errors
    programme.refresh_from_db()
    assert programme.signer_name == "Tâm" and not programme.has_completion_rule


def test_the_old_address_answers_an_unknown_action_with_404_as_before(course, client, network):
    client.force_login(course.rush.organiser)
    unknown = client.post(page_of(course.programme), {"action": "revoke"})
    missing = client.post(page_of(course.programme))
    client.force_login(course.rush.coordinator)
    coordinator = client.post(page_of(course.programme), {"action": "collate"})
    client.force_login(factories.organiser(network.ben_tre, username="ben-tre"))
    elsewhere = client.post(page_of(course.programme), {"action": "collate"})

    assert (unknown.status_code, missing.status_code) == (404, 404)
    assert coordinator.status_code == 403
    assert elsewhere.status_code == 404
    assert not Collation.objects.exists()


@pytest.mark.parametrize(
    ("action", "name", "form"),
    [
        ("collate", "programme_collate", {}),
        ("rule", "programme_rule", {"rule-min_minutes_present": "-5"}),
    ],
)
def test_a_form_costs_the_same_queries_at_its_own_address_as_at_the_old_one(
    course, client, action, name, form
):
    close_sessions(course.first, course.second)
    client.force_login(course.rush.organiser)
    client.get(page_of(course.programme))

    with CaptureQueriesContext(connection) as old:
        client.post(page_of(course.programme), {"action": action, **form})
    Collation.objects.all().delete()
    with CaptureQueriesContext(connection) as new:
        client.post(url(name, course.programme), form)

    assert len(new.captured_queries) == len(old.captured_queries)
