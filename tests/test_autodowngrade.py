"""The automatic downgrade, 22 U.S.C. 7107(b)(2)(D)-(F), worked by hand from docs/law.md section 3.

A hypothetical code (ZZA) keeps the record out of it: every placement is given with --set.
Years 2001-2008 are left unknown on purpose: the count starts with the 2009 report, so they
must not matter.
"""


from helpers import decisions, ids, one, tier_years, watch_list_years
from tierlaw.queries import whatif

D_I = "22 U.S.C. 7107(b)(2)(D)(i)"
D_II = "22 U.S.C. 7107(b)(2)(D)(ii)"
F = "22 U.S.C. 7107(b)(2)(F)"


def test_third_watch_list_year_under_2008_law_is_tier3_unless_waived(ctx):
    # Watch List 2009 and 2010: "2 consecutive years after December 23, 2008" -> 2011 "shall be" Tier 3.
    result = whatif(ctx, "ZZA", 2011, "2WL", sets=watch_list_years(2009, 2010))["hypothetical"]
    assert result["effective_tier"] == "3"
    required = one(result, "autodowngrade.required")
    assert required["cite"] == D_I and required["rule"] == "autodowngrade.required.no_waiver"
    assert required["enacted_by"] == "P.L. 110-457 §107(a)"
    assert "autodowngrade_waiver" in decisions(result)
    waiver = next(d for d in result["decisions"] if d["id"] == "autodowngrade_waiver")
    assert waiver["applied"] == "denied" and waiver["settled_by"] == "default"
    assert waiver["options"]["granted"]["effective_tier"] == "2WL"
    assert waiver["options"]["denied"]["effective_tier"] == "3"
    assert "tier3.determination_due" in ids(result)


def test_granted_waiver_keeps_the_watch_list_and_cites_d_ii(ctx):
    result = whatif(ctx, "ZZA", 2011, "2WL", sets=watch_list_years(2009, 2010),
                    decide=["autodowngrade_waiver=granted"])["hypothetical"]
    assert result["effective_tier"] == "2WL"
    assert one(result, "autodowngrade.waived")["cite"] == D_II
    assert "autodowngrade.notice" not in ids(result)  # (E) "Public notice" came with P.L. 113-4 in 2013
    assert "autodowngrade.required" not in ids(result)
    assert not {i for i in ids(result) if i.startswith("tier3.")}


def test_public_notice_of_a_waiver_from_the_2013_report_then_congressional_notice_from_2019(ctx):
    # (E) was added by P.L. 113-4 §1205 (2013-03-07) and rewritten by P.L. 115-427 §6(2)(D) (2019-01-09).
    waived_2014 = whatif(ctx, "ZZA", 2014, "2WL", sets=watch_list_years(2012, 2013) + tier_years("2", 2009, 2011),
                         decide=["autodowngrade_waiver=granted"])["hypothetical"]
    notice = one(waived_2014, "autodowngrade.notice")
    assert notice["rule"] == "autodowngrade.public_notice" and notice["enacted_by"] == "P.L. 113-4 §1205"
    # "Not later than 30 days after notifying Congress" was (E)'s opening from 2013 (the 2019 amendment replaced
    # only what follows "shall"): counted from the 2014 report's release (2014-06-20): 2014-07-20.
    assert notice["due"]["by"] == "2014-07-20"
    waived_2021 = whatif(ctx, "ZZA", 2021, "2WL", sets=watch_list_years(2019, 2020) + tier_years("2", 2009, 2018),
                         decide=["autodowngrade_waiver=granted"])["hypothetical"]
    notice = one(waived_2021, "autodowngrade.notice")
    # 30 days, counted from the 2021 report's release (2021-07-01, data/report_dates_found.csv): 2021-07-31.
    assert notice["rule"] == "autodowngrade.congressional_notice" and notice["due"]["by"] == "2021-07-31"


def test_two_waivers_then_no_waiver_is_possible_under_2008_law(ctx):
    # Watch List 2009-2012: 2 counted years plus 2011 and 2012 on waivers (the 2-year cap) -> 2013 is Tier 3.
    result = whatif(ctx, "ZZA", 2013, "2WL", sets=watch_list_years(2009, 2010, 2011, 2012))["hypothetical"]
    assert result["effective_tier"] == "3"
    required = one(result, "autodowngrade.required")
    assert required["rule"] == "autodowngrade.required.waivers_exhausted" and required["cite"] == D_I
    used = next(f for f in required["because"] if f.get("name") == "waiver_years_used")
    assert used["value"] == 2 and used["parameter"]["value"] == 2
    assert [p["year"] for p in used["placements"]] == [2009, 2010, 2011, 2012]
    assert "autodowngrade_waiver" not in decisions(result)


