from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from common.api import BoundedPageNumberPagination, Id
from common.search import search_folded

from . import selectors
from .models import AdministrativeUnit, Agency, RoleAssignment, RoleChange
from .services import agencies as agency_services
from .services import roles, staff

router = Router(tags=["directory"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    level: AdministrativeUnit.Level
    division_type: str
    parent_id: int | None
    valid_from: date | None
    valid_until: date | None


class AgencyOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    parent_id: int | None
    needs_review: bool = Field(
        description="Created by an import from its name alone; editing it clears the mark."
    )


class PersonOut(Schema):
    id: int
    full_name: str
    position: str
    agency_id: int
    agency_name: str = Field(alias="agency.name")
    unit_name: str = Field(alias="agency.unit.name")
    email: str
    phone: str


class MeOut(Schema):
    username: str
    national: bool
    roles: list[str]
    unit_ids: list[int]
    person_id: int | None


@router.get("/me", response=MeOut, summary="The caller and their scope")
def me(request: HttpRequest) -> MeOut:
    scope = selectors.scope_for(request.user)
    unit_ids = [int(path.strip("/").split("/")[-1]) for path in scope.unit_paths]
    return MeOut(
        username=request.user.get_username(),
        national=scope.national,
        roles=sorted(scope.roles),
        unit_ids=unit_ids,
        person_id=scope.person_id,
    )


@router.get("/units", response=list[UnitOut], summary="Administrative units in scope")
@paginate(BoundedPageNumberPagination, page_size=100)
def list_units(
    request: HttpRequest,
    parent: Id | None = None,
    level: AdministrativeUnit.Level | None = None,
    q: str = "",
    on: date | None = None,
    include_former: bool = False,
) -> object:
    day = None if include_former else (on or timezone.localdate())
    if not selectors.scope_for(request.user).is_staff:
        return AdministrativeUnit.objects.none()
    units = selectors.units_for(request.user, on=day)
    if parent is not None:
        units = units.filter(parent_id=parent)
    if level is not None:
        units = units.filter(level=level)
    if q:
        units = units.filter(name__icontains=q)
    return units


@router.get("/units/{unit_id}", response=UnitOut, summary="One administrative unit")
def get_unit(request: HttpRequest, unit_id: int) -> AdministrativeUnit:
    return selectors.get_unit_for(request.user, unit_id)


@router.get("/agencies", response=list[AgencyOut], summary="Agencies in scope")
@paginate(BoundedPageNumberPagination, page_size=100)
def list_agencies(
    request: HttpRequest,
    unit: Id | None = None,
    q: str = "",
    kind: Agency.Kind | None = None,
    needs_review: bool | None = None,
) -> object:
    agencies = selectors.agencies_for(request.user)
    if kind is not None:
        agencies = agencies.filter(kind=kind)
    if needs_review is not None:
        agencies = agencies.filter(needs_review=needs_review)
    if unit is not None:
        agencies = agencies.filter(
            unit__path__startswith=selectors.get_unit_for(request.user, unit).path
        )
    if q:
        agencies = agencies.filter(name__icontains=q)
    return agencies


@router.get("/people", response=list[PersonOut], summary="People in scope")
@paginate(BoundedPageNumberPagination, page_size=100)
def list_people(
    request: HttpRequest, q: str = "", unit: Id | None = None, agency: Id | None = None
) -> object:
    return selectors.search_people(
        selectors.people_for(request.user),
        query=q,
        unit=selectors.get_unit_for(request.user, unit) if unit is not None else None,
        agency_id=selectors.get_agency_for(request.user, agency).pk if agency else None,
    )


@router.get("/people/{person_id}", response=PersonOut, summary="One person")
def get_person(request: HttpRequest, person_id: int) -> object:
    return selectors.get_person_for(request.user, person_id)


# --- agencies: correct and merge ---------------------------------------------------------


class AgencyIn(Schema):
    name: str = Field(max_length=255)
    kind: Agency.Kind
    parent_id: Id | None = None


class MergeIn(Schema):
    survivor_id: Id


class MergeLineOut(Schema):
    label: str
    count: int


class MergedOut(Schema):
    survivor: AgencyOut
    moved: dict[str, int] = Field(description="Rows moved to the survivor, by table.")


@router.patch("/agencies/{agency_id}", response=AgencyOut, summary="Correct an agency")
def edit_agency(request: HttpRequest, agency_id: int, data: AgencyIn) -> Agency:
    """Name, kind and parent agency; it no longer needs review."""
    agency = selectors.get_agency_for(request.user, agency_id)
    parent = selectors.get_agency_for(request.user, data.parent_id) if data.parent_id else None
    return agency_services.update_agency(
        actor=request.user, agency=agency, name=data.name, kind=data.kind, parent=parent
    )


@router.get(
    "/agencies/{agency_id}/merge",
    response=list[MergeLineOut],
    summary="What merging an agency would move",
)
def preview_merge(request: HttpRequest, agency_id: int, survivor: Id) -> object:
    duplicate = selectors.get_agency_for(request.user, agency_id)
    kept = selectors.get_agency_for(request.user, survivor)
    agency_services.check_merge(actor=request.user, duplicate=duplicate, survivor=kept)
    return agency_services.merge_preview(duplicate=duplicate)


@router.post("/agencies/{agency_id}/merge", response=MergedOut, summary="Merge a duplicate agency")
def merge_agency(request: HttpRequest, agency_id: int, data: MergeIn) -> dict[str, object]:
    """Everything that points at the duplicate moves to the survivor; the duplicate goes."""
    duplicate = selectors.get_agency_for(request.user, agency_id)
    survivor = selectors.get_agency_for(request.user, data.survivor_id)
    moved = agency_services.merge_agencies(
        actor=request.user, duplicate=duplicate, survivor=survivor
    )
    return {"survivor": selectors.get_agency_for(request.user, survivor.pk), "moved": moved}


# --- staff and roles ---------------------------------------------------------------------


class RoleOut(Schema):
    id: int
    user_id: int
    username: str = Field(alias="user.username")
    full_name: str
    person_id: int | None
    role: RoleAssignment.Role
    unit_id: int | None = Field(description="None: nationwide.")
    unit_name: str
    granted_by: str
    created_at: datetime

    @staticmethod
    def resolve_full_name(obj: RoleAssignment) -> str:
        return obj.user.get_full_name()

    @staticmethod
    def resolve_person_id(obj: RoleAssignment) -> int | None:
        person = getattr(obj.user, "person", None)
        return person.pk if person is not None else None

    @staticmethod
    def resolve_unit_name(obj: RoleAssignment) -> str:
        return obj.unit.name if obj.unit_id else ""

    @staticmethod
    def resolve_granted_by(obj: RoleAssignment) -> str:
        return obj.granted_by.get_username() if obj.granted_by_id else ""


class GrantIn(Schema):
    person_id: Id | None = Field(
        None, description="A person of the directory; an account is made for them if needed."
    )
    user_id: Id | None = Field(None, description="Or an existing account.")
    role: RoleAssignment.Role
    unit_id: Id | None = Field(None, description="None: nationwide (an organiser only).")
    reason: str = Field("", max_length=300)


class StaffIn(Schema):
    full_name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    phone: str = Field("", max_length=20)
    agency_id: Id | None = Field(None, description="Needed for someone not yet in the directory.")


class StaffOut(Schema):
    user_id: int
    username: str
    person_id: int


class RoleChangeOut(Schema):
    id: int
    created_at: datetime
    action: RoleChange.Action
    role: RoleAssignment.Role
    user_id: int | None
    username: str
    unit_id: int | None
    actor: str
    reason: str

    @staticmethod
    def resolve_actor(obj: RoleChange) -> str:
        return obj.actor.get_username() if obj.actor_id else ""


@router.get("/roles", response=list[RoleOut], summary="Who holds which role in scope")
@paginate(BoundedPageNumberPagination, page_size=100)
def list_roles(
    request: HttpRequest,
    role: RoleAssignment.Role | None = None,
    unit: Id | None = None,
    q: str = "",
) -> object:
    """For organisers: roles at units of their scope (and nationwide ones, for a national
    organiser); anyone else gets an empty list."""
    assignments = selectors.role_assignments_for(request.user)
    if role is not None:
        assignments = assignments.filter(role=role)
    if unit is not None:
        within = selectors.get_unit_for(request.user, unit)
        assignments = assignments.filter(unit__path__startswith=within.path)
    if q:
        fields = ("user__first_name", "user__username", "user__email", "user__person__full_name")
        assignments = search_folded(assignments, fields, q)
    return assignments


@router.post("/roles", response={201: RoleOut}, summary="Grant a role")
def grant(request: HttpRequest, data: GrantIn) -> Status:
    """Within the caller's own scope and at a unit of today; idempotent."""
    unit = selectors.get_unit_for(request.user, data.unit_id) if data.unit_id else None
    if data.person_id is not None and data.user_id is None:
        person = selectors.get_person_for(request.user, data.person_id)
        assignment = roles.grant_role_to_person(
            actor=request.user, person=person, role=data.role, unit=unit, reason=data.reason
        )
    elif data.user_id is not None and data.person_id is None:
        user = selectors.staff_users_for(request.user).filter(pk=data.user_id).first()
        if user is None:
            raise Http404
        assignment = roles.grant_role(
            actor=request.user, user=user, role=data.role, unit=unit, reason=data.reason
        )
    else:
        raise ValidationError({"person_id": [_("Choose a person or an account, one of the two.")]})
    return Status(201, selectors.get_role_assignment_for(request.user, assignment.pk))


@router.delete("/roles/{assignment_id}", response={204: None}, summary="Revoke a role")
def revoke(request: HttpRequest, assignment_id: int, reason: str = "") -> Status:
    """Within the caller's own scope; an organiser keeps their last organiser role."""
    assignment = selectors.get_role_assignment_for(request.user, assignment_id)
    roles.revoke_role(actor=request.user, assignment=assignment, reason=reason[:300])
    return Status(204, None)


@router.get("/role-changes", response=list[RoleChangeOut], summary="Grants and revocations")
@paginate(BoundedPageNumberPagination, page_size=100)
def list_role_changes(
    request: HttpRequest, action: RoleChange.Action | None = None, q: str = ""
) -> object:
    changes = selectors.role_changes_for(request.user)
    if action is not None:
        changes = changes.filter(action=action)
    if q:
        changes = search_folded(changes, ("username", "user__first_name", "unit__name"), q)
    return changes


@router.post("/staff", response={201: StaffOut}, summary="Create a staff account")
def create_staff(request: HttpRequest, data: StaffIn) -> Status:
    """A coordinator's account, signing in by e-mailed link; a known person of the same name
    and e-mail keeps their record. An e-mail or phone of anyone else is refused."""
    agency = selectors.get_agency_for(request.user, data.agency_id) if data.agency_id else None
    user = staff.create_staff_account(
        actor=request.user,
        full_name=data.full_name,
        email=data.email,
        phone=data.phone,
        agency=agency,
    )
    body = {"user_id": user.pk, "username": user.get_username(), "person_id": user.person.pk}
    return Status(201, body)
