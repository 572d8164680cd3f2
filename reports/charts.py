"""Charts drawn on the server as SVG: completion % per unit (bars) and a trend over sessions.

Pure functions: data in, markup out. Every label is XML-escaped here, so the markup can be put
into a page as is. Each chart carries a <title> and <desc> for screen readers and comes with the
rows of a text alternative table the page shows beside it. The geometry (`bar_layout`,
`trend_layout`) is shared with the PDF export, which draws the same chart with ReportLab.

The viewBox is 400 units wide and the SVG scales to the width of its container, so on a 360 px
phone a 13-unit label is still about 12 px tall; bars run horizontally so long unit names fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .data import TrendPoint, UnitRow

WIDTH = 400
LABEL_WIDTH = 150
BAR_X = 156
BAR_MAX = 190  # 100 % is this long; the value is written after the bar
ROW_HEIGHT = 26
BAR_HEIGHT = 16
TOP = 22  # room for the 0/50/100 scale
LABEL_CHARS = 22

TREND_HEIGHT = 190
PLOT_LEFT = 40
PLOT_RIGHT = 388
PLOT_TOP = 14
PLOT_BOTTOM = 150

COLOUR_BAR = "#5b3a1a"
COLOUR_BOTTOM = "#b3261e"
COLOUR_GRID = "#dadce0"
COLOUR_TEXT = "#1d1d1f"
COLOUR_MUTED = "#5f6368"


@dataclass(frozen=True)
class Bar:
    label: str  # shortened to fit
    full_label: str
    value: Decimal | None
    flagged: bool
    y: float
    length: float


@dataclass(frozen=True)
class TrendDot:
    label: str
    title: str
    value: Decimal | None
    x: float
    y: float | None


@dataclass(frozen=True)
class RenderedChart:
    """SVG markup (already escaped) and the text alternative: (label, value) rows."""

    svg: SafeString
    title: str
    rows: list[tuple[str, str]]


def percent(value: Decimal | None) -> str:
    """ "75,0 %" in Indonesian, "75.0 %" in English, "—" when there is nothing to divide."""
    if value is None:
        return "—"
    return f"{number_format(value, 1)} %"


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_layout(rows: list[UnitRow]) -> tuple[list[Bar], float]:
    """Bars for the rows in their order, and the chart height."""
    bars = []
    for index, row in enumerate(rows):
        value = row.completion_pct
        length = 0.0 if value is None else float(value) / 100 * BAR_MAX
        bars.append(
            Bar(
                label=shorten(row.name),
                full_label=row.name,
                value=value,
                flagged=row.is_bottom,
                y=TOP + index * ROW_HEIGHT,
                length=length,
            )
        )
    return bars, TOP + max(len(rows), 1) * ROW_HEIGHT + 6


def trend_layout(points: list[TrendPoint]) -> list[TrendDot]:
    """Dots for the points in their (chronological) order."""
    span = PLOT_RIGHT - PLOT_LEFT
    step = span / (len(points) - 1) if len(points) > 1 else 0
    dots = []
    for index, point in enumerate(points):
        x = PLOT_LEFT + (index * step if len(points) > 1 else span / 2)
        y = None
        if point.completion_pct is not None:
            y = PLOT_BOTTOM - float(point.completion_pct) / 100 * (PLOT_BOTTOM - PLOT_TOP)
        dots.append(TrendDot(point.label, point.title, point.completion_pct, x, y))
    return dots


def _svg_open(*, chart_id: str, height: float, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height:g}"'
        f' width="100%" preserveAspectRatio="xMinYMin meet" role="img"'
        f' aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' font-family="system-ui, sans-serif" font-size="13">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def completion_bar_chart(rows: list[UnitRow], *, chart_id: str = "completion") -> RenderedChart:
    """Completion % per unit, one horizontal bar each, bottom three in red."""
    title = _("Completion per unit")
    desc = _(
        "Horizontal bars, one per unit, from 0 to 100 percent completion, in ranking order. "
        "Red bars are the bottom three."
    )
    bars, height = bar_layout(rows)
    parts = _svg_open(chart_id=chart_id, height=height, title=title, desc=desc)
    for tick in (0, 50, 100):
        x = BAR_X + tick / 100 * BAR_MAX
        parts.append(
            f'<line x1="{x:g}" y1="{TOP - 4}" x2="{x:g}" y2="{height - 4:g}"'
            f' stroke="{COLOUR_GRID}" stroke-width="1"/>'
            f'<text x="{x:g}" y="{TOP - 8}" text-anchor="middle" font-size="11"'
            f' fill="{COLOUR_MUTED}">{tick}%</text>'
        )
    for bar in bars:
        colour = COLOUR_BOTTOM if bar.flagged else COLOUR_BAR
        mid = bar.y + ROW_HEIGHT / 2
        value_text = percent(bar.value)
        parts.append(
            f"<g><title>{escape(bar.full_label)}: {escape(value_text)}</title>"
            f'<text x="{LABEL_WIDTH}" y="{mid + 4:g}" text-anchor="end"'
            f' fill="{COLOUR_TEXT}">{escape(bar.label)}</text>'
            f'<rect x="{BAR_X}" y="{mid - BAR_HEIGHT / 2:g}" width="{bar.length:.1f}"'
            f' height="{BAR_HEIGHT}" rx="2" fill="{colour}"/>'
            f'<text x="{BAR_X + bar.length + 4:.1f}" y="{mid + 4:g}" fill="{COLOUR_TEXT}"'
            f' font-size="12">{escape(value_text)}</text></g>'
        )
    parts.append("</svg>")
    table = [(row.name, percent(row.completion_pct)) for row in rows]
    # Escaped piece by piece above; nothing else goes into the markup.
    return RenderedChart(svg=mark_safe("".join(parts)), title=title, rows=table)  # noqa: S308


def completion_trend_chart(points: list[TrendPoint], *, chart_id: str = "trend") -> RenderedChart:
    """Completion % of the scope over its last sessions, oldest on the left."""
    title = _("Completion over the last sessions")
    desc = _("A line from the oldest session on the left to the newest on the right, 0 to 100%.")
    dots = trend_layout(points)
    parts = _svg_open(chart_id=chart_id, height=TREND_HEIGHT, title=title, desc=desc)
    for tick in (0, 25, 50, 75, 100):
        y = PLOT_BOTTOM - tick / 100 * (PLOT_BOTTOM - PLOT_TOP)
        parts.append(
            f'<line x1="{PLOT_LEFT}" y1="{y:g}" x2="{PLOT_RIGHT}" y2="{y:g}"'
            f' stroke="{COLOUR_GRID}" stroke-width="1"/>'
            f'<text x="{PLOT_LEFT - 4}" y="{y + 4:g}" text-anchor="end" font-size="11"'
            f' fill="{COLOUR_MUTED}">{tick}%</text>'
        )
    line = " ".join(f"{dot.x:.1f},{dot.y:.1f}" for dot in dots if dot.y is not None)
    if line:
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{COLOUR_BAR}" stroke-width="2.5"/>'
        )
    # Label every dot when they fit, else every other one (the table has them all).
    every = 1 if len(dots) <= 6 else 2
    for index, dot in enumerate(dots):
        value_text = percent(dot.value)
        parts.append(f"<g><title>{escape(dot.title)}: {escape(value_text)}</title>")
        if dot.y is not None:
            parts.append(f'<circle cx="{dot.x:.1f}" cy="{dot.y:.1f}" r="4.5" fill="{COLOUR_BAR}"/>')
        if index % every == 0 or index == len(dots) - 1:
            # A label centred near the right edge would be cut off: end it at the edge instead.
            anchor = "end" if dot.x > WIDTH - 24 else "middle"
            x = min(dot.x + (12 if anchor == "end" else 0), WIDTH - 1)
            parts.append(
                f'<text x="{x:.1f}" y="{PLOT_BOTTOM + 18}" text-anchor="{anchor}"'
                f' font-size="11" fill="{COLOUR_MUTED}">{escape(dot.label)}</text>'
            )
        parts.append("</g>")
    if not dots:
        empty = _("No sessions in this period.")
        parts.append(
            f'<text x="{WIDTH / 2:g}" y="{TREND_HEIGHT / 2:g}" text-anchor="middle"'
            f' fill="{COLOUR_MUTED}">{escape(empty)}</text>'
        )
    parts.append("</svg>")
    table = [(point.title, percent(point.completion_pct)) for point in points]
    return RenderedChart(svg=mark_safe("".join(parts)), title=title, rows=table)  # noqa: S308
