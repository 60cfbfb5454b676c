"""Core app: org units, users and roles, audit events, validators, masking."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "laborwatch.core"
    label = "core"
    verbose_name = _("Core")
