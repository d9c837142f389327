"""Benchmarks: the engine against its floor and a baseline, measured in one run on this machine.

    python bench/run.py [--quick] [--baseline TREE] [--output docs/performance.md]

Each measurement runs in its own process (so peak memory is its own), several times; the table gives
medians, the CPU time (user + system, the figure least disturbed by other work on a shared machine) and
ratios: to the hand-written floor, to the same engine with its evaluation cache off (`--no-cache`), and,
with `--baseline TREE` (a checkout of the engine before a change), to that tree measured in the same
run. Exits non-zero if the backends, the cached and uncached engine, one and two processes, or the
floor (where it is determinate) disagree; never because of a timing."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TREE = HERE.parent
BACKENDS = ("reference", "durable")


# ---------------------------------------------------------------- in-process measurements (in a child)


def _context(backend, cache=True):
    from tierlaw.queries import Context
    try:
        return Context(backend=backend, cache=cache)
    except TypeError:  # a baseline tree without the evaluation cache
        return Context(backend=backend)


def one_effective(backend, cache=True):
    """Effective tier of every recorded placement with full derivations (one evaluation each)."""
    from tierlaw.queries import Case, evaluate_case, history_for
    ctx = _context(backend, cache)
    began, cpu = time.perf_counter(), time.process_time()
    found = {}
    for code, rows in sorted(ctx.record.placements.items()):
        for year, placement in sorted(rows.items()):
            case = Case(code, year, placement, history_for(ctx, code, year, {}))
            found[f"{code} {year}"] = evaluate_case(ctx, case)["effective_tier"]
    return time.perf_counter() - began, time.process_time() - cpu, found


def one_floor():
    """The hand-written floor, best of 20 (it takes milliseconds: one run is mostly noise)."""
    sys.path.insert(0, str(HERE))
    from floor import all_effective
    ctx = _context("reference")
    times, cpus = [], []
    for _ in range(20):
        began, cpu = time.perf_counter(), time.process_time()
        found = {f"{c} {y}": t for (c, y), t in sorted(all_effective(ctx.record).items())}
        times.append(time.perf_counter() - began)
        cpus.append(time.process_time() - cpu)
    return min(times), min(cpus), found


def one_whatif_warm(backend, cache=True):
    from tierlaw.queries import whatif
    ctx = _context(backend, cache)
    whatif(ctx, "MYS", 2015, "3")  # compile, register and fill the caches once
    began, cpu = time.perf_counter(), time.process_time()
    for _ in range(50):
        whatif(ctx, "MYS", 2015, "3")
    return (time.perf_counter() - began) / 50, (time.process_time() - cpu) / 50, {}


ONE = {
    "floor": one_floor,
    **{f"effective-{b}": (lambda b=b: one_effective(b)) for b in BACKENDS},
    **{f"effective-{b}-uncached": (lambda b=b: one_effective(b, cache=False)) for b in BACKENDS},
    **{f"whatif-warm-{b}": (lambda b=b: one_whatif_warm(b)) for b in BACKENDS},
    **{f"whatif-warm-{b}-uncached": (lambda b=b: one_whatif_warm(b, cache=False)) for b in BACKENDS},
}


def run_one(name: str, tree: Path) -> None:
    sys.path.insert(0, str(tree / "engine"))
    seconds, cpu, payload = ONE[name]()
    peak = own_peak_mib()
    print(json.dumps({"name": name, "seconds": seconds, "cpu": cpu, "peak_mib": round(peak, 1), "payload": payload}))


def own_peak_mib() -> float:
    """This process's peak resident memory. Linux keeps ru_maxrss across exec, so a process the benchmark
    starts once it has grown (holding earlier outputs) would report the benchmark's size: read the
    high-water mark of its own memory instead, where the system gives it."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(named: dict, repeats: int) -> dict:
    """Run each {label: (name, tree)} in fresh processes, `repeats` rounds of all of them in turn (so a
    busy spell of the shared machine falls on every measurement alike); the best and the median of the
    in-process seconds, and the peak memory."""
    runs: dict = {label: [] for label in named}
    for _ in range(repeats):
        for label, (name, tree) in named.items():
            done = subprocess.run([sys.executable, str(HERE / "run.py"), "--one", name, "--tree", str(tree)],
                                  capture_output=True, text=True, timeout=3600, env=_env(tree))
            if done.returncode != 0:
                raise SystemExit(f"benchmark {name} ({tree}) failed: {done.stderr[-2000:]}")
            runs[label].append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {label: dict(found[-1], seconds=statistics.median(r["seconds"] for r in found),
                        best=min(r["seconds"] for r in found), cpu=statistics.median(r["cpu"] for r in found),
                        runs=repeats)
            for label, found in runs.items()}


