from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "政府信息公开工作年度报告管理系统"
admin.site.site_title = "年报管理"
admin.site.index_title = "审核工作台"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]
