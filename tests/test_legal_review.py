"""The legal review's findings, worked by hand from the codified text (docs/law.md)."""

import json
import re
from pathlib import Path

from conftest import context
from helpers import ids, one, tier_years, watch_list_years
from test_bad_input import run_cli
from tierlaw.queries import whatif

REPO = Path(__file__).resolve().parent.parent
F = "22 U.S.C. 7107(b)(2)(F)"


def test_a_downgrade_in_2019_after_a_2017_2018_run_bars_a_second_watch_list_year(ctx):
    # Watch List 2017-2018 (2 counted years), Tier 3 in 2019 (a downgrade from the 2019 report on), Watch List
    # 2020 (the one year (F) allows): a Watch List proposal for 2021 is barred, with no waiver.
    history = tier_years("2", 2009, 2016) + watch_list_years(2017, 2018) + ["2019=3", "2020=2WL"]
    result = whatif(ctx, "ZZA", 2021, "2WL", sets=history)["hypothetical"]
    barred = one(result, "special_rule_f.watch_list_barred")
    assert barred["cite"] == F and result["effective_tier"] == "3"
    assert "autodowngrade_waiver" not in {d["id"] for d in result["decisions"]}
    placement = next(d for d in result["decisions"] if d["id"] == "special_rule_f_placement")
    assert {o: e["effective_tier"] for o, e in placement["options"].items()} == {"1": "1", "2": "2", "3": "3"}


def test_a_downgrade_before_2019_does_not_set_off_f_by_default_but_does_read_literally(ctx):
    # Watch List 2010-2011, Tier 3 2012, Watch List 2020: a 2021 Watch List year is the second of a run, fine
    # under the prospective reading; read literally, the 2012 downgrade bars it.
    history = ["2009=2"] + watch_list_years(2010, 2011) + tier_years("3", 2012, 2012) + tier_years("2", 2013, 2019) + \
        ["2020=2WL"]
    result = whatif(ctx, "ZZA", 2021, "2WL", sets=history)["hypothetical"]
    assert result["effective_tier"] == "2WL" and "special_rule_f.watch_list_barred" not in ids(result)
    literal = whatif(ctx.with_options({**ctx.options, "special_rule_f_history": "literal"}), "ZZA", 2021, "2WL",
                     sets=history)["hypothetical"]
    assert "special_rule_f.watch_list_barred" in ids(literal)


def test_the_waiver_question_that_cannot_be_granted_is_answered_at_the_command_line(capsys):
    code, out, err = run_cli(capsys, "whatif", "ZZB", "2013", "--tier", "2WL", "--set", "2009=2WL", "--set", "2010=2WL",
                             "--set", "2011=2WL", "--set", "2012=2WL", "--waiver", "granted", "--format", "json",
                             "--backend", "reference")
    assert code == 0 and err == ""
    report = json.loads(out)
    assert report["hypothetical"]["effective_tier"] == "3"
    (unavailable,) = report["hypothetical"]["unavailable_decisions"]
    assert "waiver_years_used is 2; it must be less than 2" in unavailable["why"][0]["reason"]
    assert report["summary"][1].startswith("autodowngrade_waiver=granted is not available")
    assert report["summary"][0].startswith("ZZB (hypothetical), 2013 report")  # not "ZZB (ZZB)"


def test_the_united_states_is_ranked_but_no_measure_reaches_it(ctx):
    # 7107(c): a determination "with respect to each foreign country"; 4205(b)(6): agreements with a country.
    result = whatif(ctx, "USA", 2015, "3")["hypothetical"]
    assert result["effective_tier"] == "3" and "tier.list_1c" in ids(result)
    assert not {i for i in ids(result) if i.startswith(("tier3.", "trade.", "mcc.", "athletics."))}
    foreign = whatif(ctx, "MEX", 2015, "3")["hypothetical"]
    assert {"tier3.determination_due", "trade.tpa_bar"} <= ids(foreign)


