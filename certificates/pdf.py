"""The certificate as a PDF: A4 landscape, laid out as Vietnamese official certificates are.

Certificates are drawn as the pages of one document per batch and then split into one file
each, so the fonts are parsed and subset once per batch rather than once per certificate
(that alone costs ten times the drawing of a page).

A certificate's file is not stored: it is drawn again from its snapshot whenever it is
asked for, and must then be the very bytes whose SHA-256 was recorded when it was issued.
So a file depends on its own page only, never on the batch it was drawn in nor on the
clock: every font is subset to one fixed set of characters picked in one fixed order
(`CHARACTERS`), each file's objects are numbered afresh in the order they had, and its
dates and ID come from the certificate. Changing `CHARACTERS`, the layout or the fonts
changes the bytes of every certificate drawn again, and their recorded hashes then no longer
verify: such a change needs the old drawing kept for the certificates issued under it.
"""

import hashlib
import io
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from django.conf import settings
from fpdf import FPDF
from pypdf import PdfWriter

from attendance.badges import draw_qr

SERIF = "DejaVuSerif"
RED = (178, 34, 34)
INK = (20, 20, 20)
WIDTH, HEIGHT = 297, 210
FRAME = 9
# A fixed mask: choosing the best of eight would cost more than the rest of the page.
QR_MASK = 2
SAMPLE_MARK = "BẢN XEM THỬ — KHÔNG CÓ GIÁ TRỊ"
# Where a sample has its numbers: blank, as on an official form not yet filled in.
BLANK = "……………"
# The first word of a unit's name ("Tỉnh", "Thành phố", "Huyện", "Thị xã", "Xã", ...).
UNIT_WORDS = {"tỉnh", "thành", "huyện", "quận", "thị", "xã", "phường", "đặc"}


def _vietnamese_letters() -> str:
    vowels = "aăâeêioôơuưy"
    tones = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    lower = [unicodedata.normalize("NFC", v + t) for v in vowels for t in tones] + ["đ"]
    return "".join(lower) + "".join(letter.upper() for letter in lower)


# Every character a certificate is expected to print, in the order each font's subset
# numbers them. A page printing anything else is drawn in a document of its own, where the
# extra characters are numbered after these in the order that page uses them.
CHARACTERS = (
    "".join(chr(code) for code in range(0x21, 0x7F))
    + _vietnamese_letters()
    + "\u201c\u201d\u2018\u2019\u2013\u2014\u2026\u00b7"  # quotes, dashes, ellipsis, middle dot
)
_KNOWN = frozenset(CHARACTERS) | {" ", "\n"}


def vietnamese_date(day: date) -> str:
    """ "ngày 05 tháng 02 năm 2021": as administrative documents write dates, with a leading
    zero for days below 10 and for January and February (Nghị định 30/2020/NĐ-CP)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@dataclass(frozen=True)
class CertificatePage:
    """What one page shows: the certificate's snapshot, its numbers and where it verifies."""

    snapshot: dict
    serial: str
    register: str
    code: str
    verify_url: str
    stamp: Path | bytes | None = None
    signature: Path | bytes | None = None
    # A dry run's sample: no numbers, no code, no QR, and marked across as worthless.
    sample: bool = False
    # When it was issued: the file's creation and modification dates.
    issued_at: datetime | None = None

    def known_characters(self) -> bool:
        """Whether everything the page may print is in `CHARACTERS`."""
        texts = [self.serial, self.register, self.code, self.verify_url]
        texts += [value for value in self.snapshot.values() if isinstance(value, str)]
        return all(_KNOWN.issuperset(text) for text in texts)


def _document() -> FPDF:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0)
    fonts = settings.PDF_FONT_DIR
    pdf.add_font(SERIF, "", str(fonts / "DejaVuSerif.ttf"))
    pdf.add_font(SERIF, "B", str(fonts / "DejaVuSerif-Bold.ttf"))
    pdf.add_font(SERIF, "I", str(fonts / "DejaVuSerif-Italic.ttf"))
    for font in pdf.fonts.values():
        for character in CHARACTERS:
            font.subset.pick(ord(character))
    pdf.set_creator("DiemCau")
    return pdf


