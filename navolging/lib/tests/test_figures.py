"""Figures for communications and managers single nobody out, also by subtracting two."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from navolging.lib.figures import WIDTH, band, difference_range


def test_below_five_is_fewer_than_five():
    for count in range(5):
        assert band(count).small
        assert (band(count).low, band(count).high) == (0, 4)
    assert not band(5).small
    assert (band(12).low, band(12).high) == (10, 14)


@given(st.integers(0, 100_000))
def test_a_band_holds_its_count_and_five_values(count):
    shown = band(count)
    assert shown.low <= count <= shown.high
    assert shown.high - shown.low + 1 == WIDTH


@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_the_difference_of_two_figures_never_pins_down_a_small_number(a, b):
    # e.g. "taking part" minus "paired" = waiting; a directorate minus its departments
    possible = difference_range(band(a), band(b))
    assert a - b in possible
    assert len(possible) >= 2 * WIDTH - 1  # at least nine answers: nobody singled out


def test_one_person_joining_changes_the_figure_only_at_a_band_edge():
    changed = [n for n in range(60) if band(n) != band(n + 1)]
    assert changed == [4, 9, 14, 19, 24, 29, 34, 39, 44, 49, 54, 59]
