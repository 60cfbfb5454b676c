"""The enterprise registry: one row per market entity, keyed by 统一社会信用代码."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborwatch.core.models import OrgUnit
from laborwatch.core.validators import validate_credit_code


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections (门类)."""

    A = "A", _("Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("Mining")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, heat, gas and water supply")
    E = "E", _("Construction")
    F = "F", _("Wholesale and retail trade")
    G = "G", _("Transport, storage and postal services")
    H = "H", _("Accommodation and catering")
    I = "I", _("Information transmission, software and IT services")  # noqa: E741
    J = "J", _("Finance")
    K = "K", _("Real estate")
    L = "L", _("Leasing and business services")
    M = "M", _("Scientific research and technical services")
    N = "N", _("Water conservancy, environment and public facilities management")
    O = "O", _("Resident services, repair and other services")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Health and social work")
    R = "R", _("Culture, sports and entertainment")
    S = "S", _("Public administration, social security and social organisations")
    T = "T", _("International organisations")


class SizeBand(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class EnterpriseStatus(models.TextChoices):
    EXISTING = "存续", _("Existing")
    OPERATING = "在业", _("Operating")
    REVOKED = "吊销", _("Licence revoked")
    CANCELLED = "注销", _("Deregistered")


class Enterprise(models.Model):
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    former_names = models.JSONField(_("former names"), default=list, blank=True)
    short_names = models.JSONField(_("short names"), default=list, blank=True)
    district = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="enterprises",
        limit_choices_to={"kind": OrgUnit.Kind.DISTRICT},
        verbose_name=_("district"),
    )
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices)
    size_band = models.CharField(_("size"), max_length=10, choices=SizeBand.choices)
    registered_capital = models.BigIntegerField(_("registered capital (yuan)"), default=0)
    status = models.CharField(
        _("status"),
        max_length=4,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.EXISTING,
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    employee_count = models.PositiveIntegerField(_("employees"), default=0)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    # 列入经营异常名录: the day the registry delta listed it abnormal (None: not listed).
    abnormal_since = models.DateField(_("listed abnormal on"), null=True, blank=True)
    # Every name and the code joined, so one indexed-free scan answers "any name or the code".
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["district", "industry"])]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name

    def refresh_search_text(self) -> None:
        self.search_text = build_search_text(
            self.credit_code, self.name, self.former_names, self.short_names
        )


def build_search_text(credit_code: str, name: str, former: list[str], short: list[str]) -> str:
    return "\n".join([credit_code, name, *former, *short])
