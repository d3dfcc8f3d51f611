"""Seatstore settings: everything comes from the environment, with safe development defaults.

Unset, the project runs embedded: SQLite, Celery tasks run eagerly, email written to files in
``var/mail``. Production sets ``DEBUG=0``, ``SECRET_KEY``, ``DATABASE_URL``, ``REDIS_URL`` and an
Anymail provider, and the hardening below switches on.
"""

import os
import re
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from seatstore.logs import DJANGO_LOGGERS

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
DEMO_MODE = env_bool("DEMO_MODE", DEBUG)

_DEV_SECRET = "dev-only-insecure-secret-key-change-me-0123456789abcdefghijklmnop"
SECRET_KEY = env("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_fsm",
    "anymail",
    "orders",
    "groups",
    "seats",
    "campus",
    "imports",
    "alerts",
    "joins",
    "webhooks",
    "notifications",
    "core",
    "accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    "sso",
    "shop",
    "portal",
    "backoffice",
    "api",
    "ninja",
]

MIDDLEWARE = [
    "seatstore.middleware.RequestIdMiddleware",
    "seatstore.middleware.RefuseNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "seatstore.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "seatstore.privacy.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "seatstore.two_factor.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "seatstore.urls"
WSGI_APPLICATION = "seatstore.wsgi.application"

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
                "seatstore.context_processors.site",
            ],
        },
    },
    {
        # Only for the templates of pages' long tables (``<app>/jinja2/``), rendered by a tag
        # from the Django templates that hold them: see portal/templating.py.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"environment": "portal.templating.environment"},
    },
]

# Persistent connections: a new database connection per request costs more than the page.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("CONN_MAX_AGE", "0" if DEBUG else "600")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
PASSWORD_RESET_TIMEOUT = 7 * 24 * 3600  # invitations use the reset token to set a first password
SUPPORT_EMAIL = env("SUPPORT_EMAIL", "support@seatstore.local")
LOGOUT_REDIRECT_URL = "account_login"

# --- Accounts (django-allauth; docs/accounts.md) -------------------------------------------------
# Email is the login; an address counts once its owner proved it (a link we emailed, a
# redemption link or an invitation to that address, or an OpenID provider that vouches for it).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "sso.adapter.SingleSignOnAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "login": "sso.forms.LoginForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
}
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
# Django's own reset token (password hash, last sign-in, address): allauth's variant reads the
# addresses table per token, a query per invitation when the outbox renders a batch.
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "django.contrib.auth.tokens.PasswordResetTokenGenerator"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
# Failed sign-ins are counted per account (whatever address they come from) and per client;
# after LOGIN_ATTEMPTS_LIMIT failures an account waits LOGIN_ATTEMPTS_TIMEOUT seconds, or resets
# its password, which clears the count. Reset and verification emails are limited per address.
LOGIN_ATTEMPTS_LIMIT = int(env("LOGIN_ATTEMPTS_LIMIT", "5"))
LOGIN_ATTEMPTS_TIMEOUT = int(env("LOGIN_ATTEMPTS_TIMEOUT", "300"))
ACCOUNT_RATE_LIMITS = {
    "login": f"{env('LOGIN_RATE_LIMIT', '20')}/m/ip",
    "login_failed": f"10/m/ip,{LOGIN_ATTEMPTS_LIMIT}/{LOGIN_ATTEMPTS_TIMEOUT}s/key",
    "signup": f"{env('REGISTER_RATE_LIMIT', '10')}/m/ip",
    "reset_password": f"{env('PASSWORD_RESET_RATE_LIMIT', '5')}/m/ip,3/5m/key",
    "confirm_email": "1/3m/key",
}
# Second factors: an authenticator app or a security key (WebAuthn), with recovery codes. A key
# is a second factor only: signing in with a passkey alone would pass by an organization's single
# sign-on. Keys need a host name on https, or http://localhost (an IP address cannot be their RP
# ID), which fido2 accepts as it is: MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN stays off.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_FORMS = {
    "add_webauthn": "accounts.forms.AddSecurityKeyForm",
    "authenticate_webauthn": "accounts.forms.SecurityKeyForm",
    "reauthenticate_webauthn": "accounts.forms.ReauthenticateSecurityKeyForm",
}
MFA_TOTP_ISSUER = "Seatstore"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 5

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Email -------------------------------------------------------------------------------------
# Every email is an OutboundEmail row first; Celery sends it through this backend. Production
# names an Anymail backend (e.g. anymail.backends.mailgun.EmailBackend) and its keys in ANYMAIL_*.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Seatstore <no-reply@seatstore.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# An empty variable (docker-compose passes one for every unset ANYMAIL_WEBHOOK_SECRET) is unset.
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in os.environ.items()
    if key.startswith("ANYMAIL_") and value
}
# Whose delivery tracking webhook is mounted (/webhooks/anymail/<esp>/tracking/): the Anymail
# provider that EMAIL_BACKEND names; none for SMTP or the file backend (notifications/webhooks.py).
_ANYMAIL_BACKEND = re.fullmatch(r"anymail\.backends\.(\w+)\.EmailBackend", EMAIL_BACKEND)
EMAIL_TRACKING_PROVIDER = env(
    "EMAIL_TRACKING_PROVIDER", _ANYMAIL_BACKEND.group(1) if _ANYMAIL_BACKEND else ""
)

