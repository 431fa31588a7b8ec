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


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Demo and production apart (issue 16, part 1) -------------------------------------------------
# DEBUG is off unless asked for (`make run` sets DEBUG=1 for itself). Off, the process refuses to start
# with the key anyone can read here or without the host names it answers to: a production server
# never runs on the demo's defaults by accident.
BUILTIN_SECRET_KEY = "dev-only-secret-key-change-me-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", BUILTIN_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
if not DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    if SECRET_KEY == BUILTIN_SECRET_KEY:
        raise ImproperlyConfigured(
            "DEBUG is off and SECRET_KEY is the built-in development key: set SECRET_KEY to a long random"
            " value (python -c 'import secrets; print(secrets.token_urlsafe(50))'), or DEBUG=1 to develop.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DEBUG is off and ALLOWED_HOSTS is not set: set ALLOWED_HOSTS to the site's host names"
            " (comma-separated), or DEBUG=1 to develop.")
# Behind TLS (nginx, deploy/nginx/cases12315.conf) every default is the secure one; each can be turned
# off from the environment (the test suite does, it speaks plain HTTP).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# The header the TLS proxy sets to "https" (HTTP_X_FORWARDED_PROTO). Only behind a proxy that always
# sets it: a client reaching gunicorn directly could claim HTTPS otherwise.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["SECURE_PROXY_SSL_HEADER"], "https")
# One request's body, whatever it carries (evidence uploads included); nginx's client_max_body_size
# is the same number (deploy/nginx/cases12315.conf), so a larger body is refused before it is read.
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(25 * 1024 * 1024)))
# The path nginx serves MEDIA_ROOT under, `internal` only: evidence is answered with X-Accel-Redirect
# after the permission check (complaints/files.py). Unset: Django streams the file itself.
EVIDENCE_ACCEL_REDIRECT_PREFIX = os.environ.get("EVIDENCE_ACCEL_REDIRECT_PREFIX", "")
# --- end: demo and production apart ---------------------------------------------------------------

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
    "core",
    "audit",
    "deadlines",
    "routing",
    "supervision",
    "complaints",
    "integration",
    "documents",
    "messaging",
    "reports",
    "operations",
]

# With DEBUG on, Django's technical 404/500 pages instead of ours only when asked for.
DEBUG_TECHNICAL_ERRORS = env_bool("DEBUG_TECHNICAL_ERRORS", False)

MIDDLEWARE = [
    # Operations (issue 16, part 4): a request id for the logs and tasks, counts for /metrics, and the
    # request size limit before anything reads the body.
    "operations.middleware.RequestIdMiddleware",
    "operations.middleware.RequestSizeLimitMiddleware",
    "operations.middleware.StyledErrorPagesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "complaints.inputs.NulRefusalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "routing.first_password.FirstPasswordMiddleware",
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
                "core.context_processors.replica_freshness",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and os.environ.get("DATABASE_POOL", "1") != "0":
    # psycopg 3's pool, one per process: a request borrows a connection for its length and gives it
    # back, so a worker's threads share a few connections instead of each keeping one open for a
    # minute. The pool keeps connections itself, hence no CONN_MAX_AGE (Django refuses both).
    # Sizes per process: at most one connection per thread (GUNICORN_THREADS, Celery's threads)
    # is ever in use; a request that finds none free waits DATABASE_POOL_TIMEOUT seconds, then fails.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DATABASE_POOL_MIN_SIZE", "1")),
        "max_size": int(os.environ.get("DATABASE_POOL_MAX_SIZE", os.environ.get("GUNICORN_THREADS", "4"))),
        "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT", "10")),
        # A connection idle this long is closed (down to min_size), so a quiet night frees them.
        "max_idle": float(os.environ.get("DATABASE_POOL_MAX_IDLE", "300")),
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

