"""The public-opinion verification list (舆情核实清单): posts, events, their verification loop."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionConfig(AppConfig):
    name = "laborwatch.opinion"
    label = "opinion"
    verbose_name = _("Public opinion")

    def ready(self) -> None:
        from laborwatch.lib.process_cache import forget_on_change
        from laborwatch.opinion import checks  # noqa: F401  (registers the configuration check)
        from laborwatch.opinion.models import ResponsePolicy
        from laborwatch.opinion.policy import policy_changed

        forget_on_change(ResponsePolicy, policy_changed, dispatch_uid="opinion-policy")
