"""Programmes through the JSON API: the same scope and the same refusals as the pages."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from training.models import Material

from .conftest import EXE, HTML, PDF, png_bytes

pytestmark = pytest.mark.django_db
BASE = "/api/training/programmes"


def json_call(client, method, url, data):
    return getattr(client, method)(url, data, content_type="application/json")


def test_the_national_organiser_creates_edits_and_lists_a_programme(client, ministry_organiser):
    client.force_login(ministry_organiser)
    created = json_call(
        client,
        "post",
        BASE,
        {
            "title": "Tập huấn CCHC năm 2026",
            "code": "CCHC-2026",
            "year": 2026,
            "unit_id": factories.nation().pk,
            "issuing_body": "Bộ Nội vụ",
            "reform_areas": [1, 2],
        },
    )
    assert created.status_code == 201, created.content
    programme = created.json()
    url = f"{BASE}/{programme['id']}"
    edited = json_call(
        client,
        "patch",
        url,
        {"title": "Tập huấn CCHC 2026", "reform_areas": [3], "code": "CCHC-2026"},
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["title"] == "Tập huấn CCHC 2026"
    assert [area["number"] for area in edited.json()["reform_areas"]] == [3]
    listed = client.get(BASE, {"year": 2026, "status": "active", "q": "2026"}).json()
    assert [item["code"] for item in listed["items"]] == ["CCHC-2026"]


def test_the_code_cannot_be_changed_and_a_stale_edit_is_refused(
    client, ministry_organiser, national_programme
):
    client.force_login(ministry_organiser)
    url = f"{BASE}/{national_programme.pk}"
    refused = json_call(client, "patch", url, {"code": "KHAC"})
    assert refused.status_code == 400
    assert refused.json()["errors"]["code"] == [
        "Không thể đổi mã: số hiệu giấy chứng nhận có chứa mã này."
    ]
    stale = json_call(
        client, "patch", url, {"title": "Ghi đè", "expected_updated_at": "2020-01-01T00:00:00Z"}
    )
    assert stale.status_code == 400
    national_programme.refresh_from_db()
    assert national_programme.code == "CCHC-2026" and national_programme.title != "Ghi đè"


def test_out_of_scope_programmes_answer_404_everywhere(
    client, vinh_phuc_organiser, national_programme, ben_tre_programme
):
    client.force_login(vinh_phuc_organiser)
    for programme in (national_programme, ben_tre_programme):
        material = Material.objects.create(programme=programme, title="x", url="https://a.vn/")
        url = f"{BASE}/{programme.pk}"
        answers = [
            client.get(url),
            json_call(client, "patch", url, {"title": "x"}),
            client.get(f"{url}/materials"),
            client.post(f"{url}/materials", {"title": "x", "url": "https://a.vn/"}),
            client.delete(f"{url}/materials/{material.pk}"),
            json_call(client, "put", f"{url}/completion-rule", {"min_minutes_present": 1}),
            client.post(f"{url}/certificate-design", {"signer_name": "x"}),
        ]
        assert [answer.status_code for answer in answers] == [404] * 7
        assert all(answer.json()["code"] == "not_found" for answer in answers)
        assert Material.objects.filter(pk=material.pk).exists()


def test_a_coordinator_cannot_create_a_programme(client, network):
    client.force_login(factories.coordinator(network.vinh_phuc))
    response = json_call(
        client,
        "post",
        BASE,
        {
            "title": "x",
            "code": "X-1",
            "year": 2026,
            "unit_id": network.vinh_phuc.pk,
            "issuing_body": "x",
            "reform_areas": [1],
        },
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_materials_are_uploaded_listed_and_deleted(
    client, ministry_organiser, national_programme, django_capture_on_commit_callbacks
):
    client.force_login(ministry_organiser)
    url = f"{BASE}/{national_programme.pk}/materials"
    added = client.post(
        url,
        {
            "title": "Nghị quyết 76/NQ-CP",
            "kind": "legal_document",
            "document_number": "76/NQ-CP",
            "issued_on": "2021-07-15",
            "file": SimpleUploadedFile("Nghị quyết 76.pdf", PDF),
        },
    )
    assert added.status_code == 201, added.content
    material = added.json()
    assert material["file_name"] == "Nghị quyết 76.pdf"
    assert material["content_type"] == "application/pdf"
    assert material["download_url"] == f"/programmes/materials/{material['id']}/file/"
    assert client.get(material["download_url"])["Content-Type"] == "application/pdf"
    assert [item["id"] for item in client.get(url).json()] == [material["id"]]
    stored = Material.objects.get(pk=material["id"]).file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"{url}/{material['id']}").status_code == 204
    assert client.get(url).json() == []
    assert not default_storage.exists(stored)


@pytest.mark.parametrize(
    ("name", "content"), [("nghi-quyet.pdf", EXE), ("trang.html", HTML), ("trang.pdf", HTML)]
)
def test_the_api_refuses_the_files_the_page_refuses(
    client, ministry_organiser, national_programme, name, content
):
    client.force_login(ministry_organiser)
    response = client.post(
        f"{BASE}/{national_programme.pk}/materials",
        {"title": "x", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert response.json()["errors"]["file"]
    assert not national_programme.materials.exists()


def test_the_api_refuses_a_file_over_the_limit(
    client, ministry_organiser, national_programme, settings
):
    settings.MATERIAL_MAX_BYTES = 100
    client.force_login(ministry_organiser)
    response = client.post(
        f"{BASE}/{national_programme.pk}/materials",
        {"title": "x", "file": SimpleUploadedFile("a.pdf", PDF + b"%" * 100)},
    )
    assert response.status_code == 400
    assert "không được lưu" in response.json()["errors"]["file"][0]
    assert not national_programme.materials.exists()


def test_completion_rule_and_design_through_the_api(client, ministry_organiser, national_programme):
    client.force_login(ministry_organiser)
    url = f"{BASE}/{national_programme.pk}"
    rule = json_call(
        client,
        "put",
        f"{url}/completion-rule",
        {"required_sessions": 2, "min_minutes_present": 60, "require_survey": True},
    )
    assert rule.status_code == 200, rule.content
    assert rule.json()["completion_rule_set_at"]
    assert rule.json()["required_sessions"] == 2
    bad = json_call(client, "put", f"{url}/completion-rule", {"required_sessions": 0})
    assert bad.status_code == 422
    design = client.post(
        f"{url}/certificate-design",
        {
            "signer_name": "Nguyễn Văn A",
            "signing_place": "Hà Nội",
            "stamp_image": SimpleUploadedFile("dau.png", png_bytes()),
        },
    )
    assert design.status_code == 200, design.content
    assert design.json()["has_stamp_image"] and design.json()["signer_name"] == "Nguyễn Văn A"
    fake = client.post(
        f"{url}/certificate-design",
        {"signature_image": SimpleUploadedFile("ky.png", HTML)},
    )
    assert fake.status_code == 400
    assert fake.json()["errors"]["signature_image"]


def test_a_nul_in_a_multipart_field_is_refused_by_field(
    client, ministry_organiser, national_programme
):
    client.force_login(ministry_organiser)
    response = client.post(
        f"{BASE}/{national_programme.pk}/materials",
        {"title": "Nghị\x00quyết", "url": "https://vanban.chinhphu.vn/"},
    )
    assert response.status_code == 422
    assert "title" in response.json()["errors"]
    assert not national_programme.materials.exists()
