"""The audit log (等保 2.0 安全审计): one row per security-relevant event, never edited or deleted.

Rows are written by reports.audit.record only. The model refuses updates and deletes, the admin
offers neither, and on PostgreSQL a trigger (migration 0008) refuses UPDATE and DELETE on the
table itself, so not even a bug or a shell session can rewrite what happened.
"""
from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKOUT = "lockout", "账号锁定"
    UNLOCK = "unlock", "解除锁定"
    LOGOUT = "logout", "退出"
    PASSWORD_CHANGE = "password_change", "修改密码"
    PASSWORD_RESET = "password_reset", "重置密码"
    USER_CHANGE = "user_change", "账号变更"
    ROLE_CHANGE = "role_change", "角色或权限变更"
    IMPORT = "import", "导入年报"
    EXPORT = "export", "导出"
    REGISTRY_IMPORT = "registry_import", "导入登记表"
    TRANSITION = "transition", "状态流转"
    FIGURES = "figures", "数据变更"
    ACKNOWLEDGE = "acknowledge", "警告核实"
    DELETE = "delete", "删除"
    DENIED = "denied", "越权访问"


class AuditResult(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"


class AppendOnly(Exception):
    """An audit event was about to be changed or removed."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("审计日志不可修改。")

    def delete(self):
        raise AppendOnly("审计日志不可删除。")


class AuditEvent(models.Model):
    """Who, when, from where, what, on what, and with which result. The user is kept by name
    (and id) rather than by foreign key: removing an account must not touch its trail."""

    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    user_id = models.IntegerField("用户ID", null=True, blank=True)
    username = models.CharField("用户", max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField("来源IP", null=True, blank=True)
    action = models.CharField("事件", max_length=20, choices=AuditAction.choices, db_index=True)
    target = models.CharField("对象", max_length=300, blank=True)
    result = models.CharField("结果", max_length=10, choices=AuditResult.choices, default=AuditResult.SUCCESS)
    detail = models.JSONField("详情", default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)  # nobody adds, changes or deletes through the product

    def __str__(self):
        when = timezone.localtime(self.created_at)  # as the list shows it, not in UTC
        return f"{when:%Y-%m-%d %H:%M:%S} {self.username or '—'} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("审计日志不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("审计日志不可删除。")
