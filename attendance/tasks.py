"""Celery tasks for certificates: thin, and safe to run twice."""

from celery import shared_task

from .services import certificates


@shared_task(ignore_result=True)
def collate(collation_id: int) -> None:
    """Work out completion and issue certificates for one collation run."""
    certificates.run_collation(collation_id)


@shared_task(ignore_result=True)
def render_certificates(ids: list[int]) -> int:
    """Render and store one chunk of certificates; rendered ones are skipped."""
    return certificates.render_certificates(ids)


@shared_task(ignore_result=True)
def sweep_certificates() -> dict[str, int]:
    """From beat: pick up what a lost task or a dead worker left."""
    return certificates.sweep()


@shared_task(ignore_result=True)
def run_report_export(export_id: int) -> None:
    """Write one report export's file, with progress; a finished one is left alone."""
    from .services import report_exports

    report_exports.run_export(export_id)


@shared_task(ignore_result=True)
def expire_report_exports() -> int:
    """From beat: delete old export files."""
    from .services import report_exports

    return report_exports.expire_exports()
