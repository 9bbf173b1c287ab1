"""Completion and certificates: who completes and why, collation, numbers, versions,
revocation, the PDF read back as a person and a phone would read it, and who may see what.

The course (see conftest): two sessions of Vĩnh Phúc's programme, both required, at least
60 minutes at each. Mạnh, Dung and Thắng complete; Ánh left the second after 35 minutes;
Anh came to neither.
"""

import hashlib
import io
import re
import shutil
import subprocess
import zipfile
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from certificates.models import Certificate, Collation, Completion
from certificates.notices import CERTIFICATE_READY
from certificates.pdf import vietnamese_date
from certificates.services import bulk, issuing
from certificates.services import collation as certificates
from certificates.services.guards import collation_refusal
from events.models import Notice, RosterEntry
from events.services import close_session
from tests import factories
from tests.certificates.helpers import close_sessions, collate
from tests.checkins import attend, attendee_of
from training.services import close_programme, set_completion_rule

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext") or not shutil.which("pdftoppm"),
    reason="Debian's poppler-utils (pdftotext, pdftoppm) is not installed",
)
needs_zbar = pytest.mark.skipif(
    not shutil.which("zbarimg"), reason="Debian's zbar-tools (zbarimg) is not installed"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def render_all() -> int:
    return certificates.render_certificates(
        list(Certificate.objects.filter(rendered_at=None).values_list("pk", flat=True))
    )


def issued(course) -> dict[str, Certificate]:
    return {
        c.person.full_name: c
        for c in Certificate.objects.filter(programme=course.programme).select_related("person")
    }


def number(serial: str) -> int:
    return int(serial.rsplit("-", 1)[1])


# --- Completion ---------------------------------------------------------------------------


def test_completion_says_who_completes_and_why_the_others_do_not(course):
    collate(course)

    rows = {c.person.full_name: c for c in Completion.objects.filter(programme=course.programme)}
    assert {name for name, c in rows.items() if c.completed} == {
        "Nguyễn Văn Mạnh",
        "Đỗ Thị Dung",
        "Phạm Đức Thắng",
    }
    anh_t = rows["Trần Thị Ánh"]
    assert (anh_t.sessions_counted, anh_t.sessions_required) == (1, 2)
    assert anh_t.shortfall == "có mặt đủ 60 phút ở 1/2 hội nghị"
    assert rows["Lê Văn Anh"].minutes_present == 0
    assert rows["Lê Văn Anh"].point_id == course.rush.song_lo.point_id


def test_the_reason_gives_the_minutes_asked_at_each_session_not_a_misleading_total(course):
    collate(course)
    from django.utils import translation

    with translation.override("en"):
        anh = Completion.objects.get(person=course.people["anh_t"])
        anh.sessions_counted = 2  # had the minutes at both, but not the survey
        anh.survey_missing = True
        assert anh.shortfall == "survey not answered"
        absent = Completion.objects.get(person=course.people["anh"])
        assert absent.shortfall == "present at least 60 minutes at 0 of 2 sessions"


def test_one_of_two_sessions_is_enough_when_the_rule_says_so(course):
    set_completion_rule(
        actor=course.rush.organiser,
        programme=course.programme,
        required_sessions=1,
        min_minutes_present=60,
        require_on_time=False,
        require_survey=False,
    )
    collate(course)

    assert set(
        Completion.objects.filter(completed=True).values_list("person__full_name", flat=True)
    ) == {"Nguyễn Văn Mạnh", "Đỗ Thị Dung", "Phạm Đức Thắng", "Trần Thị Ánh"}


def test_arriving_late_does_not_count_when_on_time_arrival_is_required(course):
    set_completion_rule(
        actor=course.rush.organiser,
        programme=course.programme,
        required_sessions=None,
        min_minutes_present=0,
        require_on_time=True,
        require_survey=False,
    )
    collate(course)

    thang = Completion.objects.get(person=course.people["thang"])
    assert not thang.completed
    assert thang.late_sessions == 1


def test_a_programme_without_a_completion_rule_is_refused_clearly_and_nothing_is_issued(rush):
    programme = rush.session.programme
    assert not programme.has_completion_rule

    with pytest.raises(ValidationError) as refused:
        certificates.start_collation(actor=rush.organiser, programme=programme)

    assert "chưa có điều kiện hoàn thành" in str(refused.value)
    assert not Collation.objects.exists()
    assert not Certificate.objects.exists()


def test_a_survey_requirement_no_longer_refuses_collation(course):
    # Who lacks an answer is worked out in tests/surveys/test_surveys.py.
    close_sessions(course.first, course.second)
    course.programme.require_survey = True
    course.programme.save()

    assert collation_refusal(course.programme) == ""


def test_only_the_programmes_organisers_may_collate(course, network):
    outsider = factories.organiser(network.ben_tre, username="so-noi-vu-ben-tre")

    with pytest.raises(PermissionDenied):
        certificates.start_collation(actor=outsider, programme=course.programme)
    with pytest.raises(PermissionDenied):
        certificates.start_collation(actor=course.rush.coordinator, programme=course.programme)


# --- Collation and numbers ----------------------------------------------------------------


# COPY on PostgreSQL from a few hundred rows, bulk_create below and on SQLite: both here.
@pytest.mark.parametrize("copy_from_rows", [1, 10**9], ids=["copy", "bulk_create"])
def test_collation_issues_one_certificate_each_with_gapless_numbers_and_long_random_codes(
    course, monkeypatch, copy_from_rows
):
    monkeypatch.setattr(bulk, "COPY_FROM_ROWS", copy_from_rows)
    collation = collate(course)

    assert collation.status == Collation.Status.DONE
    assert (collation.people, collation.completed, collation.issued) == (5, 3, 3)
    certs = list(Certificate.objects.order_by("serial"))
    assert [c.serial for c in certs] == [
        "CCHC-VP-2021-000001",
        "CCHC-VP-2021-000002",
        "CCHC-VP-2021-000003",
    ]
    year = timezone.localdate().year
    assert sorted(c.register_label for c in certs) == [f"{n}/{year}" for n in (1, 2, 3)]
    for certificate in certs:
        # 20 base32 characters are 100 random bits; at least 80 are asked for.
        assert re.fullmatch(r"[A-Z2-7]{20}", certificate.code)
    assert len({c.code for c in certs}) == 3
    # Name order decides the numbers: Dung, Mạnh, Thắng.
    assert [c.snapshot["full_name"] for c in certs] == [
        "Đỗ Thị Dung",
        "Nguyễn Văn Mạnh",
        "Phạm Đức Thắng",
    ]


def test_running_collation_again_changes_nothing_that_did_not_change(course):
    collate(course)
    before = list(Certificate.objects.order_by("pk").values_list("pk", "serial", "code"))
    computed = dict(Completion.objects.values_list("person_id", "computed_at"))

    collate(course)

    assert list(Certificate.objects.order_by("pk").values_list("pk", "serial", "code")) == before
    assert dict(Completion.objects.values_list("person_id", "computed_at")) == computed


def test_someone_who_later_qualifies_gets_one_new_certificate_with_the_next_number(course):
    collate(course)
    anh = course.people["anh"]
    for entry in RosterEntry.objects.filter(person=anh):
        attend(entry, entry.session.starts_at)

    collate(course)
    collate(course)

    mine = Certificate.objects.get(person=anh)
    assert mine.serial == "CCHC-VP-2021-000004"
    assert Certificate.objects.count() == 4


def test_the_register_number_runs_per_issuing_body_and_year_across_programmes(course, rush):
    collate(course)
    other = factories.ProgrammeFactory(
        title="Bồi dưỡng kỹ năng số",
        code="kns-vp-2021",
        unit=course.programme.unit,
        issuing_body="  sở nội vụ tỉnh  Vĩnh Phúc ",
        created_by=rush.organiser,
    )
    person = course.people["manh"]
    grant = issuing._Grant(
        person_id=person.pk,
        entry_id=None,
        point_id=None,
        full_name=person.full_name,
        agency="",
        point="",
        sessions=1,
        minutes=120,
    )
    with transaction.atomic():
        issued = issuing._issue(
            other,
            [grant],
            actor=rush.organiser,
            collation=None,
            now=timezone.now(),
            base=issuing._snapshot_base(other, timezone.localdate().isoformat()),
        )

    assert issued == 1
    certificate = Certificate.objects.get(programme=other)
    assert certificate.serial == "KNS-VP-2021-000001"
    assert certificate.register_number == 4


def test_closing_the_last_open_session_starts_a_collation_and_closing_a_programme_too(course):
    close_session(actor=course.rush.organiser, session=course.first)
    assert not Collation.objects.exists()  # the second is still open: nothing yet, no error

    close_session(actor=course.rush.organiser, session=course.second)
    assert Collation.objects.filter(session=course.second).exists()

    Collation.objects.update(status=Collation.Status.DONE)
    close_programme(actor=course.rush.organiser, programme=course.programme)
    assert Collation.objects.filter(status=Collation.Status.QUEUED).count() == 1


def test_closing_a_session_of_a_programme_without_a_rule_issues_nothing_and_does_not_fail(rush):
    from tests.checkins import move_start_into_past

    session = move_start_into_past(rush.session, ago=timedelta(hours=4), length=timedelta(hours=2))
    close_session(actor=rush.organiser, session=session)

    assert not Collation.objects.exists()


# --- The PDF ------------------------------------------------------------------------------


def test_dates_are_written_as_official_documents_write_them():
    from datetime import date

    assert vietnamese_date(date(2021, 11, 23)) == "ngày 23 tháng 11 năm 2021"
    assert vietnamese_date(date(2021, 2, 5)) == "ngày 05 tháng 02 năm 2021"
    assert vietnamese_date(date(2021, 4, 5)) == "ngày 05 tháng 4 năm 2021"


@needs_poppler
@needs_zbar
def test_the_pdf_reads_back_with_diacritics_and_its_qr_code_opens_a_valid_verdict(
    course, client, tmp_path
):
    collate(course)
    assert render_all() == 3
    certificate = Certificate.objects.get(person=course.people["thang"])
    path = tmp_path / "thang.pdf"
    path.write_bytes(certificates.certificate_pdf(certificate))

    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Phạm Đức Thắng" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "GIẤY CHỨNG NHẬN" in text
    assert "Sở Nội vụ tỉnh Vĩnh Phúc" in text
    assert "Triển khai CCHC tỉnh Vĩnh Phúc 2021-2025" in text
    assert "Nguyễn Văn Khước" in text and "GIÁM ĐỐC" in text
    assert f"Vĩnh Phúc, {vietnamese_date(timezone.localdate())}" in text
    assert certificate.serial in text
    page = PdfReader(path).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)

    subprocess.run(["pdftoppm", "-png", "-r", "150", str(path), str(tmp_path / "page")], check=True)
    (image,) = tmp_path.glob("page*.png")
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert decoded == certificates.verify_url(certificate.code)

    answer = client.get(urlsplit(decoded).path)
    assert answer.status_code == 200
    assert 'data-state="valid"' in answer.content.decode()
    assert "Phạm Đức Thắng" in answer.content.decode()


