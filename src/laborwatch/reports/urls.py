from django.urls import path

from laborwatch.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("issue/", views.report_issue_view, name="issue"),
    path("preview/", views.report_preview, name="preview"),
    path("<int:pk>/", views.report_open, name="open"),
    path("<int:pk>/<str:file_format>/", views.report_download, name="download"),
]
