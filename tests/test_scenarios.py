"""Shipped scenarios, `tierlaw trade` and the forward clock, checked against values worked by hand."""

import datetime as dt

import json

import pytest

from helpers import ids
from test_bad_input import assert_one_line_error, run_cli
from tierlaw.forward import clock
from tierlaw.paths import default_scenarios_dir
from tierlaw.queries import whatif_all
from tierlaw.scenario import run
from tierlaw.trade import most_recent_report, trade

SCENARIOS = default_scenarios_dir()
TPP = ["AUS", "BRN", "CAN", "CHL", "JPN", "MEX", "MYS", "NZL", "PER", "SGP", "VNM"]


def by_country(report):
    return {(item["country"], item["year"]): item for item in report["results"]}


def test_the_2015_disputes(ctx):
    report = run(ctx, SCENARIOS / "2015-disputes.yaml")
    found = by_country(report)
    for country in ("MYS", "CUB", "CHN"):  # recorded on the Watch List, put on Tier 3 as the analysts wanted
        item = found[(country, 2015)]
        assert item["baseline"]["proposed_tier"] == "2WL" and item["scenario"]["effective_tier"] == "3"
        assert {"tier3.determination_due", "trade.tpa_bar"} <= set(item["changes"]["added"])
    # Malaysia and Cuba were Tier 3 in 2014: the recorded Watch List placement made them (A)(ii) countries and
    # set off the 4205(b)(6)(C) report; China was on the Watch List in 2014, so it lost neither.
    for country in ("MYS", "CUB"):
        assert {"swl.category_ii", "trade.special_rule_report"} <= set(found[(country, 2015)]["changes"]["removed"])
    assert "swl.category_ii" not in found[("CHN", 2015)]["changes"]["removed"]
    thailand = found[("THA", 2015)]
    assert thailand["changes"] == {"added": [], "removed": []}  # the analysts got their rating
    assert "trade.special_rule_report" in thailand["alternatives"]["2WL"]["consequences"]
    # against the Tier 3 it kept, the diplomats' Watch List would have set off the (C) report and lifted the bar
    alternative = thailand["alternatives"]["2WL"]
    assert "The President must justify the move from Tier 3 to the Watch List" in alternative["adds"]
    assert "No fast-track for trade agreements with this country" in alternative["removes"]
    assert [(q["on"], q["tpa_available"], q["blocking"]) for q in report["trade"]] == [
        ("2015-10-05", False, ["MYS"]), ("2016-02-04", False, ["MYS"])]


def test_malaysia_2015_tpp(ctx):
    report = run(ctx, SCENARIOS / "malaysia-2015-tpp.yaml")
    for question in report["trade"]:
        assert question["blocking"] == ["MYS"] and question["tpa_available"] is False
        assert question["exception_route"]["available"] is False  # the letter exception came on 2016-02-24
        assert sorted(p["country"] for p in question["partners"]) == TPP


def test_tpp_with_the_recorded_2015_placements_is_not_blocked(ctx):
    for day in (dt.date(2015, 10, 5), dt.date(2016, 2, 4)):
        report = trade(ctx, [], "TPP", day)
        assert report["tpa_available"] is True and report["blocking"] == [] and report["open"] == []
        assert {p["report_year"] for p in report["partners"]} == {2015}


def test_trade_after_tftea_with_a_tier3_partner_turns_on_the_letter(ctx):
    report = trade(ctx, ["Malaysia", "Japan"], None, dt.date(2016, 3, 1), overrides={"MYS": {2015: "3"}})
    assert report["tpa_available"] is None and report["open"] == ["MYS"] and report["exception_route"]["available"]
    settled = trade(ctx, ["MYS"], None, dt.date(2016, 3, 1), overrides={"MYS": {2015: "3"}},
                    decisions={"MYS": {2015: {"trade_letter": "submitted"}}})
    assert settled["tpa_available"] is True


def test_no_trade_authority_after_july_2021(ctx):
    report = trade(ctx, ["CHN"], None, dt.date(2021, 7, 1))  # China is Tier 3 in the 2021 report
    assert report["authority"]["in_force"] is False and report["tpa_available"] is False


def test_the_most_recent_report_on_a_date():
    from conftest import context
    ctx = context("reference")
    assert most_recent_report(ctx, dt.date(2015, 7, 26)) == 2014  # the 2015 report came out on 2015-07-27
    assert most_recent_report(ctx, dt.date(2015, 7, 27)) == 2015
    # 2020 report released 2020-06-25 (report_dates_found.csv, after the June 1 deadline of that year)
    assert most_recent_report(ctx, dt.date(2020, 6, 1)) == 2019
    assert most_recent_report(ctx, dt.date(2020, 6, 25)) == 2020
    # a future report: its statutory deadline (June 30 since P.L. 116-283) stands in for the unknown date
    assert most_recent_report(ctx, dt.date(2026, 6, 29)) == 2025
    assert most_recent_report(ctx, dt.date(2026, 6, 30)) == 2026


