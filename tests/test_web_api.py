"""`tierlaw serve`: the JSON API is the CLI's JSON byte for byte, bad input is a 4xx with the CLI's
message, and the server stays safe: body limit, safe YAML, nothing written, a time limit, shared engine."""

import concurrent.futures
import os
import csv
import html
import re
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml
from fastapi.testclient import TestClient

from test_bad_input import run_cli
from web_helpers import cli_bytes, fetch, running_server
from tierlaw.backends import durable_available
from tierlaw.cache import Cache
from tierlaw.paths import default_data_dir, default_rules_dir, default_scenarios_dir
from tierlaw.web import create_app
from tierlaw.web.app import MAX_BODY
from tierlaw.web.engine import Engine
from tierlaw.audit import FILTERS as AUDIT_FILTERS, filter_rows

SCENARIO = default_scenarios_dir() / "malaysia-2015-tpp.yaml"
TPP_BAR_CITE = "19 U.S.C. 4205(b)(6)(A)"


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as test_client:
        yield test_client


def api_error(response) -> str:
    assert response.headers["content-type"] == "application/json", response.text[:300]
    return response.json()["error"]


# ---------------------------------------------------------------- byte for byte with the CLI


@pytest.mark.parametrize("argv, path", [
    (["whatif", "MYS", "2015", "--tier", "3"], "/api/whatif?country=MYS&year=2015&tier=3"),
    (["whatif", "MYS", "2015", "--tier", "3", "--set", "2013-2014=2WL", "--decide",
      "presidential_determination=d4_full_waiver", "--on", "2016-02-04", "--forward", "2", "--option",
      "special_rule_f_reach=next_stint_only"],
     "/api/whatif?" + urlencode([("country", "MYS"), ("year", 2015), ("tier", "3"), ("set", "2013-2014=2WL"),
                                 ("decide", "presidential_determination=d4_full_waiver"), ("on", "2016-02-04"),
                                 ("forward", 2), ("option", "special_rule_f_reach=next_stint_only")])),
    (["whatif", "Malaysia", "2015", "--tier", "all"], "/api/whatif?country=Malaysia&year=2015&tier=all"),
    (["history", "Cuba"], "/api/history?country=Cuba"),
    (["audit", "MYS", "THA", "--from", "2012", "--to", "2016"], "/api/audit?country=MYS&country=THA&from=2012&to=2016"),
    (["trade", "--agreement", "TPP", "--on", "2015-10-05"], "/api/trade?agreement=TPP&on=2015-10-05"),
    (["trade", "Malaysia", "JPN", "--on", "2016-03-01"], "/api/trade?partner=Malaysia&partner=JPN&on=2016-03-01"),
    (["trade", "MYS", "VNM", "--on", "2016-03-01", "--set", "MYS:2015=3", "--decide", "MYS:trade_letter=submitted"],
     "/api/trade?" + urlencode([("partner", "MYS"), ("partner", "VNM"), ("on", "2016-03-01"), ("set", "MYS:2015=3"),
                                ("decide", "MYS:trade_letter=submitted")])),
    (["run", str(SCENARIO)], "/api/run?scenario=malaysia-2015-tpp"),
    # a default reading named in the request is chosen, not assumed: no options_assumed, as on the command line
    (["whatif", "NZL", "2019", "--tier", "2WL", "--set", "2016-2018=2WL", "--option", "waiver_transition=count_old_waivers"],
     "/api/whatif?" + urlencode([("country", "NZL"), ("year", 2019), ("tier", "2WL"), ("set", "2016-2018=2WL"),
                                 ("option", "waiver_transition=count_old_waivers")])),
    (["whatif", "NZL", "2019", "--tier", "2WL", "--set", "2016-2018=2WL"],
     "/api/whatif?" + urlencode([("country", "NZL"), ("year", 2019), ("tier", "2WL"), ("set", "2016-2018=2WL")])),
])
def test_the_api_answers_with_the_cli_json_byte_for_byte(client, argv, path):
    done = cli_bytes(*argv, "--format", "json", "--backend", "reference")
    assert done.returncode == 0, done.stderr
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.content == done.stdout
    assert client.get(path).content == done.stdout  # the second answer (from the server's cache) too


def test_a_scenario_posted_in_the_body_is_run_like_the_file(client):
    done = cli_bytes("run", str(SCENARIO), "--format", "json", "--backend", "reference")
    response = client.post("/api/run", content=SCENARIO.read_bytes(), headers={"content-type": "application/yaml"})
    assert response.status_code == 200 and response.content == done.stdout


def test_the_rules_endpoint_lists_every_rule_of_the_rulebook(client):
    expected = {}
    for path in sorted(default_rules_dir().glob("*.yaml")):  # read independently of the engine's loader
        for rule in (yaml.safe_load(path.read_text()) or {}).get("rules", []):
            expected[rule["id"]] = rule
    found = {rule["id"]: rule for rule in client.get("/api/rules").json()["rules"]}
    assert set(found) == set(expected) and len(expected) > 30
    for rule_id, rule in expected.items():
        assert (found[rule_id]["cite"], found[rule_id]["enacted_by"], found[rule_id]["confidence"]) == (
            rule["cite"], rule["enacted_by"], rule["confidence"])
        assert found[rule_id]["in_force"] == {k: str(v) if "date" in k else v for k, v in rule.get("in_force", {}).items()}


