"""The organiser's programme pages: within scope, out-of-scope answers 404, files checked."""

from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories
from training.models import Material, Programme

from .conftest import EXE, HTML, PDF, jpeg_bytes, png_bytes

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def stored_files() -> list[str]:
    try:
        _dirs, files = default_storage.listdir("materials")
    except FileNotFoundError:
        return []
    return files


# --- create and edit -------------------------------------------------------------------


def test_the_national_organiser_creates_a_national_programme(client, ministry_organiser):
    # given
    nation = factories.nation()
    signed_in(client, ministry_organiser)
    # when
    response = client.post(
        reverse("training:programme_create"),
        {
            "title": "Tập huấn CCHC năm 2026",
            "code": "CCHC-2026",
            "year": 2026,
            "unit": nation.pk,
            "issuing_body": "Bộ Nội vụ",
            "reform_areas": ["1", "3"],
            "description": "Cho cán bộ cấp xã",
        },
    )
    # then
    programme = Programme.objects.get(code="CCHC-2026")
    assert response.status_code == 302
    assert response["Location"] == reverse("training:programme_detail", args=[programme.pk])
    assert programme.unit == nation
    assert sorted(a.number for a in programme.reform_areas.all()) == [1, 3]
    assert programme.created_by == ministry_organiser


def test_a_provincial_organiser_may_only_give_their_province(client, vinh_phuc_organiser, network):
    signed_in(client, vinh_phuc_organiser)
    page = client.get(reverse("training:programme_create")).content.decode()
    assert "Tỉnh Vĩnh Phúc" in page and "Việt Nam" not in page
    # a forged national unit is refused by the form and nothing is created
    response = client.post(
        reverse("training:programme_create"),
        {
            "title": "Chương trình giả",
            "code": "GIA-1",
            "year": 2026,
            "unit": factories.nation().pk,
            "issuing_body": "Bộ Nội vụ",
            "reform_areas": ["1"],
        },
    )
    assert response.status_code == 200
    assert not Programme.objects.filter(code="GIA-1").exists()


def test_creating_refuses_a_taken_code_without_areas_and_odd_years(
    client, ministry_organiser, national_programme
):
    signed_in(client, ministry_organiser)
    response = client.post(
        reverse("training:programme_create"),
        {
            "title": "Lặp mã",
            "code": "cchc-2026",
            "year": 1990,
            "unit": factories.nation().pk,
            "issuing_body": "Bộ Nội vụ",
        },
    )
    form = response.context["form"]
    assert set(form.errors) >= {"year", "reform_areas"}
    assert Programme.objects.count() == 1
    response = client.post(
        reverse("training:programme_create"),
        {
            "title": "Lặp mã",
            "code": "cchc-2026",
            "year": 2026,
            "unit": factories.nation().pk,
            "issuing_body": "Bộ Nội vụ",
            "reform_areas": ["2"],
        },
    )
    assert "code" in response.context["form"].errors
    assert Programme.objects.count() == 1


def test_editing_keeps_the_code_and_refuses_a_stale_page(
    client, ministry_organiser, national_programme
):
    signed_in(client, ministry_organiser)
    url = reverse("training:programme_edit", args=[national_programme.pk])
    opened = client.get(url).context["form"].initial["loaded_at"]
    data = {
        "title": "Tập huấn CCHC năm 2026 (sửa)",
        "year": 2026,
        "issuing_body": "Bộ Nội vụ",
        "reform_areas": ["2"],
        "status": "active",
        "loaded_at": opened,
        "code": "DOI-MA",
    }
    assert client.post(url, data).status_code == 302
    national_programme.refresh_from_db()
    assert national_programme.title.endswith("(sửa)")
    assert national_programme.code == "CCHC-2026"
    # the same page saved again, after the change above: refused
    response = client.post(url, {**data, "title": "Ghi đè"})
    assert response.status_code == 200
    assert "đã được người khác thay đổi" in response.content.decode()
    national_programme.refresh_from_db()
    assert national_programme.title.endswith("(sửa)")


