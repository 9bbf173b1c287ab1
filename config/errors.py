"""The page a form refused for its CSRF token gets (settings.CSRF_FAILURE_VIEW).

Django's own is in English and speaks of headers and cookies; here the person is told, in
the site's language and layout, what to do: reload the page they came from and send again.
The other error pages are Django's own handlers with the templates in templates/.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # `reason` names the check that failed: it is logged by the CSRF middleware and means
    # nothing to the person, so the page leaves it out.
    return render(request, "403_csrf.html", {"back_to": _page_sent_from(request)}, status=403)


def _page_sent_from(request: HttpRequest) -> str:
    """The page of this site the form was on, to reload; empty if the browser did not say
    or named another site."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""
