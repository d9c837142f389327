"""A what-if is compared with what happened: the recorded placement after the recorded years, whatever earlier
years the question sets; and a question that repeats the record treats a past year's unrecorded decisions as the
record does (not recorded, not assumed)."""

import textwrap

from tierlaw.queries import whatif
from tierlaw.scenario import run as run_scenario


def test_setting_an_earlier_year_does_not_rewrite_the_record_compared_with(ctx):
    # Malaysia: Tier 3 in 2014, the Watch List in 2015 (record). Moved up from Tier 3, the 2015 Watch List put it on
    # the special watch list under 7107(b)(2)(A)(ii) and, under TPA 2015, called for the President's justification
    # (19 U.S.C. 4205(b)(6)(C)). Had 2014 been Tier 2, neither would follow: the what-if removes them.
    report = whatif(ctx, "MYS", 2015, "2WL", sets=["2014=2"], forward_years=0)
    assert report["baseline"]["features"]["prev_tier"] == "3"
    assert report["hypothetical"]["features"]["prev_tier"] == "2"
    assert report["changes"] == {"added": [], "removed": ["swl.category_ii", "trade.special_rule_report"]}
    assert report["summary"][1] == "Earlier years as you set them: 2014 Tier 2 (the record: Tier 3)"
    assert "No consequence changes against the record" not in report["summary"]


def test_a_scenario_that_rewrites_an_earlier_year_is_compared_with_the_record(ctx, tmp_path):
    path = tmp_path / "mys.yaml"
    path.write_text(textwrap.dedent("""\
        name: Malaysia as if Tier 2 in 2014
        history:
          MYS: {2014: "2"}
        placements:
          MYS: {2015: 2WL}
        """))
    item = run_scenario(ctx, path)["results"][0]
    assert item["baseline"]["features"]["prev_tier"] == "3"
    assert item["changes"]["removed"] == ["swl.category_ii", "trade.special_rule_report"]


def test_repeating_a_past_year_leaves_its_unrecorded_determination_unrecorded(ctx):
    # Thailand, Tier 3 in 2015: determination 2016-01 exists, but the record holds no outcome for Thailand in it.
    # Asked again as a what-if, the year reads as history does: the determination is not recorded, and the
    # measures it would change depend on it, in the question as in the baseline.
    report = whatif(ctx, "THA", 2015, "3", forward_years=0)
    for result in (report["baseline"], report["hypothetical"]):
        determination = next(d for d in result["decisions"] if d["id"] == "presidential_determination")
        assert determination["unrecorded"] is True and "assumed" not in determination
        aid = next(c for c in result["consequences"] if c["id"] == "tier3.withhold_nonhumanitarian_aid")
        assert aid["status"] == "depends_on_decision"
        assert "presidential_determination" in aid["depends_on_decisions"]


def test_a_changed_question_about_a_past_year_keeps_its_defaults_assumed(ctx):
    # Thailand on Tier 3 in 2015 after a Tier 2 2014 (the record: the Watch List): not what happened, so the defaults
    # it opens are the rulebook's, labelled assumed
    report = whatif(ctx, "THA", 2015, "3", sets=["2014=2"], forward_years=0)
    determination = next(d for d in report["hypothetical"]["decisions"] if d["id"] == "presidential_determination")
    assert determination["assumed"] is True and "unrecorded" not in determination


