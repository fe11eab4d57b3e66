"""Permissions as the admin shows them: named in Chinese, and only those that mean something here.

Django names the permissions it creates for each model in English ("Can add 机关") and never
translates them; the role and account pages, their read-only views and the audit log all show
these names. name_permissions gives them Chinese names once, after Django creates them.
"""
from django import forms
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import DEFAULT_DB_ALIAS, router
from django.db.models import Q
from django.utils import translation

VERBS = {"add": "增加", "change": "修改", "delete": "删除", "view": "查看"}

# What a role may be given: the product's records and the accounts. Django's sessions, content
# types, admin log and django-axes' own tables have no page here, so their permissions grant nothing.
OFFERED = Q(content_type__app_label="reports") | Q(
    content_type__app_label="auth", content_type__model__in=["user", "group"]
)


def offered():
    return Permission.objects.filter(OFFERED)


class PermissionsField(forms.ModelMultipleChoiceField):
    """Permissions offered by their names alone (可以查看机关), which say what they are: Django's
    labels repeat the app's and the model's names before each."""

    def label_from_instance(self, permission):
        return permission.name


def name_permissions(app_config, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate, connected after Django's create_permissions: the app's built-in permissions
    get Chinese names ("可以增加机关"). A name that is no longer Django's English one is left alone."""
    if not router.allow_migrate_model(using, Permission):
        return
    models = {model._meta.model_name: model._meta for model in app_config.get_models()}
    renamed = []
    permissions = Permission.objects.using(using).filter(
        content_type__app_label=app_config.label, name__startswith="Can "
    )
    with translation.override(settings.LANGUAGE_CODE):
        for permission in permissions.select_related("content_type"):
            opts = models.get(permission.content_type.model)
            action = permission.codename.split("_", 1)[0]
            if opts and action in VERBS and permission.name == f"Can {action} {opts.verbose_name_raw}":
                permission.name = f"可以{VERBS[action]}{opts.verbose_name}"
                renamed.append(permission)
    Permission.objects.using(using).bulk_update(renamed, ["name"])