def _centred(pdf: FPDF, x: float, width: float, y: float, text: str, style: str, size: float):
    pdf.set_font(SERIF, style, size)
    while size > 7 and pdf.get_string_width(text) > width:
        size -= 0.5
        pdf.set_font(SERIF, style, size)
    pdf.set_xy(x, y)
    pdf.cell(width, size * 0.5, text, align="C")


def _underline(pdf: FPDF, x: float, width: float, y: float, text: str) -> None:
    length = min(pdf.get_string_width(text), width)
    pdf.set_line_width(0.3)
    pdf.line(x + (width - length) / 2, y, x + (width + length) / 2, y)


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*RED)
    pdf.set_line_width(1.2)
    pdf.rect(FRAME, FRAME, WIDTH - 2 * FRAME, HEIGHT - 2 * FRAME)
    pdf.set_line_width(0.3)
    pdf.rect(FRAME + 2.5, FRAME + 2.5, WIDTH - 2 * FRAME - 5, HEIGHT - 2 * FRAME - 5)
    pdf.set_draw_color(*INK)


def _page(pdf: FPDF, page: CertificatePage) -> None:
    pdf.add_page()
    _frame(pdf)
    pdf.set_text_color(*INK)
    _header(pdf, page)
    _statement(pdf, page.snapshot)
    if page.sample:
        _sample_note(pdf)
    else:
        _verification(pdf, page)
    _signature(pdf, page)
    if page.sample:
        _sample_mark(pdf)
    # fpdf2 starts a page with the line width and colours the last one ended with: back to
    # its defaults, so a page's drawing does not depend on the page before it.
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0)
    pdf.set_fill_color(0)
    pdf.set_text_color(0)


def _header(pdf: FPDF, page: CertificatePage) -> None:
    """The issuing body on the left, the national title and motto on the right."""
    left_x, left_w = 20, 110
    right_x, right_w = 140, 140
    _centred(pdf, left_x, left_w, 22, page.snapshot["issuing_body"].upper(), "B", 12)
    pdf.set_line_width(0.3)
    pdf.line(left_x + left_w / 2 - 15, 29, left_x + left_w / 2 + 15, 29)
    _centred(pdf, left_x, left_w, 32, f"Số: {page.serial or BLANK}", "", 11)
    _centred(pdf, right_x, right_w, 22, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 12)
    motto = "Độc lập - Tự do - Hạnh phúc"
    _centred(pdf, right_x, right_w, 28, motto, "B", 12.5)
    _underline(pdf, right_x, right_w, 34.5, motto)


def _statement(pdf: FPDF, snapshot: dict) -> None:
    """The title, and who completed which programme, when and where."""
    pdf.set_text_color(*RED)
    _centred(pdf, 20, WIDTH - 40, 46, "GIẤY CHỨNG NHẬN", "B", 30)
    pdf.set_text_color(*INK)
    _centred(pdf, 20, WIDTH - 40, 60, "HOÀN THÀNH CHƯƠNG TRÌNH TẬP HUẤN", "B", 14)

    _centred(pdf, 30, WIDTH - 60, 74, f"{snapshot['issuing_body']} chứng nhận:", "", 13)
    _centred(pdf, 30, WIDTH - 60, 84, f"Ông/Bà: {snapshot['full_name']}", "B", 20)
    if snapshot.get("agency"):
        _centred(pdf, 30, WIDTH - 60, 96, f"Đơn vị công tác: {snapshot['agency']}", "", 12.5)
    _centred(pdf, 30, WIDTH - 60, 105, "Đã tham gia và hoàn thành chương trình", "", 12.5)
    _centred(pdf, 30, WIDTH - 60, 113, f"“{snapshot['programme']}”", "B", 14)
    period = _period(snapshot)
    if period:
        _centred(pdf, 30, WIDTH - 60, 123, period + ".", "I", 12)


