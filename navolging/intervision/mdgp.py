"""The optimiser core: maximally diverse grouping (MDGP) on a dense weight matrix.

Maximise the sum over groups of ``w[i, j]`` for every pair ``i, j`` in the same group, where
group ``g`` must have between ``lower[g]`` and ``upper[g]`` members. This is MDGPLIB's problem;
the organisation objective (spread of attributes, repeat penalty) is the same kind of pairwise
score, so small intervision rounds can be solved here too.

Method: iterated tabu search with swap and insertion moves. For each person we keep the sum of
weights to every group (``gain[i, h]``), so moving ``i`` from ``g`` to ``h`` changes the objective
by ``gain[i, h] - gain[i, g]`` and swapping ``i`` (in ``g``) with ``j`` (in ``h``) by
``gain[i, h] - gain[i, g] + gain[j, g] - gain[j, h] - 2 w[i, j]``. Every iteration evaluates all
swaps and insertions at once with numpy and takes the best one that is not tabu (or that beats
the best solution found: aspiration). When the search stalls it restarts from the best solution
with a random perturbation whose strength oscillates.

Deterministic for a seed if ``max_iterations`` bounds the run; under a time limit the number of
iterations (and so the result) can vary with the machine's speed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numba import njit

# Tabu tenure as a share of n (drawn at random in [n/24, n/8]), and how many iterations
# without a new best (times n) end a tabu phase; tuned on the n = 120 instances.
TENURE = (24, 8)
STALL = 10
# After this many tabu phases without a better solution, a run is over and a new one starts
# from a random assignment (the best solution overall is kept).
FAIL_LIMIT = 100


@dataclass(frozen=True)
class MdgpInstance:
    name: str
    weights: np.ndarray  # n x n, symmetric, zero diagonal
    lower: np.ndarray  # per group
    upper: np.ndarray

    @property
    def n(self) -> int:
        return self.weights.shape[0]

    @property
    def m(self) -> int:
        return len(self.lower)


@dataclass(frozen=True)
class MdgpResult:
    assignment: np.ndarray  # group index per person
    value: float
    iterations: int
    seconds: float
    value_at: float  # seconds when the final value was first reached


def read_mdgplib(path) -> MdgpInstance:
    """Read an MDGPLIB file: ``n m ss|ds a1 b1 ... am bm`` then ``i j d_ij`` lines."""
    with open(path) as handle:
        head = handle.readline().split()
        n, m = int(head[0]), int(head[1])
        bounds = [int(x) for x in head[3 : 3 + 2 * m]]
        data = np.loadtxt(handle, ndmin=2)
    weights = np.zeros((n, n))
    i, j = data[:, 0].astype(int), data[:, 1].astype(int)
    weights[i, j] = data[:, 2]
    weights[j, i] = data[:, 2]
    name = str(path).rsplit("/", 1)[-1].removesuffix(".txt")
    return MdgpInstance(name, weights, np.array(bounds[0::2]), np.array(bounds[1::2]))


def value_of(weights: np.ndarray, assignment: np.ndarray) -> float:
    same = assignment[:, None] == assignment[None, :]
    return float(weights[same].sum() / 2)


def initial_assignment(lower, upper, n: int, rng: np.random.Generator) -> np.ndarray:
    """A random assignment within the size bounds (lower first, then fill up to upper)."""
    lower, upper = np.asarray(lower), np.asarray(upper)
    if lower.sum() > n or upper.sum() < n:
        raise ValueError("no assignment fits these size bounds")
    sizes = lower.copy()
    rest = n - sizes.sum()
    room = upper - sizes
    while rest:
        open_groups = np.flatnonzero(room > 0)
        g = rng.choice(open_groups)
        sizes[g] += 1
        room[g] -= 1
        rest -= 1
    assignment = np.repeat(np.arange(len(sizes)), sizes)
    rng.shuffle(assignment)
    return assignment


@njit(cache=True)
def _seed(seed):
    np.random.seed(seed)


@njit(cache=True)
def _gains(w, x, m):
    n = w.shape[0]
    gain = np.zeros((n, m))
    for i in range(n):
        for j in range(n):
            gain[i, x[j]] += w[i, j]
    return gain


@njit(cache=True)
def _search(w, lower, upper, x, gain, sizes, tabu, best_x, run_x, floats, ints, params, iterations):
    """Run `iterations` tabu iterations; all state lives in the arrays so a caller can resume.

    floats = [value, best_value, slack, run_value]; ints = [it, stall, strength, fails];
    params = [tenure_low, tenure_high, stall_limit, min_strength, max_strength, flexible,
    fail_limit]. best_x is the best solution overall, run_x the best of the current run.
    """
    n = w.shape[0]
    m = lower.shape[0]
    value, best_value = floats[0], floats[1]
    it, stall, strength, fails = ints[0], ints[1], ints[2], ints[3]
    run_value = floats[3]
    fail_limit = params[6]
    ten_lo, ten_hi, stall_limit = params[0], params[1], params[2]
    min_strength, max_strength, flexible = params[3], params[4], params[5]
    eps = 1e-9
    slack = floats[2]  # -2 min(w, 0): keeps the swap bound valid for negative weights
    lift = np.empty((n, m))
    top = np.empty((m, m))
    count = np.zeros(m + 1, dtype=np.int64)
    fill = np.zeros(m, dtype=np.int64)
    members = np.empty(n, dtype=np.int64)
    for _ in range(iterations):
        it += 1
        best_delta = -np.inf
        ties = 0
        mi, mj, kind = -1, -1, 0
        # Swap bound: delta(i, j) <= lift[i, x_j] + lift[j, x_i] - 2 min(w), where
        # lift[i, h] = gain[i, h] - gain[i, x_i]. With top[h, g] = max over j in h of
        # lift[j, g], a whole group h is skipped for i when lift[i, h] + top[h, x_i] cannot
        # reach the best delta so far: most of the n^2 pairs are never looked at.
        for i in range(n):
            gi = x[i]
            for h in range(m):
                lift[i, h] = gain[i, h] - gain[i, gi]
        top[:, :] = -np.inf
        for j in range(n):
            gj = x[j]
            for g in range(m):
                if lift[j, g] > top[gj, g]:
                    top[gj, g] = lift[j, g]
        count[:] = 0
        for j in range(n):
            count[x[j] + 1] += 1
        for g in range(m):
            count[g + 1] += count[g]
        fill[:] = count[:m]
        for j in range(n):
            members[fill[x[j]]] = j
            fill[x[j]] += 1
        for i in range(n):
            gi = x[i]
            for h in range(gi + 1, m):  # each pair of groups once, from the lower group
                if lift[i, h] + top[h, gi] - slack < best_delta - eps:
                    continue
                for k in range(count[h], count[h + 1]):
                    j = members[k]
                    d = lift[i, h] + lift[j, gi] - 2.0 * w[i, j]
                    if d < best_delta - eps:
                        continue
                    if (tabu[i, h] > it or tabu[j, gi] > it) and value + d <= best_value + eps:
                        continue
                    if d > best_delta + eps:
                        best_delta, mi, mj, kind, ties = d, i, j, 0, 1
                    else:  # a tie: pick uniformly among the tied moves
                        ties += 1
                        if np.random.randint(ties) == 0:
                            best_delta, mi, mj, kind = d, i, j, 0
        if flexible:
            for i in range(n):
                gi = x[i]
                if sizes[gi] <= lower[gi]:
                    continue
                oi = gain[i, gi]
                for h in range(m):
                    if h == gi or sizes[h] >= upper[h]:
                        continue
                    d = gain[i, h] - oi
                    if d < best_delta - eps:
                        continue
                    if tabu[i, h] > it and value + d <= best_value + eps:
                        continue
                    if d > best_delta + eps:
                        best_delta, mi, mj, kind, ties = d, i, h, 1, 1
                    else:
                        ties += 1
                        if np.random.randint(ties) == 0:
                            best_delta, mi, mj, kind = d, i, h, 1
        if mi < 0:
            stall = stall_limit
        else:
            if kind == 0:
                g, h = x[mi], x[mj]
                for k in range(n):
                    gain[k, g] += w[k, mj] - w[k, mi]
                    gain[k, h] += w[k, mi] - w[k, mj]
                x[mi], x[mj] = h, g
                tabu[mi, g] = it + ten_lo + np.random.randint(ten_hi - ten_lo + 1)
                tabu[mj, h] = it + ten_lo + np.random.randint(ten_hi - ten_lo + 1)
            else:
                g, h = x[mi], mj
                for k in range(n):
                    gain[k, g] -= w[k, mi]
                    gain[k, h] += w[k, mi]
                x[mi] = h
                sizes[g] -= 1
                sizes[h] += 1
                tabu[mi, g] = it + ten_lo + np.random.randint(ten_hi - ten_lo + 1)
            value += best_delta
            if value > run_value + eps:
                run_value = value
                run_x[:] = x
                stall = 0
                fails = 0
                if strength > min_strength:
                    strength -= 1
                if value > best_value + eps:
                    best_value = value
                    best_x[:] = x
            else:
                stall += 1
        if stall >= stall_limit:
            fails += 1
            if fails >= fail_limit:
                # this run is spent: start a new one from a random shuffle (sizes kept)
                x[:] = run_x
                np.random.shuffle(x)
                run_value = -np.inf
                fails = 0
            else:
                # restart from the run's best solution, shaken by `strength` random moves
                x[:] = run_x
            for _k in range(strength):
                a, b = np.random.randint(n), np.random.randint(n)
                if x[a] != x[b]:
                    x[a], x[b] = x[b], x[a]
            sizes[:] = 0
            for k in range(n):
                sizes[x[k]] += 1
            if flexible:
                for _k in range(strength // 2):
                    a, h = np.random.randint(n), np.random.randint(m)
                    if x[a] != h and sizes[x[a]] > lower[x[a]] and sizes[h] < upper[h]:
                        sizes[x[a]] -= 1
                        sizes[h] += 1
                        x[a] = h
            gain[:, :] = _gains(w, x, m)
            value = 0.0
            for k in range(n):
                value += gain[k, x[k]]
            value /= 2.0
            tabu[:, :] = 0
            stall = 0
            strength = strength + 1 if strength < max_strength else min_strength
            if run_value == -np.inf:
                run_value = value
                run_x[:] = x
    floats[0], floats[1], floats[3] = value, best_value, run_value
    ints[0], ints[1], ints[2], ints[3] = it, stall, strength, fails


def solve(
    weights: np.ndarray,
    lower,
    upper,
    *,
    seed: int = 0,
    time_limit: float = 1.0,
    max_iterations: int | None = None,
    start: np.ndarray | None = None,
) -> MdgpResult:
    """Iterated tabu search; returns the best assignment found within the limits.

    With ``max_iterations`` the result depends on the seed only; with a time limit alone it
    also depends on how many iterations the machine manages.
    """
    began = time.perf_counter()
    rng = np.random.default_rng(seed)
    w = np.ascontiguousarray(weights, dtype=np.float64)
    n = w.shape[0]
    lower = np.asarray(lower, dtype=np.int64)
    upper = np.asarray(upper, dtype=np.int64)
    m = len(lower)
    x = (
        np.array(start, dtype=np.int64)
        if start is not None
        else initial_assignment(lower, upper, n, rng).astype(np.int64)
    )
    if m == 1 or n < 2:
        return MdgpResult(x, value_of(w, x), 0, time.perf_counter() - began, 0.0)
    _seed(seed)
    gain = _gains(w, x, m)
    sizes = np.bincount(x, minlength=m).astype(np.int64)
    value = float(gain[np.arange(n), x].sum() / 2)
    floats = np.array([value, value, -2.0 * min(0.0, float(w.min())), value])
    ints = np.array([0, 0, max(2, n // 20), 0], dtype=np.int64)
    params = np.array(
        [
            max(2, n // TENURE[0]),
            max(4, n // TENURE[1]),
            max(50, STALL * n),
            max(2, n // 40),
            max(3, n // 4),
            int((lower != upper).any()),
            FAIL_LIMIT,
        ],
        dtype=np.int64,
    )
    tabu = np.zeros((n, m), dtype=np.int64)
    best_x = x.copy()
    run_x = x.copy()
    best_value, best_at = value, 0.0
    chunk = max(1, 20_000_000 // (n * n))  # about a few milliseconds per call
    while True:
        todo = chunk
        if max_iterations is not None:
            todo = min(chunk, max_iterations - int(ints[0]))
            if todo <= 0:
                break
        elif time.perf_counter() - began >= time_limit:
            break
        _search(w, lower, upper, x, gain, sizes, tabu, best_x, run_x, floats, ints, params, todo)
        if floats[1] > best_value:
            best_value, best_at = float(floats[1]), time.perf_counter() - began
    return MdgpResult(
        best_x, value_of(w, best_x), int(ints[0]), time.perf_counter() - began, best_at
    )


def warm_up() -> float:
    """Compile the numba kernels (cached on disk after the first time); returns seconds taken."""
    began = time.perf_counter()
    w = np.ones((4, 4)) - np.eye(4)
    solve(w, [2, 1], [3, 2], max_iterations=2)
    return time.perf_counter() - began
