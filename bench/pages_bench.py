"""Page benchmark (run on demand; figures are printed, nothing is asserted).

    .venv/bin/python bench/pages_bench.py [--reports 10000,100000] [--databases sqlite,postgres]
    .venv/bin/python bench/pages_bench.py --reuse postgres://…/govinfo_demo

With --reuse, the pages are measured on a database already filled by generate_demo (migrated,
nothing generated, nothing dropped: the bench's two users are kept for the next run), so that a
change can be measured on 100,000 reports without generating them again (14 min).

For each database, a throwaway database (a temporary SQLite file; a PostgreSQL database named
after DATABASE_URL_BENCH, default postgres://postgres@127.0.0.1:5432/govinfo_bench_pages, created
and dropped) is filled by generate_demo (years 2019–2025) to each size in turn, the smaller
first, and at each size every page a reviewer or a clerk opens is requested through
django.test.Client, logged in: the admin report list (unfiltered, with each filter, with a
search), a report's page, 报送进度, 统计汇总 and the clerk's 我的年报; and an import's matching
of a batch's agency names. Prints the median ms of a few requests and the query count at each
size: the count must not grow with the data.

Targets (issue 14): every page ≤ 300 ms at 100,000 reports on this 2-core machine; query counts
independent of the data size.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govinfo.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # a developer's tool: no secret key needed
YEARS = range(2019, 2026)
ROUNDS = 3


def pages(report_pk, city_code):
    """(label, url, user) of every page measured; `user` is "reviewer" or "clerk"."""
    from django.urls import reverse

    listing = reverse("admin:reports_annualreport_changelist")
    year = YEARS[-1]
    return [
        ("年报列表", listing, "reviewer"),
        ("年报列表·报告年度", f"{listing}?year={year}", "reviewer"),
        ("年报列表·状态", f"{listing}?status=submitted", "reviewer"),
        ("年报列表·行政区划", f"{listing}?region={city_code}", "reviewer"),
        ("年报列表·有错误", f"{listing}?has_errors=yes", "reviewer"),
        ("年报列表·有未说明的警告", f"{listing}?unexplained=yes", "reviewer"),
        ("年报列表·退回后尚未修改", f"{listing}?returned=unchanged", "reviewer"),
        ("年报列表·逾期", f"{listing}?overdue=yes", "reviewer"),
        ("年报列表·搜索「卫健委」", f"{listing}?q=卫健委", "reviewer"),
        ("年报列表·第 2 页", f"{listing}?year={year}&p=2", "reviewer"),
        ("年报页面", reverse("admin:reports_annualreport_change", args=[report_pk]), "reviewer"),
        ("报送进度", reverse("admin:reports_annualreport_progress") + f"?year={year}", "reviewer"),
        ("报送进度·行政区划", reverse("admin:reports_annualreport_progress") + f"?year={year}&region={city_code}", "reviewer"),
        ("统计汇总", reverse("admin:reports_annualreport_leadership") + f"?year={year}", "reviewer"),
        ("我的年报（填报员）", reverse("reports:list"), "clerk"),
    ]


def measure(client, url):
    """(median ms, queries, status) of ROUNDS requests after one to warm the caches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    times, counts = [], []
    for _ in range(ROUNDS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        counts.append(len(queries))
    return median(times), max(counts), response.status_code


def matching():
    """(median ms, queries) of matching a batch's agency names as an import does (60 names: 50 of
    agencies written without their city, abbreviated, and 10 new ones), rolled back each time."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from reports.models import Agency
    from reports.models.agency import OPERATOR
    from reports.names import shorter_forms

    known = Agency.objects.filter(name__endswith="局").order_by("-pk").values_list("name", flat=True)[:50]
    names = [shorter_forms(name)[0].replace("卫生健康局", "卫健局") for name in known]
    names += [f"示范省第{i}新设办公室" for i in range(10)]
    times, counts = [], []
    for _ in range(ROUNDS):
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            Agency.objects.resolver(OPERATOR).match_many(names)
            times.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
        counts.append(len(queries))
    return median(times), max(counts), 200


def users():
    """A reviewer of every region and a clerk of the province's first city government (made once:
    a reused database keeps them)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from reports import roles
    from reports.models import Agency, Profile

    groups = roles.ensure_groups()
    reviewer, _ = get_user_model().objects.get_or_create(username="bench_reviewer", defaults={"is_staff": True})
    reviewer.groups.add(groups[roles.REVIEWER])
    clerk, _ = get_user_model().objects.get_or_create(username="bench_clerk")
    clerk.groups.add(groups[roles.AGENCY_CLERK])
    agency = Agency.objects.get(name__endswith="市人民政府", region__code="990100")
    Profile.objects.get_or_create(user=clerk, defaults={"agency": agency, "must_change_password": False})
    clients = {}
    for name, user in (("reviewer", reviewer), ("clerk", clerk)):
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


