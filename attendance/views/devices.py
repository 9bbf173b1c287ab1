"""Scanner phones: a coordinator pairs and revokes them; a phone claims its code."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from common.forms import add_service_errors
from directory.access import staff_required

from .. import selectors
from ..forms import ClaimDeviceForm, PairDeviceForm
from ..qr import qr_svg
from ..selectors import devices as device_selectors
from ..services import devices as device_services

PAIRING_KEY = "attendance.pairing"


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def point_devices(request: HttpRequest, participation_id: int) -> HttpResponse:
    """The point's phones, and a new one's code and QR while it waits for its phone.

    The code is kept in the coordinator's own session (the server keeps only its hash), so
    the page can show it again until the phone claims it, and a reload sends nothing twice.
    """
    participation = selectors.kept_participation(request.user, participation_id)
    form = PairDeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pairing = device_services.start_pairing(
                actor=request.user, participation=participation, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[PAIRING_KEY] = {"device": pairing.device.pk, "code": pairing.code}
            return redirect("attendance:point_devices", participation.pk)
    devices = device_selectors.point_devices(participation)
    pairing = _waiting(request, devices)
    pair_url = None
    if pairing is not None:
        pair_url = request.build_absolute_uri(reverse("attendance:device_pair"))
        pair_url = f"{pair_url}?code={pairing.code}"
    context = {
        "participation": participation,
        "session": participation.session,
        "devices": devices,
        "form": form,
        "pairing": pairing,
        "pair_url": pair_url,
        "pair_qr": qr_svg(pair_url) if pair_url else "",
        "pairing_minutes": settings.SCANNER_PAIRING_MINUTES,
    }
    return render(request, "attendance/devices.html", context)


def _waiting(request: HttpRequest, devices: list) -> device_services.Pairing | None:
    """The pairing this coordinator started here, while its phone has not claimed it."""
    kept = request.session.get(PAIRING_KEY)
    device = next((d for d in devices if kept and d.pk == kept["device"]), None)
    if device is None or device.pairing_expires_at is None:
        return None
    if device.pairing_expires_at < timezone.now() or device.revoked_at:
        return None
    return device_services.Pairing(device, kept["code"])


@staff_required
@require_POST
def device_revoke(request: HttpRequest, device_id: int) -> HttpResponse:
    device = device_selectors.kept_device(request.user, device_id)
    device_services.revoke_device(actor=request.user, device=device)
    messages.success(
        request, _("%(name)s is revoked: it can no longer sync scans.") % {"name": device.name}
    )
    return redirect("attendance:point_devices", device.participation_id)


@never_cache
@require_http_methods(["GET", "POST"])
def device_pair(request: HttpRequest) -> HttpResponse:
    """Opened on the phone, by scanning the coordinator's QR or typing the code. No sign-in:
    the code is the key, and it works once."""
    form = ClaimDeviceForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    claimed = None
    if request.method == "POST" and form.is_valid():
        try:
            claimed = device_services.claim_pairing(
                code=form.cleaned_data["code"], client=request.META.get("REMOTE_ADDR", "")
            )
        except ValidationError as error:
            add_service_errors(form, error)
    return render(request, "attendance/device_pair.html", {"form": form, "claimed": claimed})