def test_the_pdf_is_fingerprinted_once_and_not_stored(course, settings):
    collate(course)
    render_all()
    certificate = Certificate.objects.get(person=course.people["manh"])
    data = certificates.certificate_pdf(certificate)
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    assert not certificate.pdf
    assert not (settings.MEDIA_ROOT / "certificates").exists()

    assert certificates.render_certificates([certificate.pk]) == 0
    certificate.refresh_from_db()
    assert hashlib.sha256(certificates.certificate_pdf(certificate)).hexdigest() == (
        certificate.pdf_sha256
    )


def test_rendering_tells_each_attendee_through_the_outbox_with_a_link_to_their_certificates(
    course,
):
    from events.notices.content import render

    collate(course)
    render_all()

    notices = Notice.objects.filter(kind=CERTIFICATE_READY)
    assert notices.count() == 3
    notice = notices.get(person=course.people["manh"])
    message = render(notice)
    assert "Triển khai CCHC tỉnh Vĩnh Phúc 2021-2025" in message.subject
    assert "/accounts/link/sign-in/" in message.text
    assert not message.calendar and not message.qr_png


# --- Corrections, revocations, verification ------------------------------------------------


def test_a_correction_is_a_new_version_and_the_old_code_points_to_it(course, client):
    collate(course)
    render_all()
    old = Certificate.objects.get(person=course.people["dung"])
    old_hash, old_snapshot = old.pdf_sha256, dict(old.snapshot)

    new = certificates.reissue_certificate(
        actor=course.rush.organiser,
        certificate=old,
        full_name="Đỗ Thị Dung ",
        agency="Phòng Nội vụ huyện Sông Lô",
        reason="Sai tên đơn vị",
    )
    render_all()

    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == Certificate.Status.SUPERSEDED
    assert (old.pdf_sha256, old.snapshot) == (old_hash, old_snapshot)
    assert (new.version, new.replaces_id, new.status) == (2, old.pk, Certificate.Status.VALID)
    assert new.snapshot["agency"] == "Phòng Nội vụ huyện Sông Lô"
    assert new.serial == "CCHC-VP-2021-000004"

    answer = client.get(reverse("verify_certificate", args=[old.code]))
    body = answer.content.decode()
    assert 'data-state="superseded"' in body
    assert reverse("verify_certificate", args=[new.code]) in body


