"""Personal data typed into free text: stored masked, the original kept encrypted.

A model lists its free-text fields in `personal_text_fields` and mixes in `PersonalTextMixin`:
on save, a field holding an ID number (checked) or a phone is stored masked
(core.masking.mask_personal_data_in_text) and the typed text is kept, encrypted, in a
`PersonalTextOriginal` row. Every page, export and report then shows the masked text to
every role; a role that may reveal reads the originals through an audited reveal
(cases.services.reveal). Audit event reasons (notes, reveal reasons) go the same way in
core.audit.record_event.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from laborwatch.core.masking import mask_personal_data_in_text
from laborwatch.core.models import PersonalTextOriginal


def masked_with_original(text: str) -> tuple[str, str | None]:
    """(the text masked, the original) — the original None when nothing was masked."""
    masked = mask_personal_data_in_text(text)
    return masked, (text if masked != text else None)


def keep_originals(target: models.Model, originals: dict[str, str]) -> None:
    """Store the originals of the target's fields (replacing earlier ones of those fields)."""
    for field, text in originals.items():
        PersonalTextOriginal.objects.update_or_create(
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            field=field,
            defaults={"text": text},
        )


def originals_of(target_type: str, target_ids: list[str]) -> dict[tuple[str, str], str]:
    """{(target id, field): original text} for the given rows of one model."""
    rows = PersonalTextOriginal.objects.filter(target_type=target_type, target_id__in=target_ids)
    return {(row.target_id, row.field): row.text for row in rows}


class PersonalTextMixin:
    """Masks the model's `personal_text_fields` on every save and keeps their originals."""

    personal_text_fields: tuple[str, ...] = ()

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        originals: dict[str, str] = {}
        for field in self.personal_text_fields:
            if update_fields is not None and field not in update_fields:
                continue
            masked, original = masked_with_original(getattr(self, field) or "")
            if original is not None:
                setattr(self, field, masked)
                originals[field] = original
        super().save(*args, **kwargs)  # type: ignore[misc]
        if originals:
            keep_originals(self, originals)  # type: ignore[arg-type]
