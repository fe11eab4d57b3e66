"""Accounts and roles under 三员分立 (等保 2.0).

系统管理员 (auth.add_user, auth.change_user) create accounts and say who they are and where they
work; 安全管理员 (reports.assign_roles, reports.set_password) give other accounts their roles and
permissions and set their passwords. Nobody changes their own roles, nor a superuser's account,
and only a superuser makes one. Whatever a user may not change is read-only on the form, so a
posted value for it is ignored; every change is in the audit log with its old and new values.
"""
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm, UsernameField
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from reports import audit, roles
from reports.models import AuditAction, Profile

User = get_user_model()
IDENTITY = ("username", "first_name", "last_name", "email", "is_active")
ROLE_FIELDS = ("groups", "user_permissions")


def _superuser_account(request, account):
    """Only a superuser opens a superuser's account."""
    return account is not None and account.is_superuser and not request.user.is_superuser


def _may_manage(user, account):
    return account.pk != user.pk and (user.is_superuser or not account.is_superuser)


def may_assign_roles(user, account):
    return user.has_perm("reports.assign_roles") and _may_manage(user, account)


def may_set_password(user, account):
    return user.has_perm("reports.set_password") and _may_manage(user, account)


def _text(field, value):
    """A form value as the audit log keeps it: names rather than ids, lists sorted."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return sorted(str(item) for item in value or ())
    if isinstance(field, forms.ModelChoiceField) and value is not None and not hasattr(value, "pk"):
        value = field.queryset.filter(pk=value).first()
    return value if isinstance(value, bool) or value is None else str(value)


def changes(form, names=None):
    """{label: {"原": old, "新": new}} of the fields the form changed (of `names`, if given)."""
    return {
        str(form.fields[name].label): {
            "原": _text(form.fields[name], form.initial.get(name)),
            "新": _text(form.fields[name], form.cleaned_data.get(name)),
        }
        for name in form.changed_data
        if names is None or name in names
    }


class NewAccountForm(forms.ModelForm):
    """A new account has no usable password until a 安全管理员 sets its first one, so whoever
    creates it never knows a password it could log in with."""

    class Meta:
        model = User
        fields = ("username",)
        field_classes = {"username": UsernameField}

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("已有同名账号（不区分大小写）。")
        return username

    def save(self, commit=True):
        self.instance.set_unusable_password()
        return super().save(commit)


class AccountForm(UserChangeForm):
    def clean_groups(self):
        groups = self.cleaned_data["groups"]
        names = {group.name for group in groups}
        if names & set(roles.ADMIN_ROLES) and len(names) > 1:
            raise ValidationError("三员分立：系统管理员、安全管理员、审计管理员须各用单独的账号，不能兼任其他角色。")
        return groups


class InitialPasswordForm(AdminPasswordChangeForm):
    """A password a 安全管理员 sets, an account's first or a reset, is under the policy and changed
    by its user at the next login. (Django's form may instead disable password login.)"""

    usable_password_help_text = "停用后，该账号不能再用密码登录，原密码随即作废。"

    def save(self, commit=True):
        first = not self.user.has_usable_password()
        user = super().save(commit)
        if user.has_usable_password():
            Profile.objects.update_or_create(user=user, defaults={"must_change_password": True})
            detail = {"类型": "初始密码" if first else "重置密码", "下次登录须修改": True}
        else:
            detail = {"类型": "停用密码登录"}
        audit.record(AuditAction.PASSWORD_RESET, user.get_username(), detail=detail)
        return user


class ProfileInline(admin.StackedInline):
    model = Profile
    fields = ("agency", "region")
    autocomplete_fields = ("agency", "region")
    can_delete = False


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AccountAdmin(UserAdmin):
    form = AccountForm
    add_form = NewAccountForm
    add_form_template = None  # Django's asks for a password, which a new account does not get here
    add_fieldsets = ((None, {"fields": ("username",), "description": "新账号暂无密码，由安全管理员设置初始密码。"}),)
    change_password_form = InitialPasswordForm
    inlines = [ProfileInline]
    list_display = ("username", "first_name", "last_name", "role", "is_active", "last_login")
    list_filter = ("groups", "is_active", "is_superuser")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="角色")
    def role(self, account):
        if account.is_superuser:
            return roles.SUPERUSER
        return "、".join(group.name for group in account.groups.all()) or "—"

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        login = ("username", "password") if may_set_password(request.user, obj) else ("username",)
        return [
            (None, {"fields": login}),
            ("个人信息", {"fields": ("first_name", "last_name", "email")}),
            ("角色与权限", {"fields": ("is_active", "is_staff", "is_superuser") + ROLE_FIELDS}),
            ("重要日期", {"fields": ("last_login", "date_joined")}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # is_staff follows the roles (save_related): who enters the admin is what the role says.
        readonly = ["is_staff", "last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly.append("is_superuser")
        if not request.user.has_perm("auth.change_user"):
            readonly += IDENTITY
        if not may_assign_roles(request.user, obj):
            readonly += ROLE_FIELDS
        return readonly

    def has_view_permission(self, request, obj=None):
        return not _superuser_account(request, obj) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        perms = ("auth.change_user", "reports.assign_roles", "reports.set_password")
        return not _superuser_account(request, obj) and any(request.user.has_perm(perm) for perm in perms)

    def user_change_password(self, request, id, form_url=""):
        account = self.get_object(request, unquote(id))
        if account is not None and not may_set_password(request.user, account):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            audit.record(AuditAction.USER_CHANGE, obj.get_username(), detail={"操作": "新建账号"})

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        account = form.instance
        role_changes = changes(form, ROLE_FIELDS)
        staff = account.is_superuser or account.groups.filter(name__in=roles.STAFF_ROLES).exists()
        if account.is_staff != staff:
            role_changes["进入审核工作台"] = {"原": account.is_staff, "新": staff}
            account.is_staff = staff
            account.save(update_fields=["is_staff"])
        if not change:
            return
        user_changes = changes(form, IDENTITY + ("is_superuser",))
        for formset in formsets:
            for inline_form in formset.forms:
                user_changes.update(changes(inline_form))
        if user_changes:
            audit.record(AuditAction.USER_CHANGE, account.get_username(), detail=user_changes)
        if role_changes:
            audit.record(AuditAction.ROLE_CHANGE, account.get_username(), detail=role_changes)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """The roles are written in reports.roles; a superuser may still adjust one here (audited),
    and nobody changes a role they hold."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and request.user.groups.filter(pk=obj.pk).exists():
            return False
        return super().has_change_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.changed_data:
            audit.record(AuditAction.ROLE_CHANGE, f"角色：{form.instance.name}", detail=changes(form))
