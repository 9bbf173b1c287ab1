"""Roles, staff accounts and agencies through the API: the same scope rules as the pages,
every refusal in the ErrorOut shape."""

import pytest

from directory.models import Agency, Person, RoleAssignment, RoleChange
from directory.services.roles import grant_role_to_person
from tests import factories

Role = RoleAssignment.Role
pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def api(client, vinh_phuc_organiser):
    client.force_login(vinh_phuc_organiser)
    return client


@pytest.fixture
def ben_tre_role(two_provinces, hai):
    return grant_role_to_person(
        actor=factories.organiser(None),
        person=hai,
        role=Role.COORDINATOR,
        unit=two_provinces["ben_tre"],
    )


def _is_error(answer, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.content
    body = answer.json()
    assert body["code"] == code and body["message"]
    return body


def test_grant_list_and_revoke(api, two_provinces, binh, ben_tre_role):
    granted = api.post(
        "/api/directory/roles",
        {"person_id": binh.pk, "role": "coordinator", "unit_id": two_provinces["commune"].pk},
        content_type=JSON,
    )
    assert granted.status_code == 201
    role = granted.json()
    assert (role["full_name"], role["unit_name"], role["granted_by"]) == (
        binh.full_name,
        "Xã Lãng Công",
        "so-noi-vu-vinh-phuc",
    )

    listed = api.get("/api/directory/roles", {"role": "coordinator"}).json()
    assert [item["id"] for item in listed["items"]] == [role["id"]]

    assert api.delete(f"/api/directory/roles/{role['id']}?reason=Sai").status_code == 204
    changes = api.get("/api/directory/role-changes").json()["items"]
    assert [(c["action"], c["reason"]) for c in changes] == [("revoked", "Sai"), ("granted", "")]
    assert ben_tre_role.user.username not in str(changes)


def test_refusals_of_grants(api, two_provinces, binh, hai):
    national = api.post(
        "/api/directory/roles", {"person_id": binh.pk, "role": "organiser"}, content_type=JSON
    )
    _is_error(national, 403, "forbidden")
    outside_unit = api.post(
        "/api/directory/roles",
        {"person_id": binh.pk, "role": "coordinator", "unit_id": two_provinces["ben_tre"].pk},
        content_type=JSON,
    )
    _is_error(outside_unit, 404, "not_found")
    outside_person = api.post(
        "/api/directory/roles",
        {"person_id": hai.pk, "role": "coordinator", "unit_id": two_provinces["commune"].pk},
        content_type=JSON,
    )
    body = _is_error(outside_person, 404, "not_found")
    assert hai.full_name not in str(body)
    assert not RoleChange.objects.exists()


def test_revoking_outside_scope_or_ones_last_role(api, vinh_phuc_organiser, ben_tre_role):
    _is_error(api.delete(f"/api/directory/roles/{ben_tre_role.pk}"), 404, "not_found")
    own = vinh_phuc_organiser.role_assignments.get()
    _is_error(api.delete(f"/api/directory/roles/{own.pk}"), 400, "invalid")
    assert RoleAssignment.objects.filter(pk__in=[own.pk, ben_tre_role.pk]).count() == 2


def test_creating_a_staff_account(api, binh, hai):
    made = api.post(
        "/api/directory/staff",
        {"full_name": "Lê Văn Cường", "email": "cuong@vp.vn", "agency_id": binh.agency_id},
        content_type=JSON,
    )
    assert made.status_code == 201
    assert Person.objects.get(pk=made.json()["person_id"]).user_id == made.json()["user_id"]

    taken = api.post(
        "/api/directory/staff",
        {"full_name": "Người Khác", "email": hai.email, "agency_id": binh.agency_id},
        content_type=JSON,
    )
    body = _is_error(taken, 400, "invalid")
    assert "email" in body["errors"] and hai.full_name not in str(body)


def test_a_coordinator_gets_nothing_and_may_do_nothing(client, two_provinces, binh, ben_tre_role):
    client.force_login(factories.coordinator(two_provinces["commune"]))
    assert client.get("/api/directory/roles").json()["items"] == []
    assert client.get("/api/directory/role-changes").json()["items"] == []
    answer = client.post(
        "/api/directory/roles",
        {"person_id": binh.pk, "role": "coordinator", "unit_id": two_provinces["commune"].pk},
        content_type=JSON,
    )
    _is_error(answer, 403, "forbidden")


def test_agencies_edit_and_merge(api, two_provinces, hai):
    commune = two_provinces["commune"]
    kept = factories.AgencyFactory(name="UBND xã Lãng Công", unit=commune)
    duplicate = factories.AgencyFactory(name="UBND Lãng Công", unit=commune, needs_review=True)
    factories.PersonFactory(agency=duplicate)

    listed = api.get("/api/directory/agencies", {"needs_review": True}).json()
    assert [item["id"] for item in listed["items"]] == [duplicate.pk]

    edited = api.patch(
        f"/api/directory/agencies/{duplicate.pk}",
        {"name": "UBND Lãng Công", "kind": "peoples_committee"},
        content_type=JSON,
    )
    assert edited.status_code == 200 and edited.json()["needs_review"] is False

    preview = api.get(f"/api/directory/agencies/{duplicate.pk}/merge", {"survivor": kept.pk})
    assert {"label": "cán bộ", "count": 1} in preview.json()

    _is_error(
        api.post(
            f"/api/directory/agencies/{duplicate.pk}/merge",
            {"survivor_id": duplicate.pk},
            content_type=JSON,
        ),
        400,
        "invalid",
    )
    _is_error(
        api.post(
            f"/api/directory/agencies/{duplicate.pk}/merge",
            {"survivor_id": hai.agency_id},
            content_type=JSON,
        ),
        404,
        "not_found",
    )
    merged = api.post(
        f"/api/directory/agencies/{duplicate.pk}/merge",
        {"survivor_id": kept.pk},
        content_type=JSON,
    )
    assert merged.status_code == 200
    assert merged.json()["survivor"]["id"] == kept.pk
    assert not Agency.objects.filter(pk=duplicate.pk).exists()
    _is_error(
        api.patch(
            f"/api/directory/agencies/{hai.agency_id}",
            {"name": "X", "kind": "other"},
            content_type=JSON,
        ),
        404,
        "not_found",
    )
