"""Benchmarks: the engine against its floor, measured in one run on this machine.

    python bench/run.py [--quick] [--output docs/performance.md]

Each measurement runs in its own process (so peak memory is its own) several times; the table gives
medians and ratios to the hand-written floor measured in the same run. Exits non-zero if the backends
(or the floor, where it is determinate) disagree; never because of a timing."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(name: str, repeats: int) -> dict:
    """Run `name` in fresh processes; medians of the in-process seconds, and the peak RSS."""
    runs = []
    for _ in range(repeats):
        done = subprocess.run([sys.executable, str(HERE / "run.py"), "--one", name], capture_output=True,
                              text=True, timeout=3600)
        if done.returncode != 0:
            raise SystemExit(f"benchmark {name} failed: {done.stderr[-2000:]}")
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    result = dict(runs[-1])
    result["seconds"] = statistics.median(r["seconds"] for r in runs)
    result["runs"] = repeats
    return result


# ---------------------------------------------------------------- single measurements (in a child)


def _context(backend):
    from tierlaw.queries import Context
    return Context(backend=backend)


def one_effective(backend):
    """Effective tier of every recorded placement with full derivations (one evaluation each)."""
    from tierlaw.queries import Case, evaluate_case, history_for
    ctx = _context(backend)
    began = time.perf_counter()
    found = {}
    for code, rows in sorted(ctx.record.placements.items()):
        for year, placement in sorted(rows.items()):
            case = Case(code, year, placement, history_for(ctx, code, year, {}))
            found[f"{code} {year}"] = evaluate_case(ctx, case)["effective_tier"]
    return time.perf_counter() - began, found


def one_audit(backend):
    from tierlaw.audit import audit
    ctx = _context(backend)
    began = time.perf_counter()
    report = audit(ctx, [], None, None)
    digest = json.dumps([(r["country"], r["year"], r["record_fits_law"], sorted(f["id"] for f in r["findings"]))
                         for r in report["rows"]])
    return time.perf_counter() - began, {"rows": len(report["rows"]), "digest": hash_text(digest)}


def one_floor():
    sys.path.insert(0, str(HERE))
    from floor import all_effective
    ctx = _context("reference")
    began = time.perf_counter()
    found = {f"{c} {y}": t for (c, y), t in sorted(all_effective(ctx.record).items())}
    return time.perf_counter() - began, found


def one_whatif_warm(backend):
    from tierlaw.queries import whatif
    ctx = _context(backend)
    whatif(ctx, "MYS", 2015, "3")  # compile and register once
    began = time.perf_counter()
    for _ in range(20):
        whatif(ctx, "MYS", 2015, "3")
    return (time.perf_counter() - began) / 20, {}


def one_exhaustive(years):
    from tierlaw.verify import exhaustive
    ctx = _context("reference")
    report = exhaustive(ctx, years, all_options=False)
    return report["seconds"], {"histories": report["histories"], "evaluations": report["evaluations"],
                               "violations": len(report["violations"])}


def hash_text(text: str) -> str:
    import hashlib
    return hashlib.sha256(text.encode()).hexdigest()[:16]


ONE = {
    "effective-durable": lambda: one_effective("durable"),
    "effective-reference": lambda: one_effective("reference"),
    "floor": one_floor,
    "audit-durable": lambda: one_audit("durable"),
    "audit-reference": lambda: one_audit("reference"),
    "whatif-warm-durable": lambda: one_whatif_warm("durable"),
    "whatif-warm-reference": lambda: one_whatif_warm("reference"),
    "exhaustive-6": lambda: one_exhaustive(6),
    "exhaustive-8": lambda: one_exhaustive(8),
}


def run_one(name: str) -> None:
    seconds, payload = ONE[name]()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"name": name, "seconds": seconds, "peak_mib": round(peak, 1), "payload": payload}))


COLD = """
import resource, subprocess, sys, time
began = time.perf_counter()
done = subprocess.run([sys.executable, "-m", "tierlaw.cli", "whatif", "MYS", "2015", "--tier", "3",
                       "--format", "json", "--backend", sys.argv[1]], capture_output=True)
