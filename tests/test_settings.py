"""Production settings: DEBUG off unless asked for, a secret key required, HTTPS unless the
plain-HTTP switch says otherwise, the proxy switch, the idle timeout, and `check --deploy` clean."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.helpers import get_client_ip_address

from reports.audit import client_ip

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "govinfo.example.gov.cn",
}
SHOWN = ("DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
         "SECURE_PROXY_SSL_HEADER", "BEHIND_PROXY")  # fmt: skip


def manage(*args, **env):
    """manage.py in a fresh process with only the given DJANGO_* variables (the suite's own
    DJANGO_DEBUG=1 and settings module left out)."""
    clean = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_the_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_debug_is_off_unless_asked_for_and_then_a_secret_key_is_required():
    hosts = {"DJANGO_ALLOWED_HOSTS": "govinfo.example.gov.cn"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **hosts)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
    server = subprocess.run(
        [sys.executable, "-c", "import govinfo.wsgi"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}, **hosts},
    )  # fmt: skip
    assert server.returncode != 0 and "未设置 DJANGO_SECRET_KEY" in server.stderr


def test_commands_that_sign_nothing_run_without_a_key():
    """Reading a report (parse_report, as the corpus tools run it) and the checks need no secret."""
    seed = next((ROOT / "reports" / "demo" / "seeds").glob("001_*.txt"))
    assert manage("check").returncode == 0
    result = manage("parse_report", str(seed), "--json")
    assert result.returncode == 0 and '"泰安市泰山区卫生健康局"' in result.stdout, result.stderr


@pytest.mark.parametrize(
    "switches, expected",
    [
        ({}, ["False", "True", "True", "True", "31536000", "None", "False"]),
        ({"DJANGO_PLAIN_HTTP": "1"}, ["False", "False", "False", "False", "0", "None", "False"]),
        ({"DJANGO_BEHIND_PROXY": "1"}, ["False", "True", "True", "True", "31536000", "('HTTP_X_FORWARDED_PROTO', 'https')", "True"]),
    ],
)  # fmt: skip
def test_https_is_on_in_production_unless_switched_off(switches, expected):
    show = "; ".join(f"print(getattr(s, {name!r}, None))" for name in SHOWN)
    result = manage("shell", "--no-imports", "-c", f"from django.conf import settings as s; {show}", **PRODUCTION, **switches)
    assert result.stdout.splitlines() == expected, result.stderr


def test_the_proxy_switch_decides_whose_address_is_logged_and_locked(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="10.1.1.1, 10.2.2.2", REMOTE_ADDR="10.0.0.254")
    settings.BEHIND_PROXY = False  # a client could forge the header
    assert client_ip(request) == get_client_ip_address(request) == "10.0.0.254"
    settings.BEHIND_PROXY = True
    assert client_ip(request) == get_client_ip_address(request) == "10.1.1.1"


def test_an_idle_session_expires_after_30_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
