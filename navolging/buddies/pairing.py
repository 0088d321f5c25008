"""The buddy pairing engine: plain Python, no Django.

Participants in, a proposal of pairs out. Every acceptable pair gets an integer score: a mutual
choice counts most, a one-sided choice next, then how well wishes, location and language fit;
people who were left over in earlier rounds add a bonus to every pair they could be in, so they
are paired first. The engine maximises the total score over all pairs (a maximum weight
matching) on a candidate graph: each person's named choices plus their ``k`` best-fitting
acceptable candidates.

Hard rules (``refusal``): never oneself, never across a "not with" (either direction), never a
person with their own manager or direct report, never a pair that was declined before, and the
same team only when both allow it.

The optimiser (``match``): the linear relaxation solved by an auction, its cycles rounded to
pairs, augmenting paths guided by its duals, then local search; measured within 0.01% of the
exact optimum (rustworkx) at 20,000 people in about 2.5 s, see docs/buddy-engine.md. The kernels
run as plain Python on small graphs and compiled with numba (cached on disk) on large ones.
Deterministic for a seed: ties are broken by a random generator seeded with it, and nothing
depends on set or hash order. Participant ids must be unique and sortable.
"""

from __future__ import annotations

import functools
import heapq
import time
import types
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Wishes a participant can tick; each fits as described in `_wish_fits`.
LISTENING_EAR = "listening_ear"  # someone to talk to: fits another who wants a listening ear
SHARE_EXPERIENCE = "share_experience"  # pass on what I know: fits another sharer, or a newcomer
NEW_IN_ROLE = "new_in_role"  # new in my role: fits someone who shares experience, or another new
OTHER_DEPARTMENT = "other_department"  # learn from another part: fits only across departments
CAREER = "career"  # talk about growth and career: fits another who wants the same
WISHES = (LISTENING_EAR, SHARE_EXPERIENCE, NEW_IN_ROLE, OTHER_DEPARTMENT, CAREER)

# Reason codes (`Reason.code`), strongest first; the app translates them.
MUTUAL_CHOICE = "mutual_choice"  # {}: you both named each other
NAMED_BY = "named_by"  # {"by", "named"}: one of you named the other
WAITED = "waited"  # {"person", "rounds"}: this person was left over before, so goes first
SHARED_WISH = "shared_wish"  # {"wish"}: you both want this
EXPERIENCE_FOR_NEW = "experience_for_new"  # {"new", "experienced"}: new in role meets a sharer
SAME_LOCATION = "same_location"  # {"location"}
SAME_LANGUAGE = "same_language"  # {"language"}
SAME_TEAM = "same_team"  # {}: same team, and you both said that is fine

# Refusal codes (`refusal`): why a pair can never be proposed.
SELF = "self"
NOT_WITH = "not_with"
MANAGER = "manager"
DECLINED = "declined"
OWN_TEAM = "own_team"

# Below this many edges the kernels run as plain Python: cheaper than loading numba.
PYTHON_EDGES = 20_000


@dataclass(frozen=True)
class Participant:
    id: Hashable  # sortable and unique in the pool (employee number, user id)
    team: Hashable | None = None
    department: Hashable | None = None
    directorate: Hashable | None = None  # for the app; the score does not use it
    manager: Hashable | None = None  # id of this person's own manager
    wishes: frozenset[str] = frozenset()  # codes from WISHES
    location: str | None = None
    language: str | None = None  # "nl", "en"
    own_team_ok: bool = False  # may be paired within their own team
    trusted: tuple[Hashable, ...] = ()  # up to 3 colleagues this person named
    not_with: frozenset[Hashable] = frozenset()
    waiting: int = 0  # rounds this person was left over before


