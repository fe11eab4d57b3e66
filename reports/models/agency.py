"""Who reports: agencies, placed in the 行政区划 hierarchy that reviewers' offices cover."""
from django.conf import settings
from django.db import models

from reports.choices import AgencyKind


class Region(models.Model):
    """A 行政区划 (province, city, county…). `path` makes a subtree one indexed prefix query."""

    code = models.CharField("行政区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=50)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("区划路径", max_length=200, editable=False, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        prefix = self.parent.path if self.parent_id else "/"
        self.path = f"{prefix}{self.code}/"
        super().save(*args, **kwargs)

    @property
    def depth(self):
        return self.path.count("/") - 2


class Agency(models.Model):
    """A 机关 that publishes one report a year (a 局, a 乡镇 government, a 区 government…)."""

    name = models.CharField("机关名称", max_length=100, unique=True)
    region = models.ForeignKey(
        Region, verbose_name="所属区划", null=True, blank=True, on_delete=models.PROTECT, related_name="agencies"
    )
    kind = models.CharField("机关类型", max_length=20, choices=AgencyKind.choices, default=AgencyKind.DEPARTMENT)

    class Meta:
        verbose_name = verbose_name_plural = "机关"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # 条例 and the spec: a name ending in 人民政府 (including 乡镇) is a 人民政府 report.
        if self.name.endswith("人民政府"):
            self.kind = AgencyKind.GOVERNMENT
        super().save(*args, **kwargs)


class Profile(models.Model):
    """Where a user works: an agency (填报员) or a transparency office's region (审核员, 领导)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    agency = models.ForeignKey(Agency, verbose_name="所属机关", null=True, blank=True, on_delete=models.PROTECT)
    region = models.ForeignKey(
        Region, verbose_name="负责区划", null=True, blank=True, on_delete=models.PROTECT, help_text="留空表示全部区划"
    )

    class Meta:
        verbose_name = verbose_name_plural = "用户归属"

    def __str__(self):
        return str(self.agency or self.region or "全部区划")
