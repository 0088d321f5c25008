"""The buddy pairing engine (navolging/buddies/pairing.py): plain pytest, no database."""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from navolging.buddies import pairing as pg
from navolging.buddies.pairing import Participant

ROOT = Path(__file__).resolve().parents[3]
CLOSE = 0.005  # the target: within 0.5% of the optimum


def person(pid: int | str, **kwargs) -> Participant:
    """A participant who fits nobody in particular, in a team of their own."""
    kwargs.setdefault("team", f"team-{pid}")
    kwargs.setdefault("department", f"dep-{pid}")
    return Participant(id=pid, **kwargs)


def pool(size: int, seed: int, *, ids=int) -> tuple[list[Participant], set[frozenset]]:
    """A small organisation: departments of teams with managers, choices, wishes, refusals."""
    rng = random.Random(seed)
    rows = []
    for n in range(size):
        team = n // 8
        department = team // 4
        manager = team * 8 if n % 8 else (department * 32 if team % 4 else None)
        rows.append((n, team, department, manager))
    people = []
    for n, team, department, manager in rows:
        near = [m for m in range(max(0, n - 12), min(size, n + 12)) if m != n]
        trusted = rng.sample(near, rng.randint(1, 3)) if rng.random() < 0.6 and near else []
        people.append(
            Participant(
                id=ids(n),
                team=team,
                department=department,
                directorate=department // 3,
                manager=None if manager is None or manager == n else ids(manager),
                wishes=frozenset(w for w in pg.WISHES if rng.random() < 0.3),
                location=rng.choice(["Utrecht", "Zwolle", "Amsterdam", None]),
                language=rng.choice(["nl", "nl", "nl", "en"]),
                own_team_ok=rng.random() < 0.4,
                trusted=tuple(ids(m) for m in trusted),
                not_with=frozenset([ids(rng.choice(near))]) if rng.random() < 0.05 else frozenset(),
                waiting=rng.choice([0] * 20 + [1, 2]),
            )
        )
    declined = {frozenset((ids(n), ids(n + 1))) for n in range(0, size - 1, 17)}
    return people, declined


def pairs_of(proposal: pg.Proposal) -> set[frozenset]:
    return {frozenset((p.a, p.b)) for p in proposal.pairs}


def optimum(graph: pg.CandidateGraph) -> int:
    g = nx.Graph()
    g.add_weighted_edges_from((a, b, w) for (a, b), w in graph.weights().items())
    return sum(g[a][b]["weight"] for a, b in nx.max_weight_matching(g))


def total(graph: pg.CandidateGraph, mate: np.ndarray) -> int:
    weight = graph.weights()
    return sum(weight[i, j] for i, j in enumerate(mate.tolist()) if j > i)


def assert_matching(graph: pg.CandidateGraph, mate: np.ndarray) -> None:
    edges = graph.weights()
    for i, j in enumerate(mate.tolist()):
        if j >= 0:
            assert mate[j] == i
            assert (min(i, j), max(i, j)) in edges


# --- hard rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize("direction", ["a refuses b", "b refuses a"])
def test_it_never_pairs_across_not_with(direction):
    a, b = person(1), person(2, trusted=(1,))
    if direction == "a refuses b":
        a = person(1, not_with=frozenset([2]), trusted=(2,))
    else:
        b = person(2, not_with=frozenset([1]), trusted=(1,))
    assert pg.refusal(a, b) == pg.NOT_WITH == pg.refusal(b, a)
    assert pg.score_pair(a, b) is None
    proposal = pg.propose([a, b])
    assert proposal.pairs == [] and proposal.unpaired == [1, 2]


@pytest.mark.parametrize("report_first", [True, False])
def test_it_never_pairs_a_person_with_their_manager_or_direct_report(report_first):
    boss, report = person(1, trusted=(2,)), person(2, manager=1, trusted=(1,))
    pair = (report, boss) if report_first else (boss, report)
    assert pg.refusal(*pair) == pg.MANAGER
    assert pg.propose(list(pair)).pairs == []
    # A skip-level manager is not a direct manager: allowed.
    assert pg.refusal(person(3, manager=2), boss) is None


