"""Settings for the speech archive, read from the environment.

Every value has a default that suits a developer's machine; production sets
DJANGO_DEBUG=0 and a real DJANGO_SECRET_KEY (the server refuses to start without one),
and DJANGO_SECURE=1 when it is served over HTTPS behind a reverse proxy.
"""

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- the deployment ---------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# HTTPS behind a reverse proxy: the proxy terminates TLS and says so in X-Forwarded-Proto.
SECURE = env_bool("DJANGO_SECURE", False)
if SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # A load balancer probes /healthz over plain HTTP on the private side.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# How many proxies stand in front of the server and append to X-Forwarded-For; the client's
# address (which login throttling counts by) is the one the outermost of them saw.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 1 if SECURE else 0)

# --- the application --------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "csp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_tasks",
    "django_tasks_db",
    "speeches",
]

MIDDLEWARE = [
    "archive.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything that may answer on its own, so those answers carry the CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "archive.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "archive.wsgi.application"

# --- the database -----------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while an import writes; IMMEDIATE takes the write lock at
    # the start of a transaction, so two writers queue on the busy timeout instead of
    # failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- the cache --------------------------------------------------------------------------------

# What the server's processes share: the API's per-address request counts live here, so it must be
# one store for every worker (a per-process memory cache would let each worker count on its own).
# Folders the deployment writes (the default cache, admin upload previews) go under var/.
VAR_DIR = BASE_DIR / "var"


def default_cache_dir(database: dict) -> Path:
    """A folder of this deployment's own for the file cache: beside a SQLite file, else one per
    PostgreSQL database under var/ (several archives on one machine keep separate counts)."""
    name = str(database.get("NAME") or "")
    if database["ENGINE"] == "django.db.backends.sqlite3" and name and name != ":memory:":
        return Path(f"{name}-cache")
    server = "-".join(str(part) for part in (database.get("HOST") or "local", database.get("PORT") or "", name) if part)
    return VAR_DIR / "cache" / re.sub(r"[^A-Za-z0-9_.-]+", "_", server)


def cache_config(url: str, database: dict) -> dict:
    """The default cache from DJANGO_CACHE_URL: redis://host:port/db (or rediss://), file:///folder,
    db:// (a table in the archive's database, made by its migrations) or locmem:// (one process
    only: development). Without one, a file cache on this machine, which its workers share."""
    parsed = urlsplit(url)
    options = dict(parse_qsl(parsed.query))
    prefix = options.pop("key_prefix", "")
    if not url:
        config = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(default_cache_dir(database)),
        }
    elif parsed.scheme in {"redis", "rediss"}:
        location = urlunsplit(parsed._replace(query=urlencode(options)))
        config = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}
    elif parsed.scheme == "file" and parsed.path:
        config = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": parsed.path}
    elif parsed.scheme == "db":
        config = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE}
    elif parsed.scheme == "locmem":
        config = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    else:
        raise ImproperlyConfigured(
            f"DJANGO_CACHE_URL: cannot use a {parsed.scheme or 'schemeless'} URL; expected redis://, rediss://, file:///folder, db:// or locmem://"
        )
    config["KEY_PREFIX"] = prefix
    if config["BACKEND"] != "django.core.cache.backends.redis.RedisCache":
        # These cull past MAX_ENTRIES (Redis expires keys itself): one entry per client address
        # a minute, and a busy minute's addresses must not push out the counts still running.
        config["OPTIONS"] = {"MAX_ENTRIES": 5000}
    return config


# The table db:// uses; the migrations make it whatever the cache, so switching needs no extra step.
CACHE_TABLE = "archive_cache"
CACHES = {
    "default": cache_config(os.environ.get("DJANGO_CACHE_URL") or os.environ.get("REDIS_URL", ""), DATABASES["default"])
}

# --- staff accounts ---------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # First: it refuses a login from an address locked out after too many failed attempts.
    "archive.auth.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "archive.auth.client_address"

# --- security headers -------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts and styles come only from the archive's own static files: no inline script, no
# inline style, nothing from elsewhere. The admin's own pages run under the same policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- language, time, static files -------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# `collectstatic` gathers the files here; whitenoise serves them with far-future cache headers.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- imports ----------------------------------------------------------------------------------

# Imports: one file may not exceed this many bytes (a zip's members count one by one).
SPEECHES_MAX_FILE_BYTES = int(os.environ.get("SPEECHES_MAX_FILE_BYTES", str(20 * 1024 * 1024)))
# Processes that read the next files of a batch while the importing one writes the current file
# (speeches/parsing/pool.py): one per core beside the importing process, at most four; 0 reads
# every file in the importing process.
SPEECHES_IMPORT_READERS = env_int("SPEECHES_IMPORT_READERS", min(4, (os.cpu_count() or 1) - 1))
# The most files one admin upload may hold; the import page counts them as they arrive
# (speeches.admin.UploadLimits) and says so on the form past it.
SPEECHES_MAX_UPLOAD_FILES = env_int("SPEECHES_MAX_UPLOAD_FILES", 50)
# Fields other than files (the pasted text) may be as long as a file.
DATA_UPLOAD_MAX_MEMORY_SIZE = SPEECHES_MAX_FILE_BYTES + 1024 * 1024
# Uploaded files larger than Django's default go to a temporary file while they arrive, not memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440
# Django's own refusal (a bare 400) for any other page; one more than the import page allows,
# so that the import page's handler sees the file past its limit and answers with the form.
DATA_UPLOAD_MAX_NUMBER_FILES = SPEECHES_MAX_UPLOAD_FILES + 1
# --- background jobs ----------------------------------------------------------------------------

