"""The issuing register (sổ cấp giấy chứng nhận) as a spreadsheet."""

from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from common.spreadsheets import workbook
from training.models import Programme

from .models import Certificate


def register_xlsx(programme: Programme, certificates: Iterable[Certificate]) -> bytes:
    """The issuing register (sổ cấp giấy chứng nhận), one line per certificate issued."""
    header = [
        _("No."),
        _("Register number"),
        _("Serial number"),
        _("Full name"),
        _("Agency"),
        _("Bridge point"),
        _("Issued on"),
        _("Version"),
        _("Status"),
        _("Notes"),
    ]

    def body() -> Iterator[list[object]]:
        for number, certificate in enumerate(certificates, start=1):
            snapshot = certificate.snapshot
            notes = certificate.correction_reason
            if certificate.status == Certificate.Status.REVOKED:
                notes = _("Revoked on %(day)s: %(reason)s") % {
                    "day": timezone.localtime(certificate.revoked_at).strftime("%d/%m/%Y"),
                    "reason": certificate.revocation_reason,
                }
            replaced_by = getattr(certificate, "replaced_by", None)
            if replaced_by is not None:
                notes = " ".join(
                    filter(
                        None, [notes, _("Replaced by %(serial)s") % {"serial": replaced_by.serial}]
                    )
                )
            yield [
                number,
                certificate.register_label,
                certificate.serial,
                snapshot.get("full_name", ""),
                snapshot.get("agency", ""),
                snapshot.get("point", ""),
                timezone.localtime(certificate.issued_at).strftime("%d/%m/%Y"),
                certificate.version,
                str(certificate.get_status_display()),
                notes,
            ]

    title = _("Certificate register: %(programme)s, %(body)s") % {
        "programme": programme.title,
        "body": programme.issuing_body,
    }
    return workbook(
        _("Register"), title, header, body(), widths={"C": 20, "D": 28, "E": 32, "F": 28, "J": 40}
    )
