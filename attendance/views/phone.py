"""The paired phone's scanner: a page that needs no sign-in and opens with no network.

The page is the same shell for every phone (no name, no point, no token in it): the phone
fills it from what it keeps (its device token, its point's roster) and from the device API.
A service worker keeps the shell and every file it loads, so a phone that lost its network,
or reloads in a hall without one, still scans; a web app manifest lets the coordinator add
it to the home screen.
"""

import hashlib
import json
import re
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

ENTRY = "js/device/main.js"
# Loaded by the shell besides the modules (reached from ENTRY through their imports).
SHELL_FILES = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "css/diemcau.css",
    "css/scanner.css",
    "vendor/jsqr/jsQR.js",
    "favicon.svg",
)
IMPORT = re.compile(r"""^\s*(?:import|export)\b[^"';]*?\bfrom\s*["'](\.{1,2}/[^"']+)["']""", re.M)


def _source(name: str) -> bytes:
    path = finders.find(name)
    if path is None:
        raise FileNotFoundError(name)
    with open(path, "rb") as file:
        return file.read()


def _join(base: str, relative: str) -> str:
    parts = base.split("/")[:-1]
    for part in relative.split("/"):
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


@cache
def shell_files() -> tuple[tuple[str, ...], str]:
    """Every static file the phone's page loads (its modules found by their imports), and
    a version that changes whenever one of them does, so phones take the new ones."""
    names, todo = [], [ENTRY]
    while todo:
        name = todo.pop()
        if name in names:
            continue
        names.append(name)
        text = _source(name).decode()
        todo.extend(_join(name, relative) for relative in IMPORT.findall(text))
    names = sorted(names) + list(SHELL_FILES)
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0" + _source(name))
    return tuple(names), digest.hexdigest()[:16]


@require_GET
def phone_scanner(request: HttpRequest) -> HttpResponse:
    """The shell. Cached by the phone's service worker; asked again whenever online."""
    context = {
        "skew_limit": settings.CHECKIN_CLOCK_SKEW_SECONDS,
        "pair_url": reverse("attendance:device_pair"),
    }
    response = render(request, "attendance/phone_scanner.html", context)
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
@never_cache
def phone_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the shell's folder so that it may serve the shell."""
    names, version = shell_files()
    context = {
        "version": version,
        "shell": reverse("attendance:phone_scanner"),
        "files": json.dumps([static(name) for name in names]),
    }
    return render(
        request,
        "attendance/phone_worker.js",
        context,
        content_type="text/javascript; charset=utf-8",
    )


@require_GET
def phone_manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: the scanner as an app on the phone's home screen."""
    shell = reverse("attendance:phone_scanner")
    manifest = {
        "name": _("DiemCau scanner"),
        "short_name": _("Scanner"),
        "description": _("Checks delegates in at a bridge point, with or without a network."),
        "start_url": shell,
        "scope": shell,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "lang": "vi",
        "icons": [
            {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = HttpResponse(
        json.dumps(manifest, ensure_ascii=False), content_type="application/manifest+json"
    )
    response["Cache-Control"] = "no-cache"
    return response
