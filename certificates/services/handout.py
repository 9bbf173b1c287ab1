"""A bridge point's certificates in one file for its coordinator to hand out: one PDF to
print, or a ZIP of every person's own file."""

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from django.utils.text import slugify

from events.models import BridgePoint

from .. import pdf as certificate_pdf
from ..models import Certificate
from .rendering import certificate_pdfs

HandoutFormat = Literal["pdf", "zip"]
CONTENT_TYPES: dict[str, str] = {"pdf": "application/pdf", "zip": "application/zip"}


@dataclass(frozen=True)
class Handout:
    filename: str
    content: bytes
    content_type: str


def file_slug(text: str) -> str:
    """A file name part without diacritics; slugify alone drops đ, which is no accent."""
    return slugify(text.replace("đ", "d").replace("Đ", "D"))


def build_point_handout(
    *, point: BridgePoint, certificates: Sequence[Certificate], file_format: HandoutFormat
) -> Handout:
    """The certificates' PDFs, drawn again, in one file named after programme and point, in
    the order given; changes nothing."""
    if not certificates:
        raise ValueError("A handout needs at least one certificate.")
    base = f"giay-chung-nhan-{slugify(certificates[0].programme.code)}-{file_slug(point.name)}"
    files = list(zip(certificates, certificate_pdfs(certificates), strict=True))
    if file_format == "pdf":
        content = certificate_pdf.merge([data for _, data in files])
    else:
        content = _zipped(files)
    return Handout(
        filename=f"{base}.{file_format}",
        content=content,
        content_type=CONTENT_TYPES[file_format],
    )


def _zipped(files: Sequence[tuple[Certificate, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate, data in files:
            name = file_slug(certificate.snapshot.get("full_name", "")) or str(certificate.pk)
            archive.writestr(f"{certificate.serial}-{name}.pdf", data)
    return buffer.getvalue()