def _env(tree: Path) -> dict:
    return dict(os.environ, PYTHONPATH=str(tree / "engine"))


# ---------------------------------------------------------------- whole processes


WHOLE = """
import resource, subprocess, sys, time
began = time.perf_counter()
done = subprocess.run(sys.argv[2:], stdout=open(sys.argv[1], "wb"), stderr=subprocess.PIPE)
seconds = time.perf_counter() - began
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(done.returncode, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, done.stderr.decode()[-300:].replace(chr(10), " "))
"""


def whole(named: dict, repeats: int) -> dict:
    """Each {label: (argv, tree)} as a whole process, start to exit, `repeats` rounds of all of them in turn
    (an intermediate process isolates its CPU time and peak memory: the largest of the process and of any
    worker it started)."""
    runs: dict = {label: [] for label in named}
    for _ in range(repeats):
        for label, (argv, tree) in named.items():
            runs[label].append(_whole_once(label, argv, tree))
    return {label: {"name": label, "seconds": statistics.median(r[0] for r in found),
                    "best": min(r[0] for r in found), "cpu": statistics.median(r[1] for r in found),
                    "peak_mib": round(max(r[2] for r in found), 1), "runs": repeats,
                    "payload": {"output": sorted({r[3] for r in found}),
                                "judgments": sorted({r[4] for r in found if r[4]})}}
            for label, found in runs.items()}


def _whole_once(label: str, argv: list, tree: Path) -> tuple:
    """(seconds, CPU seconds, peak MiB, output digest, judgments digest) of one run."""
    out = Path(f"/tmp/tierlaw-bench-{os.getpid()}.out")
    done = subprocess.run([sys.executable, "-c", WHOLE, str(out), *argv], capture_output=True, text=True,
                          timeout=3600, env=_env(tree), cwd=tree)
    code, seconds, cpu, peak, err = done.stdout.split(" ", 4)
    if int(code) not in (0, 2):
        raise SystemExit(f"{label} failed ({code}): {err} {done.stderr[-500:]}")
    output = out.read_bytes()
    out.unlink()
    return (float(seconds), float(cpu), float(peak), hashlib.sha256(_masked(output)).hexdigest()[:16],
            _judgments(output))


def _judgments(output: bytes) -> str | None:
    """The digest of what an audit decides for each placement (fits the law or not, its findings' ids and
    kinds, its decisions), leaving out the words: a baseline from before a change of wording still agrees."""
    try:
        rows = json.loads(output)["rows"]
    except (ValueError, KeyError, TypeError):
        return None
    decided = [(r["country"], r["year"], r["record_fits_law"], sorted((f["id"], f["audit"]) for f in r["findings"]),
                sorted((d["id"], d["applied"], d["settled_by"]) for d in r["decisions"])) for r in rows]
    return hashlib.sha256(json.dumps(decided, sort_keys=True).encode()).hexdigest()[:16]


def _masked(output: bytes) -> bytes:
    """Output with what is expected to differ between runs left out: timings, and the backend's name."""
    output = re.sub(rb"in [0-9.]+ s", b"in (time) s", output)
    return re.sub(rb'"backend": "[a-z]+"', b'"backend": ""', output)


def cli(*words) -> list:
    return [sys.executable, "-m", "tierlaw.cli", *words]


STDLIB = """
import sys
import tierlaw.jsontext
tierlaw.jsontext.orjson = None  # the same command through the standard library's writer
from tierlaw.cli import main
main(["audit", "--format", "json", "--backend", sys.argv[1]])
"""


def serve_start(tree: Path, repeats: int) -> dict:
    """`tierlaw serve` from process start to its first answer, and to its first what-if."""
    sys.path.insert(0, str(HERE))
    import http.client
    from load import free_port, get
    firsts, whatifs = [], []
    for _ in range(repeats):
        port = free_port()
        began = time.perf_counter()
        server = subprocess.Popen(cli("serve", "--port", str(port)), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, cwd=tree, env=_env(tree))
        try:
            while True:
                try:
                    status, _ = get(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/api/scenarios")
                    break
                except OSError:
                    if time.perf_counter() - began > 60:
                        raise SystemExit("the server did not start")
                    time.sleep(0.01)
            firsts.append(time.perf_counter() - began)
            get(http.client.HTTPConnection("127.0.0.1", port, timeout=60), "/api/whatif?country=MYS&year=2015&tier=3")
            whatifs.append(time.perf_counter() - began)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {"name": "serve-start", "seconds": statistics.median(firsts), "cpu": None, "peak_mib": None,
            "runs": repeats, "payload": {}, "note": f"first what-if answered after {statistics.median(whatifs):.2f} s"}


# ---------------------------------------------------------------- the report


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
            f"Python {platform.python_version()}, load average {load:.1f} at the start")