@dataclass(frozen=True)
class Weights:
    """Points per pair. Defaults keep mutual >> one-sided >> fit: the most a fit can add
    (2 wishes + location + language = 190) stays below a one-sided choice (400), and two
    one-sided pairs (800) below one mutual pair (1000)."""

    pair: int = 100  # every acceptable pair: more pairs beat fewer
    mutual_choice: int = 1000
    named: int = 400  # one named the other
    wish: int = 60  # per fitting wish, at most `max_wish_fits` of them
    max_wish_fits: int = 2
    same_location: int = 40
    same_language: int = 30
    waiting: int = 300  # per round left over before, per person in the pair
    waiting_cap: int = 3  # rounds counted at most

    def __post_init__(self) -> None:
        # The candidate graph's bounds assume that a fit can only add points.
        if any(not isinstance(v, int) or v < 0 for v in vars(self).values()):
            raise ValueError("weights are non-negative integers")

    def waiting_bonus(self, person: Participant) -> int:
        return self.waiting * min(max(person.waiting, 0), self.waiting_cap)


WEIGHTS = Weights()


@dataclass(frozen=True)
class Reason:
    """What a pair has in common: a code and its parameters (ids, wish codes), no sentences."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        """Plain English with ids (bench, logs); the app translates the code instead."""
        text = _REASON_TEXTS.get(self.code)
        return text.format(**self.params) if text else f"{self.code}: {dict(self.params)}"

    def as_json(self) -> dict:
        return {"code": self.code, "params": dict(self.params)}


_REASON_TEXTS = {
    MUTUAL_CHOICE: "you both named each other",
    NAMED_BY: "{by} named {named}",
    WAITED: "{person} was left over {rounds} time(s) before",
    SHARED_WISH: "you both want: {wish}",
    EXPERIENCE_FOR_NEW: "{new} is new in the role, {experienced} wants to share experience",
    SAME_LOCATION: "you both work at {location}",
    SAME_LANGUAGE: "you both speak {language}",
    SAME_TEAM: "same team, and you both said that is fine",
}


@dataclass(frozen=True)
class Pair:
    a: Hashable
    b: Hashable
    score: int
    reasons: tuple[Reason, ...]


@dataclass
class Proposal:
    pairs: list[Pair]
    unpaired: list[Hashable]  # left over: tell them kindly, raise `waiting` for next round

    @property
    def total(self) -> int:
        return sum(pair.score for pair in self.pairs)


@dataclass(frozen=True)
class CandidateGraph:
    """Undirected, one row per edge with ``u < v`` (indices into ``ids``), sorted."""

    ids: tuple[Hashable, ...]
    u: np.ndarray  # int64
    v: np.ndarray  # int64
    w: np.ndarray  # int64, the pair's score

    @property
    def edges(self) -> int:
        return len(self.w)

    def weights(self) -> dict[tuple[int, int], int]:
        """{(u, v): score} with u < v."""
        rows = zip(self.u.tolist(), self.v.tolist(), self.w.tolist(), strict=True)
        return {(a, b): w for a, b, w in rows}


# --- the rules: one place ---------------------------------------------------------------------


def declined_set(declined: Iterable[Iterable[Hashable]]) -> frozenset[frozenset]:
    return frozenset(frozenset(pair) for pair in declined)


def refusal(a: Participant, b: Participant, declined: Collection[frozenset] = ()) -> str | None:
    """The hard rule that forbids pairing `a` with `b`, or None when they may be paired."""
    if a.id == b.id:
        return SELF
    if b.id in a.not_with or a.id in b.not_with:
        return NOT_WITH
    if (a.manager is not None and a.manager == b.id) or (
        b.manager is not None and b.manager == a.id
    ):
        return MANAGER
    if a.team is not None and a.team == b.team and not (a.own_team_ok and b.own_team_ok):
        return OWN_TEAM
    if declined and frozenset((a.id, b.id)) in declined:
        return DECLINED
    return None


def _wish_fits(a: Participant, b: Participant) -> list[Reason]:
    fits = []
    for wish in sorted(a.wishes & b.wishes):
        if wish != OTHER_DEPARTMENT or a.department != b.department:
            fits.append(Reason(SHARED_WISH, {"wish": wish}))
    for new, old in ((a, b), (b, a)):
        if NEW_IN_ROLE in new.wishes and SHARE_EXPERIENCE in old.wishes:
            fits.append(Reason(EXPERIENCE_FOR_NEW, {"new": new.id, "experienced": old.id}))
    return fits


def _assess(a: Participant, b: Participant, weights: Weights, why: list[Reason] | None) -> int:
    """The score of an allowed pair; appends the reasons to `why` when given."""
    score = weights.pair
    a_named, b_named = b.id in a.trusted, a.id in b.trusted
    if a_named and b_named:
        score += weights.mutual_choice
        if why is not None:
            why.append(Reason(MUTUAL_CHOICE))
    elif a_named or b_named:
        score += weights.named
        if why is not None:
            by, named = (a, b) if a_named else (b, a)
            why.append(Reason(NAMED_BY, {"by": by.id, "named": named.id}))
    for person in (a, b):
        bonus = weights.waiting_bonus(person)
        if bonus:
            score += bonus
            if why is not None:
                why.append(Reason(WAITED, {"person": person.id, "rounds": person.waiting}))
    if a.wishes and b.wishes:
        fits = _wish_fits(a, b)
        score += weights.wish * min(len(fits), weights.max_wish_fits)
        if why is not None:
            why.extend(fits)
    if a.location is not None and a.location == b.location:
        score += weights.same_location
        if why is not None:
            why.append(Reason(SAME_LOCATION, {"location": a.location}))
    if a.language is not None and a.language == b.language:
        score += weights.same_language
        if why is not None:
            why.append(Reason(SAME_LANGUAGE, {"language": a.language}))
    if why is not None and a.team is not None and a.team == b.team:
        why.append(Reason(SAME_TEAM))
    return score


def score_pair(
    a: Participant,
    b: Participant,
    *,
    weights: Weights = WEIGHTS,
    declined: Collection[frozenset] = (),
) -> int | None:
    """The pair's score (symmetric), or None when a hard rule forbids it."""
    if refusal(a, b, declined) is not None:
        return None
    return _assess(a, b, weights, None)


