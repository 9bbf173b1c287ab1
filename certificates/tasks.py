"""Celery tasks for certificates: thin, and safe to run twice."""

from celery import shared_task

from .services import collation, prints


@shared_task(ignore_result=True)
def collate(collation_id: int) -> None:
    """Work out completion and issue certificates for one collation run."""
    collation.run_collation(collation_id)


@shared_task(ignore_result=True)
def render_certificates(ids: list[int]) -> int:
    """Render and store one chunk of certificates; rendered ones are skipped."""
    return collation.render_certificates(ids)


@shared_task(ignore_result=True)
def sweep_certificates() -> dict[str, int]:
    """From beat: pick up what a lost task or a dead worker left."""
    return collation.sweep()


@shared_task(ignore_result=True)
def draw_print(print_id: int) -> None:
    """Draw a point's certificates into one file that expires; a finished print is left."""
    prints.draw_print(print_id)
