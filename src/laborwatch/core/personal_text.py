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

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import models, transaction

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


Saved = TypeVar("Saved", bound=models.Model)


def bulk_create_masked(model: type[Saved], rows: Iterable[Saved]) -> list[Saved]:
    """`bulk_create` (which skips `save`) with the model's personal text masked, the
    originals kept as `save` keeps them."""
    fields: tuple[str, ...] = getattr(model, "personal_text_fields", ())
    pending: list[tuple[Saved, dict[str, str]]] = []
    for row in rows:
        originals: dict[str, str] = {}
        for field in fields:
            masked, original = masked_with_original(getattr(row, field) or "")
            if original is not None:
                setattr(row, field, masked)
                originals[field] = original
        pending.append((row, originals))
    created = model._default_manager.bulk_create([row for row, _ in pending])
    for row, originals in pending:
        if originals:
            keep_originals(row, originals)
    return created


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


# Rows read and masked at a time by `personal_text_mask_existing`.
MASK_CHUNK_ROWS = 500


def masked_text_fields() -> list[tuple[type[models.Model], tuple[str, ...]]]:
    """Every model and its free-text fields that are stored masked: the models with
    `personal_text_fields`, and the audit event's reason (core.audit masks it)."""
    from django.apps import apps

    from laborwatch.core.models import AuditEvent

    found: list[tuple[type[models.Model], tuple[str, ...]]] = [
        (model, model.personal_text_fields)
        for model in apps.get_models()
        if issubclass(model, PersonalTextMixin) and model.personal_text_fields
    ]
    return [*found, (AuditEvent, ("reason",))]


def personal_text_mask_existing(
    *, on_rows: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Mask the personal data in free text stored before masking existed, keeping each
    original encrypted as a new save would. Returns the fields masked, by model.

    Idempotent: a masked text masks to itself, so a second run changes nothing; an original
    already kept is never overwritten by its masked form. `on_rows(model label, rows)` is
    called as rows are read (a progress bar). Rows are updated by primary key with
    `QuerySet.update`, so no other field (an updated-at time) changes.
    """
    changed: dict[str, int] = {}
    for model, fields in masked_text_fields():
        label = model._meta.label_lower
        changed[label] = 0
        last_pk: Any = None
        while True:
            with transaction.atomic():
                rows = model._default_manager.order_by("pk")
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                chunk = list(rows.select_for_update().values_list("pk", *fields)[:MASK_CHUNK_ROWS])
                for pk, *texts in chunk:
                    masked: dict[str, str] = {}
                    originals: dict[str, str] = {}
                    for field, text in zip(fields, texts, strict=True):
                        masked_text, original = masked_with_original(text or "")
                        if original is not None:
                            masked[field], originals[field] = masked_text, original
                    if masked:
                        model._default_manager.filter(pk=pk).update(**masked)
                        _keep_first_originals(label, str(pk), originals)
                        changed[label] += len(masked)
            if not chunk:
                break
            last_pk = chunk[-1][0]
            if on_rows is not None:
                on_rows(label, len(chunk))
    return changed


def _keep_first_originals(target_type: str, target_id: str, originals: dict[str, str]) -> None:
    for field, text in originals.items():
        PersonalTextOriginal.objects.get_or_create(
            target_type=target_type, target_id=target_id, field=field, defaults={"text": text}
        )
