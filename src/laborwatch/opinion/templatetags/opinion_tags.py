"""Template helpers of the verification list: grade badges, platform names, category labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from laborwatch.opinion.models import Grade, Platform
from laborwatch.opinion.statuses import EventStatus

register = template.Library()


@register.filter
def opinion_grade(grade: str) -> SafeString:
    if grade not in Grade.values:
        return format_html('<span class="opinion-grade">—</span>')
    return format_html(
        '<span class="opinion-grade opinion-grade-{}">{}</span>', grade, Grade(grade).label
    )


@register.filter
def platform_label(code: str) -> str:
    return str(Platform(code).label) if code in Platform.values else code


@register.filter
def platform_labels(codes: list[str]) -> str:
    return "、".join(platform_label(code) for code in codes)


@register.filter
def event_status_label(status: str) -> str:
    return str(EventStatus(status).label) if status in EventStatus.values else status


@register.filter
def dict_get(mapping: dict[Any, Any], key: Any) -> Any:
    """`{% with clear=revealed|dict_get:post.pk %}`: a value by key, None when absent."""
    return mapping.get(key)
