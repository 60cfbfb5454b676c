"""Enterprise early warnings (预警): scores turned into graded, routed, signed-for warnings."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    name = "laborwatch.warnings"
    label = "warnings"
    verbose_name = _("Warnings")

    def ready(self) -> None:
        from laborwatch.warnings import checks  # noqa: F401  (registers the policy check)
