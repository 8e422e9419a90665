"""Reading configuration from the environment, failing loudly on bad values."""
import datetime as dt
import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def text(name, default):
    return os.environ.get(name, default)


def flag(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.strip().lower() in TRUE:
        return True
    if raw.strip().lower() in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no")


def integer(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected an integer") from None


def time_of_day(name, default):
    """HH:MM, e.g. DUNNING_RUN_AT=07:30."""
    raw = text(name, default)
    try:
        return dt.time.fromisoformat(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a time of day as HH:MM") from None


def list_of(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def home():
    """RELANCE_HOME holds the embedded database, generated files and uploads."""
    return Path(os.environ.get("RELANCE_HOME", "var")).resolve()


def prepare_home(path):
    """Create RELANCE_HOME and its embedded secret key; commands call it, never imports."""
    for sub in ("", "files", "uploads"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    key_file = path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)


def secret_key(home_dir):
    """SECRET_KEY from the environment, else the one kept in RELANCE_HOME.

    Without either (a bare import, as in tests), a per-process key is used: sessions
    and signed links then last as long as the process.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = home_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    return secrets.token_urlsafe(50)


def database(home_dir):
    url = os.environ.get("DATABASE_URL")
    if not url:
        config = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(home_dir / "relance.sqlite3"),
        }
    else:
        try:
            config = dj_database_url.parse(url, conn_max_age=60)
        except ValueError as exc:
            raise ImproperlyConfigured(f"DATABASE_URL: {exc}") from None
    if config["ENGINE"].endswith("sqlite3"):
        # WAL lets readers work during a long import; IMMEDIATE avoids lock upgrades.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            " PRAGMA busy_timeout=30000;",
            "transaction_mode": "IMMEDIATE",
        }
        # Tests get a file too, not Django's shared in-memory database: several
        # connections then lock and wait exactly as they do in production.
        config.setdefault("TEST", {}).setdefault(
            "NAME", str(Path(config["NAME"]).with_name("test-relance.sqlite3")))
    return config


def email_settings(url):
    """Django email settings from EMAIL_URL (smtp://user:pass@host:port, smtps://,
    submission:// for STARTTLS, console:, file:///folder)."""
    parts = urlparse(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "file":   # file:///path/to/folder: one .eml file per message
        return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": unquote(parts.path)}
    if parts.scheme not in ("smtp", "smtps", "submission"):
        raise ImproperlyConfigured(f"EMAIL_URL={url!r}: scheme must be smtp, smtps, submission, console or file")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "127.0.0.1",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": parts.scheme == "submission",
    }
