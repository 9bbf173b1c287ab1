"""What the settings refuse and the Content-Security-Policy they send.

Kept out of the settings module so that its rules read as functions, and tested through a
real start of the settings (tests/config/test_deploy.py).
"""

from django.core.exceptions import ImproperlyConfigured

# Values anyone with the code knows: the examples of .env.example (present and past) and the
# development keys below. A deployment that kept one could have its sessions and tickets
# forged by anyone who read the repository.
DEVELOPMENT_SECRET_KEY = "insecure-development-key-signs-nothing-real"
DEVELOPMENT_TICKET_SECRET = "insecure-development-ticket-key-signs-nothing-real"
KNOWN_SECRETS = frozenset(
    {
        "change-me",
        "change-me-too",
        "insecure-dev-key-change-me-in-production",
        DEVELOPMENT_SECRET_KEY,
        DEVELOPMENT_TICKET_SECRET,
    }
)

CSP_MODES = ("enforce", "report-only", "off")


def refuse_unsafe_secrets(*, secret_key: str, ticket_secret: str) -> None:
    """Raise ImproperlyConfigured unless both secrets are set, unknown and distinct.

    The message names the variables, never their values: it ends up in logs.
    """
    for name, value in (("SECRET_KEY", secret_key), ("TICKET_SECRET", ticket_secret)):
        if not value:
            raise ImproperlyConfigured(
                f"{name} is not set. With DEBUG off, set it in the environment or .env to a "
                "long random value, for example: "
                "python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
                "On a developer's machine, run with DEBUG=1 instead."
            )
        if value in KNOWN_SECRETS:
            raise ImproperlyConfigured(
                f"{name} is an example value from .env.example or a development default, "
                "known to anyone with the code. Set it to a long random value of your own."
            )
    if secret_key == ticket_secret:
        raise ImproperlyConfigured(
            "SECRET_KEY and TICKET_SECRET are the same. Give each its own random value: a "
            "leak of one must not let anyone forge both sessions and tickets."
        )


def content_security_policy(*, mode: str, report_uri: str) -> tuple[dict | None, dict | None]:
    """(CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY) for django-csp 4.

    Scripts and styles come from our own static files only. Inline style attributes are
    allowed (`style-src-attr`), not inline <style> or scripts: the pages set progress bars'
    widths from the server's figures in `style=""`, and an attribute's style cannot run
    script, while autoescaping keeps anyone's text from opening an attribute of its own.
    """
    if mode not in CSP_MODES:
        raise ImproperlyConfigured(f"CSP_MODE must be one of {', '.join(CSP_MODES)}.")
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        # data: for the small SVG icons inside Bootstrap's stylesheet (selects, toggles).
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    if report_uri:
        directives["report-uri"] = [report_uri]
    policy = {"DIRECTIVES": directives}
    if mode == "enforce":
        return policy, None
    if mode == "report-only":
        return None, policy
    return None, None
