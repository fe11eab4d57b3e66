"""Accounts and roles under 三员分立 (等保 2.0).

系统管理员 (auth.add_user, auth.change_user) create accounts and say who they are and where they
work; 安全管理员 (reports.assign_roles, reports.set_password) give other accounts their roles and
permissions and set their passwords. Nobody changes their own roles, nor a superuser's account,
and only a superuser makes one. Whatever a user may not change is read-only on the form, so a
posted value for it is ignored; every change is in the audit log with its old and new values.

A new clerk takes two pages, one per administrator: the 系统管理员's add page holds the account,
its names and where it works (机关 or 区划); the 安全管理员's page of an account without a password
gives it its role and its first password at once. The account list shows each account's role and
where it works, and filters the accounts that wait for a role or a password.
"""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetPasswordMixin, UserChangeForm, UsernameField
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect

from reports import audit, roles
from reports.models import AuditAction, Profile

from . import permissions
from .search import AgencyNameSearch
from .site import ChineseDeletion

User = get_user_model()
IDENTITY = ("username", "first_name", "last_name", "email", "is_active")
ROLE_FIELDS = ("groups", "user_permissions")
# Django shows a yes/no field it may not edit as an icon whose alt text is "True"/"False";
# these read 是/否 instead, in the list and wherever the field is read-only.
YES_NO = {"is_active": "active", "is_staff": "staff", "is_superuser": "superuser"}


def yes_no(field):
    label = User._meta.get_field(field).verbose_name

    @admin.display(description=label, ordering=field)
    def shown(self, account):
        return "是" if getattr(account, field) else "否"

    return shown


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


def record_password(user, first):
    """After a 安全管理员 set `user`'s password (its first, or a reset): its user changes it at the
    next login, and the audit log says so."""
    Profile.objects.update_or_create(user=user, defaults={"must_change_password": True})
    detail = {"类型": "初始密码" if first else "重置密码", "下次登录须修改": True}
    audit.record(AuditAction.PASSWORD_RESET, user.get_username(), detail=detail)


class NewAccountForm(forms.ModelForm):
    """A new account has no usable password until a 安全管理员 sets its first one, so whoever
    creates it never knows a password it could log in with."""

    class Meta:
        model = User
        fields = ("username", "last_name", "first_name", "email")
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


class FirstPasswordForm(SetPasswordMixin, AccountForm):
    """The 安全管理员's page of an account without a password: its role and its first password in
    one go. Left blank, the password waits; set, it is under the policy and changed at the next login."""

    password1, password2 = SetPasswordMixin.create_password_fields(label1="初始密码", label2="确认初始密码")
    password1.required = password2.required = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") or cleaned.get("password2"):
            if not cleaned.get("password2"):
                self.add_error("password2", "请再输入一次初始密码。")
            self.validate_passwords()
            self.validate_password_for_user(self.instance)
        return cleaned

    def save(self, commit=True):
        self.first_password = bool(self.cleaned_data.get("password1"))
        if self.first_password:
            self.instance.set_password(self.cleaned_data["password1"])
        return super().save(commit)


class InitialPasswordForm(AdminPasswordChangeForm):
    """A password a 安全管理员 sets, an account's first or a reset, is under the policy and changed
    by its user at the next login. (Django's form may instead disable password login.)"""

    usable_password_help_text = "停用后，该账号不能再用密码登录，原密码随即作废。"

    def save(self, commit=True):
        first = not self.user.has_usable_password()
        user = super().save(commit)
        if user.has_usable_password():
            record_password(user, first)
        else:
            audit.record(AuditAction.PASSWORD_RESET, user.get_username(), detail={"类型": "停用密码登录"})
        return user


class ProfileInline(admin.TabularInline):
    model = Profile
    fields = ("agency", "region")
    autocomplete_fields = ("agency", "region")
    can_delete = False


class RoleFilter(admin.RelatedFieldListFilter):
    include_empty_choice = False  # an account without a role: AwaitingFilter's 未分配角色


