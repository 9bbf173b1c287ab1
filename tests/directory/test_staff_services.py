"""Staff accounts and roles: an organiser gives only what they hold, and every change is kept."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from directory.models import AdministrativeUnit, Agency, Person, RoleAssignment, RoleChange
from directory.services.roles import (
    Grant,
    grant_role,
    grant_role_to_person,
    grant_roles,
    revoke_role,
)
from directory.services.staff import (
    StaffDetails,
    create_staff_account,
    create_staff_accounts,
    invite_person,
)
from tests import factories

Role = RoleAssignment.Role
pytestmark = pytest.mark.django_db


@pytest.fixture
def national():
    return factories.organiser(None, username="vu-cchc")


@pytest.fixture
def commune_agency(two_provinces):
    return factories.AgencyFactory(name="UBND xã Lãng Công", unit=two_provinces["commune"])


def test_an_organiser_creates_a_coordinator_account_that_signs_in_by_link(
    vinh_phuc_organiser, commune_agency
):
    user = create_staff_account(
        actor=vinh_phuc_organiser,
        full_name="  Lê  Văn Cường ",
        email="Cuong.LV@VinhPhuc.vn",
        phone="0912 000 111",
        agency=commune_agency,
    )

    assert user.username == "cuong.lv@vinhphuc.vn"
    assert not user.has_usable_password()
    person = Person.objects.get(user=user)
    assert (person.full_name, person.email, person.phone) == (
        "Lê Văn Cường",
        "cuong.lv@vinhphuc.vn",
        "0912000111",
    )
    assert person.agency == commune_agency


def test_a_known_person_of_the_same_name_keeps_their_record(vinh_phuc_organiser, binh):
    user = create_staff_account(
        actor=vinh_phuc_organiser, full_name="trần văn bình", email=binh.email.upper()
    )

    binh.refresh_from_db()
    assert binh.user == user
    assert Person.objects.count() == 1
    # asked again, the same account
    again = create_staff_account(
        actor=vinh_phuc_organiser, full_name=binh.full_name, email=binh.email
    )
    assert again == user


def test_an_e_mail_of_another_person_is_refused_naming_no_one(vinh_phuc_organiser, binh, hai, lan):
    for email, name in [(binh.email, "Người Khác"), (hai.email, hai.full_name)]:
        with pytest.raises(ValidationError) as refused:
            create_staff_account(
                actor=vinh_phuc_organiser,
                full_name=name,
                email=email,
                agency=binh.agency,
            )
        text = " ".join(refused.value.messages)
        assert "email" in refused.value.message_dict
        for leaked in (binh.full_name, hai.full_name, "Bến Tre", binh.agency.name):
            assert leaked not in text
    assert Person.objects.count() == 3


def test_a_phone_of_another_person_is_refused(vinh_phuc_organiser, lan, commune_agency):
    with pytest.raises(ValidationError) as refused:
        create_staff_account(
            actor=vinh_phuc_organiser,
            full_name="Phạm Văn Mới",
            email="moi@vp.vn",
            phone=lan.phone,
            agency=commune_agency,
        )
    assert set(refused.value.message_dict) == {"phone"}
    assert lan.full_name not in str(refused.value)
    assert not Person.objects.filter(email="moi@vp.vn").exists()


def test_a_new_person_needs_an_agency_in_scope(vinh_phuc_organiser, hai):
    with pytest.raises(ValidationError) as refused:
        create_staff_account(actor=vinh_phuc_organiser, full_name="Ai Đó", email="ai@vp.vn")
    assert "agency" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        create_staff_account(
            actor=vinh_phuc_organiser, full_name="Ai Đó", email="ai@vp.vn", agency=hai.agency
        )
    assert "agency" in refused.value.message_dict


def test_only_an_organiser_creates_accounts(two_provinces, commune_agency):
    coordinator = factories.coordinator(two_provinces["commune"])
    with pytest.raises(PermissionDenied):
        create_staff_account(
            actor=coordinator, full_name="Ai Đó", email="ai@vp.vn", agency=commune_agency
        )


def test_inviting_a_person_in_scope_gives_them_an_account_once(vinh_phuc_organiser, binh, hai):
    user = invite_person(actor=vinh_phuc_organiser, person=binh)
    assert invite_person(actor=vinh_phuc_organiser, person=binh) == user
    assert user.email == binh.email
    with pytest.raises(PermissionDenied):
        invite_person(actor=vinh_phuc_organiser, person=hai)
    hai.refresh_from_db()
    assert hai.user is None


def test_a_grant_is_idempotent_and_audited(vinh_phuc_organiser, two_provinces, binh):
    user = invite_person(actor=vinh_phuc_organiser, person=binh)
    commune = two_provinces["commune"]

    first = grant_role(actor=vinh_phuc_organiser, user=user, role=Role.COORDINATOR, unit=commune)
    second = grant_role(actor=vinh_phuc_organiser, user=user, role=Role.COORDINATOR, unit=commune)

    assert first == second
    assert first.granted_by == vinh_phuc_organiser
    change = RoleChange.objects.get()
    assert (change.actor, change.user, change.role, change.unit, change.action) == (
        vinh_phuc_organiser,
        user,
        Role.COORDINATOR,
        commune,
        RoleChange.Action.GRANTED,
    )


def test_a_provincial_organiser_cannot_grant_national_scope(vinh_phuc_organiser, binh):
    user = invite_person(actor=vinh_phuc_organiser, person=binh)
    with pytest.raises(PermissionDenied):
        grant_role(actor=vinh_phuc_organiser, user=user, role=Role.ORGANISER, unit=None)
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert not RoleChange.objects.exists()


def test_a_provincial_organiser_cannot_grant_outside_their_subtree(
    vinh_phuc_organiser, two_provinces, binh
):
    user = invite_person(actor=vinh_phuc_organiser, person=binh)
    for role in Role.values:
        with pytest.raises(PermissionDenied):
            grant_role(
                actor=vinh_phuc_organiser, user=user, role=role, unit=two_provinces["ben_tre"]
            )
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_a_grant_to_an_account_outside_the_area_is_refused(vinh_phuc_organiser, two_provinces, hai):
    national = factories.organiser(None)
    outsider = invite_person(actor=national, person=hai)
    with pytest.raises(PermissionDenied):
        grant_role(
            actor=vinh_phuc_organiser,
            user=outsider,
            role=Role.COORDINATOR,
            unit=two_provinces["commune"],
        )


def test_a_coordinator_cannot_grant_anything(two_provinces, binh):
    coordinator = factories.coordinator(two_provinces["song_lo"])
    user = factories.UserFactory()
    with pytest.raises(PermissionDenied):
        grant_role(
            actor=coordinator, user=user, role=Role.COORDINATOR, unit=two_provinces["commune"]
        )


def test_a_coordinator_role_needs_a_unit(national):
    user = factories.UserFactory()
    with pytest.raises(ValidationError):
        grant_role(actor=national, user=user, role=Role.COORDINATOR, unit=None)


def test_a_national_organiser_grants_national_scope(national):
    user = factories.UserFactory()
    assignment = grant_role(actor=national, user=user, role=Role.ORGANISER, unit=None)
    assert assignment.unit is None


def test_a_former_unit_is_refused_for_a_new_grant(national, two_provinces):
    former = factories.UnitFactory(
        level=AdministrativeUnit.Level.DISTRICT,
        code="254",
        name="Huyện Đã Sáp Nhập",
        parent=two_provinces["vinh_phuc"],
        valid_until=date(2025, 6, 30),
    )
    user = factories.UserFactory()
    with pytest.raises(ValidationError) as refused:
        grant_role(actor=national, user=user, role=Role.COORDINATOR, unit=former)
    assert "30/06/2025" in str(refused.value)


def test_granting_to_a_person_makes_their_account_first(vinh_phuc_organiser, two_provinces, binh):
    assignment = grant_role_to_person(
        actor=vinh_phuc_organiser, person=binh, role=Role.COORDINATOR, unit=two_provinces["commune"]
    )
    binh.refresh_from_db()
    assert assignment.user == binh.user


def test_revoking_is_audited_and_the_record_outlives_the_assignment(
    vinh_phuc_organiser, two_provinces, binh
):
    assignment = grant_role_to_person(
        actor=vinh_phuc_organiser, person=binh, role=Role.COORDINATOR, unit=two_provinces["commune"]
    )

    revoke_role(actor=vinh_phuc_organiser, assignment=assignment, reason="Chuyển công tác")

    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    revoked = RoleChange.objects.get(action=RoleChange.Action.REVOKED)
    assert (revoked.user, revoked.unit, revoked.reason) == (
        binh.user,
        two_provinces["commune"],
        "Chuyển công tác",
    )


def test_revoking_outside_scope_is_refused(vinh_phuc_organiser, two_provinces, national):
    elsewhere = factories.coordinator(two_provinces["ben_tre"]).role_assignments.get()
    national_role = national.role_assignments.get()
    for assignment in (elsewhere, national_role):
        with pytest.raises(PermissionDenied):
            revoke_role(actor=vinh_phuc_organiser, assignment=assignment)
    assert RoleAssignment.objects.filter(pk__in=[elsewhere.pk, national_role.pk]).count() == 2


def test_an_organiser_cannot_revoke_their_own_last_organiser_role(
    vinh_phuc_organiser, two_provinces
):
    own = vinh_phuc_organiser.role_assignments.get()
    with pytest.raises(ValidationError):
        revoke_role(actor=vinh_phuc_organiser, assignment=own)
    assert RoleAssignment.objects.filter(pk=own.pk).exists()

    # with a second organiser role, the first may go
    RoleAssignment.objects.create(
        user=vinh_phuc_organiser, role=Role.ORGANISER, unit=two_provinces["song_lo"]
    )
    revoke_role(actor=vinh_phuc_organiser, assignment=own)
    assert not RoleAssignment.objects.filter(pk=own.pk).exists()


def test_the_older_grant_path_is_audited_too(national, two_provinces):
    from directory.services import grant_role as grant_without_checks

    user = factories.UserFactory()
    grant_without_checks(
        user=user, role=Role.COORDINATOR, unit=two_provinces["commune"], granted_by=national
    )
    assert RoleChange.objects.filter(user=user, action=RoleChange.Action.GRANTED).exists()


# --- in bulk, for the bridge-point import ------------------------------------------------


def _communes(parent: AdministrativeUnit, count: int) -> list[AdministrativeUnit]:
    return [factories.UnitFactory(parent=parent) for _ in range(count)]


def _coordinators(communes: list[AdministrativeUnit], tag: str) -> list[StaffDetails]:
    return [
        StaffDetails(
            full_name=f"Đầu Mối {tag} {index}",
            email=f"daumoi-{tag}-{index}@vp.vn",
            phone=f"09{index:08d}" if index % 2 else "",
            unit=commune,
            agency_name=f"UBND {commune.name}",
        )
        for index, commune in enumerate(communes)
    ]


@pytest.mark.parametrize("count", [9, 60])
def test_bulk_accounts_and_grants_take_a_fixed_number_of_queries(
    count, vinh_phuc_organiser, two_provinces, django_assert_max_num_queries
):
    communes = _communes(two_provinces["song_lo"], count)
    people = _coordinators(communes, str(count))

    with django_assert_max_num_queries(10):
        users = create_staff_accounts(actor=vinh_phuc_organiser, people=people)
    with django_assert_max_num_queries(7):
        created = grant_roles(
            actor=vinh_phuc_organiser,
            grants=[
                Grant(user=user, role=Role.COORDINATOR, unit=commune)
                for user, commune in zip(users, communes, strict=True)
            ],
        )

    assert created == count
    assert RoleChange.objects.filter(action=RoleChange.Action.GRANTED).count() == count
    assert Agency.objects.filter(needs_review=True).count() == count
    # again: nothing new
    assert (
        grant_roles(
            actor=vinh_phuc_organiser,
            grants=[Grant(user=users[0], role=Role.COORDINATOR, unit=communes[0])],
        )
        == 0
    )


def test_bulk_errors_are_keyed_by_row_and_save_nothing(
    vinh_phuc_organiser, two_provinces, lan, hai
):
    communes = _communes(two_provinces["song_lo"], 3)
    people = _coordinators(communes, "x")
    people[1] = StaffDetails(
        full_name="Không Phải Hải", email=hai.email, unit=communes[1], agency_name="UBND"
    )
    people.append(
        StaffDetails(
            full_name="Tên Khác", email=people[0].email, unit=communes[0], agency_name="UBND"
        )
    )

    with pytest.raises(ValidationError) as refused:
        create_staff_accounts(actor=vinh_phuc_organiser, people=people)

    assert set(refused.value.error_dict) == {1, 3}
    assert not Person.objects.filter(email__startswith="daumoi-").exists()


def test_bulk_grants_refuse_by_row(vinh_phuc_organiser, two_provinces, binh):
    user = invite_person(actor=vinh_phuc_organiser, person=binh)
    with pytest.raises(ValidationError) as refused:
        grant_roles(
            actor=vinh_phuc_organiser,
            grants=[
                Grant(user=user, role=Role.COORDINATOR, unit=two_provinces["commune"]),
                Grant(user=user, role=Role.COORDINATOR, unit=two_provinces["ben_tre"]),
                Grant(user=user, role=Role.ORGANISER, unit=None),
            ],
        )
    assert set(refused.value.error_dict) == {1, 2}
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_a_revocation_is_announced_to_the_apps_above(vinh_phuc_organiser, two_provinces, binh):
    from directory.signals import role_revoked

    assignment = grant_role_to_person(
        actor=vinh_phuc_organiser, person=binh, role=Role.COORDINATOR, unit=two_provinces["commune"]
    )
    heard = []

    def listener(sender, assignment, actor, **kwargs):
        heard.append((assignment.user_id, assignment.unit_id, actor))

    role_revoked.connect(listener)
    try:
        revoke_role(actor=vinh_phuc_organiser, assignment=assignment)
    finally:
        role_revoked.disconnect(listener)
    assert heard == [(binh.user_id, two_provinces["commune"].pk, vinh_phuc_organiser)]
