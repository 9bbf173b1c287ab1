"""File downloads: one way to say "save this as", so every page names its files alike."""

import io

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from .spreadsheets import csv_writer


def attachment(content: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    """A response the browser saves under `filename` (non-ASCII names per RFC 6266)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def template_csv(
    file_name: str, columns: dict[str, tuple[str, ...]], example: tuple[str, ...]
) -> HttpResponse:
    """A CSV an import accepts: its Vietnamese headers and one example row."""
    buffer = io.StringIO()
    # A byte-order mark, so that Excel opens the Vietnamese letters as UTF-8.
    buffer.write("\ufeff")
    writer = csv_writer(buffer)
    writer.writerow(names[0] for names in columns.values())
    writer.writerow(example)
    return attachment(buffer.getvalue(), filename=file_name, content_type="text/csv; charset=utf-8")
