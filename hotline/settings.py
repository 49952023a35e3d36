"""Django settings. Everything a deployment changes comes from HOTLINE_* environment variables."""

import contextlib
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from hotline.ops.logs import logging_config

# Lets the typed generics (ModelAdmin[Model], QuerySet[Model]) work at run time too.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("HOTLINE_VAR_DIR", PROJECT_DIR / "var"))

# The key of a development checkout: anyone can read it here, so it signs nothing that matters.
# A server refuses to start with it unless HOTLINE_DEBUG=1 or inside `hotline demo`
# (hotline/deployment.py).
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
SECRET_KEY = os.environ.get("HOTLINE_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = os.environ.get("HOTLINE_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("HOTLINE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("HOTLINE_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

# HOTLINE_HTTPS=1: people reach Hotline only over HTTPS, through a reverse proxy that ends TLS
# and says so in X-Forwarded-Proto (`hotline serve` speaks plain HTTP). Plain HTTP is then
# redirected, browsers are told to come back over HTTPS only (HSTS) and cookies travel only
# over HTTPS. Off by default: the demo and a development checkout run on http://127.0.0.1.
HOTLINE_HTTPS = os.environ.get("HOTLINE_HTTPS", "0") == "1"
if HOTLINE_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("HOTLINE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("HOTLINE_HSTS_SUBDOMAINS", "1") == "1"
    SECURE_HSTS_PRELOAD = os.environ.get("HOTLINE_HSTS_PRELOAD", "0") == "1"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
# Joining the browsers' HSTS preload list is a commitment for the whole domain that is slow
# to undo: the operator opts in with HOTLINE_HSTS_PRELOAD=1; check --deploy does not nag.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# The Content-Security-Policy of every answer (hotline/security.py): only Hotline's own
# scripts, styles and connections (htmx, its SSE streams); no inline script, style or handler.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # drawn signatures are shown as data: PNGs
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves Swagger UI from its own pinned static files, not from a CDN
    "django_tasks",
    "django_tasks_db",
    "hotline.apps.HotlineConfig",  # project-wide commands: serve, worker, demo, token
    "hotline.accounts",
    "hotline.audit",
    "hotline.directory",
    "hotline.rulebook",
    "hotline.calls",
    "hotline.voice",  # the SIP edge (Kamailio + rtpengine) the floor drives
    "hotline.tickets",
    "hotline.dispatch",
    "hotline.deadlines",
    "hotline.notices",
    "hotline.followup",
    "hotline.workforce",
    "hotline.setup",  # the setup page of a new centre (issue 20)
    "hotline.imports",  # a centre's data and call history from CSV/XLSX (issue 20)
    "hotline.reports",
    "hotline.portal",
    "hotline.home",  # the home pages: on top, they read every app
    "hotline.ops",  # probes, metrics, the worker's heartbeat (README, Production)
]

MIDDLEWARE = [
    # First: the request id and latency of every request; /healthz, /readyz and /metrics are
    # answered there, before the host check and the HTTPS redirect (hotline/ops/middleware.py).
    "hotline.ops.middleware.RequestObservationMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "hotline.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hotline.accounts.middleware.UserLanguageMiddleware",
    "hotline.rulebook.middleware.CentreTimeZoneMiddleware",  # pages show the centre's time
    "django.contrib.messages.middleware.MessageMiddleware",
    "hotline.accounts.middleware.SessionIdleMiddleware",  # after messages: it leaves one
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hotline.accounts.middleware.RoleAccessMiddleware",
    "hotline.storage.StorageFullMiddleware",  # a full disk: 503, not 500
]

ROOT_URLCONF = "hotline.urls"
ASGI_APPLICATION = "hotline.asgi.application"
WSGI_APPLICATION = None

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
                "hotline.accounts.context_processors.navigation",
                "hotline.clock.page_clock",
            ],
        },
    },
]


