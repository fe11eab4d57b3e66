"""Login locks (django-axes' failed-attempt records) as the 安全管理员 sees and releases them."""
from axes.models import AccessAttempt


class LoginLock(AccessAttempt):
    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "登录锁定"
        ordering = ["-attempt_time"]
        default_permissions = ("view",)
        permissions = [("release_loginlock", "可以解除登录锁定")]