def test_the_watch_list_trajectory_under_the_2019_law(ctx):
    report = run(ctx, SCENARIOS / "watch-list-trajectory-2019.yaml")
    effective = {item["year"]: item["scenario"]["effective_tier"] for item in report["results"]}
    # One waiver (2021, settled in the file); the 4th year is Tier 3 by (D)(i); (F) then allows one Watch List
    # year (2023) and bars the next (2024); 2025 is again the one allowed year.
    assert effective == {2019: "2WL", 2020: "2WL", 2021: "2WL", 2022: "3", 2023: "2WL", 2024: "3", 2025: "2WL"}
    found = by_country(report)
    assert "autodowngrade.required" in ids(found[("ZZW", 2022)]["scenario"])
    assert "special_rule_f.watch_list_barred" in ids(found[("ZZW", 2024)]["scenario"])
    (forward,) = report["forward"]
    assert forward["first_forced_change"] == 2026


def test_forward_clock_names_the_waiver_year_and_the_forced_year(ctx):
    quiet = {year: "2" for year in range(2009, 2019)}
    forward = clock(ctx, "ZZA", 2019, "2WL", quiet, years=4)
    steps = {s["year"]: s for s in forward["steps"]}
    assert steps[2021]["needs"] == ["autodowngrade_waiver=granted"]
    assert forward["first_forced_change"] == 2022
    assert steps[2022]["forced_by"][0]["cite"] == "22 U.S.C. 7107(b)(2)(D)(i)"
    interim = [d for d in steps[2019]["duties"] if d["id"] == "swl.interim_assessment"]
    assert interim[0]["due"]["by"] == "2020-02-01"


def test_a_settled_decision_no_rule_opens_is_answered_not_refused(ctx, tmp_path):
    # A waiver of the automatic downgrade for a Tier 3 proposal: no rule opens it, the scenario says why.
    path = tmp_path / "waiver.yaml"
    path.write_text("name: x\nplacements: {MYS: {2015: '3'}}\ndecisions: {MYS: {2015: {autodowngrade_waiver: granted}}}\n")
    (item,) = run(ctx, path)["results"]
    (unavailable,) = item["scenario"]["unavailable_decisions"]
    assert unavailable["id"] == "autodowngrade_waiver" and unavailable["available"] is False
    reasons = " ".join(r["reason"] for r in unavailable["why"])
    assert "proposed_tier is 3; it must be 2WL" in reasons
    assert item["scenario"]["effective_tier"] == "3"


def test_every_tier_side_by_side(ctx):
    report = whatif_all(ctx, "MYS", 2015)
    assert list(report["tiers"]) == ["1", "2", "2WL", "3", "special"]
    assert "trade.tpa_bar" in ids(report["tiers"]["3"]) and "trade.tpa_bar" not in ids(report["tiers"]["2WL"])
    assert "swl.category_ii" in ids(report["tiers"]["2"])  # up from Tier 3 in 2014 to list (1)(B)
    assert "swl.category_i" not in ids(report["tiers"]["1"])  # (A)(i) needs list (1)(B) the year before