def bench(sizes, database, reuse=False):
    """Runs in its own process with DATABASE_URL set; prints one JSON line of figures. `reuse`:
    measure the database DATABASE_URL names as it is (`sizes` unused)."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "sqlite" and not reuse:
        connection.settings_dict["TEST"]["NAME"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp())
    settings.DEBUG = False  # as in production: no query log but the one captured
    settings.ALLOWED_HOSTS = ["testserver"]
    old_name = None if reuse else connection.creation.create_test_db(verbosity=0)
    try:
        from reports.demo.generate import generate

        figures = {"database": database, "sizes": []}
        clients = None
        for size in [None] if reuse else sizes:
            started = time.perf_counter()
            created = 0 if reuse else generate(-(-size // len(YEARS)), YEARS).reports
            generated = time.perf_counter() - started
            clients = clients or users()
            figures["sizes"].append({"created": created, "generated": generated, **measure_pages(clients)})
        print(json.dumps(figures, ensure_ascii=False))
    finally:
        if old_name:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def measure_pages(clients):
    from reports.models import AnnualReport

    report = AnnualReport.objects.filter(agency__region__code="990100", year=YEARS[-1]).order_by("pk").first()
    results = {label: measure(clients[user], url) for label, url, user in pages(report.pk, "990100")}
    results["导入时匹配 60 个机关名称"] = matching()
    return {"reports": AnnualReport.objects.count(), "pages": results}


def report(f):
    sizes = f["sizes"]
    print(f"  {f['database']}：" + "，".join(f"{s['reports']} 份（generate_demo 写入 {s['created']} 份用 {s['generated']:.0f} 秒，"
                                              f"{s['created'] / max(s['generated'], 0.001):.0f} 份/秒）" for s in sizes))  # fmt: skip
    header = "".join(f"{s['reports']:>10} 份 ms / 查询" for s in sizes)
    print(f"    {_pad('页面', 26)}{header}")
    for label in sizes[0]["pages"]:
        cells = []
        for s in sizes:
            ms, queries, status = s["pages"][label]
            flag = "" if status == 200 else f" HTTP {status}"
            cells.append(f"{ms:10.0f} / {queries:<4}{flag}")
        counts = {s["pages"][label][1] for s in sizes}
        slow = max(s["pages"][label][0] for s in sizes) > 300
        note = ("  查询数随数据量变化" if len(counts) > 1 else "") + ("  超过 300 ms" if slow else "")
        print(f"    {_pad(label, 26)}" + "".join(cells) + note)


def _pad(text, width):
    """`text` padded to `width` columns, a CJK character taking two."""
    return text + " " * max(0, width - sum(2 if ord(c) > 0x2E80 else 1 for c in text))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", help="sizes, comma-separated (default: 1000,10000 on SQLite, 10000,100000 on PostgreSQL)")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--reuse", metavar="DATABASE_URL", help="measure this database, filled by generate_demo, as it is")
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.database:
        return bench([int(n) for n in args.reports.split(",")], args.database, reuse=args.reuse == "yes")
    urls = {
        "sqlite": "sqlite:///" + str(Path(tempfile.mkdtemp()) / "unused.sqlite3"),
        "postgres": os.environ.get("DATABASE_URL_BENCH", "postgres://postgres@127.0.0.1:5432/govinfo_bench_pages"),
    }
    defaults = {"sqlite": "1000,10000", "postgres": "10000,100000"}
    if args.reuse:
        database = "postgres" if args.reuse.startswith("postgres") else "sqlite"
        urls, defaults, args.databases = {database: args.reuse}, {database: "0"}, database
    print("审核员与填报员打开的页面（generate_demo 生成的示范省，2019–2025 年），每页取 3 次请求的中位数：")
    for database in args.databases.split(","):
        env = {**os.environ, "DATABASE_URL": urls[database]}
        sizes = args.reports or defaults[database]
        command = [sys.executable, __file__, "--database", database, "--reports", sizes]
        command += ["--reuse", "yes"] if args.reuse else []
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            print(f"  {database}: 失败\n{done.stderr[-3000:]}")
            continue
        report(json.loads(done.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
