"""Benchmark the intervision scheduler: a year of sessions for every group, at 2,400 and 100,000
employees, built synthetically (no database, no Django).

The organisation: directorates of 5-9 departments. Every department's MT (its head and 4-7 team
managers) is a group; the department heads with their director form one more group per
directorate (split in two when there are more than 9 heads, the director sitting in both), so
every head is in two groups. About 5% of the groups are mixed MTs of team managers who are also
in their own department's MT. Facilitators get about 5 (2,400) or 10 (100,000) groups each, and
work 3-5 weekdays with at most 1 or 2 sessions a day. Closed: Dutch public holidays, school
holidays of region midden, and the organisation's Christmas closure.

Prints the time to plan (holidays included) and to check, conflicts (must be 0), gaps outside the
rhythm (must be 0) and the planning problems, next to the targets.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter
from datetime import date

from navolging.intervision import schedule as sch

SIZES = {2400: (40, 8, 2.0), 100_000: (1500, 150, 60.0)}  # employees: groups, facilitators, s
CONFLICTS = {
    sch.FACILITATOR_DOUBLE_BOOKED,
    sch.MEMBER_DOUBLE_BOOKED,
    sch.FACILITATOR_UNAVAILABLE,
    sch.FACILITATOR_DAY_LIMIT,
    sch.CLOSED_DAY,
    sch.OUTSIDE_PERIOD,
    sch.OUTSIDE_HOURS,
}
GAPS = {sch.GAP_TOO_SHORT, sch.GAP_TOO_LONG}


def organisation(groups: int, facilitators: int, seed: int) -> sch.Plan:
    rng = random.Random(seed)
    people = iter(range(1, 10**7))
    result: list[tuple[frozenset, str]] = []  # members, kind
    team_managers: list[int] = []
    while len(result) < groups * 0.95:
        director = next(people)
        heads = []
        for _ in range(rng.randint(5, 9)):
            head = next(people)
            managers = [next(people) for _ in range(rng.randint(4, 7))]
            team_managers += managers
            heads.append(head)
            result.append((frozenset([head, *managers]), "mt"))
        halves = [heads] if len(heads) <= 9 else [heads[::2], heads[1::2]]
        result += [(frozenset([director, *half]), "directorate") for half in halves]
    while len(result) < groups:  # mixed MTs: team managers from different departments
        result.append((frozenset(rng.sample(team_managers, rng.randint(5, 8))), "mixed"))
    facs = []
    for i in range(facilitators):
        weekdays = frozenset(rng.sample(range(5), rng.randint(3, 5)))
        facs.append(sch.Facilitator(f"f{i:03}", weekdays, max_per_day=rng.choice((1, 2, 2))))
    plan_groups = []
    for i, (members, _) in enumerate(result[:groups]):
        wish = frozenset([rng.randrange(5)]) if rng.random() < 0.2 else frozenset()
        plan_groups.append(sch.Group(i, members, facs[i % facilitators].id, wish))
    return sch.Plan(
        groups=tuple(plan_groups),
        facilitators=tuple(facs),
        period=sch.Period(date(2027, 1, 1), date(2027, 12, 31)),
        closures=(
            sch.Closure(date(2026, 12, 24), date(2027, 1, 1), "Kerstsluiting"),
            sch.Closure(date(2027, 12, 24), date(2027, 12, 31), "Kerstsluiting"),
        ),
        school_regions=("midden",),
    )


def bench(employees: int, seed: int) -> dict:
    groups, facilitators, target = SIZES[employees]
    plan = organisation(groups, facilitators, seed)
    sch.calendar_for.cache_clear()  # time the holiday calendar too
    start = time.perf_counter()
    result = sch.build_schedule(plan)
    planned = time.perf_counter() - start
    start = time.perf_counter()
    flags = sch.check(result)
    checked = time.perf_counter() - start
    kinds = Counter(f.kind for f in flags)
    per_day = Counter(s.date for s in result.sessions)
    per_group = Counter(s.group for s in result.sessions)
    in_two = sum(n > 1 for n in Counter(m for g in plan.groups for m in g.members).values())
    return {
        "employees": employees,
        "groups": len(plan.groups),
        "facilitators": facilitators,
        "in_two": in_two,
        "weeks": len(sch.calendar_for(plan).weeks),
        "sessions": len(result.sessions),
        "per_group": (min(per_group.values()), max(per_group.values())),
        "per_day": (max(per_day.values()), statistics.mean(per_day.values()), len(per_day)),
        "planned_s": planned,
        "checked_s": checked,
        "target_s": target,
        "conflicts": sum(kinds[k] for k in CONFLICTS),
        "gaps": sum(kinds[k] for k in GAPS),
        "problems": len(result.problems),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=sorted(SIZES))
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    print("\nIntervision schedule, 2027 (public holidays, school holidays midden, Christmas):")
    for employees in args.sizes:
        r = bench(employees, args.seed)
        ok = r["planned_s"] <= r["target_s"] and not (r["conflicts"] or r["gaps"] or r["problems"])
        low, high = r["per_group"]
        busiest, mean, days = r["per_day"]
        print(
            f"  {employees:>7,} employees, {r['groups']:,} groups ({r['in_two']:,} people in two),"
            f" {r['facilitators']} facilitators, {r['weeks']} working weeks:\n"
            f"    planned {r['sessions']:,} sessions ({low}-{high} per group) in "
            f"{r['planned_s']:.2f} s (target {r['target_s']:.0f} s), checked in "
            f"{r['checked_s']:.2f} s; conflicts {r['conflicts']}, gaps outside the rhythm "
            f"{r['gaps']}, problems {r['problems']} (all must be 0): {'met' if ok else 'NOT met'}\n"
            f"    spread: {mean:.1f} sessions a day on average over {days} days, busiest day "
            f"{busiest}"
        )


if __name__ == "__main__":
    main()
