"""Ficshelf's settings: one module, everything read from the environment here and only here.

Defaults are safe for one person trying the archive on their own machine: SQLite and the
search index live in the data folder, DEBUG is off unless asked for, and a secret key is
generated once into the data folder rather than hard-coded.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ficshelf.core.datadir import resolve_data_dir, secret_key_from
from ficshelf.core.embedded_cache import embedded_cache_settings
from ficshelf.core.image_hosts import parse_image_hosts

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """A whole number from the environment; a clear message, not a traceback, when the
    value is not one (``ficshelf`` prints it and exits)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


DATA_DIR = resolve_data_dir(os.environ.get("FICSHELF_DATA_DIR"))

DEBUG = env_bool("FICSHELF_DEBUG")
# Without FICSHELF_SECRET_KEY the key is made once into the data folder: right for one
# server, but each server's folder makes its own (``ficshelf check --deploy`` says so).
SECRET_KEY_IS_PER_FOLDER = not os.environ.get("FICSHELF_SECRET_KEY")
SECRET_KEY = os.environ.get("FICSHELF_SECRET_KEY") or secret_key_from(DATA_DIR)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("FICSHELF_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("FICSHELF_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
SITE_NAME = os.environ.get("FICSHELF_SITE_NAME", "Ficshelf")

INSTALLED_APPS = [
    # Django's admin, open to admin roles after two-factor sign-in (core/staff.py).
    "ficshelf.core.staff.ArchiveAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    # Two-factor sign-in: authenticator apps and recovery codes (docs/decisions/0017).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ficshelf.core",
    "ficshelf.accounts",
    "ficshelf.tags",
    "ficshelf.works",
    "ficshelf.importers",
    "ficshelf.social",
    "ficshelf.moderation",
    "ficshelf.downloads",
    "ficshelf.search",
    "ficshelf.collections",
    "ficshelf.challenges",
    "ficshelf.sitecontent",
    "ficshelf.api",
    # django-ninja's templates and static files: its docs page is served from here, not a CDN.
    "ninja",
]

MIDDLEWARE = [
    # Outermost: it times the whole answer and names the request for every log line.
    "ficshelf.core.request_log.RequestLogMiddleware",
    # /health first: a load balancer's check reads no session, sets no cookie, and is not
    # redirected to HTTPS nor refused for the Host header it sends.
    "ficshelf.core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether the session passed two-factor; before the reader keys, whose requests have
    # no session and so are never asked for a second step.
    "django_otp.middleware.OTPMiddleware",
    # E-reader apps sign in to the OPDS catalog and downloads with a key (HTTP Basic).
    "ficshelf.accounts.reader_keys.ReaderKeyMiddleware",
    # The second step of signing in (required of admin roles) and what a suspended member
    # may not do (accounts/two_factor.py, accounts/suspension.py).
    "ficshelf.accounts.two_factor.TwoFactorMiddleware",
    "ficshelf.accounts.suspension.SuspensionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Dates in a signed-in member's own time zone (their preference).
    "ficshelf.accounts.middleware.MemberTimeZoneMiddleware",
    # Members are asked to accept a new version of the Terms of Service at their next page.
    "ficshelf.sitecontent.terms_middleware.TermsAcceptanceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ficshelf.core.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "ficshelf.urls"
WSGI_APPLICATION = "ficshelf.wsgi.application"

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
                "ficshelf.core.context_processors.site",
                "ficshelf.accounts.context_processors.reader_preferences",
                "ficshelf.accounts.context_processors.standing",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "ficshelf.sqlite3"),
            "OPTIONS": {
                # WAL lets the worker write while web processes read; IMMEDIATE avoids
                # "database is locked" when a read transaction later tries to write.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Argon2 first: new passwords use it; older hashes still verify and are upgraded on login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "works:index"
LOGOUT_REDIRECT_URL = "works:index"

# Who may create an account: "open", "invite" (an invitation code), or "queue" (people ask
# and an admin approves them, like AO3's invitation queue). Admins can change it later in
# the admin site; this is the starting value.
FICSHELF_SIGNUP_MODE = os.environ.get("FICSHELF_SIGNUP_MODE", "open")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serving straight from the app folders means `ficshelf serve` works without a
# collectstatic step on a fresh clone.
WHITENOISE_USE_FINDERS = True

TASKS = {
    "default": {
        "BACKEND": os.environ.get("FICSHELF_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# The adult-content notice: "Proceed" is remembered for the visit (the browser session).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sessions are read on every signed-in request: from the cache before the database. Writes
# go to both, so a session outlives the cache's eviction; a logout deletes both, so it ends
# the session in every process (and, with Redis, every server) that shares the cache.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# FICSHELF_HTTPS=1 when the archive is served over HTTPS, usually behind a reverse proxy
# that terminates TLS and says so in X-Forwarded-Proto.
SERVED_OVER_HTTPS = env_bool("FICSHELF_HTTPS")
SESSION_COOKIE_SECURE = SERVED_OVER_HTTPS
CSRF_COOKIE_SECURE = SERVED_OVER_HTTPS
if SERVED_OVER_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # An hour to start with: long HSTS times are hard to undo if HTTPS breaks.
    SECURE_HSTS_SECONDS = env_int("FICSHELF_HSTS_SECONDS", 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# REDIS_URL (redis://host:6379/0): one cache shared by every server, for sessions, rate
# limits and kept pages; what several servers must agree on lives there.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    # An embedded cache in the data folder, shared by every web process and the worker of
    # one server: atomic increments, explicit expiry, evicted by size (decision 0011).
    CACHE_SIZE_MB = env_int("FICSHELF_CACHE_SIZE_MB", 512)
    if CACHE_SIZE_MB < 16:
        raise ImproperlyConfigured(
            f"FICSHELF_CACHE_SIZE_MB must be 16 or more (megabytes), not {CACHE_SIZE_MB}."
        )
    CACHES = {"default": embedded_cache_settings(DATA_DIR / "cache", size_limit_mb=CACHE_SIZE_MB)}

# How many reverse proxies of the operator's stand in front of the archive (nginx, a load
# balancer): the client's address is then taken from X-Forwarded-For, that many from the
# right. 0: REMOTE_ADDR is the client (docs/self-hosting.md).
FICSHELF_TRUSTED_PROXIES = env_int("FICSHELF_TRUSTED_PROXIES", 0)
# Requests per minute the API takes from one token, and from one address (docs/api.md).
FICSHELF_API_REQUESTS_PER_MINUTE = env_int("FICSHELF_API_REQUESTS_PER_MINUTE", 120)
if FICSHELF_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured(
        f"FICSHELF_TRUSTED_PROXIES must be 0 or more, not {FICSHELF_TRUSTED_PROXIES}."
    )

# Email: written as files into the data folder unless SMTP is configured, so a small
# install never loses a password-reset mail and needs no mail server to try things.
EMAIL_HOST = os.environ.get("FICSHELF_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("FICSHELF_EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("FICSHELF_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("FICSHELF_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("FICSHELF_EMAIL_TLS", default=True)
else:
    EMAIL_BACKEND = os.environ.get(
        "FICSHELF_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
    )
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("FICSHELF_EMAIL_FROM", "ficshelf@localhost")

# Search: the embedded tantivy index in the data folder by default; installs with several
# app servers use the PostgreSQL backend (see docs/self-hosting.md).
FICSHELF_SEARCH_BACKEND = os.environ.get(
    "FICSHELF_SEARCH_BACKEND", "ficshelf.search.backends.embedded.TantivyBackend"
)
# How the index is kept (decision 0025): "one-index" (the default: one index, drained by
# the worker), or "per-host-embedded" (every app server keeps its own embedded index, fed
# from the index queue in the shared database from a position of its own; for several
# servers on PostgreSQL; ``search.host_index``).
FICSHELF_SEARCH = os.environ.get("FICSHELF_SEARCH", "one-index").strip() or "one-index"
SEARCH_MODES = ("one-index", "per-host-embedded")
if FICSHELF_SEARCH not in SEARCH_MODES:
    raise ImproperlyConfigured(
        f"FICSHELF_SEARCH must be one of {', '.join(SEARCH_MODES)}, not {FICSHELF_SEARCH!r}."
    )
# Per-host indexes: how often each host's indexer looks for new queue entries, and how long
# a host may stay silent before it stops holding entries back (it rebuilds its index from
# scratch if it comes back after they are gone).
FICSHELF_SEARCH_FOLLOW_MS = env_int("FICSHELF_SEARCH_FOLLOW_MS", 500)
FICSHELF_SEARCH_HOST_SILENT_MINUTES = env_int("FICSHELF_SEARCH_HOST_SILENT_MINUTES", 15)

# PDF downloads: a long work is laid out in this many processes at once (1: in one pass);
# by default one per core, at most 4, as each holds its part's layout in memory.
FICSHELF_PDF_PROCESSES = env_int("FICSHELF_PDF_PROCESSES", min(os.cpu_count() or 1, 4))

# Images in work text: from any host over HTTPS ("*"), from the hosts named (comma
# separated; "*.example.org" for its subdomains), or "none". See core/image_hosts.py.
FICSHELF_IMAGE_HOSTS = parse_image_hosts(os.environ.get("FICSHELF_IMAGE_HOSTS", "*"))

# Imports: files larger than this are refused before they are read.
FICSHELF_IMPORT_MAX_BYTES = env_int("FICSHELF_IMPORT_MAX_BYTES", 50 * 1024 * 1024)

# Files the worker makes (PDFs, bulk zips) are kept in the database; one larger than this
# is not kept, and the reader is told it could not be made (decision 0013).
FICSHELF_DOWNLOAD_MAX_BYTES = env_int("FICSHELF_DOWNLOAD_MAX_BYTES", 512 * 1024 * 1024)

# Spam defence (core/form_guards.py, core/spam.py, docs/design.md "Spam defence"): forms
# sent sooner than this after they were shown, or with a stamp older than the second, are
# refused; guest comments and untrusted members' works with more links than the limit are
# held for moderation; a member is trusted after this many approved or lasting posts.
FICSHELF_FORM_MIN_SECONDS = env_int("FICSHELF_FORM_MIN_SECONDS", 3)
FICSHELF_FORM_MAX_AGE_SECONDS = env_int("FICSHELF_FORM_MAX_AGE_SECONDS", 2 * 24 * 60 * 60)
FICSHELF_SPAM_LINK_LIMIT = env_int("FICSHELF_SPAM_LINK_LIMIT", 2)
FICSHELF_SPAM_TRUST_AFTER = env_int("FICSHELF_SPAM_TRUST_AFTER", 3)
# "Spam and suspend" suspends the account for this many days ("not spam" lifts it early).
FICSHELF_SPAM_SUSPENSION_DAYS = env_int("FICSHELF_SPAM_SUSPENSION_DAYS", 90)
# An outside checker with Akismet's comment-check API, used only when both are set.
FICSHELF_SPAM_CHECKER_URL = os.environ.get("FICSHELF_SPAM_CHECKER_URL", "").rstrip("/")
FICSHELF_SPAM_CHECKER_KEY = os.environ.get("FICSHELF_SPAM_CHECKER_KEY", "")

# How many app servers (machines or data folders running `ficshelf serve`) share this
# archive's database: with more than one, `ficshelf check --deploy` asks for what they must
# share (docs/self-hosting.md, "Several servers"). Servers seen running count too.
FICSHELF_SERVERS = env_int("FICSHELF_SERVERS", 1)
if FICSHELF_SERVERS < 1:
    raise ImproperlyConfigured(f"FICSHELF_SERVERS must be 1 or more, not {FICSHELF_SERVERS}.")

# Every log line has a time and a level; FICSHELF_LOG_FORMAT=json makes each one a JSON
# object and adds one line per request with its latency and request id (core.request_log).
FICSHELF_LOG_FORMAT = os.environ.get("FICSHELF_LOG_FORMAT", "text").strip().lower()
if FICSHELF_LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(
        f"FICSHELF_LOG_FORMAT must be text or json, not {FICSHELF_LOG_FORMAT!r}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ficshelf.core.request_log.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "ficshelf.core.request_log.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": FICSHELF_LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("FICSHELF_LOG_LEVEL", "WARNING")},
    "loggers": {
        "ficshelf.requests": {"level": "INFO" if FICSHELF_LOG_FORMAT == "json" else "WARNING"}
    },
}
