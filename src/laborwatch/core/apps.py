"""Core app: org units, users and roles, audit events, validators, masking."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "laborwatch.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # A change to the overrides must reach the per-process calendar the deadlines are
        # counted on.
        from laborwatch.core.calendar import overrides_changed
        from laborwatch.core.models import CalendarOverride
        from laborwatch.lib.process_cache import forget_on_change

        forget_on_change(CalendarOverride, overrides_changed, dispatch_uid="calendar")
        # django-axes tells of a lock only through its signal; the audit log must have it.
        from axes.signals import user_locked_out

        from laborwatch.core.views import login_locked_out_audited

        user_locked_out.connect(login_locked_out_audited, dispatch_uid="audit-login-lock")
