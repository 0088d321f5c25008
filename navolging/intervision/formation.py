"""Forming intervision groups: people and rules in, groups with a report per group out.

Plain Python, no Django: the intervision app turns its models into `Person` objects, calls
`form_mixed`, `form_structured`, `amend` or `score`, and stores the `Proposal` it gets back.

Hard rules (never broken by `form_mixed` or `amend`; `score` reports every breach):
- cannot-link: two people never in the same group (in mixed mode this includes everyone with
  their own manager and their own direct reports);
- must-link: two people always in the same group;
- keep-together: a set of people always in the same group;
- size: every group has between `min_size` and `max_size` members, unless that is impossible,
  and then the proposal says why.

Objectives (mixed mode), both pairwise scores like MDGP's:
- spread: every attribute (department, directorate, ...) spread over the groups as evenly as
  possible; measured as the weighted number of pairs in a group that differ on the attribute;
- new encounters: a penalty per pair that already shared a group in an earlier round.

Reports say everything as stable codes with plain parameters: `RuleCheck(rule, holds, params)`
with a `RULE_*` code, and `Note(code, params)` with a `NOTE_*` code. Parameters are JSON-safe
(ints, strings, lists of ids, lists of id pairs), so the app stores them and shows its own
translated text with people's names; `RuleCheck.detail` and `str(note)` give plain English
with ids, for benchmarks, tests and logs. Every English sentence is written once, below.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

TEAM_LEADER = "team_leader"
DEPARTMENT_HEAD = "department_head"
DIRECTOR = "director"

RULE_SIZE = "size"
RULE_CANNOT_LINK = "cannot_link"
RULE_OWN_MANAGER = "own_manager"
RULE_MUST_LINK = "must_link"
RULE_KEEP_TOGETHER = "keep_together"
RULE_REPEAT = "repeat"
RULE_SPREAD = "spread"

# Notes: why a group or round looks the way it does. Parameters per code in `_NOTE_TEXTS`.
NOTE_TWICE = "twice"  # person, times
NOTE_NOT_PLACED = "not_placed"  # people
NOTE_UNKNOWN = "unknown"  # people: in a group but not taking part
NOTE_UNIT_TOO_LARGE = "unit_too_large"  # people, max
NOTE_CONTRADICTION = "contradiction"  # pairs: must be together and apart
NOTE_TOO_FEW = "too_few"  # count, min
NOTE_SIZES_IMPOSSIBLE = "sizes_impossible"  # count, min, max
NOTE_OUTSIDE_DEPARTMENT = "outside_department"  # person
NOTE_MANAGEMENT_TEAM = "management_team"  # kind, unit
NOTE_MERGED = "merged"  # kind, unit, size, min, into_kind, into_unit, into_size
NOTE_NO_MERGE = "no_merge"  # size, min
NOTE_SPLIT = "split"  # kind, unit, size, max, parts, smallest, largest
NOTE_LEFT = "left"  # person
NOTE_MOVED_OUT = "moved_out"  # person
NOTE_NEW_GROUP = "new_group"  # (none)
NOTE_JOINED = "joined"  # people
NOTE_GROUP_DISSOLVED = "group_dissolved"  # number, notes: [{"code", "params"}] of that group
NOTE_MOVED_TO_SMALL = "moved_to_small"  # person
NOTE_TOPPED_UP = "topped_up"  # person, min
NOTE_JOINED_FROM_DISSOLVED = "joined_from_dissolved"  # person, min
NOTE_DISSOLVED = "dissolved"  # min
NOTE_CANNOT_FIX = "cannot_fix"  # min

# Structured groups are named by kind ("department", "directorate") and unit code ("" none).
DEPARTMENT = "department"
DIRECTORATE = "directorate"

HARD = 1_000_000.0  # cost of one broken hard rule inside the search: outweighs any objective


@dataclass(frozen=True)
class Person:
    """A manager who takes part in intervision. `id` is any stable key (employee number)."""

    id: str
    department: str | None = None
    directorate: str | None = None
    role: str = TEAM_LEADER  # TEAM_LEADER, DEPARTMENT_HEAD or DIRECTOR
    manager: str | None = None  # id of the person's own manager, if known
    attributes: Mapping[str, str] = field(default_factory=dict)  # more attributes to spread

    def attribute(self, name: str) -> str | None:
        if name == "department":
            return self.department
        if name == "directorate":
            return self.directorate
        return self.attributes.get(name)


@dataclass(frozen=True)
class Rules:
    """Size bounds, hard rules and objective weights for one round."""

    min_size: int = 4
    max_size: int = 10
    cannot_link: Sequence[tuple[str, str]] = ()
    must_link: Sequence[tuple[str, str]] = ()
    keep_together: Sequence[Sequence[str]] = ()
    separate_manager: bool = True  # mixed mode: nobody with their own manager or direct report
    spread: Mapping[str, float] = field(
        default_factory=lambda: {"department": 1.0, "directorate": 1.0}
    )
    repeat_penalty: float = 1.0  # per pair that already met in an earlier round
    earlier_rounds: Sequence[Sequence[Sequence[str]]] = ()  # rounds -> groups -> ids


@dataclass(frozen=True)
class RuleCheck:
    """One rule in one group. `params` per rule:

    size: size, min, max; cannot_link, own_manager, repeat: pairs (the pairs in breach);
    must_link, keep_together: kept, apart (lists of the links concerned);
    spread: attributes, a list of [name, different values, most from one value].
    """

    rule: str  # one of the RULE_* codes
    holds: bool
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def detail(self) -> str:
        """Plain English with ids."""
        return _check_english(self.rule, self.holds, self.params)


@dataclass(frozen=True)
class Note:
    """Why a group or round looks the way it does: a `NOTE_*` code and its parameters."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        """Plain English with ids."""
        text = _NOTE_TEXTS.get(self.code)
        return text(self.params) if text else f"{self.code}: {dict(self.params)}"

    def as_json(self) -> dict:
        return {"code": self.code, "params": dict(self.params)}


@dataclass
class GroupReport:
    members: list[str]
    checks: list[RuleCheck] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)  # why the group looks the way it does

    @property
    def ok(self) -> bool:
        return all(check.holds for check in self.checks)


@dataclass
class Proposal:
    groups: list[list[str]]
    reports: list[GroupReport]
    notes: list[Note]  # about the whole round: impossibilities, leavers, newcomers, ...
    spread: float  # weighted number of same-group pairs that differ on a spread attribute
    spread_bound: float  # upper bound on `spread` for these group sizes
    repeats: int  # pairs that already met in an earlier round
    hard_violations: int

    @property
    def spread_gap(self) -> float:
        """Relative gap to the upper bound: 0.0 means provably the best spread."""
        return 0.0 if self.spread_bound <= 0 else 1 - self.spread / self.spread_bound

    @property
    def ok(self) -> bool:
        return self.hard_violations == 0


# --- plain English with ids: one place per sentence ---------------------------------------


def _ids(ids: Iterable[str]) -> str:
    return ", ".join(ids)


def _pair_list(pairs: Iterable[Sequence[str]]) -> str:
    return "; ".join(f"{a} and {b}" for a, b in pairs)


def _links(links: Iterable[Sequence[str]]) -> str:
    return "; ".join(", ".join(link) for link in links)


def _label(kind: str, unit: str) -> str:
    return f"{kind} {unit}" if unit else f"{kind} (none)"


def _check_english(rule: str, holds: bool, p: Mapping[str, Any]) -> str:
    if rule == RULE_SIZE:
        return f"{p['size']} members; allowed {p['min']} to {p['max']}."
    if rule in (RULE_CANNOT_LINK, RULE_OWN_MANAGER):
        if holds:
            return "No one sits with someone they may not sit with."
        label = "cannot be together" if rule == RULE_CANNOT_LINK else "manager and report"
        together = "; ".join(f"{a} and {b} ({label})" for a, b in p["pairs"])
        return f"Together although they may not be: {together}."
    if rule in (RULE_MUST_LINK, RULE_KEEP_TOGETHER):
        if p["apart"]:
            return f"Split up: {_links(p['apart'])}."
        return f"Kept together: {_links(p['kept'])}."
    if rule == RULE_REPEAT:
        return (
            f"Met before: {_pair_list(p['pairs'])}." if p["pairs"] else "Everyone meets new people."
        )
    if rule == RULE_SPREAD:
        return (
            "; ".join(
                f"{name}: {different} different, at most {most} from one"
                for name, different, most in p["attributes"]
            )
            + "."
        )
    return f"{rule}: {dict(p)}"


def _split_sizes(p: Mapping[str, Any]) -> str:
    small, large = p["smallest"], p["largest"]
    return f"{small}" if small == large else f"{small} to {large}"


_NOTE_TEXTS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    NOTE_TWICE: lambda p: f"{p['person']} is in {p['times']} groups.",
    NOTE_NOT_PLACED: lambda p: f"Not in any group: {_ids(p['people'])}.",
    NOTE_UNKNOWN: lambda p: f"Unknown people in the groups: {_ids(p['people'])}.",
    NOTE_UNIT_TOO_LARGE: lambda p: (
        f"Must stay together but exceed the maximum group size of {p['max']}: {_ids(p['people'])}."
    ),
    NOTE_CONTRADICTION: lambda p: (
        f"Rules contradict each other (must be together and apart): {_pair_list(p['pairs'])}."
    ),
    NOTE_TOO_FEW: lambda p: (
        f"Only {p['count']} people: one group, below the minimum of {p['min']}."
    ),
    NOTE_SIZES_IMPOSSIBLE: lambda p: (
        f"{p['count']} people cannot be split into groups of {p['min']} to {p['max']}; "
        "some groups are larger."
    ),
    NOTE_OUTSIDE_DEPARTMENT: lambda p: (
        f"{p['person']} leads a team outside any department: placed with the directorate."
    ),
    NOTE_MANAGEMENT_TEAM: lambda p: f"The management team of {_label(p['kind'], p['unit'])}.",
    NOTE_MERGED: lambda p: (
        f"Merged with {_label(p['kind'], p['unit'])}: that group alone had {p['size']} members, "
        f"below the minimum of {p['min']}; {_label(p['into_kind'], p['into_unit'])} "
        f"({p['into_size']} members) is the smallest related group (same directorate)."
    ),
    NOTE_NO_MERGE: lambda p: (
        f"Below the minimum of {p['min']} ({p['size']} members), and no other group in the "
        "same directorate to merge with."
    ),
    NOTE_SPLIT: lambda p: (
        f"{_label(p['kind'], p['unit'])} has {p['size']} members, above the maximum of "
        f"{p['max']}: split evenly into {p['parts']} groups of {_split_sizes(p)}."
    ),
    NOTE_LEFT: lambda p: f"{p['person']} left.",
    NOTE_MOVED_OUT: lambda p: (
        f"{p['person']} moved out: after a change they may no longer sit in this group."
    ),
    NOTE_NEW_GROUP: lambda p: "A new group: no existing group had room.",
    NOTE_JOINED: lambda p: f"{_ids(p['people'])} joined.",
    NOTE_GROUP_DISSOLVED: lambda p: " ".join(
        [f"Group {p['number']} was dissolved:"]
        + [str(Note(note["code"], note["params"])) for note in p["notes"]]
    ),
    NOTE_MOVED_TO_SMALL: lambda p: (
        f"{p['person']} moved to another group that fell below the minimum."
    ),
    NOTE_TOPPED_UP: lambda p: (
        f"{p['person']} joined: this group fell below the minimum of {p['min']}; topping it up "
        "moved fewer people than dissolving it."
    ),
    NOTE_JOINED_FROM_DISSOLVED: lambda p: (
        f"{p['person']} joined from a group that fell below the minimum of {p['min']} and was "
        "dissolved (fewer moves than topping it up)."
    ),
    NOTE_DISSOLVED: lambda p: f"Dissolved: below the minimum of {p['min']}.",
    NOTE_CANNOT_FIX: lambda p: (
        f"Below the minimum of {p['min']}, and the other groups can neither spare members nor "
        "take these in."
    ),
}


# --- the rules, compiled to lookups -------------------------------------------------------


class _Index:
    """Everything the search looks up per person, built once per call."""

    def __init__(self, people: Sequence[Person], rules: Rules, mixed: bool) -> None:
        self.rules = rules
        self.separates_managers = mixed and rules.separate_manager
        self.people = {p.id: p for p in people}
        self.ids = [p.id for p in people]
        self.attrs = [(name, w) for name, w in rules.spread.items() if w]
        # attribute values as tuples, one entry per spread attribute (None: not counted)
        self.values = {p.id: tuple(p.attribute(name) for name, _ in self.attrs) for p in people}
        self.cannot: dict[str, set[str]] = defaultdict(set)
        self.cannot_why: dict[frozenset, str] = {}
        for a, b in rules.cannot_link:
            self._forbid(a, b, RULE_CANNOT_LINK)
        if mixed and rules.separate_manager:
            for p in people:
                if p.manager and p.manager in self.people and p.manager != p.id:
                    self._forbid(p.id, p.manager, RULE_OWN_MANAGER)
        self.earlier: dict[str, set[str]] = defaultdict(set)
        for round_ in rules.earlier_rounds:
            for group in round_:
                for a in group:
                    for b in group:
                        if a != b:
                            self.earlier[a].add(b)
        # must-link and keep-together: union-find into units that move as one
        parent = {pid: pid for pid in self.ids}

        def find(a: str) -> str:
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        links = [tuple(pair) for pair in rules.must_link] + [
            tuple(group) for group in rules.keep_together
        ]
        for link in links:
            known = [pid for pid in link if pid in parent]
            for other in known[1:]:
                parent[find(other)] = find(known[0])
        members: dict[str, list[str]] = defaultdict(list)
        for pid in self.ids:
            members[find(pid)].append(pid)
        self.units = list(members.values())
        self.unit_of = {pid: u for u, unit in enumerate(self.units) for pid in unit}
        self.alike: dict[tuple, list[int]] = defaultdict(list)  # units by attribute values
        for u, unit in enumerate(self.units):
            self.alike[self.values[unit[0]]].append(u)

    def _forbid(self, a: str, b: str, why: str) -> None:
        if a in self.people and b in self.people and a != b:
            self.cannot[a].add(b)
            self.cannot[b].add(a)
            self.cannot_why.setdefault(frozenset((a, b)), why)

    def pair_cost(self, a: str, b: str) -> float:
        """Cost of a and b sharing a group: same attribute values, a repeat, a broken rule."""
        cost = 0.0
        for (_, w), va, vb in zip(self.attrs, self.values[a], self.values[b], strict=True):
            if va is not None and va == vb:
                cost += w
        if b in self.earlier.get(a, ()):
            cost += self.rules.repeat_penalty
        if b in self.cannot.get(a, ()):
            cost += HARD
        return cost


class _State:
    """Groups plus per-group attribute counts, so a move is priced in O(unit size)."""

    def __init__(self, index: _Index, groups: list[list[str]]) -> None:
        self.index = index
        self.members: list[set[str]] = [set(g) for g in groups]
        # sorted: set order of strings changes per process, and results must not
        self.where = {pid: g for g, members in enumerate(groups) for pid in sorted(set(members))}
        self.counts: list[list[Counter]] = [[Counter() for _ in index.attrs] for _ in self.members]
        for g, members in enumerate(self.members):
            for pid in members:
                self._count(g, pid, 1)

    def _count(self, g: int, pid: str, step: int) -> None:
        for a, value in enumerate(self.index.values[pid]):
            if value is not None:
                self.counts[g][a][value] += step

    def add(self, g: int, pid: str) -> None:
        self.members[g].add(pid)
        self.where[pid] = g
        self._count(g, pid, 1)

    def remove(self, pid: str) -> int:
        g = self.where.pop(pid)
        self.members[g].discard(pid)
        self._count(g, pid, -1)
        return g

    def cost_in(self, unit: Sequence[str], g: int, absent: Sequence[str] = ()) -> float:
        """Cost between `unit` and group g's members (not counting the unit itself)."""
        index = self.index
        inside = self.where.get(unit[0]) == g
        cost = 0.0
        counts = self.counts[g]
        for pid in unit:
            for a, ((_, w), value) in enumerate(zip(index.attrs, index.values[pid], strict=True)):
                if value is not None:
                    cost += w * counts[a][value]
            members = self.members[g]
            for other in index.earlier.get(pid, ()):
                if other in members:
                    cost += index.rules.repeat_penalty
            for other in index.cannot.get(pid, ()):
                if other in members:
                    cost += HARD
        if inside:  # the unit's own pairs were counted from both sides: take them out
            cost -= sum(index.pair_cost(a, b) for a in unit for b in unit if a != b)
            # a member's own value was counted too (count includes itself)
            cost -= sum(
                w
                for pid in unit
                for (_, w), value in zip(index.attrs, index.values[pid], strict=True)
                if value is not None
            )
        for other in absent:  # people about to leave g
            for pid in unit:
                cost -= index.pair_cost(pid, other)
        return cost

    def groups(self) -> list[list[str]]:
        order = {pid: k for k, pid in enumerate(self.index.ids)}
        return [sorted(m, key=lambda pid: order.get(pid, 0)) for m in self.members]


