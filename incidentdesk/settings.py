"""Django settings, read from environment variables with strict parsing.

Demo profile (default): SQLite under ./var, DEBUG on, no services needed.
Production profile: set INCIDENTDESK_SECRET_KEY (or _FILE), INCIDENTDESK_DEBUG=false and
INCIDENTDESK_ALLOWED_HOSTS; `manage.py check --deploy` is then clean.
"""

import os
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() not in ("true", "false"):
        raise ValueError(f"{name} must be true or false, got {value!r}")
    return value.lower() == "true"


DATA_DIR = Path(env("INCIDENTDESK_DATA_DIR", str(Path.cwd() / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite database and uploads live here
DEBUG = env_bool("INCIDENTDESK_DEBUG", True)
SECRET_KEY = env("INCIDENTDESK_SECRET_KEY") or ("insecure-demo-key-only-for-local-use" if DEBUG else "")
if not SECRET_KEY:
    raise ValueError("INCIDENTDESK_SECRET_KEY is required when INCIDENTDESK_DEBUG=false")
ALLOWED_HOSTS = [h for h in env("INCIDENTDESK_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("INCIDENTDESK_CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_typer",
    "django_filters",
    "ninja",  # serves Swagger UI from its own static files, not a CDN (stack notes)
    "django_htmx",
    "axes",
    "csp",
    "incidentdesk.accounts",
    "incidentdesk.audit",
    "incidentdesk.organisation",
    "incidentdesk.inventory",
    "incidentdesk.incidents",
    "incidentdesk.obligations",
    "incidentdesk.breaches",
    "incidentdesk.notifications",
    "incidentdesk.dashboard",
    "incidentdesk.containment",
    "incidentdesk.evidence",
    "incidentdesk.contacts",
    "incidentdesk.investigation",
    "incidentdesk.capa",
    "incidentdesk.lessons",
    "incidentdesk.governance",
    "incidentdesk.documents",
    "incidentdesk.intake",
    "incidentdesk.linking",
    "incidentdesk.reminders",
    "incidentdesk.reviews",
    "incidentdesk.routing",
    "incidentdesk.retention",
    "incidentdesk.briefings",
    "incidentdesk.preparedness",
    "incidentdesk.procedure",
    "incidentdesk.idempotency",
    "incidentdesk.mywork",
    "incidentdesk.comments",
    "django_tasks",
    "django_tasks_db",
    "incidentdesk.cli",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "incidentdesk.toobig.RequestTooBigMiddleware",  # 413 for bodies over DATA_UPLOAD_MAX_MEMORY_SIZE
    "incidentdesk.nospace.OutOfSpaceMiddleware",  # 507 when the disk is full, not a 500
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "incidentdesk.notfound.VisitorNotFoundMiddleware",  # DEBUG (the demo): the visitor's 404, not the URL list
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "incidentdesk.readmemo.ReadMemoMiddleware",  # a reading request asks "which incidents are hidden" once
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "incidentdesk.organisation.middleware.OrganisationTimeZoneMiddleware",
    "incidentdesk.idempotency.middleware.IdempotencyMiddleware",  # Idempotency-Key on POST /api/…
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# An ordinary 403 (PermissionDenied) is one line on the console, not a traceback (incidentdesk/logfilters.py).
LOGGING = {
    "version": 1, "disable_existing_loggers": False,
    "filters": {"ordinary_refusal": {"()": "incidentdesk.logfilters.OrdinaryRefusal"}},
    "loggers": {"django.request": {"filters": ["ordinary_refusal"]}},
}

ROOT_URLCONF = "incidentdesk.urls"
WSGI_APPLICATION = "incidentdesk.wsgi.application"

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
                "incidentdesk.accounts.context.permissions_context",
            ],
            "builtins": ["incidentdesk.idempotency.templatetags.once",  # {% once_token %} in any create form
                         "incidentdesk.templatetags.durations"],  # {{ hours|duration }}: "40 days", "3 h 20 min"
        },
    },
]

if env("INCIDENTDESK_DB_ENGINE", "sqlite") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": env("INCIDENTDESK_DB_NAME", "incidentdesk"),
            "USER": env("INCIDENTDESK_DB_USER", "incidentdesk"),
            "PASSWORD": env("INCIDENTDESK_DB_PASSWORD"),
            "HOST": env("INCIDENTDESK_DB_HOST", "127.0.0.1"),
            "PORT": env("INCIDENTDESK_DB_PORT", "5432"),
            "CONN_MAX_AGE": 600,
            # No JIT: it compiled ~90 ms of code for 100-300 ms dashboard counts at 1M (decision 260).
            "OPTIONS": {"options": "-c jit=off"},
        }
    }