def test_it_never_proposes_a_declined_pair_again():
    a, b, c = person(1, trusted=(2,)), person(2, trusted=(1,)), person(3)
    declined = [(2, 1)]  # either order
    assert pg.refusal(a, b, pg.declined_set(declined)) == pg.DECLINED
    proposal = pg.propose([a, b, c], declined=declined)
    assert frozenset((1, 2)) not in pairs_of(proposal)
    assert len(proposal.pairs) == 1


@pytest.mark.parametrize(
    ("a_ok", "b_ok", "allowed"),
    [(True, True, True), (True, False, False), (False, True, False), (False, False, False)],
)
def test_it_pairs_within_a_team_only_when_both_allow_it(a_ok, b_ok, allowed):
    a = person(1, team="t", own_team_ok=a_ok)
    b = person(2, team="t", own_team_ok=b_ok)
    assert (pg.refusal(a, b) is None) is allowed
    assert bool(pg.propose([a, b]).pairs) is allowed
    if not allowed:
        assert pg.refusal(a, b) == pg.OWN_TEAM


def test_it_never_pairs_someone_with_themselves():
    a = person(1, trusted=(1,))
    assert pg.refusal(a, a) == pg.SELF
    graph = pg.candidate_graph([a, person(2, not_with=frozenset([1]))])
    assert graph.edges == 0
    assert pg.propose([a]).unpaired == [1]


def test_no_proposed_pair_breaks_a_rule():
    people, declined = pool(200, seed=4)
    by_id = {p.id: p for p in people}
    refused = pg.declined_set(declined)
    proposal = pg.propose(people, declined=declined, seed=4)
    for pair in proposal.pairs:
        assert pg.refusal(by_id[pair.a], by_id[pair.b], refused) is None
    assert len(pairs_of(proposal)) * 2 + len(proposal.unpaired) == len(people)


def test_choices_of_people_outside_the_pool_are_ignored():
    proposal = pg.propose([person(1, trusted=(99,), not_with=frozenset([98])), person(2)])
    assert pairs_of(proposal) == {frozenset((1, 2))}


def test_it_refuses_duplicate_ids():
    with pytest.raises(ValueError, match="unique"):
        pg.propose([person(1), person(1)])


# --- what counts most ---------------------------------------------------------------------------


def test_mutual_choice_beats_one_sided_beats_fit():
    fit = dict(wishes=frozenset(pg.WISHES), location="Zwolle", language="nl")
    best_fit = pg.score_pair(person(1, **fit), person(2, **fit))
    one_sided = pg.score_pair(person(1, trusted=(2,)), person(2))
    mutual = pg.score_pair(person(1, trusted=(2,)), person(2, trusted=(1,)))
    assert mutual > 2 * one_sided > one_sided > best_fit > pg.score_pair(person(1), person(2))


def test_it_pairs_a_mutual_choice_over_better_fits():
    fit = dict(wishes=frozenset([pg.LISTENING_EAR, pg.CAREER]), location="Zwolle", language="nl")
    people = [
        person(1, trusted=(2,), **fit),
        person(2, trusted=(1,)),
        person(3, trusted=(1,), **fit),  # names 1 and fits 1 best, but 1 and 2 chose each other
        person(4, **fit),
    ]
    assert pairs_of(pg.propose(people)) == {frozenset((1, 2)), frozenset((3, 4))}


def test_it_pairs_a_one_sided_choice_over_a_better_fit():
    fit = dict(wishes=frozenset([pg.LISTENING_EAR, pg.CAREER]), location="Zwolle", language="nl")
    # 2 fits 3 and 4 better than 1, but 1 named 2.
    people = [person(1, trusted=(2,)), person(2, **fit), person(3, **fit), person(4, **fit)]
    assert frozenset((1, 2)) in pairs_of(pg.propose(people))


def test_it_pairs_by_fit_when_nobody_named_anyone():
    people = [
        person(1, wishes=frozenset([pg.LISTENING_EAR]), location="Zwolle"),
        person(2, wishes=frozenset([pg.CAREER]), location="Utrecht"),
        person(3, wishes=frozenset([pg.LISTENING_EAR]), location="Zwolle"),
        person(4, wishes=frozenset([pg.CAREER]), location="Utrecht"),
    ]
    assert pairs_of(pg.propose(people)) == {frozenset((1, 3)), frozenset((2, 4))}


