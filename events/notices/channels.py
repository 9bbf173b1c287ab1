"""Where notices leave the system: e-mail through Django's mail backend, or a pluggable
channel for SMS and chat apps (a console one ships for development).

Each channel raises `TemporaryFailure` when trying again later may work and
`PermanentFailure` when it will not, so the outbox retries only what is worth retrying.
"""

import logging
import smtplib
import sys
from dataclasses import dataclass
from email.mime.image import MIMEImage
from email.mime.text import MIMEText
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address

from .merge import Merger

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    temporary = False

    def __init__(self, problem: str, detail: str = "") -> None:
        super().__init__(detail or problem)
        self.problem = problem
        self.detail = detail[:500]


class TemporaryFailure(DeliveryError):
    temporary = True


class PermanentFailure(DeliveryError):
    pass


@dataclass
class Message:
    """One rendered notice, whatever the channel."""

    to: str
    subject: str
    text: str
    html: str = ""
    short_text: str = ""
    message_id: str = ""
    calendar: bytes = b""
    calendar_method: str = ""
    qr_png: bytes = b""


class Channel(Protocol):
    def send(self, message: Message) -> None: ...

    def close(self) -> None: ...


def classify_smtp_error(error: Exception) -> DeliveryError:
    """4xx answers and lost connections are worth retrying; 5xx answers are final."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = list(error.recipients.values())
        code, text = answers[0] if answers else (550, b"")
        detail = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    elif isinstance(error, smtplib.SMTPResponseException):
        code = error.smtp_code
        text = error.smtp_error
        detail = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    elif isinstance(error, (smtplib.SMTPException, OSError)):
        return TemporaryFailure("unavailable", f"{type(error).__name__}: {error}")
    else:
        return TemporaryFailure("error", f"{type(error).__name__}: {error}")
    if 400 <= code < 500:
        return TemporaryFailure("unavailable", detail)
    return PermanentFailure("refused", detail)


def build_email(message: Message, headers: dict[str, str] | None = None) -> EmailMultiAlternatives:
    """The e-mail Django sends for a message: text and HTML, the QR ticket shown inline,
    the calendar invitation attached."""
    email = EmailMultiAlternatives(
        message.subject,
        message.text,
        to=[message.to],
        headers={"Message-ID": message.message_id, **(headers or {})},
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    if message.qr_png:
        image = MIMEImage(message.qr_png, "png")
        image.add_header("Content-ID", "<qr>")
        image.add_header("Content-Disposition", "inline", filename="ma-qr.png")
        email.attach(image)
    if message.calendar:
        invite = MIMEText(message.calendar.decode(), "calendar", "utf-8")
        invite.set_param("method", message.calendar_method)
        name = "cancel.ics" if message.calendar_method == "CANCEL" else "invite.ics"
        invite.add_header("Content-Disposition", "attachment", filename=name)
        email.attach(invite)
    return email


class EmailChannel:
    """E-mail through the configured Django backend, one connection reused per batch.

    Through SMTP, the e-mails are mail-merged (`merge.Merger`): each is the bytes Django
    would send for it alone, laid out once for the messages alike."""

    def __init__(self) -> None:
        self._connection = None
        self._merger = Merger(build_email)

    def _open(self):
        if self._connection is None:
            # Opened here, so one SMTP session carries the whole chunk. Each SMTP step
            # is bounded so that a whole message (about seven steps) ends well inside
            # the claim's lease: a slow server must not let a second worker take it.
            step = min(settings.EMAIL_TIMEOUT or 20, settings.NOTICE_LEASE_SECONDS / 10)
            self._connection = get_connection(fail_silently=False, timeout=step)
            self._connection.open()
        return self._connection

    def send(self, message: Message) -> None:
        try:
            backend = self._open()
            raw = self._merger.bytes_for(message) if isinstance(backend, SmtpBackend) else None
            if raw is None:
                email = build_email(message)
                email.connection = backend
                email.send(fail_silently=False)
            else:
                encoding = settings.DEFAULT_CHARSET
                backend.connection.sendmail(
                    sanitize_address(settings.DEFAULT_FROM_EMAIL, encoding),
                    [sanitize_address(message.to, encoding)],
                    raw,
                )
        except Exception as error:
            failure = classify_smtp_error(error)
            if failure.temporary:
                # The connection may be half-dead: start the next message on a new one.
                self.close()
            raise failure from error

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # closing a broken connection may fail too
                logger.debug("closing the SMTP connection failed", exc_info=True)
            self._connection = None


class ConsoleSmsChannel:
    """Prints text messages instead of sending them: the development SMS gateway."""

    def send(self, message: Message) -> None:
        sys.stdout.write(f"[SMS to {message.to}] {message.short_text or message.subject}\n")
        sys.stdout.flush()

    def close(self) -> None:
        pass
