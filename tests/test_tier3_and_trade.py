"""Tier 3 measures and the fast-track bar, worked by hand from STATUTE.md sections 4 and 5
and the shipped record (Malaysia: Tier 3 in 2014, Watch List in 2015; 2015 report released 2015-07-27,
2016 report 2016-06-30)."""

import datetime as dt

from helpers import by_id, decisions, ids, one
from tierlaw.queries import whatif

TRADE = {"trade.tpa_bar", "trade.letter_exception.available", "trade.letter_exception.used",
         "trade.special_rule_report"}


def test_malaysia_2015_on_tier3_sets_off_the_determination_and_the_trade_bar(ctx):
    report = whatif(ctx, "Malaysia", 2015, "3")
    result = report["hypothetical"]
    assert report["baseline"]["proposed_tier"] == "2WL"  # the recorded placement
    due = one(result, "tier3.determination_due")
    # 45 and 90 days after 2015-07-27: 4 days of July + 31 of August + 10 -> Sept 10; + 30 of September + 25 -> Oct 25.
    assert due["window"]["from"] == "2015-09-10" and due["window"]["to"] == "2015-10-25"
    assert due["fiscal_year"] == 2016 and due["cite"] == "22 U.S.C. 7107(c)"
    assert "presidential_determination" in decisions(result)
    assert one(result, "tier3.withhold_nonhumanitarian_aid")["cite"] == "22 U.S.C. 7107(d)(1)(A)(i)"
    assert one(result, "tier3.oppose_multilateral_lending")["cite"] == "22 U.S.C. 7107(d)(1)(B)"
    bars = {(b["enacted_by"], b["holds"]["from"], b["holds"]["until"]) for b in by_id(result, "trade.tpa_bar")}
    # As enacted (no exception) from the report's release to TFTEA; as amended until the 2016 report.
    assert bars == {("P.L. 114-26 §106(b)(6)", "2015-07-27", "2016-02-24"),
                    ("P.L. 114-125 §914(e)(2)", "2016-02-24", "2016-06-30")}
    assert "trade.tpa_bar" in report["changes"]["added"]


def test_malaysia_2015_tier3_on_the_tpp_dates(ctx):
    for day in ("2015-10-05", "2016-02-04"):  # both before TFTEA: no letter exception existed
        result = whatif(ctx, "MYS", 2015, "3", on=dt.date.fromisoformat(day))["hypothetical"]
        assert one(result, "trade.tpa_bar")["cite"] == "19 U.S.C. 4205(b)(6)(A)"
        assert "trade_letter" not in decisions(result)
    after = whatif(ctx, "MYS", 2015, "3", on=dt.date(2016, 3, 1))["hypothetical"]
    assert one(after, "trade.tpa_bar")["enacted_by"] == "P.L. 114-125 §914(e)(2)"
    assert "trade_letter" in decisions(after)
    lifted = whatif(ctx, "MYS", 2015, "3", on=dt.date(2016, 3, 1), decide=["trade_letter=submitted"])
    assert "trade.tpa_bar" not in ids(lifted["hypothetical"])
    assert "trade.letter_exception.used" in ids(lifted["hypothetical"])


def test_malaysia_2015_on_the_watch_list_is_special_watch_list_a_ii_with_no_trade_bar(ctx):
    result = whatif(ctx, "MYS", 2015, "2WL")["hypothetical"]
    assert result["effective_tier"] == "2WL"
    assert one(result, "swl.category_ii")["cite"] == "22 U.S.C. 7107(b)(2)(A)(ii)"
    assert "trade.tpa_bar" not in ids(result)
    report = one(result, "trade.special_rule_report")
    # 90 days after 2016-02-24: 5 days of February (leap year) + 31 + 30 + 24 -> 2016-05-24.
    assert report["due"]["by"] == "2016-05-24" and report["cite"] == "19 U.S.C. 4205(b)(6)(C)"
    assert one(result, "swl.interim_assessment")["due"]["by"] == "2016-02-01"


def test_tier3_in_2014_has_no_trade_consequence_before_the_trade_law(ctx):
    result = whatif(ctx, "MYS", 2014, "3", on=dt.date(2014, 12, 1))["hypothetical"]
    assert not ids(result) & TRADE


def test_tier3_in_2014_bars_fast_track_only_once_the_law_is_in_force(ctx):
    # The 2014 report stayed the most recent until 2015-07-27; TPA-2015 was enacted on 2015-06-29.
    bar = one(whatif(ctx, "MYS", 2014, "3")["hypothetical"], "trade.tpa_bar")
    assert bar["holds"] == {"from": "2015-06-29", "until": "2015-07-27"}


