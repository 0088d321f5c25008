"""Participation figures that reveal no one (SECURITY R11): every count is shown as a band of
five ("fewer than 5", "5 to 9", "10 to 14", ...), never as the exact number.

A band hides a count below 5, and it also hides differences: two banded figures are each known
only within five values, so subtracting them (taking part minus paired, a directorate minus
its departments, this month minus last month) leaves at least nine possible answers and never
pins down one or two people. The one helper for every figure about people in the product
(buddies, consults per coach, the dashboard); `shown` gives the words for a band.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

WIDTH = 5


@dataclass(frozen=True)
class Band:
    low: int  # the count is at least this
    high: int  # and at most this

    @property
    def small(self) -> bool:
        """True for "fewer than 5"."""
        return self.low == 0


def band(count: int) -> Band:
    if count < 0:
        raise ValueError("a count is never negative")
    low = count - count % WIDTH
    return Band(low, low + WIDTH - 1)


def difference_range(a: Band, b: Band) -> range:
    """Every value a - b can have, given only the two bands."""
    return range(a.low - b.high, a.high - b.low + 1)


@dataclass(frozen=True)
class Shown:
    """A count as it may be shown: its band and the words for it."""

    low: int
    high: int
    text: str


def shown(count: int) -> Shown:
    found = band(count)
    if found.small:
        text = _("fewer than %(count)s") % {"count": WIDTH}
    else:
        text = _("%(low)s to %(high)s") % {"low": found.low, "high": found.high}
    return Shown(found.low, found.high, text)


@dataclass(frozen=True)
class Bar:
    """A band drawn as a bar: solid up to its lowest value, light over the five values it may
    be, so a chart never shows a smaller number as exact either. Lengths in drawing units."""

    solid: int
    light: int


def chart_top(figures) -> int:
    """The value at the end of a chart's axis: past the highest band, and at least ten."""
    return max([figure.high for figure in figures] + [9]) + 1


def bar(figure: Shown | Band, *, top: int, room: int) -> Bar:
    """`figure` as a bar on an axis from 0 to `top` that is `room` units long."""

    def length(value: int) -> int:
        return round(room * value / top)

    return Bar(length(figure.low), length(figure.high + 1) - length(figure.low))
