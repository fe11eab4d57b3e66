from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "政府信息公开工作年度报告"

    def ready(self):
        from reports import accounts  # noqa: F401  (connects the login audit receivers)
        from reports.admin.permissions import name_permissions

        # After django.contrib.auth's own receiver (auth is ready first), which creates them.
        post_migrate.connect(name_permissions, dispatch_uid="reports.name_permissions")
