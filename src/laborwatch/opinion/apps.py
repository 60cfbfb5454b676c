"""The public-opinion verification list (舆情核实清单): posts, events, their verification loop."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class OpinionConfig(AppConfig):
    name = "laborwatch.opinion"
    label = "opinion"
    verbose_name = _("Public opinion")

    def ready(self) -> None:
        from laborwatch.opinion import checks  # noqa: F401  (registers the configuration check)
        from laborwatch.opinion.models import ResponsePolicy
        from laborwatch.opinion.policy import policy_changed

        # Cache upkeep, not domain flow: the admin edits the policies directly.
        post_save.connect(policy_changed, sender=ResponsePolicy, dispatch_uid="opinion-policy-save")
        post_delete.connect(
            policy_changed, sender=ResponsePolicy, dispatch_uid="opinion-policy-delete"
        )