def explain(a: Participant, b: Participant, *, weights: Weights = WEIGHTS) -> tuple[Reason, ...]:
    """What the two have in common, strongest first, for the message to both of them."""
    why: list[Reason] = []
    _assess(a, b, weights, why)
    return tuple(why)


# --- the candidate graph ----------------------------------------------------------------------


def _profile(person: Participant, weights: Weights) -> tuple:
    """Everything the score of two strangers depends on, apart from their departments."""
    wishes = tuple(sorted(person.wishes))
    location = (person.location is None, person.location or "")
    return (location, person.language or "", wishes, weights.waiting_bonus(person))


def candidate_graph(
    people: Sequence[Participant],
    *,
    declined: Iterable[Iterable[Hashable]] = (),
    weights: Weights = WEIGHTS,
    k: int = 10,
    spread: int = 2,
    seed: int = 0,
) -> CandidateGraph:
    """Each person's named choices plus their `k` best-scoring acceptable candidates.

    Without scoring all n² pairs: people are bucketed by profile (location, language, wishes,
    waiting bonus). The score of two strangers is at most the score of their buckets' stand-ins
    (same profile, different departments), so a person visits buckets in decreasing order of
    that bound and stops once `k` candidates score at least the next bucket's bound. Inside a
    bucket everyone starts at their own seeded offset, so equal candidates are spread.

    A candidate is offered to at most `spread * k` people (named choices do not count): without
    that cap the few who fit everyone (many wishes, the main location) would be everybody's
    candidates and most people would have no pair left in the graph. People choose in a seeded
    order, those left over before first.
    """
    people = sorted(people, key=lambda p: p.id)
    ids = tuple(p.id for p in people)
    if len(set(ids)) != len(ids):
        raise ValueError("participant ids must be unique")
    index = {pid: i for i, pid in enumerate(ids)}
    declined = declined_set(declined)
    rng = np.random.default_rng(seed)
    edges: dict[tuple[int, int], int] = {}

    for i, a in enumerate(people):
        for named in a.trusted:
            j = index.get(named)
            if j is not None and (min(i, j), max(i, j)) not in edges:
                s = score_pair(a, people[j], weights=weights, declined=declined)
                if s is not None:
                    edges[min(i, j), max(i, j)] = s

    keys = sorted({_profile(p, weights) for p in people})
    number = {key: n for n, key in enumerate(keys)}
    bucket_of = [number[_profile(p, weights)] for p in people]
    buckets: list[list[int]] = [[] for _ in keys]
    for i, n in enumerate(bucket_of):
        buckets[n].append(i)
    bound = _bounds([people[members[0]] for members in buckets], weights)
    # Among buckets of equal score, first those with the fewest better options elsewhere, then
    # one's own: otherwise people who fit nobody in particular all pick the popular ones, who
    # pick each other, and nobody picks them.
    appeal = bound.max(axis=1)
    tie = rng.permutation(len(keys))
    offsets = rng.integers(0, len(people), size=len(people)).tolist()
    visit: dict[int, list[int]] = {}
    reaches: dict[int, list[int]] = {}
    offered = [0] * len(people)
    turn = rng.permutation(len(people)).tolist()
    turn.sort(key=lambda i: -weights.waiting_bonus(people[i]))

    for i in turn:
        a = people[i]
        p = bucket_of[i]
        if p not in visit:
            visit[p] = np.lexsort((tie, np.arange(len(keys)) != p, appeal, -bound[p])).tolist()
            reaches[p] = bound[p].tolist()
        best: list[tuple[int, int, int]] = []  # (score, -found, j): the worst on top
        found = 0
        reach_of = reaches[p]
        empty = 0
        for q in visit[p]:
            reach = reach_of[q]
            if len(best) == k and reach <= best[0][0]:
                break
            members = buckets[q]
            if not members:
                empty += 1
                continue
            size, start = len(members), offsets[i]
            for step in range(size):
                j = members[(start + step) % size]
                s = score_pair(a, people[j], weights=weights, declined=declined)
                if s is None:
                    continue
                found += 1
                if len(best) < k:
                    heapq.heappush(best, (s, -found, j))
                elif s > best[0][0]:
                    heapq.heapreplace(best, (s, -found, j))
                if len(best) == k and reach <= best[0][0]:
                    break
        if empty > 16:  # buckets emptied by the cap stay empty: stop walking past them
            visit[p] = [q for q in visit[p] if buckets[q]]
        for s, _, j in best:
            edges.setdefault((min(i, j), max(i, j)), s)
            offered[j] += 1
            if offered[j] == spread * k:
                buckets[bucket_of[j]].remove(j)

    pairs = sorted(edges)
    u = np.array([e[0] for e in pairs], dtype=np.int64)
    v = np.array([e[1] for e in pairs], dtype=np.int64)
    w = np.array([edges[e] for e in pairs], dtype=np.int64)
    return CandidateGraph(ids, u, v, w)


