"""Coverage reports, their exports and downloads. Over JSON, in the caller's scope.

Every report endpoint takes the same filters as the pages (`unit`, `programme`, `session`,
`date_from`, `date_to`, dates as dd/mm/yyyy or yyyy-mm-dd) and answers 400 for bad values
(`errors`, Vietnamese messages per field), 403 for a caller who is not an organiser, 404 for
a unit, programme or session out of scope. Exports are queued for a Celery worker and
followed by their id; an export is found only by its requester or an organiser whose scope
covers what it reports on.
"""

from ninja import Router

from .exports import router as exports_router
from .reports import router as reports_router
from .schemas import ExportFormat, ExportKind

__all__ = ["ExportFormat", "ExportKind", "router"]

router = Router(tags=["reports"])
router.add_router("", reports_router)
router.add_router("", exports_router)
