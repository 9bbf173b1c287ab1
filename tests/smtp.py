"""A real SMTP server on loopback (aiosmtpd) for the tests that send mail."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def serving(handler: object) -> Iterator[int]:
    """An SMTP server handing what it receives to `handler`; yields its port."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@contextmanager
def relay(handler: object, settings) -> Iterator[int]:
    """`serving`, with Django's SMTP backend pointed at it (pytest-django's `settings`)."""
    with serving(handler) as port:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield port
