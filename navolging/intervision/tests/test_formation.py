"""The formation engine alone: plain data in and out, no database."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from navolging.intervision.formation import (
    DEPARTMENT_HEAD,
    DIRECTOR,
    NOTE_CONTRADICTION,
    NOTE_DISSOLVED,
    NOTE_GROUP_DISSOLVED,
    NOTE_JOINED,
    NOTE_JOINED_FROM_DISSOLVED,
    NOTE_LEFT,
    NOTE_MANAGEMENT_TEAM,
    NOTE_MERGED,
    NOTE_NOT_PLACED,
    NOTE_SPLIT,
    NOTE_TOO_FEW,
    NOTE_UNIT_TOO_LARGE,
    RULE_CANNOT_LINK,
    RULE_MUST_LINK,
    RULE_OWN_MANAGER,
    RULE_REPEAT,
    RULE_SIZE,
    RULE_SPREAD,
    TEAM_LEADER,
    Note,
    Person,
    Rules,
    amend,
    form_mixed,
    form_structured,
    score,
)
from navolging.intervision.mdgp import solve, value_of

LIMIT = 0.2  # seconds per formation: small instances reach a local optimum well before


def organisation(departments: dict[str, tuple[str, int]]) -> list[Person]:
    """One director per directorate, one head per department, n team leaders under each head.

    `departments` maps a department code to (directorate code, number of team leaders).
    """
    people: list[Person] = []
    for directorate in sorted({d for d, _ in departments.values()}):
        people.append(Person(f"dir-{directorate}", directorate=directorate, role=DIRECTOR))
    for department, (directorate, leaders) in departments.items():
        head = f"head-{department}"
        people.append(
            Person(
                head,
                department=department,
                directorate=directorate,
                role=DEPARTMENT_HEAD,
                manager=f"dir-{directorate}",
            )
        )
        for k in range(leaders):
            people.append(
                Person(
                    f"tl-{department}-{k}",
                    department=department,
                    directorate=directorate,
                    role=TEAM_LEADER,
                    manager=head,
                )
            )
    return people


MEDIUM = {
    f"D{d}{k}": (f"D{d}", 3 + (d + k) % 4) for d in range(3) for k in range(3)
}  # 3 directorates, 9 departments, 3 + 9 + 40 = 52 managers


def group_of(proposal, pid: str) -> int:
    return next(g for g, members in enumerate(proposal.groups) if pid in members)


def test_it_imports_without_django():
    code = (
        "import sys; import navolging.intervision.formation, navolging.intervision.mdgp; "
        "assert 'django' not in sys.modules, 'django was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_it_never_seats_anyone_with_their_own_manager_or_a_cannot_link():
    people = organisation(MEDIUM)
    rules = Rules(cannot_link=[("tl-D00-0", "tl-D11-1"), ("tl-D22-2", "head-D01")])
    proposal = form_mixed(people, rules, seed=3, time_limit=LIMIT)
    assert proposal.ok, proposal.notes
    managers = {p.id: p.manager for p in people}
    for group in proposal.groups:
        for a, b in itertools.combinations(group, 2):
            assert managers[a] != b and managers[b] != a
            assert {a, b} not in ({"tl-D00-0", "tl-D11-1"}, {"tl-D22-2", "head-D01"})
    assert sorted(itertools.chain(*proposal.groups)) == sorted(p.id for p in people)


def test_it_keeps_must_link_and_keep_together_in_one_group():
    people = organisation(MEDIUM)
    rules = Rules(
        must_link=[("tl-D00-0", "tl-D12-1")],
        keep_together=[("tl-D01-0", "tl-D02-0", "tl-D20-0")],
    )
    proposal = form_mixed(people, rules, seed=1, time_limit=LIMIT)
    assert proposal.ok
    assert group_of(proposal, "tl-D00-0") == group_of(proposal, "tl-D12-1")
    assert len({group_of(proposal, pid) for pid in ("tl-D01-0", "tl-D02-0", "tl-D20-0")}) == 1
    report = proposal.reports[group_of(proposal, "tl-D00-0")]
    assert any(c.rule == RULE_MUST_LINK and c.holds for c in report.checks)


@pytest.mark.parametrize(("n", "max_size"), [(11, 10), (37, 8), (52, 9), (80, 10)])
def test_every_group_size_is_within_bounds(n, max_size):
    people = [Person(f"p{k}", department=f"d{k % 7}", directorate=f"x{k % 3}") for k in range(n)]
    proposal = form_mixed(people, Rules(max_size=max_size), seed=0, time_limit=LIMIT)
    assert all(4 <= len(g) <= max_size for g in proposal.groups)
    assert proposal.ok and not proposal.notes


def test_it_says_why_sizes_are_impossible():
    few = form_mixed([Person(f"p{k}") for k in range(3)], Rules(), time_limit=LIMIT)
    assert few.groups == [["p0", "p1", "p2"]]
    assert few.notes == [Note(NOTE_TOO_FEW, {"count": 3, "min": 4})]
    assert str(few.notes[0]) == "Only 3 people: one group, below the minimum of 4."
    assert not few.reports[0].ok
    people = [Person(f"p{k}", department="d") for k in range(12)]
    big = form_mixed(people, Rules(keep_together=[[f"p{k}" for k in range(11)]]), time_limit=LIMIT)
    too_large = Note(NOTE_UNIT_TOO_LARGE, {"people": [f"p{k}" for k in range(11)], "max": 10})
    assert too_large in big.notes
    contradiction = form_mixed(
        people, Rules(must_link=[("p0", "p1")], cannot_link=[("p0", "p1")]), time_limit=LIMIT
    )
    assert Note(NOTE_CONTRADICTION, {"pairs": [["p0", "p1"]]}) in contradiction.notes
    assert not contradiction.ok


def test_it_spreads_departments_and_directorates_to_the_bound():
    proposal = form_mixed(organisation(MEDIUM), Rules(max_size=8), seed=2, time_limit=LIMIT)
    assert proposal.spread_gap == pytest.approx(0.0, abs=1e-9)
    for group in proposal.groups:
        departments = [pid.split("-")[1] for pid in group if pid.startswith("tl-")]
        assert len(departments) - len(set(departments)) <= 1


def test_it_avoids_meeting_the_same_people_in_the_next_round():
    people = organisation(MEDIUM)
    # groups of at most 6 give 9 groups: enough for everyone to meet only new people
    first = form_mixed(people, Rules(max_size=6), seed=1, time_limit=LIMIT)
    history = Rules(max_size=6, earlier_rounds=[first.groups])
    second = form_mixed(people, history, seed=2, time_limit=LIMIT)
    assert second.ok
    assert second.repeats == 0
    assert second.spread_gap == pytest.approx(0.0, abs=1e-9)
    met = {frozenset(p) for g in first.groups for p in itertools.combinations(g, 2)}
    again = [p for g in second.groups for p in itertools.combinations(g, 2) if frozenset(p) in met]
    assert again == []
    # the same groups again would repeat every pair, and the report says so
    same = score(people, first.groups, history)
    assert same.repeats == len(met)
    assert any(c.rule == RULE_REPEAT and not c.holds for c in same.reports[0].checks)


def test_when_repeats_are_unavoidable_it_keeps_them_few():
    people = organisation(MEDIUM)
    # 7 groups now, and earlier groups of 8: each of those must repeat at least one pair
    first = form_mixed(people, Rules(max_size=8), seed=1, time_limit=LIMIT)
    second = form_mixed(
        people, Rules(max_size=8, earlier_rounds=[first.groups]), seed=2, time_limit=LIMIT
    )
    forced = sum(len(g) > len(second.groups) for g in first.groups)
    assert forced <= second.repeats <= forced + 2


def test_it_is_deterministic_for_a_seed():
    people = organisation(MEDIUM)
    rules = Rules(max_size=8, cannot_link=[("tl-D00-0", "tl-D11-1")])
    one = form_mixed(people, rules, seed=7, time_limit=LIMIT)
    two = form_mixed(people, rules, seed=7, time_limit=LIMIT)
    assert one.groups == two.groups
    assert form_structured(people, rules).groups == form_structured(people, rules).groups


def _outputs_per_hashseed(code: str, *hashseeds: str) -> set[str]:
    """What `code` prints in a new Python process per PYTHONHASHSEED (set order differs)."""
    return {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": hashseed},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for hashseed in hashseeds
    }


def test_it_gives_the_same_groups_in_another_process():
    code = (
        "from navolging.intervision.tests.test_formation import MEDIUM, organisation\n"
        "from navolging.intervision.formation import Rules, form_mixed\n"
        "print(form_mixed(organisation(MEDIUM), Rules(max_size=7), seed=4, time_limit=5).groups)"
    )
    assert len(_outputs_per_hashseed(code, "1", "2")) == 1


def test_amend_gives_the_same_groups_in_another_process():
    # Who is taken out when a manager and their new report share a group must not depend on
    # the order Python happens to give a set of strings.
    code = (
        "from navolging.intervision.tests.test_formation import MEDIUM, organisation\n"
        "from navolging.intervision.formation import Person, Rules, amend, form_mixed\n"
        "people = organisation(MEDIUM)\n"
        "before = form_mixed(people, Rules(max_size=8), seed=1, time_limit=5)\n"
        "a, b = sorted(before.groups[0])[:2]\n"
        "now = [Person(p.id, p.department, p.directorate, p.role, manager=a) if p.id == b else p"
        " for p in people] + [Person('new-1', people[0].department, people[0].directorate)]\n"
        "print(amend(now, before.groups, Rules(max_size=8)).groups)"
    )
    assert len(_outputs_per_hashseed(code, "1", "2", "3")) == 1


def test_structured_groups_follow_the_organisation():
    people = organisation({"A1": ("A", 5), "A2": ("A", 6), "A3": ("A", 4), "B1": ("B", 5)})
    proposal = form_structured(people, Rules())
    groups = [set(g) for g in proposal.groups]
    assert {f"tl-A1-{k}" for k in range(5)} in groups
    assert {"dir-A", "head-A1", "head-A2", "head-A3"} in groups
    assert sum(len(g) for g in groups) == len(people)  # everyone exactly once


def test_structured_splits_a_large_group_evenly_and_says_why():
    people = organisation({"A1": ("A", 23), "A2": ("A", 5), "A3": ("A", 4)})
    proposal = form_structured(people, Rules(max_size=10))
    parts = [g for g in proposal.groups if all(pid.startswith("tl-A1") for pid in g)]
    assert sorted(len(g) for g in parts) == [7, 8, 8]
    split = Note(
        NOTE_SPLIT,
        {
            "kind": "department",
            "unit": "A1",
            "size": 23,
            "max": 10,
            "parts": 3,
            "smallest": 7,
            "largest": 8,
        },
    )
    for g in proposal.groups:
        if g in parts:
            notes = proposal.reports[proposal.groups.index(g)].notes
            assert notes == [
                Note(NOTE_MANAGEMENT_TEAM, {"kind": "department", "unit": "A1"}),
                split,
            ]
    assert str(split) == (
        "department A1 has 23 members, above the maximum of 10: split evenly into 3 groups of "
        "7 to 8."
    )


def test_structured_merges_a_small_group_within_its_directorate_and_says_why():
    people = organisation({"A1": ("A", 2), "A2": ("A", 5), "A3": ("A", 6), "B1": ("B", 6)})
    proposal = form_structured(people, Rules())
    merged = proposal.groups[group_of(proposal, "tl-A1-0")]
    assert "tl-A1-1" in merged
    others = {pid.split("-")[0] + "-" + pid.split("-")[1] for pid in merged} - {"tl-A1"}
    assert others <= {"tl-A2", "tl-A3", "dir-A", "head-A1", "head-A2", "head-A3"}
    assert all(not pid.endswith("B") and "B1" not in pid for pid in merged)
    notes = proposal.reports[group_of(proposal, "tl-A1-0")].notes
    # the department's two team leaders joined the directorate's group (4: the smallest in A)
    assert (
        Note(
            NOTE_MERGED,
            {
                "kind": "department",
                "unit": "A1",
                "size": 2,
                "min": 4,
                "into_kind": "directorate",
                "into_unit": "A",
                "into_size": 4,
            },
        )
        in notes
    )
    assert "below the minimum of 4" in " ".join(map(str, notes))
    assert all(4 <= len(g) <= 10 for g in proposal.groups)


def test_structured_head_can_also_sit_in_their_own_department():
    people = organisation({"A1": ("A", 5), "A2": ("A", 5), "A3": ("A", 5)})
    proposal = form_structured(people, Rules(), head_in_department=True)
    holding = [g for g in proposal.groups if "head-A1" in g]
    assert len(holding) == 2
    assert any("tl-A1-0" in g for g in holding)


def test_score_lists_the_rules_a_hand_made_partition_breaks():
    people = organisation({"A1": ("A", 4), "B1": ("B", 4)})
    groups = [
        ["dir-A", "head-A1", "tl-A1-0", "tl-B1-0", "tl-B1-1"],  # director with own report
        ["tl-A1-1", "tl-A1-2"],  # too small, and a must-link partner elsewhere
        ["tl-A1-3", "dir-B", "head-B1", "tl-B1-2", "tl-B1-3"],
    ]
    rules = Rules(must_link=[("tl-A1-1", "tl-A1-3")], cannot_link=[("tl-B1-0", "tl-B1-1")])
    proposal = score(people, groups, rules)
    assert not proposal.ok
    first = {c.rule: c for c in proposal.reports[0].checks}
    assert not first[RULE_OWN_MANAGER].holds
    assert first[RULE_OWN_MANAGER].params == {
        "pairs": [["dir-A", "head-A1"], ["head-A1", "tl-A1-0"]]
    }
    assert "dir-A and head-A1 (manager and report)" in first[RULE_OWN_MANAGER].detail
    assert not first[RULE_CANNOT_LINK].holds
    assert first[RULE_CANNOT_LINK].params == {"pairs": [["tl-B1-0", "tl-B1-1"]]}
    second = {c.rule: c for c in proposal.reports[1].checks}
    assert not second[RULE_SIZE].holds
    assert second[RULE_SIZE].params == {"size": 2, "min": 4, "max": 10}
    assert second[RULE_SIZE].detail == "2 members; allowed 4 to 10."
    assert not second[RULE_MUST_LINK].holds
    assert second[RULE_MUST_LINK].params == {"kept": [], "apart": [["tl-A1-1", "tl-A1-3"]]}
    assert proposal.reports[2].checks[0].holds  # size 5 is fine
    missing = score(people, groups[:2], rules)
    assert missing.notes == [
        Note(NOTE_NOT_PLACED, {"people": [p.id for p in people if p.id in groups[2]]})
    ]


def test_amend_places_newcomers_and_removes_leavers_without_reshuffling():
    people = organisation(MEDIUM)
    before = form_mixed(people, Rules(max_size=8), seed=1, time_limit=LIMIT)
    leaver = before.groups[0][0]
    newcomer = Person("new-1", department="D10", directorate="D1", manager="head-D10")
    now = [p for p in people if p.id != leaver] + [newcomer]
    after = amend(now, before.groups, Rules(max_size=8))
    assert after.ok
    assert leaver not in itertools.chain(*after.groups)
    assert "new-1" in itertools.chain(*after.groups)
    home = group_of(after, "new-1")
    assert "head-D10" not in after.groups[home]
    changed = [
        g
        for g, (old, new) in enumerate(zip(before.groups, after.groups, strict=True))
        if set(old) - {leaver} != set(new) - {"new-1"}
    ]
    assert changed == []
    assert Note(NOTE_JOINED, {"people": ["new-1"]}) in after.reports[home].notes
    assert Note(NOTE_LEFT, {"person": leaver}) in after.reports[0].notes
    assert f"{leaver} left." in map(str, after.reports[0].notes)


def test_amend_moves_someone_who_now_sits_with_their_new_manager():
    people = organisation(MEDIUM)
    before = form_mixed(people, Rules(max_size=8), seed=1, time_limit=LIMIT)
    mover_group = before.groups[0]
    mover = next(pid for pid in mover_group if pid.startswith("tl-"))
    boss = next(pid for pid in mover_group if pid != mover)
    old = next(p for p in people if p.id == mover)
    moved = Person(mover, department="Dx", directorate="Dy", manager=boss)
    now = [moved if p is old else p for p in people]
    after = amend(now, before.groups, Rules(max_size=8))
    assert after.ok
    assert boss not in after.groups[group_of(after, mover)]
    assert sum(set(a) != set(b) for a, b in zip(before.groups, after.groups, strict=True)) <= 2


def test_amend_fixes_a_group_that_fell_below_the_minimum_by_the_smallest_change():
    people = [Person(f"p{k}", department=f"d{k % 5}") for k in range(19)]
    groups = [
        [f"p{k}" for k in range(0, 5)],
        [f"p{k}" for k in range(5, 12)],
        [f"p{k}" for k in range(12, 19)],
    ]
    now = [p for p in people if p.id not in ("p0", "p1")]  # the first group drops to 3
    after = amend(now, groups, Rules(max_size=8))
    assert after.ok
    assert all(4 <= len(g) <= 8 for g in after.groups)
    assert len(after.groups) == 3  # topping up one person beats dissolving three
    assert {"p2", "p3", "p4"} <= set(after.groups[0])
    moved = sum(len(set(a) - set(b)) for a, b in zip(groups[1:], after.groups[1:], strict=True))
    assert moved == 1


def test_amend_says_which_group_was_dissolved_and_why():
    people = [Person(f"p{k}", department=f"d{k % 5}") for k in range(15)]
    groups = [[f"p{k}" for k in range(a, a + 5)] for a in (0, 5, 10)]
    now = [p for p in people if p.id not in ("p0", "p1", "p2", "p3")]  # one left in group 1
    after = amend(now, groups, Rules(max_size=8))
    assert after.ok and len(after.groups) == 2
    assert after.notes == [
        Note(
            NOTE_GROUP_DISSOLVED,
            {
                "number": 1,
                "notes": [{"code": NOTE_LEFT, "params": {"person": f"p{k}"}} for k in range(4)]
                + [{"code": NOTE_DISSOLVED, "params": {"min": 4}}],
            },
        )
    ]
    assert str(after.notes[0]).startswith("Group 1 was dissolved: p0 left. p1 left.")
    home = after.reports[group_of(after, "p4")]
    assert Note(NOTE_JOINED_FROM_DISSOLVED, {"person": "p4", "min": 4}) in home.notes


def test_reports_are_json_safe_and_every_code_reads_as_english():
    people = organisation({"A1": ("A", 23), "A2": ("A", 2), "B1": ("B", 2)})
    rules = Rules(must_link=[("tl-A1-0", "tl-A1-1")], earlier_rounds=[[["tl-A1-0", "tl-A1-1"]]])
    proposals = [
        form_structured(people, rules),
        score(people, [[p.id for p in people][:12]], rules),
    ]
    for proposal in proposals:
        notes = proposal.notes + [n for r in proposal.reports for n in r.notes]
        checks = [c for r in proposal.reports for c in r.checks]
        assert notes and checks
        for item in [n.as_json() for n in notes] + [dict(c.params) for c in checks]:
            assert json.loads(json.dumps(item)) == item  # lists, not tuples: stored as given
        for text in [str(n) for n in notes] + [c.detail for c in checks]:
            assert text.endswith(".") and "{" not in text, text
    spread = next(c for c in proposals[1].reports[0].checks if c.rule == RULE_SPREAD)
    # directors have no department: one department (A1), ten of its people
    assert spread.params == {"attributes": [["department", 1, 10], ["directorate", 2, 11]]}


def test_mdgp_core_finds_the_optimum_of_a_small_instance():
    rng = np.random.default_rng(5)
    n = 9
    w = np.triu(rng.uniform(0, 100, (n, n)), 1)
    w = w + w.T
    lower, upper = np.array([2, 2, 3]), np.array([3, 4, 4])
    best = max(
        value_of(w, np.array(x))
        for x in itertools.product(range(3), repeat=n)
        if all(lo <= x.count(g) <= hi for g, (lo, hi) in enumerate(zip(lower, upper, strict=True)))
    )
    result = solve(w, lower, upper, seed=1, max_iterations=3000)
    assert result.value == pytest.approx(best)
    sizes = np.bincount(result.assignment, minlength=3)
    assert ((lower <= sizes) & (sizes <= upper)).all()
    again = solve(w, lower, upper, seed=1, max_iterations=3000)
    assert (again.assignment == result.assignment).all()