def test_a_waiver_that_cannot_be_given_is_answered_with_the_reason(ctx):
    # Watch List 2009-2012 under the 2008 law: 2 counted years and 2 waiver years, the cap of (D)(ii).
    report = whatif(ctx, "ZZB", 2013, "2WL", sets=watch_list_years(2009, 2010, 2011, 2012),
                    decide=["autodowngrade_waiver=granted"])
    result = report["hypothetical"]
    assert result["effective_tier"] == "3"
    assert one(result, "autodowngrade.required")["rule"] == "autodowngrade.required.waivers_exhausted"
    (unavailable,) = result["unavailable_decisions"]
    assert unavailable["id"] == "autodowngrade_waiver" and unavailable["value"] == "granted"
    (reason,) = unavailable["why"]
    assert reason["rule"] == "autodowngrade.waiver.available" and reason["cite"] == D_II
    assert "waiver_years_used is 2; it must be less than 2" in reason["reason"]
    assert "autodowngrade.max_waiver_years = 2" in reason["reason"]
    assert unavailable["opened_with_option"] == []  # no reading of the 2013 law opens a third waiver year


def test_second_waiver_year_is_still_open_under_2008_law(ctx):
    result = whatif(ctx, "ZZA", 2012, "2WL", sets=watch_list_years(2009, 2010, 2011))["hypothetical"]
    assert "autodowngrade_waiver" in decisions(result)


def test_counting_starts_with_the_2009_report(ctx):
    # Watch List 2007 and 2008 do not count: in 2009 there is no downgrade to consider.
    result = whatif(ctx, "ZZA", 2009, "2WL", sets=watch_list_years(2007, 2008))["hypothetical"]
    assert result["effective_tier"] == "2WL"
    assert "autodowngrade.required" not in ids(result) and "autodowngrade_waiver" not in decisions(result)


QUIET_2009_2018 = tier_years("2", 2009, 2018)  # known Tier 2, so (F) has no earlier run to find


def test_2019_law_allows_one_waiver_so_three_watch_list_years_at_most(ctx):
    third = whatif(ctx, "ZZA", 2021, "2WL", sets=QUIET_2009_2018 + watch_list_years(2019, 2020))["hypothetical"]
    assert "autodowngrade_waiver" in decisions(third)
    fourth = whatif(ctx, "ZZA", 2022, "2WL",
                    sets=QUIET_2009_2018 + watch_list_years(2019, 2020, 2021))["hypothetical"]
    assert fourth["effective_tier"] == "3"
    assert one(fourth, "autodowngrade.required")["rule"] == "autodowngrade.required.waivers_exhausted"
    assert "autodowngrade_waiver" not in decisions(fourth)


def test_2019_waiver_notice_is_the_congressional_notice(ctx):
    result = whatif(ctx, "ZZA", 2021, "2WL", sets=QUIET_2009_2018 + watch_list_years(2019, 2020),
                    decide=["autodowngrade_waiver=granted"])["hypothetical"]
    assert one(result, "autodowngrade.notice")["enacted_by"] == "P.L. 115-427 §6(2)(D)"


AFTER_DOWNGRADE = QUIET_2009_2018 + watch_list_years(2019, 2020, 2021) + ["2022=3"]


def test_special_rule_f_allows_one_watch_list_year_after_a_downgrade(ctx):
    result = whatif(ctx, "ZZA", 2023, "2WL", sets=AFTER_DOWNGRADE)["hypothetical"]
    assert result["effective_tier"] == "2WL"
    assert one(result, "special_rule_f.last_watch_list_year")["cite"] == F


def test_special_rule_f_bars_a_second_watch_list_year_with_no_waiver(ctx):
    result = whatif(ctx, "ZZA", 2024, "2WL", sets=AFTER_DOWNGRADE + ["2023=2WL"])["hypothetical"]
    barred = one(result, "special_rule_f.watch_list_barred")
    assert barred["cite"] == F and barred["enacted_by"] == "P.L. 115-425 §203(1)(B)"
    assert result["effective_tier"] == "3"  # the documented default reading of (F)
    assert "autodowngrade_waiver" not in decisions(result)  # "notwithstanding (D) and (E)"
    assert "special_rule_f_placement" in decisions(result)
    tier2 = whatif(ctx, "ZZA", 2024, "2WL", sets=AFTER_DOWNGRADE + ["2023=2WL"],
                   decide=["special_rule_f_placement=2"])["hypothetical"]
    assert tier2["effective_tier"] == "2"


def test_cuba_2019_old_waivers_count_against_the_new_cap(backend):
    from conftest import context
    # Cuba: Watch List 2015 and 2016, waivers 2017 and 2018 (STATUTE.md §7) -> 2019 Tier 3.
    sets = tier_years("3", 2009, 2014) + watch_list_years(2015, 2016, 2017, 2018)
    counted = whatif(context(backend), "ZZB", 2019, "2WL", sets=sets)["hypothetical"]
    assert counted["effective_tier"] == "3" and "autodowngrade_waiver" not in decisions(counted)
    fresh = whatif(context(backend, waiver_transition="fresh_start_2019"), "ZZB", 2019, "2WL",
                   sets=sets)["hypothetical"]
    assert "autodowngrade_waiver" in decisions(fresh)


def test_unknown_years_make_the_downgrade_indeterminate_not_false(ctx):
    # 2010 unknown: the 2011 Watch List proposal needs a waiver only if 2010 was on the Watch List.
    result = whatif(ctx, "ZZA", 2011, "2WL", sets=["2009=2WL"])["hypothetical"]
    assert result["effective_tier"] is None
    assert result["effective_tier_possible"] == ["2WL", "3"]
    required = one(result, "autodowngrade.required")
    assert required["status"] == "indeterminate" and 2010 in required["depends_on_unknown_years"]
