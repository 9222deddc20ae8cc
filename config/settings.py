"""Settings for Stancemap, read from the environment.

Without any variables set, the app runs locally on an SQLite file with DEBUG on.
In production set SECRET_KEY, DEBUG=false, ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    # A fixed key is acceptable only for local development with DEBUG on.
    SECRET_KEY = "local-development-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "axes",
    "django_tasks_db",
    "corpus",
    "annotate",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "corpus.middleware.PrivateAnswersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees a view's exception first.
    "corpus.middleware.DatabaseUnavailableMiddleware",
    # Turns a sign-in refused for too many failures into its 429 answer.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the reader keep reading while an import writes; the timeout waits
    # for a busy writer instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with a health check that asks the socket rather than the server
    # and moments loaded in C (see corpus/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "corpus.postgresql"
if DATABASES["default"]["ENGINE"] == "corpus.postgresql" and env_bool(
    "PG_SERVER_SIDE_BINDING", default=True
):
    # Parameters travel apart from the SQL, so psycopg prepares a query the fifth time
    # a connection runs it and PostgreSQL stops re-planning it (about 0.3 ms a query).
    # Turn off behind a pooler in transaction mode, which cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
if DATABASES["default"]["ENGINE"] == "corpus.postgresql" and env_bool("PG_POOL", default=not DEBUG):
    # Under the ASGI server requests run on a pool of threads (config/asgi.py) and the
    # event streams read on threads of their own: rather than a connection kept per
    # thread (CONN_MAX_AGE), each process keeps a pool of at most PG_POOL_SIZE
    # connections (psycopg_pool), handed to requests in turn.
    # A request waits at most PG_POOL_TIMEOUT seconds for one (then: 503). Each
    # connection is checked as it is handed out (conn_health_checks), so that after a
    # database restart no request gets a dead one.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": int(os.environ.get("PG_POOL_SIZE", "16")),
        "timeout": float(os.environ.get("PG_POOL_TIMEOUT", "5")),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Sign-in throttling (django-axes): after SIGN_IN_FAILURE_LIMIT wrong passwords for an
# account, or from one client address, sign-ins for it are refused with 429 for
# SIGN_IN_LOCKOUT_MINUTES, on the sign-in page, the admin's and the API's token endpoint
# (everything that calls authenticate()). Only failures count. The counts live in the
# default cache: Redis with REDIS_URL, which every app process shares; without it each
# process counts apart, which is right for a single process only.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGN_IN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one alone holds back
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "corpus.views.account.signin_locked_out"
AXES_VERBOSE = False  # each failure is still logged; not the banner at every start

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "corpus:project-list"
LOGOUT_REDIRECT_URL = "login"

# Uploads: an import may carry many files; each file's own limit is checked by the importer.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 20 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 1000
IMPORT_MAX_FILE_SIZE = int(os.environ.get("IMPORT_MAX_FILE_SIZE", 10 * 1024 * 1024))
# Documents (rows, items, lines) in one CSV, JSON or JSON Lines file; a file is all or
# nothing, so its documents are held until it is saved.
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 50_000))

# Background jobs (Django's task framework). "database" keeps the queue in the app's own
# database (django-tasks-db) for `manage.py db_worker` processes to run; "immediate" runs
# each task in the process that enqueued it, once its transaction commits, which is what
# `make run` and the tests use: one process, no worker to start.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate" if DEBUG else "database")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_BACKEND == "database"
        else "django.tasks.backends.immediate.ImmediateBackend",
    }
}
# An import becomes a job (202 Accepted, then /api/jobs/<id>/) when it has more than
# IMPORT_JOB_FILES files or more than IMPORT_JOB_BYTES bytes; smaller ones answer at once.
IMPORT_JOB_FILES = int(os.environ.get("IMPORT_JOB_FILES", "100"))
IMPORT_JOB_BYTES = int(os.environ.get("IMPORT_JOB_BYTES", 5 * 1024 * 1024))
# A running job whose worker has said nothing for JOB_STALE_SECONDS lost its worker: it is
# started again, up to JOB_MAX_ATTEMPTS starts in all, then marked failed with the reason.
JOB_STALE_SECONDS = int(os.environ.get("JOB_STALE_SECONDS", "60"))
JOB_MAX_ATTEMPTS = int(os.environ.get("JOB_MAX_ATTEMPTS", "3"))

# Live updates: events are kept EVENTS_KEEP_MINUTES for streams that resume with
# Last-Event-ID. A stream with nothing to say sends a comment every EVENTS_KEEPALIVE_SECONDS.
EVENTS_KEEP_MINUTES = int(os.environ.get("EVENTS_KEEP_MINUTES", "120"))
EVENTS_KEEPALIVE_SECONDS = int(os.environ.get("EVENTS_KEEPALIVE_SECONDS", "15"))

# Invitations to a project expire this many days after they are made.
INVITATION_EXPIRY_DAYS = int(os.environ.get("INVITATION_EXPIRY_DAYS", "14"))

# E-mail (invitation links): sent over SMTP when EMAIL_HOST is set. Without it there is
# no mailer at all, on purpose: the app then sends nothing and says so (invitation links
# are shown to be passed on by hand), so Django's warning about a missing mailer is moot.
MAILERS: dict[str, dict] = {}
SILENCED_SYSTEM_CHECKS = [] if os.environ.get("EMAIL_HOST") else ["mail.W001"]
if os.environ.get("EMAIL_HOST"):
    MAILERS["default"] = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ["EMAIL_HOST"],
            "port": int(os.environ.get("EMAIL_PORT", "587")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", default=True),
            "timeout": 10,
        },
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Stancemap <stancemap@localhost>")

# Security. Cookies are secure and HTTP-only outside debug; HSTS and redirects follow.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes DRF answer 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "corpus.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "corpus.api.pagination.IdCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "60/minute"),
        # DRF keeps each request's time for the whole window, so a short window keeps
        # that list (stored in the cache, read and written on every request) small.
        "user": os.environ.get("THROTTLE_USER", "3000/minute"),
        "token": os.environ.get("THROTTLE_TOKEN", "20/minute"),
    },
    # JSON only: the interactive documentation is Swagger UI at /api/docs/, which runs
    # under the Content Security Policy; DRF's browsable pages need inline styles.
    "DEFAULT_RENDERER_CLASSES": ["corpus.api.renderers.JSONRenderer"],
    # JSON with a size limit; the file import and the token endpoint add their forms.
    "DEFAULT_PARSER_CLASSES": ["corpus.api.parsers.LimitedJSONParser"],
    "EXCEPTION_HANDLER": "corpus.api.errors.api_exception_handler",
    # Exports take ?format=csv|jsonl|jsonld themselves.
    "URL_FORMAT_OVERRIDE": None,
}
#: The largest JSON body the API reads (a bulk of 10,000 annotations is about 2 MB).
API_MAX_BODY_SIZE = int(os.environ.get("API_MAX_BODY_SIZE", 10 * 1024 * 1024))

SPECTACULAR_SETTINGS = {
    "TITLE": "Stancemap API",
    "DESCRIPTION": "Documents, codebook (actors, claims) and annotations with stances.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "corpus.api.schema.add_error_responses",
        "corpus.api.schema.describe_exactly",
    ],
}

CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        # Django's, with one client per connection pool (see corpus/cache.py).
        "BACKEND": "corpus.cache.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        # A Redis that went away is an error within seconds, not a hung request.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
#: How long an API token's user is kept in the cache (``corpus.api.authentication``).
#: Only a cache shared by every process may keep it, since a token rotated or a user
#: deactivated must be refused at once everywhere: off with the in-process cache.
API_TOKEN_CACHE_SECONDS = int(
    os.environ.get("API_TOKEN_CACHE_SECONDS", "300" if os.environ.get("REDIS_URL") else "0")
)
if not os.environ.get("REDIS_URL"):
    # axes warns that an in-process cache does not hold across processes; the README
    # says so, and a single process is what runs without REDIS_URL.
    SILENCED_SYSTEM_CHECKS += ["axes.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Each task's start and end is no news; its failures are.
    "loggers": {
        "django.tasks": {"level": "WARNING"},
        # Failed sign-ins are warnings; every successful one need not be news.
        "axes": {"level": "WARNING"},
    },
}