def test_the_openapi_document_describes_every_endpoint(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/whatif", "/api/history", "/api/audit", "/api/trade", "/api/run", "/api/rules"} <= set(spec["paths"])
    whatif = spec["paths"]["/api/whatif"]["get"]
    assert {p["name"] for p in whatif["parameters"]} >= {"country", "year", "tier", "set", "decide", "on", "option"}
    assert "400" in whatif["responses"] and "application/yaml" in spec["paths"]["/api/run"]["post"]["requestBody"]["content"]
    assert not any(path.startswith(("/whatif", "/country", "/docs")) for path in spec["paths"])  # pages are not API


# ---------------------------------------------------------------- bad input: the CLI's message, 4xx


@pytest.mark.parametrize("argv, path", [
    (["whatif", "Atlantis", "2015", "--tier", "3"], "/api/whatif?country=Atlantis&year=2015&tier=3"),
    (["whatif", "Korea", "2015", "--tier", "3"], "/api/whatif?country=Korea&year=2015&tier=3"),
    (["whatif", "MYS", "1999", "--tier", "3"], "/api/whatif?country=MYS&year=1999&tier=3"),
    (["whatif", "MYS", "2999", "--tier", "3"], "/api/whatif?country=MYS&year=2999&tier=3"),
    (["whatif", "MYS", "2015", "--tier", "4"], "/api/whatif?country=MYS&year=2015&tier=4"),
    (["whatif", "MYS", "2015", "--tier", "3", "--set", "2014:3"], "/api/whatif?country=MYS&year=2015&tier=3&set=2014:3"),
    (["whatif", "MYS", "2015", "--tier", "3", "--on", "2015-13-01"], "/api/whatif?country=MYS&year=2015&tier=3&on=2015-13-01"),
    (["whatif", "MYS", "2015", "--tier", "3", "--decide", "foo=bar"], "/api/whatif?country=MYS&year=2015&tier=3&decide=foo=bar"),
    (["whatif", "MYS", "2015", "--tier", "3", "--option", "waiver_transition=maybe"],
     "/api/whatif?country=MYS&year=2015&tier=3&option=waiver_transition=maybe"),
    (["history", "Atlantis"], "/api/history?country=Atlantis"),
    (["audit", "--from", "2016", "--to", "2012"], "/api/audit?from=2016&to=2012"),
    (["audit", "--from", "1990"], "/api/audit?from=1990"),
    (["whatif", "MYS", "2015", "--tier", "all", "--forward", "3"], "/api/whatif?country=MYS&year=2015&tier=all&forward=3"),
    (["audit", "MYS", "--only", "conflicts", "--only", "required"], "/api/audit?country=MYS&only=conflicts&only=required"),
    (["trade", "MYS", "--agreement", "TPP", "--on", "2015-10-05"], "/api/trade?partner=MYS&agreement=TPP&on=2015-10-05"),
    (["trade", "--agreement", "XYZ", "--on", "2015-10-05"], "/api/trade?agreement=XYZ&on=2015-10-05"),
    (["trade", "MYS", "--on", "2015-10-05", "--set", "MYS:2015=9"], "/api/trade?partner=MYS&on=2015-10-05&set=MYS:2015=9"),
    (["trade", "MYS", "--on", "2015-10-05", "--decide", "MYS:nothing=at_all"],
     "/api/trade?partner=MYS&on=2015-10-05&decide=MYS:nothing=at_all"),
])
def test_bad_input_is_a_400_with_the_cli_message(client, capsys, argv, path):
    code, out, err = run_cli(capsys, *argv, "--backend", "reference")
    assert code == 2 and out == ""
    response = client.get(path)
    assert response.status_code == 400
    assert f"tierlaw: error: {api_error(response)}\n" == err


@pytest.mark.parametrize("path, fragments", [
    ("/api/whatif?country=MYS&year=abc&tier=3", ["year", "integer"]),
    ("/api/whatif?country=MYS&year=2015", ["tier", "required"]),
    ("/api/whatif?country=MYS&year=2015&tier=3&forward=99", ["forward", "25"]),
    ("/api/trade?agreement=TPP", ["on", "required"]),
    ("/api/run?scenario=../../etc/passwd", ["no shipped scenario '../../etc/passwd'"]),
])
def test_malformed_requests_are_400_with_one_line_naming_the_argument(client, path, fragments):
    response = client.get(path)
    message = api_error(response)
    assert response.status_code == 400 and "\n" not in message
    for fragment in fragments:
        assert fragment in message, message


def test_unknown_routes_are_404_json_under_the_api(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404 and api_error(response) == "Not Found"


@pytest.mark.parametrize("text", [
    "name: broken\nplacements: [MYS\n",  # YAML syntax
    "name: x\nplacements:\n  MYS:\n    2015: \"7\"\n",  # unknown tier
    "name: x\nplacement:\n  MYS: {2015: \"3\"}\n",  # unknown top-level key
    "name: x\nplacements: !!python/object/apply:os.system [\"touch PWNED\"]\n",  # no object construction
    "name: x\nplacements:\n  !!python/name:os.system : 1\n",
])
def test_a_malformed_scenario_gets_the_cli_message(client, capsys, tmp_path, monkeypatch, text):
    (tmp_path / "bad.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "run", "bad.yaml", "--backend", "reference")
    response = client.post("/api/run?name=bad.yaml", content=text.encode())
    assert code == 2 and response.status_code == 400
    assert f"tierlaw: error: {api_error(response)}\n" == err
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED").exists()


def test_a_python_tag_is_refused_not_constructed(client):
    response = client.post("/api/run", content=b"name: x\nplacements: !!python/object/apply:time.sleep [30]\n")
    assert response.status_code == 400
    assert api_error(response) == ("scenario.yaml:2: invalid YAML: could not determine a constructor for the tag "
                                   "'tag:yaml.org,2002:python/object/apply:time.sleep'")


def test_a_scenario_that_is_not_utf8_is_refused(client):
    response = client.post("/api/run?name=s.yaml", content="name: café\n".encode("latin-1"))
    assert response.status_code == 400 and api_error(response) == "s.yaml: not UTF-8 text (byte 9)"


def test_an_oversized_body_is_refused_by_its_length(client):
    body = b"# " + b"x" * MAX_BODY + b"\nname: big\n"
    response = client.post("/api/run", content=body)
    assert response.status_code == 413 and "limit" in api_error(response)


def test_an_oversized_body_without_a_length_is_refused_while_read(client):
    def chunks():  # chunked transfer: no Content-Length to check up front
        for _ in range(MAX_BODY // 65536 + 2):
            yield b"#" * 65536
    response = client.post("/api/run", content=chunks())
    assert response.status_code == 413 and "limit" in api_error(response)


def test_nothing_is_written_to_disk_while_serving_an_upload(client):
    written = []
    watching = threading.Event()

    def audit_hook(event, args):  # every file the interpreter opens (open() gives a mode, os.open flags)
        if watching.is_set() and event == "open":
            path, mode, flags = args
            if (mode and any(m in mode for m in "wax+")) or (mode is None and flags & (os.O_WRONLY | os.O_RDWR)):
                written.append(path)
    sys.addaudithook(audit_hook)
    text = SCENARIO.read_text().replace("name: ", "name: uploaded ", 1)  # a question the cache has not seen
    padded = text + "#" * (MAX_BODY - len(text) - 1000) + "\n"  # near the limit: must stay in memory
    watching.set()
    try:
        response = client.post("/api/run?name=upload.yaml", content=text.encode())
        page = client.post("/scenarios", files={"file": ("upload.yaml", padded.encode(), "application/yaml")})
    finally:
        watching.clear()
    assert response.status_code == 200 and page.status_code == 200
    assert response.json()["scenario"].startswith("uploaded ")
    assert written == []


# ---------------------------------------------------------------- sharing one engine, time limits


def test_concurrent_requests_get_the_answers_of_sequential_ones(client):
    paths = [f"/api/whatif?country={c}&year={y}&tier={t}" for c in ("THA", "CUB", "VNM") for y in (2012, 2019)
             for t in ("2WL", "3")]
    with TestClient(create_app()) as fresh:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            together = list(pool.map(lambda p: fresh.get(p).content, paths))
    alone = [client.get(p).content for p in paths]
    assert together == alone and all(b'"receipt"' in body for body in together)


def test_a_slow_request_times_out_with_503_and_does_not_stall_the_others():
    engine = Engine(timeout=0.5)
    engine.base.cache = Cache(enabled=False)  # every case afresh: the whole-record audit takes seconds
    with TestClient(create_app(engine=engine)) as slow:
        began = time.monotonic()
        response = slow.get("/api/audit")  # (cached and warm, it could finish inside the limit)
        waited = time.monotonic() - began
        assert response.status_code == 503 and "0.5 s" in api_error(response)
        assert waited < 3
        quick = slow.get("/api/whatif?country=MYS&year=2015&tier=3")  # while the audit still runs on
        assert quick.status_code == 200 and quick.json()["hypothetical"]["effective_tier"] == "3"


def test_a_durable_server_serialises_its_engine_and_agrees_with_the_reference_one(client):
    if not durable_available():
        pytest.skip("durable-rules does not import here")
    paths = [f"/api/whatif?country=MYS&year={y}&tier=3" for y in (2013, 2014, 2015, 2016)]
    with TestClient(create_app(backend="durable")) as durable:
        assert not durable.app.state.engine.thread_safe
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda p: durable.get(p).json(), paths))
        page = durable.get("/whatif?country=MYS&year=2015&tier=3").text
    for path, answer in zip(paths, answers):
        reference = client.get(path).json()
        assert answer["receipt"].pop("backend") == "durable" and reference["receipt"].pop("backend") == "reference"
        assert answer == reference
    assert "one question at a time" in page


# ---------------------------------------------------------------- pages


def test_the_whatif_page_answers_first_with_the_timeline(client):
    page = client.get("/whatif?country=MYS&year=2015&tier=3").text
    assert page.index('id="headline"') < page.index('id="timeline"') < page.index('data-consequence="trade.tpa_bar"')
    assert 'class="hypothetical" cx=' in page and 'data-year="2015"' in page
    rows = re.findall(r'<tr id="r-([^"]+)" data-consequence="trade.tpa_bar".*?</tr>', page, re.S)
    assert sorted(rows) == ["trade.tpa_bar.as_amended", "trade.tpa_bar.as_enacted"]  # P.L. 114-26, then TFTEA's
    row = re.search(r'<tr id="r-trade.tpa_bar.as_enacted".*?</tr>', page, re.S).group(0)
    assert "fast-track" in row and TPP_BAR_CITE in row and "2015-07-27 to 2016-02-24" in row
    assert "Tier 2 Watch List" in page.split('id="compare"')[0]  # the recorded placement of 2015
    assert 'href="/api/whatif?country=MYS&amp;year=2015&amp;tier=3"' in page


def test_every_open_decision_can_be_flipped_by_a_link(client):
    page = client.get("/whatif?country=MYS&year=2015&tier=3").text
    section = re.search(r'<section class="decision" id="d-presidential_determination">.*?</section>', page, re.S).group(0)
    links = dict((option, href) for href, option in re.findall(r'<a href="([^"]+)" class="flip">([^<]+)</a>', section))
    assert set(links) == {"d4_partial_waiver", "d4_full_waiver", "d2_existing_restrictions", "d3_subsequent_compliance",
                          "outside_110d"}
    flipped = client.get(links["d4_full_waiver"].replace("&amp;", "&")).text
    applied = re.search(r'id="d-presidential_determination">.*?Applied: <strong>(\w+)</strong>', flipped, re.S).group(1)
    assert applied == "d4_full_waiver" and "settled by user" in flipped
    assert 'data-consequence="tier3.full_waiver"' in flipped
    assert 'data-consequence="tier3.withhold_nonhumanitarian_aid"' not in flipped


def test_the_country_page_shows_each_recorded_year_with_its_sources(client):
    page = client.get("/country/MYS").text
    csv_rows = [line for name in ("tip_tiers.csv", "tip_tiers_supplement.csv")
                for line in (default_data_dir() / name).read_text().splitlines() if ",MYS," in line]
    assert page.count('class="mark t') == len(csv_rows)
    row_2014 = re.search(r'<tr id="y2014".*?</tr>', page, re.S).group(0)
    # the placement's confidence: a presidential determination (pd_fy2015) names Malaysia, so OFFICIAL
    assert "Tier 3" in row_2014 and "kelley_cho" in row_2014 and '<td data-label="confidence">OFFICIAL</td>' in row_2014
    assert "made by determination 2014-16 of 2014-09-18" in row_2014
    # each source says what it is (sources.yaml), by its id or, for pd_fy2015, by its beginning
    assert 'title="Judith Kelley&#39;s country-year tier data for Scorecard Diplomacy (2017), coded from the reports"' \
        in row_2014 or "title=\"Judith Kelley's country-year tier data" in row_2014
    assert 'title="the Presidential Determination for that fiscal year' in row_2014
    # a year stated by the later research links the pages of the sources that agree on it (2019: the Watch List;
    # a claim of Tier 2 lost to them, docs/data-conflicts.md)
    with (default_data_dir() / "tip_tiers_2016_2025_found.csv").open(newline="") as rows:
        urls = [row["url"] for row in csv.DictReader(rows) if (row["iso3"], row["year"], row["tier"]) == ("MYS", "2019", "2WL")]
    row_2019 = re.search(r'<tr id="y2019".*?</tr>', page, re.S).group(0)
    assert len(urls) == 2 and all(f'href="{url}"' in row_2019 for url in urls)
    assert client.get("/country/Malaysia", follow_redirects=False).headers["location"] == "/country/MYS"


def test_the_trade_page_gives_each_partner_its_status(client):
    page = client.get("/trade?agreement=TPP&on=2015-10-05").text
    malaysia = re.search(r'<tr id="partner-MYS".*?</tr>', page, re.S).group(0)
    assert "Tier 2 Watch List" in malaysia and '<td class="status">available</td>' in malaysia
    assert page.count('<tr id="partner-') == 11


def test_the_trade_page_supposes_a_partner_placement(client):
    # Malaysia on Tier 3 in the 2015 report (released 2015-07-27): on 2015-10-05 TPA-2015 is in force and
    # 19 U.S.C. 4205(b)(6)(A) bars fast-track; the (B) letter route did not exist before 2016-02-24
    page = client.get("/trade?agreement=TPP&on=2015-10-05&set=MYS:2015=3").text
    malaysia = re.search(r'<tr id="partner-MYS".*?</tr>', page, re.S).group(0)
    assert "Tier 3" in malaysia and '<td class="status">NOT available</td>' in malaysia
    assert "blocked by MYS" in page and 'name="set" value="MYS:2015=3"' in page


def test_the_forward_clock_on_a_page_says_what_the_headline_says(client):
    # Thailand: Watch List 2016-2017 and 2021, Tier 2 2022-2024, 2025 known only as one of Tier 1, 2, 3 or special
    # (absent from the complete Watch List). Had 2025 been Tier 3, a downgrade after its earlier Watch List runs,
    # (F) would allow one Watch List year: forced off in 2027. Otherwise (D)(i): Watch List 2026-2027, the one
    # waiver year of the 2019 law in 2028, Tier 3 in 2029.
    page = client.get("/whatif?country=THA&year=2026&tier=2WL").text
    clock = page.split("<h2>Forward clock</h2>")[1].split("</p>")[0]
    assert "forced off in 2027 or 2029, depending on 2025" in " ".join(clock.split())
    assert "none within" not in page
    # the Watch List in 2026 whatever 2025 was: one tier, not "one of 2WL"
    assert "(in every reading of the unknown years 2025)" in page and "one of 2WL" not in page


def test_a_partner_known_only_as_a_set_links_to_every_tier_side_by_side(client):
    page = client.get("/trade?partner=AUS&on=2017-06-01").text
    australia = re.search(r'<tr id="partner-AUS".*?</tr>', page, re.S).group(0)
    assert 'href="/whatif?country=AUS&amp;year=2016&amp;tier=all&amp;on=2017-06-01"' in australia
    assert client.get("/whatif?country=AUS&year=2016&tier=all&on=2017-06-01").status_code == 200


def test_the_law_page_gives_an_open_ended_window_as_from_a_date(client):
    # 22 U.S.C. 2656k was enacted by P.L. 117-81 (2021-12-27) and has no end
    page = client.get("/law").text
    row = re.search(r'<tr id="rule-athletics.covered_country">.*?</tr>', page, re.S).group(0)
    assert "from 2021-12-27" in row and "(excl.)" not in row
    # P.L. 114-125 §914(e): the (C) description for the 2015 report alone, then for every report from 2016
    once = re.search(r'<tr id="rule-trade.special_rule_report.2015">.*?</tr>', page, re.S).group(0)
    after = re.search(r'<tr id="rule-trade.special_rule_report">.*?</tr>', page, re.S).group(0)
    assert "<td>report 2015</td>" in once and "<td>reports from 2016</td>" in after


def test_the_law_pages_examples_show_their_rule_for_certain():
    # an example whose rule holds only "in some readings" of unknown years (Aruba, before) explains little
    from tierlaw.queries import Context, whatif
    from tierlaw.web.examples import find_examples
    ctx = Context(backend="reference")
    examples = find_examples(ctx)
    assert examples.keys() == {rule.id for rule in ctx.rulebook.rules if rule.then.show}
    for rule_id, example in examples.items():
        shown = [c for c in whatif(ctx, example.country, example.year, example.tier, [], list(example.decide),
                                   None, forward_years=0)["hypothetical"]["consequences"] if c["rule"] == rule_id]
        assert shown and not shown[0].get("depends_on_unknown_years"), (rule_id, example)


def test_each_rule_of_the_law_page_links_to_a_whatif_that_shows_it(client):
    page = client.get("/law").text
    rows = re.findall(r'<tr id="rule-([^"]+)">(.*?)</tr>', page, re.S)
    links = [(rule_id, *link.groups()) for rule_id, row in rows
             if (link := re.search(r'<a href="(/whatif\?[^"]+)#r-([^"]+)"', row))]
    rules = client.get("/api/rules").json()["rules"]
    shown = {r["id"] for r in rules if r["shown"]}
    assert {rule_id for rule_id, _, _ in links} == shown
    for rule_id, href, anchor in links:
        assert anchor == rule_id
        assert f'<tr id="r-{rule_id}"' in client.get(href.replace("&amp;", "&")).text, (rule_id, href)
    section = client.get("/law?section=19 U.S.C. 4205").text
    assert section.count('<tr id="rule-') == sum(1 for r in rules if r["cite"].startswith("19 U.S.C. 4205("))


def test_the_audit_filters_keep_the_rows_they_name():
    rows = [{"tier": "2WL", "record_fits_law": False, "decisions": [], "findings": [{"audit": "conflict"}]},
            {"tier": "2WL", "record_fits_law": True, "decisions": [{"id": "autodowngrade_waiver",
                                                                   "settled_by": "record"}], "findings": []},
            {"tier": "3", "record_fits_law": True, "decisions": [], "findings": [{"audit": "required"}]},
            {"tier": "2WL", "record_fits_law": None, "decisions": [], "findings": [{"audit": "indeterminate"}]},
            {"tier": "3", "record_fits_law": True, "decisions": [], "findings": [{"audit": "chosen"}]},
            {"tier": "2", "record_fits_law": True, "decisions": [{"id": "x", "settled_by": "default"}], "findings": []},
            {"tier": "2", "record_fits_law": True, "decisions": [], "findings": [],
             "assumptions": [{"year": 2024, "assumed": ["probable_lists=complete: ..."]}]}]
    assert [filter_rows(rows, name) for name in ("conflicts", "waivers", "required", "gaps", "chosen", "assumed")] == [
        rows[0:1], rows[1:2], rows[2:3], rows[3:4], rows[4:5], rows[6:7]]
    assert filter_rows(rows, None) == rows
    assert set(AUDIT_FILTERS) == {"conflicts", "required", "chosen", "waivers", "gaps", "assumed"}


def test_the_audit_page_filters_the_document(client):
    # The Gambia 2021: a second Watch List year after its 2019 downgrade, against (F) as read by default.
    rows = client.get("/api/audit?country=GMB").json()["rows"]
    conflicts = [r["year"] for r in rows if r["record_fits_law"] is False]
    page = client.get("/audit?country=GMB&only=conflicts").text
    shown = re.findall(r'<a href="/whatif\?country=GMB&amp;year=(\d+)&amp;tier=', page)
    assert [int(y) for y in shown] == conflicts == [2021]
    assert 'id="timeline-GMB"' in page
    assert client.get("/audit", follow_redirects=False).status_code == 303
    assert client.get("/audit?country=MYS&only=everything").status_code == 400


def test_the_scenario_pages_run_shipped_and_uploaded_files(client):
    shipped = client.get("/scenarios/malaysia-2015-tpp").text
    assert 'id="headline"' in shipped and 'id="timeline-MYS"' in shipped and "blocked by MYS" in shipped
    text = "name: Cuba on Tier 3 in 2016\nplacements:\n  CUB:\n    2016: \"3\"\n"
    uploaded = client.post("/scenarios", files={"file": ("cuba.yaml", text.encode(), "application/yaml")}).text
    assert "<h1>Cuba on Tier 3 in 2016</h1>" in uploaded
    share = re.search(r'<a href="([^"]+)" id="share-link">', uploaded).group(1).replace("&amp;", "&")
    assert "<h1>Cuba on Tier 3 in 2016</h1>" in client.get(share).text
    refused = client.post("/scenarios", data={"text": "name: x\nplacements: !!python/object/apply:os.getcwd []\n"})
    assert refused.status_code == 400 and "could not determine a constructor" in refused.text


def test_pages_show_bad_input_as_one_message_with_the_form(client):
    response = client.get("/whatif?country=Atlantis&year=2015&tier=3")
    assert response.status_code == 400 and "Country: unknown country &#39;Atlantis&#39;" in response.text
    assert 'id="whatif-form"' in response.text and "Traceback" not in response.text
    # a page names its own fields, not the command line's flags; the JSON API keeps the CLI's words
    page = client.get("/whatif?country=ZZQ&year=2015&tier=3").text
    assert "given with Other years&#39; placements" in page and "--set" not in page
    assert "--set" in client.get("/api/whatif?country=ZZQ&year=2015&tier=3").json()["error"]
    audit = client.get("/audit?country=MYS&only=everything").text
    assert "Only: unknown filter" in audit and "--only" not in audit
    assert client.get("/whatif?country=MYS&year=twenty&tier=3").status_code == 400


@pytest.mark.parametrize("path", ["/", "/whatif", "/whatif?country=MYS&year=2015&tier=all", "/country", "/country/MYS",
                                  "/trade", "/scenarios", "/law", "/audit?from=2024&to=2025", "/static/site.css"])
def test_pages_load_nothing_from_elsewhere(client, path):
    response = client.get(path)
    assert response.status_code == 200
    loaded = re.findall(r'(?:src|action)="(?:https?:)?//[^"]*"|<link[^>]*href="(?:https?:)?//[^"]*"', response.text)
    assert loaded == []
    # a link out (a source's page) is followed only when clicked, and tells that page nothing of this one
    links_out = re.findall(r'<a [^>]*href="(?:https?:)?//[^"]*"[^>]*>', response.text)
    assert all('rel="noopener noreferrer"' in link for link in links_out)


# ---------------------------------------------------------------- the real process


def test_tierlaw_serve_binds_this_machine_by_default_and_serves_pages_and_the_spec(tmp_path):
    with running_server(tmp_path) as (port, server):
        status, page = fetch(port, "/whatif?country=MYS&year=2015&tier=3")
        assert status == 200 and b'id="headline"' in page
        assert fetch(port, "/static/forms.js")[0] == 200
        taken = cli_bytes("serve", "--port", str(port), cwd=tmp_path)  # a second server on the same port
        message = taken.stderr.decode()
        assert taken.returncode == 2 and message.count("\n") == 1
        assert message.startswith(f"tierlaw: error: --host/--port: cannot listen on 127.0.0.1:{port}: ")
    banner = server.stderr_text
    assert f"serving http://127.0.0.1:{port}/ (reference backend" in banner and "Traceback" not in banner


def test_the_command_line_does_not_load_the_web_framework(tmp_path):
    done = cli_bytes("--help", cwd=tmp_path)
    assert done.returncode == 0 and b"serve" in done.stdout
    import subprocess
    probe = subprocess.run([sys.executable, "-c", "import sys, tierlaw.cli; print(sorted(m for m in ('fastapi', "
                            "'uvicorn', 'jinja2', 'starlette') if m in sys.modules))"], capture_output=True, text=True)
    assert probe.stdout.strip() == "[]"


def test_the_countries_page_lists_every_country_of_the_record_by_name(client):
    page = client.get("/country").text
    listed = re.findall(r'<li><a href="/country/(\w+)">([^<]+)</a>', page)
    assert [name for _, name in listed] == sorted(name for _, name in listed)
    # the record's placements name 190 codes: 188 countries with an ISO code, Kosovo (XKX) and the Netherlands
    # Antilles (ANT) (docs/data.md)
    assert {code for code, _ in listed} >= {"XKX", "ANT", "MYS"} and len(listed) == 190


def test_a_timeline_labels_its_last_year(client):
    # the record runs to the 2025 report; the axis once stopped at 2023 with dots running on to 2025
    page = client.get("/country/MYS").text
    svg = page.split('<svg', 1)[1].split('</svg>', 1)[0]
    assert re.findall(r'>(\d{4})</text>', svg)[-1] == "2025"


def test_the_whatif_page_labels_an_assumed_list_as_assumed(client):
    page = client.get("/whatif?country=CAN&year=2025&tier=2WL").text
    assert 'id="assumed"' in page and "the 2024 2WL list is taken as complete" in page
    assert 'id="assumed"' not in client.get("/whatif?country=MYS&year=2015&tier=3").text
    every = client.get("/whatif?country=CAN&year=2025&tier=all").text
    assert 'id="assumed"' in every and "the 2024 2WL list is taken as complete" in every
    assert 'id="assumed"' not in client.get("/whatif?country=MYS&year=2015&tier=all").text


def test_the_country_and_audit_pages_say_which_rows_lean_on_an_assumed_list(client):
    # Canada's 2024 is known only by the probable 2024 Watch List taken as complete; its 2025 row counts 2024
    said = "assumed, not known: probable_lists=complete: the 2024 2WL list is taken as complete"
    page = " ".join(client.get("/country/CAN").text.split())
    assert page.count(said) == 2 and "Assumed, not known: what 2024 was" in page
    assert said not in client.get("/country/MYS").text
    asked = client.get("/audit?only=assumed")  # no years: the latest report's, the filter kept
    assert str(asked.url).endswith("from=2025&to=2025&only=assumed")
    audit = " ".join(asked.text.split())
    shown = set(re.findall(r'href="/country/([A-Z]{3})#y(\d{4})"', audit))
    assert ("CAN", "2025") in shown and said in audit
    assert ("CHN", "2025") not in shown  # China: Tier 3 in 2024 and 2025, both recorded; nothing assumed


def test_the_whatif_page_marks_estimates_and_years_known_in_part(client):
    # the 2026 report is not out: its period runs from the June 30 deadline to the next one, both estimated
    page = " ".join(client.get("/whatif?country=THA&year=2026&tier=2WL").text.split())
    assert "from 2026-06-30 (est.) until 2027-06-30 (est.)" in page
    # Canada 2017: absent from the complete 2017 Tier 3 list; nothing of its published list is known to compare
    page = " ".join(client.get("/whatif?country=CAN&year=2017&tier=3").text.split())
    assert "Known only in part: Tier 1, Tier 2, Tier 2 Watch List or Special case" in page
    assert "No placement recorded for 2017" not in page and 'id="compare"' not in page  # nothing to compare
    # the 2025 report came out on 2025-09-29 (data/report_dates_found.csv); the 2026 one is not out
    assert "from 2025-09-29 until 2026-06-30 (est.)" in " ".join(client.get("/whatif?country=THA&year=2025&tier=2WL").text.split())


def test_the_whatif_page_orders_versions_by_date_and_says_what_each_option_changes(client):
    page = client.get("/whatif?country=MYS&year=2015&tier=3").text
    # the fast-track bar: as enacted from the 2015 report's release (2015-07-27) to the amendment of 2016-02-24,
    # then as amended, lifted by the (B) letter, until the 2016 report (2016-06-30)
    rows = re.findall(r'<tr id="r-(trade\.tpa_bar[^"]*)"[^>]*>.*?</tr>', page, re.S)
    assert rows == ["trade.tpa_bar.as_enacted", "trade.tpa_bar.as_amended"]
    # in the Code's order, as the text lists them: title 19 before title 22, 4205(b)(6)(A) before (B)
    order = re.findall(r'<tr id="r-([^"]+)" data-consequence', page)
    assert order[:3] == ["trade.tpa_bar.as_enacted", "trade.tpa_bar.as_amended", "trade.letter_exception.available"]
    amended = re.search(r'<tr id="r-trade\.tpa_bar\.as_amended".*?</tr>', page, re.S).group(0)
    assert "2016-02-24 to 2016-06-30" in amended and "unless the President sends the (B) letter" in amended
    # a full (d)(4) waiver drops the (d)(1)(B) votes against loans
    option = re.search(r'd4_full_waiver</a>:(.*?)</li>', page, re.S).group(1)
    assert "drops:" in option and "US votes against IMF and development-bank loans" in option
    assert "consequence(s)" not in page


def test_a_whatif_timeline_draws_years_known_in_part_and_years_that_depend_on_them(client):
    # Thailand 2025 is known only as a set (absent from the complete 2025 Watch List); proposing the Watch List
    # from 2026, 2027 is the Watch List or Tier 3 depending on 2025 (test_real_world: forced change 2027 or 2029)
    page = client.get("/whatif?country=THA&year=2026&tier=2WL").text
    assert re.search(r'<circle class="partial"[^>]*data-year="2025"', page)
    possible = re.findall(r'<circle class="hypothetical possible"[^>]*data-year="2027"', page)
    assert len(possible) == 2
    assert re.search(r'<circle class="hypothetical"[^>]*data-year="2026"', page)


def test_the_audit_page_lists_rows_in_the_order_of_the_names_it_shows(client):
    page = client.get("/audit?from=2025&to=2025").text
    names = re.findall(r'<a href="/country/[A-Z]{3}#y\d{4}">([^<]+)</a>', page)
    assert len(names) > 50 and names == sorted(names)  # Algeria (DZA) before the Dominican Republic (DOM)


def test_pages_name_their_fields_and_keep_the_readings_asked_for(client):
    # errors raised by the pages themselves name the form's fields; the CLI keeps its flags (test_bad_input)
    cases = [("/whatif?country=MYS&year=twenty&tier=3", "Report year:"),
             ("/whatif?country=MYS&year=2015&tier=3&forward=99", "Reports ahead on the forward clock:"),
             ("/whatif?country=MYS&year=2015&tier=3&option=foo", "Options:"),
             ("/audit?from=abc", "From:"),
             ("/trade?partner=MYS&on=2015-10-05&set=MYS:2015", "A partner&#39;s placement:")]
    for path, field in cases:
        page = client.get(path)
        message = re.search(r'<p class="error"[^>]*>(.*?)</p>', page.text, re.S).group(1)
        assert page.status_code == 400 and message.startswith(field), (path, message)
        assert not re.search(r"--[a-z]+", message), (path, message)
    # the filter moves to the latest report with the reading it was asked under
    asked = client.get("/audit?only=assumed&option=probable_lists%3Dpartial")
    assert str(asked.url).endswith("only=assumed&option=probable_lists%3Dpartial")
    assert "0 of 72 placements" in " ".join(asked.text.split())  # read as partial, nothing rests on the assumption


def test_timelines_draw_a_tier_every_reading_gives_as_certain(client, tmp_path):
    # Thailand from 2026 on the Watch List: 2027 depends on 2025 (Watch List or Tier 3); 2028 is the Watch List in
    # every reading (test_real_world), so it is drawn as one certain circle on the path
    page = client.get("/whatif?country=THA&year=2026&tier=2WL").text
    assert re.search(r'<circle class="hypothetical"[^>]*data-year="2028"', page)
    assert not re.search(r'<circle class="hypothetical possible"[^>]*data-year="2028"', page)
    # a scenario's year whose tier depends on unknown years is drawn at each tier it may have
    scenario = "name: Thailand on the Watch List\nplacements:\n  THA:\n    2026: \"2WL\"\n    2027: \"2WL\"\n"
    page = client.post("/scenarios", data={"text": scenario}).text
    assert len(re.findall(r'<circle class="hypothetical possible"[^>]*data-year="2027"', page)) == 2


def test_the_audit_page_says_which_reports_it_shows_and_counts_in_words(client):
    page = " ".join(client.get("/audit?only=assumed", follow_redirects=True).text.split())
    assert "Every country; the 2025 report only" in page  # the default: the latest report, said so
    assert "MYS; reports 2001 to 2015" in " ".join(client.get("/audit?country=MYS&from=2001&to=2015").text.split())
    # a value that differs between readings of unknown years reads "one of", not a Python list
    country = client.get("/country/CAN").text
    assert "prev_tier=one of 1, 2, special" in country and "[&#39;" not in country


def test_the_scenarios_page_shows_a_scenario_that_runs(client):
    import html as html_text
    example = html_text.unescape(re.search(r"<pre>(.*?)</pre>", client.get("/scenarios").text, re.S).group(1))
    page = client.post("/scenarios", data={"text": example}).text
    # Malaysia on Tier 3 in the 2015 report bars fast-track for the TPP bill on 2015-10-05 (19 U.S.C. 4205(b)(6))
    assert "fast-track for the TPP implementing bill is NOT available; blocked by MYS" in page


def test_a_scenario_timeline_marks_a_year_between_the_record_and_its_placement(client):
    # the record runs to the 2025 report; a scenario placing Thailand in 2027 leaves 2026 with no placement
    # known: a dashed circle on "no data", as the legend says, not nothing
    page = client.post("/scenarios", data={"text": "name: THA 2027\nplacements:\n  THA: {2027: 2WL}\n"}).text
    svg = page.split('<svg', 1)[1].split('</svg>', 1)[0]
    assert re.search(r'<circle class="gap"[^>]*data-year="2026"><title>2026: no placement recorded</title>', svg)
    assert re.search(r'<circle class="hypothetical[^"]*"[^>]*data-year="2027"', svg)
    assert not re.search(r'<circle class="gap"[^>]*data-year="2027"', svg)


# ---------------------------------------------------------------- the pages' refusals (review of 2026-11-30)


def _page_error(response) -> str:
    found = re.search(r'<p class="error" id="error" role="alert">(.*?)</p>', response.text, re.S)
    assert found, response.text[:500]
    return html.unescape(found[1])


def test_an_oversized_upload_gets_the_scenarios_page_with_its_form(client):
    response = client.post("/scenarios", files={"file": ("big.yaml", b"#" + b"x" * MAX_BODY)})
    assert response.status_code == 413 and response.headers["content-type"].startswith("text/html")
    assert "too large" in _page_error(response) and 'name="file"' in response.text


def test_an_empty_scenario_form_names_what_to_give(client):
    response = client.post("/scenarios", data={"text": "  "})
    assert response.status_code == 400
    assert _page_error(response) == "Scenario: choose a scenario file or paste a scenario's text"
    # the scenarios page again, with its form to try once more (a new-user trial found a bare "No answer" page)
    assert 'name="file"' in response.text and 'id="shipped"' in response.text


def test_an_address_no_page_answers_says_where_the_pages_are(client):
    response = client.get("/nowhere/at-all")
    assert response.status_code == 404 and "'/nowhere/at-all'" in _page_error(response)
    assert "the pages are in the menu above" in _page_error(response)


def test_an_unknown_statute_section_is_named_not_made_the_title(client):
    response = client.get("/law", params={"section": "<b>99 U.S.C. 1</b>"})
    assert response.status_code == 404 and "<h1>The law</h1>" in response.text
    assert _page_error(response) == "Statute section: no rule cites '<b>99 U.S.C. 1</b>': choose one of the sections below"


def test_a_trade_check_before_any_report_shows_no_python_none(client):
    # the first report came out in July 2001: early that year there is no report yet
    response = client.get("/trade", params={"partner": "MYS", "on": "2001-01-05"})
    assert response.status_code == 200 and "None" not in response.text and "no report yet" in response.text
    # before the reports' first year the question is refused, not answered (found by a new-user trial: 1990 got
    # "no trade promotion authority was in force", though the 1988 Act's fast track was)
    response = client.get("/trade", params={"partner": "MYS", "on": "1990-01-01"})
    assert response.status_code == 400 and "1990-01-01 is before the first report (2001)" in _page_error(response)


def test_a_country_page_says_its_rulebook_names_in_words(client):
    # rules/reports.yaml: the feature wl_streak_before "Consecutive counted Tier 2 Watch List reports immediately
    # before this one"; Malaysia 2007 rests on presidential_determination=d4_full_waiver (PD 2007: data/)
    terms = dict(re.findall(r"<dt><code>(.*?)</code></dt><dd>(.*?)</dd>", client.get("/country/MYS").text))
    assert terms["wl_streak_before"] == "Consecutive counted Tier 2 Watch List reports immediately before this one."
    assert html.unescape(terms["presidential_determination=d4_full_waiver"]) == (
        "The President's determination for a Tier 3 country: (d)(4) waiver of all (d)(1) measures.")


def test_a_page_request_over_the_body_limit_closes_the_connection(client):
    # the rest of a refused body is never read: the connection closes with the answer, as for the API
    for path in ("/scenarios", "/"):
        response = client.request("POST" if path == "/scenarios" else "GET", path,
                                  headers={"content-length": str(10 ** 12)})
        assert (response.status_code, response.headers["connection"]) == (413, "close"), path
        assert response.headers["content-type"].startswith("text/html")


def test_a_country_page_lists_what_its_sources_are_without_a_pointer(client):
    # data/sources.yaml: kelley_cho is "Judith Kelley's country-year tier data for Scorecard Diplomacy (2017), coded
    # from the reports"; Angola's early years rest on it. Hover text alone reaches no keyboard or touch screen.
    page = client.get("/country/AGO").text
    listed = dict(re.findall(r"<dt><code>(.*?)</code></dt><dd>(.*?)</dd>", page[page.index('id="source-notes"'):]))
    assert listed["kelley_cho"] == ("Judith Kelley&#39;s country-year tier data for Scorecard Diplomacy (2017), coded "
                                    "from the reports")


def test_timelines_draw_the_earlier_years_the_question_sets(client):
    # found by a new-user trial: Thailand's 2013 set to Tier 2 still showed only the recorded Watch List dot, so the
    # chart contradicted the question; the set year is drawn on the hypothetical path at its own tier
    page = client.get("/whatif?country=THA&year=2014&tier=3&set=2013%3D2").text
    assert re.search(r'<circle class="hypothetical"[^>]*data-year="2013"[^>]*><title>hypothetical 2013: 2<', page)
    assert re.search(r'<circle class="mark[^"]*"[^>]*data-year="2013" data-tier="2WL"', page)  # the record stays
    # the trade page draws a partner's set placement over its record the same way
    page = client.get("/trade?partner=MYS&on=2015-10-05&set=MYS%3A2015%3D3").text
    assert re.search(r'<circle class="hypothetical"[^>]*data-year="2015"[^>]*><title>hypothetical 2015: 3<', page)


def test_pages_label_the_defaults_a_result_rests_on(client):
    # found by a new-user trial: a scenario's Tier 3 listed the sanctions without saying the determination was the
    # rulebook's default; Malaysia 2015 on Tier 3 (the scenario) rests on three defaults, each labelled assumed
    page = client.get("/scenarios/malaysia-2015-tpp").text
    brief = re.search(r'<p class="decisions">(.*?)</p>', page, re.S).group(1)
    assert "<strong>d1_sanctions</strong> (the rulebook's default, assumed)" in brief
    assert "<strong>not_submitted</strong> (the rulebook's default, assumed)" in brief
    # a past year's unrecorded determination is not recorded, not assumed, on the page as in the text
    page = client.get("/whatif?country=THA&year=2015&tier=3").text
    section = re.search(r'<section class="decision" id="d-presidential_determination">.*?</section>', page, re.S).group(0)
    assert "not recorded for this past year" in section and "assumed" not in section.split("<ul>")[0]
    # an option whose readings of the unknown years differ shows the tiers it may give, not "unknown"
    page = client.get("/whatif?country=MYS&year=2027&tier=2WL").text
    section = re.search(r'<section class="decision" id="d-special_rule_f_placement">.*?</section>', page, re.S).group(0)
    assert "→ Tier 1 or Tier 2 Watch List" in section and "unknown" not in section


def test_a_headline_resting_on_an_unconfirmed_rule_says_so(client):
    # found by a new-user trial: the Millennium Challenge bar (rules/other-statutes.yaml, confidence UNCONFIRMED
    # since the 2024 general amendment of 22 U.S.C. 7705) read in the answer like any statute
    page = " ".join(client.get("/whatif?country=MYS&year=2026&tier=3").text.split())
    headline = re.search(r'id="headline".*?</(?:ul|section|div)>', page, re.S).group(0)
    assert re.search(r"Millennium Challenge Corporation candidate[^<]*\(22 U\.S\.C\. 7705\(a\)\(2\)\) \[UNCONFIRMED\]",
                     headline)
    assert "US votes against IMF and development-bank loans" in headline and "7107(d)(1)(B)) [" not in headline
    assert "UNCONFIRMED, our inference or interpretation" in page  # what the grade means, beside the table


def test_what_if_and_scenario_pages_say_the_rulebooks_names_in_words(client):
    # found by a new-user trial: only the country and audit pages explained names such as
    # special_rule_f_run=with_a_waiver_year; the what-if and scenario pages show them too
    page = client.get("/whatif?country=GMB&year=2021&tier=2WL").text
    terms = dict(re.findall(r'<dt><code>([^<]*)</code></dt><dd>([^<]*)</dd>', page))
    # the two readings the answer turns on together (rules/reports.yaml options), and the (F) placement it assumes
    assert terms["special_rule_f_run=with_a_waiver_year"].startswith(
        "Does (F)(i) need a Watch List run that included a waiver year, or is any run of 2 years enough? Only a run")
    assert "special_rule_f_subsequently=immediately" in terms and "special_rule_f_placement=3" in terms
    # a forward step's needed waiver is named in words too (Thailand from 2026 needs one in 2028 in some readings)
    page = client.get("/whatif?country=THA&year=2026&tier=2WL").text
    assert "<dt><code>autodowngrade_waiver=granted</code></dt>" in page
    page = client.get("/scenarios/malaysia-2015-tpp").text
    assert "<dt><code>presidential_determination=d1_sanctions</code></dt>" in page


def test_a_scenarios_trade_verdict_names_the_bar_it_rests_on(client):
    # found by a new-user trial: "NOT available: blocked by MYS." with no statute; Malaysia's hypothetical 2015 Tier 3
    # was the most recent report on 2015-10-05, under the bar of 19 U.S.C. 4205(b)(6)(A) as TPA-2015 enacted it
    page = " ".join(client.get("/scenarios/malaysia-2015-tpp").text.split())
    partners = re.search(r'<ul class="partners">(.*?)</ul>', page).group(1)
    assert "Malaysia (MYS): Tier 3 (as you set it) in the 2015 report" in partners
    assert "barred on that date (19 U.S.C. 4205(b)(6)(A), P.L. 114-26 §106(b)(6))" in partners


def test_the_audits_waiver_rows_name_the_decision_each_rests_on(client):
    # found by a new-user trial: Malaysia's eight rows under "waivers" all read "allowed as published", naming no
    # waiver; 2007's rests on determination 2008-4 (a full waiver), 2012's on the downgrade waiver its Watch List implies
    page = client.get("/audit?country=MYS&only=waivers").text
    rows = {m.group(1): m.group(0) for m in re.finditer(r'<a href="/country/MYS#y(\d{4})">.*?</tr>', page, re.S)}
    assert len(rows) == 8
    assert "decision presidential_determination = d4_full_waiver: recorded" in rows["2007"]
    assert "made by determination 2008-4 of 2007-10-18" in rows["2007"]
    assert "decision autodowngrade_waiver = granted: inferred" in rows["2012"]
