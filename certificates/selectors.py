"""Reads of completion and certificates, always through the caller's reach."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from directory.selectors import scope_for
from events.models import BridgePoint
from training.models import Programme
from training.selectors import get_programme_for, programmes_for

from .models import Certificate, CertificatePrint, Collation, Completion
from .services.guards import CollationGuard, collation_guard
from .services.issuing import require_certificate_manager

__all__ = ["get_programme_for", "programmes_for"]


def programme_overview(programmes: QuerySet[Programme]) -> QuerySet[Programme]:
    return programmes.annotate(
        people=Count("completions", distinct=True),
        completed=Count("completions", filter=Q(completions__completed=True), distinct=True),
        valid=Count(
            "certificates", filter=Q(certificates__status=Certificate.Status.VALID), distinct=True
        ),
    ).order_by("-year", "title", "pk")  # an aggregate drops Meta.ordering; pages need one


@dataclass(frozen=True)
class CompletionSummary:
    people: int
    completed: int
    valid: int
    revoked: int
    superseded: int
    rendering: int
    guard: CollationGuard

    @property
    def refusal(self) -> str:
        return str(self.guard)


def completion_summary(programme: Programme) -> CompletionSummary:
    people = Completion.objects.filter(programme=programme).aggregate(
        people=Count("pk"), completed=Count("pk", filter=Q(completed=True))
    )
    Status = Certificate.Status
    certificates = Certificate.objects.filter(programme=programme).aggregate(
        valid=Count("pk", filter=Q(status=Status.VALID)),
        revoked=Count("pk", filter=Q(status=Status.REVOKED)),
        superseded=Count("pk", filter=Q(status=Status.SUPERSEDED)),
        rendering=Count("pk", filter=Q(rendered_at=None)),
    )
    return CompletionSummary(**people, **certificates, guard=collation_guard(programme))


def completions(
    programme: Programme, *, state: str = "", point_id: int | None = None, q: str = ""
) -> QuerySet[Completion]:
    """Everyone worked out for the programme, with their newest certificate, in name order."""
    rows = Completion.objects.filter(programme=programme).select_related("person__agency", "point")
    if state == "completed":
        rows = rows.filter(completed=True)
    elif state == "not_completed":
        rows = rows.filter(completed=False)
    if point_id is not None:
        rows = rows.filter(point_id=point_id)
    if q:
        rows = rows.filter(Q(person__full_name__icontains=q) | Q(person__email__icontains=q))
    return rows.order_by("person__sort_name", "person_id")


def certificates_by_person(programme: Programme, person_ids: list[int]) -> dict[int, Certificate]:
    """The newest certificate of each of these people (one query for a page of them)."""
    newest: dict[int, Certificate] = {}
    for certificate in Certificate.objects.filter(
        programme=programme, person_id__in=person_ids
    ).order_by("person_id", "version"):
        newest[certificate.person_id] = certificate
    return newest


def programme_points(programme: Programme) -> QuerySet[BridgePoint]:
    return (
        BridgePoint.objects.filter(
            participations__session__programme=programme, participations__removed_at=None
        )
        .distinct()
        .order_by("name")
    )


def latest_collation(programme: Programme) -> Collation | None:
    return (
        Collation.objects.filter(programme=programme, dry_run=False).select_related("point").first()
    )


def latest_dry_run(programme: Programme) -> Collation | None:
    return (
        Collation.objects.filter(programme=programme, dry_run=True).select_related("point").first()
    )


def get_sample_for(user: AbstractBaseUser, programme: Programme, collation_id: int) -> Collation:
    """A dry run's sample, for those who manage the programme's certificates only."""
    require_certificate_manager(user, programme)
    collation = Collation.objects.filter(pk=collation_id, programme=programme, dry_run=True).first()
    if collation is None or not collation.sample:
        raise Http404
    return collation


def dry_run_progress(collation: Collation | None) -> dict[str, object]:
    """A dry run's state and counts, as its box on the programme page shows them."""
    if collation is None:
        return {"active": False}
    percent = {
        Collation.Stage.COMPLETION: 5 if collation.status == Collation.Status.RUNNING else 0,
        Collation.Stage.SAMPLE: 80,
    }.get(collation.stage, 100)
    sample_url = (
        reverse("certificates:dry_run_sample", args=[collation.programme_id, collation.pk])
        if collation.sample
        else ""
    )
    return {
        "active": collation.is_active,
        "status": collation.status,
        "status_label": collation.get_status_display(),
        "stage_label": collation.get_stage_display(),
        "people": collation.people,
        "completed": collation.completed,
        "not_completed": collation.people - collation.completed,
        "to_issue": collation.to_issue,
        "percent": percent if collation.is_active else 100,
        "sample_url": sample_url,
        "error": collation.error,
        **{key: value for key, value in collation.outcome.items() if isinstance(value, int)},
    }