seconds = time.perf_counter() - began
assert done.returncode == 0, done.stderr[-500:]
print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def cold_whatif(backend: str, repeats: int) -> dict:
    """`tierlaw whatif` as a whole process, start to exit; an intermediate process isolates its peak memory."""
    times, peaks = [], []
    for _ in range(repeats):
        done = subprocess.run([sys.executable, "-c", COLD, backend], capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise SystemExit(f"whatif failed: {done.stderr[-500:]}")
        seconds, peak = (float(x) for x in done.stdout.split())
        times.append(seconds)
        peaks.append(peak)
    return {"name": f"whatif-cold-{backend}", "seconds": statistics.median(times), "peak_mib": round(max(peaks), 1),
            "runs": repeats, "payload": {}}


# ---------------------------------------------------------------- the report


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
            f"Python {platform.python_version()}")


def agreement(results: dict) -> list:
    """Problems: backends that disagree, or the floor disagreeing where both sides are determinate."""
    problems = []
    durable, reference = results["effective-durable"]["payload"], results["effective-reference"]["payload"]
    if durable != reference:
        problems.append("effective tiers differ between the durable and reference backends")
    if results["audit-durable"]["payload"] != results["audit-reference"]["payload"]:
        problems.append("audits differ between the durable and reference backends")
    floor = results["floor"]["payload"]
    compared = [k for k in reference if reference[k] is not None and floor.get(k) is not None]
    wrong = [k for k in compared if reference[k] != floor[k]]
    if wrong:
        problems.append(f"the floor and the engine disagree on {len(wrong)} placements, e.g. {wrong[:5]}")
    results["floor"]["compared"] = len(compared)
    return problems


def table(results: dict, began: float) -> str:
    floor = results["floor"]["seconds"]
    rows = [
        ("effective tiers of the whole record, with derivations", "effective-durable", floor),
        ("", "effective-reference", floor),
        ("", "floor", floor),
        ("whole-record audit (settle to the record, required findings, anomalies)", "audit-durable", floor),
        ("", "audit-reference", floor),
        ("one `whatif MYS 2015 --tier 3`, cold process (start to exit)", "whatif-cold-durable", None),
        ("", "whatif-cold-reference", None),
        ("one `whatif`, warm (in-process, mean of 20)", "whatif-warm-durable", None),
        ("", "whatif-warm-reference", None),
        ("exhaustive verification, default options", "exhaustive-6", None),
        ("", "exhaustive-8", None),
    ]
    lines = ["| workload | measurement | median s | × floor | peak MiB | notes |", "|---|---|---|---|---|---|"]
    for label, name, base in rows:
        if name not in results:
            continue
        r = results[name]
        ratio = f"{r['seconds'] / base:.1f}" if base else ""
        note = ""
        if name.startswith("exhaustive"):
            p = r["payload"]
            note = f"{p['histories']:,} histories, {p['evaluations']:,} cases, {p['histories'] / r['seconds']:,.0f} histories/s"
        if name == "floor":
            note = f"hand-written law; agrees with the engine on all {r.get('compared', 0)} determinate placements"
        lines.append(f"| {label} | {name} | {r['seconds']:.3f} | {ratio} | {r['peak_mib']} | {note} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="one repetition each, no 8-year exhaustive run")
    parser.add_argument("--output", default=str(HERE.parent / "docs" / "performance.md"))
    args = parser.parse_args()
    if args.one:
        run_one(args.one)
        return
    began = time.time()
    repeats = 1 if args.quick else 3
    names = [n for n in ONE if not (args.quick and n == "exhaustive-8")]
    results = {name: measure(name, 1 if name.startswith("exhaustive") else repeats) for name in names}
    for backend in ("durable", "reference"):
        results[f"whatif-cold-{backend}"] = cold_whatif(backend, 5 if not args.quick else 2)
    problems = agreement(results)
    text = table(results, began)
    print(text)
    analysis = (HERE / "analysis.md").read_text() if (HERE / "analysis.md").exists() else ""
    Path(args.output).write_text(PERFORMANCE.format(machine=machine(), table=text, analysis=analysis,
                                                    when=time.strftime("%Y-%m-%d"), repeats=repeats))
    for problem in problems:
        print("DISAGREEMENT: " + problem, file=sys.stderr)
    raise SystemExit(1 if problems else 0)


PERFORMANCE = """# Performance

Measured by `python bench/run.py` on {when}: {machine}. Each measurement ran in its own process
({repeats} times, median shown; exhaustive runs once), so peak memory (max RSS) is its own. Ratios are
against the hand-written floor (`bench/floor.py`: the automatic downgrade hard-coded in plain Python)
measured in the same run. Timings on this 2-core machine are noisy (about ±30 %).

{table}

{analysis}
"""

if __name__ == "__main__":
    main()
