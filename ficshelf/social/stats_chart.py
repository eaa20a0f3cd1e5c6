"""Bar charts for the statistics page, drawn on the server as SVG.

The Content-Security-Policy allows no inline script or style, so the chart is markup only:
sizes and places are SVG attributes, colours come from ``profiles.css`` (classes ``bar``,
``axis``, ``bar-value``). The table beside it holds the same numbers and is the page for
screen readers; the chart names itself (``<title>``) and says its numbers (``<desc>``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ficshelf.works.display import thousands

# Narrow enough that the text stays readable when a phone scales the chart to its width.
WIDTH = 480
LABEL_WIDTH = 170
VALUE_WIDTH = 64
BAR_AREA = WIDTH - LABEL_WIDTH - VALUE_WIDTH
ROW_HEIGHT = 26
BAR_HEIGHT = 18
LABEL_CHARACTERS = 22


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


def bar_chart(bars: Sequence[Bar], *, title: str, chart_id: str) -> SafeString:
    """A horizontal bar per entry of ``bars``, longest for the largest value; empty
    markup when there is nothing to draw."""
    if not bars:
        return SafeString("")
    largest = max(bar.value for bar in bars) or 1
    height = ROW_HEIGHT * len(bars) + 4
    described = "; ".join(f"{bar.label}: {thousands(bar.value)}" for bar in bars)
    rows = format_html_join(
        "\n",
        '<g transform="translate(0 {})">'
        '<text x="{}" y="{}" text-anchor="end">{}</text>'
        '<rect class="bar" x="{}" y="{}" width="{}" height="{}" rx="2"></rect>'
        '<text class="bar-value" x="{}" y="{}">{}</text></g>',
        (
            (
                index * ROW_HEIGHT,
                LABEL_WIDTH - 8,
                BAR_HEIGHT - 4,
                _shortened(bar.label),
                LABEL_WIDTH,
                0,
                _bar_length(bar.value, largest),
                BAR_HEIGHT,
                LABEL_WIDTH + _bar_length(bar.value, largest) + 6,
                BAR_HEIGHT - 4,
                thousands(bar.value),
            )
            for index, bar in enumerate(bars)
        ),
    )
    return format_html(
        '<svg class="stats-chart" viewBox="0 0 {width} {height}" width="{width}" '
        'height="{height}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<line class="axis" x1="{label_width}" y1="0" x2="{label_width}" y2="{height}">'
        "</line>{rows}</svg>",
        width=WIDTH,
        height=height,
        id=chart_id,
        title=title,
        desc=described,
        label_width=LABEL_WIDTH,
        rows=rows,
    )


def _bar_length(value: int, largest: int) -> int:
    # A value above nothing still shows a sliver, so a 1 is not read as a 0.
    if value <= 0:
        return 0
    return max(2, round(BAR_AREA * value / largest))


def _shortened(label: str) -> str:
    if len(label) <= LABEL_CHARACTERS:
        return label
    return label[: LABEL_CHARACTERS - 1].rstrip() + "…"