else:
    DATABASES = {
        "default": {
            # Django's SQLite backend whose writers queue on a file lock instead of sleeping in SQLite's busy
            # handler: intake no longer slows down when processes are added (issue 16, dbbackends/sqlite3).
            "ENGINE": "incidentdesk.dbbackends.sqlite3",
            "NAME": env("INCIDENTDESK_DB_NAME", str(DATA_DIR / "incidentdesk.sqlite3")),
            "CONN_MAX_AGE": 600,
            # WAL and IMMEDIATE avoid "database is locked" when a read upgrades to a write (stack notes).
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
                "transaction_mode": "IMMEDIATE",
            },
            # A file, not memory, so concurrency tests see real locking (pytest-xdist adds a suffix per worker).
            "TEST": {"NAME": str(DATA_DIR / "test-incidentdesk.sqlite3")},
        }
    }

# Nothing shared lives in a process (issue 16): rate limits, replay marks, idempotency keys, sign-in lock-outs
# (django-axes' database handler) and sessions are rows in the database, so N web processes, M workers and the
# schedulers on several machines see one truth. Without this setting Django's cache is a LocMemCache in each
# process; the dummy cache makes any use of django.core.cache a miss instead of a limit that holds per process.
# Use a shared cache (DatabaseCache, Redis) here if something ever needs one. Tested: intake/tests.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Login throttling: five failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(env("INCIDENTDESK_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("INCIDENTDESK_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Content Security Policy: no inline script or style anywhere; every asset is served from here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB of form data; uploads get their own limit
# Background work: django-tasks with the database backend (a worker: `incidentdesk db_worker`).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
                     if env("INCIDENTDESK_TASKS", "database") == "immediate" else "django_tasks_db.DatabaseBackend"}}
