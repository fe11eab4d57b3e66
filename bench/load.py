"""Load test on loopback (run on demand; bounded, stops by itself): the production arrangement —
gunicorn with several workers and two job workers (`db_worker`) on a throwaway PostgreSQL
database — under concurrent clients for a bounded time.

    .venv/bin/python bench/load.py [--seconds 60] [--web-workers 4] [--clerks 5] [--reviewers 2] [--leaders 1]

Clients (threads, each its own session): 填报员 open 我的年报 and their report, save it as the
page holds it and open 报送; 审核员 upload a report, wait for the preview job, confirm, follow
the import job, and bulk-approve (a job too); 领导 open 统计汇总, start the workbook's job and
download the file. Prints requests/s and latency percentiles per kind of request, then checks:
no error response (5xx, or a 4xx nobody asked for), every job a client started finished exactly
once (none lost, none duplicated, one queue row each), no report lost or stored twice, and every
report's stored findings equal a fresh validation. Exits non-zero when a check fails.
DATABASE_URL_LOAD (default postgres://postgres@127.0.0.1:5432/govinfo_load) is dropped and made anew.
"""
import argparse
import html
import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEEDS = ROOT.parent / "shared" / "seeds"
PASSWORD = "GovInfo-Load-1"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
JOB = re.compile(r"/admin/reports/annualreport/jobs/(\d+)/$")


def environment(url, media):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
           "DJANGO_PLAIN_HTTP": "1", "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "GOVINFO_MEDIA_ROOT": media,
           "GOVINFO_LOG_DIR": media, "DEMO_PASSWORD": PASSWORD, "DJANGO_SETTINGS_MODULE": "govinfo.settings"}  # fmt: skip
    env.pop("DJANGO_DEBUG", None)  # production settings, as gunicorn runs them
    return env


def fresh_database(url):
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One browser: its cookies, its CSRF token, and the latency of each request by kind."""

    def __init__(self, base, stats):
        self.base, self.stats = base, stats
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def csrf(self):
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, kind, path, data=None, files=None, expect=(200, 302)):
        headers = {"Referer": self.base + path}
        body = None
        if files is not None:
            body, content_type = multipart(data or {}, files)
            headers["Content-Type"] = content_type
        elif data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
        if body is not None:
            headers["X-CSRFToken"] = self.csrf()
        started = time.perf_counter()
        try:
            response = self.opener.open(urllib.request.Request(self.base + path, body, headers))
            status, content, location = response.status, response.read(), response.headers.get("Location", "")
        except urllib.error.HTTPError as exc:
            status, content, location = exc.code, exc.read(), exc.headers.get("Location", "")
        self.stats.add(kind, time.perf_counter() - started, status, status not in expect, path)
        return status, content.decode("utf-8", "replace"), location

    def login(self, username, admin=False):
        page = "/admin/login/" if admin else "/accounts/login/"
        self.request("login", page)
        status, _, location = self.request(
            "login", page, {"username": username, "password": PASSWORD, "next": "/admin/" if admin else "/reports/"}
        )
        assert status == 302 and "login" not in location, f"{username} could not log in"

    def follow_job(self, kind, location, deadline):
        """Poll a job's page until it has finished (or the run ends); its id and final page."""
        job = int(JOB.search(location).group(1))
        while True:
            _, html, _ = self.request(kind, urllib.parse.urlsplit(location).path)
            if "job-state" in html and 'data-state="done"' in html or 'data-state="failed"' in html:
                return job, html
            if time.monotonic() > deadline + 120:
                return job, html
            time.sleep(0.3)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to measure, not to follow


def multipart(fields, files):
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = []
        self.jobs = defaultdict(list)  # kind → job ids the clients started

    def add(self, kind, seconds, status, error, path):
        with self.lock:
            self.times[kind].append(seconds)
            if error or status >= 500:
                self.errors.append(f"{status} {kind} {path}")


def form_values(page, form_id=None):
    """What a browser submits for the page's form as it stands (inputs, textareas, selections)."""
    if form_id:
        page = page[page.index(f'id="{form_id}"'):]
    page = page[: page.index("</form>")]
    data = defaultdict(list)
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        kind = (re.search(r'type="([^"]+)"', tag) or [None, "text"])[1]
        if not name or kind in ("submit", "file", "button") or (kind in ("checkbox", "radio") and "checked" not in tag):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name[1]].append(unescape(value[1]) if value else ("on" if kind == "checkbox" else ""))
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name].append(unescape(text.removeprefix("\n")))
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name].append(unescape(chosen[1]) if chosen else "")
    return data


