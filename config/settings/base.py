"""Settings for every environment, read from the environment (see .env.example).

With nothing set, the embedded default serves: SQLite and a Celery broker on the local
filesystem, so `make run` needs no server. Production sets DATABASE_URL and REDIS_URL.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.security import (
    DEVELOPMENT_SECRET_KEY,
    DEVELOPMENT_TICKET_SECRET,
    content_security_policy,
    refuse_unsafe_secrets,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# DEBUG=1 in the environment is development mode, as `make run` (and manage.py in a checkout
# with no .env) sets it: keys of its own, plain HTTP, static files from the source folders.
# It does not turn on Django's DEBUG: the demo shows someone who mistypes an address the same
# Vietnamese page as production does. DEBUG_PAGES=1, for a developer and only in development,
# turns Django's DEBUG on: its technical error pages, with code, settings and tracebacks.
DEVELOPMENT = env.bool("DEBUG", default=False)
DEBUG = env.bool("DEBUG_PAGES", default=False)
if DEBUG and not DEVELOPMENT:
    raise ImproperlyConfigured(
        "DEBUG_PAGES shows code and settings to anyone who meets an error: it is for "
        "development (DEBUG=1) only. Remove it from a deployment's environment or .env."
    )
# SECRET_KEY signs sessions and sign-in links; TICKET_SECRET signs the QR tickets and the
# rotating self check-in codes (changing it voids every ticket already printed). Either one
# known lets anyone sign in as someone or check anyone in, so production refuses to start
# without both, with one for both, or with a value written in the repository. Development
# (DEBUG=1, as `make run` sets it) uses keys of its own that sign nothing real.
SECRET_KEY = env.str("SECRET_KEY", default="")
TICKET_SECRET = env.str("TICKET_SECRET", default="")
if DEVELOPMENT:
    SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY
    TICKET_SECRET = TICKET_SECRET or DEVELOPMENT_TICKET_SECRET
else:
    refuse_unsafe_secrets(secret_key=SECRET_KEY, ticket_secret=TICKET_SECRET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A form refused for its CSRF token gets a page in the site's language and layout.
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",
    "csp",
    "common",
    "directory",
    "training",
    "events",
    "network",
    "attendance",
    "surveys",
    "certificates",
    "reports",
    "privacy",
    "home",
]

MIDDLEWARE = [
    # First: the container's healthcheck is answered before the host check and the HTTPS
    # redirect, which it could not pass (config/health.py).
    "config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.RefuseNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "directory.context_processors.roles",
                "events.context_processors.notice_health",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'diemcau.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one SQLite file: wait for the lock instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler switches on for queries whose cost it overestimates, such as
    # the network's per-province counts at national scale: 1.4 s of compiling for a query
    # that runs in 0.09 s. The site's queries are short; compiling never pays here.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # The phones' sync reads bind their values on the server (`attendance.selectors.sync`):
    # psycopg prepares such a statement from its second run on a connection, and PostgreSQL
    # plans it no more. Django's own cursors bind on the client and never prepare.
    DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Redis may go away for a while: the cache then answers as an empty one and check-in
    # goes on (common.cache). A silent server is given up on within a second.
    CACHES = {
        "default": {
            "BACKEND": "common.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out username never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "sesame.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Staff passwords: five wrong tries from one address lock that username there for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Attendees have no password: a one-time link by e-mail signs them in.
SESAME_MAX_AGE = env.int("SIGN_IN_LINK_MAX_AGE_SECONDS", default=24 * 3600)
SESAME_ONE_TIME = True
SESAME_TOKEN_NAME = "token"

# Check-in (TICKET_SECRET, the key that signs tickets, is read with SECRET_KEY above).
SELF_CHECK_IN_STEP_SECONDS = env.int("SELF_CHECK_IN_STEP_SECONDS", default=30)
# Counted per signed-in caller and point, so two phones at one door share it.
SCAN_RATE_PER_MINUTE = env.int("SCAN_RATE_PER_MINUTE", default=240)
# Lookups that find nobody, per caller: walking roster ids is slowed to this.
SCAN_MISSES_PER_MINUTE = env.int("SCAN_MISSES_PER_MINUTE", default=30)
# A phone whose clock is further off than this when it sends a scan is flagged on the
# roster: its device time is not trusted silently.
CHECKIN_CLOCK_SKEW_SECONDS = env.int("CHECKIN_CLOCK_SKEW_SECONDS", default=300)
# Paired scanner phones: how long a pairing code shown on the coordinator's page may be
# claimed, how many phones a point may have paired at once, and how many scans one sync
# may carry (a phone back from a long outage sends its backlog in several).
SCANNER_PAIRING_MINUTES = env.int("SCANNER_PAIRING_MINUTES", default=10)
SCANNER_DEVICES_PER_POINT = env.int("SCANNER_DEVICES_PER_POINT", default=20)
SCANNER_BATCH_MAX_SCANS = env.int("SCANNER_BATCH_MAX_SCANS", default=500)
SCANNER_PAIRING_TRIES_PER_MINUTE = env.int("SCANNER_PAIRING_TRIES_PER_MINUTE", default=10)
# A paired phone syncs every SCANNER_SYNC_SECONDS while few are out; with many, the server
# spreads them so that together they send at most SCANNER_SYNCS_PER_SECOND batches (3,356
# phones: every 68 s). Its verdicts never wait for a sync.
SCANNER_SYNC_SECONDS = env.int("SCANNER_SYNC_SECONDS", default=5)
SCANNER_SYNCS_PER_SECOND = env.int("SCANNER_SYNCS_PER_SECOND", default=50)
# A session whose end has passed is held; it closes itself this many days later, after
# its organisers were told SESSION_CLOSE_WARNING_DAYS before.
SESSION_AUTO_CLOSE_DAYS = env.int("SESSION_AUTO_CLOSE_DAYS", default=14)
SESSION_CLOSE_WARNING_DAYS = env.int("SESSION_CLOSE_WARNING_DAYS", default=3)
# Fonts for PDFs (badges, certificates), installed by `npm ci` with the other front-end files.
PDF_FONT_DIR = BASE_DIR / "node_modules" / "dejavu-fonts-ttf" / "ttf"

LANGUAGE_CODE = "vi"
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Installed by `npm ci` at setup; never committed, never loaded from a CDN.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/jsqr", BASE_DIR / "node_modules" / "jsqr" / "dist"),
    ("vendor/qrcode-generator", BASE_DIR / "node_modules" / "qrcode-generator" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    ("vendor/tom-select", BASE_DIR / "node_modules" / "tom-select" / "dist"),
]
# Files that are kept (report exports, training materials, certificate design pictures, a
# point's certificate prints until they expire, dry-run samples) go through Django's storage
# API: the local disk under MEDIA_ROOT by default (the demo, one machine), or S3-compatible
# object storage that several machines share (STORAGE_BACKEND=s3, with the "s3" extra
# installed: pip install ".[s3]"). Certificates' PDFs are not kept: they are drawn again.
STORAGE_BACKEND = env.str("STORAGE_BACKEND", default="local")
if STORAGE_BACKEND == "local":
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif STORAGE_BACKEND == "s3":
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            # Private objects, handed out through the site's own views; and never one file
            # over another of the same name: issued certificates name their pictures.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(
        f"STORAGE_BACKEND is {STORAGE_BACKEND!r}: use local (the default) or s3."
    )
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {"BACKEND": "common.staticfiles.StaticFilesStorage"},
}
# Development serves static files from the source folders through WhiteNoise, with nothing
# collected, under their own names (common.staticfiles), and sees an edit on the next load;
# production serves what collectstatic wrote, hashed and cached.
WHITENOISE_USE_FINDERS = DEVELOPMENT
WHITENOISE_AUTOREFRESH = DEVELOPMENT
WHITENOISE_MAX_AGE = 0 if DEVELOPMENT else 60
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=20 * 1024 * 1024)
# A programme's materials (legal documents, plans, slides) and its certificate's stamp and
# signature images: larger uploads are refused before anything is stored.
MATERIAL_MAX_BYTES = env.int("MATERIAL_MAX_BYTES", default=25 * 1024 * 1024)
MATERIAL_IMAGE_MAX_BYTES = env.int("MATERIAL_IMAGE_MAX_BYTES", default=2 * 1024 * 1024)
# No page accepts a larger file: past this, an upload is dropped as it arrives (the first
# handler), so nothing that size is held in memory or written to a temporary file.
UPLOAD_MAX_BYTES = env.int(
    "UPLOAD_MAX_BYTES", default=max(MATERIAL_MAX_BYTES, IMPORT_MAX_FILE_BYTES)
)
FILE_UPLOAD_HANDLERS = [
    "training.files.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="DiemCau <no-reply@diemcau.local>")
EMAIL_TIMEOUT = 20

# Celery: Redis in production; with no REDIS_URL, kombu's filesystem transport, which needs
# no server yet runs a real worker and beat in their own processes.
CELERY_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "celery-broker")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Notices (reminders, updates, cancellations): an outbox in the database, planned by the
# beat's tick and sent by workers in chunks at a rate the mail relay accepts.
NOTICE_TICK_SECONDS = env.int("NOTICE_TICK_SECONDS", default=30)
# Across all workers. 1,000 a second takes a 300,000-person wave to the relay in five
# minutes, above what two cores render and send (so it rarely binds here), and still caps
# a burst at what a managed relay commonly accepts; set it lower for a relay that asks.
# 0 sends as fast as the workers can.
NOTICE_RATE_PER_SECOND = env.int("NOTICE_RATE_PER_SECOND", default=1000)
NOTICE_CHUNK_SIZE = env.int("NOTICE_CHUNK_SIZE", default=100)
NOTICE_PARALLEL_SENDERS = env.int("NOTICE_PARALLEL_SENDERS", default=4)
NOTICE_TASK_SECONDS = env.int("NOTICE_TASK_SECONDS", default=55)
# Messages the relay accepted are marked sent together, this many at a time.
NOTICE_MARK_EVERY = env.int("NOTICE_MARK_EVERY", default=50)
# A reminder wave of N starts N / rate ahead of its moment, and this much earlier again.
NOTICE_WAVE_MARGIN_SECONDS = env.int("NOTICE_WAVE_MARGIN_SECONDS", default=300)
# The messages a second the workers keep up (`make bench BENCH=reminders` measures it: about
# 600 on two cores with the relay on the same box; counted here with a sixth to spare): a
# wave's rate is the lower of this and NOTICE_RATE_PER_SECOND. Set too high, the nation's
# reminder would still be going out when its moment came.
NOTICE_WAVE_RATE_ESTIMATE = env.int("NOTICE_WAVE_RATE_ESTIMATE", default=500)
# A claimed notice returns to the pool this long after its worker last touched it.
NOTICE_LEASE_SECONDS = env.int("NOTICE_LEASE_SECONDS", default=120)
NOTICE_MAX_ATTEMPTS = env.int("NOTICE_MAX_ATTEMPTS", default=6)
NOTICE_RETRY_BASE_SECONDS = env.int("NOTICE_RETRY_BASE_SECONDS", default=60)
# A reminder that falls due while nothing runs is still sent if at most this late.
NOTICE_CATCH_UP_HOURS = env.int("NOTICE_CATCH_UP_HOURS", default=6)
NOTICE_CHANNELS = {"email": "events.notices.channels.EmailChannel"}
if env.str("NOTICE_SMS_BACKEND", default=""):
    # People with a phone and no e-mail get a text; "console" prints it (development).
    NOTICE_CHANNELS["sms"] = {"console": "events.notices.channels.ConsoleSmsChannel"}.get(
        env.str("NOTICE_SMS_BACKEND"), env.str("NOTICE_SMS_BACKEND")
    )

# Certificates: a collation or rendering untouched this long is taken as lost, and run again.
CERTIFICATE_STALE_MINUTES = env.int("CERTIFICATE_STALE_MINUTES", default=10)
# Public verification lookups per client address and minute.
VERIFY_RATE_PER_MINUTE = env.int("VERIFY_RATE_PER_MINUTE", default=20)
# Report exports of more rows than this are written by a worker; their files are kept
# this many days.
REPORT_EXPORT_INLINE_ROWS = env.int("REPORT_EXPORT_INLINE_ROWS", default=5000)
REPORT_EXPORT_KEEP_DAYS = env.int("REPORT_EXPORT_KEEP_DAYS", default=7)
# An export no worker has touched for this long is sent to a worker again.
REPORT_EXPORT_STALE_MINUTES = env.int("REPORT_EXPORT_STALE_MINUTES", default=10)
# How often the live session dashboard asks for new figures.
DASHBOARD_POLL_SECONDS = env.int("DASHBOARD_POLL_SECONDS", default=15)
# A session's dashboard is computed at most once this often and shared by every organiser
# watching (never for longer than the poll above).
DASHBOARD_SHARED_SECONDS = env.int("DASHBOARD_SHARED_SECONDS", default=10)
# Personal data (Decree 13/2023/NĐ-CP): who answers for it, whom to ask, and how long what
# is not an official record is kept. The privacy notice shows these; a daily purge (beat,
# privacy.tasks.purge_personal_data) applies them. Attendance, certificates and the audit of
# who did what are official records and are kept.
PRIVACY_CONTROLLER = env.str("PRIVACY_CONTROLLER", default="Bộ Nội vụ (Vụ Cải cách hành chính)")
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default="")
# Uploaded roster files (names, e-mails, phones) are emptied this long after upload.
RETENTION_UPLOAD_DAYS = env.int("RETENTION_UPLOAD_DAYS", default=30)
# Scan attempts lose their device id and scanned text after this long; who, when and the
# result stay.
RETENTION_SCAN_DEVICE_DAYS = env.int("RETENTION_SCAN_DEVICE_DAYS", default=365)
# Rows changed per statement by the purge, so that no lock is held for long.
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=5000)

CELERY_BEAT_SCHEDULE = {
    "certificates-sweep": {
        "task": "certificates.tasks.sweep_certificates",
        "schedule": timedelta(minutes=1),
    },
    "report-exports-requeue": {
        "task": "reports.tasks.requeue_report_exports",
        "schedule": timedelta(minutes=1),
    },
    "report-exports-expiry": {
        "task": "reports.tasks.expire_report_exports",
        "schedule": timedelta(hours=6),
    },
    "sessions-lifecycle": {
        "task": "events.tasks.advance_sessions",
        "schedule": timedelta(minutes=5),
    },
    "notices-tick": {
        "task": "events.tasks.tick",
        "schedule": timedelta(seconds=NOTICE_TICK_SECONDS),
    },
    "privacy-purge": {
        "task": "privacy.tasks.purge_personal_data",
        "schedule": crontab(hour=2, minute=30),
    },
    "clear-expired-sign-in-sessions": {
        "task": "directory.tasks.clear_expired_sessions",
        "schedule": timedelta(hours=6),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # fontTools reports every font subset at INFO: one per certificate batch.
    "loggers": {"axes": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# HTTPS: the proxy in front (deploy/Caddyfile) ends TLS and says so in X-Forwarded-Proto.
# Production redirects plain HTTP, pins HTTPS for a year (what browsers' preload lists ask)
# and sends cookies over HTTPS only; development over plain HTTP does none of this. Each is
# set from the environment (.env.example).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEVELOPMENT)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEVELOPMENT else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEVELOPMENT)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEVELOPMENT)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEVELOPMENT)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = env.bool("SECURE_CONTENT_TYPE_NOSNIFF", default=True)
SECURE_REFERRER_POLICY = env.str("SECURE_REFERRER_POLICY", default="same-origin")
X_FRAME_OPTIONS = env.str("X_FRAME_OPTIONS", default="DENY")
# Content-Security-Policy (django-csp): on in development too, so a page that breaks under
# it breaks on the developer's screen first. CSP_MODE: enforce, report-only or off.
CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = content_security_policy(
    mode=env.str("CSP_MODE", default="enforce"), report_uri=env.str("CSP_REPORT_URI", default="")
)
SESSION_COOKIE_AGE = 14 * 24 * 3600
# Sessions read from the cache (Redis in production) and fall back to the database, so a
# check-in during the morning rush does not spend a query on the session; while Redis is
# away they are read from the database alone (common.cache).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
