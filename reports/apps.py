from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "政府信息公开工作年度报告"

    def ready(self):
        from reports import accounts  # noqa: F401  (connects the login audit receivers)
