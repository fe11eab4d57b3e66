"""Who reports: agencies, placed in the 行政区划 hierarchy that reviewers' offices cover."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from reports import roles
from reports.choices import AgencyKind


class Region(models.Model):
    """A 行政区划 (province, city, county…). `path` makes a subtree one indexed prefix query."""

    # GB/T 2260 and the statistical division codes: 6 digits down to counties, 9 for 乡镇 and
    # 街道, 12 for villages.
    code = models.CharField(
        "行政区划代码",
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{6}(\d{3}){0,2}$", "行政区划代码应为 6、9 或 12 位数字。")],
    )
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

    def clean(self):
        # What save() refuses, as a message for the admin form and the registry import.
        if self.parent_id and self.path and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": "上级区划不能是本区划或其下级区划。"})

    @transaction.atomic
    def save(self, *args, **kwargs):
        old_path = self.path
        if self.parent_id and old_path and self.parent.path.startswith(old_path):
            raise ValueError("a region cannot be placed under its own subtree")
        prefix = self.parent.path if self.parent_id else "/"
        self.path = f"{prefix}{self.code}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Moving or renumbering a region moves its whole subtree.
            Region.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(Value(self.path), Substr("path", len(old_path) + 1))
            )

    @property
    def depth(self):
        return self.path.count("/") - 2

    @property
    def indented_name(self):
        """The name as a region chooser lists it: the tree shown by indentation."""
        return "　" * self.depth + self.name


def regions_around(chosen=None, within=None):
    """The regions a region chooser lists: the top ones (of the tree, or `within` and its children
    for an office that covers a subtree) and, around `chosen`, its ancestors, its siblings and its
    children, in tree order. A few dozen however large the registry: a province holds thousands
    of 乡镇, and listing them all on every page costs more than the page."""
    shown = models.Q(parent__isnull=True) if within is None else models.Q(pk=within.pk) | models.Q(parent_id=within.pk)
    if chosen is not None:
        ancestors = chosen.path.strip("/").split("/")
        shown |= models.Q(code__in=ancestors) | models.Q(parent_id=chosen.pk) | models.Q(parent_id=chosen.parent_id)
    regions = Region.objects.filter(shown).only("code", "name", "path")
    return regions.filter(path__startswith=within.path) if within is not None else regions


def regions_named(agency_names):
    """{region name: [regions]} for every place the agency names may begin with, in one query."""
    from reports.names import place_names  # reports.names loads the parsers, which load models

    wanted = set().union(*map(place_names, agency_names))
    regions = {}
    for region in Region.objects.filter(name__in=wanted) if wanted else ():
        regions.setdefault(region.name, []).append(region)
    return regions


NOTHING = models.Q(pk__in=[])


def scope_of(user, to_agency=""):
    """The filter of what `user` may see, written once. 填报员 see their agency; 审核员 and 领导
    their office's region subtree (every region when none is set); a superuser everything.
    `to_agency` is the lookup path from the filtered model to Agency ("agency__" for reports)."""
    role = roles.role_of(user)
    if role == roles.SUPERUSER:
        return models.Q()
    profile = Profile.objects.filter(user=user).select_related("region").first() if role else None
    if role == roles.AGENCY_CLERK and profile and profile.agency_id:
        return models.Q(**{f"{to_agency}pk": profile.agency_id})
    if role in (roles.REVIEWER, roles.LEADER):
        if profile and profile.region_id:
            return models.Q(**{f"{to_agency}region__path__startswith": profile.region.path})
        return models.Q()
    return NOTHING


class AgencyRefused(Exception):
    """A report's agency name cannot be resolved for this user; the message says why, in Chinese."""


# Who a command run on the server acts as: the operator, with every agency in reach.
OPERATOR = object()


def office_region(user):
    """The 行政区划 `user`'s office covers, or None for every region: a superuser, a command
    (OPERATOR, or no user), or an account whose profile names no region (as scope_of reads it)."""
    if user is None or user is OPERATOR or roles.role_of(user) == roles.SUPERUSER:
        return None
    return Region.objects.filter(profile__user=user).first()


class AgencyQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_of(user))

    def resolver(self, user):
        """Agency resolution for an import by `user` (or OPERATOR, for a command run on the
        server): the only way imports find, match and create agencies, so that every lookup
        starts from what the user may see."""
        from reports.agency_matching import AgencyResolver  # it reads names (parsers), which load models

        if user is None:
            raise TypeError("an import acts for a user, or for OPERATOR")
        return AgencyResolver(self.all() if user is OPERATOR else self.visible_to(user), user)


