"""Export benchmark (run on demand; figures are printed, nothing is asserted).

    .venv/bin/python bench/export_bench.py [--reports 10000,100000] [--database sqlite|postgres]

For each size, a generated database (one report per agency, every cell filled, a finding per
report, a tenth of the agencies without a report) is exported with export_excel's writer
(reports.exporters.summary.write_summary), and, in another fresh process, a bare openpyxl
write-only loop writes the same cell values to the same sheets with no database and no
formatting. Each run is its own process, so its peak resident memory is its own.

Seconds of CPU time are printed beside the clock's (import_bench.cpu_seconds: the process and,
on PostgreSQL, the server process reading for it): other work on the machine inflates them far
less, so the two runs compare even when the machine is shared.

Targets (issue 5): ≤ 1.5× the bare loop; peak memory ≤ 400 MB and flat in the number of reports.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govinfo.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # a developer's tool: no secret key needed

from import_bench import cpu_seconds  # noqa: E402 (bench/ is on the path from here)

YEAR = 2023
REGIONS = 20
BATCH = 5000


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


PERIOD = 97  # reports repeat their figures every PERIOD, so the bare loop looks them up, not computes
_TABLES = {}


def tables(i):
    """Report i's cells: {table key: [(row, column, value)]} in the vocabulary's order."""
    from reports import vocabulary as v

    k = i % PERIOD
    if k not in _TABLES:
        _TABLES[k] = {
            table.key: [
                (row.key, column and column.key, Decimal(k) / 10000 if row.is_decimal(column) else (k * 31 + j * 7) % 97)
                for j, (row, column) in enumerate(table.cells())
            ]
            for table in (v.ACTIVE, v.APPLICATIONS, v.REVIEW_LITIGATION)
        }
    return _TABLES[k]


def agency_name(i):
    return f"第{i:06d}号测试局"


# -- the generated database ------------------------------------------------------------------------


def populate(n):
    """Agencies, reports and every section row, written with executemany (fast, flat memory), then
    the planner's statistics, as generate_demo leaves them: without them PostgreSQL reads all
    2,500,000 rows of table 三 for each chunk of 500 reports (0.45 s a chunk at 100,000 reports)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from reports.demo.generate import update_statistics
    from reports.models import (
        ActiveDisclosure, Agency, AnnualReport, ApplicationRow, Finding, Region, ReviewLitigationRow,
    )  # fmt: skip
    from reports.models.sections import active_field

    call_command("migrate", verbosity=0)
    agencies = n + n // 10  # a tenth of the agencies have not reported: 报送进度 lists them

    def insert(model, columns, rows):
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == BATCH:
                    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)
                    batch.clear()
            if batch:
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)

    with transaction.atomic():
        root = Region.objects.create(code="100000", name="测试省")
        regions = [Region.objects.create(code=f"{100100 + k}", name=f"测试{k}区", parent=root) for k in range(REGIONS)]
        insert(Agency, ["id", "name", "kind", "region_id"],
               ((a + 1, agency_name(a), "department", regions[a % REGIONS].pk) for a in range(agencies)))  # fmt: skip
        now = "2024-01-15 00:00:00+00:00" if connection.vendor == "postgresql" else "2024-01-15 00:00:00"
        insert(AnnualReport,
               ["id", "agency_id", "year", "format_version", "status", "scope", "title", "overall", "other",
                "source_file", "source_name", "source_sha256", "source_facts", "error_count", "warning_count",
                "deadline", "created_at", "updated_at", "version", "preamble"],
               ((i + 1, i + 1, YEAR, "2021", ("submitted", "approved", "draft")[i % 3], "self", "", "", "", "",
                 "", "", "{}", 1, 0, f"{YEAR + 1}-01-31", now, now, 1, "") for i in range(n)))  # fmt: skip
        generated = (tables(i) for i in range(n))
        active_columns = [active_field(r, c) for r, c, _ in tables(0)["active"]]
        insert(ActiveDisclosure, ["report_id", *active_columns],
               ((i + 1, *[value for _, _, value in t["active"]]) for i, t in enumerate(generated)))  # fmt: skip
        insert(ApplicationRow, ["report_id", "row", *_columns("applications")], _matrix_rows(n, "applications"))
        insert(ReviewLitigationRow, ["report_id", "group", *_columns("review_litigation")],
               _matrix_rows(n, "review_litigation"))  # fmt: skip
        insert(Finding, ["report_id", "code", "severity", "message", "table", "row", "column", "field", "location", "cells"],
               ((i + 1, "E9", "error", "表三「1.本机关不掌握相关政府信息」行「总计」列不等于各类申请人之和。",
                 "applications", "unable_not_held", "total", "", "", "[]") for i in range(n)))  # fmt: skip
    update_statistics()


def _columns(table_key):
    from reports import vocabulary as v

    return [c.key for c in v.TABLE_BY_KEY[table_key].columns]


def _matrix_rows(n, table_key):
    width = len(_columns(table_key))
    for i in range(n):
        cells = tables(i)[table_key]
        for start in range(0, len(cells), width):
            yield (i + 1, cells[start][0], *[value for _, _, value in cells[start:start + width]])


