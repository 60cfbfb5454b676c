from django.urls import path

from laborwatch.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_new, name="new"),
    path("<str:credit_code>/", views.enterprise_detail, name="detail"),
]