# A PostgreSQL streaming replica of the same database (issue 17): reports, exports and API lists read
# from it (core/replica.py); a short connect timeout, and the primary serves while it is down.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60)
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        os.environ.get("REPLICA_CONNECT_TIMEOUT", "2"))
# No JIT compiling of queries (PostgreSQL's jit, on by default): a page's statements run for
# milliseconds, but over millions of rows the planner's cost estimate passes jit_above_cost and
# PostgreSQL then spends 10-130 ms compiling each one (the dashboard at 10 million cases). DATABASE_JIT=1
# leaves the server's setting.
if os.environ.get("DATABASE_JIT", "0") != "1":
    for alias in DATABASES.values():
        if alias["ENGINE"] == "django.db.backends.postgresql":
            alias.setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# The notice "served from the replica, N minutes behind" from this lag on; a replica found down is
# not tried again for this long (per process).
REPLICA_STALE_SECONDS = int(os.environ.get("REPLICA_STALE_SECONDS", "60"))
REPLICA_RETRY_SECONDS = int(os.environ.get("REPLICA_RETRY_SECONDS", "30"))
# Tests only (config/settings_test.py): the replica alias is a test mirror of the primary.
REPLICA_AS_MIRROR = False

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


LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Hashed names (cached for a year by browsers and nginx) and .gz copies made by collectstatic, which
# nginx sends as they are (gzip_static): the 1.1 MB ECharts file leaves as about 360 kB.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Broker and cache apart (issue 16, part 1) ----------------------------------------------------
# Celery's broker: REDIS_URL (or CELERY_BROKER_URL), otherwise a broker that needs no server.
# The cache is another Redis database or server, CACHE_URL: a cache.clear() must never empty the task
# queue. Without CACHE_URL, a file cache in VAR_DIR shared by every process of this machine, so the
# rate limits (complaints/ratelimit.py) hold across gunicorn workers.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or REDIS_URL
if CELERY_BROKER_URL:
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
# Webhooks and mail wait on other people's servers: their own queue, so a dead receiver cannot delay
# the deadline sweep. A worker started without -Q consumes both (make run); deploy/ runs one each.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = {"celery": {}, "outbound": {}}
CELERY_TASK_ROUTES = {
    "complaints.tasks.webhook_deliver_task": {"queue": "outbound"},
    "core.tasks.mail_send_task": {"queue": "outbound"},
    # SMS goes out beside webhooks and mail: a dead gateway cannot delay the deadline sweep.
    "messaging.tasks.sms_deliver_task": {"queue": "outbound"},
    "messaging.tasks.sms_send_due_task": {"queue": "outbound"},
}

CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL and CACHE_URL == CELERY_BROKER_URL:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("CACHE_URL names the Celery broker's Redis database: give the cache another one"
                               " (redis://host:6379/1), a cache flush would empty the task queue.")
# Short timeouts, so an unreachable Redis costs a request half a second at most, not a hang; nothing
# depends on the cache being up (complaints/ratelimit.py counts per process meanwhile).
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                    "LOCATION": str(VAR_DIR / "cache")}
    }
