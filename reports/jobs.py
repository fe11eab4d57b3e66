"""Background jobs: start one, run it in a task worker with progress, keep its outcome.

A page starts a job (`start`) and sends the user to the job's page (我的任务); a worker
(`manage.py db_worker`, any number on any machine sharing the database) runs `run_job`, which
calls the body for the job's kind. A body reports progress with `job.step()`; what it returns is
kept as the job's result, a file it writes is kept in default_storage for download. A body that
raises JobFailed fails with that Chinese reason; anything else fails with a general reason and a
logged traceback. Imports stay atomic per file, so a failed job loses nothing stored.
"""
import logging
import tempfile
import time
from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from reports import staging, workflow
from reports.exporters.summary import write_summary
from reports.importing import import_parsed, preview_shape
from reports.models import Agency, AnnualReport, Job, JobKind, JobState
from reports.parsers import ParseError
from reports.parsers.sandbox import GROUP, parse_each
from reports.selection import ReportSelection

logger = logging.getLogger(__name__)

UNEXPECTED = "任务运行时出现系统错误，已记录在服务器日志中，请联系系统管理员。已保存的内容不受影响。"
INTERRUPTED = "任务运行中断（服务器或任务进程已停止），请重新开始。已保存的内容不受影响。"
NEVER_STARTED = "任务排队过久，一直没有任务进程执行它（任务进程可能未启动），请重新开始。已保存的内容不受影响。"
STALE = timedelta(days=1)  # a job running for this long since its worker claimed it lost that worker
STEP_SECONDS = 0.5  # progress is written at most this often (and at the end)


class JobFailed(Exception):
    """A job that cannot go on, with the reason to show its user (in Chinese)."""


def start(user, kind, title, *, total=0, token="", **params):
    """Create the job and queue it, both or neither; the caller redirects to its page."""
    with transaction.atomic():
        job = Job.objects.create(user=user, kind=kind, title=title[:200], total=total, token=token, params=params)
        run_job.enqueue(job.pk)
    return job


@task()
def run_job(job_id):
    # Claimed by one UPDATE: a task delivered twice runs its job once.
    if not Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(state=JobState.RUNNING, started_at=timezone.now()):
        return
    job = Job.objects.select_related("user").get(pk=job_id)
    job._stepped = 0.0
    try:
        result = BODIES[job.kind](job)
    except JobFailed as exc:
        _finish(job, JobState.FAILED, error=str(exc))
    except Exception:
        logger.exception("后台任务 %s（%s）失败", job.pk, job.kind)
        _finish(job, JobState.FAILED, error=UNEXPECTED)
    else:
        _finish(job, JobState.DONE, result=result or {})


def _finish(job, state, result=None, error=""):
    fields = {"state": state, "error": error, "finished_at": timezone.now(), "done": job.done, "total": job.total}
    if result is not None:
        fields["result"] = result
    if job.file:
        fields.update(file=job.file, filename=job.filename)
    # Only a job still running: one that cleanup() failed as interrupted stays failed.
    Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(**fields)


def step(job, done, total=None):
    """Record progress; written outside any transaction so the user's page sees it at once."""
    job.done = done
    job.total = job.total if total is None else total
    now = time.monotonic()
    if now - getattr(job, "_stepped", 0.0) >= STEP_SECONDS:
        job._stepped = now
        Job.objects.filter(pk=job.pk).update(done=job.done, total=job.total)


def _keep_file(job, out, filename):
    """Keep the open temporary file `out` as the job's download."""
    out.seek(0)
    job.file = default_storage.save(f"jobs/{job.pk}/{filename}", File(out))
    job.filename = filename


# -- the bodies, one per kind ---------------------------------------------------------------------


def _import_preview(job):
    """Parse each staged file once (in the parser sandbox), judge it as the preview shows it, and
    keep both with the files: the preview page and the import read them, never parse again."""
    try:
        files = staging.load(job.user, job.token)
    except LookupError:
        raise JobFailed("上传的文件已过期或不存在，请重新上传。") from None
    results = _parse(files, progress=lambda n: step(job, n, len(files)))
    findings = [preview_shape(result, name, job.user).findings for (name, _), result in zip(files, results)]
    staging.keep_parsed(job.user, job.token, results, findings)
    return {"files": len(files), "failed": sum(isinstance(r, ParseError) for r in results)}


def _parse(files, progress=None):
    """A ReportShape or ParseError per (name, bytes or ParseError) file."""
    results = []
    for first in range(0, len(files), GROUP):  # a sandbox child parses a group, then the next
        results.extend(parse_each(files[first : first + GROUP]))
        if progress:
            progress(len(results))
    return results