class AwaitingFilter(admin.SimpleListFilter):
    """The accounts a 安全管理员 still has to finish."""

    title = "待办"
    parameter_name = "awaiting"

    def lookups(self, request, model_admin):
        return [("role", "未分配角色"), ("password", "未设置密码")]

    def queryset(self, request, queryset):
        if self.value() == "role":
            return queryset.filter(groups__isnull=True, is_superuser=False)
        if self.value() == "password":
            return queryset.filter(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        return queryset


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AccountAdmin(ChineseDeletion, AgencyNameSearch, UserAdmin):
    form = AccountForm
    add_form = NewAccountForm
    add_form_template = None  # Django's asks for a password, which a new account does not get here
    add_fieldsets = (
        (None, {"fields": ("username",), "description": (
            "新账号暂无密码：保存后，由安全管理员分配角色并设置初始密码。"
            "用户归属：填报员填所属机关，审核员和领导填负责区划（留空表示全部区划），三类管理员不填。"
        )}),
        ("个人信息", {"fields": ("last_name", "first_name", "email")}),
    )  # fmt: skip
    change_password_form = InitialPasswordForm
    inlines = [ProfileInline]
    list_display = ("username", "last_name", "first_name", "role", "workplace", "active", "last_login")
    list_filter = (AwaitingFilter, ("groups", RoleFilter), "is_active", "is_superuser")
    search_fields = UserAdmin.search_fields + ("profile__agency__name", "profile__region__name")
    search_help_text = "按用户名、姓名、电子邮件、所属机关或负责区划搜索"

    active, staff, superuser = (yes_no(field) for field in YES_NO)

    def get_queryset(self, request):
        accounts = super().get_queryset(request).select_related("profile__agency", "profile__region")
        return accounts.prefetch_related("groups")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "user_permissions":
            kwargs.update(queryset=permissions.offered(), form_class=permissions.PermissionsField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="角色")
    def role(self, account):
        if account.is_superuser:
            return roles.SUPERUSER
        return "、".join(group.name for group in account.groups.all()) or "未分配"

    @admin.display(description="所属机关／负责区划")
    def workplace(self, account):
        profile = getattr(account, "profile", None)  # an account may have none
        names = {group.name for group in account.groups.all()}
        if names & {roles.REVIEWER, roles.LEADER}:
            return str(profile.region) if profile and profile.region else "全部区划"
        if profile and (profile.agency or profile.region):
            return str(profile.agency or profile.region)
        return "未填写" if roles.AGENCY_CLERK in names else "—"

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        first_password = self._first_password(request, obj)
        # The password's own page (reset, disable) once it has one; before, the 初始密码 fields below.
        password = may_set_password(request.user, obj) and not first_password
        login = ("username", "password") if password else ("username",)
        # Whoever does not see the 用户归属 inline (the 安全管理员) still sees where the account works.
        where = () if request.user.has_perm("reports.view_profile") else ("workplace",)
        fieldsets = [
            (None, {"fields": login}),
            ("个人信息", {"fields": ("last_name", "first_name", "email")}),
            ("角色与权限", {"fields": ("is_active", "is_staff", "is_superuser", *where) + ROLE_FIELDS}),
            ("重要日期", {"fields": ("last_login", "date_joined")}),
        ]
        readonly = self.get_readonly_fields(request, obj)
        for _, options in fieldsets:
            options["fields"] = tuple(YES_NO[f] if f in YES_NO and f in readonly else f for f in options["fields"])
        if first_password:
            description = "该账号尚无密码。可与角色一起设置初始密码，账号下次登录时须修改；留空则暂不设置。"
            fieldsets.insert(3, ("初始密码", {"fields": ("password1", "password2"), "description": description}))
        return fieldsets

    def _first_password(self, request, account):
        return not account.has_usable_password() and may_set_password(request.user, account)

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and self._first_password(request, obj):
            kwargs["form"] = FirstPasswordForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # is_staff follows the roles (save_related): who enters the admin is what the role says.
        readonly = ["is_staff", "last_login", "date_joined", "workplace"]
        if not request.user.is_superuser:
            readonly.append("is_superuser")
        if not request.user.has_perm("auth.change_user"):
            readonly += IDENTITY
        if not may_assign_roles(request.user, obj):
            readonly += ROLE_FIELDS
        return readonly + [YES_NO[field] for field in YES_NO if field in readonly]

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

    def response_add(self, request, obj, post_url_continue=None):
        # Django's user admin goes on to the change page; here the one page is done, and the list
        # shows the new account waiting for its role and password.
        if not {"_continue", "_addanother", IS_POPUP_VAR} & set(request.POST):
            messages.success(request, f"已新建账号「{obj}」。请安全管理员在账号列表中打开它，分配角色并设置初始密码。")
            return redirect("admin:auth_user_changelist")
        return super().response_add(request, obj, post_url_continue)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        account = form.instance
        role_changes = changes(form, ROLE_FIELDS)
        staff = account.is_superuser or account.groups.filter(name__in=roles.STAFF_ROLES).exists()
        if account.is_staff != staff:
            role_changes["进入审核工作台"] = {"原": account.is_staff, "新": staff}
            account.is_staff = staff
            account.save(update_fields=["is_staff"])
        where = {}
        for formset in formsets:
            for inline_form in formset.forms:
                where.update(changes(inline_form))
        if not change:
            audit.record(AuditAction.USER_CHANGE, account.get_username(), detail={"操作": "新建账号", **where})
            return
        user_changes = {**changes(form, IDENTITY + ("is_superuser",)), **where}
        if user_changes:
            audit.record(AuditAction.USER_CHANGE, account.get_username(), detail=user_changes)
        if role_changes:
            audit.record(AuditAction.ROLE_CHANGE, account.get_username(), detail=role_changes)
        if getattr(form, "first_password", False):
            record_password(account, first=True)


@admin.register(Group)
class RoleAdmin(ChineseDeletion, GroupAdmin):
    """The roles are written in reports.roles; a superuser may still adjust one here (audited),
    and nobody changes a role they hold. Nobody deletes one: every account holding it would lose
    it, and setup would bring it back without them."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and request.user.groups.filter(pk=obj.pk).exists():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.name not in roles.ROLES) and super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "permissions":
            kwargs.update(queryset=permissions.offered(), form_class=permissions.PermissionsField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.changed_data:
            audit.record(AuditAction.ROLE_CHANGE, f"角色：{form.instance.name}", detail=changes(form))
