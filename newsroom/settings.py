"""Settings for Newsroom, read from the environment.

Local defaults work out of the box (SQLite, DEBUG on for `make run`); production values
that matter fail loudly when missing.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django_prose_editor.config import html_tags
from js_asset import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def origin_of(url):
    """["https://cdn.example"] for an absolute URL, [] for a path on this site."""
    parts = urlsplit(url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


def database_from_url(url):
    """Turn `sqlite:///path` or `postgres://user:pass@host:port/name?opt=v` into DATABASES."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path[1:]) if parts.path.startswith("/") else parts.path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path or BASE_DIR / "db.sqlite3",
            # The server and the task worker write to one file: a transaction takes the write
            # lock when it begins, and waits for it, rather than failing as "database is
            # locked" when two would upgrade their read locks at once.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    if parts.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "newsroom.postgresql",  # Django's, with a cheaper health check
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
            # Measured: without persistent connections a PostgreSQL page is ~7x slower.
            "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", "600")),
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported.")


def mailer_from_url(url):
    """Turn EMAIL_URL into a MAILERS entry (Django 6.1's e-mail settings).

    `smtp://user:pass@host:587` sends through an SMTP server with STARTTLS (`?tls=0` for a
    local relay without it), `smtps://user:pass@host:465` with TLS from the first byte, and
    `console:` prints each message to the console (the default: nothing leaves the machine).
    """
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme in {"smtp", "smtps"}:
        query = dict(parse_qsl(parts.query))
        implicit_tls = parts.scheme == "smtps"
        starttls = query.get("tls", "1").lower() not in {"0", "false", "no", "off"}
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                "port": parts.port or (465 if implicit_tls else 587),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": implicit_tls,
                "use_tls": starttls and not implicit_tls,
                "timeout": int(query.get("timeout", "10")),
            },
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL scheme {parts.scheme!r} is not supported: use smtp://, smtps:// or console:."
    )


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. For local work set DEBUG=1 "
            "(as `make run` does); in production set a long random SECRET_KEY."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",  # django.contrib.admin, with the editors' dashboard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # full-text search on PostgreSQL; inert on SQLite
    "axes",  # admin sign-in throttling (articles/admin/login.py)
    "adminsortable2",  # drag-and-drop order of the front page picks and pins
    "django_filters",
    "django_prose_editor",
    "django_tasks_db",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The appeal beacons need none of what follows: answered here (articles/appeals/shortcut.py).
    "articles.appeals.shortcut.BeaconShortcut",
    "articles.caching.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.csp.ContentSecurityPolicyMiddleware",  # Django's, each policy built once
    "axes.middleware.AxesMiddleware",  # turns a locked-out sign-in into the lockout page
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "django.template.context_processors.csp",
                "articles.context_processors.site",
            ],
            "builtins": ["articles.templatetags.dates"],  # |iso on every reader page
        },
    },
]

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL := os.environ.get("REDIS_URL"):
    CACHES = {
        # Django's Redis backend, minus a per-call client (see newsroom/redis_cache.py). Short
        # timeouts: a Redis that stops answering is a cache miss, not a hanging page.
        "default": {
            "BACKEND": "newsroom.redis_cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Work off the request path (CDN purges, e-mail, renditions) goes through Django's Tasks
# framework. "database" (django-tasks-db) queues it for `manage.py db_worker`, production's
# choice and `make run`'s (which runs a worker beside the server); "immediate" runs it at once
# in the process that asked (the tests, and a bare `runserver` with DEBUG).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate" if DEBUG else "database")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}

# E-mail (editors' notifications, sent from a task): EMAIL_URL says how, see mailer_from_url.
EMAIL_URL = os.environ.get("EMAIL_URL", "console:")
MAILERS = {"default": mailer_from_url(EMAIL_URL)}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where links in e-mails point: the site's address as staff reach it.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if not SITE_URL and not EMAIL_URL.startswith("console:"):
    raise ImproperlyConfigured(
        "SITE_URL must be set when EMAIL_URL sends real mail: e-mails link to the story, "
        "e.g. SITE_URL=https://news.example."
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names so a CDN can cache them forever. Tests use the plain
        # backend so they need no collectstatic run.
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

# Uploads (stories' lead images). Django serves them only with DEBUG; in production the proxy
# or object storage serves MEDIA_URL (see README). An absolute MEDIA_URL (a CDN or bucket) is
# allowed as an image source in the CSP below.
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out sign-in before any password
    "django.contrib.auth.backends.ModelBackend",
]

# Proxies in front of the app that each append to X-Forwarded-For (a CDN and a load balancer
# make 2). 0: REMOTE_ADDR is the client, and a client's own X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Admin sign-in throttling (django-axes; the rules are in articles/admin/login.py). Limits over
# 15 minutes: 5 failures lock an account from one address (a person who mistyped five times
# has forgotten the password; elsewhere they can still sign in), 20 lock an address across
# accounts (four people's worth of typos behind one office address; a password sprayer gets
# 20 guesses a quarter-hour per address).
AXES_HANDLER = "articles.admin.login.SignInThrottle"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = 5
LOGIN_FAILURES_PER_ADDRESS = 20
AXES_COOLOFF_TIME = timedelta(minutes=15)
# The 15 minutes run from the lockout: attempts while locked are refused, not counted.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "articles.admin.login.account_key"
AXES_CLIENT_IP_CALLABLE = "newsroom.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "articles.admin.login.lockout_response"
AXES_ENABLE_ADMIN = False  # articles/admin/login.py registers its own, with the lockout state
AXES_DISABLE_ACCESS_LOG = True  # failures are kept (for the cool-off); successes are not

# Stories per page of the stories sitemap (search engines take up to 50,000 per file): whole
# buckets of the index's lastmod (SITEMAP_BUCKET in articles/models/stories.py).
SITEMAP_PAGE_SIZE = int(os.environ.get("SITEMAP_PAGE_SIZE", "10000"))
if SITEMAP_PAGE_SIZE < 1 or SITEMAP_PAGE_SIZE % 1000:
    raise ImproperlyConfigured("SITEMAP_PAGE_SIZE must be a multiple of 1000.")
# Server-side page cache for public pages (see articles/caching/); 0 turns it off. Off by
# default with DEBUG so template edits show at once.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0" if DEBUG else "60"))
# How long an app process answers conditional requests (a live blog's polls) from a page head
# it read a moment ago, before asking the shared cache again (articles/caching/heads.py).
PAGE_HEAD_MEMO_SECONDS = float(os.environ.get("PAGE_HEAD_MEMO_SECONDS", "1"))

# A CDN in front of the site (articles/caching/cdn.py): where to send purges of the surfaces a
# change touched, in which style (json, fastly, cloudflare) and with which token. With a purge
# URL set, shared caches may keep pages for CDN_MAX_AGE seconds (s-maxage).
CDN_PURGE_URL = os.environ.get("CDN_PURGE_URL", "")
CDN_PURGE_STYLE = os.environ.get("CDN_PURGE_STYLE", "json")
CDN_PURGE_TOKEN = os.environ.get("CDN_PURGE_TOKEN", "")
CDN_MAX_AGE = int(os.environ.get("CDN_MAX_AGE", str(6 * 3600)))
if CDN_PURGE_STYLE not in ("json", "fastly", "cloudflare"):
    raise ImproperlyConfigured("CDN_PURGE_STYLE must be json, fastly or cloudflare.")

# Donation appeals' event beacons (articles/appeals/guards.py). A page view gets one token
# (valid this many seconds) and sends one to three beacons; a quick reader opens a page every
# ten seconds or so. Per client address and minute, the defaults let about five such readers
# share an address (an office, a mobile network's NAT): past them, 429.
APPEAL_TOKEN_MAX_AGE = 3600
APPEAL_TOKENS_PER_MINUTE = int(os.environ.get("APPEAL_TOKENS_PER_MINUTE", "30"))
APPEAL_BEACONS_PER_MINUTE = int(os.environ.get("APPEAL_BEACONS_PER_MINUTE", "120"))

# Donations coming back (articles/appeals/donations.py): the shared secrets of the webhook's
# two formats (empty: that format is refused), the currency revenue is compared in, and the
# site-wide donate link in the header (empty: none), which carries the reader's reference.
DONATION_WEBHOOK_SECRET = os.environ.get("DONATION_WEBHOOK_SECRET", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
DONATION_CURRENCY = os.environ.get("DONATION_CURRENCY", "USD").upper()
DONATE_URL = os.environ.get("DONATE_URL", "https://donate.example.org/" if DEBUG else "")

# The publication as readers see it: used in templates, feeds and structured data.
SITE_NAME = os.environ.get("SITE_NAME", "The Newsroom")
SITE_TAGLINE = os.environ.get("SITE_TAGLINE", "Independent journalism")

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# A strict policy: only our own scripts, styles and images; no inline script or style anywhere
# (first-party JS reads its settings from data attributes). JSON-LD blocks are data, not script.
# The one inline script is the rich-text editor's import map in the admin, which carries a
# per-request nonce; pages that use no nonce get none, so public pages stay cacheable.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # The editor (Tiptap) injects one constant <style> of ProseMirror base rules; its hash allows
    # exactly that text and nothing else. tests/test_browser_pages.py fails if it ever changes.
    "style-src": [CSP.SELF, "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"],
    "img-src": [CSP.SELF, "data:", *origin_of(MEDIA_URL)],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    # Embeds load a provider's frame only after the reader clicks (articles/embeds.py): each
    # provider's frame origin and nothing else of theirs (tests/test_embeds.py keeps the two
    # lists equal).
    "frame-src": [
        "https://platform.twitter.com",
        "https://player.vimeo.com",
        "https://t.me",
        "https://w.soundcloud.com",
        "https://www.instagram.com",
        "https://www.youtube-nocookie.com",
    ],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# The story body's own editor nodes (images, embeds, pull quotes, related stories, tables with
# a caption): their JavaScript, and the tags each may write (articles/html.py is the rule that
# is enforced; these are what the editor's configuration reports).
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("articles/body_editor.js")],
        "extensions": {
            "LibraryImage": html_tags(["figure"], {"figure": ["data-image-id", "data-layout"]}),
            "Embed": html_tags(["figure"], {"figure": ["data-embed", "data-embed-id"]}),
            "PullQuote": html_tags(["aside"], {"aside": ["class"]}),
            "RelatedStory": html_tags(["aside"], {"aside": ["class", "data-story-id"]}),
            "TableFigure": html_tags(["figure"], {"figure": ["class"]}),
        },
    }
]

# Everything goes to the root logger's one console handler, once. Django's own "django" logger
# has a console handler too (shown with DEBUG on) and passes records on to the root as well,
# which printed every warning twice under `make run`: here it keeps no handler of its own.
# runserver's request lines ("django.server") keep Django's formatting and stop there.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django": {"handlers": [], "level": "INFO" if DEBUG else LOG_LEVEL}},
}
