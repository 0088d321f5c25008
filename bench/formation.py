"""Intervision formation on organisation-like instances: the demo's managers at 2,400 and
100,000 employees, in memory (no database).

For each size: a mixed round (every hard rule kept; the spread compared with its upper bound,
every attribute spread perfectly evenly), a second mixed round that avoids the first round's
pairs, the structured round, and an amendment (2% leave, 2% join). Target: spread gap at most
0.01% within 2 s at 100,000 employees.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from navolging.intervision.formation import (  # noqa: E402
    DEPARTMENT_HEAD,
    DIRECTOR,
    NOTE_MERGED,
    NOTE_SPLIT,
    TEAM_LEADER,
    Person,
    Rules,
    amend,
    form_mixed,
    form_structured,
)
from navolging.organisation.demo import demo_plan  # noqa: E402

GAP_TARGET = 0.0001  # 0.01%
TIME_TARGET = 2.0  # seconds, at 100,000 employees
ROLES = {"directorate": DIRECTOR, "department": DEPARTMENT_HEAD, "team": TEAM_LEADER}
DEPTH = ["organisation", "directorate", "department", "team"]


def managers(size: int, seed: int) -> list[Person]:
    """Everyone who heads a directorate, department or team, with their own manager."""
    plan = demo_plan(size, seed)
    units = {u.code: u for u in plan.units}

    def above(code: str | None, kind: str) -> str | None:
        while code and units[code].kind != kind:
            code = units[code].parent
        return code

    def manager_of(code: str) -> str | None:
        parent = units[code].parent
        while parent and not units[parent].head:
            parent = units[parent].parent
        return units[parent].head if parent else None

    headed: dict[str, list] = {}
    for unit in plan.units:
        if unit.head:
            headed.setdefault(unit.head, []).append(unit)
    people = []
    for pid, led in headed.items():
        top = min(led, key=lambda u: DEPTH.index(u.kind))  # someone leading two units: the top
        if top.kind not in ROLES:
            continue  # the organisation's own head takes no part
        people.append(
            Person(
                pid,
                department=above(top.code, "department"),
                directorate=above(top.code, "directorate"),
                role=ROLES[top.kind],
                manager=manager_of(top.code),
            )
        )
    return people


def timed(call):
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def bench_size(size: int, seed: int, time_limit: float) -> dict:
    people = managers(size, seed)
    rules = Rules(min_size=4, max_size=10)
    first, t1 = timed(lambda: form_mixed(people, rules, seed=seed, time_limit=time_limit))
    second_rules = Rules(min_size=4, max_size=10, earlier_rounds=[first.groups])
    second, t2 = timed(
        lambda: form_mixed(people, second_rules, seed=seed + 1, time_limit=time_limit)
    )
    structured, t3 = timed(lambda: form_structured(people, rules))
    rng = random.Random(seed)
    leavers = {p.id for p in rng.sample(people, len(people) // 50)}
    joiners = [
        Person(f"new-{k}", department=p.department, directorate=p.directorate, manager=p.manager)
        for k, p in enumerate(rng.sample(people, len(people) // 50))
    ]
    now = [p for p in people if p.id not in leavers] + joiners
    amended, t4 = timed(lambda: amend(now, first.groups, rules))
    untouched = sum(set(a) == set(b) for a, b in zip(first.groups, amended.groups, strict=False))
    split = sum(any(n.code == NOTE_SPLIT for n in r.notes) for r in structured.reports)
    merged = sum(any(n.code == NOTE_MERGED for n in r.notes) for r in structured.reports)
    return {
        "size": size,
        "managers": len(people),
        "rounds": [("mixed, round 1", first, t1), ("mixed, round 2", second, t2)],
        "structured": (structured, t3, split, merged),
        "amend": (amended, t4, len(leavers), len(joiners), untouched, len(first.groups)),
    }


def report(results: list[dict], time_limit: float) -> None:
    print()
    print(
        "Intervision formation on the demo's managers (in memory; groups of 4 to 10; "
        f"time limit {time_limit:g} s; the search stops early at the bound):"
    )
    header = (
        f"{'employees':>9} {'managers':>8} {'round':16} {'groups':>6} {'time':>8} "
        f"{'spread':>9} {'bound':>9} {'gap':>8} {'broken':>6} {'repeats':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        for label, p, t in r["rounds"]:
            print(
                f"{r['size']:>9,} {r['managers']:>8,} {label:16} {len(p.groups):>6} {t:7.2f}s "
                f"{p.spread:9.0f} {p.spread_bound:9.0f} {100 * p.spread_gap:7.4f}% "
                f"{p.hard_violations:>6} {p.repeats:>7}"
            )
    print()
    for r in results:
        structured, t3, split, merged = r["structured"]
        amended, t4, left, joined, untouched, before = r["amend"]
        print(
            f"{r['size']:>9,} employees: structured round {len(structured.groups)} groups in "
            f"{t3:.2f} s ({split} from splits, {merged} took in a small group; "
            f"{structured.hard_violations} outside the size range); amend ({left} left, "
            f"{joined} joined) {t4:.2f} s, {untouched} of {before} groups untouched, "
            f"{amended.hard_violations} rules broken."
        )
    print()
    last = results[-1]
    _, p, t = last["rounds"][0]
    verdict = "met" if p.spread_gap <= GAP_TARGET and t <= TIME_TARGET and p.ok else "NOT met"
    print(
        f"Target at {last['size']:,} employees: gap <= {100 * GAP_TARGET:.2f}% within "
        f"{TIME_TARGET:g} s with every hard rule kept: {verdict} "
        f"(gap {100 * p.spread_gap:.4f}%, {t:.2f} s, {p.hard_violations} broken)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2400, 100_000])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--time-limit", type=float, default=TIME_TARGET)
    args = parser.parse_args()
    results = [bench_size(size, args.seed, args.time_limit) for size in args.sizes]
    report(results, args.time_limit)


if __name__ == "__main__":
    main()