def test_a_correction_needs_a_name_and_a_reason(course):
    collate(course)
    certificate = Certificate.objects.first()

    with pytest.raises(ValidationError) as refused:
        certificates.reissue_certificate(
            actor=course.rush.organiser,
            certificate=certificate,
            full_name=" ",
            agency="",
            reason="",
        )
    assert set(refused.value.message_dict) == {"full_name", "reason"}
    assert Certificate.objects.count() == 3


def test_revoking_keeps_the_certificate_and_the_page_says_when_and_why(course, client):
    collate(course)
    certificate = Certificate.objects.get(person=course.people["manh"])

    with pytest.raises(ValidationError):
        certificates.revoke_certificate(
            actor=course.rush.organiser, certificate=certificate, reason="  "
        )
    certificates.revoke_certificate(
        actor=course.rush.organiser, certificate=certificate, reason="Không dự đủ thời lượng"
    )

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_at is not None
    body = client.get(reverse("verify_certificate", args=[certificate.code])).content.decode()
    assert 'data-state="revoked"' in body
    assert "Không dự đủ thời lượng" in body
    assert timezone.localtime(certificate.revoked_at).strftime("%d/%m/%Y") in body
    assert Certificate.objects.count() == 3


def test_unknown_and_tampered_codes_are_unknown_and_typing_is_forgiving(course, client):
    collate(course)
    certificate = Certificate.objects.first()
    tampered = ("A" if certificate.code[0] != "A" else "B") + certificate.code[1:]

    for code in ("KHONGCOMA", tampered, certificate.code[:-1], "x" * 300):
        answer = client.get(reverse("verify_certificate", args=[code]))
        assert answer.status_code == 404
        assert 'data-state="unknown"' in answer.content.decode()

    grouped = "-".join(certificate.code[i : i + 4] for i in range(0, 20, 4)).lower()
    lookup = client.get(reverse("verify_lookup"), {"code": grouped}, follow=True)
    assert 'data-state="valid"' in lookup.content.decode()


