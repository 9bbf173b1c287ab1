"""Mail merge: the e-mails of a wave are laid out once and filled in, and each one a relay
receives is byte for byte what Django would build for it alone (a real SMTP server on
loopback keeps the bytes)."""

import email
import email.policy

import pytest

from events.notices import merge
from events.notices.channels import EmailChannel, Message, build_email
from tests import smtp

CALENDAR = (
    b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:H\xe1\xbb\x99i ngh\xe1\xbb\x8b"
    b"\r\nATTENDEE;RSVP=FALSE:mailto:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


class RawInbox:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.append(envelope.original_content)
        return "250 Message accepted"


@pytest.fixture
def relay(settings):
    inbox = RawInbox()
    with smtp.relay(inbox, settings):
        yield inbox


def reminder(number: int, name: str, *, qr: bytes = b"\x89PNG\r\n\x1a\n-qr-") -> Message:
    address = f"dai-bieu-{number}@songlo.vinhphuc.gov.vn"
    link = f"https://diemcau.example/dang-nhap/{number}/?next=/phien/7/"
    return Message(
        to=address,
        subject="Nhắc lịch: Hội nghị tập huấn, 08:00, Thứ Hai, 14/12/2026",
        text=f"Kính gửi {name},\n\nMở thư mời của anh/chị: {link}\n\nTrân trọng.\n",
        html=f"<p>Kính gửi {name},</p>\r\n<p><a href='{link}'>Mở thư mời</a></p>",
        message_id=f"<notice.{number}.7a4c@diemcau.local>",
        calendar=CALENDAR % address.encode(),
        calendar_method="REQUEST",
        qr_png=qr + number.to_bytes(4, "big") * number,
    )


def as_built_alone(raw: bytes) -> bytes:
    """What Django builds for the message `raw` says it is, with its date and boundary."""
    parsed = email.message_from_bytes(raw)
    boundary = parsed.get_boundary()
    assert boundary.endswith("0")  # the first multipart of the e-mail
    return merge.serialise(
        build_email(SENT[parsed["Message-ID"]], {"Date": parsed["Date"]}), boundary[:-1]
    )


SENT: dict[str, Message] = {}


def send(messages: list[Message]) -> EmailChannel:
    channel = EmailChannel()
    for message in messages:
        SENT[message.message_id] = message
        channel.send(message)
    channel.close()
    return channel


def test_each_merged_email_is_the_bytes_django_builds_for_it_alone(relay):
    # given a point's people, their names as the templates would print them
    messages = [
        reminder(1, "Nguyễn Văn Mạnh"),
        reminder(2, 'Lê "Tí" <b>&amp; Cộng sự</b>'),
        reminder(3, "Trần Thị Ánh\rNgọc"),
        reminder(4, "Vy"),
        # and an English reader's reminder, all in ASCII: a layout of its own
        Message(
            to="guest@example.org",
            subject="Reminder: Training, 08:00, Monday, 14/12/2026",
            text="Dear guest,\nsee you there.\n",
            html="<p>Dear guest,</p>",
            message_id="<notice.5.7a4c@diemcau.local>",
        ),
    ]

    # when they go through one SMTP connection
    channel = send(messages)

    # then each arrives as it would have been built alone, and was merged, not built
    assert len(relay.received) == 5
    for raw in relay.received:
        assert raw.rstrip(b"\r\n") == as_built_alone(raw).rstrip(b"\r\n")
    layouts = channel._merger._layouts
    assert len(layouts) == 2 and all(layouts.values())


def test_mail_clients_read_a_merged_email_as_its_own(relay):
    send([reminder(1, "Nguyễn Văn Mạnh"), reminder(2, "Lê <Tí> & Tèo")])

    second = email.message_from_bytes(relay.received[1], policy=email.policy.default)
    assert second["To"] == "dai-bieu-2@songlo.vinhphuc.gov.vn"
    assert "Nhắc lịch: Hội nghị tập huấn" in second["Subject"]
    text = second.get_body(preferencelist=("plain",)).get_content()
    assert "Kính gửi Lê <Tí> & Tèo," in text
    html = second.get_body(preferencelist=("html",)).get_content()
    assert "Kính gửi Lê <Tí> & Tèo" in html
    image, invitation = (part for part in second.iter_attachments())
    assert image.get_content() == reminder(2, "").qr_png
    assert "mailto:dai-bieu-2@songlo.vinhphuc.gov.vn" in invitation.get_content()


def test_an_email_a_layout_cannot_hold_is_built_alone(relay):
    # a line longer than SMTP allows is sent quoted-printable, as Django does alone
    long_line = reminder(2, "Mạnh " * 300)

    send([reminder(1, "Mạnh"), long_line])

    assert merge.Merger(build_email).bytes_for(long_line) is None
    received = email.message_from_bytes(relay.received[1], policy=email.policy.default)
    assert "Mạnh " * 300 in received.get_body(preferencelist=("plain",)).get_content()


def test_a_layout_that_does_not_give_its_first_emails_bytes_is_not_used():
    def build_unlike_itself(message: Message, headers: dict[str, str]):
        email = build_email(message, headers)
        email.extra_headers["X-Drawn"] = str(id(email))  # differs for every build
        return email

    merger = merge.Merger(build_unlike_itself)

    assert merger.bytes_for(reminder(1, "Mạnh")) is None
    assert merger.bytes_for(reminder(2, "Ánh")) is None