def restart(job):
    """Run a finished job again (a preview whose kept results other code wrote, before a deploy)."""
    with transaction.atomic():
        restarted = Job.objects.filter(pk=job.pk, state__in=[JobState.DONE, JobState.FAILED]).update(
            state=JobState.QUEUED, done=0, error="", result={}, started_at=None, finished_at=None
        )
        if restarted:
            run_job.enqueue(job.pk)


def _import(job):
    """Store each file the reviewer chose, each in its own transaction; per-file outcomes."""
    user = job.user
    try:
        files = staging.load(user, job.token)
    except LookupError:
        raise JobFailed("上传的文件已过期或不存在，未导入任何报告，请重新上传。") from None
    kept = staging.parsed(user, job.token)
    # Kept by the code before a deploy (or lost): read again here rather than fail the import.
    shapes = kept[0] if kept else _parse(files)
    choices = job.params["choices"]
    agencies = Agency.objects.in_bulk([c["agency"] for c in choices if c.get("agency")])
    outcomes = []
    for number, choice in enumerate(choices, 1):
        name, data = files[choice["index"]]
        # A new agency (unsaved) is created by the first file naming it, and found by the others.
        agency = agencies.get(choice.get("agency")) or Agency(name=choice["new_name"])
        outcome = import_parsed(shapes[choice["index"]], data, name, user, agency, choice["year"])
        outcomes.append({"name": name, "action": outcome.action, "message": outcome.message,
                         "report": outcome.report and outcome.report.pk})  # fmt: skip
        step(job, number, len(choices))
    staging.discard(job.token)  # the outcomes are the job's result now
    return {"outcomes": outcomes}


def _summary(job):

    """The 统计汇总 workbook of the user's selection, as the download of the job."""
    selection = ReportSelection(QueryDict(job.params["query"]), request=SimpleNamespace(user=job.user))
    if not selection.is_valid():
        raise JobFailed("筛选条件无效，请回到统计汇总页面修改后重新下载。")
    reports = selection.reports()
    step(job, 0, reports.count())
    with tempfile.TemporaryFile() as out:
        count = write_summary(reports, out, selection.agencies(), progress=lambda n: step(job, n))
        _keep_file(job, out, job.params["filename"])
    job.done = count
    return {"reports": count}


def _revalidate(job):
    """Re-run every rule over the year's reports the user may see and store their findings."""
    reports = AnnualReport.objects.visible_to(job.user).filter(year=job.params["year"])
    step(job, 0, reports.count())
    total, with_errors = reports.refresh_findings(progress=lambda n: step(job, n))
    job.done = total
    return {"reports": total, "with_errors": with_errors}


def _move(job):
    """A bulk 审核通过 / 退回修改: each report moved through the workflow, or skipped with why."""
    target, comment = job.params["target"], job.params.get("comment", "")
    reports = AnnualReport.objects.visible_to(job.user).filter(pk__in=job.params["reports"]).select_related("agency")
    moved, skipped = 0, []
    for number, report in enumerate(reports.order_by("pk"), 1):
        try:
            workflow.move(report, target, job.user, comment)
            moved += 1
        except workflow.TransitionRefused as exc:
            skipped.append({"report": str(report), "reason": str(exc)})
        step(job, number, len(job.params["reports"]))
    return {"moved": moved, "skipped": skipped, "label": workflow.ACTION_LABELS[target]}


BODIES = {
    JobKind.IMPORT_PREVIEW: _import_preview,
    JobKind.IMPORT: _import,
    JobKind.SUMMARY: _summary,
    JobKind.REVALIDATE: _revalidate,
    JobKind.APPROVE: _move,
    JobKind.RETURN: _move,
}


def cleanup(now=None):
    """Fail jobs whose worker was stopped under them and jobs queued for longer than
    JOB_RETENTION_DAYS that no worker picked up; remove finished jobs older than that with their
    files, the task queue's finished rows of the same age, and expired staged uploads; returns
    what was removed."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.JOB_RETENTION_DAYS)
    Job.objects.filter(state=JobState.RUNNING, started_at__lt=now - STALE).update(
        state=JobState.FAILED, error=INTERRUPTED, finished_at=now
    )
    Job.objects.filter(state=JobState.QUEUED, created_at__lt=cutoff).update(
        state=JobState.FAILED, error=NEVER_STARTED, finished_at=now
    )
    old = Job.objects.filter(state__in=[JobState.DONE, JobState.FAILED], finished_at__lt=cutoff)
    files = 0
    for job in old.exclude(file=""):
        default_storage.delete(job.file)
        files += 1
    for job in old.exclude(token=""):
        staging.discard(job.token)
    jobs, _ = old.delete()
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return {"jobs": jobs, "files": files, "stagings": staging.expire(now), "tasks": tasks}
