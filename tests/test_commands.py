"""The management commands as a user runs them (stable interfaces documented in the README)."""
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from reports.models import AnnualReport, Finding

from .conftest import SEEDS, seed

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    """manage.py in a subprocess: the real exit status and streams, no database needed."""
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_parse_report_json_has_values_and_findings():
    result = run("parse_report", str(seed(2)), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["agency"] == "呼兰区卫生健康局" and data["year"] == 2023 and data["format_version"] == "2021"
    assert data["applications"]["unable_not_held"]["natural_person"] == 8
    assert data["active"]["fees"] == "0"
    assert set(data["sections"]) == {"overall", "problems", "improvements", "other"}
    e9 = [f for f in data["findings"] if f["code"] == "E9"]
    assert e9 == [
        {
            "code": "E9",
            "severity": "error",
            "message": e9[0]["message"],
            "table": "applications",
            "row": "unable_not_held",
            "column": "total",
            "cells": [
                ["applications", "unable_not_held", "total"],
                ["applications", "unable_not_held", "natural_person"],
            ],
        }
    ]
    assert "1.本机关不掌握相关政府信息" in e9[0]["message"]


def test_parse_report_keeps_blank_cells_null():
    data = json.loads(run("parse_report", str(seed(3)), "--json").stdout)
    assert data["active"]["regulations"] == {"issued": 0, "repealed": 0, "in_force": None}


def test_parse_report_json_says_how_each_figure_was_obtained(tmp_path):
    from .fixtures.render import to_flat
    from reports.parsers import parse_file

    assert json.loads(run("parse_report", str(seed(2)), "--json").stdout)["provenance"]["applications"]["new_received"][
        "natural_person"] == "read"  # fmt: skip
    flat = tmp_path / "flat.txt"
    flat.write_bytes(to_flat(parse_file(seed(2))))
    data = json.loads(run("parse_report", str(flat), "--json").stdout)
    assert data["provenance"]["applications"]["unable_not_held"] == dict.fromkeys(
        ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other", "total"), "recovered"
    )
    assert data["applications"]["unable_not_held"]["natural_person"] == 8
    assert data["provenance"]["active"]["fees"] == "read"  # one figure, nothing to split
    i2 = [f for f in data["findings"] if f["code"] == "I2" and f["row"] == "unable_not_held"]
    assert i2[0]["severity"] == "info" and len(i2[0]["cells"]) == 8  # the row, then its seven cells


def test_parse_report_exits_zero_with_findings_and_nonzero_when_unreadable(tmp_path):
    assert run("parse_report", str(seed(0))).returncode == 0
    letter = tmp_path / "letter.txt"
    letter.write_text("普通信件。", encoding="utf-8")
    for path in (letter, tmp_path / "missing.txt", tmp_path / "scan.jpg"):
        result = run("parse_report", str(path), "--json")
        assert result.returncode != 0
        assert result.stdout == ""
        assert "无法解析" in result.stderr


def test_import_reports_prints_one_line_per_file_and_a_summary(db):
    out = StringIO()
    call_command("import_reports", str(SEEDS), stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 6
    assert all(line.startswith("新建\t") for line in lines[:5])
    assert "哈尔滨" not in lines[2] and "呼兰区卫生健康局 2023年\t错误 2，警告 0" in lines[2]
    assert lines[5] == "共 5 个文件：新建 5，更新 0，未变化 0，失败 0。"

    out = StringIO()
    call_command("import_reports", str(seed(1)), stdout=out)
    assert out.getvalue().startswith("未变化\t") and AnnualReport.objects.count() == 5


def test_import_reports_fails_loudly_on_bad_files(db, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("没有任何年报内容", encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError, match="1 个文件导入失败"):
        call_command("import_reports", str(bad), str(seed(1)), stdout=out)
    assert "失败\t" in out.getvalue() and AnnualReport.objects.count() == 1
    out = StringIO()
    with pytest.raises(CommandError, match="1 个文件导入失败"):
        call_command("import_reports", str(tmp_path / "no-such-file.txt"), stdout=out)
    assert "无法读取文件" in out.getvalue()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CommandError, match="没有找到"):
        call_command("import_reports", str(empty), stdout=StringIO())


def test_validate_reports_refreshes_findings(seeds):
    Finding.objects.all().delete()
    AnnualReport.objects.update(error_count=0, warning_count=0)
    out = StringIO()
    call_command("validate_reports", "--year", "2023", stdout=out)
    assert out.getvalue().strip() == "已校验 2 份报告，其中 2 份有错误。"
    assert {"E8", "E9"} <= set(seeds[2].findings.values_list("code", flat=True))
    assert not seeds[3].findings.exists()
    call_command("validate_reports", stdout=StringIO())
    report = AnnualReport.objects.get(pk=seeds[3].pk)
    assert {"W1", "W10"} <= set(report.findings.values_list("code", flat=True))
    assert report.warning_count == report.findings.filter(severity="warning").count()


def test_validate_reports_in_several_processes(seeds):
    """--workers: the same findings, judged in other processes."""
    judged = {r.pk: list(r.findings.values_list("code", "message")) for r in seeds.values()}
    Finding.objects.all().delete()
    out = StringIO()
    call_command("validate_reports", "--workers", "2", stdout=out)
    assert out.getvalue().strip() == "已校验 5 份报告，其中 4 份有错误。"
    assert {pk: list(Finding.objects.filter(report=pk).values_list("code", "message")) for pk in judged} == judged


def _commits_without_waiting(refresh):
    with CaptureQueriesContext(connection) as queries:
        refresh()
    return any("synchronous_commit" in q["sql"] for q in queries.captured_queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
@pytest.mark.django_db(transaction=True)
def test_revalidation_commits_without_waiting_for_disk_only_its_own_transactions(seeds):
    """Findings are derived: validate_reports' chunks need not wait for the log to reach the disk.
    A clerk's save re-checks next year's report inside the save's transaction, whose commit must."""
    assert _commits_without_waiting(lambda: call_command("validate_reports", stdout=StringIO()))
    with transaction.atomic():
        assert not _commits_without_waiting(AnnualReport.objects.all().refresh_findings)
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"


def test_setup_demo_is_idempotent_and_uses_demo_password(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "s3cret-demo")
    for _ in range(2):
        out = StringIO()
        call_command("setup_demo", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:3] == ["admin\t超级管理员\t全部区划", "reviewer\t审核员\t全部区划", "leader\t领导\t全部区划"]
    assert "litong\t填报员\t吴忠市利通区卫生健康局" in lines and len(lines) == 13
    assert "http://127.0.0.1:8000/reports/" in lines[-2] and "环境变量 DEMO_PASSWORD" in lines[-1]
    assert AnnualReport.objects.count() == 5
    # Seeds land on the registered agencies, whatever prefix the report itself used.
    assert AnnualReport.objects.filter(agency__name="哈尔滨市呼兰区卫生健康局", year=2023).exists()
    users = get_user_model().objects
    assert users.count() == 11
    assert users.get(username="admin").check_password("s3cret-demo")
    reviewer = users.get(username="reviewer")
    assert reviewer.is_staff and not reviewer.is_superuser and reviewer.groups.get().name == "审核员"
    assert not users.get(username="hulan").is_staff
    assert users.get(username="hulan").profile.agency.name == "哈尔滨市呼兰区卫生健康局"
