from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "政府信息公开工作年度报告管理系统"
admin.site.site_title = "年报管理"
admin.site.index_title = "审核工作台"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="reports:list", permanent=False)),
    path("reports/", include("reports.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