def _bounds(members: list[Participant], weights: Weights) -> np.ndarray:
    """The score of two strangers from these buckets in different departments: their upper
    bound. The score is a sum of independent parts (wishes, location, language, waiting), so
    the table is assembled from one small table per part, each computed by the same rules
    (`_assess`) on stand-ins that differ only in that part."""

    def stand_in(n: int, **part: Any) -> Participant:
        return Participant(id=("stand-in", n), department=("stand-in", n), **part)

    base = _assess(stand_in(0), stand_in(1), weights, None)
    bound = np.full((len(members), len(members)), base, dtype=np.int64)
    for part in ("wishes", "location", "language", "waiting"):
        code: dict[Any, int] = {}
        of = np.array([code.setdefault(getattr(p, part), len(code)) for p in members])
        values = list(code)
        table = np.array(
            [
                [_assess(stand_in(0, **{part: x}), stand_in(1, **{part: y}), weights, None) - base
                 for y in values]
                for x in values
            ],
            dtype=np.int64,
        )  # fmt: skip
        bound += table[of[:, None], of[None, :]]
    return bound


# --- the optimiser ----------------------------------------------------------------------------

# The auction works in integers: scores times SCALE, and its last phase bids in steps of 1, so
# its assignment is within n / SCALE points of the relaxation's optimum.
SCALE = 16
EPSILON_FACTOR = 5  # each auction phase divides the bid step by this


