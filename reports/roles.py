"""The roles of the product as Django groups, each with its permissions, written once."""
from django.contrib.auth.models import Group, Permission

REPORT_MODELS = (
    "annualreport",
    "activedisclosure",
    "applicationrow",
    "reviewlitigationrow",
    "problem",
    "improvement",
    "finding",
    "reportrevision",
)
REGISTRY_MODELS = ("agency", "region")


def _perms(actions, models):
    return [f"{action}_{model}" for action in actions for model in models]


AGENCY_CLERK = "填报员"
REVIEWER = "审核员"
LEADER = "领导"
SYSTEM_ADMIN = "系统管理员"
SECURITY_ADMIN = "安全管理员"
AUDIT_ADMIN = "审计管理员"

ROLES = {
    # An agency works on the agency site only (reports/views.py decides what it may do there);
    # admin permissions would let a clerk made staff bypass the workflow.
    AGENCY_CLERK: [],
    # A 政务公开办 reviewer reads everything in its region; it does not change an agency's figures.
    REVIEWER: _perms(("view",), REPORT_MODELS + REGISTRY_MODELS) + ["import_reports"],
    LEADER: _perms(("view",), REPORT_MODELS + REGISTRY_MODELS),
    # 三员分立 (等保 2.0): three administrators, none of whom reads a report's figures.
    # 系统管理员: accounts (names, active, where they work) and the registry; no roles, no passwords.
    SYSTEM_ADMIN: _perms(("view", "add", "change", "delete"), REGISTRY_MODELS + ("profile",))
    + _perms(("view", "add", "change"), ("user",)),
    # 安全管理员: other accounts' roles and permissions, their passwords, and login locks.
    SECURITY_ADMIN: ["view_user", "view_group", "assign_roles", "set_password", "view_loginlock", "release_loginlock"],
    # 审计管理员: reads the audit log.
    AUDIT_ADMIN: ["view_auditevent"],
}
ADMIN_ROLES = (SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN)
STAFF_ROLES = (REVIEWER, LEADER) + ADMIN_ROLES
SUPERUSER = "超级管理员"


def role_of(user):
    """The user's role name (a superuser is 超级管理员), or None for a user without one."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return SUPERUSER
    if not hasattr(user, "_role"):
        names = set(user.groups.values_list("name", flat=True))
        user._role = next((role for role in ROLES if role in names), None)
    return user._role


def ensure_groups():
    """Create or update every role's group with exactly its permissions."""
    groups = {}
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(codename__in=codenames)
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise LookupError(f"unknown permissions for {name}: {sorted(missing)}")
        group.permissions.set(perms)
        groups[name] = group
    return groups
