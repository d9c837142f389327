"""Instructions the engine executes for the record's effective tiers with derivations, counted by valgrind.

    python bench/instructions.py [--backend reference|durable] [--tree TREE] [--collector on|off]

Timings on this shared machine drift by a tenth between runs; instruction counts do not (the hash seed is
fixed). Counts a process that loads a context and one that then takes every recorded placement's effective
tier with derivations (bench/run.py's `one_effective`), and prints the difference in millions. It counts
work, not time: cache misses (the collector walking every object) weigh more in seconds than here.
Needs valgrind; asserts nothing."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = """
import gc, sys
sys.path.insert(0, {engine!r}); sys.path.insert(0, {bench!r})
from run import _context, one_effective
if {collector!r} == "off":
    gc.disable()
one_effective({backend!r}) if {whole!r} else _context({backend!r})
"""


def instructions(tree: Path, backend: str, collector: str, whole: bool) -> int:
    code = CHILD.format(engine=str(tree / "engine"), bench=str(HERE), backend=backend, collector=collector,
                        whole=whole)
    done = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                           sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONHASHSEED="0"))
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode or not found:
        raise SystemExit(f"valgrind failed: {done.stderr[-500:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="reference", choices=["reference", "durable"])
    parser.add_argument("--tree", type=Path, default=HERE.parent, help="a checkout of the engine (default: this one)")
    parser.add_argument("--collector", default="on", choices=["on", "off"])
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed")
    spent = (instructions(args.tree, args.backend, args.collector, True)
             - instructions(args.tree, args.backend, args.collector, False))
    print(f"{args.tree} {args.backend}, collector {args.collector}: {spent / 1e6:,.0f}M instructions")


if __name__ == "__main__":
    main()
