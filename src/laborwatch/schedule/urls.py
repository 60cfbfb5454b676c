from django.urls import path

from laborwatch.schedule import views

app_name = "schedule"
urlpatterns = [path("", views.run_log, name="runs")]