@pytest.mark.parametrize("text, fragments", [
    ("name: x\nplacements: {MYS: {2015: '4'}}\n", ["bad.yaml:2", "unknown tier '4'"]),
    ("name: x\nplacements: {MYS: {2015: '3'}}\nplacement: {}\n", ["bad.yaml:3", "unknown top-level key 'placement'"]),
    ("name: x\nplacement: {MYS: {2015: '3'}}\n", ["bad.yaml:2", "did you mean 'placements'?", "expected one of: decisions,"]),
    ("name: 12\nplacements: {MYS: {2015: '3'}}\n", ["bad.yaml:1", "name must be non-empty text", "must be quoted"]),
    ("name: x\nplacements:\n  MYS:\n    2015: '3'\n    2015: '2'\n", ["bad.yaml:5", "duplicate key 2015"]),
    ("name: x\nplacements: {MYS: {1999: '3'}}\n", ["bad.yaml:2", "before the first report"]),
    ("name: x\nplacements: {Atlantis: {2015: '3'}}\n", ["bad.yaml:2", "unknown country"]),
    ("name: x\nplacements: {MYS: {2015: '3'}}\nquestions: {trade: [{agreement: TPP, date: 2015-13-05}]}\n",
     ["bad.yaml:3", "impossible date"]),
    ("name: x\nplacements: {MYS: {2015: '3'}}\noptions: {waiver_transition: sometimes}\n", ["bad.yaml:3", "no choice"]),
    # found by the fuzz suite: wrong shapes inside valid sections used to end in an internal error
    ("name: x\nplacements: {MYS: {2015: {tier: '3', alternatives: 5}}}\n", ["bad.yaml:2", "alternatives must be a list"]),
    ("name: x\nplacements: {MYS: {2015: {tier: '3', note: {a: 1}}}}\n", ["bad.yaml:2", "note must be text"]),
    ("name: x\ndescription: [a]\nplacements: {MYS: {2015: '3'}}\n", ["bad.yaml:2", "description must be non-empty text"]),
    # found by the schema property test: a key 1 passed for the bare `on:` YAML 1.1 reads as true (1 == True)
    ("name: x\nplacements: {MYS: {2015: '3'}}\nquestions:\n  trade: [{partners: [MYS], 1: 2016-02-04}]\n",
     ["bad.yaml:4", "unknown key 1 in a trade question"]),
    ("name: x\nplacements: {MYS: {2015: '3'}}\nquestions:\n  trade: [{partners: [5], date: 2016-02-04}]\n",
     ["bad.yaml:4", "partners must be a list of text"]),
    # found by the schema property test: an empty mapping where the questions' list goes was taken as no question
    ("name: x\nplacements: {MYS: {2015: '3'}}\nquestions:\n  forward: {}\n", ["bad.yaml:4", "forward: must be a list"]),
    ("name: x\nplacements: {MYS: {2015: '3'}}\nquestions:\n  trade: [{agreement: [TPP], date: 2016-02-04}]\n",
     ["bad.yaml:4", "agreement must be non-empty text"]),
    ("name: x\nplacements: {MYS: {2015: '3'}}\nquestions:\n  forward: [{country: MYS, year: 2015, tier: [3]}]\n",
     ["bad.yaml:4", "unknown tier [3]"]),
    ("", ["bad.yaml", "empty file"]),
    ("- just\n- a list\n", ["bad.yaml:1", "a scenario must be a mapping"]),
    # found by a new-user trial: decisions for a year no placement or trade question reads were dropped silently,
    # and a country written twice (a code and a name) kept only the second
    ("name: x\nplacements: {MYS: {2015: '3'}}\ndecisions:\n  MYS:\n    2016: {presidential_determination: d4_full_waiver}\n",
     ["bad.yaml:5", "decisions for MYS 2016 settle nothing", "no placement for MYS 2016"]),
    ("name: x\nplacements: {MYS: {2015: '3'}}\ndecisions: {THA: {2015: {trade_letter: submitted}}}\n",
     ["bad.yaml:3", "decisions for THA 2015 settle nothing", "no trade question reads THA's 2015 report"]),
    # a review found a decision for a year the trade question does not read (2016-03-01 reads the 2015 report)
    ("name: x\nplacements: {ZZA: {2015: '2'}}\ndecisions: {THA: {2010: {trade_letter: submitted}}}\n"
     "questions:\n  trade: [{partners: [THA], date: 2016-03-01}]\n",
     ["bad.yaml:3", "decisions for THA 2010 settle nothing", "no trade question reads THA's 2010 report"]),
    ("name: x\nplacements:\n  MYS: {'2015': '3'}\n", ["bad.yaml:3", "'2015' is a year in quotes: write it without them (2015:)"]),
    ("name: x\nplacements:\n  MYS: {2015: '3'}\n  Malaysia: {2015: '2'}\n",
     ["bad.yaml:4", "Malaysia: MYS is already given as 'MYS' in placements"]),
])
def test_malformed_scenarios(capsys, tmp_path, text, fragments):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    assert_one_line_error(*run_cli(capsys, "run", str(path), "--backend", "reference"), *fragments)


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS.glob("*.yaml")))
def test_shipped_scenarios_run_from_the_command_line(capsys, name):
    for fmt in ("table", "json", "markdown"):
        code, out, err = run_cli(capsys, "run", str(SCENARIOS / name), "--format", fmt)
        assert code == 0 and out and not err


def test_history_ends_with_the_forward_clock_from_the_last_recorded_year(ctx):
    from tierlaw.audit import history
    # Cuba: Tier 3 in every report 2019-2025; proposing Tier 3 again changes nothing the law forces.
    forward = history(ctx, "CUB")["forward"]
    assert forward["from_year"] == 2025 and forward["proposing"] == "3"
    assert forward["first_forced_change"] is None
    assert all(s["effective"] == "3" and s["stands"] for s in forward["steps"])


def test_decisions_for_a_trade_partner_are_read_by_the_trade_question(capsys, tmp_path):
    # a decision for a year no placement covers is still used where a trade question asks about that country
    path = tmp_path / "letter.yaml"
    path.write_text("name: x\nplacements: {ZZA: {2015: '2'}}\ndecisions: {THA: {2015: {trade_letter: submitted}}}\n"
                    "questions:\n  trade: [{partners: [THA], date: 2016-03-01}]\n")
    code, out, err = run_cli(capsys, "run", str(path), "--format", "json", "--backend", "reference")
    assert code == 0 and not err
    row = json.loads(out)["trade"][0]["partners"][0]
    # Thailand's 2015 Tier 3 bars fast-track on 2016-03-01 unless the (B) letter was sent: the scenario sent it
    assert row["country"] == "THA" and "no bar" in row["reason"] and "submitted, as you decided" in row["reason"]
