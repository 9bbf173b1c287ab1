"""Celery tasks of personal data protection: thin, and safe to run twice."""

import smtplib

from celery import shared_task

MAIL_TROUBLE = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError)


@shared_task(ignore_result=True)
def purge_personal_data() -> dict[str, int]:
    """From beat, daily: apply the retention periods; a second run changes nothing."""
    from dataclasses import asdict

    from . import services

    return asdict(services.purge_personal_data())


@shared_task(autoretry_for=MAIL_TROUBLE, retry_backoff=True, max_retries=5)
def send_correction_notice(request_id: int) -> bool:
    """Tell the organisers of a new correction request; sent once (notified_at)."""
    from . import services

    return services.notify_organisers(request_id=request_id)


@shared_task(autoretry_for=MAIL_TROUBLE, retry_backoff=True, max_retries=5)
def send_correction_answer(request_id: int) -> bool:
    """Tell the person how their correction request was answered."""
    from . import services

    return services.notify_person(request_id=request_id)
