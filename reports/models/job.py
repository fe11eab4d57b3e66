"""Background jobs (我的任务): work too long for a request, run by a task worker.

The task queue (django-tasks, database backend) only says which job to run; this row is what the
user sees: its progress, its state and its outcome (a file to download, the per-file results, or
why it failed), on a page they can leave and come back to.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone


class JobKind(models.TextChoices):
    IMPORT_PREVIEW = "import_preview", "读取导入文件"
    IMPORT = "import", "导入年报"
    SUMMARY = "summary", "统计汇总工作簿"
    REVALIDATE = "revalidate", "重新校验年度报告"
    APPROVE = "approve", "批量审核通过"
    RETURN = "return", "批量退回修改"


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class Job(models.Model):
    """One background job of one user."""

    kind = models.CharField("任务", max_length=20, choices=JobKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="jobs")
    title = models.CharField("说明", max_length=200)
    state = models.CharField("状态", max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    # The staged upload an import's jobs work on (reports.staging): its preview and its one import.
    token = models.CharField("上传批次", max_length=32, blank=True)
    params = models.JSONField("参数", default=dict)
    result = models.JSONField("结果", default=dict)  # per-file outcomes, counts, skipped reports
    file = models.CharField("结果文件", max_length=255, blank=True)  # a name in default_storage
    filename = models.CharField("下载文件名", max_length=255, blank=True)
    error = models.TextField("失败原因", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now, db_index=True)
    # Set when a worker claims the job: how long it has run, not how long it waited in the queue.
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="job_user_recent")]
        constraints = [
            # One import per staged upload, however many servers receive the confirming clicks.
            models.UniqueConstraint(fields=["kind", "token"], condition=~models.Q(token=""), name="one_job_per_upload")
        ]

    def __str__(self):
        return self.title

    @property
    def finished(self):
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self):
        if self.state == JobState.DONE:
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else 0
