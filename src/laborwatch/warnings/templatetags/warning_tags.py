"""Template helpers of the warning pages: grade badges and indicator labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from laborwatch.warnings import labels
from laborwatch.warnings.models import Grade, Warning

register = template.Library()


@register.filter
def grade_badge(grade: str) -> SafeString:
    if grade not in Grade.values:
        return format_html('<span class="grade">—</span>')
    return format_html('<span class="grade grade-{}">{}</span>', grade, Grade(grade).label)


@register.filter
def indicator_label(name: str) -> str:
    return labels.indicator_label(name)


@register.filter
def rule_label(rule_id: str) -> str:
    return labels.rule_label(rule_id)


@register.filter
def indicator_value(value: Any, name: str) -> str:
    return labels.format_value(name, value)


@register.simple_tag
def grade_basis(warning: Warning) -> str:
    return labels.grade_basis(warning.grade, warning.score, warning.current_evidence())


@register.simple_tag
def grade_rule_note() -> str:
    return labels.grade_rule_note()


@register.filter
def get_item(row: dict[str, Any], key: str) -> Any:
    return row.get(key)