def _compared(payload: dict, key: str | None):
    return payload.get(key) if key else payload


def agreement(results: dict) -> list:
    """Problems: answers that differ where they must not."""
    problems = []
    pairs = [("effective-durable", "effective-reference", "effective tiers differ between the backends"),
             ("effective-reference", "effective-reference-uncached", "effective tiers differ with the cache off"),
             ("effective-durable", "effective-durable-uncached", "effective tiers differ with the cache off (durable)"),
             ("audit-reference", "audit-durable", "audits differ between the backends"),
             ("audit-reference", "audit-reference-uncached", "the audit differs with the cache off"),
             ("audit-reference-uncached", "audit-reference-uncached-jobs1", "the audit differs in one process and two"),
             ("audit-reference", "audit-reference-stdlib", "the audit's JSON differs with the standard library's writer"),
             ("exhaustive-jobs1", "exhaustive-jobs2", "check --exhaustive says other things in two processes"),
             ("audit-reference", "baseline-audit-reference", "the audit decides otherwise than the baseline's"),
             ("effective-reference", "baseline-effective-reference", "effective tiers differ from the baseline's")]
    for first, second, problem in pairs:
        # against the baseline, what the audit decides must agree; its wording may have changed since
        key = "judgments" if second.startswith("baseline-audit") else None
        if first in results and second in results and \
                _compared(results[first]["payload"], key) != _compared(results[second]["payload"], key):
            problems.append(problem)
    floor, reference = results["floor"]["payload"], results["effective-reference"]["payload"]
    compared = [k for k in reference if reference[k] is not None and floor.get(k) is not None]
    wrong = [k for k in compared if reference[k] != floor[k]]
    if wrong:
        problems.append(f"the floor and the engine disagree on {len(wrong)} placements, e.g. {wrong[:5]}")
    results["floor"]["compared"] = len(compared)
    return problems


ROWS = [
    ("effective tiers of the whole record, with derivations (in-process)", "effective-{b}", "floor"),
    ("", "effective-{b}-uncached", "floor"),
    ("", "baseline-effective-{b}", "floor"),
    ("", "floor", "floor"),
    ("whole-record `audit --format json`, whole process (as shipped: the compact audit, orjson writer)",
     "audit-{b}", None),
    ("", "baseline-audit-{b}", "audit-{b}"),
    ("", "audit-{b}-uncached", "audit-{b}"),
    ("", "audit-{b}-uncached-jobs1", "audit-{b}-uncached"),
    ("the same written by the standard library's `json` (byte-identical)", "audit-{b}-stdlib", "audit-{b}"),
    ("the same with every derivation (`--explain`, 28 MB)", "audit-{b}-explain", "audit-{b}"),
    ("one `whatif MYS 2015 --tier 3`, cold process (start to exit)", "whatif-cold-{b}", None),
    ("", "baseline-whatif-cold-{b}", "whatif-cold-{b}"),
    ("one `whatif`, warm (in-process, mean of 50)", "whatif-warm-{b}", None),
    ("", "whatif-warm-{b}-uncached", "whatif-warm-{b}"),
    ("", "baseline-whatif-warm-{b}", "whatif-warm-{b}"),
]


def table(results: dict) -> str:
    lines = ["| workload | measurement | best s | median s | CPU s | ratio | to | peak MiB | notes |",
             "|---|---|---|---|---|---|---|---|---|"]
    rows = [(label if b == "reference" or not label else "", name.format(b=b), (base or "").format(b=b))
            for label, name, base in ROWS for b in (BACKENDS if "{b}" in name else ("",))]
    rows = [row for i, row in enumerate(rows) if row[1] not in {r[1] for r in rows[:i]}]
    rows += [("`check --exhaustive` (every option set, 6 reports)" if "jobs1" in n else "", n, "exhaustive-jobs1")
             for n in ("exhaustive-jobs1", "exhaustive-jobs2") if n in results]
    rows += [("`tierlaw serve`: start to first answer", "serve-start", None)]
    for label, name, base in rows:
        if name not in results:
            continue
        r = results[name]
        shown_base = base if base in results and base != name else ""
        ratio = f"{_best(r) / _best(results[base]):.2f}" if shown_base else ""
        peak = r["peak_mib"] if r.get("peak_mib") is not None else ""
        lines.append(f"| {label} | {name} | {_seconds(_best(r))} | {_seconds(r['seconds'])} | {_seconds(r.get('cpu'))} | "
                     f"{ratio} | {shown_base} | {peak} | {_note(name, r)} |")
    return "\n".join(lines)