def test_closing_from_the_edit_page_announces_the_close(
    client, ministry_organiser, national_programme
):
    from training.signals import programme_closed

    closed = []

    def listener(**kwargs):
        closed.append(kwargs["programme"].pk)

    programme_closed.connect(listener)
    try:
        signed_in(client, ministry_organiser)
        url = reverse("training:programme_edit", args=[national_programme.pk])
        initial = client.get(url).context["form"].initial
        client.post(url, {**initial, "reform_areas": ["1"], "status": "closed"})
    finally:
        programme_closed.disconnect(listener)
    national_programme.refresh_from_db()
    assert national_programme.status == "closed"
    assert closed == [national_programme.pk]


# --- scope -------------------------------------------------------------------------------


def programme_urls(programme, material=None):
    urls = [
        reverse("training:programme_detail", args=[programme.pk]),
        reverse("training:programme_edit", args=[programme.pk]),
        reverse("training:programme_rule", args=[programme.pk]),
        reverse("training:programme_design", args=[programme.pk]),
        reverse("training:material_add", args=[programme.pk]),
    ]
    if material is not None:
        urls.append(reverse("training:material_file", args=[material.pk]))
    return urls


def file_material(programme, name="Kế hoạch.pdf"):
    return Material.objects.create(
        programme=programme,
        title="Kế hoạch",
        file=SimpleUploadedFile(name, PDF),
        file_name=name,
        content_type="application/pdf",
        size=len(PDF),
    )


def test_a_provincial_organiser_sees_national_and_other_provinces_programmes_as_missing(
    client, vinh_phuc_organiser, national_programme, ben_tre_programme, vinh_phuc_programme
):
    signed_in(client, vinh_phuc_organiser)
    for programme in (national_programme, ben_tre_programme):
        material = file_material(programme)
        for url in programme_urls(programme, material):
            assert client.get(url).status_code == 404, url
        for url in programme_urls(programme)[1:]:
            assert client.post(url, {"title": "x"}).status_code == 404, url
        delete = reverse("training:material_delete", args=[programme.pk, material.pk])
        assert client.post(delete).status_code == 404
        assert Material.objects.filter(pk=material.pk).exists()
    # their own province's programme is theirs
    for url in programme_urls(vinh_phuc_programme, file_material(vinh_phuc_programme)):
        assert client.get(url).status_code == 200, url
    listed = client.get(reverse("training:programme_list")).content.decode()
    assert "Vĩnh Phúc" in listed and "Bến Tre" not in listed and "CCHC-2026" not in listed


def test_coordinators_and_attendees_cannot_manage_programmes(client, network, vinh_phuc_programme):
    coordinator = factories.coordinator(network.vinh_phuc)
    attendee = factories.UserFactory()
    factories.PersonFactory(user=attendee)
    for user in (coordinator, attendee):
        signed_in(client, user)
        assert client.get(reverse("training:programme_list")).status_code == 403
        assert client.get(reverse("training:programme_create")).status_code == 403
        for url in programme_urls(vinh_phuc_programme):
            assert client.get(url).status_code == 403, url
            assert client.post(url, {"title": "x"}).status_code == 403, url
    assert Programme.objects.get(pk=vinh_phuc_programme.pk).title == vinh_phuc_programme.title


def test_signed_out_visitors_are_sent_to_sign_in(client, vinh_phuc_programme):
    material = file_material(vinh_phuc_programme)
    for url in programme_urls(vinh_phuc_programme, material):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- materials ---------------------------------------------------------------------------


def add_material(client, programme, **fields):
    data = {"title": "Tài liệu", "kind": "legal_document", **fields}
    return client.post(reverse("training:material_add", args=[programme.pk]), data)