def test_the_public_page_shows_name_programme_date_and_issuer_but_no_contact(course, client):
    collate(course)
    person = course.people["manh"]
    person.email, person.phone = "manh.nv@songlo.vinhphuc.gov.vn", "0912345678"
    person.save()
    certificate = Certificate.objects.get(person=person)

    body = client.get(reverse("verify_certificate", args=[certificate.code])).content.decode()

    assert "Nguyễn Văn Mạnh" in body
    assert "Sở Nội vụ tỉnh Vĩnh Phúc" in body
    assert "manh.nv@" not in body and "0912345678" not in body


def test_an_uploaded_pdf_is_checked_against_the_stored_fingerprint(course, client):
    collate(course)
    render_all()
    certificate = Certificate.objects.get(person=course.people["manh"])
    url = reverse("verify_certificate", args=[certificate.code])
    original = certificates.certificate_pdf(certificate)

    same = client.post(url, {"file": io.BytesIO(original)}, format="multipart")
    changed = client.post(url, {"file": io.BytesIO(original.replace(b"Creator", b"Kreator"))})

    assert "alert-success py-2" in same.content.decode()
    assert "alert-danger py-2" in changed.content.decode()


def test_verification_is_rate_limited_per_address(course, client, settings):
    settings.VERIFY_RATE_PER_MINUTE = 3
    from django.core.cache import cache

    cache.clear()
    collate(course)
    url = reverse("verify_certificate", args=[Certificate.objects.first().code])

    answers = [client.get(url).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]


# --- Who may see what -----------------------------------------------------------------------