def _best(result: dict) -> float:
    """The fastest run: other work on the machine only ever adds time (the floor is its best of 20)."""
    return result.get("best", result["seconds"])


def _seconds(value) -> str:
    if value is None:
        return ""
    return f"{value:.3f}" if value >= 0.1 else f"{value:.4f}"


def _note(name: str, r: dict) -> str:
    if name == "floor":
        return f"hand-written law; agrees with the engine on all {r.get('compared', 0)} determinate placements"
    return r.get("note", "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, default=TREE, help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions; exhaustive under the default "
                                                             "options only")
    parser.add_argument("--baseline", type=Path, help="another checkout of the engine, measured in the same run")
    parser.add_argument("--output", default=str(TREE / "docs" / "performance.md"))
    args = parser.parse_args()
    if args.one:
        run_one(args.one, args.tree)
        return
    repeats = 1 if args.quick else 3
    for tree in filter(None, (TREE, args.baseline)):
        as_installed(tree)
    in_process = {name: (name, TREE) for name in ONE}
    if args.baseline:
        in_process.update({f"baseline-{name}-{b}": (f"{name}-{b}", args.baseline)
                           for name in ("effective", "whatif-warm") for b in BACKENDS})
    results = measure(in_process, repeats)
    cold = 5 if not args.quick else 2
    for b in BACKENDS:
        audit_argv = ["audit", "--format", "json", "--backend", b]
        whatif_argv = cli("whatif", "MYS", "2015", "--tier", "3", "--format", "json", "--backend", b)
        paired = {f"audit-{b}": (cli(*audit_argv), TREE),
                  f"audit-{b}-stdlib": ([sys.executable, "-c", STDLIB, b], TREE),
                  f"audit-{b}-explain": (cli(*audit_argv, "--explain"), TREE)}
        if args.baseline:
            paired[f"baseline-audit-{b}"] = (cli(*audit_argv), args.baseline)
        results.update(whole(paired, repeats))
        results.update(whole({f"audit-{b}-uncached": (cli(*audit_argv, "--no-cache"), TREE),
                              f"audit-{b}-uncached-jobs1": (cli(*audit_argv, "--no-cache", "--jobs", "1"), TREE)}, 1))
        results.update(whole({f"whatif-cold-{b}": (whatif_argv, TREE),
                              **({f"baseline-whatif-cold-{b}": (whatif_argv, args.baseline)} if args.baseline else {})},
                             cold))
    exhaustive = ["check", "--exhaustive", "--backend", "reference"] + (["--default-options-only"] if args.quick else [])
    results.update(whole({f"exhaustive-jobs{jobs}": (cli(*exhaustive, "--jobs", jobs), TREE) for jobs in ("1", "2")}, 1))
    results["serve-start"] = serve_start(TREE, repeats)
    problems = agreement(results)
    text = table(results)
    print(text)
    analysis = (HERE / "analysis.md").read_text() if (HERE / "analysis.md").exists() else ""
    Path(args.output).write_text(PERFORMANCE.format(machine=machine(), table=text, analysis=analysis,
                                                    when=time.strftime("%Y-%m-%d"), repeats=repeats, cold=cold,
                                                    baseline=_baseline_text(args.baseline)))
    for problem in problems:
        print("DISAGREEMENT: " + problem, file=sys.stderr)
    raise SystemExit(1 if problems else 0)


def as_installed(tree: Path) -> None:
    """Write the engine's bytecode, as `pip install` does: the processes measured read it rather than compile
    every module from source (they would, where PYTHONDONTWRITEBYTECODE is set, as on this machine)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "engine" / "tierlaw")], check=True)


def _baseline_text(tree) -> str:
    if not tree:
        return ""
    head = subprocess.run(["git", "-C", str(tree), "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    return (f" Rows named baseline-… ran the engine of another tree ({head.stdout.strip() or tree}) in the same "
            f"run, as often as the rows they are compared with and in turn with them.")


PERFORMANCE = """# Performance

Measured by `python bench/run.py` on {when}: {machine}. Each measurement ran in its own process
({repeats} times, the cold what-if {cold}, exhaustive runs and the uncached audit once; the rounds of a group
of measurements in turn, so a busy spell falls on all of them alike), so peak memory (max RSS,
the largest of the process and any worker it started) is its own. CPU s is user + system time of the
process (and its workers), the figure least disturbed by other work on this shared 2-core machine;
wall-clock timings vary by ±30 % or more from run to run. "best s" is the fastest run and "median s" the
median; the ratio is the measurement's best seconds over those of the row named under "to" (other work
on the machine only adds time; the floor is the best of 20). The engine's bytecode is written first, as
`pip install` leaves it.{baseline}

{table}

{analysis}
"""

if __name__ == "__main__":
    main()
