"""Re-validation benchmark (run on demand; figures are printed, nothing is asserted).

    .venv/bin/python bench/validate_bench.py [--reports 3000] [--rounds 3] [--databases sqlite,postgres]
                                             [--workers 1,2]

Imports a generated corpus (the five seed reports re-issued under distinct agency names, as
bench/import_bench.py makes it, each agency with a report of the year before too, so that every
report is judged against its last year), takes the planner's statistics (as a production
database has them), then re-validates every stored report with the full rule
set as `validate_reports` does (each in its context: the agency's kind, last year's report, the
signature date; findings and counts stored), in rounds. Prints reports/s (the median of the
rounds, each round's beside it), reports per second of this process's CPU time (the machine may
be shared) and of all the CPU time spent (this process, the rule processes, the PostgreSQL
server's process), and the number of rules, for SQLite (a file, as
in production) and a throwaway PostgreSQL database (DATABASE_URL_BENCH, default
postgres://postgres@127.0.0.1:5432/govinfo_bench).

With --workers, each database is measured once per number of processes running the rules
(validate_reports --workers N; 1: in the process that reads and writes). The CPU figure then
counts the process that reads and writes alone: the rate it would reach with cores to spare.

Target (issue 12): ≥ 2,000 reports/s on both.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govinfo.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # a developer's tool: no secret key needed


def series(count):
    """(filename, bytes): half of `count` reports as import_bench makes them, and each one's
    predecessor: the same document a year earlier."""
    from import_bench import corpus

    for name, data in corpus(count // 2):
        text = data.decode()
        year = int(re.search(r"(20\d\d)\s*年", text).group(1))
        earlier = re.sub(rf"{year}(\s*)年", lambda m: f"{year - 1}{m.group(1)}年", text)
        yield name, data
        yield name.replace(".txt", "-previous.txt"), earlier.encode()


def bench(count, database, rounds, workers):
    """Runs in its own process with DATABASE_URL set; prints one JSON line of figures."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp())
    settings.DEBUG = False  # as in production: no query log
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from import_bench import cpu_seconds
        from reports.demo.generate import update_statistics
        from reports.importing import import_many
        from reports.models import AnnualReport
        from reports.models.agency import OPERATOR
        from reports.rules.engine import RULES

        outcomes = list(import_many(series(count), OPERATOR))
        update_statistics()  # as a production database has them (autovacuum): planned as empty otherwise
        failed = [o.message for o in outcomes if o.action == "failed"]
        stored = AnnualReport.objects.count()
        figures = {"database": database, "reports": stored, "failed": len(failed), "workers": {}}
        for n in workers:
            walls, cpus, costs = [], [], []
            for _ in range(rounds):
                started, cpu, spent = time.perf_counter(), time.process_time(), cpu_seconds()
                total, _ = AnnualReport.objects.all().refresh_findings(workers=n)
                walls.append(total / (time.perf_counter() - started))
                # This process's CPU alone: the machine is shared, the wall clock counts the others'.
                cpus.append(total / (time.process_time() - cpu))
                # And every process's (the rule processes, the PostgreSQL server's): what it costs.
                costs.append(total / (cpu_seconds() - spent))
            figures["workers"][n] = {"rounds": walls, "cpu": cpus, "cost": costs}
        figures["rules"] = len(RULES)
        print(json.dumps(figures))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=3000, help="reports stored and re-validated")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--workers", default="1", help="numbers of processes running the rules, e.g. 1,2")
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.database:
        return bench(args.reports, args.database, args.rounds, [int(n) for n in args.workers.split(",")])
    urls = {
        "sqlite": "sqlite:///" + str(Path(tempfile.mkdtemp()) / "unused.sqlite3"),
        "postgres": os.environ.get("DATABASE_URL_BENCH", "postgres://postgres@127.0.0.1:5432/govinfo_bench"),
    }
    print(f"重新校验全部已存储报告（{args.reports} 份，每份对照上年报告），每库 {args.rounds} 轮取中位数：")
    for database in args.databases.split(","):
        env = {**os.environ, "DATABASE_URL": urls[database]}
        command = [sys.executable, __file__, "--database", database, "--reports", str(args.reports), "--workers", args.workers]
        done = subprocess.run(command + ["--rounds", str(args.rounds)], env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            print(f"  {database}: 失败\n{done.stderr[-2000:]}")
            continue
        f = json.loads(done.stdout.strip().splitlines()[-1])
        for n, w in f["workers"].items():
            rounds = " ".join(f"{r:.0f}" for r in w["rounds"])
            # With rule processes, this process's CPU is what bounds it however many cores are free.
            cpu = f"，{'本进程' if n == '1' else '读写进程'}CPU {median(w['cpu']):5.0f} 份/秒，全部进程CPU {median(w['cost']):5.0f} 份/秒"
            print(
                f"  {database:9} 规则进程 {n}：{median(w['rounds']):7.0f} 份/秒{cpu}"
                f"（各轮 {rounds}；{f['reports']} 份，规则 {f['rules']} 条，导入失败 {f['failed']} 份）"
            )


if __name__ == "__main__":
    main()