# --- the bound and the report -------------------------------------------------------------


def _pairs(k: float) -> float:
    return k * (k - 1) / 2


def _spread_bound(index: _Index, sizes: Sequence[int]) -> float:
    """Upper bound on the spread score: every attribute value spread perfectly evenly.

    For each attribute, the pairs sharing a value are at least what an even split of each
    value over the groups gives (floor/ceil counts), whatever the other attributes do.
    """
    m = len(sizes)
    total_pairs = sum(_pairs(s) for s in sizes)
    bound = 0.0
    for a, (_, w) in enumerate(index.attrs):
        values = Counter(index.values[pid][a] for pid in index.ids if pid in index.people)
        same = 0.0
        for value, count in values.items():
            if value is None or m == 0:
                continue
            q, r = divmod(count, m)
            same += r * _pairs(q + 1) + (m - r) * _pairs(q)
        bound += w * (total_pairs - same)
    return bound


def _spread_of(index: _Index, groups: Sequence[Sequence[str]]) -> float:
    total = 0.0
    for group in groups:
        for a, (_, w) in enumerate(index.attrs):
            counts = Counter(index.values[pid][a] for pid in group if pid in index.values)
            same = sum(_pairs(c) for v, c in counts.items() if v is not None)
            total += w * (_pairs(len(group)) - same)
    return total


