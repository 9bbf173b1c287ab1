from django.template import Context, Template
from django.urls import reverse

from common.places import place_url, provide_places


def test_a_place_is_where_its_owner_says():
    provide_places({"test_place": lambda pk: f"/somewhere/{pk}/"})

    assert place_url("test_place", 7) == "/somewhere/7/"
    assert Template('{% load places %}{% place "test_place" 8 %}').render(Context()) == (
        "/somewhere/8/"
    )


def test_a_place_nobody_provides_has_no_address():
    assert place_url("nowhere", 1) == ""


def test_the_installed_apps_provide_the_places_lower_pages_link_to():
    # events' and directory's pages link to these; the apps above them say where they are
    assert place_url("roster", 3) == reverse("attendance:roster", args=[3])
    assert place_url("session_dashboard", 4) == reverse("attendance:session_dashboard", args=[4])
    assert place_url("survey_results", 5) == reverse("surveys:survey_results", args=[5])
    assert place_url("point_certificates", 6) == reverse(
        "certificates:point_certificates", args=[6]
    )
    assert place_url("person_history", 7) == reverse("reports:person_history", args=[7])
