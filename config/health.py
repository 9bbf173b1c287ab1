"""/healthz: whether this web process answers and reaches its database.

Answered by a middleware placed first, before Django's host check and its HTTPS redirect:
the container's healthcheck asks over plain HTTP at 127.0.0.1, which ALLOWED_HOSTS refuses
and SECURE_SSL_REDIRECT would send to https. Teaching the healthcheck to pose as the proxy
(an allowed Host, X-Forwarded-Proto) would tie it to each deployment's host names; an
exact path whose answer is "ok" or "unavailable" tells nobody anything, whatever the host.

Redis is not asked: check-in and the pages go on while it is away (common.cache), so a
web process without it is still healthy.
"""

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse

PATH = "/healthz"

logger = logging.getLogger(__name__)


def healthz() -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("health check: the database does not answer: %s", error)
        answer = JsonResponse({"status": "unavailable"}, status=503)
    else:
        answer = JsonResponse({"status": "ok"})
    answer["Cache-Control"] = "no-store"
    return answer


class HealthCheckMiddleware:
    """Answers GET and HEAD of exactly /healthz; everything else goes on as usual."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == PATH and request.method in ("GET", "HEAD"):
            return healthz()
        return self.get_response(request)
