"""The paired phone's scanner as an app: one shell for every phone, a service worker that
keeps it and every file it loads, and a manifest to install it."""

import json
import re

import pytest
from django.templatetags.static import static
from django.urls import reverse

from attendance.views.phone import shell_files

pytestmark = pytest.mark.django_db


def test_the_shell_opens_without_signing_in_and_names_nobody(client, rush):
    client.force_login(rush.coordinator)
    signed_in = client.get(reverse("attendance:phone_scanner"))
    client.logout()
    anonymous = client.get(reverse("attendance:phone_scanner"))

    assert anonymous.status_code == signed_in.status_code == 200
    # the same page for everyone, so a phone may keep it: no name, no token, no CSRF
    assert "csrfmiddlewaretoken" not in anonymous.content.decode()
    assert rush.coordinator.username not in signed_in.content.decode()
    assert signed_in["Cache-Control"] == "no-cache"
    assert 'rel="manifest"' in anonymous.content.decode()


def test_the_worker_keeps_the_shell_and_every_module_it_imports(client):
    worker = client.get(reverse("attendance:phone_worker")).content.decode()

    files = json.loads(re.search(r"const FILES = (\[.*?\]);", worker).group(1))
    names, version = shell_files()
    assert files == [static(name) for name in names]
    assert f'const SHELL = "{reverse("attendance:phone_scanner")}"' in worker
    assert version in worker
    # every module the page loads, found through the imports of its entry point
    for module in ("js/device/main.js", "js/scanner/batch.js", "js/scanner/text.js"):
        assert static(module) in files
    assert static("vendor/jsqr/jsQR.js") in files


def test_the_worker_is_served_from_the_shells_folder_and_never_kept_stale(client):
    response = client.get(reverse("attendance:phone_worker"))

    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    shell = reverse("attendance:phone_scanner")
    assert reverse("attendance:phone_worker").startswith(shell)


def test_the_manifest_installs_the_scanner_in_vietnamese(client):
    manifest = client.get(reverse("attendance:phone_manifest"))

    assert manifest["Content-Type"] == "application/manifest+json"
    data = json.loads(manifest.content)
    assert data["start_url"] == data["scope"] == reverse("attendance:phone_scanner")
    assert data["display"] == "standalone"
    assert data["name"] == "Máy quét DiemCau"
    assert data["icons"]


def test_the_device_roster_carries_the_window_texts_for_the_phone_offline(client, rush):
    from attendance.services.devices import claim_pairing, start_pairing

    pairing = start_pairing(actor=rush.coordinator, participation=rush.song_lo, name="Cửa Đông")
    token = claim_pairing(code=pairing.shown_code, client="127.0.0.1").token

    answer = client.get(reverse("api:device_roster"), headers={"Authorization": f"Bearer {token}"})

    assert set(answer.json()["texts"]) == {"not_open_yet", "open", "ended"}