def test_a_certificate_downloads_for_its_holder_and_not_for_another_attendee(course, client):
    collate(course)
    render_all()
    mine = Certificate.objects.get(person=course.people["manh"])
    theirs = Certificate.objects.get(person=course.people["dung"])
    holder = attendee_of(RosterEntry.objects.filter(person=course.people["manh"]).first())
    client.force_login(holder)

    ok = client.get(reverse("certificates:certificate_file", args=[mine.pk]))
    assert ok.status_code == 200
    assert ok.content == certificates.certificate_pdf(mine)
    assert hashlib.sha256(ok.content).hexdigest() == mine.pdf_sha256
    assert client.get(reverse("certificates:certificate_file", args=[theirs.pk])).status_code == 404
    client.logout()
    anonymous = client.get(reverse("certificates:certificate_file", args=[mine.pk]))
    assert anonymous.status_code == 302


def test_coordinators_see_their_points_certificates_only(course, client):
    collate(course)
    render_all()
    song_lo = Certificate.objects.get(person=course.people["manh"])
    tam_dao = Certificate.objects.get(person=course.people["thang"])
    client.force_login(course.rush.coordinator)

    assert (
        client.get(reverse("certificates:certificate_file", args=[song_lo.pk])).status_code == 200
    )
    assert (
        client.get(reverse("certificates:certificate_file", args=[tam_dao.pk])).status_code == 404
    )
    other_point = reverse("certificates:point_certificates", args=[course.rush.tam_dao.point_id])
    assert client.get(other_point).status_code == 404


def test_a_coordinator_prints_one_pdf_or_a_zip_for_the_point(course, client):
    collate(course)
    render_all()
    point = course.rush.song_lo.point_id
    client.force_login(course.rush.coordinator)

    page = client.get(reverse("certificates:point_certificates", args=[point]))
    assert page.status_code == 200
    pdf = client.get(
        reverse("certificates:point_certificates_file", args=[point, course.programme.pk, "pdf"])
    )
    archive = client.get(
        reverse("certificates:point_certificates_file", args=[point, course.programme.pk, "zip"])
    )

    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 2  # Dung and Mạnh; Thắng is at Tam Đảo
    assert "Đỗ Thị Dung" in reader.pages[0].extract_text()
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert names == [
        "CCHC-VP-2021-000001-do-thi-dung.pdf",
        "CCHC-VP-2021-000002-nguyen-van-manh.pdf",
    ]


def test_my_certificates_lists_mine_and_says_why_a_programme_is_not_completed(course, client):
    collate(course)
    render_all()
    manh = attendee_of(RosterEntry.objects.filter(person=course.people["manh"]).first(), "manh")
    anh_t = attendee_of(RosterEntry.objects.filter(person=course.people["anh_t"]).first(), "anh")

    client.force_login(manh)
    mine = client.get(reverse("my_certificates")).content.decode()
    assert "CCHC-VP-2021-000002" in mine
    assert (
        certificates.verify_url(Certificate.objects.get(person=course.people["manh"]).code) in mine
    )

    client.force_login(anh_t)
    theirs = client.get(reverse("my_certificates")).content.decode()
    assert "CCHC-VP-2021" not in theirs
    assert "Có mặt đủ 60 phút ở 1/2 hội nghị" in theirs


# --- The organiser's pages ------------------------------------------------------------------


def test_the_organiser_sets_the_rule_and_collates_from_the_programme_page(rush, client):
    programme = rush.session.programme
    client.force_login(rush.organiser)
    url = reverse("certificates:programme_certificates", args=[programme.pk])

    refused = client.post(url, {"action": "collate"}, follow=True)
    assert not Collation.objects.exists()
    assert "chưa có điều kiện hoàn thành" in refused.content.decode()

    bad = client.post(
        url, {"action": "rule", "rule-required_sessions": "0", "rule-min_minutes_present": "-5"}
    )
    assert bad.status_code == 200
    programme.refresh_from_db()
    assert not programme.has_completion_rule

    client.post(
        url, {"action": "rule", "rule-required_sessions": "", "rule-min_minutes_present": "30"}
    )
    programme.refresh_from_db()
    assert programme.has_completion_rule and programme.min_minutes_present == 30

    # the session, still to come, is listed with a link instead of the button, and what
    # the design lacks is named with a link to its page
    page = client.get(url).content.decode()
    assert reverse("events:session_detail", args=[rush.session.pk]) in page
    assert "Xét và cấp giấy</button>" not in page
    assert "còn thiếu: địa danh nơi ký, chức vụ người ký, họ tên người ký" in page
    assert reverse("training:programme_design", args=[programme.pk]) in page

    from tests.checkins import move_start_into_past

    session = move_start_into_past(rush.session, ago=timedelta(hours=4), length=timedelta(hours=2))
    close_session(actor=rush.organiser, session=session)
    client.post(
        url,
        {
            "action": "design",
            "design-issuing_body": "Sở Nội vụ tỉnh Vĩnh Phúc",
            "design-signing_place": "Vĩnh Phúc",
            "design-signer_title": "GIÁM ĐỐC",
            "design-signer_name": "Nguyễn Văn Khước",
        },
    )
    assert "Xét và cấp giấy</button>" in client.get(url).content.decode()
    client.post(url, {"action": "collate"})
    assert Collation.objects.filter(programme=programme, requested_by=rush.organiser).exists()


