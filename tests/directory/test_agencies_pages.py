"""The agency pages through the client: the list per unit with those to review, an edit
that clears the mark, a merge previewed then made, and nothing outside the area."""

import pytest
from django.urls import reverse

from directory.models import Agency, Person
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client(client, vinh_phuc_organiser):
    client.force_login(vinh_phuc_organiser)
    return client


@pytest.fixture
def agencies(two_provinces):
    commune = two_provinces["commune"]
    return {
        "kept": factories.AgencyFactory(
            name="UBND xã Lãng Công", unit=commune, kind=Agency.Kind.PEOPLES_COMMITTEE
        ),
        "duplicate": factories.AgencyFactory(
            name="Ủy ban nhân dân xã Lãng Công", unit=commune, needs_review=True
        ),
        "ben_tre": factories.AgencyFactory(
            name="Sở Tư pháp tỉnh Bến Tre", unit=two_provinces["ben_tre"]
        ),
    }


def test_the_list_shows_the_area_and_marks_those_to_review(organiser_client, agencies):
    text = organiser_client.get(reverse("directory:agency_list")).content.decode()
    assert agencies["kept"].name in text and agencies["duplicate"].name in text
    assert agencies["ben_tre"].name not in text
    assert "cần rà soát" in text

    only = organiser_client.get(reverse("directory:agency_list"), {"needs_review": "on"})
    assert agencies["kept"].name not in only.content.decode()
    by_kind = organiser_client.get(reverse("directory:agency_list"), {"kind": "peoples_committee"})
    assert agencies["duplicate"].name not in by_kind.content.decode()
    searched = organiser_client.get(reverse("directory:agency_list"), {"q": "uy ban"})
    assert agencies["kept"].name not in searched.content.decode()


def test_the_list_takes_a_fixed_number_of_queries(
    organiser_client, two_provinces, django_assert_max_num_queries
):
    for _ in range(40):
        factories.PersonFactory(agency=factories.AgencyFactory(unit=two_provinces["commune"]))
    with django_assert_max_num_queries(10):
        assert organiser_client.get(reverse("directory:agency_list")).status_code == 200


def test_editing_clears_the_review_mark(organiser_client, agencies):
    duplicate = agencies["duplicate"]
    answer = organiser_client.post(
        reverse("directory:agency_edit", args=[duplicate.pk]),
        {"name": "UBND xã Lãng Công (cũ)", "kind": "peoples_committee", "parent": ""},
    )
    assert answer.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.name, duplicate.kind, duplicate.needs_review) == (
        "UBND xã Lãng Công (cũ)",
        "peoples_committee",
        False,
    )


def test_a_parent_outside_the_area_is_refused(organiser_client, agencies):
    answer = organiser_client.post(
        reverse("directory:agency_edit", args=[agencies["duplicate"].pk]),
        {"name": "X", "kind": "other", "parent": agencies["ben_tre"].pk},
    )
    assert answer.status_code == 400
    agencies["duplicate"].refresh_from_db()
    assert agencies["duplicate"].needs_review


def test_a_merge_is_previewed_then_made(organiser_client, agencies):
    duplicate, kept = agencies["duplicate"], agencies["kept"]
    person = factories.PersonFactory(agency=duplicate)
    url = reverse("directory:agency_merge", args=[duplicate.pk])

    preview = organiser_client.get(url, {"survivor": kept.pk})
    assert preview.status_code == 200
    assert 'id="merge-preview"' in preview.content.decode()
    assert Agency.objects.filter(pk=duplicate.pk).exists()

    answer = organiser_client.post(url, {"survivor": kept.pk})
    assert answer.status_code == 302
    assert not Agency.objects.filter(pk=duplicate.pk).exists()
    assert Person.objects.get(pk=person.pk).agency == kept


def test_a_merge_into_itself_or_outside_the_area_is_refused(organiser_client, agencies):
    duplicate = agencies["duplicate"]
    url = reverse("directory:agency_merge", args=[duplicate.pk])
    for survivor in (duplicate, agencies["ben_tre"]):
        assert organiser_client.post(url, {"survivor": survivor.pk}).status_code == 400
        assert organiser_client.get(url, {"survivor": survivor.pk}).status_code == 400
    assert Agency.objects.filter(pk=duplicate.pk).exists()


def test_agencies_outside_the_area_answer_404(organiser_client, agencies):
    other = agencies["ben_tre"].pk
    for name in ("agency_edit", "agency_merge"):
        assert organiser_client.get(reverse(f"directory:{name}", args=[other])).status_code == 404
        assert organiser_client.post(reverse(f"directory:{name}", args=[other])).status_code == 404


def test_a_coordinator_cannot_reach_the_agency_pages(client, two_provinces, agencies):
    client.force_login(factories.coordinator(two_provinces["commune"]))
    assert client.get(reverse("directory:agency_list")).status_code == 403
    assert (
        client.get(reverse("directory:agency_edit", args=[agencies["kept"].pk])).status_code == 403
    )