# -- the two runs ----------------------------------------------------------------------------------


def run_ours(n, out):
    import django

    django.setup()
    from reports.exporters.summary import write_summary
    from reports.models import Agency, AnnualReport

    started, cpu = time.perf_counter(), cpu_seconds()
    written = write_summary(AnnualReport.objects.filter(year=YEAR), out, Agency.objects.all())
    assert written == n, written
    return time.perf_counter() - started, cpu_seconds() - cpu


def run_bare(n, out):
    """The same values to the same sheets with a bare write-only loop: the floor for any writer."""
    import django

    django.setup()
    from openpyxl import Workbook

    from reports import vocabulary as v

    started, cpu = time.perf_counter(), cpu_seconds()
    workbook = Workbook(write_only=True)
    summary, two, three, four, findings, progress = (
        workbook.create_sheet(name) for name in ("汇总", "表二", "表三", "表四", "问题清单", "报送进度")
    )
    statuses = ["已报送", "审核通过", "草稿"]
    rows = {}  # each generated figure pattern flattened once, as a writer's values would be ready
    for k in range(PERIOD):
        cells = tables(k)
        by_key = {(r, c): value for key in cells for r, c, value in cells[key]}
        rows[k] = (
            [by_key[(r, "total")] for r in ("new_received", "carried_over", "granted", "total_processed", "carried_forward")]
            + [by_key[("licensing", None)], by_key[("penalty", None)], by_key[("fees", None)],
               by_key[("reconsideration", "total")], by_key[("litigation_direct", "total")], 1, 0],
            *([value for _, _, value in cells[key]] for key in ("active", "applications", "review_litigation")),
        )  # fmt: skip
    for i in range(n):
        figures, active, applications, review = rows[i % PERIOD]
        status = statuses[i % 3]
        identity = [agency_name(i), f"测试{i % REGIONS}区", YEAR]
        summary.append(identity + [status] + figures)
        two.append(identity + active)
        three.append(identity + applications)
        four.append(identity + review)
        findings.append([agency_name(i), YEAR, "E9", "错误", "表三「1.本机关不掌握相关政府信息」行「总计」列不等于各类申请人之和。",
                         v.cell_label("applications", "unable_not_held", "total")])  # fmt: skip
        if i % 3 == 2:
            progress.append(identity + ["草稿"])
    for a in range(n, n + n // 10):
        progress.append([agency_name(a), f"测试{a % REGIONS}区", YEAR, "未填报"])
    workbook.create_sheet("图表")
    workbook.save(out)
    return time.perf_counter() - started, cpu_seconds() - cpu


# -- driver ----------------------------------------------------------------------------------------


def _child(args):
    step, n, out = args.step, args.size, args.out
    if step == "populate":
        started = time.perf_counter()
        populate(n)
        print(json.dumps({"seconds": time.perf_counter() - started}))
        return
    seconds, cpu = (run_ours if step == "ours" else run_bare)(n, out)
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb(), "bytes": Path(out).stat().st_size}))


def _run(step, n, env, out=os.devnull):
    command = [sys.executable, __file__, "--step", step, "--size", str(n), "--out", out]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{step} {n} 失败：\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _database(database, n, folder):
    if database == "sqlite":
        return f"sqlite:///{folder}/export_{n}.sqlite3"
    import psycopg

    base = os.environ.get("DATABASE_URL_BENCH", "postgres://postgres@127.0.0.1:5432/postgres")
    name = f"govinfo_export_bench_{n}"
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    return base.rsplit("/", 1)[0] + "/" + name


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", default="10000,100000", help="sizes, comma-separated")
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        return _child(args)
    folder = tempfile.mkdtemp()
    print(f"导出基准（{args.database}）：汇总工作簿 vs 同样数值的裸 openpyxl 只写循环")
    for n in map(int, args.reports.split(",")):
        env = {**os.environ, "DATABASE_URL": _database(args.database, n, folder)}
        made = _run("populate", n, env)
        ours = _run("ours", n, env, f"{folder}/ours_{n}.xlsx")
        bare = _run("bare", n, env, f"{folder}/bare_{n}.xlsx")
        print(
            f"  {n:>7} 份（生成数据库 {made['seconds']:.0f} 秒）："
            f"导出 {ours['seconds']:7.1f} 秒，峰值 {ours['peak_mb']:4.0f} MB，{ours['bytes'] / 1e6:5.1f} MB 文件；"
            f"裸循环 {bare['seconds']:7.1f} 秒，峰值 {bare['peak_mb']:4.0f} MB；"
            f"倍数 {ours['seconds'] / bare['seconds']:.2f}×"
        )
        server = "（含 PostgreSQL 服务进程）" if args.database == "postgres" else ""
        print(f"  {'':>7}    按 CPU 时间：导出 {ours['cpu']:7.1f} 秒{server}，裸循环 {bare['cpu']:7.1f} 秒；"
              f"倍数 {ours['cpu'] / bare['cpu']:.2f}×")  # fmt: skip


if __name__ == "__main__":
    main()
