"""The review workflow's records: every status change, and the agency's warning explanations."""
from django.conf import settings
from django.db import models
from django.utils import timezone

from reports.choices import ReportStatus


class Transition(models.Model):
    """One status change: who, when, from, to, and the comment (required when returning)."""

    # PROTECT: a report that has moved through the workflow (was ever submitted) keeps its history
    # and so cannot be deleted.
    report = models.ForeignKey("AnnualReport", on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField("原状态", max_length=20, choices=ReportStatus.choices)
    to_status = models.CharField("新状态", max_length=20, choices=ReportStatus.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL)
    comment = models.TextField("意见", blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "流转记录"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class WarningExplanation(models.Model):
    """The agency's 上报说明 for one warning, which the reviewer reads before approving."""

    report = models.ForeignKey("AnnualReport", on_delete=models.CASCADE, related_name="explanations")
    code = models.CharField("规则", max_length=8)
    location = models.CharField("位置", max_length=80, blank=True)  # the finding's cell key or field
    text = models.TextField("说明")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "上报说明"
        constraints = [
            models.UniqueConstraint(fields=["report", "code", "location"], name="one_explanation_per_warning")
        ]

    def __str__(self):
        return f"{self.code} {self.text[:30]}"


class Acknowledgement(models.Model):
    """A reviewer's 「已核实」 on one warning, with a note. Findings are recomputed on every
    validation; the acknowledgement holds for the finding that has this code, location and
    message — while the rule says the same about the same place — and no longer once it changes."""

    report = models.ForeignKey("AnnualReport", on_delete=models.CASCADE, related_name="acknowledgements")
    code = models.CharField("规则", max_length=8)
    location = models.CharField("位置", max_length=80, blank=True)  # the finding's cell key or field
    message = models.TextField("说明")  # the finding's, as it read when acknowledged
    note = models.TextField("核实意见")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核员", null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "警告核实"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "code", "location", "message"], name="one_acknowledgement_per_finding")
        ]

    def __str__(self):
        return f"{self.code} {self.note[:30]}"
