"""The printable sign-in sheet of a bridge point: A4, the roster in Vietnamese name order,
with a time and a signature on arrival and on leaving, for points without phones.

What people write on it is typed in afterwards (services.paper). The table's heading is
repeated on every page and each page is numbered "Trang 1/5"; blank numbered lines follow
the roster for people who come without being on it. Lines are drawn, not boxed cell by cell,
so that a national point's 2,000 people print in about a second.
"""

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from fpdf import FPDF

from events.models import SessionPoint
from events.states import clock_and_day

from .selectors.paper import SheetPerson
from .services.paper import EN_DASH

FONT = "DejaVu"
MARGIN = 10
BOTTOM = 14
ROW = 9.0
HEAD = 8.0
TEXT_SIZE = 8.5
SMALLEST_ON_ONE_LINE = 7.0
ON_TWO_LINES = 7.5
PAD = 1.0
# Lines left blank after the roster, for walk-ins.
BLANK_LINES = 10
# (heading, width in mm, alignment): 190 mm, the page less its margins.
COLUMNS = (
    ("STT", 9, "C"),
    ("Họ và tên", 42, "L"),
    ("Cơ quan/đơn vị", 40, "L"),
    ("Chức vụ", 25, "L"),
    ("Giờ đến", 14, "C"),
    ("Ký tên", 23, "C"),
    ("Giờ về", 14, "C"),
    ("Ký tên", 23, "C"),
)


def session_time(starts_at: datetime, ends_at: datetime) -> str:
    """ "08:00 to 11:30 ngày 11/12/2026" (with an en dash), or both moments in full when it
    spans days."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if start.date() == end.date():
        return f"{start:%H:%M} {EN_DASH} {end:%H:%M} ngày {start:%d/%m/%Y}"
    return f"từ {clock_and_day(start)} đến {clock_and_day(end)}"


class _Sheet(FPDF):
    def __init__(self, running_title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.running_title = running_title
        self.table_top: float | None = None
        self.set_auto_page_break(False)
        self.set_margins(MARGIN, MARGIN)
        self.add_font(FONT, "", str(settings.PDF_FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(settings.PDF_FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_font(FONT, "", TEXT_SIZE)
        self.widths = self.current_font.cw
        self.set_title("Danh sách ký tên")
        self.set_creator("DiemCau")

    def header(self) -> None:
        # The first page has the full heading instead, drawn by sign_in_sheet().
        if self.page_no() == 1:
            return
        self.set_font(FONT, "", 7.5)
        self.set_text_color(90, 90, 90)
        self.set_xy(MARGIN, MARGIN - 4)
        self.cell(self.epw, 4, _fit_line(self, self.running_title, self.epw - 2 * PAD, 7.5))
        self.set_text_color(0, 0, 0)
        self.set_y(MARGIN + 1)
        self.table_head()

    def footer(self) -> None:
        self.set_font(FONT, "", 8)
        self.set_xy(MARGIN, self.h - BOTTOM + 5)
        self.cell(self.epw, 4, f"Trang {self.page_no()}/{{nb}}", align="C")

    def table_head(self) -> None:
        top = self.get_y()
        self.set_font(FONT, "B", 8)
        self.set_fill_color(235, 235, 235)
        x = MARGIN
        for heading, width, _align in COLUMNS:
            self.set_xy(x, top)
            self.cell(width, HEAD, heading, border=1, align="C", fill=True)
            x += width
        # Back to the text's colour: text() wraps each string in its own state otherwise.
        self.set_fill_color(0, 0, 0)
        self.table_top = top + HEAD
        self.set_y(self.table_top)

    def close_table(self) -> None:
        """The columns' vertical lines, once per page, from the heading to the last line."""
        if self.table_top is None:
            return
        bottom = self.get_y()
        x = MARGIN
        self.line(x, self.table_top, x, bottom)
        for _heading, width, _align in COLUMNS:
            x += width
            self.line(x, self.table_top, x, bottom)
        self.table_top = None

    def line_of_table(self, values: Sequence[str]) -> None:
        if self.get_y() + ROW > self.h - BOTTOM:
            self.close_table()
            self.add_page()
        top = self.get_y()
        x = MARGIN
        for value, (_heading, width, align) in zip(values, COLUMNS, strict=False):
            if value:
                _text_in(self, x, top, width, value, align)
            x += width
        self.line(MARGIN, top + ROW, MARGIN + self.epw, top + ROW)
        self.set_y(top + ROW)


def _width(pdf: FPDF, text: str, size: float) -> float:
    """The width in mm of `text` in the regular face at `size`, from the font's own table:
    fpdf2's get_string_width() costs more than drawing the whole line."""
    return sum(pdf.widths[ord(c)] for c in text) * size * 0.001 / pdf.k


