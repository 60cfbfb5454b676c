"""Masking personal data for screens and exports (370202********1234, 138****5678)."""

from __future__ import annotations

import re

from laborwatch.lib import codes


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


# In free text (a post, a description): an 18-character ID number or an 11-digit mobile
# number, not part of a longer run of digits. A mobile may be written in groups (138 1234
# 5678, 138-1234-5678).
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9])")


def mask_personal_data_in_text(text: str) -> tuple[str, bool]:
    """The text with ID numbers (valid check digit only) and mobile numbers masked, and
    whether anything was masked."""
    found = False

    def id_number(match: re.Match[str]) -> str:
        nonlocal found
        value = match.group(0).upper()
        if codes.id_number_problem(value) is not None:
            return match.group(0)  # 18 digits that are no ID number (an order number …)
        found = True
        return mask_id_number(value)

    def mobile(match: re.Match[str]) -> str:
        nonlocal found
        found = True
        return mask_phone(re.sub(r"[ -]", "", match.group(0)))

    masked = _MOBILE_IN_TEXT.sub(mobile, _ID_IN_TEXT.sub(id_number, text))
    return masked, found
