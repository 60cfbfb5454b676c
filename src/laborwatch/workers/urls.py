from django.urls import path

from laborwatch.workers import views

app_name = "workers"
urlpatterns = [
    path("", views.worker_list, name="list"),
    path("new/", views.worker_new, name="new"),
    path("<int:pk>/", views.worker_detail, name="detail"),
    path("<int:pk>/reveal/", views.worker_reveal_view, name="reveal"),
]