def _fit_line(pdf: FPDF, text: str, width: float, size: float) -> str:
    """`text` cut with an ellipsis to fit `width` at `size`."""
    if _width(pdf, text, size) <= width:
        return text
    room, used = width - _width(pdf, "…", size), 0.0
    for index, char in enumerate(text):
        used += _width(pdf, char, size)
        if used > room:
            return text[:index].rstrip() + "…"
    return text


def _two_lines(pdf: FPDF, text: str, width: float, size: float) -> tuple[str, str]:
    words = text.split()
    space, used = _width(pdf, " ", size), 0.0
    for count, word in enumerate(words):
        used += _width(pdf, word, size) + (space if count else 0)
        if used > width:
            break
    else:
        return text, ""
    if count == 0:  # one word longer than the column
        return _fit_line(pdf, text, width, size), ""
    return " ".join(words[:count]), _fit_line(pdf, " ".join(words[count:]), width, size)


def _put(pdf: FPDF, x: float, baseline: float, width: float, text: str, align: str, size: float):
    room = width - 2 * PAD
    left = x + PAD + ((room - _width(pdf, text, size)) / 2 if align == "C" else 0)
    pdf.text(left, baseline, text)


def _text_in(pdf: FPDF, x: float, top: float, width: float, text: str, align: str) -> None:
    """A cell's text on one line, a little smaller if it must be, else on two lines, cut
    if even that is too long: a name is never hidden under the next column."""
    room = width - 2 * PAD
    natural = _width(pdf, text, TEXT_SIZE)
    size = TEXT_SIZE if natural <= room else int(TEXT_SIZE * room / natural * 2) / 2
    if size >= SMALLEST_ON_ONE_LINE:
        pdf.set_font(FONT, "", size)
        _put(pdf, x, top + ROW / 2 + size / pdf.k * 0.35, width, text, align, size)
        return
    pdf.set_font(FONT, "", ON_TWO_LINES)
    first, second = _two_lines(pdf, text, room, ON_TWO_LINES)
    _put(pdf, x, top + ROW / 2 - 0.8, width, first, align, ON_TWO_LINES)
    _put(pdf, x, top + ROW - 1.3, width, second, align, ON_TWO_LINES)


def _title_block(pdf: _Sheet, participation: SessionPoint) -> None:
    session, point = participation.session, participation.point
    pdf.set_xy(MARGIN, MARGIN)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(pdf.epw, 7, "DANH SÁCH ĐẠI BIỂU THAM DỰ", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.cell(pdf.epw, 5, "(ký tên khi đến và khi về)", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(pdf.epw, 5.5, session.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    lines = [
        f"Thời gian: {session_time(session.starts_at, session.ends_at)}",
        f"Điểm cầu: {point.name}" + (f" · {point.room}" if point.room else ""),
        f"Đơn vị: {point.unit.name}",
    ]
    for line in lines:
        pdf.multi_cell(pdf.epw, 5, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _closing(pdf: _Sheet, people: int) -> None:
    """The note on the blank lines and the coordinator's signature, kept on one page."""
    if pdf.get_y() + 36 > pdf.h - BOTTOM:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FONT, "", 8.5)
    pdf.multi_cell(
        pdf.epw,
        4.5,
        f"Danh sách có {people} đại biểu. Đại biểu không có tên trong danh sách ghi vào các "
        "dòng trống: họ và tên, cơ quan/đơn vị, chức vụ, giờ đến, giờ về và ký tên.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    left = MARGIN + pdf.epw / 2
    pdf.set_x(left)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(pdf.epw / 2, 5, "CÁN BỘ ĐẦU MỐI ĐIỂM CẦU", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.cell(pdf.epw / 2, 5, "(Ký, ghi rõ họ tên)", align="C")


def sign_in_sheet(participation: SessionPoint, people: Sequence[SheetPerson]) -> bytes:
    """The sheet as a PDF: `people` in the order given (the roster's), then blank lines."""
    session, point = participation.session, participation.point
    pdf = _Sheet(f"{session.title} · {point.name} · {clock_and_day(session.starts_at)}")
    pdf.add_page()
    _title_block(pdf, participation)
    pdf.table_head()
    for number, person in enumerate(people, start=1):
        pdf.line_of_table([str(number), person.name, person.agency, person.position])
    for number in range(len(people) + 1, len(people) + BLANK_LINES + 1):
        pdf.line_of_table([str(number)])
    pdf.close_table()
    _closing(pdf, len(people))
    return bytes(pdf.output())
