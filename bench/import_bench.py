"""Import benchmark (run on demand; figures are printed, nothing is asserted).

    .venv/bin/python bench/import_bench.py [--reports 600] [--rounds 3] [--parse 60]
                                           [--databases sqlite,postgres] [--stored N]

1. A generated corpus: the five seed reports re-issued under distinct agency names and years.
2. Parsing alone, files/s per format (.txt .html .docx .xlsx .pdf; .md clean and with the
   damage PDF converters do: tables cut per row and by footers, wrapped headers, split rows; and
   平铺文本: the seeds as a portal page flattened into one line, figures joined, read back by the
   table-recovery stage).
3. End to end into SQLite (a file, as in production) and PostgreSQL (a throwaway database at
   DATABASE_URL_BENCH, default postgres://postgres@127.0.0.1:5432/govinfo_bench): reports/s
   for text and HTML through reports.importing, and, in the same process, the baseline: the
   same cell values loaded through plain django-import-export ModelResources, one row per
   table row. Prints the process's peak resident memory, and the ratio to the baseline.

The machine's speed drifts by up to half between runs a minute apart, so each database is
measured in rounds (text, HTML, baseline, each into an emptied database): the rates printed are
medians over the rounds, and each ratio is the median of the rounds' ratios, whose numerators
and denominator were measured seconds apart; every round's ratio is printed too. Rates per CPU
second are printed as well (this process, its parsing processes and, on PostgreSQL, the server
process of its connection): other work on the machine inflates them far less than the clock.

With --stored N (issue 14), step 3 writes into a database that already holds N reports instead
of an emptied one: the demo province generate_demo builds (years 2019–2025), filled once and
reused by every later run (14 min for 100,000 on PostgreSQL): the PostgreSQL database at
DATABASE_URL_BENCH_STORED (default postgres://postgres@127.0.0.1:5432/govinfo_bench_stored,
created if missing), on SQLite a file of that name in the temporary folder. The corpus's agencies
are new to it, so every file is a real insert; the reports and agencies a round stored are
deleted after it (keys above those the round started from; the append-only audit log keeps its
events), so that the rounds are comparable. Prints the stored count beside the figures.

Targets (issue 3): ≥ 100 reports/s end to end for text and HTML, ≥ 20× the baseline.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govinfo.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # a developer's tool: no secret key needed

SEED_PLACES = ["利通区", "泰山区", "呼兰区", "原平市", "榆阳区"]
DEMO_YEARS = list(range(2019, 2026))  # as pages_bench.py fills its databases
NAME_CHARACTERS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥金木水火土"


def place(i, seed_place):
    """A distinct place name per report, of the seed's kind (…区 or …市)."""
    n = len(NAME_CHARACTERS)
    return "".join(NAME_CHARACTERS[(i // n**k) % n] for k in range(3)) + seed_place[-1]


def corpus(count):
    """(filename, text bytes) for `count` reports: each seed under new names, cycling."""
    from tests.conftest import seed

    texts = [seed(k).read_text() for k in range(5)]
    for i in range(count):
        k = i % 5
        yield f"r{i:05d}.txt", texts[k].replace(SEED_PLACES[k], place(i, SEED_PLACES[k])).encode()


def rate(count, seconds):
    return count / seconds if seconds else float("inf")


# -- parsing only ------------------------------------------------------------------------------


def bench_parse(count):
    import django

    django.setup()
    from reports.parsers import parse_bytes
    from tests.fixtures.render import WRITERS, to_flat, to_markdown, to_text

    shapes = [parse_bytes(data, name) for name, data in corpus(count)]
    print(f"\n解析（仅读取，不写库），每种格式 {count} 份：")
    damaged = {"separator": False, "split_headers": True, "footers": True, "row_tables": True, "label_lines": True}
    writers = {".txt": to_text, ".html": WRITERS[".html"], **WRITERS,
               ".md": to_markdown, ".md（转换损伤）": lambda shape: to_markdown(shape, **damaged),
               "平铺文本.txt": to_flat}  # fmt: skip
    for label, write in writers.items():
        files = [write(shape) for shape in shapes]
        suffix = label.split("（")[0]
        started = time.perf_counter()
        for data in files:
            parse_bytes(data, "x" + suffix)
        seconds = time.perf_counter() - started
        print(f"  {label:6} {rate(count, seconds):8.1f} 份/秒")


# -- end to end, one database per process --------------------------------------------------------


def bench_end_to_end(count, database, rounds, stored=0):
    """Runs in its own process with DATABASE_URL set; prints one JSON line of figures. `stored`:
    write into the database DATABASE_URL names, filled to that many reports first if it holds
    fewer, instead of a throwaway one."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "sqlite" and not stored:
        # A file, as in production (the test default would be in memory).
        connection.settings_dict["TEST"]["NAME"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp())
    # As in production: with DEBUG every query is also logged with its parameters quoted into it.
    settings.DEBUG = False
    old_name = None if stored else connection.creation.create_test_db(verbosity=0)
    try:
        held = _fill(stored) if stored else 0
        from tests.fixtures.render import WRITERS

        from reports.parsers import parse_bytes

        texts = list(corpus(count))
        shapes = [parse_bytes(d, n) for n, d in texts]
        pages = [(n.replace(".txt", ".html"), WRITERS[".html"](shape)) for (n, _), shape in zip(texts, shapes)]
        figures = {"database": database, "stored": held, "text": [], "html": [], "baseline": [],
                   "text_cpu": [], "html_cpu": []}  # fmt: skip
        for _ in range(rounds):
            for label, files in (("text", texts), ("html", pages)):
                with _undone():
                    rate_, cpu_rate, figures[f"{label}_peak_mb"] = _ours(files)
                figures[label].append(rate_)
                figures[f"{label}_cpu"].append(cpu_rate)
            with _undone():
                rate_, figures["baseline_peak_mb"] = _baseline(shapes)
            figures["baseline"].append(rate_)
        with _undone():
            figures["single"], figures["single_cpu"], _ = _ours(texts, one_by_one=True)
        print(json.dumps(figures))
    finally:
        if old_name:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def _fill(count):
    """Migrate the database and fill it by generate_demo to `count` reports, unless it holds
    that many already; returns how many it holds."""
    from django.core.management import call_command

    from reports.demo.generate import generate
    from reports.models import AnnualReport

    call_command("migrate", verbosity=0)
    if AnnualReport.objects.count() < count:
        started = time.perf_counter()
        generate(-(-count // len(DEMO_YEARS)), DEMO_YEARS)
        print(f"generate_demo：{time.perf_counter() - started:.0f} 秒", file=sys.stderr)
    return AnnualReport.objects.count()


def peak_mb():
    """The process's peak resident memory so far (tracemalloc would slow the runs it measures)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds():
    """CPU time spent so far by this process, its finished children (the parsing processes) and,
    on PostgreSQL, the server process of its connection (on this machine): what the import costs
    wherever it runs, which other work on the machine does not inflate as it does the wall clock."""
    from django.db import connection

    spent = sum(getattr(resource.getrusage(who), field)
                for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) for field in ("ru_utime", "ru_stime"))  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        stat = Path(f"/proc/{backend}/stat")
        if stat.exists():  # a server on another machine: its CPU is not counted
            fields = stat.read_text().rsplit(")", 1)[1].split()
            spent += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return spent


def _ours(files, one_by_one=False):
    """import_many as import_reports runs it (parsing on every core while batches are written);
    or file by file, as the admin does. Returns reports/s of wall clock and of CPU time, and the
    peak memory."""
    from reports.importing import import_bytes, import_many
    from reports.models.agency import OPERATOR

    started, cpu = time.perf_counter(), cpu_seconds()
    if one_by_one:
        outcomes = [import_bytes(data, name, OPERATOR) for name, data in files]
    else:
        outcomes = list(import_many(files, OPERATOR, workers=os.cpu_count() or 1))
    assert all(o.action == "created" for o in outcomes), [o.message for o in outcomes if o.action != "created"]
    return rate(len(files), time.perf_counter() - started), rate(len(files), cpu_seconds() - cpu), peak_mb()


@contextmanager
def _undone():
    """Delete what the block stores (rows keyed above the keys it started from; deleting a report
    deletes its sections, findings and revisions), so that every round starts from the same data.
    The audit log is append-only and keeps its events (an import writes it, never reads it)."""
    from django.db.models import Max

    from reports.models import Agency, AnnualReport

    models = (AnnualReport, Agency)  # in this order: a report keeps its agency
    before = [model.objects.aggregate(last=Max("pk"))["last"] or 0 for model in models]
    try:
        yield
    finally:
        for model, last in zip(models, before):
            model.objects.filter(pk__gt=last).delete()


def _baseline(shapes):
    """The same cells through plain ModelResources: reports, then each section's rows. Keyed by
    their natural keys (import_id_fields), as an import that may be run again must be: without
    them a ModelResource needs an id column, and a second run would add every row again."""
    import tablib
    from import_export import resources

    from reports import vocabulary as v
    from reports.models import ActiveDisclosure, Agency, AnnualReport, ApplicationRow, ReviewLitigationRow
    from reports.models.sections import active_field

    def resource(model_, fields_, key):
        meta = type("Meta", (), {"model": model_, "fields": fields_, "import_id_fields": key})
        return type(f"{model_.__name__}Resource", (resources.ModelResource,), {"Meta": meta})()

    Agency.objects.bulk_create(Agency(name=s.agency) for s in shapes)
    agencies = dict(Agency.objects.values_list("name", "pk"))
    started = time.perf_counter()
    report_rows = tablib.Dataset(*[(agencies[s.agency], s.year) for s in shapes], headers=["agency", "year"])
    resource(AnnualReport, ("agency", "year"), ("agency", "year")).import_data(report_rows, dry_run=False)
    ids = {(a, y): pk for pk, a, y in AnnualReport.objects.values_list("pk", "agency", "year")}
    active_fields = [active_field(r.key, c and c.key) for r, c in v.ACTIVE.cells()]
    active, applications, reviews = [], [], []
    for s in shapes:
        report = ids[(agencies[s.agency], s.year)]
        active.append([report] + [s.cell("active", r.key, c and c.key) for r, c in v.ACTIVE.cells()])
        applications += [[report, key] + [s.applications[key][c] for c in v.APPLICANT_KEYS] for key in v.APPLICATION_KEYS]
        reviews += [[report, g.key] + [s.review_litigation[g.key][c] for c in v.RESULT_KEYS] for g in v.REVIEW_LITIGATION.rows]
    for model_, fields_, key, rows in (
        (ActiveDisclosure, ["report", *active_fields], ("report",), active),
        (ApplicationRow, ["report", "row", *v.APPLICANT_KEYS], ("report", "row"), applications),
        (ReviewLitigationRow, ["report", "group", *v.RESULT_KEYS], ("report", "group"), reviews),
    ):
        result = resource(model_, tuple(fields_), key).import_data(tablib.Dataset(*rows, headers=fields_), dry_run=False)
        assert not result.has_errors() and not result.has_validation_errors()
    return rate(len(shapes), time.perf_counter() - started), peak_mb()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=600, help="reports per end-to-end run")
    parser.add_argument("--rounds", type=int, default=3, help="end-to-end rounds per database")
    parser.add_argument("--parse", type=int, default=60, help="files per format for parsing alone")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--stored", type=int, default=0, help="reports already stored in the database imported into")
    parser.add_argument("--end-to-end", dest="e2e", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.e2e:
        return bench_end_to_end(args.reports, args.e2e, args.rounds, args.stored)
    bench_parse(args.parse)
    if args.stored:
        urls = {"sqlite": "sqlite:///" + str(Path(tempfile.gettempdir()) / "govinfo_bench_stored.sqlite3"),
                "postgres": _stored_database()}  # fmt: skip
        into = f"已存 {args.stored} 份报告的库"
    else:
        urls = {
            "sqlite": "sqlite:///" + str(Path(tempfile.mkdtemp()) / "unused.sqlite3"),
            "postgres": os.environ.get("DATABASE_URL_BENCH", "postgres://postgres@127.0.0.1:5432/govinfo_bench"),
        }
        into = "空库"
    print(f"\n端到端导入 {args.reports} 份到{into}（解析、校验、写库、保存原件与历史版本），每库 {args.rounds} 轮取中位数：")
    for database in args.databases.split(","):
        env = {**os.environ, "DATABASE_URL": urls[database]}
        command = [sys.executable, __file__, "--end-to-end", database, "--reports", str(args.reports)]
        command += ["--rounds", str(args.rounds), "--stored", str(args.stored)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            print(f"  {database}: 失败\n{done.stderr[-2000:]}")
            continue
        f = json.loads(done.stdout.strip().splitlines()[-1])
        ratios = {k: [ours / base for ours, base in zip(f[k], f["baseline"])] for k in ("text", "html")}
        if args.stored:
            print(f"  {database:9} 库中已有 {f['stored']} 份报告")
        print(
            f"  {database:9} 文本 {median(f['text']):7.1f} 份/秒（进程峰值 {f['text_peak_mb']:.0f} MB）"
            f"  网页 {median(f['html']):7.1f} 份/秒（{f['html_peak_mb']:.0f} MB）"
            f"  基线 ModelResource {median(f['baseline']):6.1f} 份/秒（{f['baseline_peak_mb']:.0f} MB）"
            f"  （逐份导入文本 {f['single']:.1f} 份/秒）"
        )
        print(f"  {'':9} 按 CPU 时间：文本 {median(f['text_cpu']):7.1f} 份/秒  网页 {median(f['html_cpu']):7.1f} 份/秒"
              f"  逐份导入文本 {f['single_cpu']:.1f} 份/秒（本进程、解析子进程与 PostgreSQL 服务进程合计）")  # fmt: skip
        for label, name in (("text", "文本"), ("html", "网页")):
            rounds = " ".join(f"{r:.1f}×" for r in ratios[label])
            print(f"  {'':9} 倍数 {name} {median(ratios[label]):.1f}×（各轮 {rounds}）")


def _stored_database():
    """The URL of the reused PostgreSQL database, created (empty) if it does not exist yet."""
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    url = os.environ.get("DATABASE_URL_BENCH_STORED", "postgres://postgres@127.0.0.1:5432/govinfo_bench_stored")
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url


if __name__ == "__main__":
    main()
