"""Workers as persons (职工): identity and contact data, encrypted at rest, masked on screen."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkersConfig(AppConfig):
    name = "laborwatch.workers"
    label = "workers"
    verbose_name = _("Workers")
