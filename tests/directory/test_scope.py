"""Selectors read the directory through the caller's scope, in a fixed number of queries."""

import factory
import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from directory import selectors
from tests import factories


@pytest.fixture
def people(two_provinces):
    """One civil servant at each level of Vĩnh Phúc, and one in Bến Tre."""

    def person_in(unit_key: str, full_name: str):
        agency = factories.AgencyFactory(unit=two_provinces[unit_key])
        return factories.PersonFactory(full_name=full_name, agency=agency)

    return {
        "province": person_in("vinh_phuc", "Nguyễn Thị Lan"),
        "district": person_in("song_lo", "Trần Văn Bình"),
        "commune": person_in("commune", "Lê Văn Cường"),
        "ben_tre": person_in("ben_tre", "Huỳnh Văn Hải"),
    }


def test_vinh_phuc_organiser_cannot_see_ben_tre_people(two_provinces, people):
    organiser = factories.organiser(two_provinces["vinh_phuc"])

    visible = set(selectors.people_for(organiser))

    assert visible == {people["province"], people["district"], people["commune"]}


def test_vinh_phuc_organiser_gets_404_for_a_ben_tre_person(two_provinces, people):
    organiser = factories.organiser(two_provinces["vinh_phuc"])

    with pytest.raises(Http404):
        selectors.get_person_for(organiser, people["ben_tre"].pk)
    assert selectors.get_person_for(organiser, people["commune"].pk) == people["commune"]


def test_missing_person_and_out_of_scope_person_look_the_same(two_provinces, people):
    organiser = factories.organiser(two_provinces["vinh_phuc"])

    with pytest.raises(Http404):
        selectors.get_person_for(organiser, people["ben_tre"].pk + 1000)


def test_national_organiser_sees_both_provinces(people):
    national = factories.organiser(None)

    assert set(selectors.people_for(national)) == set(people.values())
    assert selectors.get_person_for(national, people["ben_tre"].pk) == people["ben_tre"]


def test_superuser_counts_as_national_organiser(people):
    superuser = factories.UserFactory(is_superuser=True)

    scope = selectors.scope_for(superuser)

    assert scope.national and scope.is_organiser
    assert set(selectors.people_for(superuser)) == set(people.values())


def test_song_lo_coordinator_sees_song_lo_but_not_the_provincial_agency(two_provinces, people):
    coordinator = factories.coordinator(two_provinces["song_lo"])

    visible = set(selectors.people_for(coordinator))

    assert visible == {people["district"], people["commune"]}
    with pytest.raises(Http404):
        selectors.get_person_for(coordinator, people["province"].pk)


def test_roles_in_two_provinces_add_up(two_provinces, people):
    user = factories.coordinator(two_provinces["song_lo"])
    factories.coordinator(two_provinces["ben_tre"], username=user.username)

    visible = set(selectors.people_for(user))

    assert visible == {people["district"], people["commune"], people["ben_tre"]}


def test_attendee_sees_only_themselves(two_provinces, people):
    # given a civil servant who signed in with their link
    user = factories.UserFactory()
    me = people["commune"]
    me.user = user
    me.save(update_fields=["user"])

    # when
    visible = list(selectors.people_for(user))

    # then
    assert visible == [me]
    assert selectors.get_person_for(user, me.pk) == me
    with pytest.raises(Http404):
        selectors.get_person_for(user, people["district"].pk)
    assert not selectors.scope_for(user).is_staff


def test_signed_in_user_without_role_or_person_sees_no_one(people):
    assert not selectors.people_for(factories.UserFactory()).exists()


def test_anonymous_sees_nothing(people):
    anonymous = AnonymousUser()

    assert not selectors.people_for(anonymous).exists()
    assert not selectors.units_for(anonymous).exists()
    assert not selectors.agencies_for(anonymous).exists()
    with pytest.raises(Http404):
        selectors.get_person_for(anonymous, people["province"].pk)


def test_unit_scope_follows_the_subtree(two_provinces):
    organiser = factories.organiser(two_provinces["vinh_phuc"])

    units = set(selectors.units_for(organiser))

    assert units == {two_provinces["vinh_phuc"], two_provinces["song_lo"], two_provinces["commune"]}
    with pytest.raises(Http404):
        selectors.get_unit_for(organiser, two_provinces["ben_tre"].pk)


def test_listing_50_people_takes_a_constant_number_of_queries(
    two_provinces, django_assert_max_num_queries
):
    # given fifty people spread over several agencies and units
    agencies = [
        factories.AgencyFactory(unit=two_provinces[key])
        for key in ("vinh_phuc", "song_lo", "commune", "ben_tre")
    ]
    factories.PersonFactory.create_batch(50, agency=factory.Iterator(agencies))
    organiser = factories.organiser(None)

    # when: scope (roles, own person record) and one query for the rows
    with django_assert_max_num_queries(3):
        rows = [
            (person.full_name, person.agency.name, person.agency.unit.name)
            for person in selectors.people_for(organiser)
        ]

    # then
    assert len(rows) == 50
