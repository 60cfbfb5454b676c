"""Enterprise registry (市场主体): credit codes, names, district, industry, size."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "laborwatch.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprise registry")
