"""Settings, all from the environment, with safe defaults for the demo school.

Every variable is read through one strict reader (environs): a boolean is true/false, 1/0, yes/no
or on/off and anything else stops the start-up naming the variable, numbers are checked against
their range, lists are split on commas. An empty variable counts as unset. A mistake in the
environment is an ImproperlyConfigured naming the variable and what was wrong, never a setting
silently read as something else (EMAIL_USE_TLS=true once meant "off").

SMPOLICY_MODE=production turns on the production checks: a real SECRET_KEY and ALLOWED_HOSTS are
required, and the demo secret is refused, so a real school's deployment can't run on a public key.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from environs import Env, EnvError
from marshmallow.validate import OneOf, Range

from smpolicy.schools.clientaddress import parse_networks
from smpolicy.web.logconfig import logging_config

T = TypeVar("T")

_env = Env(expand_vars=False)

TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})


@_env.parser_for("yes_no")
def _yes_no(value: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise EnvError("must be true or false (or 1/0, yes/no, on/off)")


def _is_set(name: str) -> bool:
    return bool(os.environ.get(name, "").strip())


def _read(kind: str, name: str, default: T, **options: Any) -> T:
    """``name`` parsed by environs' ``kind`` parser, ``default`` when unset or empty."""
    if not _is_set(name):
        return default
    parser: Callable[..., T] = getattr(_env, kind)
    try:
        value = parser(name, **options)
    except EnvError as exc:
        raw = os.environ.get(name, "").strip()
        shown = "(hidden)" if "PASSWORD" in name or "KEY" in name else repr(raw[:80])
        raise ImproperlyConfigured(f"{name} is wrong: {_reason(exc)}; it is {shown}") from None
    return value.strip() if isinstance(value, str) else value


def _reason(exc: EnvError) -> str:
    messages = getattr(exc, "error_messages", None)
    if isinstance(messages, dict):
        messages = [m for ms in messages.values() for m in (ms if isinstance(ms, list) else [ms])]
    if isinstance(messages, list | tuple) and messages:
        return "; ".join(_sentence(str(m)) for m in messages)
    return _sentence(str(exc).split("invalid:", 1)[-1].strip(" []'\"")) or "not valid"


def _sentence(message: str) -> str:
    message = message.strip().rstrip(".")
    return message[:1].lower() + message[1:]


def env_str(name: str, default: str = "") -> str:
    return _read("str", name, default)


def env_bool(name: str, default: bool) -> bool:
    return _read("yes_no", name, default)


def env_int(name: str, default: int, *, low: int | None = None, high: int | None = None) -> int:
    return _read("int", name, default, validate=Range(min=low, max=high))


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    items = _read("list", name, default or [], delimiter=",")
    return [item.strip() for item in items if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("SMPOLICY_DATA_DIR", str(Path.cwd() / "data"))).resolve()

MODE = env_str("SMPOLICY_MODE", "demo").lower()
if MODE not in {"demo", "production"}:
    raise ImproperlyConfigured(f"SMPOLICY_MODE must be 'demo' or 'production', not {MODE!r}")
PRODUCTION = MODE == "production"

DEMO_SECRET_KEY = "demo-only-secret-key-do-not-use-for-a-real-school-0000000000000000"
SECRET_KEY = env_str("SECRET_KEY", DEMO_SECRET_KEY)
# Off unless asked for, in the demo too: Django's debug pages list every address of the site and
# show the data a failing page held. The demo shows the site's own error pages (web.errors).
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])

SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_DISTINCT = 10


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` may not sign a real school's sessions, or None. The demo secret is public, in
    any spacing or case; a short key or one of few characters can be guessed."""
    squeezed = "".join(key.split()).lower()
    if squeezed == "".join(DEMO_SECRET_KEY.split()).lower():
        return "it is the demo secret, which is public"
    if squeezed.startswith("django-insecure"):
        return "it is a key Django made for development"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it has {len(key)} characters; it needs at least {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < SECRET_KEY_MIN_DISTINCT:
        return (
            f"it uses only {len(set(key))} different characters; a random key uses many "
            f"(at least {SECRET_KEY_MIN_DISTINCT})"
        )
    return None


def allowed_host_problem(host: str) -> str | None:
    """Why ``host`` would let any Host header through, or None. A leading dot matches every
    subdomain, so it must name at least a whole registered domain (".straits.sch.uk")."""
    if "*" in host:
        return f"{host!r} lets any host name through; name this server's host names"
    if host.startswith(".") and host.strip(".").count(".") < 2:
        return f"{host!r} matches too many domains; name this server's host names"
    return None


if PRODUCTION:
    problem = secret_key_problem(SECRET_KEY)
    if problem:
        raise ImproperlyConfigured(
            f"SECRET_KEY must be set to a long random value in production: {problem}. Make one "
            "with: python3 -c 'import secrets; print(secrets.token_urlsafe(64))'"
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must name this server's host name in production.")
    for host in ALLOWED_HOSTS:
        if problem := allowed_host_problem(host):
            raise ImproperlyConfigured(f"ALLOWED_HOSTS is wrong for production: {problem}.")
    if DEBUG:
        raise ImproperlyConfigured(
            "DEBUG must be off in production: it would show pupils' data in error pages."
        )
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, low=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A monitor on the server itself asks /healthz over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# The reverse proxies in front of the app (addresses or networks); only their X-Forwarded-For is
# believed (smpolicy.schools.clientaddress). None by default: REMOTE_ADDR is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
try:
    parse_networks(TRUSTED_PROXIES)
except ValueError as exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES is wrong: {exc}") from None

# The key the audit log's and evidence register's hash chains, and signed policy versions' seals,
# are made with (smpolicy.safeguarding.integrity); unset, one is derived from SECRET_KEY. Never
# change it once records exist: every chain would then fail verification.
SMPOLICY_CHAIN_KEY = env_str("SMPOLICY_CHAIN_KEY", "")

# Keys that seal secrets at rest (smpolicy.schools.sealing); unset, one is derived from SECRET_KEY.
SMPOLICY_SEALING_KEYS = env_list("SMPOLICY_SEALING_KEYS")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS is wrong: {_origin!r} needs its scheme "
            "(e.g. https://policy.example)"
        )

INSTALLED_APPS = [
    "smpolicy.web.apps.SmpolicyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "ninja",  # its Swagger page from its own static files, not a CDN (no network at run time)
    "smpolicy.web",
    "smpolicy.schools",
    "smpolicy.asking",
    "smpolicy.safeguarding",
    "smpolicy.network",
    "smpolicy.posting",
    "smpolicy.registers",
    "smpolicy.jobs",
    "smpolicy.backup",
    "axes",  # sign-in throttling: see the block at the end
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "smpolicy.web.middleware.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "smpolicy.web.csp.RelaxedPathsMiddleware",
    "smpolicy.web.middleware.NoStoreMiddleware",
    "smpolicy.schools.middleware.CurrentSchoolMiddleware",
    "smpolicy.web.throttling.SerialSignInMiddleware",  # one password check at a time per pair
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into its page
]

# Static files from the app itself, with DEBUG off: in production from STATIC_ROOT (collectstatic),
# in the demo straight from the apps' folders, so `smpolicy demo` needs no collectstatic.
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

ROOT_URLCONF = "smpolicy.web.urls"
WSGI_APPLICATION = "smpolicy.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "smpolicy.schools.context.school",
                "smpolicy.safeguarding.context.unopened_alerts",  # the DSL team's menu count
            ],
        },
    },
]

if not _is_set("DATABASE_URL"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # the demo's SQLite file lives here
try:
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'smpolicy.sqlite3'}"),
            conn_max_age=env_int("CONN_MAX_AGE", 60, low=0),
        )
    }
except (ValueError, KeyError) as exc:
    # The URL is not shown: it holds the database's password.
    raise ImproperlyConfigured(
        f"DATABASE_URL is wrong: {type(exc).__name__} while reading it; it should look like "
        "postgres://user:password@host:5432/name"
    ) from None
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web app, the workers and beat write to one file: wait for its lock, do not fail at 5 s.
    # A transaction takes the write lock when it begins (IMMEDIATE): SQLite cannot make a reader
    # that later writes wait, and answers "database is locked" at once. WAL lets pages read while
    # a worker writes.
    _sqlite = DATABASES["default"].setdefault("OPTIONS", {})
    _sqlite.setdefault("timeout", 20)
    _sqlite.setdefault("transaction_mode", "IMMEDIATE")
    _sqlite.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    # The tests' database is a file too, as a school's is: an in-memory database shares one
    # cache between connections, whose table locks fail at once instead of waiting, so parallel
    # requests in the attack tests would fail where a school's would wait their turn.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(DATA_DIR / "test-database.sqlite3")
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Counters shared by every worker (password-reset limits): Redis when CACHE_URL names it (a school
# or trust running several processes), else files in the data directory, which every process on
# one machine shares, with nothing to install.
_CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
        if _CACHE_URL.startswith(("redis://", "rediss://"))
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    )
}
if _CACHE_URL and not _CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(
        f"CACHE_URL should be a redis:// or rediss:// address, not {_CACHE_URL.split(':')[0]!r}"
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "schools:login"
LOGIN_REDIRECT_URL = "schools:home"
LOGOUT_REDIRECT_URL = "schools:login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, low=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy (django-csp): scripts and styles only from this site's static files, no
# inline script or style attribute, no plugins, no framing, forms post only here. The one page
# that needs more (the API's Swagger page, which ninja writes with an inline script) relaxes it
# in smpolicy.web.csp, for that path alone.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for the check page's previews (built in memory, never stored) and the favicon
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"TIME_ZONE is wrong: {TIME_ZONE!r} is not a time zone name (e.g. Europe/London)"
    ) from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
# Django spools a large upload to a temporary file while the request is read. It goes inside the
# data directory (the system's /tmp may be shared, or not cleared for years), and is swept at
# start-up and every minute by smpolicy.web.tempfiles.
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp" / "uploads")
FILE_UPLOAD_PERMISSIONS = 0o600
try:
    Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True, mode=0o700)
except OSError as exc:
    raise ImproperlyConfigured(
        f"SMPOLICY_DATA_DIR is wrong: cannot make {FILE_UPLOAD_TEMP_DIR} ({exc.strerror})"
    ) from None
# The largest request accepted at all, checked on Content-Length before a byte is read: ten
# evidence files of 40 MB and their form. Bigger is refused with 413 (smpolicy.web.middleware).
SMPOLICY_MAX_REQUEST_BYTES = env_int("SMPOLICY_MAX_REQUEST_BYTES", 410 * 1024 * 1024, low=1024)
# Questions asked of the policy are kept with the asker's name this long, then deleted
# (smpolicy expire-questions): long enough to answer a subject access request about them.
SMPOLICY_QUESTIONS_KEPT_DAYS = env_int("SMPOLICY_QUESTIONS_KEPT_DAYS", 90, low=1)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# E-mail: the console in the demo, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587, low=1, high=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")  # as given: spaces may be in it
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    if _is_set("EMAIL_USE_TLS"):
        raise ImproperlyConfigured(
            "EMAIL_USE_TLS and EMAIL_USE_SSL are both on; choose one (STARTTLS on port 587 is "
            "EMAIL_USE_TLS, TLS from the start on port 465 is EMAIL_USE_SSL)"
        )
    EMAIL_USE_TLS = False  # SSL asked for, TLS only by default
# A mail server that stops answering must not hold a page (or the alert escalation) for minutes.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, low=1, high=600)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "smpolicy@localhost")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"SITE_URL is wrong: {SITE_URL!r} needs http:// or https:// (links in e-mails use it)"
    )

# -- The task queue (Celery; smpolicy.jobs) --------------------------------------------------
# Alerts, escalation and the scheduled jobs run in workers (`smpolicy worker`, `smpolicy beat`).
# Production points CELERY_BROKER_URL at Redis (redis://host:6379/0). Unset, messages wait in
# files in the data directory (kombu's filesystem transport): no service to run, for the demo and
# a single machine with one worker.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://localhost//")
QUEUE_DIR = DATA_DIR / "queue"
if CELERY_BROKER_URL.startswith("filesystem:"):
    for _folder in ("messages", "control"):
        (QUEUE_DIR / _folder).mkdir(parents=True, exist_ok=True, mode=0o700)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
        "data_folder_in": str(QUEUE_DIR / "messages"),
        "data_folder_out": str(QUEUE_DIR / "messages"),
        "control_folder": str(QUEUE_DIR / "control"),
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://", "redis+socket://")):
    # Longer than the longest wait before a retry (an hour) and the longest job, or Redis would
    # hand a waiting message to a second worker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 12 * 3600}
    # Deployments (or test runs) sharing one Redis database keep apart by a prefix on every key.
    if _prefix := env_str("SMPOLICY_REDIS_PREFIX"):
        CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = _prefix
else:
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL is wrong: it should be redis://host:6379/0 (or unset, for the files "
        "in the data directory)"
    )
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True  # what a task did is in the database, not a result store
CELERY_RESULT_BACKEND = None
# A worker that dies mid-task leaves its message to be delivered again: every task is idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page that sends a task (a report's alerts) is not held long by a broker that is down; the
# alert is still recorded and the every-minute sweep sends it (smpolicy.safeguarding.delivery).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# An alert's e-mail or Teams message is tried this many times in all, the waits doubling from
# the base (smpolicy.jobs.sending), before it is shown to the DSL team as undelivered.
SMPOLICY_DELIVERY_TRIES = env_int("SMPOLICY_DELIVERY_TRIES", 10, low=1, high=50)
SMPOLICY_DELIVERY_BACKOFF_SECONDS = env_int("SMPOLICY_DELIVERY_BACKOFF_SECONDS", 30, low=1)
# A Teams webhook that stops answering is given up on (and tried again later) after this long.
SMPOLICY_WEBHOOK_TIMEOUT = env_int("SMPOLICY_WEBHOOK_TIMEOUT", 10, low=1, high=120)
# Tasks run in the sending process at once (the test suite; a one-off script).
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Where the nightly evidence check keeps the chains' heads: outside the database and its backups.
SMPOLICY_ANCHOR_FILE = Path(env_str("SMPOLICY_ANCHOR_FILE", str(DATA_DIR / "chain-heads.json")))

# The policy pack used when a school has not loaded its own.
SMPOLICY_DEFAULT_PACK = env_str("SMPOLICY_PACK")

LOG_LEVEL = _read(
    "str",
    "LOG_LEVEL",
    "WARNING",
    validate=OneOf(
        ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "debug", "info", "warning", "error",
         "critical"],
        error="must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
    ),
).upper()
# JSON lines in production (a log collector reads them), plain lines in the demo.
LOG_FORMAT = _read(
    "str", "LOG_FORMAT", "json" if PRODUCTION else "text",
    validate=OneOf(["json", "text"], error="must be json or text"),
)
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)
if LOG_FORMAT == "json":
    logging.captureWarnings(True)  # a library's warning is a JSON line too, not loose text
# The workers log through the same configuration, not Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Error reporting (sentry-sdk, optional: pip install 'smpolicy[sentry]'), with personal data
# scrubbed before an event leaves (smpolicy.web.errorreporting).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from smpolicy.web.errorreporting import start as _start_error_reporting

    _start_error_reporting(SENTRY_DSN, environment=MODE)

# -- Sign-in throttling (django-axes; issue 10) ----------------------------------------------
# Every password check (the sign-in form, the admin, the API's HTTP Basic) goes through axes
# first. After 5 wrong passwords for one account from one client address, that pair is refused
# for 15 minutes, even with the right password. By the pair, not by address alone: a school's
# staff and pupils share one address behind its filter, and one pupil's guesses must not lock
# the staffroom out. Not by account alone: anyone anywhere could then lock the DSL out in the
# middle of an incident.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, low=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, low=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a mistyped password this morning does not count against tomorrow
AXES_CLIENT_IP_CALLABLE = "smpolicy.schools.clientaddress.client_address"
AXES_USERNAME_CALLABLE = "smpolicy.web.throttling.username_of"
AXES_LOCKOUT_CALLABLE = "smpolicy.web.throttling.locked_out"
# A try while locked does not restart the 15 minutes, so the time the page gives stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# -- Single sign-on: each school's Microsoft Entra ID or Google Workspace through OpenID Connect,
# or its SAML 2.0 identity provider (django-allauth; the apps are SocialApp rows linked to a
# school, see smpolicy.schools.sso and smpolicy.schools.saml).
INSTALLED_APPS += [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"),
    "allauth.account.middleware.AccountMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "smpolicy.schools.saml.HostHeaderMiddleware"
)
# After any backend set above (django-axes' must stay first); allauth's logs in SSO users.
AUTHENTICATION_BACKENDS = [
    *globals().get("AUTHENTICATION_BACKENDS", ["django.contrib.auth.backends.ModelBackend"]),
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "smpolicy.schools.sso.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "smpolicy.schools.sso.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
# The school's records decide who may sign in, never a confirmation e-mail from allauth.
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False  # the provider's tokens are not needed after sign-in
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
SOCIALACCOUNT_OPENID_CONNECT_URL_PREFIX = "oidc"
# A password reset link lasts an hour (Django's default is three days).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3600, low=60)
