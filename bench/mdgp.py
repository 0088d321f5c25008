"""MDGPLIB: the intervision engine's optimiser core against reference values.

Runs navolging.intervision.mdgp.solve on each instance in ../shared/bench/mdgp/ for the time the
README allows (proven optima get 1 s), and prints the value reached next to the reference.
`--quick` gives every instance a tenth of its time; `--only NAME...` runs some instances.
The numba kernel is compiled (or loaded from its cache) before any clock starts.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "bench" / "mdgp"
OPTIMUM_SECONDS = 1.0  # the README gives no time for the proven optima

# (instance, reference value, kind, seconds allowed), from ../shared/bench/mdgp/README.md
REFERENCES = [
    ("RanReal_n010_ds_01", "1437.807", "optimum", None),
    ("RanInt_n010_ss_01", "1292", "optimum", None),
    ("Geo_n010_ds_01", "3864.689", "optimum", None),
    ("RanReal_n012_ss_01", "956.43", "optimum", None),
    ("RanReal_n030_ds_01", "5703.25", "ref", 2),
    ("RanReal_n060_ss_01", "18733.74", "ref", 2),
    ("RanReal_n120_ss_01", "47363.21", "ref", 3),
    ("RanReal_n120_ds_01", "50161.08", "ref", 3),
    ("RanInt_n120_ds_01", "50691", "ref", 3),
    ("Geo_n120_ss_01", "101590.56", "ref", 3),
    ("RanReal_n240_ss_01", "155185.37", "ref", 20),
    ("RanReal_n240_ds_01", "159642.01", "ref", 20),
    ("RanInt_n240_ss_01", "155254", "ref", 20),
    ("Geo_n240_ds_01", "200314.53", "ref", 20),
    ("RanReal_n480_ss_01", "377777.06", "ref", 120),
    ("RanReal_n480_ds_01", "388114.33", "ref", 120),
    ("RanInt_n480_ss_01", "379201", "ref", 120),
    ("Geo_n480_ss_01", "551989.86", "ref", 120),
]


def decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def run(quick: bool, only: list[str] | None, seed: int) -> list[dict]:
    from navolging.intervision.mdgp import read_mdgplib, solve, warm_up

    compile_s = warm_up()
    print(f"(numba kernel ready in {compile_s:.1f} s, not counted below)", file=sys.stderr)
    rows = []
    for name, ref_text, kind, seconds in REFERENCES:
        if only and name not in only:
            continue
        path = next(DATA.glob(f"*/{name}.txt"))
        instance = read_mdgplib(path)
        allowed = (seconds or OPTIMUM_SECONDS) / (10 if quick else 1)
        print(f"  {name} ({allowed:g} s)...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        result = solve(
            instance.weights, instance.lower, instance.upper, seed=seed, time_limit=allowed
        )
        used = time.perf_counter() - started
        sizes = [int((result.assignment == g).sum()) for g in range(instance.m)]
        assert all(
            lo <= s <= hi for lo, s, hi in zip(instance.lower, sizes, instance.upper, strict=True)
        )
        ref = float(ref_text)
        # references are printed rounded; compare at the same precision
        reached = round(result.value, decimals(ref_text))
        rows.append(
            {
                "name": name,
                "n": instance.n,
                "m": instance.m,
                "value": result.value,
                "ref": ref,
                "ref_text": ref_text,
                "kind": kind,
                "allowed": allowed,
                "used": used,
                "best_at": result.value_at,
                "iterations": result.iterations,
                "met": reached >= ref,
            }
        )
    return rows


def report(rows: list[dict], quick: bool) -> None:
    print()
    total = sum(r["allowed"] for r in rows)
    print(
        f"MDGPLIB ({len(rows)} of {len(REFERENCES)} instances, "
        + ("QUICK: a tenth of the allowed time" if quick else "full allowed time")
        + f", {total:.0f} s in all; iterated tabu search, numba, one thread):"
    )
    header = (
        f"{'instance':20} {'n':>4} {'m':>3} {'reached':>12} {'reference':>12} {'kind':8}"
        f" {'gap %':>7} {'best at':>8} {'used/allowed':>14}  verdict"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        gap = 100 * (r["ref"] - r["value"]) / r["ref"]
        print(
            f"{r['name']:20} {r['n']:>4} {r['m']:>3} {r['value']:12.3f} {r['ref_text']:>12}"
            f" {r['kind']:8} {gap:7.3f} {r['best_at']:7.1f}s {r['used']:6.1f}/{r['allowed']:<6g}s"
            f"  {'met' if r['met'] else 'NOT met'}"
        )
    met = sum(r["met"] for r in rows)
    optima = [r for r in rows if r["kind"] == "optimum"]
    print(
        f"Met {met} of {len(rows)} (proven optima: {sum(r['met'] for r in optima)} of "
        f"{len(optima)}). Gap: below zero means better than the reference."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of each allowed time")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these instances")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    report(run(args.quick, args.only, args.seed), args.quick)


if __name__ == "__main__":
    main()