def _report(
    index: _Index,
    groups: list[list[str]],
    notes: Sequence[Note] = (),
    group_notes: Mapping[int, list[Note]] | None = None,
) -> Proposal:
    rules = index.rules
    where: dict[str, int] = {}
    seen = Counter(pid for group in groups for pid in group)
    round_notes = list(notes)
    for pid, times in seen.items():
        if times > 1:
            round_notes.append(Note(NOTE_TWICE, {"person": pid, "times": times}))
    missing = [pid for pid in index.ids if pid not in seen]
    if missing:
        round_notes.append(Note(NOTE_NOT_PLACED, {"people": missing}))
    unknown = [pid for pid in seen if pid not in index.people]
    if unknown:
        round_notes.append(Note(NOTE_UNKNOWN, {"people": unknown}))
    for g, group in enumerate(groups):
        for pid in group:
            where.setdefault(pid, g)
    reports = []
    violations = len(missing) + sum(t - 1 for t in seen.values())
    repeats = 0
    for g, group in enumerate(groups):
        checks: list[RuleCheck] = []
        size = len(group)
        fits = rules.min_size <= size <= rules.max_size
        checks.append(
            RuleCheck(RULE_SIZE, fits, {"size": size, "min": rules.min_size, "max": rules.max_size})
        )
        violations += not fits
        members = set(group)
        broken = sorted(
            {(min(a, b), max(a, b)) for a in group for b in index.cannot.get(a, ()) if b in members}
        )
        for kind in (RULE_CANNOT_LINK, RULE_OWN_MANAGER):
            pairs = [p for p in broken if index.cannot_why[frozenset(p)] == kind]
            applies = rules.cannot_link if kind == RULE_CANNOT_LINK else index.separates_managers
            if not applies and not pairs:
                continue
            checks.append(RuleCheck(kind, not pairs, {"pairs": [[a, b] for a, b in pairs]}))
            violations += len(pairs)
        for code, links in (
            (RULE_MUST_LINK, rules.must_link),
            (RULE_KEEP_TOGETHER, rules.keep_together),
        ):
            relevant = [link for link in links if any(pid in members for pid in link)]
            if not relevant:
                continue
            apart = [list(link) for link in relevant if not all(pid in members for pid in link)]
            kept = [list(link) for link in relevant if all(pid in members for pid in link)]
            checks.append(RuleCheck(code, not apart, {"kept": kept, "apart": apart}))
            violations += len(apart)
        again = sorted(
            {
                (min(a, b), max(a, b))
                for a in group
                for b in index.earlier.get(a, ())
                if b in members
            }
        )
        repeats += len(again)
        if rules.earlier_rounds:
            checks.append(RuleCheck(RULE_REPEAT, not again, {"pairs": [[a, b] for a, b in again]}))
        if index.attrs:
            parts = []
            for a, (name, _) in enumerate(index.attrs):
                counts = Counter(
                    index.values.get(pid, (None,) * len(index.attrs))[a] for pid in group
                )
                top = max((c for v, c in counts.items() if v is not None), default=0)
                parts.append([name, len([v for v in counts if v is not None]), top])
            checks.append(RuleCheck(RULE_SPREAD, True, {"attributes": parts}))
        extra = list((group_notes or {}).get(g, []))
        reports.append(GroupReport(list(group), checks, extra))
    sizes = [len(g) for g in groups]
    return Proposal(
        groups=[list(g) for g in groups],
        reports=reports,
        notes=round_notes,
        spread=_spread_of(index, groups),
        spread_bound=_spread_bound(index, sizes),
        repeats=repeats,
        hard_violations=violations,
    )


