"""Test settings: the same as production, with fast hashing and in-memory e-mail.

DATABASE_URL and REDIS_URL come from the environment as everywhere else (`.ci/run` points
them at PostgreSQL and Redis); with nothing set the suite runs on SQLite.
"""

import os
import uuid
from pathlib import Path

# Set before the base settings read them, and inherited by any worker a test starts: a
# queue of this run's own, so a `make run` worker on the same broker never takes its tasks.
os.environ.setdefault("CELERY_QUEUE", f"diemcau-test-{uuid.uuid4().hex[:8]}")
os.environ.setdefault(
    "CELERY_BROKER_DIR", str(Path(__file__).resolve().parents[2] / "var" / "test-celery-broker")
)
# Secrets of the test run's own, in the environment so that every worker or server a test
# starts with the production settings (DEBUG off) starts too. Never valid anywhere else.
os.environ.setdefault("SECRET_KEY", f"test-only-secret-key-{uuid.uuid4().hex}")
os.environ.setdefault("TICKET_SECRET", f"test-only-ticket-secret-{uuid.uuid4().hex}")
# The Content-Security-Policy as production enforces it, so the browser tests (tests/e2e)
# prove the pages work under it.
os.environ["CSP_MODE"] = "enforce"

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A test database of this run's own, so that two runs on one machine (a developer's and a
# browser test's, say) never drop each other's.
RUN = os.getpid()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a real Celery worker started by a test sees the same data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-diemcau-{RUN}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{RUN}"}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The live server and the test client speak plain HTTP: no redirect to HTTPS, cookies sent
# over HTTP. HSTS stays as production has it (it is only sent over HTTPS anyway).
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
AXES_ENABLED = True
