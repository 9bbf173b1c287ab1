import smtplib

from celery import shared_task
from django.core.management import call_command

from . import services


@shared_task(
    autoretry_for=(smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError),
    retry_backoff=True,
    max_retries=5,
)
def send_sign_in_link(person_id: int) -> bool:
    """E-mail a one-time sign-in link; retried with backoff while the mail server is away."""
    return services.email_sign_in_link(person_id=person_id)


@shared_task
def clear_expired_sessions() -> None:
    """Drop expired sign-in sessions; safe to run any number of times."""
    call_command("clearsessions")