BASE_URL = env("INCIDENTDESK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The demo prints mail to the console unless an SMTP host is given; production sends through SMTP.
EMAIL_BACKEND = ("django.core.mail.backends.console.EmailBackend" if DEBUG and not env("INCIDENTDESK_SMTP_HOST")
                 else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("INCIDENTDESK_SMTP_HOST", "localhost")
EMAIL_PORT = int(env("INCIDENTDESK_SMTP_PORT", "25"))
EMAIL_HOST_USER = env("INCIDENTDESK_SMTP_USER")
EMAIL_HOST_PASSWORD = env("INCIDENTDESK_SMTP_PASSWORD")
EMAIL_USE_TLS = env_bool("INCIDENTDESK_SMTP_TLS", False)
DEFAULT_FROM_EMAIL = env("INCIDENTDESK_FROM_EMAIL", "incidentdesk@localhost")
EMAIL_TIMEOUT = 10
DELIVERY_ATTEMPTS = 4
DELIVERY_BACKOFF_SECONDS = float(env("INCIDENTDESK_DELIVERY_BACKOFF_SECONDS", "2"))
DELIVERY_TIMEOUT_SECONDS = 10
# A task still RUNNING after this long was left by a worker that died (kill -9, power loss): the reminder
# schedule puts it back in the queue. Longer than the slowest task: one delivery with all its retries (~1 min).
TASK_TIMEOUT_SECONDS = int(env("INCIDENTDESK_TASK_TIMEOUT_SECONDS", "600"))
INTAKE_DEDUP_MINUTES = int(env("INCIDENTDESK_INTAKE_DEDUP_MINUTES", "60"))
INTAKE_MAX_BYTES = 262_144  # one alert payload; Alertmanager batches stay far below this
REPORTS_PER_HOUR = int(env("INCIDENTDESK_REPORTS_PER_HOUR", "5"))  # reporting channel, per address
EVIDENCE_DIR = Path(env("INCIDENTDESK_EVIDENCE_DIR", str(DATA_DIR / "evidence")))
EVIDENCE_MAX_BYTES = int(env("INCIDENTDESK_EVIDENCE_MAX_MB", "25")) * 1_000_000

# --- Audit chain: its key and checkpoints, kept outside the database (docs/decisions.md 47-49) -----------
# INCIDENTDESK_AUDIT_KEY holds the key ring itself (keys of 64 hex characters; the last one signs), or
# INCIDENTDESK_AUDIT_KEY_FILE names a file holding it (mode 0600; `incidentdesk audit rotate-key` adds keys).
# With neither, the demo and the tests (DEBUG on) make <data dir>/audit.key on first use; with DEBUG off
# the system check audit.E001 refuses to start instead (a key beside the database protects nothing).
AUDIT_KEY = os.environ.get("INCIDENTDESK_AUDIT_KEY", "").strip()
AUDIT_KEY_FILE = (Path(os.environ["INCIDENTDESK_AUDIT_KEY_FILE"]) if os.environ.get("INCIDENTDESK_AUDIT_KEY_FILE")
                  else None if AUDIT_KEY or not DEBUG else DATA_DIR / "audit.key")
AUDIT_KEY_AUTOCREATE = DEBUG and not AUDIT_KEY and not os.environ.get("INCIDENTDESK_AUDIT_KEY_FILE")
# Signed checkpoints of the chain's head; copy this folder off the machine (docs/security.md).
AUDIT_CHECKPOINT_DIR = Path(os.environ.get("INCIDENTDESK_CHECKPOINT_DIR") or DATA_DIR / "checkpoints")
# --- end of the audit chain settings -------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"  # stored in UTC; shown in the organisation's time zone (middleware)
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]  # the stylesheet and vendored htmx (from npm, see docs/decisions.md)
# Production serves static files itself: WhiteNoise (right after SecurityMiddleware) serves what
# `incidentdesk collectstatic --noinput` gathered into STATIC_ROOT, with hashed names and compression
# when DEBUG is off. Without collectstatic, every stylesheet, htmx and the API docs' Swagger files are 404s.
STATIC_ROOT = Path(env("INCIDENTDESK_STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The demo and the tests render pages without collectstatic, so the manifest is for production only.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("INCIDENTDESK_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("INCIDENTDESK_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The incident workspace's response-step panels, in the order they are shown: each app builds its own
# panel (template and context) from the incident, so the incidents app does not import the step apps.
# A panel names its step ("step": "contain", a key of incidents.progress.STEPS): it shows in that section.
WORKSPACE_PANELS = [
    "incidentdesk.containment.panel.panel",
    "incidentdesk.evidence.panel.panel",
    "incidentdesk.notifications.panel.panel",
    "incidentdesk.breaches.panel.panel",
    "incidentdesk.investigation.panel.panel",
    "incidentdesk.capa.panel.panel",
    "incidentdesk.lessons.panel.panel",
    "incidentdesk.routing.panel.panel",
    "incidentdesk.comments.panel.panel",
    "incidentdesk.retention.panel.panel",
    "incidentdesk.preparedness.panel.panel",
    "incidentdesk.intake.panel.panel",
    "incidentdesk.linking.panel.panel",
]

# Where "my work" finds each person's open tasks (incidentdesk/work.py): one function per app that gives
# people tasks, ``source(user, now) -> list[WorkItem]``.
MY_WORK_SOURCES: list[str] = [
    "incidentdesk.reviews.work.my_reviews",
    "incidentdesk.routing.work.source",
    "incidentdesk.incidents.work.source",
    "incidentdesk.containment.work.source",
    "incidentdesk.obligations.work.source",
    "incidentdesk.notifications.work.source",
    "incidentdesk.capa.work.source",
    "incidentdesk.lessons.work.source",
    "incidentdesk.comments.work.source",
    "incidentdesk.briefings.work.source",
]

# Where the readiness check finds what each app knows (incidentdesk/readiness.py):
# ``check(now) -> list[ReadinessItem]``.
READINESS_CHECKS: list[str] = [
    "incidentdesk.reviews.readiness.procedure_approved",
    "incidentdesk.inventory.readiness.check",
    "incidentdesk.contacts.readiness.check",
    "incidentdesk.accounts.readiness.check",
    "incidentdesk.preparedness.readiness.check",
    "incidentdesk.briefings.readiness.check",
]

# Called in the transaction that closes an incident (incidents/lifecycle.py), ``hook(incident=, by=)``: what other
# apps start when an incident closes (a review of the procedure after a level 2+ incident), without the incidents
# app importing them.
INCIDENT_CLOSED_HOOKS: list[str] = ["incidentdesk.reviews.cycle.after_incident_closed"]

# Called by each pass of the reminder schedule (reminders/runner.py), ``scheduled(now)``: date-driven work of
# other apps (documents coming into force, annual document reviews, reviews after a rule file's new version,
# escalation of internal notices). One hook list for all of them: each is idempotent and safe to run concurrently.
SCHEDULED_PASSES: list[str] = [
    "incidentdesk.governance.services.scheduled",  # approved versions whose effective date has come
    "incidentdesk.reviews.cycle.scheduled",
    "incidentdesk.routing.services.escalation_pass",  # unacknowledged internal notices go to the next contact
    "incidentdesk.intake.services.prune",  # replay marks and rate counters whose window has passed (issue 16)
]

# Called at the end of every reassessment of an incident (incidents.services.reassess), inside its transaction:
# ``hook(incident=, by=, now=)``. Internal routing tells the teams the new facts or level name.
AFTER_REASSESS: list[str] = [
    "incidentdesk.routing.services.on_reassess",
]
# How long an internal notice's acknowledgement link works (seconds): a week, longer than any team's clock.
ROUTING_LINK_MAX_AGE = int(env("INCIDENTDESK_ROUTING_LINK_MAX_AGE", str(7 * 24 * 3600)))

# --- Client address, shared counters, sign-in lock-out (issue 10; incidentdesk/clientaddress.py) ---------
# Proxies whose X-Forwarded-For is believed: addresses or networks, comma separated. Empty (the default):
# no proxy is trusted, the header is ignored and the client is REMOTE_ADDR. A mistyped entry stops start-up.
def _trusted_proxies(text: str) -> list[str]:
    import ipaddress

    networks = []
    for entry in filter(None, (part.strip() for part in text.split(","))):
        try:
            networks.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError as exc:
            raise ValueError(f"INCIDENTDESK_TRUSTED_PROXIES: {entry!r} is not an address or a network "
                             "(for example 10.0.0.5 or 10.0.0.0/24)") from exc
    return networks


TRUSTED_PROXIES = _trusted_proxies(env("INCIDENTDESK_TRUSTED_PROXIES"))
# The lock-out counts failures per username and per *client* (not per proxy), in the database (shared by
# every server process): django-axes asks this function for the address.
AXES_CLIENT_IP_CALLABLE = "incidentdesk.clientaddress.client_address"
# --- end of client address block ---------------------------------------------------------------------------