def score(
    people: Sequence[Person], groups: Sequence[Sequence[str]], rules: Rules, *, mixed: bool = True
) -> Proposal:
    """Check a partition made or edited by hand: which rules hold in each group, and why not."""
    index = _Index(people, rules, mixed)
    return _report(index, [list(g) for g in groups])


# --- mixed mode -----------------------------------------------------------------------------


def _group_count(n: int, rules: Rules) -> tuple[int, list[Note]]:
    if n == 0:
        return 0, []
    if n < rules.min_size:
        return 1, [Note(NOTE_TOO_FEW, {"count": n, "min": rules.min_size})]
    m = math.ceil(n / rules.max_size)
    if n < m * rules.min_size:  # narrow bounds: fewer, fuller groups
        m = n // rules.min_size
        if m * rules.max_size < n:
            return m, [
                Note(
                    NOTE_SIZES_IMPOSSIBLE,
                    {"count": n, "min": rules.min_size, "max": rules.max_size},
                )
            ]
    return m, []


def _place(state: _State, unit: list[str], order: Iterable[int], capacity: list[int]) -> int:
    """The first group in `order` with room and no conflict, else the cheapest with room."""
    best, best_cost = -1, math.inf
    for g in order:
        room = capacity[g] - len(state.members[g])
        if room < len(unit):
            continue
        cost = state.cost_in(unit, g)
        if cost < HARD:
            return g
        if cost < best_cost:
            best, best_cost = g, cost
    if best < 0:  # nowhere with room: the emptiest group
        best = min(range(len(capacity)), key=lambda g: len(state.members[g]))
    return best


