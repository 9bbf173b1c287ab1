"""The pages of staff and roles, through the client: what an organiser sees and may do in
their own area, and that nothing outside it can be reached."""

import pytest
from django.urls import reverse

from directory.models import Person, RoleAssignment, RoleChange
from directory.services.roles import grant_role_to_person
from tests import factories
from tests.checkins import eager_tasks  # noqa: F401

Role = RoleAssignment.Role
pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client(client, vinh_phuc_organiser):
    client.force_login(vinh_phuc_organiser)
    return client


@pytest.fixture
def ben_tre_coordinator(two_provinces, hai):
    national = factories.organiser(None)
    return grant_role_to_person(
        actor=national, person=hai, role=Role.COORDINATOR, unit=two_provinces["ben_tre"]
    )


def test_the_list_shows_who_holds_what_in_the_area_only(
    organiser_client, vinh_phuc_organiser, two_provinces, binh, ben_tre_coordinator
):
    grant_role_to_person(
        actor=vinh_phuc_organiser, person=binh, role=Role.COORDINATOR, unit=two_provinces["commune"]
    )

    page = organiser_client.get(reverse("directory:staff_list"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Cán bộ và vai trò" in text
    assert binh.full_name in text
    assert "Xã Lãng Công" in text
    assert ben_tre_coordinator.user.person.full_name not in text
    assert "Bến Tre" not in text


def test_the_list_filters_and_searches_without_accents(
    organiser_client, vinh_phuc_organiser, two_provinces, binh, lan
):
    for person, unit in ((binh, "commune"), (lan, "song_lo")):
        grant_role_to_person(
            actor=vinh_phuc_organiser,
            person=person,
            role=Role.COORDINATOR,
            unit=two_provinces[unit],
        )
    url = reverse("directory:staff_list")

    found = organiser_client.get(url, {"q": "tran van binh"}).content.decode()
    assert binh.full_name in found and lan.full_name not in found
    by_unit = organiser_client.get(url, {"unit": two_provinces["commune"].pk}).content.decode()
    assert binh.full_name in by_unit and lan.full_name not in by_unit
    by_role = organiser_client.get(url, {"role": "organiser"}).content.decode()
    assert binh.full_name not in by_role


def test_the_list_takes_a_fixed_number_of_queries(
    organiser_client, vinh_phuc_organiser, two_provinces, django_assert_max_num_queries
):
    for _ in range(30):
        person = factories.PersonFactory(
            agency=factories.AgencyFactory(unit=two_provinces["commune"])
        )
        grant_role_to_person(
            actor=vinh_phuc_organiser,
            person=person,
            role=Role.COORDINATOR,
            unit=two_provinces["commune"],
        )
    with django_assert_max_num_queries(12):
        page = organiser_client.get(reverse("directory:staff_list"))
    assert page.status_code == 200
    with django_assert_max_num_queries(12):
        assert organiser_client.get(reverse("directory:staff_history")).status_code == 200


def test_granting_from_the_page(organiser_client, two_provinces, binh):
    answer = organiser_client.post(
        reverse("directory:staff_grant"),
        {"person": binh.pk, "role": "coordinator", "unit": two_provinces["commune"].pk},
    )

    assert answer.status_code == 302
    binh.refresh_from_db()
    assert RoleAssignment.objects.filter(user=binh.user, unit=two_provinces["commune"]).exists()
    assert RoleChange.objects.filter(user=binh.user).count() == 1


def test_a_grant_outside_the_area_is_refused_on_the_form(
    organiser_client, two_provinces, binh, hai
):
    url = reverse("directory:staff_grant")
    # a unit outside the area is not among the choices
    answer = organiser_client.post(
        url, {"person": binh.pk, "role": "coordinator", "unit": two_provinces["ben_tre"].pk}
    )
    assert answer.status_code == 400
    # nor is a person outside it
    answer = organiser_client.post(
        url, {"person": hai.pk, "role": "coordinator", "unit": two_provinces["commune"].pk}
    )
    assert answer.status_code == 400
    assert hai.full_name not in answer.content.decode()
    # a national role is refused with a message
    answer = organiser_client.post(url, {"person": binh.pk, "role": "organiser"})
    assert answer.status_code == 400
    assert "vượt quá phạm vi" in answer.content.decode()
    assert not RoleAssignment.objects.exclude(
        role="organiser", unit=two_provinces["vinh_phuc"]
    ).exists()


@pytest.mark.usefixtures("eager_tasks")
def test_creating_a_coordinator_account_leads_to_granting_them_a_role(
    organiser_client, two_provinces, mailoutbox, django_capture_on_commit_callbacks
):
    agency = factories.AgencyFactory(name="UBND xã Lãng Công", unit=two_provinces["commune"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = organiser_client.post(
            reverse("directory:staff_create"),
            {
                "full_name": "Lê Văn Cường",
                "email": "cuong@vp.vn",
                "phone": "",
                "agency": agency.pk,
                "send_link": "on",
            },
        )
    assert answer.status_code == 302
    user = Person.objects.get(email="cuong@vp.vn").user
    assert answer["Location"].startswith(reverse("directory:staff_grant"))
    assert f"user={user.pk}" in answer["Location"]
    assert [message.to for message in mailoutbox] == [["cuong@vp.vn"]]
    form = organiser_client.get(answer["Location"]).content.decode()
    assert "Lê Văn Cường" in form


def test_an_e_mail_of_someone_outside_is_refused_naming_no_one(organiser_client, binh, hai):
    answer = organiser_client.post(
        reverse("directory:staff_create"),
        {"full_name": "Người Mới", "email": hai.email, "agency": binh.agency.pk},
    )
    assert answer.status_code == 400
    text = answer.content.decode()
    assert hai.full_name not in text and "Bến Tre" not in text
    assert Person.objects.filter(email=hai.email).get() == hai


def test_revoking_asks_first_then_records_it(
    organiser_client, vinh_phuc_organiser, two_provinces, binh
):
    assignment = grant_role_to_person(
        actor=vinh_phuc_organiser, person=binh, role=Role.COORDINATOR, unit=two_provinces["commune"]
    )
    url = reverse("directory:staff_revoke", args=[assignment.pk])

    confirm = organiser_client.get(url)
    assert confirm.status_code == 200
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()

    answer = organiser_client.post(url, {"reason": "Nghỉ hưu"})
    assert answer.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    history = organiser_client.get(reverse("directory:staff_history")).content.decode()
    assert "Nghỉ hưu" in history and "Đã thu hồi" in history


def test_revoking_ones_own_last_role_is_refused_on_the_page(organiser_client, vinh_phuc_organiser):
    own = vinh_phuc_organiser.role_assignments.get()
    answer = organiser_client.post(reverse("directory:staff_revoke", args=[own.pk]))
    assert answer.status_code == 400
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_roles_and_history_outside_the_area_answer_404(organiser_client, ben_tre_coordinator):
    assert (
        organiser_client.get(
            reverse("directory:staff_revoke", args=[ben_tre_coordinator.pk])
        ).status_code
        == 404
    )
    assert (
        organiser_client.post(
            reverse("directory:staff_revoke", args=[ben_tre_coordinator.pk])
        ).status_code
        == 404
    )
    history = organiser_client.get(reverse("directory:staff_history")).content.decode()
    assert ben_tre_coordinator.user.username not in history


def test_only_organisers_reach_the_pages(client, two_provinces):
    coordinator = factories.coordinator(two_provinces["commune"])
    client.force_login(coordinator)
    for name in ("staff_list", "staff_grant", "staff_create", "staff_history", "pick_staff"):
        assert client.get(reverse(f"directory:{name}")).status_code == 403


def test_the_staff_picker_lists_accounts_of_the_area_only(
    organiser_client, vinh_phuc_organiser, two_provinces, binh, ben_tre_coordinator
):
    grant_role_to_person(
        actor=vinh_phuc_organiser, person=binh, role=Role.COORDINATOR, unit=two_provinces["commune"]
    )
    answer = organiser_client.get(reverse("directory:pick_staff"), {"q": "binh"}).json()
    assert [row["text"] for row in answer["results"]] == [binh.full_name]
    answer = organiser_client.get(reverse("directory:pick_staff"), {"q": "hai"}).json()
    assert answer["results"] == []
