"""Mail merge at the level of MIME: the e-mails of a wave are laid out once and filled in.

A wave's e-mails differ only in their recipient, Message-ID, date, bodies, QR ticket and
calendar invitation; their structure, headers and the encoding of each part are the same.
Building and serialising each one with the `email` package cost about a sixth of a
reminder's CPU (its header folding and base64 of every part, and a new boundary regex for
every message).
So the first e-mail of each layout is built as Django builds it alone, and beside it one
with stand-ins in every place that varies; that one's bytes are cut at the stand-ins, and
the next e-mails are those pieces joined with their own values, encoded as the `email`
package encodes them. The layout is kept only if filling it in for the first e-mail gives
that e-mail's own bytes exactly, and an e-mail whose values could be encoded otherwise
(a long line, a boundary in its text, an address that needs encoding) is built alone.
"""

import base64
import dataclasses
import random
import re
from collections.abc import Callable
from email.utils import formatdate
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage

if TYPE_CHECKING:  # the channels use this module
    from .channels import Message

# Stand-ins: ASCII where the value is encoded as is, with a character outside ASCII where
# the part's transfer encoding depends on it (7bit for ASCII text, 8bit for the rest).
TO, MESSAGE_ID = "merge.to@merge.invalid", "<merge.id@merge.invalid>"
DATE = "Thu, 01 Jan 1970 00:00:00 -0000"
TEXT, TEXT_UTF8 = "merge.text", "merge.text\ue000"
HTML, HTML_UTF8 = "merge.html", "merge.html\ue000"
QR = b"merge.qr"
CALENDAR = b"merge.calendar"

# What the `email` package allows on a line of a text part sent as it is (Django sends
# longer ones quoted-printable), and on a header line it would not fold.
LONGEST_LINE, LONGEST_HEADER = 998, 78
LINE_BREAKS = re.compile(r"\r\n|\r|\n")
NOT_PLAIN = re.compile(r'[\s,;:<>()"\[\]\\]')

Build = Callable[["Message", dict[str, str]], EmailMessage]


def boundary() -> str:
    """A boundary of the kind the `email` package draws, for one sender's messages."""
    return f"{'=' * 15}{random.randrange(10**18):019d}merge=="  # not a secret


def serialise(email: EmailMessage, boundary: str) -> bytes:
    """The bytes Django's SMTP backend sends for `email`, with a given boundary (the
    `email` package would draw one of its own for every message)."""
    mime = email.message()
    for number, part in enumerate(mime.walk()):
        if part.is_multipart():
            part.set_boundary(f"{boundary}{number}")
    return mime.as_bytes(linesep="\r\n")


def _text(value: str) -> bytes:
    return LINE_BREAKS.sub("\r\n", value).encode()


def _base64(value: bytes) -> bytes:
    # As `email.encoders.encode_base64` writes it, less the line break the layout keeps.
    return base64.encodebytes(value).replace(b"\n", b"\r\n")[:-2]


@dataclasses.dataclass(frozen=True)
class Layout:
    """An e-mail's bytes cut where its values go: pieces and, between them, slot names."""

    pieces: tuple[bytes | str, ...]

    def fill(self, message: "Message", date: str) -> bytes:
        values = {
            "to": message.to.encode(),
            "message_id": message.message_id.encode(),
            "date": date.encode(),
            "text": _text(message.text),
            "html": _text(message.html),
            "qr": _base64(message.qr_png),
            "calendar": _base64(message.calendar),
        }
        return b"".join(values[p] if isinstance(p, str) else p for p in self.pieces)


def _stand_ins(message: "Message") -> tuple["Message", dict[bytes, str]]:
    """The message with stand-ins in its varying places, and each stand-in's bytes in the
    serialised e-mail, by the slot it marks."""
    text = TEXT if message.text.isascii() else TEXT_UTF8
    html = HTML if message.html.isascii() else HTML_UTF8
    laid_out = dataclasses.replace(
        message,
        to=TO,
        message_id=MESSAGE_ID,
        text=text,
        html=html if message.html else "",
        qr_png=QR if message.qr_png else b"",
        calendar=CALENDAR if message.calendar else b"",
    )
    marks = {
        TO.encode(): "to",
        MESSAGE_ID.encode(): "message_id",
        DATE.encode(): "date",
        text.encode(): "text",
    }
    if message.html:
        marks[html.encode()] = "html"
    if message.qr_png:
        marks[base64.b64encode(QR)] = "qr"
    if message.calendar:
        marks[base64.b64encode(CALENDAR)] = "calendar"
    return laid_out, marks


def _cut(raw: bytes, marks: dict[bytes, str]) -> tuple[bytes | str, ...] | None:
    """The serialised stand-in cut at each mark; None unless each is there exactly once."""
    if any(raw.count(mark) != 1 for mark in marks):
        return None
    pieces: list[bytes | str] = []
    start = 0
    for at, mark in sorted((raw.index(mark), mark) for mark in marks):
        pieces += [raw[start:at], marks[mark]]
        start = at + len(mark)
    pieces.append(raw[start:])
    return tuple(pieces)


def layout_key(message: "Message") -> tuple:
    """What an e-mail's layout depends on: all but the values `Layout.fill` fills in."""
    return (
        message.subject,
        message.text.isascii(),
        bool(message.html),
        message.html.isascii(),
        bool(message.qr_png),
        bool(message.calendar),
        message.calendar_method,
    )


def fits(message: "Message", boundary: str) -> bool:
    """Whether the `email` package would encode this message's values as a layout holds
    them: plain ASCII addresses and IDs on unfolded lines, text lines it sends as they
    are, and no boundary inside the text."""
    for name, value in (("To", message.to), ("Message-ID", message.message_id)):
        if (
            not value.isascii()
            or NOT_PLAIN.search(value.strip("<>"))
            or len(name) + 2 + len(value) > LONGEST_HEADER
        ):
            return False
    for body in (message.text, message.html):
        if boundary in body or any(
            len(line.encode()) > LONGEST_LINE for line in LINE_BREAKS.split(body)
        ):
            return False
    return True


class Merger:
    """One sender's layouts, made from the first e-mail of each and checked against it."""

    def __init__(self, build: Build) -> None:
        self._build = build
        self._boundary = boundary()
        self._layouts: dict[tuple, Layout | None] = {}

    def bytes_for(self, message: "Message") -> bytes | None:
        """The e-mail's bytes from its layout; None where it must be built alone."""
        if not fits(message, self._boundary):
            return None
        date = formatdate(localtime=settings.EMAIL_USE_LOCALTIME)
        key = layout_key(message)
        if key not in self._layouts:
            self._layouts[key] = self._lay_out(message, date)
        layout = self._layouts[key]
        return layout.fill(message, date) if layout else None

    def _lay_out(self, message: "Message", date: str) -> Layout | None:
        laid_out, marks = _stand_ins(message)
        template = serialise(self._build(laid_out, {"Date": DATE}), self._boundary)
        pieces = _cut(template, marks)
        if pieces is None:
            return None
        layout = Layout(pieces=pieces)
        alone = serialise(self._build(message, {"Date": date}), self._boundary)
        return layout if layout.fill(message, date) == alone else None
