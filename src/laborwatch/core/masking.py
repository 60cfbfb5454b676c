"""Masking personal data for screens, exports and logs (370202********1234, 138****5678),
in the structured fields and in free text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from laborwatch.lib.codes import id_number_problem, normalize_code, normalize_phone


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


# Personal data typed into free text (a description, a note, a reply): an 18-character ID
# number whose check character is right (GB 11643), a mainland mobile number (with or without
# +86, spaces or hyphens between its groups) and a landline written with its area code.
_ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{6}[ -]?\d{8}[ -]?\d{3}[0-9Xx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z+])(?:(?:\+|00)?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![0-9A-Za-z])"
)
_LANDLINE_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])0\d{2,3}[ -]\d{7,8}(?![0-9A-Za-z])")


@dataclass(frozen=True)
class PersonalDataSpan:
    kind: str  # "id_number" or "phone"
    start: int
    end: int
    value: str  # normalised: the ID number in capitals, the phone's digits


def find_personal_data(text: str) -> list[PersonalDataSpan]:
    """ID numbers (checked) and phone numbers in free text, in order, not overlapping."""
    spans: list[PersonalDataSpan] = []
    for found in _ID_NUMBER_IN_TEXT.finditer(text):
        value = normalize_code(found.group()).replace("-", "")
        if id_number_problem(value) is None:
            spans.append(PersonalDataSpan("id_number", found.start(), found.end(), value))
    for pattern in (_MOBILE_IN_TEXT, _LANDLINE_IN_TEXT):
        for found in pattern.finditer(text):
            if any(s.start < found.end() and found.start() < s.end for s in spans):
                continue
            value = normalize_phone(found.group())
            if value.startswith("86") and len(value) == 13:
                value = value[2:]
            spans.append(PersonalDataSpan("phone", found.start(), found.end(), value))
    return sorted(spans, key=lambda span: span.start)


def mask_personal_data_in_text(text: str) -> str:
    """The text with every ID number and phone in it masked as the structured fields are."""
    spans = find_personal_data(text)
    if not spans:
        return text
    parts: list[str] = []
    position = 0
    for span in spans:
        parts.append(text[position : span.start])
        mask = mask_id_number if span.kind == "id_number" else mask_phone
        parts.append(mask(span.value))
        position = span.end
    parts.append(text[position:])
    return "".join(parts)
