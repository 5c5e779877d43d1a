"""phaseout settings. Every value comes from the environment, with a safe default.

Each setting is documented in docs/configuration.md; keep the two in step.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("PHASEOUT_DATA_DIR", PROJECT_DIR / "data"))

DEBUG = env_bool("DEBUG", False)
# An unset SECRET_KEY is only acceptable in DEBUG (the demo); production refuses to start.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or os.environ.get("PHASEOUT_ALLOW_INSECURE_KEY"):
        SECRET_KEY = "insecure-demo-key-do-not-use-in-production"
    else:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (see docs/configuration.md)."
        )

# Personal data (举报人身份、联系方式) is encrypted at rest with these Fernet keys (comma-separated;
# the first encrypts, all decrypt, so a key can be rotated). Generate one with
# `phaseout personal-data-key`. Production refuses to start without it; the demo and the tests
# derive a throwaway key from SECRET_KEY.
PHASEOUT_DATA_KEYS = env_list("PHASEOUT_DATA_KEYS")
if not PHASEOUT_DATA_KEYS and not (DEBUG or os.environ.get("PHASEOUT_ALLOW_INSECURE_KEY")):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "PHASEOUT_DATA_KEYS is not set. Set it in the environment (see docs/configuration.md)."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "axes",
    "csp",
    "captcha",
    "phaseout.core",
    "phaseout.regions",
    "phaseout.registry",
    "phaseout.standards",
    "phaseout.screening",
    "phaseout.enforcement",
    "phaseout.disclosure",
    "phaseout.tipoffs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "phaseout.core.middleware.NulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "phaseout.urls"
WSGI_APPLICATION = "phaseout.wsgi.application"
ASGI_APPLICATION = "phaseout.asgi.application"

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
                "csp.context_processors.nonce",
            ],
        },
    },
]

# SQLite in the data folder unless DATABASE_URL names another database (PostgreSQL in production).
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'phaseout.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while an import writes; IMMEDIATE avoids lock upgrades.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# PostgreSQL prepares the queries of core.rawsql.prepared_cursor() (the public pages' fixed
# queries) on their first run in a connection; the ORM's queries are bound on the client and never
# prepared. 0 (PHASEOUT_DB_PREPARE=0) behind a connection pooler in transaction mode.
PHASEOUT_DB_PREPARE = os.environ.get("PHASEOUT_DB_PREPARE", "1") != "0"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and PHASEOUT_DB_PREPARE:
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "registry:enterprise-list"
LOGOUT_REDIRECT_URL = "login"

# Log-in throttling (django-axes): lock a user name + address pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
# Front-end packages are installed from the npm registry by `make` (package-lock.json pins them)
# and collected from node_modules; nothing third-party is committed.
NODE_MODULES = Path(os.environ.get("PHASEOUT_NODE_MODULES", PROJECT_DIR / "node_modules"))
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))

# Chinese fonts embedded in every enforcement document PDF (docs/documents.md). Empty: the Noto
# Serif SC (正文) and Noto Sans SC (标题) files of the PyPI package pylopdf-fonts-zh-cn, which
# uv.lock pins and `make env` installs. A missing file stops the document with an error.
PHASEOUT_PDF_FONT = os.environ.get("PHASEOUT_PDF_FONT", "")
PHASEOUT_PDF_HEADING_FONT = os.environ.get("PHASEOUT_PDF_HEADING_FONT", "")

# Security headers. HTTPS-only cookies when the deployment says it is behind TLS.
SECURE_HTTPS = env_bool("PHASEOUT_HTTPS", False)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if SECURE_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": ["'none'"],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "phaseout.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "phaseout API",
    "DESCRIPTION": "利用综合标准依法依规推动落后产能退出 — registry, regions and (later) cases and lists.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several enforcement records have a "kind": each choice set gets its own component name.
    "ENUM_NAME_OVERRIDES": {
        "DocumentKindEnum": "phaseout.enforcement.choices.DocumentKind",
        "EventKindEnum": "phaseout.enforcement.choices.EventKind",
        "EvidenceKindEnum": "phaseout.enforcement.choices.EvidenceKind",
        "MeasureKindEnum": "phaseout.enforcement.choices.MeasureKind",
        "ListKindEnum": "phaseout.disclosure.choices.ListKind",
    },
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Ledger (台账) import: a file larger than this is refused before it is read.
LEDGER_MAX_BYTES = int(os.environ.get("PHASEOUT_LEDGER_MAX_BYTES", str(100 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "phaseout@localhost")
# Deadline reminders (30, 7 and 1 days before) are e-mailed too, not only shown in the application.
PHASEOUT_REMINDER_EMAIL = env_bool("PHASEOUT_REMINDER_EMAIL", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint and its font subsetter narrate every PDF at INFO.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

# — Tip-offs (举报), docs/tipoffs.md —
# The per-address rate limits of the public tip-off pages (django-ratelimit) count in a cache that
# every process shares: Django's DatabaseCache in its own table (`phaseout migrate` creates it),
# or Redis with PHASEOUT_REDIS_URL (below). The database's increment is a read then a write, so
# under a burst of parallel requests a few more may pass than the limit says (Redis' INCR is
# atomic); the limit is a brake on abuse, not an exact quota.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "phaseout_ratelimit_cache",
    },
    # The public portal's rendered pages (disclosure/public/cache.py), kept in each worker's
    # memory: a hit costs a dictionary lookup, where a database cache costs a query and each
    # kept page a commit. Each worker keeps its own; MAX_ENTRIES bounds its memory (a page is
    # 10–40 kB: 5,000 pages are up to about 200 MB a worker). With PHASEOUT_REDIS_URL below,
    # every worker of every server shares one.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "phaseout-public-pages",
        "OPTIONS": {
            "MAX_ENTRIES": int(os.environ.get("PHASEOUT_PUBLIC_CACHE_ENTRIES", "5000")),
            "CULL_FREQUENCY": 4,
        },
    },
}
# Optional: a Redis server (redis://host:port/db) that every worker of every server shares, for
# the public pages (rendered once for all, not once per worker) and the per-address rate-limit
# counts (one atomic INCR instead of a database row read and written). Redis bounds its own
# memory (maxmemory with allkeys-lru, docs/install.md). Short timeouts: a stalled Redis must not
# stall the pages; one that fails is passed over (core/cache.py): pages are rendered, limits not
# counted, and a warning is logged once a minute.
PHASEOUT_REDIS_URL = os.environ.get("PHASEOUT_REDIS_URL", "")
if PHASEOUT_REDIS_URL:
    for _name in ("pages", "ratelimit"):
        CACHES[_name] = {
            "BACKEND": "phaseout.core.cache.QuietRedisCache",
            "LOCATION": PHASEOUT_REDIS_URL,
            "KEY_PREFIX": f"phaseout-{_name}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
# A rate-limit count that cannot be read (Redis down) lets the request through: the public pages
# stay up; the tip-off form's challenge still stands.
RATELIMIT_FAIL_OPEN = True
# How long a kept public page is served (seconds); a new publication supersedes it within
# PHASEOUT_PUBLIC_GENERATION_SECONDS, a registry correction shows after at most this long.
# 0: no page cache.
PHASEOUT_PUBLIC_CACHE_SECONDS = int(os.environ.get("PHASEOUT_PUBLIC_CACHE_SECONDS", "300"))
# How long a worker trusts the publication generation it read (seconds): a list published on
# another worker or server shows on this one's public pages after at most this long.
PHASEOUT_PUBLIC_GENERATION_SECONDS = float(
    os.environ.get("PHASEOUT_PUBLIC_GENERATION_SECONDS", "1")
)
RATELIMIT_USE_CACHE = "ratelimit"
# Behind a reverse proxy the client's address is in a header the proxy sets (X-Forwarded-For);
# name the META key here, e.g. HTTP_X_REAL_IP. Default: the socket's address.
RATELIMIT_IP_META_KEY = os.environ.get("PHASEOUT_RATELIMIT_IP_META_KEY") or None
PHASEOUT_TIPOFF_SUBMIT_RATE = os.environ.get("PHASEOUT_TIPOFF_SUBMIT_RATE", "10/h")
PHASEOUT_TIPOFF_STATUS_RATE = os.environ.get("PHASEOUT_TIPOFF_STATUS_RATE", "30/h")
PHASEOUT_TIPOFF_MAX_FILES = int(os.environ.get("PHASEOUT_TIPOFF_MAX_FILES", "5"))
PHASEOUT_TIPOFF_MAX_FILE_BYTES = int(
    os.environ.get("PHASEOUT_TIPOFF_MAX_FILE_BYTES", str(10 * 1024 * 1024))
)
# 核查期限: working days from acceptance (受理之日起). No source in the reference gives a figure
# for tip-offs on backward capacity (seed 001 says only 立即组织核查处理): a parameter, unverified.
PHASEOUT_TIPOFF_VERIFY_WORKDAYS = int(os.environ.get("PHASEOUT_TIPOFF_VERIFY_WORKDAYS", "15"))
# The offline challenge of the public form: a small sum drawn as an image (django-simple-captcha).
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.math_challenge"
CAPTCHA_TIMEOUT = 10  # minutes
# Tip-offs have a "state" too: the case's keeps the component name it had (StateEnum).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "StateEnum": "phaseout.enforcement.choices.CaseState",
        "TipoffStateEnum": "phaseout.tipoffs.choices.TipoffState",
        "TipoffChannelEnum": "phaseout.tipoffs.choices.Channel",
        "RejectReasonEnum": "phaseout.tipoffs.choices.RejectReason",
    }
)
