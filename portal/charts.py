"""Charts drawn on the server as SVG (docs/decisions/0007): no script, nothing fetched, legible
without CSS. A chart is a list of shapes laid out here and drawn by one template
(``portal/includes/chart.html``); colours come from CSS classes in app.css. Every chart has a
title and a description for screen readers, and the page shows its numbers in a table beside it.
"""

import math
from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import intcomma


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str
    tip: str  # a tooltip (the SVG <title>) with the exact figure


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # start | middle | end
    css: str = "chart__label"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    css: str = "chart__grid"


@dataclass
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    rects: list[Rect] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css, label)


def nice_ticks(largest: int, count: int = 4) -> list[int]:
    """Round gridline values from 0 to at least ``largest``: steps of 1, 2 or 5 times a power of
    ten, so the axis reads 0, 250, 500, 750, 1,000 rather than 0, 237, 474…"""
    if largest <= 0:
        return [0, 1]
    raw = largest / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(n * power for n in (1, 2, 5, 10) if n * power >= raw)
    step = max(1, int(step))
    return list(range(0, math.ceil(largest / step) * step + 1, step))


def _number(value: int) -> str:
    return intcomma(value)


LABEL_WIDTH = 170
BAR_HEIGHT = 26
BAR_GAP = 12
PAD = 12


def horizontal_bars(id: str, title: str, items: list[tuple[str, int]], *, unit: str) -> Chart:
    """One bar per item, labelled on the left, its figure at its end (the funnel)."""
    width = 640
    plot = width - LABEL_WIDTH - 80
    largest = max((value for _, value in items), default=0) or 1
    chart = Chart(
        id=id,
        title=title,
        description=", ".join(f"{label}: {_number(value)} {unit}" for label, value in items),
        width=width,
        height=PAD * 2 + len(items) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP,
    )
    for row, (label, value) in enumerate(items):
        y = PAD + row * (BAR_HEIGHT + BAR_GAP)
        length = plot * value / largest
        middle = y + BAR_HEIGHT / 2 + 5
        chart.texts.append(Text(LABEL_WIDTH - 8, middle, label, "end"))
        chart.rects.append(
            Rect(LABEL_WIDTH, y, max(length, 1), BAR_HEIGHT, "chart__bar", f"{label}: {value}")
        )
        chart.texts.append(
            Text(LABEL_WIDTH + length + 6, middle, _number(value), css="chart__value")
        )
    return chart


def stacked_columns(
    id: str,
    title: str,
    columns: list[tuple[str, dict[str, int]]],
    series: list[tuple[str, str]],
    *,
    unit: str,
) -> Chart:
    """One column per period (a week), stacked by series in the order given, with a value axis
    and gridlines; one series makes a plain column chart."""
    width, height = 640, 260
    left, bottom, top = 56, 36, 12
    plot_width, plot_height = width - left - PAD, height - top - bottom
    totals = [sum(values.get(key, 0) for key, _ in series) for _, values in columns]
    ticks = nice_ticks(max(totals, default=0))
    scale = plot_height / ticks[-1]
    slot = plot_width / max(len(columns), 1)
    chart = Chart(
        id=id,
        title=title,
        description=_describe(columns, series, unit),
        width=width,
        height=height,
        legend=[(f"chart__series--{key}", label) for key, label in series]
        if len(series) > 1
        else [],
    )
    for tick in ticks:
        y = top + plot_height - tick * scale
        chart.lines.append(Line(left, y, width - PAD, y))
        chart.texts.append(Text(left - 6, y + 4, _number(tick), "end", "chart__axis"))
    for index, (label, values) in enumerate(columns):
        x = left + index * slot + slot * 0.15
        base = top + plot_height
        for key, name in series:
            value = values.get(key, 0)
            if value:
                chart.rects.append(
                    Rect(
                        x,
                        base - value * scale,
                        slot * 0.7,
                        value * scale,
                        f"chart__series--{key}",
                        f"{label}: {name} {value}",
                    )
                )
                base -= value * scale
        if len(columns) <= 8 or index % 2 == (len(columns) - 1) % 2:
            chart.texts.append(
                Text(x + slot * 0.35, top + plot_height + 18, label, "middle", "chart__axis")
            )
    chart.lines.append(
        Line(left, top + plot_height, width - PAD, top + plot_height, "chart__axis-line")
    )
    return chart


def _describe(columns, series, unit: str) -> str:
    """The chart in a sentence, for its <desc>: the first and last period's figures."""
    if not columns:
        return f"No {unit} yet."
    parts = []
    for label, values in (columns[0], columns[-1]) if len(columns) > 1 else (columns[0],):
        figures = ", ".join(f"{name} {values.get(key, 0)}" for key, name in series)
        parts.append(f"week of {label}: {figures}")
    return (
        f"{unit.capitalize()} per week; "
        + "; ".join(parts)
        + ". The table beside lists every week."
    )