def test_the_findings_of_the_review_are_in_the_rulebook(ctx):
    rules = {r.id: r for r in ctx.rulebook.rules}
    # (d)(1)(A)(ii): the exchange-funding ban is the 2000 Act's; P.L. 110-457 §107(b) (2008-12-23) "inserted 'such
    # assistance to the government of the country for the subsequent fiscal year and will not provide'" (the
    # Code's amendment notes to 7107): before the 2009 report the clause withheld the exchange funding alone
    exchange_only, exchange = rules["tier3.withhold_exchange_funding.2003"], rules["tier3.withhold_aid_and_exchange_funding"]
    assert (exchange_only.enacted_by, exchange_only.confidence) == ("P.L. 106-386 §110(d)(1)(A)(ii)", "STATUTE")
    assert (exchange_only.in_force.until_report, exchange.in_force.from_report) == (2009, 2009)
    assert exchange.enacted_by == "P.L. 110-457 §107(b)" and "assistance" not in exchange_only.title
    assert rules["autodowngrade.public_notice"].in_force.from_report == 2013
    assert rules["autodowngrade.public_notice"].enacted_by == "P.L. 113-4 §1205"
    assert rules["swl.interim_assessment.2019"].in_force.from_report == 2018  # due 2019-02-01, after 2019-01-09
    assert rules["action_plan.upgrade_from_tier3"].enacted_by == "P.L. 115-427 §6(4)"
    assert rules["athletics.covered_country"].enacted_by == "P.L. 117-81 §6504"
    assert all(rules[r].enacted_by == "P.L. 110-457 §107(a)" for r in rules if r.startswith("autodowngrade.")
               and "notice" not in r)
    assert rules["mcc.candidacy_barred.fy2004"].in_force.from_report == 2003
    assert rules["mcc.candidacy_barred.fy2026"].confidence == "UNCONFIRMED"
    assert "if otherwise income-eligible" in rules["mcc.candidacy_barred.fy2019"].title


def test_a_partial_waiver_does_not_bar_mcc_candidacy(ctx):
    # 7705(a)(4) (now (b)): "any waiver or suspension ... construed as satisfying" the requirement.
    partial = whatif(ctx, "MYS", 2015, "3", decide=["presidential_determination=d4_partial_waiver"])["hypothetical"]
    assert "mcc.candidacy_barred" not in ids(partial) and "tier3.oppose_multilateral_lending" in ids(partial)
    full = whatif(ctx, "MYS", 2015, "3")["hypothetical"]
    assert one(full, "mcc.candidacy_barred")["fiscal_year"] == 2016


def test_the_duties_the_code_adds(ctx):
    # P.L. 115-427 §7: a country downgraded to the Watch List (from Tier 2) from the 2019 report on.
    downgraded = whatif(ctx, "ZZA", 2020, "2WL", sets=["2019=2"])["hypothetical"]
    assert one(downgraded, "watch_list.communication_with_government")["cite"] == "22 U.S.C. 7107 note"
    upgraded = whatif(ctx, "ZZA", 2020, "2WL", sets=["2019=3"])["hypothetical"]
    assert "watch_list.communication_with_government" not in ids(upgraded)
    # P.L. 115-425 §204(b): a Tier 3 or Watch List country, from enactment (2019-01-08).
    strategy = one(whatif(ctx, "ZZA", 2018, "3", sets=["2017=3"])["hypothetical"], "usaid.child_protection_strategy")
    assert strategy["holds"]["from"] == "2019-01-08"


def test_the_prior_fiscal_year_decision_names_its_year(ctx):
    result = whatif(ctx, "MYS", 2015, "3")["hypothetical"]
    prior = next(d for d in result["decisions"] if d["id"] == "prior_fy_assistance")
    assert prior["fiscal_year"] == 2015  # the fiscal year before FY2016, whose aid the measures concern


def test_nothing_in_the_project_points_outside_the_repository():
    outside = re.compile(r"STATUTE\.md|notes/durable-rules\.md|shared/")
    found = []
    for folder in ("rules", "docs", "engine"):
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and path.suffix in (".yaml", ".md", ".py", ".html", ".json"):
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                    if outside.search(line) and "$schema=../" not in line:
                        found.append(f"{path.relative_to(REPO)}:{number}")
    assert found == []


def test_a_result_that_turns_on_a_default_reading_of_the_statute_says_so(ctx):
    # Watch List 2016-2018 (2016-2017 count, 2018 is the 2008 law's first waiver year), then 2019: under the 2019
    # one-year cap, counting the 2018 waiver (count_old_waivers, the default) leaves none, so Tier 3; counting only
    # waivers from 2019 (fresh_start_2019) leaves one: the waiver becomes available (not granted by default: Tier 3).
    sets = ["2016-2018=2WL"]
    result = whatif(ctx, "NZL", 2019, "2WL", sets=sets, what_follows=False, forward_years=0)["hypothetical"]
    assert result["effective_tier"] == "3"
    (assumed,) = result["options_assumed"]
    assert (assumed["option"], assumed["applied"], assumed["assumed"]) == ("waiver_transition", "count_old_waivers", True)
    (other,) = assumed["otherwise"]
    assert (other["choice"], other["effective_tier"], other["removed"]) == ("fresh_start_2019", "3", [])
    assert [a["id"] for a in other["added"]] == ["autodowngrade.waiver.available"]
    # chosen, even at the default, it is not assumed
    chosen = context(ctx.backend.NAME, waiver_transition="count_old_waivers")
    assert "options_assumed" not in whatif(chosen, "NZL", 2019, "2WL", sets=sets, what_follows=False,
                                           forward_years=0)["hypothetical"]
    # (F) after a 2019-2020 run with no waiver year and a 2021 downgrade: read as any 2-year run (the default), a
    # second Watch List year after Tier 3 is barred; read as needing a waiver year, (F) does not apply
    barred = whatif(ctx, "NZL", 2023, "2WL", sets=["2019-2020=2WL", "2021=3", "2022=2WL"], what_follows=False,
                    forward_years=0)["hypothetical"]
    assert barred["effective_tier"] == "3"
    (f_run,) = [a for a in barred["options_assumed"] if a["option"] == "special_rule_f_run"]
    assert [(o["choice"], o["effective_tier"]) for o in f_run["otherwise"]] == [("with_a_waiver_year", "2WL")]
    # a result no reading changes carries no label
    assert "options_assumed" not in whatif(ctx, "MYS", 2015, "3", what_follows=False, forward_years=0)["hypothetical"]


