"""Masking personal data for screens and exports (370202********1234, 138****5678)."""

from __future__ import annotations


def mask_id_number(value: str) -> str:
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张三丰 → 张**: used where even the name is more than a viewer needs."""
    return value[:1] + "*" * (len(value) - 1) if value else value
