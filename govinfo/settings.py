"""Settings of govinfo. SQLite by default; DATABASE_URL (PostgreSQL) in production.

Production is the default: DEBUG only with DJANGO_DEBUG=1, and then no secret key is needed; HTTPS
only unless DJANGO_PLAIN_HTTP=1. README「生产部署设置」 lists every variable.
"""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
# No key in code outside DEBUG. Commands that sign nothing (parse_report, migrate, check) run without
# one; the web server refuses to start without it (govinfo/wsgi.py), and anything that would sign
# with an empty key fails, as Django makes it.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or ("dev-only-insecure-key-change-me" if DEBUG else "")
MISSING_SECRET_KEY = (
    "未设置 DJANGO_SECRET_KEY：生产环境（未设 DJANGO_DEBUG=1）须提供至少 50 个字符的随机密钥，"
    "见 README「生产部署设置」；本机开发请设 DJANGO_DEBUG=1。"
)
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "axes",  # before reports: its login-failure receiver counts a failure before ours records it
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "reports.http.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "reports.audit.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "reports.accounts.PasswordChangeRequired",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires: turns a lockout into its page
]

ROOT_URLCONF = "govinfo.urls"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:list"
LOGOUT_REDIRECT_URL = "login"
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
WSGI_APPLICATION = "govinfo.wsgi.application"
# Widgets find their templates where pages do (templates/), besides Django's own.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default: WAL lets the reviewers read while an import writes, and a commit
    # (one per imported file) no longer waits for a full journal sync.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", transaction_mode="IMMEDIATE"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# 等保 2.0 identity checks: passwords of at least 10 characters from three character classes, unlike
# the account's names, not common, not all digits (reports.accounts has the first two).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "reports.accounts.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "reports.accounts.CharacterClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Five failed logins of one username from one address lock that pair for 30 minutes (django-axes);
# a 安全管理员 releases a lock earlier (admin 登录锁定). Axes needs the request to authenticate.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock ends when the page says it does
AXES_CLIENT_IP_CALLABLE = "reports.audit.client_ip"  # the audit log's address, proxy switch included
AXES_LOCKOUT_CALLABLE = "reports.accounts.locked_out"
AXES_ENABLE_ADMIN = False  # reports.admin.lockout shows the locks in Chinese
AXES_DISABLE_ACCESS_LOG = True  # logins and logouts are in the audit log
# An idle session ends after 30 minutes: every request pushes the expiry back.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
# The product's wording where Django's own zh_Hans catalogue is missing or awkward (compiled .mo
# committed: a server needs no gettext).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# HTTPS only in production. DJANGO_PLAIN_HTTP=1 serves an intranet over plain HTTP (no secure
# cookies, no redirect, no HSTS); DJANGO_BEHIND_PROXY=1 trusts the reverse proxy's X-Forwarded-Proto
# and X-Forwarded-For (reports.audit.client_ip), which a client could forge without one.
PLAIN_HTTP = DEBUG or os.environ.get("DJANGO_PLAIN_HTTP") == "1"
BEHIND_PROXY = os.environ.get("DJANGO_BEHIND_PROXY") == "1"
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not PLAIN_HTTP
SECURE_HSTS_SECONDS = 0 if PLAIN_HTTP else 365 * 24 * 3600
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = not PLAIN_HTTP
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "reports.errors.csrf_failure"

# A server error leaves its traceback and request (method, path, user, address) on stderr and in a
# rotating file under GOVINFO_LOG_DIR.
LOG_DIR = Path(os.environ.get("GOVINFO_LOG_DIR", BASE_DIR / "logs"))
LOG_DIR.mkdir(parents=True, exist_ok=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "reports.errors.RequestFields"}},
    "formatters": {
        "request": {"format": "{asctime} {levelname} {name} {method} {path} 用户={user} IP={ip}\n{message}", "style": "{"}
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "filters": ["request"], "formatter": "request"},
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": LOG_DIR / "govinfo.log",
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 10,
            "encoding": "utf-8",
            "delay": True,
            "filters": ["request"],
            "formatter": "request",
        },
    },
    "loggers": {
        "django.request": {"handlers": ["stderr", "file"], "level": "ERROR", "propagate": False},
        "reports": {"handlers": ["stderr", "file"], "level": "WARNING"},
    },
}

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("GOVINFO_MEDIA_ROOT", BASE_DIR / "media"))
# Original files, staged uploads and the jobs' downloads go through default_storage: with several
# servers, GOVINFO_MEDIA_ROOT is one shared volume (or STORAGES names an object store).

# Background jobs (reports.jobs): the queue is a table of the database, so every web process puts
# work there and any `manage.py db_worker` on any machine takes it (README「后台任务」).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A finished job's file and its staged upload are kept this many days (cleanup_jobs).
JOB_RETENTION_DAYS = int(os.environ.get("GOVINFO_JOB_RETENTION_DAYS", "7"))

# The report form posts about 200 cells, above Django's default of 1,000 fields it stays well
# within; request bodies are capped at Django's default 2.5 MB outside file uploads.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# django-import-export (registries and statistics sheets): import needs the add permission,
# export the view permission; every import runs in a transaction, so its preview stores nothing.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
