from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from reports import accounts

admin.site.site_header = "政府信息公开工作年度报告管理系统"
admin.site.site_title = "年报管理"
admin.site.index_title = "审核工作台"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="reports:list", permanent=False)),
    path("reports/", include("reports.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", accounts.PasswordChange.as_view(), name="password_change"),
    # The admin's own 修改密码 link leads to the same page, policy and audit trail.
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change", permanent=False)),
    path("admin/", admin.site.urls),
]