def _improve(
    state: _State,
    index: _Index,
    rules: Rules,
    rng: random.Random,
    deadline: float,
    candidates: int = 24,
    patience: int = 20,
) -> None:
    """Local search with unit moves and swaps; only moves that lower the cost are taken.

    Units in groups with a broken hard rule or a repeat are tried first; then random units
    against a sample of `candidates` groups (all groups when there are few).
    """
    m = len(state.members)
    if m < 2:
        return
    units = index.units
    lo, hi = rules.min_size, rules.max_size

    def size(g: int) -> int:
        return len(state.members[g])

    def try_unit(u: int, sideways: bool) -> float | None:
        """Take the best move for unit u that lowers the cost (or keeps it, if `sideways`)."""
        unit = units[u]
        g = state.where[unit[0]]
        here = state.cost_in(unit, g)
        if here <= 0:
            return None
        if m <= candidates:
            groups: Iterable[int] = range(m)
        else:  # a sample, plus groups of look-alikes: swapping with them keeps the spread
            alike = index.alike.get(index.values[unit[0]], [])
            peers = rng.sample(alike, min(len(alike), candidates))
            sample = set(rng.sample(range(m), candidates))
            groups = sorted(sample.union(state.where[units[v][0]] for v in peers))
        best_delta, best_move = (1e-9 if sideways else -1e-9), None
        k = len(unit)
        for h in groups:
            if h == g:
                continue
            if size(h) + k <= hi and size(g) - k >= lo:
                delta = state.cost_in(unit, h) - here
                if delta < best_delta:
                    best_delta, best_move = delta, (h, None)
            for other in sorted({index.unit_of[pid] for pid in state.members[h]}):
                vunit = units[other]
                if size(h) - len(vunit) + k > hi or size(g) - k + len(vunit) > hi:
                    continue
                if size(h) - len(vunit) + k < lo or size(g) - k + len(vunit) < lo:
                    continue
                delta = (
                    state.cost_in(unit, h, absent=vunit)
                    - here
                    + state.cost_in(vunit, g, absent=unit)
                    - state.cost_in(vunit, h)
                )
                if delta < best_delta:
                    best_delta, best_move = delta, (h, other)
        if best_move is None:
            return None
        h, other = best_move
        for pid in unit:
            state.remove(pid)
        if other is not None:
            for pid in units[other]:
                state.remove(pid)
                state.add(g, pid)
        for pid in unit:
            state.add(h, pid)
        return best_delta

    order = list(range(len(units)))
    calm = 0
    bound = _spread_bound(index, [len(members) for members in state.members])
    while time.perf_counter() < deadline:
        if _perfect(state, index, bound):
            return  # every rule kept, no repeats, spread at its bound: nothing to improve
        rng.shuffle(order)
        # units with a hard breach or a repeat first
        order.sort(key=lambda u: -state.cost_in(units[u], state.where[units[u][0]]) // HARD)
        improved = False
        for step, u in enumerate(order):
            if step % 64 == 0 and time.perf_counter() >= deadline:
                return
            delta = try_unit(u, sideways=calm > 0 and rng.random() < 0.3)
            improved |= delta is not None and delta < -1e-9
        # After a pass without gain, sideways moves (equal cost) walk the plateau: the
        # spread has many equal solutions, and one of them may let a repeat go.
        calm = 0 if improved else calm + 1
        if calm > patience:
            return


def _perfect(state: _State, index: _Index, bound: float) -> bool:
    spread = 0.0
    for g, members in enumerate(state.members):
        for a, (_, w) in enumerate(index.attrs):
            same = sum(_pairs(c) for c in state.counts[g][a].values())
            spread += w * (_pairs(len(members)) - same)
        for pid in members:
            if any(o in members for o in index.cannot.get(pid, ())):
                return False
            if any(o in members for o in index.earlier.get(pid, ())):
                return False
    return spread >= bound - 1e-9


def form_mixed(
    people: Sequence[Person], rules: Rules, *, seed: int = 0, time_limit: float = 0.5
) -> Proposal:
    """Mixed groups: managers of different departments together, nobody with their own
    manager or direct report, attributes spread evenly, few repeats of earlier rounds.

    Construction deals people, sorted by their spread attributes, round-robin over the groups:
    that alone spreads every attribute in the sorted order as evenly as possible. A local
    search (unit moves and swaps) then repairs broken rules and removes repeats.
    """
    began = time.perf_counter()
    index = _Index(people, rules, mixed=True)
    rng = random.Random(seed)
    notes: list[Note] = []
    for unit in index.units:
        if len(unit) > rules.max_size:
            notes.append(Note(NOTE_UNIT_TOO_LARGE, {"people": list(unit), "max": rules.max_size}))
        inside = [[a, b] for a in unit for b in index.cannot.get(a, ()) if b in unit and a < b]
        if inside:
            notes.append(Note(NOTE_CONTRADICTION, {"pairs": inside}))
    n = len(index.ids)
    m, why = _group_count(n, rules)
    notes += why
    if m == 0:
        return _report(index, [], notes)
    base, extra = divmod(n, m)
    capacity = [base + (g < extra) for g in range(m)]
    state = _State(index, [[] for _ in range(m)])
    # multi-person units first (largest first), then singles in attribute order
    tiebreak = {pid: rng.random() for pid in index.ids}

    # Values get a random rank per seed: runs stay contiguous (so the spread stays perfect)
    # but who lands next to whom changes between rounds, which avoids most repeats.
    rank: dict[tuple[int, str | None], float] = {}
    for a in range(len(index.attrs)):
        for value in sorted({index.values[pid][a] for pid in index.ids}, key=str):
            rank[(a, value)] = rng.random()
    # the coarsest attribute (fewest values) outermost, so the finer ones nest inside it
    ordered = sorted(
        range(len(index.attrs)),
        key=lambda a: (len({index.values[pid][a] for pid in index.ids}), -index.attrs[a][1]),
    )

    def key(unit: list[str]) -> tuple:
        values = index.values[unit[0]]
        return (-len(unit), *(rank[(a, values[a])] for a in ordered), tiebreak[unit[0]])

    cursor = 0
    for unit in sorted(index.units, key=key):
        g = _place(state, unit, ((cursor + k) % m for k in range(m)), capacity)
        for pid in unit:
            state.add(g, pid)
        cursor = (g + 1) % m
    _improve(state, index, rules, rng, began + time_limit)
    return _report(index, state.groups(), notes)


# --- structured mode ------------------------------------------------------------------------


def _split_evenly(members: list[str], parts: int) -> list[list[str]]:
    base, extra = divmod(len(members), parts)
    out, start = [], 0
    for k in range(parts):
        end = start + base + (k < extra)
        out.append(members[start:end])
        start = end
    return out


def form_structured(
    people: Sequence[Person], rules: Rules, *, head_in_department: bool = False
) -> Proposal:
    """Groups along the organisation: team leaders with their department's MT, department
    heads and directors with their directorate. With `head_in_department` a department head
    also sits in their own department's MT group (so in two groups).

    A group above the maximum is split evenly; a group below the minimum is merged with the
    nearest related group (the same directorate: the smallest group there; a merge that ends
    up above the maximum is then split evenly), and its report says so.
    """
    index = _Index(people, rules, mixed=False)
    groups: dict[tuple, list[str]] = {}
    labels: dict[tuple, str] = {}
    directorate_of: dict[tuple, str | None] = {}
    notes: list[Note] = []
    for p in people:
        keys = []
        if p.role == TEAM_LEADER and p.department:
            keys.append((DEPARTMENT, p.department))
        elif p.role == TEAM_LEADER:
            notes.append(Note(NOTE_OUTSIDE_DEPARTMENT, {"person": p.id}))
            keys.append((DIRECTORATE, p.directorate))
        else:
            keys.append((DIRECTORATE, p.directorate))
            if p.role == DEPARTMENT_HEAD and head_in_department and p.department:
                keys.append((DEPARTMENT, p.department))
        for key in keys:
            groups.setdefault(key, []).append(p.id)
            labels[key] = _label(key[0], key[1] or "")
            if key[0] == DIRECTORATE or key not in directorate_of:
                directorate_of[key] = p.directorate if key[0] == DIRECTORATE else None
            if key[0] == DEPARTMENT and directorate_of.get(key) is None:
                directorate_of[key] = p.directorate
    # (members, notes, directorate, label, {"kind", "unit"} for the notes)
    pending = [
        (
            list(v),
            [Note(NOTE_MANAGEMENT_TEAM, {"kind": k[0], "unit": k[1] or ""})],
            directorate_of[k],
            labels[k],
            {"kind": k[0], "unit": k[1] or ""},
        )
        for k, v in groups.items()
    ]
    # merge small groups with the nearest related group: same directorate, smallest first
    pending.sort(key=lambda item: (str(item[2]), item[3]))
    changed = True
    while changed:
        changed = False
        for k, (members, why, directorate, _, name) in enumerate(pending):
            if len(members) >= rules.min_size:
                continue
            related = [j for j, other in enumerate(pending) if j != k and other[2] == directorate]
            if not related:
                why.append(Note(NOTE_NO_MERGE, {"size": len(members), "min": rules.min_size}))
                continue
            j = min(related, key=lambda j: (len(pending[j][0]), pending[j][3]))
            other = pending[j]
            into_size = len(other[0])
            other[0].extend(m for m in members if m not in other[0])
            other[1].append(
                Note(
                    NOTE_MERGED,
                    {
                        **name,
                        "size": len(members),
                        "min": rules.min_size,
                        "into_kind": other[4]["kind"],
                        "into_unit": other[4]["unit"],
                        "into_size": into_size,
                    },
                )
            )
            del pending[k]
            changed = True
            break
    final: list[list[str]] = []
    group_notes: dict[int, list[Note]] = {}
    for members, why, _, _, name in pending:
        if len(members) > rules.max_size:
            parts = math.ceil(len(members) / rules.max_size)
            pieces = _split_evenly(members, parts)
            split = Note(
                NOTE_SPLIT,
                {
                    **name,
                    "size": len(members),
                    "max": rules.max_size,
                    "parts": parts,
                    "smallest": len(pieces[-1]),
                    "largest": len(pieces[0]),
                },
            )
            for piece in pieces:
                group_notes[len(final)] = why + [split]
                final.append(piece)
        else:
            group_notes[len(final)] = why
            final.append(members)
    return _report(index, final, notes, group_notes)


# --- amending a running round ---------------------------------------------------------------


def amend(
    people: Sequence[Person],
    groups: Sequence[Sequence[str]],
    rules: Rules,
    *,
    mixed: bool = True,
) -> Proposal:
    """Update a running round after joiners, leavers and moves, without reshuffling.

    `people` is everyone who takes part now. Members no longer in `people` leave their group;
    members whose group now breaks a hard rule (e.g. after a move they sit with their new
    manager) are taken out and placed again; everyone not yet in a group is placed where rules
    and objectives fit best. A group below the minimum is then fixed by the smallest change:
    either topped up from groups that can spare members or dissolved into groups with room,
    whichever moves fewer people.
    """
    index = _Index(people, rules, mixed)
    notes: list[Note] = []
    group_notes: dict[int, list[Note]] = defaultdict(list)
    kept: list[list[str]] = []
    for g, group in enumerate(groups):
        stay = [pid for pid in group if pid in index.people]
        for pid in group:
            if pid not in index.people:
                group_notes[g].append(Note(NOTE_LEFT, {"person": pid}))
        kept.append(stay)
    state = _State(index, kept)
    # movers: people whose place now breaks a hard rule
    for pid in list(state.where):
        g = state.where[pid]
        if any(other in state.members[g] for other in index.cannot.get(pid, ())):
            unit = index.units[index.unit_of[pid]]
            for member in unit:
                if state.where.get(member) == g:
                    state.remove(member)
            group_notes[g].append(Note(NOTE_MOVED_OUT, {"person": pid}))
    # keep units whole: a unit split over groups is gathered where most of it sits
    for unit in index.units:
        places = Counter(state.where[pid] for pid in unit if pid in state.where)
        if len(places) > 1:
            for pid in unit:
                if pid in state.where:
                    state.remove(pid)
    waiting = [unit for unit in index.units if not any(pid in state.where for pid in unit)]
    waiting += [
        [pid for pid in unit if pid not in state.where]
        for unit in index.units
        if any(pid in state.where for pid in unit) and not all(pid in state.where for pid in unit)
    ]
    m = len(state.members)
    for unit in sorted(waiting, key=lambda u: (-len(u), u)):
        home = next(
            (state.where[pid] for pid in index.units[index.unit_of[unit[0]]] if pid in state.where),
            None,
        )
        if home is not None:  # the rest of a must-link unit already has a group
            choice = home
        else:
            options = [g for g in range(m) if len(state.members[g]) + len(unit) <= rules.max_size]
            choice = min(
                options,
                key=lambda g: (state.cost_in(unit, g), len(state.members[g]), g),
                default=None,
            )
            if choice is None or state.cost_in(unit, choice) >= HARD:
                state.members.append(set())
                state.counts.append([Counter() for _ in index.attrs])
                m += 1
                choice = m - 1
                group_notes[choice].append(Note(NOTE_NEW_GROUP))
        for pid in unit:
            state.add(choice, pid)
        group_notes[choice].append(Note(NOTE_JOINED, {"people": list(unit)}))
    _fix_small(state, index, rules, group_notes)
    live = [g for g in range(len(state.members)) if state.members[g]]
    every = state.groups()
    result_groups = [every[g] for g in live]
    renumbered = {new: group_notes.get(old, []) for new, old in enumerate(live)}
    for old in range(len(state.members)):
        if old not in live and group_notes.get(old):
            notes.append(
                Note(
                    NOTE_GROUP_DISSOLVED,
                    {"number": old + 1, "notes": [note.as_json() for note in group_notes[old]]},
                )
            )
    return _report(index, result_groups, notes, renumbered)


def _fix_small(
    state: _State, index: _Index, rules: Rules, group_notes: dict[int, list[Note]]
) -> None:
    lo, hi = rules.min_size, rules.max_size
    while True:
        small = [g for g, members in enumerate(state.members) if 0 < len(members) < lo]
        if not small:
            return
        g = min(small, key=lambda g: (len(state.members[g]), g))
        size = len(state.members[g])
        deficit = lo - size
        others = [h for h, members in enumerate(state.members) if h != g and members]
        spare = sum(max(0, len(state.members[h]) - lo) for h in others)
        room = sum(max(0, hi - len(state.members[h])) for h in others)
        if spare >= deficit and (deficit <= size or room < size):
            # top up: take the people who fit best, one at a time, from groups above minimum
            for _ in range(deficit):
                best = None
                for h in others:
                    if len(state.members[h]) <= lo:
                        continue
                    for pid in sorted(state.members[h]):
                        unit = index.units[index.unit_of[pid]]
                        if len(unit) > 1:
                            continue
                        delta = state.cost_in(unit, g) - state.cost_in(unit, h)
                        if best is None or delta < best[0]:
                            best = (delta, pid, h)
                if best is None:
                    break
                _, pid, h = best
                state.remove(pid)
                state.add(g, pid)
                group_notes[h].append(Note(NOTE_MOVED_TO_SMALL, {"person": pid}))
                group_notes[g].append(Note(NOTE_TOPPED_UP, {"person": pid, "min": lo}))
            if len(state.members[g]) < lo:
                return  # cannot fix further; the report shows the size breach
        elif room >= size:
            for pid in sorted(state.members[g]):
                unit = [pid]
                options = [h for h in others if len(state.members[h]) < hi]
                h = min(options, key=lambda h: (state.cost_in(unit, h), len(state.members[h]), h))
                state.remove(pid)
                state.add(h, pid)
                group_notes[h].append(Note(NOTE_JOINED_FROM_DISSOLVED, {"person": pid, "min": lo}))
            group_notes[g].append(Note(NOTE_DISSOLVED, {"min": lo}))
        else:
            group_notes[g].append(Note(NOTE_CANNOT_FIX, {"min": lo}))
            return
