"""The network API under /api/network/: the same rules and scope as the pages."""

from django.core.files.uploadedfile import SimpleUploadedFile

from events.models import BridgePoint
from network.services.generate import generate_points
from tests import factories


def test_generate_counts_then_creates_for_a_national_organiser(client, today):
    client.force_login(factories.organiser(None))

    counted = client.post(
        "/api/network/generate",
        {"within_id": None, "level": "commune", "dry_run": True},
        content_type="application/json",
    )
    assert counted.json() == {"created": 3, "reactivated": 0, "already": 0, "saved": False}
    assert not BridgePoint.objects.exists()

    done = client.post(
        "/api/network/generate",
        {"level": "commune"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["created"] == 3
    again = client.post(
        "/api/network/generate", {"level": "commune"}, content_type="application/json"
    )
    assert again.json() == {"created": 0, "reactivated": 0, "already": 3, "saved": True}


def test_generate_refuses_outside_the_scope(client, today):
    client.force_login(factories.organiser(today["phu_tho"]))

    elsewhere = client.post(
        "/api/network/generate",
        {"within_id": today["vinh_long"].pk, "level": "commune"},
        content_type="application/json",
    )
    nationwide = client.post(
        "/api/network/generate", {"level": "commune"}, content_type="application/json"
    )
    former = client.post(
        "/api/network/generate",
        {"within_id": today["former"].pk, "level": "commune"},
        content_type="application/json",
    )

    assert elsewhere.status_code == 404 and elsewhere.json()["code"] == "not_found"
    assert nationwide.status_code == 403 and "toàn quốc" in nationwide.json()["message"]
    assert former.status_code == 404
    assert not BridgePoint.objects.exists()


def test_list_and_get_stay_within_the_scope(client, today):
    generate_points(actor=factories.organiser(None), within=None, level="commune")
    client.force_login(factories.organiser(today["phu_tho"]))

    listed = client.get("/api/network/points", {"coordinator": "without"}).json()
    assert {item["unit_code"] for item in listed["items"]} == {"08773", "08782"}
    assert all(item["has_coordinator"] is False for item in listed["items"])
    elsewhere = BridgePoint.objects.get(unit=today["long_ho"])
    assert client.get(f"/api/network/points/{elsewhere.pk}").status_code == 404
    edited = client.patch(
        f"/api/network/points/{elsewhere.pk}", {"room": "X"}, content_type="application/json"
    )
    assert edited.status_code == 404


def test_patch_edits_and_deactivates(client, today):
    generate_points(actor=factories.organiser(None), within=None, level="commune")
    point = BridgePoint.objects.get(unit=today["lang_cong"])
    client.force_login(factories.organiser(today["phu_tho"]))

    answer = client.patch(
        f"/api/network/points/{point.pk}",
        {"room": "Hội trường", "capacity": 70, "is_active": False},
        content_type="application/json",
    )

    assert answer.status_code == 200
    assert (answer.json()["room"], answer.json()["is_active"]) == ("Hội trường", False)
    point.refresh_from_db()
    assert (point.capacity, point.is_active) == (70, False)


def test_patch_with_null_clears_a_text_and_the_capacity(client, today):
    # the fuzzer found null in a text column a server error
    generate_points(actor=factories.organiser(None), within=None, level="commune")
    point = BridgePoint.objects.get(unit=today["lang_cong"])
    BridgePoint.objects.filter(pk=point.pk).update(equipment_notes="Màn LED", capacity=50)
    client.force_login(factories.organiser(today["phu_tho"]))

    answer = client.patch(
        f"/api/network/points/{point.pk}",
        {"equipment_notes": None, "room": None, "capacity": None},
        content_type="application/json",
    )

    assert answer.status_code == 200
    point.refresh_from_db()
    assert (point.equipment_notes, point.room, point.capacity) == ("", "", None)


def test_import_dry_run_then_save_and_refusals_in_the_error_shape(client, today):
    client.force_login(factories.organiser(today["phu_tho"]))
    good = "Mã đơn vị hành chính,Phòng họp\n08773,Hội trường\n".encode()

    checked = client.post(
        "/api/network/import",
        {"file": SimpleUploadedFile("p.csv", good), "dry_run": "true"},
    )
    assert checked.json()["created"] == 1 and checked.json()["saved"] is False
    assert not BridgePoint.objects.exists()

    saved = client.post("/api/network/import", {"file": SimpleUploadedFile("p.csv", good)})
    assert saved.json()["saved"] is True and BridgePoint.objects.count() == 1

    bad = client.post(
        "/api/network/import",
        {"file": SimpleUploadedFile("p.csv", "Mã đơn vị hành chính\n29551\n".encode())},
    )
    assert bad.status_code == 400
    assert bad.json()["errors"] == {
        "row 2: Mã đơn vị hành chính": ["Đơn vị này nằm ngoài phạm vi của bạn."]
    }