def database_from_url(url: str) -> dict[str, object]:
    """`postgresql://user:pass@host:port/name` or `sqlite:///path` as a Django DATABASES entry."""
    parts = urlparse(url)
    if parts.scheme == "sqlite":
        return sqlite_database(Path(unquote(parts.path)))
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"HOTLINE_DATABASE_URL: unsupported scheme {parts.scheme!r}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        # A pool, not persistent connections: under ASGI every request runs its sync code in a
        # thread of its own, so a connection kept per thread was a new PostgreSQL backend per
        # request (a fork, authentication and Django's session set-up each time: half the
        # database's CPU in the voice bench). The pool hands each request a ready connection.
        "CONN_MAX_AGE": 0,
        # The pool checks a connection before handing it out: one PostgreSQL dropped (a
        # restart, a fail-over) is replaced, not found broken by the request.
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "pool": {
                "min_size": 2,
                "max_size": int(os.environ.get("HOTLINE_DATABASE_POOL_SIZE", "10")),
                "timeout": 10,  # seconds a request waits for a free connection, then 500s
            }
        },
    }


def sqlite_database(path: Path) -> dict[str, object]:
    with contextlib.suppress(OSError):  # unwritable: `hotline serve` says so
        path.parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the server and the worker read while the other writes; IMMEDIATE takes the
    # write lock at BEGIN so that two writers queue instead of failing mid-transaction.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {
    "default": database_from_url(os.environ["HOTLINE_DATABASE_URL"])
    if os.environ.get("HOTLINE_DATABASE_URL")
    else sqlite_database(VAR_DIR / "hotline.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def replica_database(url: str) -> dict[str, object]:
    """The read replica's entry (hotline/replica.py): the primary's settings for its URL,
    without a pool (reports are rare, and a pool would hold a request up to its timeout when
    the replica is down, where a plain connection fails over in REPLICA_CONNECT_TIMEOUT_S),
    and a mirror of the primary under the tests' runner (no test database is made on it)."""
    entry = database_from_url(url)
    if entry["ENGINE"] != "django.db.backends.postgresql":
        raise ValueError("HOTLINE_DATABASE_REPLICA_URL: a PostgreSQL streaming replica")
    options = dict(entry.get("OPTIONS") or {})  # type: ignore[call-overload]
    options.pop("pool", None)
    options.update(connect_timeout=REPLICA_CONNECT_TIMEOUT_S, application_name="hotline-replica")
    return {
        **entry,
        "OPTIONS": options,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }


REPLICA_CONNECT_TIMEOUT_S = 2
if os.environ.get("HOTLINE_DATABASE_REPLICA_URL"):
    DATABASES["replica"] = replica_database(os.environ["HOTLINE_DATABASE_REPLICA_URL"])
DATABASE_ROUTERS = ["hotline.replica.ReplicaRouter"]

# The largest body a request may carry (Django's default, said here because the API answers
# a larger one with 413): the largest input, a drawn signature, is at most 200 kB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Languages of the seed documents, and English.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("zh-hans", _("Simplified Chinese")),
    ("bg", _("Bulgarian")),
]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
# One date and time style per language, all on a 24-hour clock (hotline/formats/<locale>/).
FORMAT_MODULE_PATH = "hotline.formats"
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("HOTLINE_TIME_ZONE", "UTC")

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Notices are sent from a queue per channel (each with its own task runner in `hotline worker`),
# so a slow e-mail server holds up only e-mail; everything else runs on "default".
NOTICE_QUEUES = ["notices_email", "notices_sms", "notices_webhook"]
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", *NOTICE_QUEUES],
    }
}

