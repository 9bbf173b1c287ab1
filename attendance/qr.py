"""QR images: SVG for pages (sharp on any screen), a module matrix for PDFs."""

import re

import qrcode
import qrcode.image.svg

_ROOT_SIZE = re.compile(r'^<svg width="[^"]*" height="[^"]*"')


def qr_svg(text: str) -> str:
    """An inline SVG of the code; sized by its container."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    # Without a fixed size in millimetres the page's CSS decides how large it shows.
    svg = image.to_string(encoding="unicode")
    return _ROOT_SIZE.sub('<svg class="qr-code" role="img" shape-rendering="crispEdges"', svg)


def qr_matrix(text: str, *, mask: int | None = None) -> list[list[bool]]:
    """The code's modules with a quiet zone, for drawing as squares in a PDF.

    Trying all eight masks for the best one is most of the cost of making a code; a batch
    of printed certificates names one (any mask is valid, and readers handle them all)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, mask_pattern=mask
    )
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()