# Imports and the alerts' digests run as jobs (speeches/jobs.py). By default the queue is a table of
# the archive's own database; DJANGO_JOBS_URL=redis://host:6379/0 puts it on Redis (RQ) instead, for
# workers on other machines. `python manage.py run_jobs` runs a worker either way.
JOBS_URL = os.environ.get("DJANGO_JOBS_URL", "")
if JOBS_URL.startswith(("redis://", "rediss://")):
    INSTALLED_APPS.insert(INSTALLED_APPS.index("speeches"), "django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": JOBS_URL, "DEFAULT_TIMEOUT": 3600}}
elif JOBS_URL:
    raise ImproperlyConfigured(
        "DJANGO_JOBS_URL: expected a redis:// or rediss:// URL, or nothing for the database queue"
    )
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A running job whose worker has not reported for this long is taken up again by the next worker.
SPEECHES_JOB_STALE_SECONDS = env_int("SPEECHES_JOB_STALE_SECONDS", 600)
# How often a running worker queues the alerts' digests (each is sent only when it is due).
SPEECHES_ALERTS_EVERY_SECONDS = env_int("SPEECHES_ALERTS_EVERY_SECONDS", 3600)

# Uploads kept between an import's preview and its confirmation: a folder of this deployment's.
SPEECHES_PREVIEW_DIR = Path(os.environ.get("SPEECHES_PREVIEW_DIR") or VAR_DIR / "previews")
# An upload of more documents than this (a zip's members counted) or more bytes is previewed by a
# worker, as a dry-run job whose page follows it, rather than within the request.
SPEECHES_PREVIEW_JOB_FILES = env_int("SPEECHES_PREVIEW_JOB_FILES", 30)
SPEECHES_PREVIEW_JOB_BYTES = env_int("SPEECHES_PREVIEW_JOB_BYTES", 5 * 1024 * 1024)

# A commitment search with more matches than this counts its page's facets from a fixed sample of
# the matches (the counts shown as 约); on PostgreSQL, whose exact count visits every match, the
# page's total too. Fewer matches are counted exactly.
SPEECHES_SEARCH_EXACT_UP_TO = env_int("SPEECHES_SEARCH_EXACT_UP_TO", 20_000)

# --- the open data API (/api/) ---------------------------------------------------------------

REST_FRAMEWORK = {
    # Read-only and anonymous: no sessions, so no CSRF, and nothing to parse.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "speeches.api.pagination.ArchivePagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["speeches.api.throttling.AnonymousRateThrottle"],
    # Per client address; generous, for scripts that page through everything.
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("DJANGO_API_THROTTLE_RATE", "300/minute")},
    "NUM_PROXIES": PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "讲话档案 API",
    "DESCRIPTION": "政府讲话与工作报告的结构化档案：讲话、章节、承诺及其目标数额，只读。"
    "筛选条件与网站相同；无法使用的参数值返回 400 并说明原因。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    # Swagger UI from the sidecar package's static files, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Anyone's pages may read the API from the browser; only reading, and without credentials.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag"]

# --- mail: the alerts' confirmations and digests ----------------------------------------------

# Any Django mail backend by its dotted path, or one of the short names below. SMTP by default;
# `make run` uses the console, so a developer's machine needs no mail server.
EMAIL_BACKENDS = {
    name: f"django.core.mail.backends.{name}.EmailBackend"
    for name in ("smtp", "console", "filebased", "locmem", "dummy")
}
EMAIL_BACKENDS["file"] = EMAIL_BACKENDS["filebased"]
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "").strip() or "smtp"
EMAIL_BACKEND = EMAIL_BACKENDS.get(EMAIL_BACKEND, EMAIL_BACKEND)
# Where the file backend writes each mail, one file a message.
EMAIL_FILE_PATH = Path(os.environ.get("DJANGO_EMAIL_FILE_PATH") or VAR_DIR / "mail")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
# A mail server that does not answer must not hold a reader's request (or a digest run) for long.
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "讲话档案 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The archive's address as readers reach it: the links in mails are absolute, made from this.
SPEECHES_SITE_URL = os.environ.get("SPEECHES_SITE_URL", "http://127.0.0.1:8000")

# --- logging ----------------------------------------------------------------------------------

# One line per record on stdout, each with the id of the request it belongs to ("-" outside
# a request), so a line of the access log and the errors of the same request can be matched.
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "archive.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": "plain",
            # jieba sets its own logger to DEBUG when imported; its chatter must not reach stdout,
            # where a command such as `import_speeches --json` writes its report.
            "level": LOG_LEVEL,
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own console handler (debug only, on stderr) would print every record twice.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "jieba": {"level": "WARNING"},
        # axes announces itself at start-up and each failed login at INFO; lockouts come at WARNING.
        "axes": {"level": "WARNING"},
    },
}