def unescape(text):
    return html.unescape(text)


def clerk(client, username, stop, deadline):
    client.login(username)
    while not stop.is_set():
        _, html, _ = client.request("clerk 我的年报", "/reports/")
        for pk in sorted(set(re.findall(r'href="/reports/(\d+)/"', html)))[:1]:
            _, page, _ = client.request("clerk 打开年报", f"/reports/{pk}/")
            if 'id="report-form"' in page:
                data = form_values(page, "report-form")
                data["save"] = ["保存草稿"]
                client.request("clerk 保存草稿", f"/reports/{pk}/", data)
                _, page, _ = client.request("clerk 报送页", f"/reports/{pk}/submit/")
                if 'id="submit-form"' in page:  # no errors left: explain each warning and submit
                    data = form_values(page, "submit-form")
                    for name, values in data.items():
                        if name.endswith("-text"):
                            data[name] = [value or "原件如此，压力测试说明。" for value in values]
                    client.request("clerk 报送", f"/reports/{pk}/submit/", data)


def reviewer(client, stats, stop, deadline, number):
    client.login("reviewer", admin=True)
    seeds = sorted(SEEDS.glob("*.txt"))
    round_ = 0
    while not stop.is_set():
        round_ += 1
        source = seeds[round_ % len(seeds)]
        # A corrected re-issue each round, so each import stores a new version.
        text = source.read_text(encoding="utf-8") + f"\n（第 {number}-{round_} 次更正）\n"
        status, _, location = client.request("reviewer 上传", "/admin/reports/annualreport/upload/", {},
                                             {"files": (source.name, text.encode())})  # fmt: skip
        if status != 302:
            continue
        path = urllib.parse.urlsplit(location).path
        while True:  # the preview job reads the file
            _, page, _ = client.request("reviewer 预览", path)
            if 'id="import-preview"' in page or time.monotonic() > deadline + 120:
                break
            time.sleep(0.3)
        if 'id="import-preview"' not in page:
            continue
        status, _, location = client.request("reviewer 确认导入", path, form_values(page, "import-preview"))
        if status == 302 and JOB.search(location):
            job, _ = client.follow_job("reviewer 导入任务", location, deadline)
            stats.jobs["import"].append(job)
        _, listing, _ = client.request("reviewer 报告列表", "/admin/reports/annualreport/?status=submitted")
        ids = re.findall(r'name="_selected_action" value="(\d+)"', listing)[:5]
        if ids:
            status, _, location = client.request("reviewer 审核通过", "/admin/reports/annualreport/",
                                                 {"action": "approve", "_selected_action": ids, "confirm": "1",
                                                  "comment": "压力测试"})  # fmt: skip
            if status == 302 and JOB.search(location):
                job, _ = client.follow_job("reviewer 审核任务", location, deadline)
                stats.jobs["approve"].append(job)


