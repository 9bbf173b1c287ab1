"""The printable badge sheet of a bridge point: eight badges to an A4 page, each with the
person's QR ticket, for delegates who have no phone."""

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from fpdf import FPDF

from events.models import RosterEntry, SessionPoint

from .qr import qr_matrix
from .tickets import ticket_for

COLUMNS, ROWS = 2, 4
MARGIN = 10
FONT = "DejaVu"


def _pdf() -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN)
    pdf.add_font(FONT, "", str(settings.PDF_FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(settings.PDF_FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title("Thẻ đại biểu")
    pdf.set_creator("DiemCau")
    return pdf


def draw_qr(pdf: FPDF, text: str, x: float, y: float, size: float, *, mask: int | None = None):
    """The code as filled rectangles: sharp at any print size, and no image to embed. A run
    of dark modules that repeats on the rows below is drawn once, as one taller rectangle,
    and all of them are filled as one path (a certificate batch draws 200 codes, and
    fpdf2's rect() per module costs more than the rest of the page)."""
    matrix = qr_matrix(text, mask=mask)
    cell = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    scale, top = pdf.k, pdf.h
    path: list[str] = []
    open_runs: dict[tuple[int, int], int] = {}
    for row_index, row in enumerate([*matrix, []]):
        runs = set()
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            run = column
            while run < len(row) and row[run]:
                run += 1
            runs.add((column, run))
            column = run
        for (start, end), first_row in list(open_runs.items()):
            if (start, end) not in runs:
                left, upper = x + start * cell, y + first_row * cell
                width, height = (end - start) * cell, (row_index - first_row) * cell
                path.append(
                    f"{left * scale:.2f} {(top - upper) * scale:.2f} "
                    f"{width * scale:.2f} {-height * scale:.2f} re"
                )
                del open_runs[start, end]
        for run in runs:
            open_runs.setdefault(run, row_index)
    if path:
        # Page coordinates as rect() writes them: points, origin at the bottom left.
        pdf._out("\n".join(path) + "\nf")


def badge_sheet(participation: SessionPoint, entries: list[RosterEntry]) -> bytes:
    pdf = _pdf()
    session = participation.session
    when = date_format(timezone.localtime(session.starts_at), "d/m/Y H:i")
    width = (pdf.w - 2 * MARGIN) / COLUMNS
    height = (pdf.h - 2 * MARGIN) / ROWS
    qr_size = min(height - 16, width * 0.42)
    if not entries:
        pdf.add_page()
        pdf.set_font(FONT, "", 12)
        pdf.cell(text="Danh sách đại biểu của điểm cầu này đang trống.")
    for index, entry in enumerate(entries):
        if index % (COLUMNS * ROWS) == 0:
            pdf.add_page()
        slot = index % (COLUMNS * ROWS)
        x = MARGIN + (slot % COLUMNS) * width
        y = MARGIN + (slot // COLUMNS) * height
        pdf.set_draw_color(160, 160, 160)
        pdf.set_dash_pattern(dash=1, gap=1)
        pdf.rect(x, y, width, height)
        pdf.set_dash_pattern()
        pad = 4
        text_width = width - qr_size - 3 * pad
        pdf.set_xy(x + pad, y + pad)
        pdf.set_font(FONT, "", 7)
        pdf.multi_cell(text_width, 3.2, session.title[:140], new_x="LEFT", new_y="NEXT")
        pdf.set_x(x + pad)
        pdf.multi_cell(text_width, 3.2, when, new_x="LEFT", new_y="NEXT")
        pdf.ln(2)
        pdf.set_x(x + pad)
        # The name on one line: long names get a smaller type rather than a break.
        size = 13.0
        pdf.set_font(FONT, "B", size)
        room = text_width - 2 * pdf.c_margin
        while size > 7 and pdf.get_string_width(entry.person.full_name) > room:
            size -= 0.5
            pdf.set_font(FONT, "B", size)
        pdf.multi_cell(text_width, size * 0.45, entry.person.full_name, new_x="LEFT", new_y="NEXT")
        pdf.set_x(x + pad)
        pdf.set_font(FONT, "", 8)
        details = " · ".join(filter(None, [entry.person.position, entry.person.agency.name]))
        pdf.multi_cell(text_width, 3.6, details[:160], new_x="LEFT", new_y="NEXT")
        pdf.set_xy(x + pad, y + height - pad - 7)
        pdf.set_font(FONT, "", 7)
        pdf.multi_cell(text_width, 3.2, f"Điểm cầu: {participation.point.name}"[:120])
        ticket = ticket_for(entry.pk, entry.ticket_version)
        draw_qr(pdf, ticket, x + width - pad - qr_size, y + (height - qr_size) / 2, qr_size)
    return bytes(pdf.output())
