from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from attendance.api import router as attendance_router
from attendance.api.dashboard import router as dashboard_router
from directory.api import router as directory_router
from events.api import router as events_router
from reports.api import router as report_router
from surveys.api import router as survey_router
from training.api import router as training_router

api = NinjaAPI(
    title="DiemCau API",
    version="1",
    description="Programmes, sessions, bridge points and check-in. Every call sees only "
    "what the signed-in user's scope reaches; out of scope answers 404.",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/directory/", directory_router)
api.add_router("/training/", training_router)
api.add_router("/events/", events_router)
api.add_router("/attendance/", attendance_router)
api.add_router("/surveys/", survey_router)
api.add_router("/reports/", report_router)
api.add_router("/dashboard/", dashboard_router)


@api.get("/health", auth=None, tags=["health"])
def health(request: HttpRequest) -> dict:
    """A trivial answer: load balancers probe it, and the check-in benchmark measures
    the server's own overhead with it."""
    return {"status": "ok"}


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """Services raise Django's ValidationError; the API answers 400 with field messages."""
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return api.create_response(request, {"errors": errors}, status=400)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(error) or "Forbidden"}, status=403)
