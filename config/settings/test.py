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
AXES_ENABLED = True
