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


# -- shares (percentages) about people ---------------------------------------------------------

#: Fewest people behind a shown percentage, and fewest on either side of it.
FEWEST = WIDTH


@dataclass(frozen=True)
class Part:
    """What a percentage is made of: `part` of `whole`, with `people` behind it.

    A share of people (employees taking part in the buddy system): part and whole count
    people, and `people` is the whole. A share of records about people (`records`: attendance
    at sessions, a person has several): part and whole count records, `people` the persons.
    """

    part: int
    whole: int
    people: int
    records: bool = False

    def __sub__(self, other: Part) -> Part:
        return Part(
            self.part - other.part,
            self.whole - other.whole,
            self.people - other.people,
            self.records,
        )


def may_show(figure: Part) -> bool:
    """A percentage is shown only when at least five people are behind it, and, for a share of
    people, at least five on each side: 100% of 7, or 20% of 10, would tell a count below 5."""
    if figure.people < FEWEST or figure.whole == 0:
        return False
    if not figure.records:
        return figure.part >= FEWEST and figure.whole - figure.part >= FEWEST
    return True


@dataclass(frozen=True)
class ShownShare:
    percent: int | None  # None when it may not be shown
    text: str


def share(figure: Part | None, *, hidden: bool = False) -> ShownShare:
    """The words for a percentage about people; `hidden` hides one that `hide_differences`
    found would give away another."""
    if figure is None or figure.whole == 0:
        return ShownShare(None, "–")
    if hidden or not may_show(figure):
        return ShownShare(None, _("too few to show"))
    percent = round(100 * figure.part / figure.whole)
    return ShownShare(percent, f"{percent}%")


def hide_differences(total: Part, parts: list[Part]) -> set[int]:
    """Shown together, a total and the parts it is made of give away the rest: the total
    minus every shown part. Returns the indexes of `parts` to hide (the smallest first) so
    that rest is empty or could be shown itself (secondary suppression)."""
    hidden = {i for i, figure in enumerate(parts) if not may_show(figure)}
    if not may_show(total):
        return hidden
    rest = total
    for i, figure in enumerate(parts):
        if i not in hidden:
            rest = rest - figure
    shown_ones = sorted(
        (i for i in range(len(parts)) if i not in hidden),
        key=lambda i: (parts[i].people, parts[i].whole, i),
        reverse=True,
    )
    # Each hidden part goes back into the rest, the smallest first, until the rest is safe.
    while shown_ones and not (rest.whole == 0 or may_show(rest)):
        smallest = shown_ones.pop()
        hidden.add(smallest)
        rest = Part(
            rest.part + parts[smallest].part,
            rest.whole + parts[smallest].whole,
            rest.people + parts[smallest].people,
            rest.records,
        )
    return hidden