# --- end: broker and cache apart ------------------------------------------------------------------

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
# /health/ fails when the last successful sweep is older than two of these intervals.
# The month's case export (reports/services_exports.py): cases read and progress written per chunk.
EXPORT_CHUNK_ROWS = int(os.environ.get("EXPORT_CHUNK_ROWS", "2000"))
SWEEP_INTERVAL_SECONDS = float(os.environ.get("SWEEP_INTERVAL_SECONDS", "180"))
CELERY_BEAT_SCHEDULE = {
    "calendar-coverage-check": {
        "task": "supervision.tasks.calendar_coverage_check",
        "schedule": crontab(hour=8, minute=0),
    },
    # Deadlines live on the clock rows, so a missed run is caught up by the next one.
    "deadlines-sweep": {
        "task": "supervision.tasks.deadlines_sweep_task",
        "schedule": SWEEP_INTERVAL_SECONDS,
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
    # Sends queued SMS whose time has come: retries after backoff and any the broker never got.
    "sms-send-due": {
        "task": "messaging.tasks.sms_send_due_task",
        "schedule": 30.0,
    },
    # Registers API intake whose prompt message was lost (the API queues one itself, see below).
    "external-cases-register": {
        "task": "complaints.tasks.external_cases_register_task",
        "schedule": 60.0,
    },
    # Publishes last week's notice on Mondays and last month's ranking on the 1st; daily, so that a
    # missed morning is caught up the next one (publishing twice is impossible, see reports).
    # Month partitions of the history, notifications and webhook deliveries, made ahead (core/partitions.py).
    "partitions-ensure": {
        "task": "core.tasks.partitions_ensure_task",
        "schedule": crontab(hour=3, minute=20),
    },
    "report-snapshots-publish": {
        "task": "reports.tasks.report_snapshots_publish_task",
        "schedule": crontab(hour=7, minute=30),
    },
    # The daily rollups of the report figures: closes the day that ended and rebuilds the earlier
    # days a late change touched; until then those days are counted live (reports/selectors_rollups.py).
    "report-rollups-refresh": {
        "task": "reports.tasks.report_rollups_refresh_task",
        "schedule": float(os.environ.get("ROLLUP_INTERVAL_SECONDS", "300")),
    },
}
# Months of partitions kept ready ahead of today; a daily task, so a few missed days cost nothing.
PARTITIONS_AHEAD_MONTHS = int(os.environ.get("PARTITIONS_AHEAD_MONTHS", "3"))
# Partitions whose months all lie more than this many months before the current one may be detached
# for archive (`manage.py history_partitions --detach-before`); none younger.
PARTITIONS_RETENTION_MONTHS = int(os.environ.get("PARTITIONS_RETENTION_MONTHS", "36"))
# After an API create, the worker registers the system's complete cases this many seconds later,
# one message per web process per period however many cases arrive (integration/services.py).
EXTERNAL_REGISTRATION_DELAY_SECONDS = float(os.environ.get("EXTERNAL_REGISTRATION_DELAY_SECONDS", "1"))

# SMS to complainants (messaging/): where messages go. The console (the worker's log) by default;
# messaging.backends.FileBackend writes them to SMS_FILE_PATH; messaging.backends.AliyunBackend sends
# them to Alibaba Cloud's SendSms at SMS_GATEWAY_URL with the AccessKey below. Delivery reports are
# pushed to /messaging/sms/reports/<SMS_REPORT_TOKEN>/ (off while the token is empty).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "messaging.backends.ConsoleBackend")
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(VAR_DIR / "sms" / "sent.jsonl"))
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "https://dysmsapi.aliyuncs.com/")
SMS_ACCESS_KEY_ID = os.environ.get("SMS_ACCESS_KEY_ID", "")
SMS_ACCESS_KEY_SECRET = os.environ.get("SMS_ACCESS_KEY_SECRET", "")
SMS_REGION = os.environ.get("SMS_REGION", "cn-hangzhou")
SMS_REPORT_TOKEN = os.environ.get("SMS_REPORT_TOKEN", "")
# The public look-up address given to complainants, by SMS and on the printed receipt: the address
# the public reaches, which is not the intranet address the clerks use.
PUBLIC_TRACK_URL = os.environ.get("PUBLIC_TRACK_URL", "http://localhost:8000/track/")

# How long a process trusts its copy of the rule tables read on every intake (core/cache.py).
RULES_CACHE_SECONDS = float(os.environ.get("RULES_CACHE_SECONDS", "5"))

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "integration.api.auth.ApiKeyAuthentication",
        # Staff: hashed, expiring tokens or the session; never HTTP Basic (issue 16, access hardening).
        "integration.api.auth.StaffTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
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
    # One name for a choice set that several fields share (the platform-jurisdiction reason).
    "ENUM_NAME_OVERRIDES": {"PlatformJurisdictionEnum": "routing.models.PlatformJurisdiction"},
}

