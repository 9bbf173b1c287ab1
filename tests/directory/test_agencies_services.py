"""Agencies: those an import made are marked for review, an organiser corrects them, and
duplicates merge with everything that pointed at them, in any app."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from directory.models import Agency, Person
from directory.services import import_people
from directory.services.agencies import (
    ensure_agencies,
    merge_agencies,
    merge_preview,
    update_agency,
)
from events.models import InvitedAgency
from tests import factories
from tests.events.conftest import upcoming  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def vinh_phuc_organiser(network):
    # Over the 2021 network here (the directory's own fixture stands on another tree), so
    # that the events' fixtures and these agencies share one province.
    return factories.organiser(network.vinh_phuc, username="so-noi-vu-vinh-phuc")


def test_an_import_marks_the_agencies_it_made_for_review(vinh_phuc_organiser, network):
    existing = factories.AgencyFactory(name="UBND huyện Sông Lô", unit=network.districts[-1])
    content = (
        "Họ và tên,Cơ quan,Mã đơn vị hành chính,Email\n"
        "Lê Văn A,UBND huyện Sông Lô,253,a@vp.vn\n"
        "Lê Văn B,Phòng Tư pháp huyện Sông Lô,253,b@vp.vn\n"
    ).encode()

    import_people(actor=vinh_phuc_organiser, file_name="x.csv", content=content)

    made = Agency.objects.get(name="Phòng Tư pháp huyện Sông Lô")
    assert made.needs_review
    existing.refresh_from_db()
    assert not existing.needs_review


def test_ensure_agencies_makes_only_the_missing_ones(network):
    unit = network.districts[0]
    kept = factories.AgencyFactory(name="UBND", unit=unit)
    agencies, made = ensure_agencies(wanted={(unit.pk, "UBND"), (unit.pk, "Phòng Nội vụ")})
    assert made == 1
    assert agencies[(unit.pk, "UBND")] == kept
    assert agencies[(unit.pk, "Phòng Nội vụ")].needs_review


def test_editing_an_agency_clears_its_review_mark(vinh_phuc_organiser, network):
    unit = network.districts[0]
    parent = factories.AgencyFactory(name="UBND thành phố Vĩnh Yên", unit=unit)
    agency = factories.AgencyFactory(name="phong noi vu", unit=unit, needs_review=True)

    update_agency(
        actor=vinh_phuc_organiser,
        agency=agency,
        name=" Phòng Nội vụ  thành phố Vĩnh Yên ",
        kind=Agency.Kind.SPECIALISED,
        parent=parent,
    )

    agency.refresh_from_db()
    assert (agency.name, agency.kind, agency.parent, agency.needs_review) == (
        "Phòng Nội vụ thành phố Vĩnh Yên",
        Agency.Kind.SPECIALISED,
        parent,
        False,
    )


def test_an_edit_that_repeats_a_name_or_makes_a_cycle_is_refused(vinh_phuc_organiser, network):
    unit = network.districts[0]
    parent = factories.AgencyFactory(name="UBND", unit=unit)
    child = factories.AgencyFactory(name="Phòng", unit=unit, parent=parent, needs_review=True)
    with pytest.raises(ValidationError) as refused:
        update_agency(actor=vinh_phuc_organiser, agency=child, name="UBND", kind="other")
    assert "name" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        update_agency(
            actor=vinh_phuc_organiser, agency=parent, name="UBND", kind="other", parent=child
        )
    assert "parent" in refused.value.message_dict
    child.refresh_from_db()
    assert child.needs_review


def test_an_agency_outside_scope_cannot_be_edited(vinh_phuc_organiser, network):
    agency = factories.AgencyFactory(name="Sở Nội vụ tỉnh Bến Tre", unit=network.ben_tre)
    with pytest.raises(PermissionDenied):
        update_agency(actor=vinh_phuc_organiser, agency=agency, name="X", kind="other")


def test_a_merge_moves_people_and_invitations_and_keeps_one_row_where_both_were_invited(
    upcoming,  # noqa: F811
):
    # given the same committee twice, both invited to Sông Lô, the duplicate also to Tam Đảo
    survivor = upcoming.manh.agency
    duplicate = factories.AgencyFactory(name="UBND H. Sông Lô", unit=survivor.unit)
    moved = factories.PersonFactory(full_name="Hà Văn Dời", agency=duplicate)
    department = factories.AgencyFactory(name="Tổ một cửa", unit=survivor.unit, parent=duplicate)
    InvitedAgency.objects.create(participation=upcoming.song_lo, agency=survivor, quota=5)
    InvitedAgency.objects.create(participation=upcoming.song_lo, agency=duplicate, quota=9)
    InvitedAgency.objects.create(participation=upcoming.tam_dao, agency=duplicate, quota=3)

    preview = {line.label: line.count for line in merge_preview(duplicate=duplicate)}
    assert preview[str(Person._meta.verbose_name_plural)] == 1
    assert preview[str(InvitedAgency._meta.verbose_name_plural)] == 2
    assert preview[str(Agency._meta.verbose_name_plural)] == 1

    # when
    merge_agencies(actor=upcoming.organiser, duplicate=duplicate, survivor=survivor)

    # then
    assert not Agency.objects.filter(pk=duplicate.pk).exists()
    moved.refresh_from_db()
    department.refresh_from_db()
    assert moved.agency == survivor
    assert department.parent == survivor
    invitations = {
        (i.participation_id, i.quota) for i in InvitedAgency.objects.filter(agency=survivor)
    }
    assert invitations == {(upcoming.song_lo.pk, 5), (upcoming.tam_dao.pk, 3)}


def test_merging_into_itself_or_across_scope_is_refused(upcoming, network):  # noqa: F811
    agency = upcoming.manh.agency
    elsewhere = factories.AgencyFactory(name="UBND tỉnh Bến Tre", unit=network.ben_tre)
    with pytest.raises(ValidationError):
        merge_agencies(actor=upcoming.organiser, duplicate=agency, survivor=agency)
    for duplicate, survivor in ((agency, elsewhere), (elsewhere, agency)):
        with pytest.raises(PermissionDenied):
            merge_agencies(actor=upcoming.organiser, duplicate=duplicate, survivor=survivor)
    # a national organiser still cannot merge across provinces
    national = factories.organiser(None)
    with pytest.raises(ValidationError):
        merge_agencies(actor=national, duplicate=agency, survivor=elsewhere)
    assert Agency.objects.filter(pk__in=[agency.pk, elsewhere.pk]).count() == 2
    upcoming.manh.refresh_from_db()
    assert upcoming.manh.agency == agency


def test_a_survivor_that_was_a_department_of_the_duplicate_takes_its_parent(upcoming):  # noqa: F811
    top = factories.AgencyFactory(name="UBND tỉnh", unit=upcoming.manh.agency.unit)
    duplicate = factories.AgencyFactory(name="Sở cũ", unit=top.unit, parent=top)
    survivor = factories.AgencyFactory(name="Sở mới", unit=top.unit, parent=duplicate)
    merge_agencies(actor=upcoming.organiser, duplicate=duplicate, survivor=survivor)
    survivor.refresh_from_db()
    assert survivor.parent == top


def test_a_roster_import_marks_the_agencies_it_made_for_review(upcoming):  # noqa: F811
    from events.services.rosters.people import PersonDetails, create_people

    known = upcoming.manh.agency.name
    create_people(
        participation=upcoming.song_lo,
        described=[
            PersonDetails(full_name="Lò Văn Mới", agency="Phòng Văn hóa", email="moi@x.vn"),
            PersonDetails(full_name="Lò Thị Cũ", agency=known, email="cu@x.vn"),
        ],
    )
    assert Agency.objects.get(name="Phòng Văn hóa").needs_review
    assert not Agency.objects.get(name=known).needs_review