def test_the_programme_page_costs_the_same_queries_for_few_or_many_people(
    course, client, django_assert_max_num_queries
):
    collate(course)
    render_all()
    client.force_login(course.rush.organiser)
    url = reverse("certificates:programme_certificates", args=[course.programme.pk])
    with django_assert_max_num_queries(30) as few:
        page = client.get(url).content.decode()
    report = reverse("reports:report_programme") + f"?programme={course.programme.pk}"
    assert report in page
    # twelve more on the closed session's roster, as an import before it closed left them
    RosterEntry.objects.bulk_create(
        RosterEntry(
            session=course.first,
            participation=course.rush.song_lo,
            person=person,
            source=RosterEntry.Source.IMPORT,
        )
        for person in factories.PersonFactory.create_batch(12, agency=course.people["manh"].agency)
    )
    collate(course)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_other_organisers_and_coordinators_cannot_open_the_programme_page(course, client, network):
    url = reverse("certificates:programme_certificates", args=[course.programme.pk])
    client.force_login(factories.organiser(network.ben_tre, username="ben-tre"))
    assert client.get(url).status_code == 404
    client.force_login(course.rush.coordinator)
    assert client.get(url).status_code == 403


def test_the_register_exports_to_xlsx_with_every_version_and_revocation(course, client):
    collate(course)
    certificate = Certificate.objects.get(person=course.people["manh"])
    certificates.revoke_certificate(
        actor=course.rush.organiser, certificate=certificate, reason="Cấp nhầm"
    )
    client.force_login(course.rush.organiser)

    answer = client.get(reverse("certificates:register_export", args=[course.programme.pk]))

    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("STT", "Số vào sổ", "Số hiệu", "Họ và tên")
    body = rows[2:]
    assert [row[2] for row in body] == [
        "CCHC-VP-2021-000001",
        "CCHC-VP-2021-000002",
        "CCHC-VP-2021-000003",
    ]
    assert "Cấp nhầm" in body[1][9]


def test_progress_answers_as_json_for_the_bar(course, client):
    collate(course)
    client.force_login(course.rush.organiser)

    progress = client.get(reverse("certificates:collation_progress", args=[course.programme.pk]))

    data = progress.json()
    assert (data["issued"], data["to_issue"], data["to_render"]) == (3, 3, 3)
    assert data["active"] is True  # PDFs still to render
    render_all()
    data = client.get(reverse("certificates:collation_progress", args=[course.programme.pk])).json()
    assert (data["active"], data["percent"]) == (False, 100)


def test_the_programmes_stamp_and_signature_are_drawn_on_new_certificates(course, client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    def png(colour: str) -> SimpleUploadedFile:
        buffer = io.BytesIO()
        Image.new("RGBA", (120, 120), colour).save(buffer, format="PNG")
        return SimpleUploadedFile(f"{colour}.png", buffer.getvalue(), content_type="image/png")

    client.force_login(course.rush.organiser)
    url = reverse("certificates:programme_certificates", args=[course.programme.pk])
    answer = client.post(
        url,
        {
            "action": "design",
            "design-issuing_body": "Sở Nội vụ tỉnh Vĩnh Phúc",
            "design-signing_place": "Vĩnh Yên",
            "design-signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
            "design-signer_name": "Trần Văn Tâm",
            "design-stamp_image": png("red"),
            "design-signature_image": png("blue"),
        },
    )
    assert answer.status_code == 302
    collate(course)
    render_all()

    first = Certificate.objects.first()
    page = PdfReader(io.BytesIO(certificates.certificate_pdf(first))).pages[0]
    assert len(page.images) == 2
    text = page.extract_text()
    assert "PHÓ GIÁM ĐỐC" in text and "Trần Văn Tâm" in text and "Vĩnh Yên, ngày" in text
