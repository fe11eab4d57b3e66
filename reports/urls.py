from django.urls import path, re_path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.my_reports, name="list"),
    path("new/", views.start_report, name="start"),
    path("<int:pk>/", views.edit_report, name="edit"),
    path("<int:pk>/submit/", views.submit_report, name="submit"),
    path("<int:pk>/print/", views.print_report, name="print"),
    path("<int:pk>/compare/", views.compare_report, name="compare"),
    re_path(r"^(?P<pk>[0-9]+)/download/(?P<kind>xlsx|docx|template)/$", views.download_report, name="download"),
    path("template/", views.blank_template, name="template"),
]