def _period(snapshot: dict) -> str:
    """When and where the programme was held, in the words of the certificate: the days of
    the sessions its holder attended (or the programme's, as its rule says), at the point."""
    parts = []
    if snapshot.get("first_day") and snapshot.get("last_day"):
        first = date.fromisoformat(snapshot["first_day"])
        last = date.fromisoformat(snapshot["last_day"])
        parts.append(
            f"tổ chức {vietnamese_date(first)}"
            if first == last
            else f"tổ chức từ {vietnamese_date(first)} đến {vietnamese_date(last)}"
        )
    point = snapshot.get("point") or ""
    if point:
        # Points are usually named "Điểm cầu ..." already, or by their unit ("Huyện Sông Lô"),
        # whose kind a sentence writes in lower case: "tại điểm cầu huyện Sông Lô".
        first_word = point.split()[0].casefold()
        if first_word == "điểm" or first_word in UNIT_WORDS:
            point = point[0].lower() + point[1:]
        named = point.casefold().startswith("điểm cầu")
        parts.append(f"tại {point}" if named else f"tại điểm cầu {point}")
    return ", ".join(parts)


def _verification(pdf: FPDF, page: CertificatePage) -> None:
    """Bottom left: the numbers and the QR code that opens the public verification page."""
    qr_size = 30
    draw_qr(pdf, page.verify_url, 24, HEIGHT - FRAME - 8 - qr_size - 14, qr_size, mask=QR_MASK)
    pdf.set_font(SERIF, "", 9.5)
    pdf.set_xy(58, HEIGHT - FRAME - 8 - qr_size - 12)
    grouped = "-".join(page.code[i : i + 4] for i in range(0, len(page.code), 4))
    lines = [
        f"Số hiệu: {page.serial}",
        f"Số vào sổ cấp: {page.register}",
        f"Mã xác minh: {grouped}",
        "Quét mã QR hoặc mở:",
    ]
    for line in lines:
        pdf.set_x(58)
        pdf.cell(80, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(SERIF, "", 7.5)
    pdf.set_x(58)
    pdf.cell(80, 4, page.verify_url)


def _sample_note(pdf: FPDF) -> None:
    """Bottom left of a sample, where the numbers and QR code go: why there are none."""
    pdf.set_font(SERIF, "I", 9.5)
    lines = [
        "Bản xem thử, chưa được cấp:",
        "số hiệu, số vào sổ cấp và mã xác minh",
        "chỉ có trên giấy chứng nhận chính thức.",
    ]
    pdf.set_xy(24, HEIGHT - FRAME - 8 - 30 - 12)
    for line in lines:
        pdf.set_x(24)
        pdf.cell(110, 5, line, new_x="LMARGIN", new_y="NEXT")


def _sample_mark(pdf: FPDF) -> None:
    """Across the page, over everything: what a sample is, so it is never taken for one."""
    pdf.set_text_color(*RED)
    with pdf.local_context(fill_opacity=0.4), pdf.rotation(27, x=WIDTH / 2, y=HEIGHT / 2):
        _centred(pdf, 0, WIDTH, HEIGHT / 2 - 9, SAMPLE_MARK, "B", 36)
    pdf.set_text_color(*INK)


def _signature(pdf: FPDF, page: CertificatePage) -> None:
    """Bottom right: place and date, the signer's title, signature, stamp and name."""
    snapshot = page.snapshot
    issued = date.fromisoformat(snapshot["issued_on"])
    place = snapshot.get("place") or ""
    dated = f"{place}, {vietnamese_date(issued)}" if place else vietnamese_date(issued).capitalize()
    sign_x, sign_w = 165, 110
    _centred(pdf, sign_x, sign_w, 136, dated, "I", 12)
    title_lines = [
        line for line in (snapshot.get("signer_title") or "").splitlines() if line.strip()
    ]
    y = 143
    for line in title_lines[:3]:
        _centred(pdf, sign_x, sign_w, y, line.upper(), "B", 12)
        y += 6
    if page.stamp is not None:
        pdf.image(_picture(page.stamp), x=sign_x + sign_w / 2 - 30, y=y - 2, w=28, h=28)
    if page.signature is not None:
        pdf.image(_picture(page.signature), x=sign_x + sign_w / 2 - 18, y=y + 2, w=36, h=18)
    if snapshot.get("signer_name"):
        _centred(pdf, sign_x, sign_w, 180, snapshot["signer_name"], "B", 13)


def _picture(image: Path | bytes) -> str | bytes:
    return image if isinstance(image, bytes) else str(image)


def render_sample(page: CertificatePage) -> bytes:
    """One sample page as a file of its own (a dry run's preview)."""
    pdf = _document()
    _page(pdf, page)
    pdf.set_title(f"{SAMPLE_MARK}: {page.snapshot.get('programme', '')}")
    return bytes(pdf.output())


def render_pages(pages: Sequence[CertificatePage]) -> list[bytes]:
    """One PDF file per page, in order; each the same bytes whichever batch it is drawn in."""
    files: dict[int, bytes] = {}
    batch = [index for index, page in enumerate(pages) if page.known_characters()]
    for group in [batch] + [[i] for i in range(len(pages)) if i not in set(batch)]:
        if group:
            drawn = _render_together([pages[i] for i in group])
            files.update(zip(group, drawn, strict=True))
    return [files[index] for index in range(len(pages))]


def render_page(page: CertificatePage) -> bytes:
    """One certificate's file, as `render_pages` draws it in any batch."""
    return render_pages([page])[0]


def _render_together(pages: Sequence[CertificatePage]) -> list[bytes]:
    pdf = _document()
    for page in pages:
        _page(pdf, page)
    return split_pages(bytes(pdf.output()), [_information(page) for page in pages])


def _information(page: CertificatePage) -> "FileInformation":
    return FileInformation(
        title=f"Giấy chứng nhận {page.serial}",
        issued_at=page.issued_at,
        identifier=hashlib.sha256(f"{page.serial}:{page.code}".encode()).digest()[:16],
    )


@dataclass(frozen=True)
class FileInformation:
    """What a split file says of itself, all of it from the certificate."""

    title: str
    issued_at: datetime | None = None
    identifier: bytes = b""

    def dictionary(self) -> bytes:
        entries = b"/Creator (DiemCau) /Title %s" % _pdf_text(self.title)
        if self.issued_at is not None:
            moment = b"(D:%sZ)" % self.issued_at.astimezone(UTC).strftime("%Y%m%d%H%M%S").encode()
            entries += b" /CreationDate %s /ModDate %s" % (moment, moment)
        return b"<< %s >>" % entries


_OBJECT = re.compile(rb"(\d+) 0 obj")
_REFERENCE = re.compile(rb"(\d+) 0 R")


def split_pages(document: bytes, titles: Sequence["str | FileInformation"]) -> list[bytes]:
    """The pages of a document as fpdf2 writes it (plain objects and an xref table), each
    as a file of its own that shares the fonts and images by copying their bytes.

    pypdf's page-by-page copy parses and re-serialises every font and image for every
    page, a third of a certificate's cost; here they are copied as they are, and only the
    page tree, catalogue and document information are written anew. A page's objects are
    numbered 1, 2, ... in the order they had: fpdf2 writes the pages' objects first, the
    fonts and images after, so a page gets the same numbers in any batch."""
    objects = _objects(document)
    references = {number: _references(body) for number, body in objects.items()}
    catalogue = next(n for n, body in objects.items() if b"/Type /Catalog" in _head(body))
    tree = next(n for n, body in objects.items() if b"/Type /Pages" in _head(body))
    kids = _KIDS.search(_head(objects[tree]))
    page_numbers = [int(n) for n in _REFERENCE.findall(kids.group(1))]
    if len(page_numbers) != len(titles):
        raise ValueError(f"{len(page_numbers)} pages drawn for {len(titles)} certificates")
    media_box = _MEDIA_BOX.search(_head(objects[tree])).group(0)
    header = document[: document.index(b"\n", document.index(b"\n") + 1) + 1]
    info = max(objects) + 1
    files = []
    for page, title in zip(page_numbers, titles, strict=True):
        information = title if isinstance(title, FileInformation) else FileInformation(title)
        needed = sorted(_reachable(page, references, skip={tree, catalogue}))
        number_of = {old: new for new, old in enumerate(needed, start=1)}
        own_tree, own_catalogue, own_info = (len(needed) + n for n in (1, 2, 3))
        number_of |= {tree: own_tree, catalogue: own_catalogue, info: own_info}
        out = bytearray(header)
        offsets = [len(out)]
        for old in needed:
            out += _renumbered(objects[old], number_of)
            offsets.append(len(out))
        for number, body in (
            (own_tree, b"<< /Count 1 /Kids [%d 0 R] %s /Type /Pages >>" % (1, media_box)),
            (own_catalogue, b"<< /Pages %d 0 R /Type /Catalog >>" % own_tree),
            (own_info, information.dictionary()),
        ):
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
            offsets.append(len(out))
        if number_of[page] != 1:
            raise ValueError("a page's own object is not the first it reaches")
        xref = offsets.pop()
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (own_info + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        identifier = b""
        if information.identifier:
            hexed = information.identifier.hex().upper().encode()
            identifier = b" /ID [<%s> <%s>]" % (hexed, hexed)
        out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
            own_info + 1,
            own_catalogue,
            own_info,
            identifier,
            xref,
        )
        files.append(bytes(out))
    return files


def _renumbered(body: bytes, number_of: dict[int, int]) -> bytes:
    """An object under its new number, its references (in its dictionary only: a
    stream's data is left as it is) to the new numbers of what they point to."""
    stream = body.find(b"stream")
    head, rest = (body, b"") if stream < 0 else (body[:stream], body[stream:])
    number, dictionary = head.split(b" 0 obj", 1)
    dictionary = _REFERENCE.sub(
        lambda match: b"%d 0 R" % number_of[int(match.group(1))], dictionary
    )
    return b"%d 0 obj%s%s" % (number_of[int(number)], dictionary, rest)


_KIDS = re.compile(rb"/Kids \[([^\]]*)\]")
_MEDIA_BOX = re.compile(rb"/MediaBox \[[^\]]*\]")


def _objects(document: bytes) -> dict[int, bytes]:
    """Each object's bytes, from "N 0 obj" to its "endobj", by the file's xref table."""
    start = int(document[document.rindex(b"startxref") + 9 :].split()[0])
    lines = iter(document[start : document.index(b"trailer", start)].splitlines())
    if next(lines).strip() != b"xref":
        raise ValueError("not a plain xref table")
    offsets = {}
    for header in lines:
        first, count = (int(part) for part in header.split())
        for number in range(first, first + count):
            entry = next(lines)
            if entry[17:18] == b"n":
                offsets[number] = int(entry[:10])
    bounds = [*sorted(offsets.values()), start]
    ends = dict(itertools.pairwise(bounds))
    objects = {}
    for number, offset in offsets.items():
        body = document[offset : ends[offset]]
        end = body.rindex(b"endobj") + len(b"endobj")
        if int(_OBJECT.match(body).group(1)) != number:
            raise ValueError(f"object {number} is not where the xref says")
        objects[number] = body[:end] + b"\n"
    return objects


def _head(body: bytes) -> bytes:
    """An object's dictionary: a stream's binary data can look like a reference."""
    stream = body.find(b"stream")
    return body if stream < 0 else body[:stream]


def _references(body: bytes) -> set[int]:
    return {int(number) for number in _REFERENCE.findall(_head(body).split(b"obj", 1)[1])}


def _reachable(start: int, references: dict[int, set[int]], skip: set[int]) -> set[int]:
    seen, todo = set(), [start]
    while todo:
        number = todo.pop()
        if number in seen or number in skip:
            continue
        seen.add(number)
        todo.extend(references.get(number, ()))
    return seen


def _pdf_text(text: str) -> bytes:
    """A PDF text string in UTF-16 with its byte-order mark, for the Vietnamese title."""
    return b"<" + (b"\xfe\xff" + text.encode("utf-16-be")).hex().upper().encode() + b">"


def empty_page() -> bytes:
    """An empty A4 page from the same library: the benchmark's yardstick."""
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.add_page()
    return bytes(pdf.output())


def merge(files: Sequence[bytes]) -> bytes:
    """Stored certificate files as one print-ready document."""
    writer = PdfWriter()
    for data in files:
        writer.append(io.BytesIO(data))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