def collation_progress(collation: Collation | None) -> dict[str, object]:
    if collation is None:
        return {"active": False}
    rendering = Certificate.objects.filter(collation=collation).aggregate(
        total=Count("pk"), rendered=Count("pk", filter=~Q(rendered_at=None))
    )
    issued_share = collation.issued / collation.to_issue if collation.to_issue else 1
    if collation.stage == Collation.Stage.COMPLETION:
        percent = 5 if collation.status == Collation.Status.RUNNING else 0
    else:
        rendered_share = rendering["rendered"] / rendering["total"] if rendering["total"] else 1
        percent = round(10 + 40 * issued_share + 50 * rendered_share)
    busy = collation.is_active or rendering["rendered"] < rendering["total"]
    return {
        "active": busy,
        "status": collation.status,
        "status_label": collation.get_status_display(),
        "stage_label": collation.get_stage_display(),
        "people": collation.people,
        "completed": collation.completed,
        "to_issue": collation.to_issue,
        "issued": collation.issued,
        "rendered": rendering["rendered"],
        "to_render": rendering["total"],
        "percent": 100 if not busy and collation.status == Collation.Status.DONE else percent,
        "error": collation.error,
    }


def register(programme: Programme) -> QuerySet[Certificate]:
    """The issuing register (sổ cấp giấy chứng nhận): every version, in register order."""
    return (
        Certificate.objects.filter(programme=programme)
        .select_related("replaced_by")
        .order_by("register_year", "register_number")
    )


def get_certificate_for(user: AbstractBaseUser, certificate_id: int) -> Certificate:
    """A certificate its holder, an organiser over its programme, or a coordinator of its
    point may see; anyone else gets 404, as if it did not exist."""
    certificate = (
        Certificate.objects.select_related("programme__unit", "point__unit", "person")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None or not can_see(user, certificate):
        raise Http404
    return certificate


def can_see(user: AbstractBaseUser, certificate: Certificate) -> bool:
    scope = scope_for(user)
    if scope.person_id is not None and scope.person_id == certificate.person_id:
        return True
    if scope.is_organiser and scope.covers_unit(certificate.programme.unit):
        return True
    return (
        certificate.point_id is not None
        and certificate.point.coordinators.filter(pk=user.pk).exists()
    )


def my_certificates(user: AbstractBaseUser) -> QuerySet[Certificate]:
    scope = scope_for(user)
    if scope.person_id is None:
        return Certificate.objects.none()
    return (
        Certificate.objects.filter(person_id=scope.person_id)
        .select_related("programme")
        .order_by("-issued_at", "-pk")
    )


def my_shortfalls(user: AbstractBaseUser) -> QuerySet[Completion]:
    """Programmes the person took part in without completing, with the reason."""
    scope = scope_for(user)
    if scope.person_id is None:
        return Completion.objects.none()
    return Completion.objects.filter(person_id=scope.person_id, completed=False).select_related(
        "programme"
    )


def get_point_for(user: AbstractBaseUser, point_id: int) -> BridgePoint:
    """A point the user coordinates, or one under an organiser's scope."""
    point = BridgePoint.objects.select_related("unit").filter(pk=point_id).first()
    if point is None:
        raise Http404
    scope = scope_for(user)
    if scope.is_organiser and scope.covers_unit(point.unit):
        return point
    if point.coordinators.filter(pk=user.pk).exists():
        return point
    raise Http404


def point_programmes(point: BridgePoint) -> QuerySet[Programme]:
    """Programmes with certificates at the point, with how many are valid and printable."""
    return (
        Programme.objects.filter(certificates__point=point)
        .annotate(
            valid=Count(
                "certificates", filter=Q(certificates__point=point, certificates__status="valid")
            ),
            printable=Count(
                "certificates",
                filter=Q(
                    certificates__point=point,
                    certificates__status="valid",
                    certificates__rendered_at__isnull=False,
                ),
            ),
        )
        .distinct()
        .order_by("-year", "title")
    )


def printable_for(point: BridgePoint, programme_id: int) -> QuerySet[Certificate]:
    """The point's valid, rendered certificates of a programme, in name order."""
    return (
        Certificate.objects.filter(
            programme_id=programme_id, point=point, status=Certificate.Status.VALID
        )
        .exclude(rendered_at=None)
        .select_related("person", "programme")
        .order_by("person__sort_name", "pk")
    )


def point_prints(point: BridgePoint) -> QuerySet[CertificatePrint]:
    """The point's prints not yet expired, newest first."""
    return (
        CertificatePrint.objects.filter(point=point)
        .exclude(expires_at__lt=timezone.now())
        .select_related("programme")
        .order_by("-created_at", "-pk")[:20]
    )


def get_print_for(user: AbstractBaseUser, point_id: int, print_id: int) -> CertificatePrint:
    """A print of a point the user may see; for anyone else it does not exist."""
    point = get_point_for(user, point_id)
    job = CertificatePrint.objects.filter(pk=print_id, point=point).first()
    if job is None:
        raise Http404
    return job
