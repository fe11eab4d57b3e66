"""Accounts under 等保 2.0: the password policy, the change of a password someone else set, the
password page, the lockout page, and the audit trail of logins and logouts.

The receivers below are connected when this module is imported, which reports.apps does once the
models are ready.
"""
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from reports.audit import client_ip, record
from reports.models import AuditAction, AuditResult, LoginLock, Profile

CHARACTER_CLASSES = [re.compile(pattern) for pattern in ("[A-Z]", "[a-z]", "[0-9]", "[^A-Za-z0-9]")]


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, saying it in Chinese (its zh-hans catalogue lacks this message)."""

    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"


class CharacterClassesValidator:
    """At least three of the four character classes: uppercase, lowercase, digits, symbols."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if sum(bool(pattern.search(password)) for pattern in CHARACTER_CLASSES) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return "密码须至少包含大写字母、小写字母、数字、符号中的三类。"


def must_change_password(user):
    return Profile.objects.filter(user=user, must_change_password=True).exists()


class PasswordChangeRequired:
    """A user whose password an administrator set (an account's first, a reset, a demo account's)
    changes it before anything else: every page but the password page and logout leads there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _exempt(request.path) and request.user.is_authenticated and must_change_password(request.user):
            return redirect(f"{reverse('password_change')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def _exempt(path):
    return path.startswith(settings.STATIC_URL) or path in (
        reverse("password_change"),
        reverse("logout"),
        reverse("admin:logout"),
    )


class PasswordForm(PasswordChangeForm):
    """The policy, and a new password unlike the old: a forced change must change something."""

    def clean(self):
        cleaned = super().clean()
        old, new = cleaned.get("old_password"), cleaned.get("new_password1")
        if old and new and old == new:
            self.add_error("new_password1", "新密码不能与原密码相同。")
        return cleaned


class PasswordChange(auth_views.PasswordChangeView):
    """修改密码, for every account: the site header's link and the admin's lead here."""

    form_class = PasswordForm
    template_name = "registration/password_change_form.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "forced": must_change_password(self.request.user),
            "next": self._next(),
        }

    def form_valid(self, form):
        forced = Profile.objects.filter(user=self.request.user, must_change_password=True).update(
            must_change_password=False
        )
        response = super().form_valid(form)
        record(AuditAction.PASSWORD_CHANGE, self.request.user.get_username(), detail={"首次登录强制修改": bool(forced)})
        messages.success(self.request, "密码已修改。")
        return response

    def get_success_url(self):
        return self._next() or reverse("admin:index" if self.request.user.is_staff else "reports:list")

    def _next(self):
        target = self.request.POST.get("next") or self.request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(target, {self.request.get_host()}, self.request.is_secure())
        return target if safe else ""


def locked_out(request, response=None, credentials=None):
    """The login page, saying that the account is locked from this address and until when
    (AXES_LOCKOUT_CALLABLE). The lock counts from the last failure that led to it."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    attempts = LoginLock.objects.filter(username=username, ip_address=client_ip(request))
    last = attempts.aggregate(last=Max("attempt_time"))["last"]
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "locked_until": last + settings.AXES_COOLOFF_TIME if last else None,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "next": request.POST.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=429)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(AuditAction.LOGIN, user.get_username(), user=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditAction.LOGOUT, user.get_username(), user=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    """Runs after django-axes' receiver (axes comes first in INSTALLED_APPS), which has counted the
    failure when the pair was not locked yet (axes_failures_since_start) and set axes_locked_out
    when it is locked now, by this failure or since an earlier one."""
    username = str(credentials.get("username") or "")
    locked = getattr(request, "axes_locked_out", False)
    counted = getattr(request, "axes_failures_since_start", None)
    reason = "账号已锁定" if locked and counted is None else "用户名或密码不正确"
    failure = {"username": username, "result": AuditResult.FAILURE, "request": request}
    record(AuditAction.LOGIN_FAILED, username, detail={"原因": reason}, **failure)
    if locked and counted is not None:
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        record(AuditAction.LOCKOUT, username, detail={"连续失败次数": counted, "锁定分钟数": minutes}, **failure)
