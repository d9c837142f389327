"""The measuring scripts docs/performance.md cites still run on today's engine: they name engine internals
(bench/parts.py wraps its functions), so a rename that leaves them behind fails here, not in the next
person's benchmark. Timings are not compared; the scripts' own checks and the rows they must print are asserted."""

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
ROW = re.compile(r"^(?P<part>\S.*?)\s+(?P<ms>\d+\.\d) ms\s+(?P<ratio>\d+\.\d)x$")


def _rows(script: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    found = {}
    for line in done.stdout.splitlines():
        match = ROW.match(line.strip())
        if match:
            found[match["part"]] = float(match["ms"])
    return found


def test_parts_times_every_part_of_a_first_sight_evaluation():
    rows = _rows("parts.py", "--rounds", "2")
    wrapped = [part for part in rows if part.startswith("of which: ")]
    # each wrapped engine function was found and called: a part the engine no longer runs would read 0.0
    assert sorted(wrapped) == sorted(f"of which: {label}" for label in (
        "compiling books", "the automata's states", "feature vectors", "reading classes", "backend runs"))
    assert all(rows[part] > 0 for part in wrapped)
    # the wrapped parts are timed inside the first-sight evaluations (no part counted twice)
    assert sum(rows[part] for part in wrapped) < rows["evaluations at first sight"]
    assert {"histories and cases", "the same evaluations again (cached)", "results without derivations",
            "results with derivations"} <= set(rows)


def test_bounds_rebuilds_the_engines_results_from_literal_displays():
    # bounds.py exits non-zero if its generated builders do not give the engine's results, dict for dict
    rows = _rows("bounds.py", "--rounds", "1")
    assert len(rows) == 3
    assert any("literal construction" in part for part in rows)
    assert all(ms > 0 for ms in rows.values())
