from django.urls import path

from laborwatch.warnings import views

app_name = "warnings"
urlpatterns = [
    path("", views.warning_board_view, name="board"),
    path("<int:pk>/", views.warning_detail, name="detail"),
    path("<int:pk>/acknowledge/", views.warning_acknowledge_view, name="acknowledge"),
    path("<int:pk>/steps/", views.warning_step_view, name="step"),
    path("<int:pk>/work-order/", views.warning_case_view, name="work_order"),
    path("<int:pk>/act/<slug:action>/", views.warning_action, name="action"),
    path(
        "enterprises/<str:credit_code>/", views.enterprise_risk_profile, name="enterprise_profile"
    ),
]