def leader(client, stats, stop, deadline):
    client.login("leader", admin=True)
    while not stop.is_set():
        client.request("leader 统计汇总", "/admin/reports/annualreport/leadership/?year=")
        status, _, location = client.request("leader 下载汇总", "/admin/reports/annualreport/leadership/download/?year=")
        if status == 302 and JOB.search(location):
            job, html = client.follow_job("leader 汇总任务", location, deadline)
            stats.jobs["summary"].append(job)
            link = re.search(r'href="(/admin/reports/annualreport/jobs/\d+/download/)"', html)
            if link:
                client.request("leader 下载文件", link[1])


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def report(stats, seconds):
    total = sum(len(v) for v in stats.times.values())
    print(f"{total} requests in {seconds:.0f} s: {total / seconds:.1f} requests/s")
    print(f"{'request':<20}{'n':>6}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for kind, values in sorted(stats.times.items()):
        ms = [v * 1000 for v in values]
        print(f"{kind:<20}{len(ms):>6}{percentile(ms, .5):>9.0f}{percentile(ms, .9):>9.0f}{percentile(ms, .99):>9.0f}{max(ms):>9.0f}")
    every = [v * 1000 for values in stats.times.values() for v in values]
    print(f"{'all':<20}{len(every):>6}{percentile(every, .5):>9.0f}{percentile(every, .9):>9.0f}{percentile(every, .99):>9.0f}{max(every):>9.0f}")


def check(stats):
    """The database after the run, read through Django: a list of what is wrong."""
    import django

    django.setup()
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from reports.models import AnnualReport, Job, JobState

    wrong = [f"error response: {e}" for e in stats.errors[:20]]
    started = [job for ids in stats.jobs.values() for job in ids]
    if len(started) != len(set(started)):
        wrong.append("a job id was handed to two requests")
    deadline = time.monotonic() + 120
    while Job.objects.exclude(state__in=[JobState.DONE, JobState.FAILED]).exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    for job in Job.objects.exclude(state=JobState.DONE):
        wrong.append(f"job {job.pk} ({job.kind}) {job.get_state_display()}: {job.error}")
    missing = set(started) - set(Job.objects.values_list("pk", flat=True))
    if missing:
        wrong.append(f"jobs lost: {sorted(missing)}")
    tasks = DBTaskResult.objects.count()
    if tasks != Job.objects.count():
        wrong.append(f"{tasks} queue rows for {Job.objects.count()} jobs")
    if AnnualReport.objects.count() < 5:
        wrong.append(f"reports lost: {AnnualReport.objects.count()} of the 5 seed reports' agencies")
    twice = AnnualReport.objects.values("agency", "year").annotate(n=Count("pk")).filter(n__gt=1)
    if twice:
        wrong.append(f"reports stored twice: {list(twice)}")
    for stored in AnnualReport.objects.prefetch_related("findings"):
        have = sorted((f.code, f.severity, f.location, f.message) for f in stored.findings.all())
        fresh = sorted((f.code, f.severity, f.location or "", f.message) for f in stored.evaluate())
        if have != fresh:
            wrong.append(f"stored findings of {stored} differ from a fresh validation")
    print(f"jobs: {dict((k, len(v)) for k, v in stats.jobs.items())}; reports: {AnnualReport.objects.count()}; "
          f"jobs stored: {Job.objects.count()}, queue rows: {tasks}")  # fmt: skip
    return wrong


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--clerks", type=int, default=5)
    parser.add_argument("--reviewers", type=int, default=2)
    parser.add_argument("--leaders", type=int, default=1)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL_LOAD", "postgres://postgres@127.0.0.1:5432/govinfo_load")
    media = tempfile.mkdtemp(prefix="govinfo-load-")
    env = environment(url, media)
    os.environ.update(env)
    os.environ.pop("DJANGO_DEBUG", None)
    fresh_database(url)
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "setup_demo", "--url", "http://127.0.0.1/"], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    # The load's users have set their password already (the first-login change is not measured).
    subprocess.run([*manage, "shell", "-c", "from reports.models import Profile; Profile.objects.update(must_change_password=False)"],
                   env=env, check=True, cwd=ROOT)  # fmt: skip
    port = free_port()
    servers = [subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "govinfo.wsgi", "--workers", str(args.web_workers),
                                 "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"],
                                env=env, cwd=ROOT)]  # fmt: skip
    servers += [subprocess.Popen([*manage, "db_worker", "--no-reload", "--interval", "0.2", "-v0"], env=env, cwd=ROOT)
                for _ in range(2)]  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/accounts/login/")
                break
            except OSError:
                time.sleep(0.2)
        stats, stop = Stats(), threading.Event()
        deadline = time.monotonic() + args.seconds
        clerks = ["litong", "taishan", "hulan", "yuanping", "yuyang"]
        threads = [threading.Thread(target=clerk, args=(Client(base, stats), clerks[i % len(clerks)], stop, deadline))
                   for i in range(args.clerks)]  # fmt: skip
        threads += [threading.Thread(target=reviewer, args=(Client(base, stats), stats, stop, deadline, i))
                    for i in range(args.reviewers)]  # fmt: skip
        threads += [threading.Thread(target=leader, args=(Client(base, stats), stats, stop, deadline))
                    for _ in range(args.leaders)]  # fmt: skip
        began = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(max(0, deadline - time.monotonic()))
        stop.set()
        for thread in threads:
            thread.join(timeout=180)
        elapsed = time.monotonic() - began
        report(stats, elapsed)
        wrong = check(stats)
    finally:
        for process in servers:
            process.send_signal(signal.SIGTERM)
        for process in servers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    print("checks: " + ("all passed" if not wrong else "FAILED\n  " + "\n  ".join(wrong)))
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()