def test_an_uploaded_material_is_downloaded_under_its_own_name(
    client, ministry_organiser, national_programme
):
    # given
    signed_in(client, ministry_organiser)
    upload = SimpleUploadedFile("Nghị quyết 76-NQ-CP.pdf", PDF)
    # when
    response = add_material(
        client,
        national_programme,
        file=upload,
        document_number="76/NQ-CP",
        issued_on="2021-07-15",
    )
    # then
    assert response.status_code == 302
    material = national_programme.materials.get()
    assert material.issued_on == date(2021, 7, 15)
    assert material.file_name == "Nghị quyết 76-NQ-CP.pdf"
    assert "Nghị" not in material.file.name  # stored under a name of our own
    download = client.get(reverse("training:material_file", args=[material.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Ngh%E1%BB%8B%20quy%E1%BA%BFt%2076-NQ-CP.pdf" in disposition
    assert b"".join(download.streaming_content) == PDF
    detail = client.get(reverse("training:programme_detail", args=[national_programme.pk]))
    assert reverse("training:material_file", args=[material.pk]) in detail.content.decode()


def test_a_link_material_needs_no_file(client, ministry_organiser, national_programme):
    signed_in(client, ministry_organiser)
    response = add_material(client, national_programme, url="https://vanban.chinhphu.vn/")
    assert response.status_code == 302
    material = national_programme.materials.get()
    assert material.url == "https://vanban.chinhphu.vn/" and not material.file
    url = reverse("training:material_file", args=[material.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("Nghị quyết.pdf", EXE, "không phải là tệp PDF"),
        ("trang.pdf", HTML, "không phải là tệp PDF"),
        ("trang.html", HTML, "Chỉ nhận"),
        ("setup.exe", EXE, "Chỉ nhận"),
    ],
)
def test_executables_and_web_pages_are_refused_and_nothing_is_stored(
    client, ministry_organiser, national_programme, name, content, message
):
    signed_in(client, ministry_organiser)
    response = add_material(client, national_programme, file=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not national_programme.materials.exists()
    assert stored_files() == []


def test_a_file_over_the_material_limit_is_refused_and_not_stored(
    client, ministry_organiser, national_programme, settings
):
    # given a limit of 1 KB (the same check a 200 MB file meets against 25 MB)
    settings.MATERIAL_MAX_BYTES = 1024
    signed_in(client, ministry_organiser)
    exact = PDF + b"%" * (1024 - len(PDF))
    # when a file of exactly 1 KB and then one of a byte more are uploaded
    accepted = add_material(client, national_programme, file=SimpleUploadedFile("a.pdf", exact))
    refused = add_material(
        client, national_programme, file=SimpleUploadedFile("b.pdf", exact + b"%")
    )
    # then the first is kept, the second refused clearly and not stored
    assert accepted.status_code == 302
    assert refused.status_code == 200
    assert (
        "Tệp lớn hơn 0.000976562 MB nên không được lưu." in refused.context["form"].errors["file"]
    )
    assert national_programme.materials.count() == 1
    assert len(stored_files()) == 1


def test_a_file_past_every_limit_is_dropped_while_it_arrives(
    client, ministry_organiser, national_programme, settings
):
    # given uploads capped at 4 KB while they arrive (25 MB in production)
    settings.UPLOAD_MAX_BYTES = 4096
    settings.MATERIAL_MAX_BYTES = 4096
    signed_in(client, ministry_organiser)
    # when a larger file is sent
    big = SimpleUploadedFile("lon.pdf", PDF + b"%" * 10_000)
    response = add_material(client, national_programme, file=big)
    # then the page says it is too large, and nothing was kept
    assert response.status_code == 200
    assert any("lớn hơn" in error for error in response.context["form"].errors["file"])
    assert not national_programme.materials.exists()
    assert stored_files() == []


def test_a_material_needs_a_file_or_a_link_and_not_both(
    client, ministry_organiser, national_programme
):
    signed_in(client, ministry_organiser)
    response = add_material(client, national_programme)
    assert response.status_code == 200 and response.context["form"].errors
    response = add_material(
        client,
        national_programme,
        url="https://vanban.chinhphu.vn/",
        file=SimpleUploadedFile("a.pdf", PDF),
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not national_programme.materials.exists()
    assert stored_files() == []


def test_deleting_a_material_removes_its_file(
    client, ministry_organiser, national_programme, django_capture_on_commit_callbacks
):
    signed_in(client, ministry_organiser)
    material = file_material(national_programme)
    stored = material.file.name
    assert default_storage.exists(stored)
    url = reverse("training:material_delete", args=[national_programme.pk, material.pk])
    assert "Kế hoạch.pdf" in client.get(url).content.decode()  # asked first
    assert Material.objects.filter(pk=material.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("training:material_delete", args=[national_programme.pk, material.pk])
        )
    assert response.status_code == 302
    assert not Material.objects.filter(pk=material.pk).exists()
    assert not default_storage.exists(stored)


def test_staff_in_scope_download_and_others_get_404(
    client, network, national_programme, vinh_phuc_programme
):
    material = file_material(vinh_phuc_programme)
    url = reverse("training:material_file", args=[material.pk])
    signed_in(client, factories.coordinator(network.vinh_phuc))
    assert client.get(url).status_code == 200
    signed_in(client, factories.coordinator(network.ben_tre))
    assert client.get(url).status_code == 404
    signed_in(client, factories.UserFactory())
    assert client.get(url).status_code == 404


def test_people_who_see_a_session_download_its_programmes_files(client, upcoming):
    # given a file of the programme of a session at Sông Lô and Tam Đảo
    material = file_material(upcoming.session.programme)
    url = reverse("training:material_file", args=[material.pk])
    manh = factories.UserFactory()
    upcoming.manh.user = manh
    upcoming.manh.save()
    stranger = factories.UserFactory()
    factories.PersonFactory(user=stranger)
    # then a delegate on a roster and a point's coordinator download it, with no staff role
    # over the programme's province; someone on no roster of it gets 404
    for user, status in ((manh, 200), (upcoming.coordinator, 200), (stranger, 404)):
        signed_in(client, user)
        assert client.get(url).status_code == status
    # and the session page links to the download, not to the stored file
    signed_in(client, manh)
    page = client.get(reverse("events:session_detail", args=[upcoming.session.pk]))
    assert url in page.content.decode()
    assert material.file.name not in page.content.decode()


def test_another_app_can_vouch_for_readers(client, vinh_phuc_programme):
    from training import access

    attendee = factories.UserFactory()
    material = file_material(vinh_phuc_programme)
    url = reverse("training:material_file", args=[material.pk])

    def on_a_roster(user, programme):
        return user.pk == attendee.pk and programme.pk == vinh_phuc_programme.pk

    signed_in(client, attendee)
    assert client.get(url).status_code == 404
    access.provide_material_reader(on_a_roster)
    try:
        assert client.get(url).status_code == 200
    finally:
        access._readers.remove(on_a_roster)


# --- completion rule and certificate design ----------------------------------------------


def test_saving_the_completion_rule_sets_it(client, ministry_organiser, national_programme):
    signed_in(client, ministry_organiser)
    url = reverse("training:programme_rule", args=[national_programme.pk])
    response = client.post(
        url, {"required_sessions": "", "min_minutes_present": "90", "require_on_time": "on"}
    )
    assert response.status_code == 302
    national_programme.refresh_from_db()
    assert national_programme.has_completion_rule
    assert national_programme.required_sessions is None
    assert national_programme.min_minutes_present == 90
    assert national_programme.require_on_time and not national_programme.require_survey
    response = client.post(url, {"required_sessions": "0", "min_minutes_present": "99999"})
    assert set(response.context["form"].errors) == {"required_sessions", "min_minutes_present"}


def test_the_certificate_design_saves_what_certificates_print(
    client, ministry_organiser, national_programme
):
    signed_in(client, ministry_organiser)
    url = reverse("training:programme_design", args=[national_programme.pk])
    response = client.post(
        url,
        {
            "issuing_body": "Bộ Nội vụ",
            "signing_place": "Hà Nội",
            "signer_title": "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG",
            "signer_name": "Nguyễn Văn A",
            "stamp_image": SimpleUploadedFile("dau.png", png_bytes()),
            "signature_image": SimpleUploadedFile("chu ky.jpg", jpeg_bytes()),
        },
    )
    assert response.status_code == 302
    national_programme.refresh_from_db()
    assert national_programme.signer_name == "Nguyễn Văn A"
    assert national_programme.signing_place == "Hà Nội"
    assert national_programme.stamp_image.name.startswith("programmes/stamps/")
    preview = client.get(reverse("training:programme_image", args=[national_programme.pk, "stamp"]))
    assert preview["Content-Type"] == "image/png"
    assert b"".join(preview.streaming_content) == png_bytes()
    # removing the signature keeps the stamp
    client.post(url, {"issuing_body": "Bộ Nội vụ", "remove_signature_image": "on"})
    national_programme.refresh_from_db()
    assert national_programme.stamp_image and not national_programme.signature_image


def test_a_fake_stamp_image_is_refused(client, ministry_organiser, national_programme):
    signed_in(client, ministry_organiser)
    url = reverse("training:programme_design", args=[national_programme.pk])
    response = client.post(
        url,
        {
            "issuing_body": "Bộ Nội vụ",
            "signer_name": "Người khác",
            "stamp_image": SimpleUploadedFile("dau.png", HTML),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["stamp_image"]
    national_programme.refresh_from_db()
    assert national_programme.signer_name == "" and not national_programme.stamp_image


# --- the list ----------------------------------------------------------------------------


def test_the_list_filters_and_its_queries_do_not_grow(
    client, ministry_organiser, network, django_assert_max_num_queries
):
    signed_in(client, ministry_organiser)
    for index in range(3):
        factories.ProgrammeFactory(code=f"A-{index}", year=2025)
    url = reverse("training:programme_list")
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for index in range(30):
        programme = factories.ProgrammeFactory(code=f"B-{index}", year=2026, title=f"Lớp {index}")
        file_material(programme)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 25
    found = client.get(url, {"year": "2025"}).context["page"].paginator.count
    assert found == 3
    assert client.get(url, {"q": "lớp 1"}).context["page"].paginator.count == 11
    assert client.get(url, {"status": "closed"}).context["page"].paginator.count == 0


def test_the_certificates_page_refuses_what_the_design_service_refuses(
    client, vinh_phuc_organiser, vinh_phuc_programme
):
    # given a GIF, which Django's image field accepts and certificates do not print
    import io

    from PIL import Image

    gif = io.BytesIO()
    Image.new("RGB", (20, 20)).save(gif, "GIF")
    signed_in(client, vinh_phuc_organiser)
    # when it is sent as the stamp from the certificates page
    response = client.post(
        reverse("certificates:programme_design", args=[vinh_phuc_programme.pk]),
        {
            "design-issuing_body": "Sở Nội vụ tỉnh Vĩnh Phúc",
            "design-stamp_image": SimpleUploadedFile("dau.gif", gif.getvalue()),
        },
    )
    # then the page says why, and nothing changed
    assert response.status_code == 200
    assert response.context["design_form"].errors["stamp_image"] == ["Tải lên ảnh PNG hoặc JPEG."]
    vinh_phuc_programme.refresh_from_db()
    assert not vinh_phuc_programme.stamp_image


def test_the_detail_page_queries_do_not_grow_with_materials(
    client, ministry_organiser, national_programme, django_assert_max_num_queries
):
    signed_in(client, ministry_organiser)
    url = reverse("training:programme_detail", args=[national_programme.pk])
    file_material(national_programme)
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    for index in range(30):
        file_material(national_programme, name=f"Tài liệu {index}.pdf")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("/file/") == 31
