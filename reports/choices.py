"""Choice sets of the records core (the spec's keys as values, official Chinese as labels)."""
from django.db import models

from reports import vocabulary as v


class Severity(models.TextChoices):
    """In order of gravity: errors block, warnings need a reviewer's eye, info is for the record."""

    ERROR = "error", "错误"
    WARNING = "warning", "警告"
    INFO = "info", "提示"

    @property
    def rank(self):
        return list(Severity).index(self)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "审核通过"
    PUBLISHED = "published", "已发布"


# Errors block these states (spec §5: errors block submission and approval); drafts store anything.
GATED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.PUBLISHED)


class FormatVersion(models.TextChoices):
    V2021 = "2021", "2021年格式（国办公开办函〔2021〕30号）"
    V2019 = "2019", "2019年试行格式（国办公开办函〔2019〕60号）"


class ReportScope(models.TextChoices):
    SELF = "self", "本机关"
    REGION_AGGREGATE = "region_aggregate", "本行政区域汇总"


class AgencyKind(models.TextChoices):
    GOVERNMENT = "government", "人民政府"
    DEPARTMENT = "department", "部门"
    OTHER = "other", "其他"


ApplicationRowKey = models.TextChoices(
    "ApplicationRowKey", [(r.key, (r.key, r.label)) for r in v.APPLICATIONS.rows]
)
ReviewGroupKey = models.TextChoices(
    "ReviewGroupKey", [(r.key, (r.key, r.label)) for r in v.REVIEW_LITIGATION.rows]
)
