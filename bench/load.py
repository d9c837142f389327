"""Load benchmark of `tierlaw serve`: requests per second and latency percentiles for what-ifs.

    python bench/load.py [--seconds 10] [--clients 8] [--port 0]

Starts the server as its own process (as a user would), warms it, then keeps `--clients` threads
asking over persistent local HTTP connections for `--seconds` each round:

- warm: the same what-if again and again (`/api/whatif?country=MYS&year=2015&tier=3`), which the
  server answers from its cache of recent answers after the first time;
- page: the same what-if as the HTML page;
- distinct: a cycle of more different what-ifs than the cache holds, so each one is evaluated anew
  (the engine's own speed, plus the server's).

Prints a Markdown table; never asserts a timing (docs/performance.md keeps the figures)."""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
WARM = "/api/whatif?country=MYS&year=2015&tier=3"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "tierlaw.cli", "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=HERE.parent)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = get(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/openapi.json")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"the server did not start: {server.stderr.read().decode()[-2000:]}")


def get(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def distinct_questions(count: int) -> list:
    """`count` different what-ifs spread over the record: each report year in turn, its recorded
    countries in turn, the tiers in turn (years with many gaps cost more: every reading is evaluated)."""
    from tierlaw.queries import Context
    ctx = Context(backend="reference")
    years = sorted(ctx.record.years())
    countries = {y: sorted(c for c, rows in ctx.record.placements.items() if y in rows) for y in years}
    tiers = list(ctx.rulebook.tiers)
    paths: dict = {}
    for i in itertools.count():
        year = years[i % len(years)]
        code = countries[year][(i // len(years)) % len(countries[year])]
        tier = tiers[(i // len(years)) % len(tiers)]
        paths["/api/whatif?" + urlencode({"country": code, "year": year, "tier": tier})] = None
        if len(paths) == count or i > 100 * count:
            return list(paths)


def load(port: int, paths: list, clients: int, seconds: float) -> dict:
    """Each client walks `paths` (from its own offset) for `seconds`; latencies of successful answers."""
    latencies: list = []
    failures = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], 0
        for path in itertools.islice(itertools.cycle(paths), offset, None):
            if time.monotonic() >= stop:
                break
            began = time.perf_counter()
            status, _ = get(connection, path)
            if status == 200:
                mine.append(time.perf_counter() - began)
            else:
                bad += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    step = max(1, len(paths) // clients)
    threads = [threading.Thread(target=client, args=(i * step,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {"requests": len(latencies), "failed": failures[0], "per_second": len(latencies) / elapsed,
            "p50_ms": 1000 * statistics.median(latencies), "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--distinct", type=int, default=600, help="distinct what-ifs (more than the cache holds)")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    args = parser.parse_args()
    port = args.port or free_port()
    server = start_server(port)
    try:
        warm_connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        page = "/whatif?country=MYS&year=2015&tier=3"
        for path in (WARM, page):  # warm: first answers computed, caches filled
            get(warm_connection, path)
        rounds = {"warm": [WARM], "page": [page], "distinct": distinct_questions(args.distinct)}
        results = {name: load(port, paths, args.clients, args.seconds) for name, paths in rounds.items()}
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"tierlaw serve, {args.clients} local clients, {args.seconds:g} s per round; {platform.system()} "
          f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("\n| round | requests | failed | requests/s | p50 ms | p99 ms |\n|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['requests']} | {r['failed']} | {r['per_second']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} |")


if __name__ == "__main__":
    main()