class Agency(models.Model):
    """A 机关 that publishes one report a year (a 局, a 乡镇 government, a 区 government…)."""

    name = models.CharField("机关名称", max_length=100, unique=True)
    region = models.ForeignKey(
        Region, verbose_name="所属区划", null=True, blank=True, on_delete=models.PROTECT, related_name="agencies"
    )
    kind = models.CharField("机关类型", max_length=20, choices=AgencyKind.choices, default=AgencyKind.DEPARTMENT)
    # 机构改革: an agency renamed, or merged into another, goes on under a new name; its reports
    # stay its own, and the successor's first year is judged against them (W5, W6, W8).
    predecessor = models.ForeignKey(
        "self",
        verbose_name="前身机关",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successors",
        help_text="机构改革前的机关（更名或合并前）：本机关没有上年报告时，以前身机关的上年报告对照。合并的，选主要承继其职责的机关。",
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "机关"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        # What save() refuses, as a message for the admin form.
        if self.forms_cycle():
            raise ValidationError({"predecessor": "前身机关不能是本机关，也不能是以本机关为前身的机关（会形成循环）。"})

    def forms_cycle(self):
        """Whether following the predecessors from this agency comes back to it."""
        seen, current = {self.pk}, self.predecessor
        while current is not None:
            if current.pk in seen:
                return True
            seen.add(current.pk)
            current = current.predecessor
        return False

    def infer_kind(self):
        """Spec §1: a name ending in 人民政府 (乡镇 included) is a 人民政府. Inferred once, on
        creation, so that an administrator's later choice stands."""
        if self.name.endswith("人民政府"):
            self.kind = AgencyKind.GOVERNMENT

    def infer_region(self, regions=None):
        """The 行政区划 the name states (names.named_region), when none is given: imported and
        newly registered agencies are then in their reviewers' scope at once. Inferred once, on
        creation, as the kind is. `regions`: regions_named() of a batch's names, or looked up."""
        from reports.names import named_region  # see regions_named

        if self.region_id is None:
            self.region = named_region(self.name, regions_named([self.name]) if regions is None else regions)

    def save(self, *args, **kwargs):
        if self.predecessor_id and self.forms_cycle():
            raise ValueError("an agency cannot succeed itself")
        adding = self._state.adding
        if adding:
            self.infer_kind()
            self.infer_region()
        # A new agency has no reports yet; an edit that keeps the name, kind and predecessor changes none.
        stored = None if adding else Agency.objects.filter(pk=self.pk).values("name", "kind", "predecessor_id").first()
        super().save(*args, **kwargs)
        if adding or stored is None or stored["name"] != self.name:
            store_name_endings([self])
        if stored and stored != {"name": self.name, "kind": self.kind, "predecessor_id": self.predecessor_id}:
            self._reports_follow()

    def _reports_follow(self):
        """The reports follow a new kind, name or predecessor, in a few queries however many there
        are: the deadline follows the kind (条例 第五十条), and so do the rules that read the kind,
        name the agency or follow the predecessor (E11, W15, W5)."""
        from reports.models.annual_report import AnnualReport  # annual_report imports this module

        reports = list(self.reports.order_by().only("agency", "year", "created_at", "submitted_at"))
        for report in reports:
            report.agency = self
            report.set_deadline()
        AnnualReport.objects.bulk_update(reports, ["deadline", "overdue_after"])
        self.reports.all().refresh_findings()


class AgencyNameEnding(models.Model):
    """A shorter form of an agency's name (its name without a leading region prefix: 利通区卫生
    健康局 of 吴忠市利通区卫生健康局), so that a report naming it so finds it by an indexed
    equality; `LIKE '%name'` can use no index and reads every agency for each name."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="name_endings")
    ending = models.CharField("名称后段", max_length=100, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "机关名称后段"

    def __str__(self):
        return self.ending


def store_name_endings(agencies):
    """(Re)write the name endings of saved `agencies`; every path that creates agencies in bulk
    calls it after its INSERT, as Agency.save() does."""
    from reports.names import shorter_forms  # see regions_named

    AgencyNameEnding.objects.filter(agency__in=[a.pk for a in agencies]).delete()
    AgencyNameEnding.objects.bulk_create(
        [AgencyNameEnding(agency_id=a.pk, ending=ending) for a in agencies for ending in set(shorter_forms(a.name))],
        batch_size=1000,
    )


class Profile(models.Model):
    """Where a user works: an agency (填报员) or a transparency office's region (审核员, 领导)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    agency = models.ForeignKey(Agency, verbose_name="所属机关", null=True, blank=True, on_delete=models.PROTECT)
    region = models.ForeignKey(
        Region, verbose_name="负责区划", null=True, blank=True, on_delete=models.PROTECT, help_text="留空表示全部区划"
    )
    # 等保: a password an administrator set (an account's first, or a reset) is changed by its
    # user at the next login, before anything else.
    must_change_password = models.BooleanField("下次登录须修改密码", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户归属"
        # 安全管理员's part of the accounts (reports.admin.accounts): roles and passwords.
        permissions = [("assign_roles", "可以分配角色与权限"), ("set_password", "可以设置和重置密码")]

    def __str__(self):
        return str(self.agency or self.region or "全部区划")
