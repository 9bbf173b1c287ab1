"""The privacy notice (Decree 13/2023/NĐ-CP, Article 13: the data subject is told before
processing): readable without signing in, in Vietnamese, naming the body responsible, the
data, the purposes, the periods and whom to ask; linked wherever people meet the system
first: sign-in, the invitation (page and e-mail), the scanner, every page's footer."""

import pytest
from django.urls import reverse

from events.models import Notice
from events.notices.content import render
from tests.checkins import attendee_of

pytestmark = pytest.mark.django_db

NOTICE = reverse("privacy:notice")


def test_the_notice_is_readable_without_signing_in_and_says_what_the_decree_asks(client, settings):
    settings.PRIVACY_CONTROLLER = "Bộ Nội vụ (Vụ Cải cách hành chính)"
    settings.PRIVACY_CONTACT_EMAIL = "dulieucanhan@moha.gov.vn"
    settings.RETENTION_UPLOAD_DAYS = 30
    settings.RETENTION_SCAN_DEVICE_DAYS = 365
    settings.REPORT_EXPORT_KEEP_DAYS = 7

    response = client.get(NOTICE)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nghị định 13/2023/NĐ-CP" in page
    # who answers for the data, and how to reach them
    assert "Bộ Nội vụ (Vụ Cải cách hành chính)" in page
    assert "bên Kiểm soát và xử lý dữ liệu cá nhân" in page
    assert "mailto:dulieucanhan@moha.gov.vn" in page
    # what, why, how long, and the rights
    for words in (
        "Họ và tên, chức vụ, cơ quan",
        "mã định danh của điện thoại",
        "Mục đích",
        "30 ngày",
        "365 ngày",
        "7 ngày",
        "hồ sơ chính thức",
        "Điều 9",
        "Dữ liệu cá nhân của tôi",
    ):
        assert words in page, words
    assert reverse("sign_in_link_request") in page


def test_the_periods_on_the_notice_follow_the_settings(client, settings):
    settings.RETENTION_UPLOAD_DAYS = 14

    page = client.get(NOTICE).content.decode()

    assert "14 ngày" in page


def test_the_sign_in_pages_link_to_the_notice(client):
    for name in ("login", "sign_in_link_request"):
        page = client.get(reverse(name)).content.decode()
        # on the sign-in card itself, not only in the footer
        assert f'href="{NOTICE}"' in page.split("<footer")[0], name


def test_every_page_links_to_the_notice_in_its_footer(client):
    page = client.get(reverse("verify_lookup")).content.decode()

    footer = page[page.index("<footer") :]
    assert f'href="{NOTICE}"' in footer


def test_the_invitation_page_and_the_scanner_link_to_the_notice(client, rush):
    # the attendee's invitation
    client.force_login(attendee_of(rush.entries[0]))
    invitation = client.get(reverse("attendance:invitation", args=[rush.session.pk]))
    assert invitation.status_code == 200
    assert f'href="{NOTICE}"' in invitation.content.decode().split("<footer")[0]

    # the coordinator's scanner: the people scanned are told too, by the page in their hand
    client.force_login(rush.coordinator)
    scanner = client.get(reverse("attendance:scanner", args=[rush.song_lo.pk]))
    assert scanner.status_code == 200
    assert f'href="{NOTICE}"' in scanner.content.decode().split('id="scanner-i18n"')[0]


def test_the_invitation_email_links_to_the_notice(rush, settings):
    # given the invitation written when Mạnh was put on the roster
    settings.SITE_URL = "https://diemcau.example.vn"
    notice = Notice.objects.get(person=rush.people[0], kind=Notice.Kind.INVITATION)

    # when it is rendered for sending
    message = render(notice)

    # then its plain and HTML bodies both give the notice's full address
    address = f"https://diemcau.example.vn{NOTICE}"
    assert address in message.text
    assert f'href="{address}"' in message.html
    assert "Thông báo xử lý dữ liệu cá nhân" in message.text