def test_those_left_over_before_are_paired_first():
    for seed in range(10):  # whatever the tie-breaks
        people = [person(1), person(2), person(3, waiting=1)]
        proposal = pg.propose(people, seed=seed)
        assert 3 not in proposal.unpaired and len(proposal.unpaired) == 1
    # Even over a one-sided choice, when the waiting bonus is larger.
    people = [person(1, trusted=(2,)), person(2), person(3, waiting=2)]
    assert 3 not in pg.propose(people).unpaired


def test_an_odd_number_leaves_exactly_one():
    proposal = pg.propose([person(n) for n in range(7)])
    assert len(proposal.pairs) == 3 and len(proposal.unpaired) == 1
    people, declined = pool(101, seed=1)
    proposal = pg.propose(people, declined=declined)
    assert len(proposal.unpaired) == 1


def test_the_weights_can_be_changed():
    weights = pg.Weights(same_location=500)
    a, b = person(1, location="Zwolle"), person(2, location="Zwolle")
    assert pg.score_pair(a, b, weights=weights) == weights.pair + 500
    with pytest.raises(ValueError, match="non-negative"):
        pg.Weights(same_language=-10)


# --- reasons ------------------------------------------------------------------------------------


def codes(reasons) -> list[str]:
    return [r.code for r in reasons]


def test_reasons_say_what_the_pair_has_in_common():
    a = person(
        1,
        team="t",
        own_team_ok=True,
        wishes=frozenset([pg.LISTENING_EAR, pg.NEW_IN_ROLE]),
        location="Zwolle",
        language="nl",
        trusted=(2,),
        waiting=1,
    )
    b = person(
        2,
        team="t",
        own_team_ok=True,
        wishes=frozenset([pg.LISTENING_EAR, pg.SHARE_EXPERIENCE]),
        location="Zwolle",
        language="nl",
        trusted=(1,),
    )
    (pair,) = pg.propose([a, b]).pairs
    assert pair.reasons == (
        pg.Reason(pg.MUTUAL_CHOICE),
        pg.Reason(pg.WAITED, {"person": 1, "rounds": 1}),
        pg.Reason(pg.SHARED_WISH, {"wish": pg.LISTENING_EAR}),
        pg.Reason(pg.EXPERIENCE_FOR_NEW, {"new": 1, "experienced": 2}),
        pg.Reason(pg.SAME_LOCATION, {"location": "Zwolle"}),
        pg.Reason(pg.SAME_LANGUAGE, {"language": "nl"}),
        pg.Reason(pg.SAME_TEAM),
    )
    assert pair.score == pg.score_pair(a, b)
    assert str(pair.reasons[0]) == "you both named each other"
    assert pair.reasons[2].as_json() == {"code": "shared_wish", "params": {"wish": "listening_ear"}}


def test_a_one_sided_choice_says_who_named_whom():
    reasons = pg.explain(person(1), person(2, trusted=(1,)))
    assert reasons == (pg.Reason(pg.NAMED_BY, {"by": 2, "named": 1}),)
    assert str(reasons[0]) == "2 named 1"


def test_learning_from_another_department_fits_only_across_departments():
    wish = frozenset([pg.OTHER_DEPARTMENT])
    same = pg.explain(
        person(1, department="d", wishes=wish), person(2, department="d", wishes=wish)
    )
    other = pg.explain(
        person(1, department="d", wishes=wish), person(2, department="e", wishes=wish)
    )
    assert codes(same) == []
    assert other == (pg.Reason(pg.SHARED_WISH, {"wish": pg.OTHER_DEPARTMENT}),)


def test_scores_and_reasons_are_symmetric():
    people, _ = pool(60, seed=2)
    for a, b in itertools.combinations(people[:30], 2):
        assert pg.score_pair(a, b) == pg.score_pair(b, a)
        assert sorted(map(str, pg.explain(a, b))) == sorted(map(str, pg.explain(b, a)))


# --- the candidate graph ------------------------------------------------------------------------


