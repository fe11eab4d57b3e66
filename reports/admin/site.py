"""The admin site as reviewers and administrators meet it (the header is set in govinfo/urls.py).

- No 查看站点: the agency site is the clerks' (我的年报); staff work here.
- A 填报员 who logs in here is told where to log in, not that the password is wrong.
"""
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.safestring import SafeData, mark_safe


class AdminLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "not_staff": "账号「%(username)s」不能进入审核工作台。机关填报员请在填报站点登录（见下方链接）。",
    }

    def confirm_login_allowed(self, user):
        # The password was right: saying so tells nothing the site's own login page would not.
        if user.is_active and not user.is_staff:
            params = {"username": user.get_username()}
            raise ValidationError(self.error_messages["not_staff"], code="not_staff", params=params)
        super().confirm_login_allowed(user)


admin.site.login_form = AdminLoginForm
admin.site.site_url = None


class ChineseDeletion:
    """Delete confirmations list each object as 「机关：名称」: Django writes its label with a
    half-width colon in code (admin.utils.get_deleted_objects), where no translation reaches."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return _full_width(deleted), counts, perms_needed, _full_width(protected)


def _full_width(items):
    if isinstance(items, list):
        return [_full_width(item) for item in items]
    label = items.replace(": ", "：", 1)  # the first is the label's: a model's name holds no colon
    return mark_safe(label) if isinstance(items, SafeData) else label
