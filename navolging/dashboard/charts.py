"""Month-by-month charts as SVG drawn on the server: the page needs no JavaScript to show
them and the PDF report embeds the very same drawing. Every chart has its table beside it."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.formats import date_format

from .trends import Series

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 28


@dataclass(frozen=True)
class Column:
    x: float
    width: float
    label: str
    label_x: float
    solid_y: float
    solid_height: float
    light_y: float  # the band over the five values a banded figure may be
    light_height: float
    text: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


def _top(series: Series) -> float:
    if series.percent:
        return 100
    highest = max([p.high for p in series.points if p.high is not None] + [4])
    # A round number just above the highest value, so the ticks read easily.
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if highest <= step * 4:
            return step * 4 if highest > step * 2 else step * 2
    return highest


def layout(series: Series) -> dict:
    top = _top(series)
    room = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / len(series.points)

    def y(value: float) -> float:
        return round(TOP + room - room * min(value, top) / top, 1)

    columns = []
    for i, point in enumerate(series.points):
        low = point.low or 0
        high = point.high if point.high is not None else low
        columns.append(
            Column(
                x=round(LEFT + i * slot + slot * 0.15, 1),
                width=round(slot * 0.7, 1),
                label=date_format(point.month, "M"),
                label_x=round(LEFT + i * slot + slot / 2, 1),
                solid_y=y(low),
                solid_height=round(y(0) - y(low), 1),
                light_y=y(high),
                light_height=round(y(low) - y(high), 1),
                text=point.text,
            )
        )
    ticks = [
        Tick(y(value), f"{value:g}{'%' if series.percent else ''}") for value in (0, top / 2, top)
    ]
    return {
        "series": series,
        "columns": columns,
        "ticks": ticks,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "label_y": HEIGHT - 8,
        "chart_id": f"chart-{series.key}",
    }


def chart_svg(series: Series) -> str:
    """The chart of one series as an <svg> document (the PDF report embeds it)."""
    return render_to_string("dashboard/_chart.svg", {"chart": layout(series)})
