"""Django validators for 统一社会信用代码, 公民身份号码 and phones, with reasons in Chinese."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.lib import codes
from laborwatch.lib.control_characters import code_point, first_control_character


def validate_credit_code(value: str) -> None:
    problem = codes.credit_code_problem(value)
    if problem is None:
        return
    if problem == "length":
        message = _("Unified social credit code must be 18 characters, got %(n)d.") % {
            "n": len(value)
        }
    elif problem == "charset":
        message = _(
            "Unified social credit code may only use digits and capital letters other than "
            "I, O, S, V, Z."
        )
    elif problem == "authority":
        message = _(
            "Unified social credit code starts with an unknown registration authority '%(c)s'."
        ) % {"c": value[:1]}
    elif problem == "division":
        message = _("Characters 3-8 of the unified social credit code must be a division code.")
    else:
        message = _(
            "Unified social credit code check character is wrong: expected %(expected)s, got "
            "%(got)s."
        ) % {"expected": codes.credit_code_check_char(value[:17]), "got": value[17:]}
    raise ValidationError(message, code=f"credit_code_{problem}")


def validate_id_number(value: str) -> None:
    problem = codes.id_number_problem(value, today=timezone.localdate())
    if problem is None:
        return
    if problem == "length":
        message = _("ID number must be 18 characters, got %(n)d.") % {"n": len(value)}
    elif problem == "charset":
        message = _("ID number must be 17 digits followed by a digit or X.")
    elif problem == "region":
        message = _("ID number starts with an unknown region code %(c)s.") % {"c": value[:2]}
    elif problem == "birth_date":
        message = _("ID number contains an impossible birth date %(d)s.") % {"d": value[6:14]}
    else:
        message = _("ID number check digit is wrong: expected %(expected)s, got %(got)s.") % {
            "expected": codes.id_number_check_char(value[:17]),
            "got": value[17:],
        }
    raise ValidationError(message, code=f"id_number_{problem}")


def validate_phone(value: str) -> None:
    if codes.phone_problem(value) is not None:
        raise ValidationError(
            _(
                "Phone number must be an 11-digit mobile number starting with 13-19, or a "
                "landline with area code such as 0532-88886666."
            ),
            code="phone_format",
        )


def _refuse_control_characters(value: str, *, multiline: bool) -> None:
    found = first_control_character(value, multiline=multiline)
    if found is None:
        return
    position, character = found
    raise ValidationError(
        _(
            "Contains a control character (%(code)s at character %(position)d); remove it and "
            "try again."
        )
        % {"code": code_point(character), "position": position},
        code="control_character",
    )


def validate_single_line(value: str) -> None:
    """Names, codes, numbers: no control character at all."""
    _refuse_control_characters(value, multiline=False)


def validate_multiline(value: str) -> None:
    """Descriptions, notes, replies: tab and line breaks allowed, other control characters not."""
    _refuse_control_characters(value, multiline=True)
