"""Background jobs: the real database queue and worker, progress pages, failures, cleanup."""
import re
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from reports import jobs, roles, staging
from reports.importing import import_paths
from reports.models import AnnualReport, Job, JobKind, JobState
from reports.models.agency import OPERATOR

from .admin.test_import_views import UPLOAD, choices, upload
from .conftest import make_user, seed

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def job_page(pk):
    return reverse("admin:reports_annualreport_job", args=[pk])


def work():
    """What `manage.py db_worker` does on a server, until the queue is empty. Between tasks it
    closes the database connection, as a server should; here that connection holds the test's
    transaction, so it is kept."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.fixture
def importer(client, superuser):
    client.force_login(superuser)
    return client


def test_an_import_goes_through_the_database_queue_and_a_worker(importer, settings):
    settings.TASKS = DB_QUEUE
    url = upload(importer, (seed(2).name, seed(2).read_bytes()), (seed(1).name, seed(1).read_bytes()))["Location"]
    waiting = importer.get(url).content.decode()  # nothing has read the files yet: the job's progress
    assert 'http-equiv="refresh"' in waiting and "排队中" in waiting
    work()
    page = importer.get(url).content.decode()
    assert page.count('class="import-action">新建') == 2
    [reading] = Job.objects.filter(kind=JobKind.IMPORT_PREVIEW)
    assert (reading.state, reading.done, reading.total, reading.result) == ("done", 2, 2, {"files": 2, "failed": 0})

    confirmed = importer.post(url, choices(page))
    assert importer.post(url, choices(page))["Location"] == confirmed["Location"]  # a second click: one job
    assert not AnnualReport.objects.exists()  # queued, not run in the request
    work()
    job = Job.objects.get(kind=JobKind.IMPORT)
    assert (job.state, job.done, job.total) == ("done", 2, 2) and AnnualReport.objects.count() == 2
    result = importer.get(confirmed["Location"]).content.decode()
    assert sorted(re.findall(r'<tr class="action-(\w+)"><td>([^<]+)</td>', result)) == sorted(
        [("created", seed(2).name), ("created", seed(1).name)]
    )
    assert not default_storage.exists(f"staging/{job.token}/0")  # the staged files go once imported


def test_a_running_job_refreshes_without_and_with_script(importer, superuser):
    job = Job.objects.create(user=superuser, kind=JobKind.REVALIDATE, title="重新校验2023年度报告", done=3, total=12,
                             state=JobState.RUNNING)  # fmt: skip
    html = importer.get(job_page(job.pk)).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html and "reports/job.js" in html
    assert 'value="25"' in html and "3 / 12" in html and "可以离开本页" in html
    state = importer.get(job_page(job.pk), headers={"Accept": "application/json"}).json()
    assert state == {"finished": False, "done": 3, "total": 12, "percent": 25}
    assert "http-equiv" in importer.get(reverse("admin:reports_annualreport_jobs")).content.decode()


def test_users_see_only_their_own_jobs(client, superuser, demo):
    reviewer = make_user("zhang", roles.REVIEWER)
    other = make_user("wang", roles.REVIEWER)
    client.force_login(reviewer)
    client.post(reverse("admin:reports_annualreport_revalidate"), {"year": "2023"})
    job = Job.objects.get(user=reviewer)
    assert job.state == "done" and job.result["reports"] == AnnualReport.objects.filter(year=2023).count()
    client.force_login(other)
    assert client.get(job_page(job.pk)).status_code == 404
    assert "重新校验" not in client.get(reverse("admin:reports_annualreport_jobs")).content.decode().split('id="jobs"')[1]
    client.force_login(superuser)
    assert "zhang" in client.get(reverse("admin:reports_annualreport_jobs")).content.decode()


def test_a_failed_job_says_why_in_chinese_and_stores_nothing(importer, superuser, monkeypatch, settings):
    settings.TASKS = DB_QUEUE
    url = upload(importer, (seed(1).name, seed(1).read_bytes()))["Location"]
    work()
    confirmed = importer.post(url, choices(importer.get(url).content.decode()))
    staging.discard(url.rstrip("/").split("/")[-1])  # removed while the import waited in the queue
    work()
    html = importer.get(confirmed["Location"]).content.decode()
    assert "任务失败：上传的文件已过期或不存在，未导入任何报告" in html and not AnnualReport.objects.exists()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    def broken(job):
        raise RuntimeError("disk full")

    monkeypatch.setitem(jobs.BODIES, JobKind.REVALIDATE, broken)
    job = jobs.start(superuser, JobKind.REVALIDATE, "重新校验", year=2023)
    job.refresh_from_db()
    assert job.state == "failed" and job.error == jobs.UNEXPECTED and "disk full" not in job.error


def test_cleanup_removes_old_jobs_files_and_stagings(superuser, settings):
    old = timezone.now() - timedelta(days=settings.JOB_RETENTION_DAYS + 1)
    kept = default_storage.save("jobs/x/新.xlsx", ContentFile(b"new"))
    gone = default_storage.save("jobs/y/旧.xlsx", ContentFile(b"old"))
    Job.objects.create(user=superuser, kind=JobKind.SUMMARY, title="新", state="done", file=kept, finished_at=timezone.now())
    Job.objects.create(user=superuser, kind=JobKind.SUMMARY, title="旧", state="done", file=gone, finished_at=old)
    lost = Job.objects.create(user=superuser, kind=JobKind.IMPORT, title="中断", state="running", created_at=old,
                              started_at=timezone.now() - jobs.STALE - timedelta(minutes=1))  # fmt: skip
    # Queued for days behind a backlog, running for a minute: not interrupted.
    late = Job.objects.create(user=superuser, kind=JobKind.REVALIDATE, title="排队后运行", state="running",
                              created_at=old, started_at=timezone.now() - timedelta(minutes=1))  # fmt: skip
    orphan = Job.objects.create(user=superuser, kind=JobKind.REVALIDATE, title="无人执行", created_at=old)
    token = staging.stage(superuser, [(seed(1).name, seed(1).read_bytes())])
    call_command("cleanup_jobs", stdout=StringIO())
    assert sorted(Job.objects.values_list("title", flat=True)) == sorted(["中断", "排队后运行", "无人执行", "新"])
    lost.refresh_from_db(), late.refresh_from_db(), orphan.refresh_from_db()
    assert lost.state == "failed" and lost.error == jobs.INTERRUPTED
    assert late.state == "running" and not late.error
    assert orphan.state == "failed" and orphan.error == jobs.NEVER_STARTED
    assert default_storage.exists(kept) and not default_storage.exists(gone)
    assert staging.names(superuser, token)  # a day has not passed
    assert staging.expire(timezone.now() + staging.MAX_AGE + timedelta(minutes=1)) == 1
    with pytest.raises(LookupError):
        staging.load(superuser, token)


def test_a_job_failed_as_interrupted_stays_failed_when_its_worker_finishes(superuser, monkeypatch):
    """cleanup() failed the job meanwhile (its worker looked lost): the late finish changes nothing."""

    def slow(job):
        jobs.cleanup(now=timezone.now() + jobs.STALE + timedelta(minutes=1))
        return {"reports": 1}

    monkeypatch.setitem(jobs.BODIES, JobKind.REVALIDATE, slow)
    job = jobs.start(superuser, JobKind.REVALIDATE, "重新校验", year=2023)
    job.refresh_from_db()
    assert job.started_at is not None
    assert job.state == "failed" and job.error == jobs.INTERRUPTED and job.result == {}


def test_the_upload_page_is_unchanged_for_a_bad_file(importer):
    """A file the preview job cannot read is that file's failure, shown on the preview."""
    url = upload(importer, ("坏文件.pdf", b"not a pdf"))["Location"]
    page = importer.get(url).content.decode()
    assert "无法导入" in page and importer.get(UPLOAD).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_revalidating_stores_each_chunk_in_its_own_transaction():
    """A year's re-validation holds no transaction (no SQLite write lock, no hidden progress)
    between its chunks: clerks keep saving, and the job's progress is seen as it goes."""
    list(import_paths([seed(0), seed(1)], OPERATOR))
    between = []
    AnnualReport.objects.refresh_findings(chunk=1, progress=lambda done: between.append(connection.in_atomic_block))
    assert between == [False, False]
