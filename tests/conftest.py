"""Shared fixtures: the seed documents, imported seeds, and persona users per role."""
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from reports.models.agency import OPERATOR
from reports import roles
from reports.importing import import_paths
from reports.models import Agency, AnnualReport, Profile, Region

SEEDS = Path(__file__).resolve().parent.parent / "reports" / "demo" / "seeds"
PASSWORD = "Correct-Horse-42"  # meets the password policy, for tests that log in by the form


@pytest.fixture(scope="session", autouse=True)
def end_stray_sessions(django_db_setup, django_db_blocker):
    """The session-wide live server keeps a PostgreSQL session open until after the test
    database is dropped; end such sessions first, so that no test database is left behind."""
    yield
    with django_db_blocker.unblock():
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    """Stored originals go to a per-test folder, never into the developer's media/; fast hashing."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(number):
    """The path of seed report `number` (0–4)."""
    return next(SEEDS.glob(f"{number:03d}_*.txt"))


@pytest.fixture
def seeds(db):
    """The five seed reports imported, keyed by seed number."""
    outcomes = list(import_paths([SEEDS], OPERATOR))
    assert [o.action for o in outcomes] == ["created"] * 5, [o.message for o in outcomes]
    return {n: o.report for n, o in enumerate(outcomes)}


def make_user(username, role=None, superuser=False):
    """An account without a Profile, so never sent to change its password first."""
    groups = roles.ensure_groups()
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, is_staff=superuser or role in roles.STAFF_ROLES, is_superuser=superuser
    )
    if role:
        user.groups.add(groups[role])
    return user


@pytest.fixture
def reviewer(db):
    return make_user("alice", roles.REVIEWER)


@pytest.fixture
def superuser(db):
    return make_user("root", superuser=True)


@pytest.fixture
def make_reports(db):
    """`count` reports of distinct agencies in one region (for list query-count tests)."""

    def make(count, region_code="640302"):
        region = Region.objects.create(code=region_code, name=f"区划{region_code}")
        agencies = Agency.objects.bulk_create(
            Agency(name=f"测试{region_code}区第{i}局", region=region) for i in range(count)
        )
        return AnnualReport.objects.bulk_create(
            AnnualReport(agency=a, year=2023, error_count=i % 3, warning_count=i % 2) for i, a in enumerate(agencies)
        )

    return make


def fee_stated(report):
    """Seed 003 or 004 as its agency corrects it: 六 states the 信息处理费 it leaves unsaid (E13,
    their only error), so that it can be submitted once its warnings are explained."""
    AnnualReport.objects.filter(pk=report.pk).update(other="本年度未收取信息处理费。")
    report.refresh_from_db()
    report.refresh_findings()
    return report


@pytest.fixture
def demo(db):
    """What the README's first command sets up: regions, agencies, users and the seeds."""
    from io import StringIO

    from django.core.management import call_command

    call_command("setup_demo", stdout=StringIO())
    # Every demo user past the first login's password change (tests/test_accounts.py makes it).
    Profile.objects.update(must_change_password=False)
    reports = AnnualReport.objects.select_related("agency")
    return {n: reports.get(source_name=seed(n).name) for n in range(5)}
