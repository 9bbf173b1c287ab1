"""The JSON behind the bridge-point picker, within the caller's reach."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from common.params import id_or_none
from common.pickers import picker_results
from directory.access import staff_required
from directory.selectors import units_for

from .models import BridgePoint, SessionPoint
from .selectors import points_for


@staff_required
@require_GET
def pick_points(request: HttpRequest) -> JsonResponse:
    """Active points; ?within=<unit id> for those of a province or district, ?session= or
    ?programme=<id> for those taking part in it, ?all=1 to include deactivated ones."""
    points = points_for(request.user)
    if request.GET.get("all") != "1":
        points = points.filter(is_active=True)
    unit_id = id_or_none(request.GET.get("within"))
    if unit_id:
        unit = units_for(request.user).filter(pk=unit_id).first()
        points = points.filter(unit__path__startswith=unit.path) if unit else points.none()

    session_id = id_or_none(request.GET.get("session"))
    if session_id:
        # A point taken away from the session keeps its row; it is not offered.
        points = points.filter(
            participations__session_id=session_id, participations__removed_at=None
        )
    programme_id = id_or_none(request.GET.get("programme"))
    if programme_id:
        points = points.filter(
            pk__in=SessionPoint.objects.filter(session__programme_id=programme_id).values(
                "point_id"
            )
        )

    def hint(point: BridgePoint) -> str:
        former = f" · → {point.unit.valid_until:%d/%m/%Y}" if point.unit.valid_until else ""
        return f"{point.unit.name}{former}"

    return picker_results(
        request,
        points.order_by("unit__path", "name"),
        hint=hint,
        search=("name", "unit__name"),
    )