def test_a_record_against_the_law_asked_again_says_so_and_names_the_readings_it_turns_on_together(ctx):
    # The Gambia: the Watch List in 2017 and 2018, Tier 3 in 2019, the Watch List in 2020 and again in 2021. Under
    # the default readings (F) allows the one Watch List year after the downgrade (2020) and bars the second (2021):
    # the audit's conflict. Neither reading (F)'s run as counting a waiver year nor (F) as applying immediately
    # lets 2021 stand alone; both together do. The what-if says the published list stood against the law, that
    # what it lists is the law's tier's, and names the two readings as assumed together.
    report = whatif(ctx, "GMB", 2021, "2WL", forward_years=0)
    assert report["baseline"]["record_fits_law"] is False
    hypothetical = report["hypothetical"]
    assert hypothetical["effective_tier"] == "3"
    for name in ("special_rule_f_run", "special_rule_f_subsequently"):  # each reading alone leaves Tier 3
        choice = {"special_rule_f_run": "with_a_waiver_year", "special_rule_f_subsequently": "immediately"}[name]
        alone = whatif(ctx.under(name, choice), "GMB", 2021, "2WL", forward_years=0)
        assert alone["hypothetical"]["effective_tier"] == "3", name
    assert hypothetical["options_assumed_together"] == [{
        "applied": {"special_rule_f_run": "two_years_and_any_waivers", "special_rule_f_subsequently": "any_later_year"},
        "assumed": True,
        "choices": {"special_rule_f_run": "with_a_waiver_year", "special_rule_f_subsequently": "immediately"},
        "statute_refs": ["docs/law.md §3.4"], "effective_tier": "2WL"}]
    first = report["summary"][0]
    assert "as recorded, where the published list stood against the law as read (an audit conflict)" in first
    assert first.endswith("what follows is what the law's tier would set off, not what happened")
    assert report["summary"][1].startswith("Assumed, not settled: special_rule_f_run=two_years_and_any_waivers and "
                                           "special_rule_f_subsequently=any_later_year")
    under_both = whatif(ctx.under("special_rule_f_run", "with_a_waiver_year").under(
        "special_rule_f_subsequently", "immediately"), "GMB", 2021, "2WL", forward_years=0)
    assert under_both["hypothetical"]["effective_tier"] == "2WL"


def test_a_result_that_no_reading_turns_names_none_together(ctx):
    report = whatif(ctx, "MYS", 2015, "2WL", forward_years=0)
    assert "options_assumed_together" not in report["hypothetical"]


def test_what_happened_is_judged_by_tiers_and_by_who_settled_the_decisions(ctx):
    # found by a review: setting 2014 to its recorded Tier 3 is still what happened; settling the waiver the record
    # implies the other way (Malaysia's 2012 Watch List stood by one) is not, so its defaults stay assumed
    same = whatif(ctx, "THA", 2015, "3", sets=["2014=3"], forward_years=0)
    determination = next(d for d in same["hypothetical"]["decisions"] if d["id"] == "presidential_determination")
    assert same.get("repeats_record") is True and determination["unrecorded"] is True
    other = whatif(ctx, "MYS", 2012, "2WL", decide=["autodowngrade_waiver=denied"], forward_years=0)
    assert "repeats_record" not in other
    determination = next(d for d in other["hypothetical"]["decisions"] if d["id"] == "presidential_determination")
    assert determination["assumed"] is True and "unrecorded" not in determination
    assert other["summary"][1] == ("Your decisions replace the record's: autodowngrade_waiver=denied "
                                   "(inferred from the published list: granted)")
    # The Gambia 2021 after a 2019 set to Tier 2: no downgrade after the 2017-2018 run, so (F) bars nothing and
    # the question is not the record's conflict
    moved = whatif(ctx, "GMB", 2021, "2WL", sets=["2019=2"], forward_years=0)
    assert moved["hypothetical"]["effective_tier"] == "2WL" and "audit conflict" not in moved["summary"][0]


def test_a_scenario_that_repeats_the_record_reads_its_decisions_as_the_record_does(ctx, tmp_path):
    # Malaysia's 2014 Tier 3 was fully waived by determination 2014-16 (data/presidential_determinations.csv): a
    # scenario placing it there again keeps the recorded waiver (it took the default d1_sanctions before) and
    # changes nothing; The Gambia's 2015 Tier 3, whose determination the record does not give, reads not recorded
    path = tmp_path / "again.yaml"
    path.write_text("name: The record again\nplacements:\n  MYS: {2014: '3'}\n  GMB: {2015: '3'}\n")
    items = {item["country"]: item for item in run_scenario(ctx, path)["results"]}
    malaysia = {d["id"]: d for d in items["MYS"]["scenario"]["decisions"]}
    assert malaysia["presidential_determination"]["settled_by"] == "record"
    assert malaysia["presidential_determination"]["applied"] == "d4_full_waiver"
    assert items["MYS"]["changes"] == {"added": [], "removed": []}
    gambia = {d["id"]: d for d in items["GMB"]["scenario"]["decisions"]}
    assert gambia["presidential_determination"]["unrecorded"] is True
