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


# -- percentages about people ------------------------------------------------------------------

from navolging.lib.figures import Part, hide_differences, may_show, share  # noqa: E402


def test_a_share_of_people_needs_five_on_each_side():
    assert share(Part(5, 10, 10)).text == "50%"
    # 4 of 10 take part; 100% of 7 tells "0 do not": both counts below five.
    assert share(Part(4, 10, 10)).percent is None
    assert share(Part(7, 7, 7)).percent is None
    assert share(Part(6, 10, 10)).percent is None  # 4 do not
    assert share(Part(0, 0, 0)).text == "–"


def test_a_share_of_records_needs_five_people_behind_it():
    # attendance: 30 records about 4 managers says something about each of them
    assert share(Part(29, 30, 4, records=True)).percent is None
    assert share(Part(29, 30, 5, records=True)).percent == 97
    # one record each: still records, five people are enough
    assert share(Part(5, 6, 6, records=True)).percent == 83


@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=6),
    st.tuples(st.integers(0, 30), st.integers(0, 30)),
)
def test_a_total_minus_its_shown_parts_is_never_a_small_group(children, own):
    # Shares of people (buddies): part <= whole. The total is the children plus the unit's own.
    parts = [Part(min(a, b), max(a, b), max(a, b)) for a, b in children]
    mine = Part(min(own), max(own), max(own))
    total = Part(
        sum(p.part for p in parts) + mine.part,
        sum(p.whole for p in parts) + mine.whole,
        sum(p.people for p in parts) + mine.people,
    )
    hidden = hide_differences(total, parts)
    for i, figure in enumerate(parts):
        if not may_show(figure):
            assert i in hidden
    if may_show(total):
        rest = total
        for i, figure in enumerate(parts):
            if i not in hidden:
                rest = rest - figure
        assert rest.whole == 0 or may_show(rest)


def test_a_department_does_not_give_away_its_one_person_team():
    # Teams A and B: 5 of 10 take part (each shown). Team C: 1 person, hidden by itself. The
    # department (10 of 21) minus A and B would give away C, so one more team is hidden.
    teams = [Part(5, 10, 10), Part(5, 10, 10), Part(0, 1, 1)]
    assert hide_differences(Part(10, 21, 21), teams) == {0, 2}
    # Without the one-person team nothing more needs hiding.
    assert hide_differences(Part(10, 20, 20), teams[:2]) == set()