# How far ahead the official holiday schedule must be loaded before the center is warned.
CALENDAR_WARNING_DAYS = int(os.environ.get("CALENDAR_WARNING_DAYS", "60"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Mail leaves from a Celery task (core/tasks.py), never from the web request; a mail server that
# does not answer gives up after this many seconds.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))

# --- Operating it (issue 16, part 4) ---------------------------------------------------------------
# Logs: one JSON object per line with the request id (LOG_FORMAT=json, the default with DEBUG off),
# or plain text for a developer's terminal.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                             "formatter": "json" if LOG_FORMAT == "json" else "text"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The PDF renderer and its font tools narrate every step at INFO: only their warnings matter.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}
# The worker logs through LOGGING above (JSON lines with the task's request id), not Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_REDIRECT_STDOUTS = False  # our handler writes to stderr; redirected, it would loop
# /metrics answers only these client addresses or networks (the scraper's), comma-separated.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
# The address /metrics checks: REMOTE_ADDR, or behind nginx the X-Real-IP it sets (never one a client
# can write: nginx overwrites the header, deploy/nginx/cases12315.conf).
METRICS_TRUST_X_REAL_IP = env_bool("METRICS_TRUST_X_REAL_IP", False)
# Errors to a Sentry-compatible server when its DSN is set (sentry-sdk); nothing is sent otherwise.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(dsn=SENTRY_DSN, environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
                    send_default_pii=False, traces_sample_rate=0.0)
# --- end: operating it ----------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = ["routing.auth.RoleBackend"]

# --- Access hardening (issue 16, part 2: logins, sessions, second factor, tokens) ---
# Django's standard validators; 10 characters at least (等保 2.0 asks for complex passwords).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff and admin login: failed attempts allowed per account and per client address within the
# window; then the account (or the address) is locked out for the rest of it (complaints/login.py).
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_IP = int(os.environ.get("LOGIN_FAILURES_PER_IP", "20"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900"))
# A session ends after this long without a request (complaints/login.py: SessionIdleMiddleware).
SESSION_IDLE_TIMEOUT_SECONDS = int(os.environ.get("SESSION_IDLE_TIMEOUT_SECONDS", "1800"))
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_SECONDS
# Second factor (TOTP): anyone may enrol; the roles listed here (and superusers, with
# TOTP_REQUIRED_FOR_SUPERUSERS) must, before they can use any page (comma-separated role names).
TOTP_REQUIRED_ROLES = [r for r in os.environ.get("TOTP_REQUIRED_ROLES", "").split(",") if r]
TOTP_REQUIRED_FOR_SUPERUSERS = env_bool("TOTP_REQUIRED_FOR_SUPERUSERS", False)
TOTP_ISSUER = os.environ.get("TOTP_ISSUER", "12315工单系统")
MIDDLEWARE += [
    "complaints.login.SessionIdleMiddleware",
    "complaints.two_factor.TwoFactorEnrolmentMiddleware",
]
# No api_key (or token) in an address reaches a log line (core/logredact.py).
LOGGING.setdefault("filters", {})["secret_redact"] = {"()": "core.logredact.SecretRedactFilter"}
for _handler in LOGGING["handlers"].values():
    _handler.setdefault("filters", []).append("secret_redact")
# Staff API tokens (integration.StaffToken) expire after this many days.
STAFF_TOKEN_DAYS = int(os.environ.get("STAFF_TOKEN_DAYS", "30"))
# --- end of access hardening ---

# --- Audit trail (issue 16, part 3) ---
# Every showing of a complainant's or reporter's identity is logged (complaints/access_log.py).
MIDDLEWARE += ["complaints.access_log.AccessLogMiddleware", "audit.recording.RuleChangeActorMiddleware"]
# The rules whose every change is kept with its values before and after (audit/recording.py):
# model label -> the fields that are rules (None: all of them). Shown in the admin (规则变更记录).
RULE_HISTORY_MODELS = {
    "deadlines.TimeLimit": None,
    "deadlines.DeadlineSettings": None,
    "deadlines.HolidaySchedule": None,
    "deadlines.CalendarDay": None,
    "routing.RoutingRule": None,
    "routing.Unit": None,
    "routing.Area": ["code", "name", "level", "parent", "unit"],
    # groups and user_permissions grant permissions beside the role (routing/auth.py): rules too.
    "routing.User": ["username", "role", "unit", "is_active", "is_staff", "is_superuser", "groups",
                     "user_permissions"],
    "integration.ExternalSystem": ["code", "name", "acting_user", "scopes", "channel", "registers_automatically",
                                   "requests_per_minute", "webhook_url", "is_active"],
    "supervision.SupervisionSettings": None,
    "complaints.IntakeSettings": None,
    "complaints.EvidenceSettings": None,
}
# --- end of audit trail ---