# --- Celery ------------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
# Every connection to Redis (broker and cache) gives up after this many seconds: a Redis host that
# does not answer costs an action or a rate-limited page this much, never a hung request.
REDIS_CONNECT_TIMEOUT = float(env("REDIS_CONNECT_TIMEOUT", "0.5"))
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TASK_IGNORE_RESULT = True
# A broker outage must not hang an agent's request: fail fast, the outbox sweep catches up.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": 5,
}
# Celery closes the DB connection around every task unless this is set.
CELERY_DB_REUSE_MAX = int(env("CELERY_DB_REUSE_MAX", "1000"))

# Outbound webhooks (docs/webhooks.md). Endpoints on private, loopback or link-local addresses
# are refused unless listed here: development and tests deliver to this machine's loopback.
WEBHOOK_ALLOWED_NETWORKS = env_list(
    "WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128" if DEBUG else ""
)
WEBHOOK_TIMEOUT = float(env("WEBHOOK_TIMEOUT", "5"))
WEBHOOK_RETRY_BASE_SECONDS = float(env("WEBHOOK_RETRY_BASE_SECONDS", "60"))
WEBHOOK_RETRY_MAX_SECONDS = float(env("WEBHOOK_RETRY_MAX_SECONDS", str(8 * 3600)))
CELERY_BEAT_SCHEDULE = {
    # Also how soon the emails a dead worker had taken are handed over again (decision 0003).
    "sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": 30.0},
    "expire-redemptions": {"task": "seats.tasks.expire_redemptions", "schedule": 300.0},
    "remind-redemptions": {"task": "seats.tasks.remind_redemptions", "schedule": 3600.0},
    # Once a week is enough; a second run in the same week sends nothing (alerts.digest).
    "weekly-digest": {
        "task": "alerts.tasks.send_weekly_digests",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
    # Also how soon a webhook retry that is due, or one a dead worker had taken, is sent again.
    "sweep-webhooks": {
        "task": "webhooks.tasks.sweep_webhooks",
        "schedule": 30.0,
        "options": {"expires": 30.0},
    },
    # Also how soon an import whose worker died or whose message was lost runs again. A run that
    # waited out its turn (no worker was up) is dropped: each would queue every waiting job again.
    # Idempotency keys are answered again for a day (docs/decisions/0010).
    "forget-idempotent-answers": {
        "task": "api.tasks.forget_idempotent_answers",
        "schedule": 3600.0,
    },
    "requeue-stalled-imports": {
        "task": "imports.tasks.requeue_stalled_imports",
        "schedule": 30.0,
        "options": {"expires": 30.0},
    },
}

# --- Seatstore ---------------------------------------------------------------------------------
CAMPUS_BACKEND = env("CAMPUS_BACKEND", "campus.client.LocalCampus")
CAMPUS_BASE_URL = env("CAMPUS_BASE_URL", f"{SITE_URL}/campus").rstrip("/")
CAMPUS_CALLBACK_SECRET = env("CAMPUS_CALLBACK_SECRET")  # signs Campus's progress callbacks
# The weekly digest lists links unredeemed for more than this many days.
ALERTS_STALE_LINK_DAYS = int(env("ALERTS_STALE_LINK_DAYS", "7"))

# --- Logging -----------------------------------------------------------------------------------
# One line per event with the request id; JSON in production for the log pipeline. Seat services
# log every action with the seat id (logger "seats").
LOG_FORMAT = env("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "seatstore.middleware.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "seatstore.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": DJANGO_LOGGERS,
}

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)

# --- Production hardening (on whenever DEBUG is off) -------------------------------------------
if not DEBUG:
    # Behind a TLS-terminating proxy, the header by which it says a request came over HTTPS, as
    # "HEADER,value"; empty when nothing stands in front (then no client can claim it either).
    _proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO,https")
    if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
        raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER is HEADER,value or empty.")
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) or None
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # polled over plain HTTP from inside the network
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# --- Cache and sessions ------------------------------------------------------------------------
# The cache holds only what may be lost or missing for a while: rate-limit counters (the limiter
# fails open) and import progress. Redis makes them shared by every web process.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": env("CACHE_URL", REDIS_URL),
            "KEY_PREFIX": "seatstore",
            "OPTIONS": {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database alone, never in the cache: a Redis outage must neither sign
# anyone out nor fail their pages, and a sign-out must not come back to life with the cache.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Requests per minute and client IP. Behind a proxy, say how many proxies append to
# X-Forwarded-For, or every client shares the proxy's address.
REDEEM_RATE_LIMIT = int(env("REDEEM_RATE_LIMIT", "30"))
RATELIMIT_TRUSTED_PROXIES = int(env("RATELIMIT_TRUSTED_PROXIES", "0"))
# Requests per minute and API key, whatever the client's address.
API_RATE_LIMIT = int(env("API_RATE_LIMIT", "600"))
# A request body (not an uploaded file) of at most 10 MB: an API import of 50,000 rows with names
# and answers fits; a bigger body is refused (413 in the API) before it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env("DATA_UPLOAD_MAX_MEMORY_SIZE", str(10 * 2**20)))
# One connection attempt when publishing: with the broker down an agent's action (and a bulk
# action's batches) must fail over to the outbox sweep at once, not retry for seconds each.
CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "max_retries": 0}
# The provider's webhook (delivered, bounced) posts to /webhooks/anymail/<esp>/tracking/; it is
# refused until ANYMAIL_WEBHOOK_SECRET (basic auth) and the provider's own key where it has one,
# e.g. ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY, are set (docs/email.md).
