"""A worker known to the union: a caller, a claimant, a member of a group case."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborwatch.core.crypto import EncryptedTextField
from laborwatch.core.masking import mask_id_number, mask_phone
from laborwatch.core.models import district_key
from laborwatch.enterprises.models import Enterprise


class Worker(models.Model):
    name = models.CharField(_("name"), max_length=60, db_index=True)
    # Clear values never reach the database: ciphertext plus a keyed digest for lookups.
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_digest = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    employer = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workers",
        verbose_name=_("employer"),
    )
    district = district_key("workers")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)
