"""The monthly report's charts as PNG bytes (matplotlib, Agg, no pyplot state), Chinese labels
set in the packaged Noto Sans CJK SC loaded by file path, never a system font."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.figure import Figure

from laborwatch.reports.monthly.report import MonthlyReport
from laborwatch.reports.render.font import cjk_font_file

DPI = 150
COLOURS = ["#c0392b", "#2e86c1", "#f39c12", "#27ae60", "#8e44ad", "#7f8c8d"]
MAX_BARS = 10


@dataclass(frozen=True)
class Chart:
    title: str
    png: bytes


@cache
def _font_family() -> str:
    path = str(cjk_font_file())
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


@contextmanager
def _style() -> Iterator[None]:
    with mpl.rc_context(
        {
            "font.family": [_font_family()],
            "axes.unicode_minus": False,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.size": 9,
        }
    ):
        yield


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return buffer.getvalue()


def _trend(report: MonthlyReport) -> Chart:
    title = "近13个月诉求量走势"
    figure = Figure(figsize=(7, 2.8))
    axes = figure.subplots()
    labels = [f"{month.year % 100:02d}/{month.month:02d}" for month, _ in report.trend]
    counts = [count for _, count in report.trend]
    bars = axes.bar(labels, counts, color=[COLOURS[1]] * (len(counts) - 1) + [COLOURS[0]])
    axes.bar_label(bars, fontsize=7)
    axes.set_title(title)
    axes.set_ylabel("件", rotation=0, labelpad=10)
    axes.tick_params(axis="x", labelsize=7)
    return Chart(title, _png(figure))


def _mix(report: MonthlyReport) -> Chart:
    title = "诉求类型与受理渠道构成"
    figure = Figure(figsize=(7, 2.8))
    left, right = figure.subplots(1, 2)
    for axes, counts, name in (
        (left, report.request_types, "诉求类型"),
        (right, report.channels, "受理渠道"),
    ):
        axes.pie(
            [c.count for c in counts],
            labels=[f"{c.label} {c.count}" for c in counts],
            colors=COLOURS[: len(counts)],
            autopct="%1.0f%%",
            startangle=90,
            counterclock=False,
            textprops={"fontsize": 8},
        )
        axes.set_title(name)
    return Chart(title, _png(figure))


def _categories(report: MonthlyReport) -> Chart:
    title = "主要诉求类别本月与上月对比"
    rows = report.categories[:MAX_BARS][::-1]
    figure = Figure(figsize=(7, 0.45 * len(rows) + 1.2))
    axes = figure.subplots()
    positions = range(len(rows))
    axes.barh(
        [p + 0.2 for p in positions], [r.count for r in rows], 0.4, label="本月", color=COLOURS[0]
    )
    axes.barh(
        [p - 0.2 for p in positions],
        [r.previous for r in rows],
        0.4,
        label="上月",
        color=COLOURS[1],
    )
    axes.set_yticks(list(positions), [r.label.split(" / ")[-1] for r in rows])
    axes.legend(loc="lower right")
    axes.set_title(title)
    axes.set_xlabel("件")
    return Chart(title, _png(figure))


def _districts(report: MonthlyReport) -> Chart:
    title = "各区（市）诉求量"
    rows = report.districts
    figure = Figure(figsize=(7, 2.8))
    axes = figure.subplots()
    bars = axes.bar([r.label for r in rows], [r.count for r in rows], color=COLOURS[1])
    axes.bar_label(bars, fontsize=7)
    axes.set_title(title)
    axes.set_ylabel("件", rotation=0, labelpad=10)
    axes.tick_params(axis="x", labelsize=8, labelrotation=30)
    return Chart(title, _png(figure))


def monthly_charts(report: MonthlyReport) -> dict[str, Chart]:
    """Charts by section key; none for a month without demands."""
    if not report.total:
        with _style():
            return {"trend": _trend(report)}
    with _style():
        charts = {
            "trend": _trend(report),
            "mix": _mix(report),
            "categories": _categories(report),
        }
        # One district's own report has nothing to compare its districts with.
        if len(report.districts) > 1:
            charts["districts"] = _districts(report)
        return charts