def test_tier3_in_2022_has_no_trade_consequence_after_the_tpa_window(ctx):
    result = whatif(ctx, "MYS", 2022, "3")["hypothetical"]
    assert not ids(result) & TRADE
    # 22 U.S.C. 2656k(d)(2), enacted by P.L. 117-81 §6504 on 2021-12-27: only a country hosting a competition
    athletes = one(result, "athletics.covered_if_hosting")
    assert athletes["holds"]["from"] == "2022-07-19" and athletes["confidence"] == "STATUTE"
    assert "athletics.covered_country" not in ids(result)  # hosting is a fact the record does not hold
    hosting = whatif(ctx, "MYS", 2022, "3", decide=["hosts_athletic_competition=hosting"])["hypothetical"]
    assert one(hosting, "athletics.covered_country")["enacted_by"] == "P.L. 117-81 §6504"


def test_full_waiver_removes_the_measures_and_keeps_the_determination(ctx):
    result = whatif(ctx, "MYS", 2015, "3", decide=["presidential_determination=d4_full_waiver"])["hypothetical"]
    assert "tier3.full_waiver" in ids(result) and "tier3.determination_due" in ids(result)
    assert not {"tier3.withhold_nonhumanitarian_aid", "tier3.oppose_multilateral_lending",
                "mcc.candidacy_barred"} & ids(result)


def test_no_assistance_last_year_adds_the_exchange_program_ban(ctx):
    result = whatif(ctx, "MYS", 2015, "3", decide=["prior_fy_assistance=none"])["hypothetical"]
    assert one(result, "tier3.withhold_aid_and_exchange_funding")["cite"] == "22 U.S.C. 7107(d)(1)(A)(ii)"
    assert "tier3.withhold_nonhumanitarian_aid" not in ids(result)
    # before P.L. 110-457 §107(b) (2008-12-23) the clause withheld the exchange funding alone: a 2005 report
    early = whatif(ctx, "ZZA", 2005, "3", sets=["2004=3"], decide=["prior_fy_assistance=none"])["hypothetical"]
    exchange = one(early, "tier3.withhold_aid_and_exchange_funding")
    assert exchange["rule"] == "tier3.withhold_exchange_funding.2003" and exchange["fiscal_year"] == 2006
    assert exchange["headline"] == "No exchange-program funding for officials"
    assert one(result, "tier3.withhold_aid_and_exchange_funding")["rule"] == "tier3.withhold_aid_and_exchange_funding"


def test_every_consequence_is_explained_down_to_placements(ctx):
    result = whatif(ctx, "ZZA", 2011, "2WL", sets=["2009=2WL", "2010=2WL"])["hypothetical"]
    for consequence in result["consequences"]:
        assert consequence["cite"] and consequence["enacted_by"] and consequence["rule"]
        assert consequence["because"], consequence["id"]
        assert _reaches_a_placement_or_decision(consequence["because"]), consequence["id"]


def _reaches_a_placement_or_decision(facts):
    for fact in facts:
        if fact["fact"] in ("placement", "decision") or (fact["fact"] == "feature" and fact["placements"]):
            return True
        if fact["fact"] == "derived" and all(_reaches_a_placement_or_decision(d["because"])
                                             for d in fact["derived_by"]):
            return True
    return False


def test_a_barred_partner_names_the_bar_and_the_law_that_enacted_it(ctx):
    # found by a new-user trial: "barred on that date" named no statute. On 2015-07-01 the 2014 report was the
    # most recent; Malaysia's Tier 3 in it bars fast-track under 19 U.S.C. 4205(b)(6)(A), enacted by TPA-2015
    # (P.L. 114-26 §106(b)(6)); after TFTEA (2016-02-24) the amended bar cites P.L. 114-125 §914(e)(2)
    from tierlaw.trade import trade
    row = trade(ctx, ["MYS"], on="2015-07-01")["partners"][0]
    assert row["reason"] == "barred on that date (19 U.S.C. 4205(b)(6)(A), P.L. 114-26 §106(b)(6))"
    thailand = trade(ctx, ["THA"], on="2016-03-01")["partners"][0]
    assert thailand["reason"].endswith("(19 U.S.C. 4205(b)(6)(A), P.L. 114-125 §914(e)(2))")
