"""Relance settings: everything comes from the environment, with safe embedded defaults.

Nothing here touches the disk at import time; `relance.env.prepare_home()` creates the
folders and the embedded secret key when a command starts.
"""
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from relance import env

BASE_DIR = Path(__file__).resolve().parent
HOME = env.home()

DEBUG = env.flag("DEBUG", False)
SECRET_KEY = env.secret_key(HOME)
ALLOWED_HOSTS = env.list_of("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list_of("CSRF_TRUSTED_ORIGINS", [])

DATABASES = {"default": env.database(HOME)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "relance.team",
    "relance.ledger",
    "relance.cases",
    "relance.dunning",
    "relance.delivery",
    "relance.legal",
    "relance.imports",
    "relance.recovery",
    "relance.web",
    "relance.insights",
    "relance.portal",
    "relance.workspace",
    "relance.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
AUTH_USER_MODEL = "team.User"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "relance.web.security.SecurityHeaders",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "relance.urls"
WSGI_APPLICATION = "relance.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
# Failed logins (docs/team.md): beyond these counts in the window, attempts are refused.
# Failed logins (web/views/auth.py): per account from one address, per address, in
# LOGIN_FAILURE_WINDOW_SECONDS; per account from anywhere in LOGIN_ACCOUNT_WINDOW_SECONDS.
LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = env.integer("LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", 5)
LOGIN_FAILURES_PER_ADDRESS = env.integer("LOGIN_FAILURES_PER_ADDRESS", 20)
LOGIN_FAILURE_WINDOW_SECONDS = env.integer("LOGIN_FAILURE_WINDOW_SECONDS", 900)
LOGIN_FAILURES_PER_ACCOUNT = env.integer("LOGIN_FAILURES_PER_ACCOUNT", 50)
LOGIN_ACCOUNT_WINDOW_SECONDS = env.integer("LOGIN_ACCOUNT_WINDOW_SECONDS", 3600)
PASSWORD_RESET_TIMEOUT = env.integer("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.text("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"
MEDIA_ROOT = HOME / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_URL = env.text("EMAIL_URL", "smtp://127.0.0.1:25")
vars().update(env.email_settings(EMAIL_URL))
EMAIL_TIMEOUT = env.integer("EMAIL_TIMEOUT", 30)   # seconds before an SMTP exchange fails
DEFAULT_FROM_EMAIL = env.text("DEFAULT_FROM_EMAIL", "relance@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.flag("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind HTTPS (README, "Deployment"): redirect plain HTTP, ask browsers to keep to
# HTTPS for SECURE_HSTS_SECONDS, and trust the proxy's X-Forwarded-Proto when
# TRUST_PROXY_HEADERS says a proxy that sets it stands in front.
SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env.flag("SECURE_HSTS_PRELOAD", False)
SECURE_REFERRER_POLICY = "same-origin"
if env.flag("TRUST_PROXY_HEADERS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# Where a form may send the browser besides Relance itself (Content-Security-Policy
# form-action): the card payment provider's checkout.
CSP_FORM_ACTION = env.list_of("CSP_FORM_ACTION", ["https://checkout.stripe.com"])

# Uploads of large ledgers go through temporary files, never whole into memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
IMPORT_MAX_UPLOAD_BYTES = env.integer("IMPORT_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)
# A web import of this many lines or more runs in the background, its page showing
# how far it is, instead of inside the request (a worker's timeout is 30 s or so).
IMPORT_BACKGROUND_FROM_LINES = env.integer("IMPORT_BACKGROUND_FROM_LINES", 20_000)
# The dates a ledger record may carry (issue, due and payment dates): from 1 January of
# LEDGER_FIRST_YEAR to LEDGER_YEARS_AHEAD years after today (docs/imports.md).
LEDGER_FIRST_YEAR = env.integer("LEDGER_FIRST_YEAR", 1990)
LEDGER_YEARS_AHEAD = env.integer("LEDGER_YEARS_AHEAD", 10)

# The built-in scheduler runs the day's dunning once this local time has passed.
DUNNING_RUN_AT = env.time_of_day("DUNNING_RUN_AT", "07:00")
SCHEDULER_POLL_SECONDS = env.integer("SCHEDULER_POLL_SECONDS", 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.text("LOG_LEVEL", "WARNING")},
}

# Delivery (relance worker): when emails may go out (local time, business days), how
# long a claim lasts, how retries back off, and how many emails a minute at most.
DELIVERY_HOURS = env.text("DELIVERY_HOURS", "08:00-19:00")
DELIVERY_LEASE_SECONDS = env.integer("DELIVERY_LEASE_SECONDS", 300)
DELIVERY_RETRY_SECONDS = env.integer("DELIVERY_RETRY_SECONDS", 60)
DELIVERY_MAX_ATTEMPTS = env.integer("DELIVERY_MAX_ATTEMPTS", 8)
DELIVERY_MAX_PER_MINUTE = env.integer("DELIVERY_MAX_PER_MINUTE", 300)
WORKER_POLL_SECONDS = env.integer("WORKER_POLL_SECONDS", 5)
# The dashboard's figures are kept this long while the ledger is unchanged (docs/insights.md).
INSIGHTS_CACHE_SECONDS = env.integer("INSIGHTS_CACHE_SECONDS", 300)

# The debtor portal (docs/portal.md): the address links are built on, how long a link
# lasts, where uploads go (outside the static and media roots), what debtors may send
# and ask for by default, and how often they may act.
PUBLIC_URL = env.text("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
PORTAL_LINK_DAYS = env.integer("PORTAL_LINK_DAYS", 90)
PORTAL_LINK_MIN_DAYS_LEFT = env.integer("PORTAL_LINK_MIN_DAYS_LEFT", 30)
PORTAL_UPLOAD_ROOT = HOME / "uploads" / "portal"
PORTAL_UPLOAD_MAX_BYTES = env.integer("PORTAL_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
PORTAL_MAX_PROMISE_DAYS = env.integer("PORTAL_MAX_PROMISE_DAYS", 30)
PORTAL_MAX_INSTALMENTS = env.integer("PORTAL_MAX_INSTALMENTS", 6)
PORTAL_RATE_LIMIT = env.integer("PORTAL_RATE_LIMIT", 30)            # hits per window
PORTAL_RATE_WINDOW_SECONDS = env.integer("PORTAL_RATE_WINDOW_SECONDS", 600)
# Card payments: the provider's name in relance.portal.payments.PROVIDERS ("" for none).
PAYMENT_PROVIDER = env.text("PAYMENT_PROVIDER", "")
STRIPE_SECRET_KEY = env.text("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env.text("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = env.text("STRIPE_API_BASE", "https://api.stripe.com").rstrip("/")