def test_the_candidate_graph_holds_named_choices_and_each_persons_best_candidates():
    people, declined = pool(120, seed=3)
    k = 6
    refused = pg.declined_set(declined)
    graph = pg.candidate_graph(people, declined=declined, k=k, spread=1000, seed=3)
    index = {pid: i for i, pid in enumerate(graph.ids)}
    edges = graph.weights()
    for a in people:
        i = index[a.id]
        scores = {}
        for b in people:
            s = pg.score_pair(a, b, declined=refused)
            if s is not None:
                j = index[b.id]
                scores[j] = s
                if b.id in a.trusted:  # a named choice is always a candidate
                    assert edges[min(i, j), max(i, j)] == s
        kth = sorted(scores.values(), reverse=True)[k - 1]
        for j, s in scores.items():  # anyone scoring above the k-th best is a candidate
            if s > kth:
                assert edges[min(i, j), max(i, j)] == s
    assert all(w == pg.score_pair(*_people(people, graph, e)) for e, w in edges.items())


def _people(people, graph, edge):
    by_id = {p.id: p for p in people}
    return by_id[graph.ids[edge[0]]], by_id[graph.ids[edge[1]]]


def test_the_candidate_graph_spreads_popular_candidates():
    people, declined = pool(400, seed=5)
    graph = pg.candidate_graph(people, declined=declined, k=5, spread=2, seed=5)
    chosen = np.bincount(np.concatenate((graph.u, graph.v)), minlength=len(people))
    named = sum(len(p.trusted) for p in people)
    assert chosen.max() <= 5 + 2 * 5 + named  # own k, offered to at most spread * k, named
    assert chosen.min() >= 5


# --- the optimiser ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(12))
def test_it_is_within_half_a_percent_of_the_optimum_on_participant_pools(seed):
    people, declined = pool(random.Random(seed).randint(20, 300), seed)
    graph, mate = pg.solve(people, declined=declined, seed=seed)
    assert_matching(graph, mate)
    best = optimum(graph)
    assert best * (1 - CLOSE) <= total(graph, mate) <= best


def test_it_is_close_to_the_optimum_on_random_graphs():
    """Any weights, not only ours: never above the optimum, within 0.5% over 200 graphs, and
    exact on most of them (it is a heuristic: a single tiny graph can be a few % off)."""
    got = best = exact = 0
    for seed in range(200):
        rng = random.Random(seed)
        n = rng.randint(2, 60)
        pairs = list(itertools.combinations(range(n), 2))
        chosen = sorted(rng.sample(pairs, min(len(pairs), rng.randint(1, 4 * n))))
        graph = pg.CandidateGraph(
            tuple(range(n)),
            np.array([a for a, _ in chosen], dtype=np.int64),
            np.array([b for _, b in chosen], dtype=np.int64),
            np.array([rng.choice([100, 170, 230, 290, 530, rng.randint(1, 1500)]) for _ in chosen]),
        )
        mate = pg.match(graph, seed=seed)
        assert_matching(graph, mate)
        value, top = total(graph, mate), optimum(graph)
        assert value <= top
        got, best, exact = got + value, best + top, exact + (value == top)
    assert got >= best * (1 - CLOSE)
    assert exact >= 190  # 197 when written


def test_compiled_and_plain_python_kernels_agree():
    people, declined = pool(300, seed=6)
    graph = pg.candidate_graph(people, declined=declined, seed=6)
    plain = pg.match(graph, seed=6, compiled=False)
    assert np.array_equal(plain, pg.match(graph, seed=6, compiled=True))


# --- determinism --------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_pairs():
    people, declined = pool(150, seed=7)
    first = pg.propose(people, declined=declined, seed=11)
    assert pg.propose(list(reversed(people)), declined=declined, seed=11) == first
    assert pairs_of(first) != pairs_of(pg.propose(people, declined=declined, seed=12))


SCRIPT = """
import json, sys
from navolging.buddies import pairing as pg
from navolging.buddies.tests.test_pairing import pool
people, declined = pool(int(sys.argv[1]), seed=8, ids=lambda n: f"emp-{n:05}")
proposal = pg.propose(people, declined=declined, seed=3)
print(json.dumps([[p.a, p.b, p.score, [r.as_json() for r in p.reasons]] for p in proposal.pairs]))
"""


@pytest.mark.parametrize("size", [150, 2500])  # 2,500 people: the numba kernels
def test_another_process_gives_the_same_pairs(size):
    outputs = []
    for hash_seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(size)],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert len(json.loads(outputs[0])) >= size // 2 - 2


def test_it_imports_without_django():
    code = (
        "import sys, navolging.buddies.pairing\n"
        "assert 'django' not in sys.modules, 'django was imported'\n"
        "assert 'numba' not in sys.modules, 'numba loaded for nothing'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