def match(
    graph: CandidateGraph,
    *,
    seed: int = 0,
    start: np.ndarray | None = None,
    compiled: bool | None = None,
) -> np.ndarray:
    """A maximum weight matching, or close to it: each node's partner (index) or -1.

    1. The relaxation: a maximum weight fractional matching, solved as an assignment on the
       bipartite double cover (each node once as bidder, once as object; bidding for your own
       object means staying single) by Bertsekas' auction with epsilon scaling. It sees the
       whole graph, including the long alternating chains no local move reaches.
    2. Rounding: the assignment is a set of cycles. Two-cycles are pairs; of a longer even cycle
       take the heavier half; of an odd cycle the heaviest matching that leaves one node out.
    3. Augmenting paths from those the rounding left out, guided by the relaxation's duals:
       from each, a Dijkstra search over alternating paths on reduced costs finds the path
       with the best gain (to another free node, or shifting who stays free). Blossoms are
       ignored: a node is labelled once, as in the bipartite case.
    4. Local search until no move gains: for each node u (seeded order) and edge u-v, take u-v,
       drop u's and v's pairs, re-pair their old partners with each other or with free
       neighbours (augmenting paths and cycles of up to five edges). Every move raises the
       integer total, so it ends.

    `start`: a matching to improve on (partners or -1; its pairs must be edges of the graph):
    skips steps 1 to 3.

    `compiled`: run the numba kernels (True) or the same code as plain Python (False); by
    default plain Python up to PYTHON_EDGES edges, where loading numba costs more than it saves.
    Both give the same result.
    """
    n, m = len(graph.ids), graph.edges
    rng = np.random.default_rng(seed)
    own = np.arange(n, dtype=np.int64)
    src = np.concatenate((graph.u, graph.v, own))
    dst = np.concatenate((graph.v, graph.u, own))
    weight = np.concatenate((graph.w, graph.w, np.zeros(n, dtype=np.int64)))
    arcs = np.lexsort((rng.permutation(2 * m + n), src))  # ties go to a seeded order
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    nbr, wt = dst[arcs], weight[arcs]
    top = int(graph.w.max()) * SCALE if m else 1

    def ints(fill: int) -> np.ndarray:
        return np.full(n, fill, dtype=np.int64)

    # indptr, nbr, wt, visit; price, owner, arc_of, queue; mate, paid, mark; 6 for `augment`
    arrays = [indptr, nbr, wt, rng.permutation(n), ints(0), ints(-1), ints(-1), ints(0)]
    arrays += [ints(-1), ints(0), ints(0)] + [ints(0) for _ in range(6)]
    if compiled is None:
        compiled = m > PYTHON_EDGES
    if compiled:
        auction, rounding, augment, improve = _compiled()
    else:  # lists index faster than arrays in plain Python
        auction, rounding, augment, improve = _auction, _rounding, _augment, _improve
        arrays = [a.tolist() for a in arrays]
    indptr, nbr, wt, visit, price, owner, arc_of, queue, mate, paid, mark = arrays[:11]
    scratch = arrays[11:]
    if start is None:
        auction(indptr, nbr, wt, SCALE, max(top // 4, 1), EPSILON_FACTOR, visit, price, owner,
                arc_of, queue)  # fmt: skip
        rounding(nbr, wt, arc_of, mate, paid, mark)
        augment(visit, indptr, nbr, wt, SCALE, price, mate, paid, *scratch)
    else:
        weight_of = graph.weights()
        for i, j in enumerate(start.tolist()):
            mate[i] = j
            paid[i] = weight_of[min(i, j), max(i, j)] if j >= 0 else 0
    improve(visit, indptr, nbr, wt, mate, paid, mark, queue)
    return np.asarray(mate, dtype=np.int64)


def _auction(indptr, nbr, wt, scale, eps, factor, visit, price, owner, arc_of, queue):
    """Assign every node (bidder) an object (node) maximising the total, self arcs included.

    Gauss-Seidel auction: an unassigned bidder takes its best object at the current prices and
    raises that price by the margin over its second best plus eps; the previous owner bids
    again. Each phase divides eps; prices carry over. `arc_of[i]` ends as i's arc in `nbr`.
    """
    n = len(visit)
    while True:
        for j in range(n):
            owner[j] = -1
            arc_of[j] = -1
            queue[j] = visit[j]
        head, waiting = 0, n
        while waiting > 0:
            i = queue[head]
            head = (head + 1) % n
            waiting -= 1
            best, second, arc = -(1 << 62), -(1 << 62), -1
            for e in range(indptr[i], indptr[i + 1]):
                value = wt[e] * scale - price[nbr[e]]
                if value > best:
                    second, best, arc = best, value, e
                elif value > second:
                    second = value
            if arc < 0:
                continue
            if second == -(1 << 62):  # a single arc: bid the minimum
                second = best
            j = nbr[arc]
            price[j] += best - second + eps
            previous = owner[j]
            owner[j] = i
            arc_of[i] = arc
            if previous >= 0:
                arc_of[previous] = -1
                queue[(head + waiting) % n] = previous
                waiting += 1
        if eps == 1:
            return 0
        eps = max(eps // factor, 1)


def _rounding(nbr, wt, arc_of, mate, paid, cycle):
    """Pairs from the assignment's cycles: the heavier half of an even cycle, the heaviest
    matching of an odd one (all but one node). `cycle` is scratch."""
    n = len(arc_of)
    for i in range(n):
        mate[i] = -2  # not visited
    for start in range(n):
        if mate[start] != -2:
            continue
        size = 0
        i = start
        while mate[i] == -2:
            mate[i] = -1
            cycle[size] = i
            size += 1
            i = nbr[arc_of[i]]
        if size < 2:
            continue
        # Edge t joins cycle[t] and cycle[t + 1]; taking edges first, first + 2, ...
        if size % 2 == 0:
            even, odd = 0, 0
            for t in range(0, size, 2):
                even += wt[arc_of[cycle[t]]]
                odd += wt[arc_of[cycle[t + 1]]]
            first, count = (0 if even >= odd else 1), size // 2
        else:
            # Leaving out node s takes edges s+1, s+3, ..., s+size-2; moving s by two swaps
            # edge s+1 for edge s.
            total = 0
            for t in range(1, size - 1, 2):
                total += wt[arc_of[cycle[t]]]
            best, first, s = total, 1, 0
            for _ in range(size - 1):
                total += wt[arc_of[cycle[s]]] - wt[arc_of[cycle[(s + 1) % size]]]
                s = (s + 2) % size
                if total > best:
                    best, first = total, (s + 1) % size
            count = size // 2
        for t in range(count):
            a = cycle[(first + 2 * t) % size]
            b = cycle[(first + 2 * t + 1) % size]
            mate[a], mate[b] = b, a
            paid[a] = paid[b] = wt[arc_of[a]]
    return 0


def _augment(visit, indptr, nbr, wt, scale, price, mate, paid, dual, dist, seen, par, gain, used):
    """Step 3. `dual[v]` = profit + price: twice v's dual in the fractional matching, scaled,
    so an edge's reduced cost `dual[u] + dual[v] - 2 scale w` is never negative. The others
    are scratch. `gain[x]`: new minus old weight along the search tree's path to x."""
    n = len(mate)
    top = 0
    for v in range(n):
        best = -price[v]
        for e in range(indptr[v], indptr[v + 1]):
            best = max(best, wt[e] * scale - price[nbr[e]])
        dual[v] = best + price[v]
        seen[v] = 0
        used[v] = 0
        if mate[v] < 0:
            top = max(top, dual[v])
    stamp = 0
    for s in visit:
        if mate[s] >= 0:
            continue
        stamp += 1
        seen[s], dist[s], par[s], gain[s] = stamp, 0, -1, 0
        heap = [(0, s)]
        best, end, last, last_w = 0, -1, -1, 0
        while len(heap) > 0:
            d, x = heapq.heappop(heap)
            if seen[x] == -stamp:  # already final
                continue
            seen[x] = -stamp
            if d >= dual[s] + top:  # no path from here can gain
                break
            if gain[x] > best:  # stop here: x is left free instead of s
                best, end, last, last_w = gain[x], x, -1, 0
            for e in range(indptr[x], indptr[x + 1]):
                z = nbr[e]
                if z == x or z == mate[x] or seen[z] == stamp or seen[z] == -stamp:
                    continue  # an outer node (s included) is never inner: no blossoms
                cost = d + dual[x] + dual[z] - 2 * scale * wt[e]
                z2 = mate[z]
                if z2 < 0:
                    if gain[x] + wt[e] > best:  # augmenting path s ... x-z
                        best, end, last, last_w = gain[x] + wt[e], x, z, wt[e]
                    continue
                cost -= dual[z] + dual[z2] - 2 * scale * paid[z]
                if seen[z2] != -stamp and (seen[z2] != stamp or cost < dist[z2]):
                    seen[z2], dist[z2], par[z2] = stamp, cost, x
                    gain[z2] = gain[x] + wt[e] - paid[z]
                    heapq.heappush(heap, (cost, z2))
        if end < 0:
            continue
        # The path: last - end = mate(end) - par(end) = ... - s. If it is simple, flip it.
        stamp += 1
        x, simple, steps = end, True, 0
        if last >= 0:
            used[last] = stamp
        while x != s and simple:
            y = mate[x]
            simple = used[x] != stamp and used[y] != stamp and steps < n
            used[x] = stamp
            used[y] = stamp
            x = par[x]
            steps += 1
        if not simple or used[s] == stamp:
            continue
        x, partner, weight = end, last, last_w
        while True:
            y, previous, old = mate[x], par[x], paid[x]
            mate[x] = partner
            paid[x] = weight
            if partner >= 0:
                mate[partner] = x
                paid[partner] = weight
            if x == s:
                break
            # y pairs with the previous outer node, by the edge the search took
            partner, weight = y, gain[x] - gain[previous] + old
            x = previous
    return 0


def _best_free(x, skip, indptr, nbr, wt, mate):
    """x's two heaviest edges to free nodes other than `skip`: (y1, w1, y2, w2), -1 if none."""
    y1, w1, y2, w2 = -1, 0, -1, 0
    for e in range(indptr[x], indptr[x + 1]):
        y = nbr[e]
        if mate[y] < 0 and y != skip:
            if wt[e] > w1:
                y2, w2 = y1, w1
                y1, w1 = y, wt[e]
            elif wt[e] > w2:
                y2, w2 = y, wt[e]
    return y1, w1, y2, w2


def _improve(visit, indptr, nbr, wt, mate, paid, mark, markw):
    """Local search; `paid[x]` is the weight of x's pair (0 when free), `mark`/`markw` scratch."""
    for x in range(len(mark)):
        mark[x] = 0
    stamp = 0
    gained = 1
    while gained > 0:
        gained = 0
        for u in visit:
            u2 = mate[u]
            stamp += 1
            x1, xw1, x2, xw2 = -1, 0, -1, 0
            if u2 >= 0:
                for e in range(indptr[u2], indptr[u2 + 1]):
                    mark[nbr[e]] = stamp
                    markw[nbr[e]] = wt[e]
                x1, xw1, x2, xw2 = _best_free(u2, -1, indptr, nbr, wt, mate)
            best, bv, bx, by, cycle = 0, -1, -1, -1, False
            for e in range(indptr[u], indptr[u + 1]):
                v = nbr[e]
                if v == u or v == u2:
                    continue
                v2 = mate[v]
                gain = wt[e] - paid[u] - paid[v]
                x, xw = x1, xw1
                if x == v:  # v is free and would be u's: u2 takes its second choice
                    x, xw = x2, xw2
                y, yw, moved, c = -1, 0, 0, False
                if v2 >= 0:
                    y1, yw1, y2, yw2 = _best_free(v2, u, indptr, nbr, wt, mate)
                    y, yw = y1, yw1
                    if y >= 0 and y == x:  # both want the same free node: the better split
                        if xw + yw2 >= xw2 + yw:
                            y, yw = y2, yw2
                        else:
                            x, xw = x2, xw2
                    moved = xw + yw
                    if u2 >= 0 and mark[v2] == stamp and markw[v2] > moved:
                        moved, c = markw[v2], True
                else:
                    moved = xw
                if gain + moved > best:
                    best, bv, cycle = gain + moved, v, c
                    bx, by = (-1, -1) if c else (x if xw > 0 else -1, y if yw > 0 else -1)
            if bv < 0:
                continue
            v2 = mate[bv]
            wuv = 0
            for e in range(indptr[u], indptr[u + 1]):
                if nbr[e] == bv:
                    wuv = wt[e]
            for z in (u2, v2):
                if z >= 0:
                    mate[z] = -1
                    paid[z] = 0
            mate[u], mate[bv] = bv, u
            paid[u], paid[bv] = wuv, wuv
            if cycle:
                mate[u2], mate[v2] = v2, u2
                paid[u2], paid[v2] = markw[v2], markw[v2]
            for z, t in ((u2, bx), (v2, by)):
                if z >= 0 and t >= 0:
                    for e in range(indptr[z], indptr[z + 1]):
                        if nbr[e] == t:
                            mate[z], mate[t] = t, z
                            paid[z], paid[t] = wt[e], wt[e]
            gained += best
    return 0


@functools.cache
def _compiled():
    """The kernels compiled with numba (imported only for large graphs; cached on disk)."""
    from numba import njit

    best_free = njit(cache=True)(_best_free)
    improve = types.FunctionType(
        _improve.__code__, {**globals(), "_best_free": best_free}, "_improve"
    )
    return (
        njit(cache=True)(_auction),
        njit(cache=True)(_rounding),
        njit(cache=True)(_augment),
        njit(cache=True)(improve),
    )


def propose(
    people: Sequence[Participant],
    *,
    declined: Iterable[Iterable[Hashable]] = (),
    weights: Weights = WEIGHTS,
    k: int = 10,
    seed: int = 0,
) -> Proposal:
    """Pairs with the highest total score the engine finds, each explained; the rest unpaired."""
    graph, mate = solve(people, declined=declined, weights=weights, k=k, seed=seed)
    return proposal_from(people, graph, mate, weights=weights)


def solve(
    people: Sequence[Participant],
    *,
    declined: Iterable[Iterable[Hashable]] = (),
    weights: Weights = WEIGHTS,
    k: int = 10,
    seed: int = 0,
) -> tuple[CandidateGraph, np.ndarray]:
    """The candidate graph and its matching, in two rounds.

    A sparse graph leaves some people without a free candidate although most of them could be
    paired with each other: the second round adds the candidate graph among those the first
    matching left over (for a small remainder, every acceptable pair) and runs the local search
    again from the first matching. (Matching the whole graph afresh would only leave others
    over: the first round's pairs stay, the left over pair up or join exchanges.)
    """
    declined = declined_set(declined)
    graph = candidate_graph(people, declined=declined, weights=weights, k=k, seed=seed)
    mate = match(graph, seed=seed)
    left = np.flatnonzero(mate < 0)
    if len(left) < 2:
        return graph, mate
    by_id = {p.id: p for p in people}
    rest = [by_id[graph.ids[i]] for i in left.tolist()]
    extra = candidate_graph(rest, declined=declined, weights=weights, k=k, seed=seed)
    if not extra.edges:
        return graph, mate
    u, v = left[extra.u], left[extra.v]  # `rest` is in id order, as `graph.ids`
    edges = {}
    for a, b, w in zip(
        np.concatenate((graph.u, u)).tolist(),
        np.concatenate((graph.v, v)).tolist(),
        np.concatenate((graph.w, extra.w)).tolist(),
        strict=True,
    ):
        edges[a, b] = w
    pairs = sorted(edges)
    graph = CandidateGraph(
        graph.ids,
        np.array([e[0] for e in pairs], dtype=np.int64),
        np.array([e[1] for e in pairs], dtype=np.int64),
        np.array([edges[e] for e in pairs], dtype=np.int64),
    )
    return graph, match(graph, seed=seed, start=mate)


def proposal_from(
    people: Sequence[Participant],
    graph: CandidateGraph,
    mate: np.ndarray,
    *,
    weights: Weights = WEIGHTS,
) -> Proposal:
    by_id = {p.id: p for p in people}
    pairs, unpaired = [], []
    for i, j in enumerate(mate.tolist()):
        if j < 0:
            unpaired.append(graph.ids[i])
        elif i < j:
            a, b = by_id[graph.ids[i]], by_id[graph.ids[j]]
            why = explain(a, b, weights=weights)
            pairs.append(Pair(a.id, b.id, _assess(a, b, weights, None), why))
    return Proposal(pairs, unpaired)


def warm_up() -> float:
    """Load (or the first time, compile) the numba kernels; returns seconds taken."""
    start = time.perf_counter()
    _compiled()
    graph = CandidateGraph((0, 1), *(np.array([x], dtype=np.int64) for x in (0, 1, 1)))
    match(graph, compiled=True)
    return time.perf_counter() - start
