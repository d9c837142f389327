"""The record's effective tiers under the two changes that issue 16's 20x target would need, as data for that
decision (bench/analysis.md, the fifth round): the engine compiled by Cython, and the record taken as one sweep
with the collector paused, as the engine's own sweeps (`audit`, `check`) pause it.

    python bench/alternatives.py [--rounds N] [--compiled]

Measures bench/run.py's workload (every recorded placement's effective tier with derivations, in a fresh
context) per backend, each measurement in its own process, the variants in turn round by round: as single
queries with the collector on (bench/run.py's row, the target's), and as a sweep (`parallel.collector_paused`).
With --compiled, the same for a copy of this tree's engine compiled by Cython as the plain Python it is (every
module but the CLI, the web server and the package `__init__`s; needs Cython and a C compiler, `pip install
cython`, and about two minutes). Prints the best and median milliseconds and the ratio of the best to the floor's
(bench/floor.py, best of 20). Exits non-zero if a variant's answers differ from the others'; never because of a
timing. The engine ships interpreted and bench/run.py measures it as shipped: these are alternatives."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import _env, as_installed  # noqa: E402
from run import measure as measure_one  # noqa: E402
TREE = HERE.parent
BACKENDS = ("reference", "durable")
MODES = ("queries", "sweep")
NOT_COMPILED = {"__init__.py", "cli.py"}  # the CLI is read by typer's introspection; package markers stay Python

BUILD = """
import sys
from pathlib import Path
from Cython.Build import cythonize
from setuptools import setup
modules = [str(p) for folder in ("tierlaw", "tierlaw/backends") for p in sorted(Path(folder).glob("*.py"))
           if p.name not in {skip!r}]
sys.argv = ["setup.py", "build_ext", "--inplace", "-j", "2"]
setup(ext_modules=cythonize(modules, nthreads=2, quiet=True, compiler_directives={{
    "language_level": 3, "binding": True, "annotation_typing": False}}))
"""


def one(mode: str, backend: str) -> None:
    """In a child: the workload once, printed as JSON (seconds, and a digest of the answers)."""
    from run import one_effective
    from tierlaw.parallel import collector_paused
    with collector_paused() if mode == "sweep" else contextlib.nullcontext():
        seconds, _, found = one_effective(backend)
    digest = hashlib.sha256(json.dumps(found, sort_keys=True).encode()).hexdigest()
    print(json.dumps({"seconds": seconds, "answers": digest}))


def floor_seconds() -> float:
    """The floor as bench/run.py takes it (best of 20, in a process of its own)."""
    return measure_one({"floor": ("floor", TREE)}, 1)["floor"]["best"]


def compiled_copy(into: Path) -> Path:
    """A copy of this tree's engine with its modules compiled by Cython, in `into`; its root."""
    root = into / "compiled"
    shutil.copytree(TREE / "engine", root / "engine", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    for shipped in ("rules", "data", "scenarios"):  # the engine finds them beside its source tree
        (root / shipped).symlink_to(TREE / shipped)
    print("compiling the engine with Cython (about two minutes) ...", file=sys.stderr)
    _child([sys.executable, "-c", BUILD.format(skip=NOT_COMPILED)], root, cwd=root / "engine")
    return root


def _child(argv: list, tree: Path, cwd: Path | None = None) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, cwd=cwd or TREE, env=_env(tree))
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])} failed: {done.stderr[-1500:]}")
    return done.stdout


def measure(trees: dict, rounds: int) -> dict:
    """{(engine, backend, mode): [(seconds, answers digest), ...]}, the variants in turn round by round."""
    runs: dict = {}
    for _ in range(rounds):
        for engine, tree in trees.items():
            for backend in BACKENDS:
                for mode in MODES:
                    out = _child([sys.executable, str(Path(__file__).resolve()), "--one", mode, backend], tree)
                    found = json.loads(out.strip().splitlines()[-1])
                    runs.setdefault((engine, backend, mode), []).append((found["seconds"], found["answers"]))
    return runs


def table(runs: dict, floor: float) -> str:
    lines = [f"floor (best of 20): {floor * 1000:.2f} ms", "",
             "| engine | backend | as | best ms | median ms | x floor |", "|---|---|---|---|---|---|"]
    for (engine, backend, mode), found in runs.items():
        seconds = [s for s, _ in found]
        label = "single queries, collector on" if mode == "queries" else "a sweep, collector paused"
        lines.append(f"| {engine} | {backend} | {label} | {min(seconds) * 1000:.1f} | "
                     f"{statistics.median(seconds) * 1000:.1f} | {min(seconds) / floor:.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--compiled", action="store_true", help="also a copy of the engine compiled by Cython")
    args = parser.parse_args()
    if args.one:
        one(*args.one)
        return
    as_installed(TREE)  # bytecode written first, as bench/run.py does
    with tempfile.TemporaryDirectory() as scratch:
        trees = {"interpreted": TREE}
        if args.compiled:
            trees["compiled (Cython)"] = compiled_copy(Path(scratch))
        runs = measure(trees, args.rounds)
        print(table(runs, floor_seconds()))
    answers = {digest for found in runs.values() for _, digest in found}
    if len(answers) != 1:
        raise SystemExit(f"the variants' answers differ ({len(answers)} different sets of effective tiers)")


if __name__ == "__main__":
    main()
