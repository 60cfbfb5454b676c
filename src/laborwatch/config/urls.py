"""URL map."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from laborwatch.cases.api.endpoints import api
from laborwatch.core import views as core_views
from laborwatch.dashboard import views as dashboard_views
from laborwatch.opinion.api.endpoints import router as opinion_router

api.add_router("/opinion", opinion_router)

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("audit/", core_views.audit_log, name="audit_log"),
    path("enterprises/", include("laborwatch.enterprises.urls")),
    path("workers/", include("laborwatch.workers.urls")),
    path("cases/", include("laborwatch.cases.urls")),
    path("warnings/", include("laborwatch.warnings.urls")),
    path("reports/", include("laborwatch.reports.urls")),
    path("notifications/", include("laborwatch.notifications.urls")),
    path("runs/", include("laborwatch.schedule.urls")),
    path("opinion/", include("laborwatch.opinion.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "laborwatch.core.errors.permission_denied"
handler404 = "laborwatch.core.errors.page_not_found"
handler500 = "laborwatch.core.errors.server_error"
