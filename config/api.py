from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException, UnreadablePostError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ConfigError, HttpError
from ninja.errors import ValidationError as RequestInvalid
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.security import django_auth

from attendance.api import router as attendance_router
from attendance.api.audit import router as audit_router
from attendance.api.dashboard import router as dashboard_router
from attendance.api.devices import router as devices_router
from attendance.api.paper import router as paper_router
from common.api import BadInput, ErrorOut, GuardedParser, error_body, field_errors
from directory.api import router as directory_router
from events.api import router as events_router
from network.api import router as network_router
from reports.api import router as report_router
from surveys.api import router as survey_router
from training.api import router as training_router

JSON = "application/json"
# What any operation may answer besides its own answers, all in ErrorOut's shape.
SHARED_ANSWERS = {
    400: "A body that is not JSON, or values a rule of the service refuses (`errors`).",
    401: "Not signed in.",
    403: "Not allowed for the caller's role, or the CSRF token is missing (`csrf_failed`).",
    404: "Not found, or outside the caller's scope (the same answer).",
    422: "Values of the wrong type or out of bounds, NUL characters, numbers past the bigint, "
    "UTC offsets beyond ±15:59 (`errors` by field).",
}


class DocumentedErrors(OpenAPISchema):
    """Ninja's document, with the answers every operation shares, and one name per schema."""

    def responses(self, operation: Operation) -> dict[int, Any]:
        result = super().responses(operation)
        error = self._create_schema_from_model(
            operation._create_response_model(ErrorOut), mode="serialization"
        )[0]
        for status in self._shared(operation):
            answer = result.setdefault(status, {"description": SHARED_ANSWERS[status]})
            media = answer.setdefault("content", {}).setdefault(JSON, {})
            own = media.get("schema")
            media["schema"] = error if own in (None, error) else {"anyOf": [own, error]}
        return result

    @staticmethod
    def _shared(operation: Operation) -> list[int]:
        statuses = [400]
        if operation.models:
            statuses += [404, 422]
        if operation.auth_callbacks:
            statuses += [401, 403]
        return statuses

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, schema in definitions.items():
            if name in self.schemas and self.schemas[name] != schema:
                raise ConfigError(f"Two different schemas are named {name} in the API.")
        super().add_schema_definitions(definitions)


class DiemCauAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return DocumentedErrors(self, path_prefix)


api = DiemCauAPI(
    title="DiemCau API",
    version="1",
    description="Programmes, sessions, bridge points and check-in. Every call sees only "
    "what the signed-in user's scope reaches; out of scope answers 404. Every refusal that "
    "is not an operation's own answer has one shape (ErrorOut), with a Vietnamese message.",
    auth=django_auth,
    urls_namespace="api",
    parser=GuardedParser(),
)
api.add_router("/directory/", directory_router)
api.add_router("/training/", training_router)
api.add_router("/events/", events_router)
api.add_router("/network/", network_router)
api.add_router("/attendance/", attendance_router)
api.add_router("/attendance/", paper_router)
api.add_router("/attendance/", audit_router)
api.add_router("/attendance/", devices_router)
api.add_router("/surveys/", survey_router)
api.add_router("/reports/", report_router)
api.add_router("/dashboard/", dashboard_router)


@api.get("/health", auth=None, tags=["health"])
def health(request: HttpRequest) -> dict:
    """A trivial answer: load balancers probe it, and the check-in benchmark measures
    the server's own overhead with it."""
    return {"status": "ok"}


def refusal(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(request, error_body(code, message, errors).dict(), status=status)


@api.exception_handler(ValidationError)
def service_refused(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """Services raise Django's ValidationError; the API answers 400 with field messages."""
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return refusal(request, 400, "invalid", " ".join(error.messages), errors)


@api.exception_handler(RequestInvalid)
def request_invalid(request: HttpRequest, error: RequestInvalid) -> HttpResponse:
    return refusal(
        request, 422, "invalid", _("Some values are not valid."), field_errors(error.errors)
    )


@api.exception_handler(BadInput)
def bad_input(request: HttpRequest, error: BadInput) -> HttpResponse:
    return refusal(request, 422, "invalid", _("Some values are not valid."), error.errors)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return refusal(request, 403, "forbidden", str(error) or _("You may not do this."))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return refusal(request, 404, "not_found", _("Not found, or outside what your role may see."))


# A multipart body (with or without its boundary) is read as a form by the CSRF check, and
# can then be read neither as a form nor as JSON.
@api.exception_handler(MultiPartParserError)
@api.exception_handler(RawPostDataException)
@api.exception_handler(UnreadablePostError)
def not_json(request: HttpRequest, error: Exception) -> HttpResponse:
    message = _("The request body must be JSON (Content-Type: application/json).")
    return refusal(request, 400, "bad_request", message)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    """Ninja's own refusals (sign-in, CSRF, a body it cannot read, throttling) in our shape."""
    if isinstance(error.__cause__, BadInput):
        return bad_input(request, error.__cause__)
    if error.status_code == 400:
        return refusal(request, 400, "bad_request", _("The request body is not valid JSON."))
    if error.status_code == 401:
        return refusal(request, 401, "not_signed_in", _("Sign in first."))
    if error.status_code == 403 and "CSRF" in str(error):
        message = _("The page's security token (CSRF) is missing or out of date; reload it.")
        return refusal(request, 403, "csrf_failed", message)
    if error.status_code == 413:
        return refusal(request, 413, "too_large", str(error))
    if error.status_code == 429:
        return refusal(request, 429, "rate_limited", _("Too many requests; try again soon."))
    return refusal(request, error.status_code, "refused", str(error))