def test_the_text_answer_names_the_default_reading_it_turns_on(capsys):
    code, out, _ = run_cli(capsys, "whatif", "NZL", "2019", "--tier", "2WL", "--set", "2016-2018=2WL", "--forward",
                           "0", "--backend", "reference")
    assert code == 0
    flat = " ".join(out.split())
    assert ("Assumed, not settled: waiver_transition=count_old_waivers, the default reading of an open point "
            "(docs/law.md §3.4, §8); under fresh_start_2019: adds: The President may waive the automatic downgrade"
            ) in flat


def test_a_reading_that_changes_only_which_rule_or_which_readings_is_labelled_too(ctx):
    # 2016 unknown, Watch List 2017-2018, 2019 on the Watch List: Tier 3 in every reading under the default (2017-
    # 2018 count and no waiver is granted; or, were 2016 the Watch List, 2018 was the waiver year and none is left),
    # but which rule requires it and whether the waiver is open depends on 2016. Counting only waivers from 2019
    # (fresh_start_2019) opens the waiver in every reading: the same tier and ids, other rules and certainty.
    result = whatif(ctx, "NZL", 2019, "2WL", sets=["2017-2018=2WL"], what_follows=False, forward_years=0)["hypothetical"]
    assert result["effective_tier"] == "3"
    (assumed,) = result["options_assumed"]
    (other,) = assumed["otherwise"]
    assert (assumed["option"], other["choice"], other["added"], other["removed"]) == (
        "waiver_transition", "fresh_start_2019", [], [])
    assert other["changed"] == ["autodowngrade.required", "autodowngrade.waiver.available"]


def test_a_scenario_keeps_the_options_the_command_chose(capsys, tmp_path):
    scenario = tmp_path / "nzl.yaml"
    scenario.write_text("name: NZL\nhistory:\n  NZL: {2016: 2WL, 2017: 2WL, 2018: 2WL}\nplacements:\n  NZL: {2019: 2WL}\n")
    code, out, err = run_cli(capsys, "run", str(scenario), "--option", "waiver_transition=fresh_start_2019",
                             "--format", "json", "--backend", "reference")
    assert code == 0, err
    report = json.loads(out)
    assert report["options"]["waiver_transition"] == "fresh_start_2019"  # it was dropped for the defaults
    (item,) = report["results"]
    assert "options_assumed" not in item["scenario"]
    assert "autodowngrade.waiver.available" in {c["id"] for c in item["scenario"]["consequences"]}


def test_an_audit_finding_that_turns_on_a_default_reading_says_so(ctx, capsys):
    # Cuba: Watch List 2015-2016 (counted), waived 2017 and 2018 (two waiver years under the 2008 law), Tier 3 in
    # 2019. Under the 2019 one-year cap, counting those waivers (count_old_waivers, the default) leaves none, so a
    # Watch List proposal had to become Tier 3: required. Counting only waivers from 2019 (fresh_start_2019)
    # leaves one: the Watch List with a waiver was allowed, so Tier 3 was chosen.
    from tierlaw.audit import audit
    (row,) = audit(ctx, ["CUB"], 2019, 2019)["rows"]
    (finding,) = [f for f in row["findings"] if f["audit"] == "required"]
    assert finding["options_assumed"] == [{"option": "waiver_transition", "applied": "count_old_waivers",
                                           "assumed": True,
                                           "otherwise": [{"choice": "fresh_start_2019", "audit": "chosen"}]}]
    chosen = context(ctx.backend.NAME, waiver_transition="count_old_waivers")
    (row,) = audit(chosen, ["CUB"], 2019, 2019)["rows"]
    assert all("options_assumed" not in f for f in row["findings"])
    # a finding that holds under every reading is not labelled: Cuba 2004-2018 have none
    assert not any(f.get("options_assumed") for r in audit(ctx, ["CUB"], 2004, 2018)["rows"] for f in r["findings"])
    code, out, _ = run_cli(capsys, "history", "CUB", "--backend", "reference")
    assert ("Found only under a default reading of an open point: 2019 required (assumed reading "
            "waiver_transition=count_old_waivers; under fresh_start_2019: chosen)") in " ".join(out.split())
