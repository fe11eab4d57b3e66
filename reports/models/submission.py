"""The review workflow's records: every status change, and the agency's warning explanations."""
from django.conf import settings
from django.db import models
from django.db.models.lookups import IsNull
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


class FindingPlace(models.Model):
    """Where a finding is (the Finding's own fields), and so which finding a record of the agency
    or the reviewer is about: the rule, the cell key or field, and for a finding about a sentence
    the sentence (its paragraph and span) — two W10 sentences of one section are two warnings,
    each explained and acknowledged on its own."""

    code = models.CharField("规则", max_length=8)
    location = models.CharField("位置", max_length=80, blank=True)  # the finding's cell key or field
    paragraph = models.PositiveIntegerField("段落", null=True, blank=True)
    span_start = models.PositiveIntegerField("句首", null=True, blank=True)
    span_end = models.PositiveIntegerField("句末", null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def span(self):
        return None if self.paragraph is None else (self.span_start, self.span_end)


def place_of(finding):
    """The key a finding (the engine's or a stored one), an explanation or an acknowledgement is
    matched by."""
    span = finding.span
    return (finding.code, finding.location or "", finding.paragraph, tuple(span) if span else None)


def place_fields(finding):
    """The FindingPlace fields of a finding (to look up or store its explanation)."""
    span = finding.span or (None, None)
    return {"code": finding.code, "location": finding.location or "", "paragraph": finding.paragraph,
            "span_start": span[0], "span_end": span[1]}  # fmt: skip


def same_place_as_outer():
    """A filter of explanations or acknowledgements to those of the outer query's Finding (a
    subquery): its report, code, location and sentence — NULL being no sentence on both sides."""
    sentence = models.Q(
        paragraph=models.OuterRef("paragraph"),
        span_start=models.OuterRef("span_start"),
        span_end=models.OuterRef("span_end"),
    )
    none = models.Q(IsNull(models.OuterRef("paragraph"), True), paragraph__isnull=True)
    return models.Q(report=models.OuterRef("report"), code=models.OuterRef("code"),
                    location=models.OuterRef("location")) & (sentence | none)  # fmt: skip


def _one_per_place(fields, name):
    """One record per finding: per (…fields) for a cell or field finding, per sentence too for one
    about a sentence (a partial index each, since NULLs never collide in a unique index)."""
    no_sentence = models.Q(paragraph__isnull=True)
    return [
        models.UniqueConstraint(fields=["report", *fields], condition=no_sentence, name=name),
        models.UniqueConstraint(
            fields=["report", *fields, "paragraph", "span_start", "span_end"], condition=~no_sentence,
            name=f"{name}_sentence",
        ),
    ]


class WarningExplanation(FindingPlace):
    """The agency's 上报说明 for one warning, which the reviewer reads before approving."""

    report = models.ForeignKey("AnnualReport", on_delete=models.CASCADE, related_name="explanations")
    text = models.TextField("说明")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "上报说明"
        constraints = _one_per_place(["code", "location"], "one_explanation_per_warning")

    def __str__(self):
        return f"{self.code} {self.text[:30]}"


class Acknowledgement(FindingPlace):
    """A reviewer's 「已核实」 on one warning, with a note. Findings are recomputed on every
    validation; the acknowledgement holds for the finding that has this code, place and
    message — while the rule says the same about the same place — and no longer once it changes."""

    report = models.ForeignKey("AnnualReport", on_delete=models.CASCADE, related_name="acknowledgements")
    message = models.TextField("说明")  # the finding's, as it read when acknowledged
    note = models.TextField("核实意见")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核员", null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "警告核实"
        ordering = ["-created_at", "-id"]
        constraints = _one_per_place(["code", "location", "message"], "one_acknowledgement_per_finding")

    def __str__(self):
        return f"{self.code} {self.note[:30]}"
