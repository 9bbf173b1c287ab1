"""The directory API under /api/, signed in with the session cookie."""

import factory
import pytest

from tests import factories


def test_people_lists_only_the_organisers_province(client, vinh_phuc_organiser, lan, binh, hai):
    client.force_login(vinh_phuc_organiser)

    response = client.get("/api/directory/people")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {item["full_name"] for item in body["items"]} == {"Nguyễn Thị Lan", "Trần Văn Bình"}


def test_person_item_carries_agency_and_unit_names(client, two_provinces, vinh_phuc_organiser, lan):
    client.force_login(vinh_phuc_organiser)

    [item] = client.get("/api/directory/people").json()["items"]

    assert item == {
        "id": lan.pk,
        "full_name": "Nguyễn Thị Lan",
        "position": "Chuyên viên",
        "agency_id": lan.agency_id,
        "agency_name": "Sở Nội vụ tỉnh Vĩnh Phúc",
        "unit_name": "Tỉnh Vĩnh Phúc",
        "email": "lan@vp.vn",
        "phone": "0912345678",
    }


def test_people_search_by_unit_narrows_to_its_subtree(
    client, two_provinces, vinh_phuc_organiser, lan, binh
):
    client.force_login(vinh_phuc_organiser)

    response = client.get("/api/directory/people", {"unit": two_provinces["song_lo"].pk})

    assert [item["id"] for item in response.json()["items"]] == [binh.pk]


def test_people_filtered_by_an_out_of_scope_unit_is_404(
    client, two_provinces, vinh_phuc_organiser, hai
):
    client.force_login(vinh_phuc_organiser)

    response = client.get("/api/directory/people", {"unit": two_provinces["ben_tre"].pk})

    assert response.status_code == 404


def test_ben_tre_person_is_404_for_vinh_phuc_organiser(client, vinh_phuc_organiser, lan, hai):
    client.force_login(vinh_phuc_organiser)

    assert client.get(f"/api/directory/people/{hai.pk}").status_code == 404
    response = client.get(f"/api/directory/people/{lan.pk}")
    assert response.status_code == 200
    assert response.json()["full_name"] == "Nguyễn Thị Lan"


def test_people_page_of_100_takes_a_fixed_number_of_queries(
    client, two_provinces, vinh_phuc_organiser, django_assert_max_num_queries
):
    agencies = [
        factories.AgencyFactory(unit=two_provinces[key])
        for key in ("vinh_phuc", "song_lo", "commune")
    ]
    factories.PersonFactory.create_batch(120, agency=factory.Iterator(agencies))
    client.force_login(vinh_phuc_organiser)

    # session, user, scope (two), count, page
    with django_assert_max_num_queries(6):
        body = client.get("/api/directory/people").json()

    assert (body["count"], len(body["items"])) == (120, 100)


@pytest.mark.parametrize(
    "path",
    [
        "/api/directory/people",
        "/api/directory/people/1",
        "/api/directory/me",
        "/api/directory/units",
        "/api/directory/agencies",
    ],
)
def test_anonymous_caller_gets_401(client, db, path):
    response = client.get(path)

    assert response.status_code == 401


def test_openapi_schema_names_the_people_path(client, db):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/directory/people" in paths
    assert "/api/directory/people/{person_id}" in paths


def test_me_shows_a_provincial_organisers_roles_and_unit(
    client, two_provinces, vinh_phuc_organiser
):
    client.force_login(vinh_phuc_organiser)

    response = client.get("/api/directory/me")

    assert response.status_code == 200
    assert response.json() == {
        "username": "so-noi-vu-vinh-phuc",
        "national": False,
        "roles": ["organiser"],
        "unit_ids": [two_provinces["vinh_phuc"].pk],
        "person_id": None,
    }


def test_me_shows_a_national_organiser_as_national(client, db):
    national = factories.organiser(None, username="bo-noi-vu")
    client.force_login(national)

    body = client.get("/api/directory/me").json()

    assert (body["national"], body["roles"], body["unit_ids"]) == (True, ["organiser"], [])


def test_me_shows_an_attendee_their_person_and_no_role(client, lan):
    user = factories.UserFactory()
    lan.user = user
    lan.save(update_fields=["user"])
    client.force_login(user)

    body = client.get("/api/directory/me").json()

    assert (body["national"], body["roles"], body["person_id"]) == (False, [], lan.pk)


def test_units_by_parent_lists_the_children_in_scope(client, two_provinces, vinh_phuc_organiser):
    # given
    tam_dao = factories.UnitFactory(
        level="district", code="254", name="Huyện Tam Đảo", parent=two_provinces["vinh_phuc"]
    )
    client.force_login(vinh_phuc_organiser)

    # when
    response = client.get("/api/directory/units", {"parent": two_provinces["vinh_phuc"].pk})

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {item["id"] for item in body["items"]} == {two_provinces["song_lo"].pk, tam_dao.pk}
    assert {item["parent_id"] for item in body["items"]} == {two_provinces["vinh_phuc"].pk}


def test_units_under_an_out_of_scope_parent_show_only_what_is_in_scope(
    client, two_provinces, vinh_phuc_organiser
):
    # given a Bến Tre commune, and the nation above both provinces
    factories.UnitFactory(code="28756", name="Xã Bảo Thạnh", parent=two_provinces["ben_tre"])
    nation_id = two_provinces["vinh_phuc"].parent_id
    client.force_login(vinh_phuc_organiser)

    # when
    under_ben_tre = client.get("/api/directory/units", {"parent": two_provinces["ben_tre"].pk})
    under_nation = client.get("/api/directory/units", {"parent": nation_id})

    # then
    assert under_ben_tre.json() == {"items": [], "count": 0}
    assert [item["id"] for item in under_nation.json()["items"]] == [two_provinces["vinh_phuc"].pk]


def test_unit_outside_the_scope_is_404(client, two_provinces, vinh_phuc_organiser):
    client.force_login(vinh_phuc_organiser)

    assert client.get(f"/api/directory/units/{two_provinces['ben_tre'].pk}").status_code == 404
    response = client.get(f"/api/directory/units/{two_provinces['song_lo'].pk}")
    assert response.status_code == 200
    assert response.json()["name"] == "Huyện Sông Lô"


def test_attendee_lists_no_units(client, lan):
    user = factories.UserFactory()
    lan.user = user
    lan.save(update_fields=["user"])
    client.force_login(user)

    body = client.get("/api/directory/units").json()

    assert body == {"items": [], "count": 0}
