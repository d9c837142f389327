"""Where the effective tiers' time goes, part by part (the table "Why the effective tiers stay above 20x"
in bench/analysis.md).

    python bench/parts.py [--backend reference|durable] [--collector on|off] [--rounds N]

Builds a fresh context per round, then takes every recorded placement of the record (3,653; 3,645 before the United States' 2010-2018 years) in batches: their
cases, their evaluations (first sight), the same evaluations again (all cached), their results without
and with derivations. The parts of a first-sight evaluation are timed by wrapping the engine's own
functions, which adds a little to them. Prints CPU milliseconds (best round; the first round, which
also fills process-wide tables, is left out) and the ratio to the floor (bench/floor.py, taken as bench/run.py takes it). Asserts
nothing; it names engine internals, so it follows them when they move."""

from __future__ import annotations

import argparse
import functools
import gc
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "engine"))
sys.path.insert(0, str(HERE))

from run import one_floor  # noqa: E402
from tierlaw import cache, queries  # noqa: E402
from tierlaw.queries import Case, Context, evaluation, history_for  # noqa: E402

_spent: dict = {}

WRAPPED = [  # (label, owner, attribute): the parts of an evaluation made at first sight
    ("compiling books", queries, "compile_book"),
    ("the automata's states", cache.Cache, "_layers_after"),
    ("feature vectors", cache.Machines, "vectors"),
    ("reading classes", cache.Cache, "_class"),
    ("backend runs", cache, "ran"),
]


def _timed(label: str, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        began = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            _spent[label] = _spent.get(label, 0.0) + time.process_time() - began
    return wrapper


def _wrap() -> None:
    for label, owner, name in WRAPPED:
        setattr(owner, name, _timed(label, getattr(owner, name)))


def _cpu(function):
    began = time.process_time()
    value = function()
    return time.process_time() - began, value


def one_round(backend: str) -> dict:
    ctx = Context(backend=backend)
    placements = [(code, year, p) for code, rows in sorted(ctx.record.placements.items())
                  for year, p in sorted(rows.items())]
    _spent.clear()
    histories, cases = _cpu(lambda: [Case(c, y, p, history_for(ctx, c, y, {})) for c, y, p in placements])
    first, evaluations = _cpu(lambda: [evaluation(ctx, case) for case in cases])
    parts = {f"  of which: {label}": _spent.get(label, 0.0) for label, _, _ in WRAPPED}
    again, _ = _cpu(lambda: [evaluation(ctx, case) for case in cases])
    bare, _ = _cpu(lambda: [e.result(ctx, False) for e in evaluations])
    explained, _ = _cpu(lambda: [e.result(ctx, True) for e in evaluations])
    return {"histories and cases": histories, "evaluations at first sight": first, **parts,
            "the same evaluations again (cached)": again, "results without derivations": bare,
            "results with derivations": explained}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="reference", choices=["reference", "durable"])
    parser.add_argument("--collector", default="off", choices=["on", "off"])
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    floor = one_floor()[1]  # CPU seconds, best of 20, as the benchmark takes it
    _wrap()
    if args.collector == "off":
        gc.disable()
    rounds = [one_round(args.backend) for _ in range(args.rounds)][1:]
    print(f"{args.backend}, collector {args.collector}, floor {floor * 1000:.1f} ms, best of {len(rounds)} rounds")
    for part in rounds[0]:
        best = min(r[part] for r in rounds)
        print(f"{part:44s} {best * 1000:7.1f} ms {best / floor:6.1f}x")


if __name__ == "__main__":
    main()
