"""登录锁定: django-axes' failed-login records, which the 安全管理员 sees and releases (audited)."""
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from reports.audit import record
from reports.models import AuditAction, LoginLock

from .readonly import ReadOnlyAdmin


@admin.register(LoginLock)
class LoginLockAdmin(ReadOnlyAdmin):
    list_display = ("account", "address", "failures", "last_failure", "state")
    search_fields = ("username", "ip_address")
    actions = ["release"]

    def get_queryset(self, request):
        # A lock is a username and an address; axes keeps a row per browser (user agent) of it.
        pair = AccessAttempt.objects.filter(username=OuterRef("username"), ip_address=OuterRef("ip_address"))
        total = pair.values("username").annotate(total=Sum("failures_since_start")).values("total")
        return super().get_queryset(request).annotate(failures=Coalesce(Subquery(total), "failures_since_start"))

    @admin.display(description="用户名", ordering="username")
    def account(self, lock):
        return lock.username

    @admin.display(description="来源IP", ordering="ip_address")
    def address(self, lock):
        return lock.ip_address

    @admin.display(description="连续失败次数", ordering="failures")
    def failures(self, lock):
        return lock.failures

    @admin.display(description="最近失败时间", ordering="attempt_time")
    def last_failure(self, lock):
        return lock.attempt_time

    @admin.display(description="状态")
    def state(self, lock):
        until = lock.attempt_time + settings.AXES_COOLOFF_TIME
        if until <= timezone.now():
            return "已过期"
        if lock.failures >= settings.AXES_FAILURE_LIMIT:
            return f"已锁定，至 {timezone.localtime(until):%Y-%m-%d %H:%M}"
        return f"未锁定（再失败 {settings.AXES_FAILURE_LIMIT - lock.failures} 次将锁定）"

    @admin.action(description="解除锁定", permissions=["release"])
    def release(self, request, queryset):
        pairs = sorted(set(queryset.values_list("username", "ip_address")), key=str)
        for username, ip in pairs:
            attempts = AccessAttempt.objects.filter(username=username, ip_address=ip)
            failures = sum(attempts.values_list("failures_since_start", flat=True))
            attempts.delete()
            record(AuditAction.UNLOCK, username, detail={"来源IP": ip, "连续失败次数": failures})
        self.message_user(request, f"已解除 {len(pairs)} 个登录锁定。")

    def has_release_permission(self, request):
        return request.user.has_perm("reports.release_loginlock")
