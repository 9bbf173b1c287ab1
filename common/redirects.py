"""Where a button sends someone back to: only ever a page of this site."""

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The posted `next` if it is a page of this site, else `fallback`. A bare prefix test
    ("starts with one slash") lets `/\\evil.example` through, which browsers read as `//`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def back_to(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    return redirect(safe_next(request, fallback))
