"""The engagement curve of an event as an inline SVG drawn on the server: no script, no chart
library, nothing fetched; the page shows it as it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 36
TICKS = 4


def _number(value: float) -> str:
    if value >= 10_000:
        return _("%(n)s 10k") % {"n": f"{value / 10_000:.1f}".rstrip("0").rstrip(".")}
    return f"{value:,.0f}"


def engagement_svg(points: Sequence[tuple[dt.datetime, float]]) -> SafeString:
    """A line of the event's total engagement over time, with time and value axes; an empty
    string when there is nothing to draw."""
    if not points:
        return mark_safe("")
    start, end = points[0][0], points[-1][0]
    span = max((end - start).total_seconds(), 1.0)
    top = max(value for _, value in points) or 1.0
    inner_width, inner_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(at: dt.datetime) -> float:
        return LEFT + (at - start).total_seconds() / span * inner_width

    def y(value: float) -> float:
        return TOP + inner_height - value / top * inner_height

    # A step line: a count holds until the next report changes it.
    path: list[str] = []
    for index, (at, value) in enumerate(points):
        if index:
            path.append(f"{x(at):.1f},{y(points[index - 1][1]):.1f}")
        path.append(f"{x(at):.1f},{y(value):.1f}")
    if len(points) == 1:
        path.append(f"{LEFT + inner_width:.1f},{y(points[0][1]):.1f}")
    parts = [
        f'<line x1="{LEFT}" y1="{TOP + inner_height}" x2="{LEFT + inner_width}" '
        f'y2="{TOP + inner_height}" class="axis"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + inner_height}" class="axis"/>',
    ]
    for tick in range(TICKS + 1):
        value = top * tick / TICKS
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
            f"{escape(_number(value))}</text>"
        )
        at = start + (end - start) * tick / TICKS
        anchor = "start" if tick == 0 else "end" if tick == TICKS else "middle"
        parts.append(
            f'<text x="{x(at):.1f}" y="{HEIGHT - 12}" text-anchor="{anchor}">'
            f"{escape(timezone.localtime(at).strftime('%m-%d %H:%M'))}</text>"
        )
    parts.append(f'<polyline points="{" ".join(path)}" class="line"/>')
    label = _("Engagement of the event over time")
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        "<title>{}</title>{}</svg>",
        WIDTH,
        HEIGHT,
        label,
        label,
        mark_safe("".join(parts)),  # built above from numbers and escaped labels only
    )
