"""HTML reports in a real browser, the Markdown memo line, and the law map in docs/."""

import csv
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from test_bad_input import run_cli
from tierlaw.paths import default_data_dir

DOCS = Path(__file__).resolve().parent.parent / "docs"
CONSOLE = re.compile(r":CONSOLE[:(]")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def browser(*args, page):
    if not CHROMIUM:
        if os.environ.get("TIERLAW_REQUIRE_CHROMIUM"):
            pytest.fail("chromium is required here (TIERLAW_REQUIRE_CHROMIUM is set)")
        pytest.skip("chromium is not installed (Debian package chromium)")
    with tempfile.TemporaryDirectory() as profile:
        netlog = Path(profile) / "net.json"
        done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--log-net-log={netlog}",
                               "--enable-logging=stderr", "--v=0", *args, page.as_uri()],
                              capture_output=True, text=True, timeout=120)
        events = netlog.read_text() if netlog.exists() else "{}"
    return done, events


def page_requests(netlog_text: str) -> set:
    """URLs the page itself asked for over the network. The browser's own background requests
    (updates, accounts, time) carry another network isolation key than the page's file:// site."""
    try:
        log = json.loads(netlog_text)
    except json.JSONDecodeError:  # chromium may leave the closing bracket out
        log = json.loads(netlog_text.rstrip().rstrip(",") + "]}")
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return {e["params"]["url"] for e in log["events"] if e["type"] == start
            and "file://" in e["params"].get("network_isolation_key", "")
            and not e["params"]["url"].startswith(("file:", "data:"))}


@pytest.mark.parametrize("argv, country", [(["history", "MYS"], "MYS"), (["whatif", "MYS", "2015", "--tier", "3"], "MYS"),
                                           (["history", "Cuba"], "CUB")])
def test_html_report_loads_offline_with_one_mark_per_recorded_year(capsys, tmp_path, argv, country):
    page = tmp_path / "report.html"
    code, out, err = run_cli(capsys, *argv, "--format", "html", "--output", str(page), "--backend", "reference")
    assert code == 0 and out == "" and page.exists()
    done, netlog = browser("--dump-dom", page=page)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    recorded = {row["year"] for name in ("tip_tiers.csv", "tip_tiers_supplement.csv", "tip_tiers_2016_2025_found.csv")
                for row in csv.DictReader((default_data_dir() / name).read_text(encoding="utf-8").splitlines())
                if row["iso3"] == country}
    assert dom.count('class="mark t') == len(recorded)
    assert not CONSOLE.search(done.stderr) and "Uncaught" not in done.stderr  # no console message at all
    assert page_requests(netlog) == set()
    text = page.read_text()
    assert "<script" not in text and "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in text


def test_the_browser_checks_would_catch_a_page_that_fetches_or_logs(tmp_path):
    page = tmp_path / "leaky.html"
    page.write_text('<html><body><img src="http://example.invalid/x.png">'
                    '<script>console.error("boom")</script></body></html>')
    done, netlog = browser("--dump-dom", page=page)
    assert page_requests(netlog) == {"http://example.invalid/x.png"}
    assert CONSOLE.search(done.stderr)


def test_screenshot_renders(capsys, tmp_path):
    page = tmp_path / "report.html"
    run_cli(capsys, "run", str(Path(__file__).resolve().parent.parent / "scenarios" / "2015-disputes.yaml"),
            "--format", "html", "-o", str(page), "--backend", "reference")
    shot = tmp_path / "shot.png"
    done, _ = browser(f"--screenshot={shot}", "--window-size=1100,900", page=page)
    assert done.returncode == 0 and shot.stat().st_size > 20_000  # a real picture, not a blank page


def test_a_failed_report_leaves_no_file(capsys, tmp_path):
    page = tmp_path / "report.html"
    code, _, _ = run_cli(capsys, "history", "Atlantis", "--format", "html", "-o", str(page))
    assert code == 2 and not page.exists() and list(tmp_path.iterdir()) == []


def test_markdown_starts_with_a_summary_line(capsys):
    code, out, _ = run_cli(capsys, "run", str(Path(__file__).resolve().parent.parent / "scenarios" /
                                              "malaysia-2015-tpp.yaml"), "--format", "markdown", "--backend", "reference")
    first = out.splitlines()[0]
    assert code == 0 and first.startswith("**Malaysia stays on Tier 3 in 2015")
    assert "fast-track for the TPP implementing bill is NOT available; blocked by MYS" in first


def test_the_law_map_in_docs_matches_the_rulebook(capsys):
    code, out, _ = run_cli(capsys, "lawmap")
    assert code == 0
    assert (DOCS / "law-map.md").read_text() == out, "docs/law-map.md is stale: run tierlaw lawmap -o docs/law-map.md"