REDIS_URL = os.environ.get("HOTLINE_REDIS_URL", "")
# Where routing decisions are pushed for a PBX (offers, transfers, callbacks); empty: no push.
HOTLINE_CTI_WEBHOOK_URL = os.environ.get("HOTLINE_CTI_WEBHOOK_URL", "")
# The centre's country calling code: a caller's number written nationally (0…) or
# internationally (+359…) finds the same customer (screen pop). Empty: numbers as written.
HOTLINE_COUNTRY_CODE = os.environ.get("HOTLINE_COUNTRY_CODE", "359")
# The secret shared with the PBX: every push is signed with it (HMAC-SHA256); none is sent unset.
HOTLINE_CTI_WEBHOOK_SECRET = os.environ.get("HOTLINE_CTI_WEBHOOK_SECRET", "")
# The address people reach Hotline at: links in notices (e-mail, SMS) are made absolute with it.
HOTLINE_PUBLIC_URL = os.environ.get("HOTLINE_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Notices by SMS are POSTed here as JSON {"to", "text"}; empty: SMS notices fail, recorded.
HOTLINE_SMS_GATEWAY_URL = os.environ.get("HOTLINE_SMS_GATEWAY_URL", "")
# Notices sent by the webhook channel are POSTed here as JSON; empty: they fail, recorded.
HOTLINE_NOTICE_WEBHOOK_URL = os.environ.get("HOTLINE_NOTICE_WEBHOOK_URL", "")
# Notices by e-mail go through this SMTP server.
EMAIL_HOST = os.environ.get("HOTLINE_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("HOTLINE_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("HOTLINE_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("HOTLINE_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("HOTLINE_SMTP_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("HOTLINE_EMAIL_FROM", "hotline@localhost")
# ...or, when set, into one file per message in this folder (the demo's, which has no SMTP).
HOTLINE_EMAIL_OUTBOX = os.environ.get("HOTLINE_EMAIL_OUTBOX", "")
if HOTLINE_EMAIL_OUTBOX:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = HOTLINE_EMAIL_OUTBOX
# How long each channel may take (seconds; SMTP: per network operation) before the attempt
# counts as failed and the notice is retried later; the others' notices go on meanwhile.
EMAIL_TIMEOUT = float(os.environ.get("HOTLINE_SMTP_TIMEOUT", "10"))
HOTLINE_SMS_TIMEOUT = float(os.environ.get("HOTLINE_SMS_TIMEOUT", "10"))
HOTLINE_NOTICE_WEBHOOK_TIMEOUT = float(os.environ.get("HOTLINE_NOTICE_WEBHOOK_TIMEOUT", "10"))
# A sender holds a notice this long (seconds); a notice still held after it (its worker died
# mid-send) is sent again, with the same idempotency key. Longer than any whole send takes.
HOTLINE_NOTICE_LEASE = float(os.environ.get("HOTLINE_NOTICE_LEASE", "120"))
# A failed send is retried after HOTLINE_NOTICE_RETRY seconds, then twice as long each time (at
# most an hour), HOTLINE_NOTICE_ATTEMPTS attempts in all; then the notice is failed.
HOTLINE_NOTICE_RETRY = float(os.environ.get("HOTLINE_NOTICE_RETRY", "30"))
HOTLINE_NOTICE_ATTEMPTS = int(os.environ.get("HOTLINE_NOTICE_ATTEMPTS", "6"))


# --- the SIP edge (hotline/voice, README "Voice (SIP)"): what `hotline voice config` writes ---
# Where Kamailio listens for SIP (UDP, from the trunk and desk phones) and SIP over WebSocket.
HOTLINE_VOICE_SIP_ADDRESS = os.environ.get("HOTLINE_VOICE_SIP_ADDRESS", "127.0.0.1")
HOTLINE_VOICE_SIP_PORT = int(os.environ.get("HOTLINE_VOICE_SIP_PORT", "5060"))
HOTLINE_VOICE_WS_PORT = int(os.environ.get("HOTLINE_VOICE_WS_PORT", "8088"))
# Where the desk's softphone reaches the edge (SIP over WebSocket), as the browser sees it:
# ws://127.0.0.1:8088 on one machine, wss://edge.example.org:8443 behind TLS. Empty: no
# softphone in the desk (agents use SIP desk phones, or a PBX drives the CTI API). The
# Content-Security-Policy's connect-src allows this address (hotline/security.py).
HOTLINE_VOICE_WS_URL = os.environ.get("HOTLINE_VOICE_WS_URL", "").strip()
# TLS on the edge (README, Voice (SIP), production): with a certificate and its key (PEM
# files), Kamailio also listens on this port for SIP over TLS (desk phones) and secure
# WebSocket (wss://, the browsers' softphone: pages served over https may only open wss).
HOTLINE_VOICE_TLS_PORT = int(os.environ.get("HOTLINE_VOICE_TLS_PORT", "5061"))
HOTLINE_VOICE_TLS_CERT = os.environ.get("HOTLINE_VOICE_TLS_CERT", "").strip()
HOTLINE_VOICE_TLS_KEY = os.environ.get("HOTLINE_VOICE_TLS_KEY", "").strip()
# The address phones, the trunk and browsers reach the edge at when it sits behind NAT (its
# SIP_ADDRESS is then a private one): Kamailio advertises it in Via and Record-Route, rtpengine
# in the SDP. Empty: the SIP address is public itself.
HOTLINE_VOICE_PUBLIC_ADDRESS = os.environ.get("HOTLINE_VOICE_PUBLIC_ADDRESS", "").strip()
# The address trunk calls come from (comma-separated); INVITEs from elsewhere are refused.
HOTLINE_VOICE_TRUNK_ADDRESSES = [
    address.strip()
    for address in os.environ.get("HOTLINE_VOICE_TRUNK_ADDRESSES", "127.0.0.1").split(",")
    if address.strip()
]
# rtpengine: its control (ng) port on loopback and the UDP ports it relays media on.
HOTLINE_VOICE_RTPENGINE_PORT = int(os.environ.get("HOTLINE_VOICE_RTPENGINE_PORT", "2223"))
HOTLINE_VOICE_MEDIA_PORTS = os.environ.get("HOTLINE_VOICE_MEDIA_PORTS", "30000-30999")
# The loopback UDP port rtpengine reports callers' keys (DTMF) to, for the edge's listener.
HOTLINE_VOICE_DTMF_PORT = int(os.environ.get("HOTLINE_VOICE_DTMF_PORT", "2226"))
# The address Kamailio asks Hotline's API at (routing, SIP credentials, call reports).
HOTLINE_VOICE_HOTLINE_URL = os.environ.get(
    "HOTLINE_VOICE_HOTLINE_URL", "http://127.0.0.1:8000"
).rstrip("/")
# The SIP digest realm agents' phones authenticate in.
HOTLINE_VOICE_REALM = os.environ.get("HOTLINE_VOICE_REALM", "hotline")
# How long an agent's SIP credential lives (hours) at most; logging out of the floor ends it.
HOTLINE_VOICE_CREDENTIAL_HOURS = int(os.environ.get("HOTLINE_VOICE_CREDENTIAL_HOURS", "12"))
# Where Kamailio sends a trunk call when Hotline does not answer (a SIP URI: a hunt group, a
# desk phone); empty: the caller gets 503.
HOTLINE_VOICE_FALLBACK_URI = os.environ.get("HOTLINE_VOICE_FALLBACK_URI", "")
# Where Kamailio sends the calls agents dial from their phones (B8 callbacks, C6 follow-up
# calls; README, Voice (SIP), outbound): the carrier's SIP trunk, `sip:host` or `sip:host:port`
# (sip:carrier.example:5060). Empty: no outbound calls through the edge (the desk says so).
HOTLINE_VOICE_TRUNK_URI = os.environ.get("HOTLINE_VOICE_TRUNK_URI", "").strip()
# How often Kamailio asks again for a caller who waits in the queue (milliseconds).
HOTLINE_VOICE_POLL_MS = int(os.environ.get("HOTLINE_VOICE_POLL_MS", "500"))
# An agent on the floor whose desk says their phone is not registered this long (seconds):
# the team lead is alerted ("agent's phone offline"), cleared when it registers again.
HOTLINE_VOICE_PHONE_OFFLINE_SECONDS = int(
    os.environ.get("HOTLINE_VOICE_PHONE_OFFLINE_SECONDS", "30")
)
# The worker checks the SIP edge (rtpengine's ng ping, an OPTIONS to Kamailio) this often
# (seconds) when HOTLINE_VOICE_EDGE_CHECK is on; down, every team lead is alerted once.
HOTLINE_VOICE_EDGE_CHECK = os.environ.get("HOTLINE_VOICE_EDGE_CHECK", "") not in ("", "0")
HOTLINE_VOICE_EDGE_CHECK_SECONDS = float(os.environ.get("HOTLINE_VOICE_EDGE_CHECK_SECONDS", "10"))
# Where rtpengine writes each answered call's recording (pcap, with its metadata), and where
# Hotline keeps the audio files it makes of them (WAV, one per call; README, Voice (SIP)).
HOTLINE_VOICE_RECORDING_SPOOL = Path(
    os.environ.get("HOTLINE_VOICE_RECORDING_SPOOL", VAR_DIR / "voice" / "spool")
)
# The prompts and hold music a waiting caller hears (`hotline voice prompts --out` this folder;
# the edge's rtpengine reads the files Hotline names, so both see this folder at this path).
HOTLINE_VOICE_PROMPTS_DIR = Path(
    os.environ.get("HOTLINE_VOICE_PROMPTS_DIR", VAR_DIR / "voice" / "prompts")
)
HOTLINE_RECORDINGS_DIR = Path(
    os.environ.get("HOTLINE_RECORDINGS_DIR", VAR_DIR / "media" / "recordings")
)


# --- sign-in, sessions and API tokens ---
def _bounded_int(name: str, default: int, low: int, high: int) -> int:
    value = int(os.environ.get(name, str(default)))
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, not {value}")
    return value


# Wrong passwords a user name, or an address, may give before it is locked out for a while.
# An address may be a whole call centre behind one NAT: its limit is the higher.
HOTLINE_SIGNIN_FAILURES_PER_USER = _bounded_int("HOTLINE_SIGNIN_FAILURES_PER_USER", 5, 1, 1000)
HOTLINE_SIGNIN_FAILURES_PER_ADDRESS = _bounded_int(
    "HOTLINE_SIGNIN_FAILURES_PER_ADDRESS", 50, 1, 100_000
)
HOTLINE_SIGNIN_LOCKOUT_MINUTES = _bounded_int("HOTLINE_SIGNIN_LOCKOUT_MINUTES", 15, 1, 1440)
# A session unused this long ends (sliding: every request starts it again).
HOTLINE_SESSION_IDLE_MINUTES = _bounded_int("HOTLINE_SESSION_IDLE_MINUTES", 30, 1, 1440)
SESSION_COOKIE_AGE = HOTLINE_SESSION_IDLE_MINUTES * 60
# A new API token lives this many days unless `hotline token create --days` says otherwise.
HOTLINE_TOKEN_DAYS = _bounded_int("HOTLINE_TOKEN_DAYS", 90, 1, 3650)
# Bad bearer tokens one address may send in the lockout window before all its tokens are
# refused for the rest of it (a token is no password, but guessing should not be free).
HOTLINE_TOKEN_FAILURES_PER_ADDRESS = _bounded_int(
    "HOTLINE_TOKEN_FAILURES_PER_ADDRESS", 50, 1, 100_000
)
# The sign-in counts are shared through Redis between server processes where it is configured.
CACHES = {
    # Fails open with Redis down (hotline/ops/cache.py), each wait for it bounded to a second;
    # one connection pool per process (hotline/cache_pool.py).
    "default": {
        "BACKEND": "hotline.ops.cache.FailOpenRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {
            "socket_connect_timeout": 1,
            "socket_timeout": 1,
            "pool_class": "hotline.cache_pool.SharedConnectionPool",
        },
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Log lines as text (the default, for a terminal) or one JSON object a line for a log shipper
# (HOTLINE_LOG_FORMAT=json); both carry the request id (hotline/ops/logs.py).
LOGGING = logging_config(
    os.environ.get("HOTLINE_LOG_FORMAT", "text"), os.environ.get("HOTLINE_LOG_LEVEL", "WARNING")
)

# --- operations (README, Production; docs/deploy.md) ---
# The bearer token Prometheus sends for /metrics; empty: /metrics answers only direct requests
# from this machine (loopback, not through the proxy).
HOTLINE_METRICS_TOKEN = os.environ.get("HOTLINE_METRICS_TOKEN", "")
# /readyz says the worker is stale when no `hotline worker` wrote its heartbeat for this long
# (seconds); a worker writes it every HOTLINE_WORKER_HEARTBEAT_SECONDS.
HOTLINE_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("HOTLINE_WORKER_HEARTBEAT_SECONDS", "5"))
HOTLINE_WORKER_STALE_SECONDS = float(os.environ.get("HOTLINE_WORKER_STALE_SECONDS", "30"))
