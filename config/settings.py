"""Settings read from the environment; defaults run everything embedded (SQLite + filesystem broker)."""
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-secret-key-change-me-in-production")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "*").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rest_framework.authtoken",
    "core",
    "deadlines",
    "routing",
    "supervision",
    "complaints",
    "integration",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "complaints.inputs.NulRefusalMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "supervision.context_processors.calendar_warning",
                "supervision.context_processors.todo_count",
                "complaints.context_processors.unread_notifications",
                "complaints.context_processors.menu_access",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + busy timeout + immediate transactions: web and worker write at once without
    # "database is locked" errors.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
    }

# Production: DATABASE_URL logs in as the application's role, which owns nothing; the owner of the
# tables, MIGRATION_DATABASE_URL (the same database, another role), runs `migrate` and
# `db_roles_grant` (complaints/db_roles.py, README: database roles). Unset: one role does all.
DATABASE_OWNER = None
if os.environ.get("MIGRATION_DATABASE_URL"):
    DATABASE_OWNER = dj_database_url.parse(os.environ["MIGRATION_DATABASE_URL"], conn_max_age=0)
    if [DATABASE_OWNER[key] for key in ("ENGINE", "NAME")] != [DATABASES["default"][key] for key in ("ENGINE", "NAME")]:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("MIGRATION_DATABASE_URL must name the database of DATABASE_URL, as another role")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "routing.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Celery: Redis when REDIS_URL is set, otherwise a broker that needs no server.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    _broker_dir = VAR_DIR / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir),
        "control_folder": str(_broker_dir / "control"),  # not the working directory
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True

# The cache backs the rate limits (public look-up, API), so it must be shared by all web processes:
# Redis when configured; the in-process cache otherwise (one process, as `make run` starts it).
# Nothing depends on it being up (complaints/ratelimit.py counts per process meanwhile); short
# timeouts so that an unreachable Redis costs a request half a second at most, not a hang.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cases12315"}
    }

# Public progress look-up: failed attempts allowed per window, per client IP and per case number.
TRACK_FAILURES_PER_IP = int(os.environ.get("TRACK_FAILURES_PER_IP", "10"))
TRACK_FAILURES_PER_CASE = int(os.environ.get("TRACK_FAILURES_PER_CASE", "50"))
TRACK_FAILURE_WINDOW_SECONDS = int(os.environ.get("TRACK_FAILURE_WINDOW_SECONDS", "900"))
# Set when the site runs behind a reverse proxy that appends the client address to X-Forwarded-For.
TRACK_TRUST_X_FORWARDED_FOR = env_bool("TRACK_TRUST_X_FORWARDED_FOR", False)
# How long the menu's to-do figure is kept per user (the to-do page itself counts live).
TODO_COUNT_CACHE_SECONDS = int(os.environ.get("TODO_COUNT_CACHE_SECONDS", "30"))
# The number the public pages give for help (missing elements, a forgotten query code).
PUBLIC_HOTLINE = os.environ.get("PUBLIC_HOTLINE", "12315")
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "calendar-coverage-check": {
        "task": "supervision.tasks.calendar_coverage_check",
        "schedule": crontab(hour=8, minute=0),
    },
    # Deadlines live on the clock rows, so a missed run is caught up by the next one.
    "deadlines-sweep": {
        "task": "supervision.tasks.deadlines_sweep_task",
        "schedule": float(os.environ.get("SWEEP_INTERVAL_SECONDS", "180")),
    },
    "clocks-reschedule-waiting": {
        "task": "deadlines.tasks.clocks_reschedule_task",
        "schedule": crontab(minute=5),
    },
    # Sends webhook deliveries that are due: retries with backoff and any whose queue message was lost.
    # The integration tasks keep their first names, complaints.tasks.* (integration/tasks.py).
    "webhooks-retry-due": {
        "task": "complaints.tasks.webhooks_retry_task",
        "schedule": 30.0,
    },
    # Registers API intake whose prompt message was lost (the API queues one itself, see below).
    "external-cases-register": {
        "task": "complaints.tasks.external_cases_register_task",
        "schedule": 60.0,
    },
    # Publishes last week's notice on Mondays and last month's ranking on the 1st; daily, so that a
    # missed morning is caught up the next one (publishing twice is impossible, see reports).
    "report-snapshots-publish": {
        "task": "reports.tasks.report_snapshots_publish_task",
        "schedule": crontab(hour=7, minute=30),
    },
}
# After an API create, the worker registers the system's complete cases this many seconds later,
# one message per web process per period however many cases arrive (integration/services.py).
EXTERNAL_REGISTRATION_DELAY_SECONDS = float(os.environ.get("EXTERNAL_REGISTRATION_DELAY_SECONDS", "1"))

# How long a process trusts its copy of the rule tables read on every intake (core/cache.py).
RULES_CACHE_SECONDS = float(os.environ.get("RULES_CACHE_SECONDS", "5"))

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "integration.api.auth.ApiKeyAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "integration.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["integration.api.throttling.ExternalSystemRateThrottle"],
    "EXCEPTION_HANDLER": "integration.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "12315 case workflow API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The documentation page loads Swagger UI from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# How far ahead the official holiday schedule must be loaded before the center is warned.
CALENDAR_WARNING_DAYS = int(os.environ.get("CALENDAR_WARNING_DAYS", "60"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

AUTHENTICATION_BACKENDS = ["routing.auth.RoleBackend"]
