"""Settings shared by every environment.

Everything that differs between machines comes from environment variables (or a `.env` file at
the project root). The defaults serve one machine with no servers: SQLite and Celery's filesystem
broker, both under `var/`. `DATABASE_URL` and `CELERY_BROKER_URL` switch to PostgreSQL and Redis.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("POLRI_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-only-polri-belajar-key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "training",
    "sessions.apps.TrainingSessionsConfig",
    "quizzes",
    "certificates",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.nul.RejectNulMiddleware",
    "config.middleware.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.i18n.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'polri_belajar.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: wait for locks instead of failing, and let readers
    # work while a writer writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "training.Personnel"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Media is never served from a public URL: authorizing views stream files from storage.
MEDIA_URL = "/media-not-public/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Largest material file a trainer may upload (bytes); the web server in front must allow it too.
MATERIAL_MAX_UPLOAD_BYTES = env.int("MATERIAL_MAX_UPLOAD_BYTES", default=100 * 1024 * 1024)
# Largest file each import reads (bytes): HR personnel lists, Zoom reports, GIFT/Aiken questions.
PERSONNEL_IMPORT_MAX_BYTES = env.int("PERSONNEL_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
ZOOM_IMPORT_MAX_BYTES = env.int("ZOOM_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
QUESTION_IMPORT_MAX_BYTES = env.int("QUESTION_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Polri Belajar <noreply@localhost>")

# --- Cache ----------------------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Security defaults that hold everywhere -------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Django REST Framework ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.StrictJSONParser",
        "core.parsers.StrictFormParser",
        "core.parsers.StrictMultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # Per client address (core.client) for anonymous requests, per user otherwise.
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonRateThrottle",
        "core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute", "user": "600/minute"},
}
# The OpenAPI schema (/api/schema/) and Swagger UI (/api/docs/) are for signed-in users unless
# this is set (API_DOCS_PUBLIC=true); local settings make them public.
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=False)
SPECTACULAR_SETTINGS = {
    "TITLE": "Polri Belajar API",
    "DESCRIPTION": "Training sessions, attendance, quizzes, certificates and reports for Polri.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per choice set that several serializers share; without them the schema
    # (and so `check --deploy`) warns about enum name collisions. Paths resolve lazily.
    "ENUM_NAME_OVERRIDES": {
        "SessionStatusEnum": "sessions.models.TrainingSession.Status",
        "AttendanceStatusEnum": "sessions.models.Participant.AttendanceStatus",
        "BulkJobStatusEnum": "certificates.models.BulkJob.Status",
        "CertificateStatusEnum": "certificates.models.Certificate.Status",
        "ReportJobStatusEnum": "reports.models.ReportJob.Status",
        "ReportFormatEnum": "reports.models.ReportJob.Format",
        "VerificationStatusEnum": ["valid", "revoked"],
        "QuestionImportFormatEnum": ["gift", "aiken"],
        "QuizKindEnum": "quizzes.models.Quiz.Kind",
        "QuizReviewEnum": "quizzes.models.Quiz.Review",
        "QuizGradingMethodEnum": "quizzes.models.Quiz.GradingMethod",
        "QuestionTypeEnum": "quizzes.models.Question.Type",
        "QuestionTextFormatEnum": "quizzes.models.Question.TextFormat",
    },
}

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker: messages are files under var/celery/. Every process that sends or
    # receives needs the folders, so they are made here rather than by one of them.
    _broker_folder = VAR_DIR / "celery" / "queue"
    _broker_folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_folder),
        "data_folder_out": str(_broker_folder),
        "store_processed": False,
        "control_folder": str(VAR_DIR / "celery" / "control"),
        # Seconds a consumer sleeps when it cannot take a message (queue empty, or its one
        # prefetched task still running): with prefetch 1 this bounds a worker process to about
        # one task per interval (see benchmarks/certificates.py).
        "polling_interval": env.float("CELERY_BROKER_POLLING_INTERVAL", default=0.2),
    }
# Seconds a broker operation may wait on a broker that is down or hung (a Redis that accepts
# connections but never answers would otherwise hold the web request forever), and one retry
# of a failed send (a pooled connection the server closed): a send gives up within about three
# timeouts, is logged, and leaves its row pending for the sweepers (config/enqueue.py,
# docs/deploy.md "Broker outages").
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_TIMEOUT", default=3.0)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
        "socket_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    }
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# Periodic work; apps add their entries here (see each app's README).
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
# sessions: reminders, live/finished statuses, ALPA after the end, participant list safety net.
CELERY_BEAT_SCHEDULE["sessions-send-reminders"] = {
    "task": "sessions.send_reminders",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["sessions-advance-statuses"] = {
    "task": "sessions.advance_statuses",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["sessions-sweep-alpa"] = {"task": "sessions.sweep_alpa", "schedule": 300.0}
CELERY_BEAT_SCHEDULE["sessions-sync-participants"] = {
    "task": "sessions.sync_participants",
    "schedule": 900.0,
}
# Minutes after a session's end before participants without a record become ALPA.
SESSIONS_ALPA_DELAY_MINUTES = env.int("SESSIONS_ALPA_DELAY_MINUTES", default=0)
# Zoom report uploads kept for preview → confirm: unconfirmed ones are deleted after this.
SESSIONS_ZOOM_PREVIEW_MAX_AGE_HOURS = env.int("SESSIONS_ZOOM_PREVIEW_MAX_AGE_HOURS", default=24)
CELERY_BEAT_SCHEDULE["sessions-purge-zoom-previews"] = {
    "task": "sessions.purge_zoom_previews",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["reports-sweep-jobs"] = {
    "task": "reports.tasks.report_jobs_sweep_task",
    "schedule": 300.0,
}
# Quizzes: close attempts past their deadline (plus grace) and grade what was saved.
CELERY_BEAT_SCHEDULE["quizzes-close-overdue-attempts"] = {
    "task": "quizzes.tasks.attempts_close_overdue_task",
    "schedule": 60.0,
}
# Quizzes: re-enqueue result recomputes (after a grading change) that a lost message left due.
CELERY_BEAT_SCHEDULE["quizzes-sweep-regrades"] = {
    "task": "quizzes.tasks.quiz_regrades_sweep_task",
    "schedule": 300.0,
}
QUIZ_GRACE_SECONDS = env.int("QUIZ_GRACE_SECONDS", default=30)

# training: personnel lists kept for preview → confirm; unconfirmed ones are deleted after this.
PERSONNEL_IMPORT_PREVIEW_MAX_AGE_HOURS = env.int(
    "PERSONNEL_IMPORT_PREVIEW_MAX_AGE_HOURS", default=1
)
CELERY_BEAT_SCHEDULE["training-purge-personnel-import-uploads"] = {
    "task": "training.purge_personnel_import_uploads",
    "schedule": 3600.0,
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Celery queues: heavy (PDFs, ZIPs, report files) apart from light (reminders, sweeps) -------
# A worker started without -Q consumes both queues (one machine, `make run`); in production,
# `-Q heavy` and `-Q light` workers run on their own machines (docs/deploy.md).
from kombu import Exchange, Queue  # noqa: E402

CELERY_TASK_DEFAULT_QUEUE = "light"
# Each queue with its own exchange and key, so a message reaches exactly one queue.
CELERY_TASK_QUEUES = (
    Queue("light", Exchange("light"), routing_key="light"),
    Queue("heavy", Exchange("heavy"), routing_key="heavy"),
)
CELERY_TASK_ROUTES = {
    "certificates.tasks.certificate_render_task": {"queue": "heavy"},
    "certificates.tasks.bulk_job_run_task": {"queue": "heavy"},
    "reports.tasks.report_export_task": {"queue": "heavy"},
}

# --- Login lockout (per NRP/NIP and address), the per-address failed-login budget
# (LOGIN_ADDRESS_FAILURE_LIMIT, LOGIN_ADDRESS_WINDOW_MINUTES), the trusted proxy count and the
# security headers: see config/settings/security.py -------------------------------------------
from .security import *  # noqa

# --- Certificates (see certificates/README.md) ----------------------------------------------
# The site's public address: certificates' QR codes point to <this>/v/<code>/.
CERTIFICATES_PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://localhost:8000")
CERTIFICATES_PENDING_GRACE_SECONDS = env.int("CERTIFICATES_PENDING_GRACE_SECONDS", default=300)
CERTIFICATES_CLAIM_LEASE_SECONDS = env.int("CERTIFICATES_CLAIM_LEASE_SECONDS", default=600)
# Public verification: lookups per client address per window, and unknown codes tolerated.
CERTIFICATES_VERIFY_WINDOW_SECONDS = 600
CERTIFICATES_VERIFY_MAX_LOOKUPS = 120
CERTIFICATES_VERIFY_MAX_MISSES = 20
CELERY_BEAT_SCHEDULE["certificates-sweep"] = {
    "task": "certificates.tasks.certificates_sweep_task",
    "schedule": 300.0,
}
