"""The real world told true (worked by hand from docs/law.md and the shipped record):

- a recorded placement carries the consequences of the list it was published on;
- recorded presidential determinations settle past decisions, unrecorded ones are shown as such;
- a year known only as a set of tiers (absent from a complete list) reads as that set;
- dates from a statutory deadline are estimated; `--on` respects the report's period;
- the forward clock carries the outcomes the uncertain years allow.
"""

import json

from conftest import context
from helpers import ids
from test_bad_input import run_cli
from tierlaw.audit import history
from tierlaw.paths import default_scenarios_dir
from tierlaw.queries import whatif
from tierlaw.trade import trade

TIER3_MEASURES = {"tier3.determination_due", "tier3.withhold_nonhumanitarian_aid", "tier3.oppose_multilateral_lending",
                  "mcc.candidacy_barred"}


def test_malaysia_2019_baseline_is_its_watch_list_listing(ctx):
    # Malaysia was listed on the Watch List in 2019 (after 2018): the report triggered the special watch list,
    # its interim assessment and nothing of Tier 3 or of the fast-track bar.
    report = whatif(ctx, "MYS", 2019, "2")
    base = report["baseline"]
    assert base["proposed_tier"] == "2WL" and base["effective_tier"] == "2WL" and base["record_fits_law"] is True
    assert {"swl.category_iii", "swl.interim_assessment"} <= ids(base)
    assert not ids(base) & (TIER3_MEASURES | {"trade.tpa_bar"})
    assert base["findings"] == []


def test_under_the_literal_reading_the_conflict_is_a_finding_not_a_consequence(backend):
    ctx = context(backend, special_rule_f_history="literal")
    base = whatif(ctx, "MYS", 2019, "2")["baseline"]
    assert base["effective_tier"] == "2WL" and base["record_fits_law"] is False
    assert not ids(base) & (TIER3_MEASURES | {"trade.tpa_bar"})
    (conflict,) = base["findings"]
    assert conflict["audit"] == "conflict" and conflict["cite"] == "22 U.S.C. 7107(b)(2)(F)"
    assert base["set_aside"] == ["special_rule_f.watch_list_barred"]


def test_malaysia_does_not_block_fast_track_in_july_2019(ctx):
    # On 2019-07-01 the most recent report is 2019's (released 2019-06-20): Malaysia on the Watch List.
    report = trade(ctx, ["MYS"], None, __import__("datetime").date(2019, 7, 1))
    (partner,) = report["partners"]
    assert partner["report_year"] == 2019 and partner["tier"] == "2WL"
    assert partner["bar"] is False and partner["tpa_available"] is True and report["blocking"] == []


def test_history_shows_the_recorded_determination_and_an_unrecorded_one(ctx):
    rows = {r["year"]: r for r in history(ctx, "MYS")["rows"]}
    (fy2015,) = [d for d in rows[2014]["decisions"] if d["id"] == "presidential_determination"]
    assert (fy2015["applied"], fy2015["settled_by"]) == ("d4_full_waiver", "record")
    assert "pd_fy2015" in fy2015["source"] and "FY2015" in fy2015["source"]
    consequences = {f["id"] for f in rows[2014]["findings"] if f["audit"] == "set_off"}
    assert "tier3.full_waiver" in consequences and not {"tier3.withhold_nonhumanitarian_aid"} & consequences
    china = {r["year"]: r for r in history(ctx, "CHN")["rows"]}
    (fy2018,) = [d for d in china[2017]["decisions"] if d["id"] == "presidential_determination"]
    assert fy2018.get("unrecorded") is True
    aid = next(f for f in china[2017]["findings"] if f["id"] == "tier3.withhold_nonhumanitarian_aid")
    assert aid["status"] == "depends_on_decision"


def test_an_unrecorded_outcome_names_the_years_determination_without_claiming_it_decided(capsys):
    # Eritrea, Tier 3 in 2012: determination 2012-16 of 2012-09-14 exists (22 U.S.C. 7107 note) but the record
    # holds no outcome for Eritrea in it. The report came out on 2012-06-19, so the (c) window is 45 to 90 days
    # later: 2012-08-03 to 2012-09-17.
    code, out, _ = run_cli(capsys, "history", "ERI", "--backend", "reference")
    line = " ".join(out.split("\n2012 ")[1].split("\n2013 ")[0].split())
    assert code == 0 and "presidential_determination = d1_sanctions: not recorded" in line
    assert "the year's determination was 2012-16 of 2012-09-14, inside the window 2012-08-03 to 2012-09-17" in line
    assert "made by determination 2012-16" not in line


def test_the_next_watch_list_question_is_answered_for_nearly_every_country(ctx):
    # docs/data.md: `whatif C 2026 --tier 2WL` gives a determinate effective tier for every one of the
    # 188 countries with an ISO code (42 before the 2016-2025 findings and the list coverage). The 2025
    # Watch List is complete (25 names), so a country absent from it has no Watch List streak in 2026.
    codes = sorted(c for c in ctx.record.countries if c not in ("XKX", "ANT"))
    assert len(codes) == 188
    determinate = [c for c in codes
                   if whatif(ctx, c, 2026, "2WL", what_follows=False, forward_years=0)["hypothetical"]["effective_tier"]]
    assert len(determinate) >= 180


def test_a_country_absent_from_a_complete_list_is_read_as_the_other_tiers(ctx):
    # Thailand is absent from the complete 2025 Watch List; the 2025 Tier 3 list is uncertain, so 2025 is
    # "Tier 1, 2, 3 or not ranked" - never "any tier", never a tier picked for it.
    placement = ctx.record.knowledge("THA", 2025, ctx.options)
    assert placement.tier is None and placement.possible == ("1", "2", "3", "special")
    # Canada 2024: absent from the complete Tier 3 list and the probable Watch List; taken as complete by
    # default, not when probable lists are read as partial.
    assert ctx.record.knowledge("CAN", 2024, {"probable_lists": "complete"}).possible == ("1", "2", "special")
    # ... and its basis calls the Watch List probable, not complete
    basis = ctx.record.knowledge("CAN", 2024, {"probable_lists": "complete"}).basis
    assert basis.startswith("absent from the complete 3 list(s) of 2024 and the probable 2WL list(s) of 2024, taken "
                            "as complete (")
    assert ctx.record.knowledge("CAN", 2024, {"probable_lists": "partial"}).possible == ("1", "2", "2WL", "special")


def test_a_probable_list_is_an_assumption_that_results_say(ctx):
    # The 2024 Watch List is probable (32 names from the Factbook, no stated count): a country absent from
    # it is taken as not on it, and a result that counts 2024 says it leans on that assumption.
    result = whatif(ctx, "CAN", 2025, "2WL", what_follows=False, forward_years=0)["hypothetical"]
    assert result["effective_tier"] == "2WL"
    (assumption,) = [a for a in result["assumptions"] if a["year"] == 2024]
    assert assumption["assumed"][0].startswith("probable_lists=complete: the 2024 2WL list is taken as complete")


def test_the_forward_clock_names_the_years_the_watch_list_is_forced_off(ctx):
    # Thailand: Watch List 2016-2017 then Tier 2; 2025 unknown but for the Watch List. Proposing the Watch
    # List from 2026: if 2025 was Tier 3 (a downgrade after the 2016-2017 run, from 2019 on), (F) allows
    # 2026 and bars 2027; otherwise 2026-2027 are 2 counted years, 2028 needs the one waiver, 2029 is Tier 3.
    forward = whatif(ctx, "THA", 2026, "2WL")["forward"]
    assert forward["first_forced_change"] is None
    assert forward["forced_change_possible"] == [2027, 2029] and forward["depends_on_years"] == [2025]
    streaks = {s["year"]: s["features"]["wl_streak_before"] for s in forward["steps"]}
    assert max(v if isinstance(v, int) else max(v) for v in streaks.values()) <= 3


def test_a_history_clock_never_proposes_over_a_published_report(ctx, capsys):
    # Bulgaria: Watch List 2022-2023, last recorded in 2023; absent from the 2024 Watch List (taken as complete)
    # and from the complete 2025 one, so neither year was the Watch List. Proposing its last recorded tier again
    # starts with the first report after the latest (2026), not over 2024-2025 (a clock from 2023 had it "stand
    # only with a waiver" in 2024). From 2026, as for Thailand above: if 2025 was Tier 3, (F) allows 2026 and
    # bars 2027; otherwise 2026-2027 count, 2028 needs the waiver, 2029 is Tier 3.
    forward = history(ctx, "BGR")["forward"]
    assert (forward["from_year"], forward["last_recorded"], forward["proposing"]) == (2026, 2023, "2WL")
    assert [s["year"] for s in forward["steps"]] == [2026, 2027, 2028, 2029]
    assert forward["steps"][0]["stands"] is True
    assert forward["forced_change_possible"] == [2027, 2029] and forward["depends_on_years"] == [2025]
    code, out, _ = run_cli(capsys, "history", "BGR", "--backend", "reference")
    assert code == 0
    assert "Next years: Tier 2 Watch List (last recorded in 2023) every year from 2026 is forced off in 2027 or" in out
    # a country recorded in the latest report: the clock starts at that placement, as before
    cuba = history(ctx, "CUB")["forward"]
    assert cuba["from_year"] == 2025 and "last_recorded" not in cuba


def test_every_tier_side_by_side_says_when_the_report_was_not_the_most_recent(ctx):
    from tierlaw.queries import whatif_all
    report = whatif_all(ctx, "MYS", 2014, on=__import__("datetime").date(2019, 1, 1))
    assert report["summary"][1].startswith("On 2019-01-01 the report of 2014 was not the most recent one")


def test_nothing_dated_holds_when_the_report_was_not_the_most_recent(ctx):
    report = whatif(ctx, "MYS", 2014, "3", on=__import__("datetime").date(2019, 1, 1))
    assert report["period"]["most_recent_on_date"] is False
    assert not [c for c in report["hypothetical"]["consequences"] if "holds" in c]
    assert "nothing that holds only while the report is the most recent (such as the trade bar) holds then" in \
        report["summary"][1]
    inside = whatif(ctx, "MYS", 2014, "3", on=__import__("datetime").date(2015, 7, 1))
    (bar,) = [c for c in inside["hypothetical"]["consequences"] if c["id"] == "trade.tpa_bar"]
    assert bar["holds"] == {"from": "2015-07-01", "until": "2015-07-02"}


def test_dates_from_a_statutory_deadline_are_estimated(ctx):
    # The 2026 report is not out: its period runs from the June 30 deadline (P.L. 116-283), estimated.
    report = whatif(ctx, "ZZB", 2026, "3", sets=["2025=3"])
    assert report["period"]["estimated"] is True and report["period"]["most_recent_from"] == "2026-06-30"
    (due,) = [c for c in report["hypothetical"]["consequences"] if c["id"] == "tier3.determination_due"]
    assert due["window"]["estimated"] is True and due["window"]["from"] == "2026-08-14"
    # every report 2001-2025 has a known release date now: the 2021 Tier 3 trade bar is simply absent (the
    # 2021 report came out on 2021-07-01, the day TPA-2015 lapsed), not a one-day bar from a deadline.
    past = whatif(ctx, "ZZB", 2021, "3", sets=["2020=3"])
    assert not past["period"].get("estimated") and "trade.tpa_bar" not in ids(past["hypothetical"])


def test_the_cli_shows_the_baseline_listing_and_the_trade_answer(capsys):
    code, out, err = run_cli(capsys, "whatif", "MYS", "2019", "--tier", "2", "--format", "json", "--backend", "reference")
    assert code == 0
    base = json.loads(out)["baseline"]
    assert base["effective_tier"] == "2WL" and not ids(base) & TIER3_MEASURES
    code, out, err = run_cli(capsys, "trade", "MYS", "--on", "2019-07-01", "--backend", "reference")
    assert code == 0 and "MYS Malaysia: available" in out


def test_the_audit_says_how_many_placements_it_leaves_aside_as_known_in_part(ctx):
    from tierlaw.audit import audit
    # docs/data.md: years known only as a set, by report year: 2016: 75, 2017: 62, 2018: 55, 2019: 52, 2020: 4,
    # 2021: 1, 2022: 102, 2023: 5, 2024: 101, 2025: 117 (574 in all: the United States' 2017 and 2018, sets until
    # its Tier 1 since 2010 was read from the compilation's note, are known, and so is every year after 2010 of
    # the Netherlands Antilles, not ranked since their dissolution); the audit judges recorded placements
    first = audit(ctx, [], 2025, 2025)["summary"][0]
    assert "; 117 more known only as one of several tiers" in first and "are not judged" in first
    assert "; 574 more known only as one of several tiers" in audit(ctx, [], None, None)["summary"][0]
    assert "not judged" not in audit(ctx, ["MYS"], 2001, 2015)["summary"][0]  # no list coverage before 2016
    # the probable lists are the 2020, 2023 and 2024 Watch Lists (docs/data.md: 4, 5 and 101 years known only as a
    # set in those years): the years known in part through them are said to rest on an assumption; 2025's lists
    # are complete by their stated counts
    import re
    by_assumption = re.search(r"for (\d+) of them, takes as complete by assumption", audit(ctx, [], None, None)["summary"][0])
    assert by_assumption and 0 < int(by_assumption.group(1)) <= 4 + 5 + 101
    assert "by assumption" in audit(ctx, [], 2024, 2024)["summary"][0]
    assert "by assumption" not in audit(ctx, [], 2025, 2025)["summary"][0]


def test_the_text_answer_labels_an_assumed_list_as_assumed(capsys):
    # Canada 2025 on the Watch List counts 2024, known only by the probable 2024 Watch List taken as complete
    code, out, _ = run_cli(capsys, "whatif", "CAN", "2025", "--tier", "2WL", "--backend", "reference")
    assert code == 0
    answer = " ".join(out.split("All consequences")[0].split())  # the answer, before the full list
    assert "Assumed, not known" in answer and "the 2024 2WL list is taken as complete" in answer
    code, out, _ = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--backend", "reference")
    assert code == 0 and "Assumed, not known" not in out  # its years are all known
    for fmt in ("table", "markdown"):  # every tier side by side: said once, before the matrix
        code, out, _ = run_cli(capsys, "whatif", "CAN", "2025", "--tier", "all", "--backend", "reference", "--format", fmt)
        before_matrix = " ".join(out.split("consequence")[0].split())
        assert code == 0 and before_matrix.count("Assumed, not known") == 1
        assert "the 2024 2WL list is taken as complete" in before_matrix
    code, out, _ = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "all", "--backend", "reference")
    assert code == 0 and "Assumed, not known" not in out


def test_history_and_audit_rows_say_which_years_they_read_by_an_assumption(ctx, capsys):
    from tierlaw.audit import audit
    # docs/data.md: the probable lists (taken as complete by default) are the 2020, 2023 and 2024 Watch Lists.
    # Canada: absent from them, so 2024 is {1, 2, special} by assumption; its recorded 2025 row counts 2024
    # (prev_tier). Malaysia's years to 2015 predate every list: nothing it counts is assumed.
    rows = audit(ctx, [], None, None)["rows"]
    leaning = {(r["country"], r["year"]): {a["year"] for a in r["assumptions"]} for r in rows if r.get("assumptions")}
    assert 2024 in leaning[("CAN", 2025)] and ("MYS", 2015) not in leaning
    assert set().union(*leaning.values()) <= {2020, 2023, 2024}
    assert all(year > 2020 for _, year in leaning)  # a row counts only the years before it
    only = audit(ctx, [], None, None, only="assumed")["rows"]
    assert {(r["country"], r["year"]) for r in only} == set(leaning)
    # read as partial, no list is complete by assumption: no row leans on one
    partial = ctx.with_options({"probable_lists": "partial"})
    assert audit(partial, [], None, None, only="assumed")["rows"] == []

    code, out, _ = run_cli(capsys, "history", "CAN", "--backend", "reference")
    assert code == 0
    text = " ".join(out.split())
    said = "assumed, not known: probable_lists=complete: the 2024 2WL list is taken as complete"
    assert "2024 Tier 1, Tier 2 or Special case: known only as one of" in text
    assert text.count(said) == 2  # the 2024 row itself and the 2025 row that counts it
    assert "Assumed, not known: what 2024 was" in text and "the judgment of 2025 counts 2024" in text
    code, out, _ = run_cli(capsys, "history", "CAN", "--backend", "reference", "--option", "probable_lists=partial")
    assert code == 0 and "assumed, not known" not in out.lower()


def test_a_scenario_labels_an_assumed_list_as_assumed(capsys, tmp_path):
    scenario = tmp_path / "canada.yaml"
    scenario.write_text('name: Canada on the Watch List in 2025\nplacements:\n  CAN:\n    2025: "2WL"\n')
    for fmt in ("table", "markdown"):
        code, out, _ = run_cli(capsys, "run", str(scenario), "--backend", "reference", "--format", fmt)
        assert code == 0
        assert "Assumed, not known" in out and "the 2024 2WL list is taken as complete" in " ".join(out.split())
    shipped = default_scenarios_dir() / "malaysia-2015-tpp.yaml"
    code, out, _ = run_cli(capsys, "run", str(shipped), "--backend", "reference")
    assert code == 0 and "Assumed, not known" not in out


def test_what_holds_only_in_some_readings_says_so_in_every_format(ctx, capsys):
    # Thailand 2025 is known only as one of Tier 1, 2, 3 or not ranked (absent from the complete 2025 Watch
    # List): whether a 2026 Tier 1 was a move up to Tier 1 ((A)(i): from the Watch List or Tier 2) depends on it.
    code, out, _ = run_cli(capsys, "whatif", "THA", "2026", "--tier", "all", "--backend", "reference")
    tier_1 = next(line for line in " ".join(out.split()).split(" - Tier ") if line.startswith("1:"))
    assert code == 0 and "Special watch list sent to Congress - only in some readings of 2025" in tier_1
    # the Markdown table of every consequence keeps the qualifier and each enacting law's grade
    code, out, _ = run_cli(capsys, "whatif", "THA", "2026", "--tier", "2WL", "--backend", "reference", "--format",
                           "markdown")
    row = next(line for line in out.splitlines() if line.startswith("| The President must justify the move"))
    assert code == 0 and "only in some readings of 2025" in row and "[STATUTE]" in row
    code, out, _ = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--backend", "reference", "--format",
                           "markdown")
    row = next(line for line in out.splitlines() if line.startswith("| Not a Millennium Challenge Corporation"))
    assert "[UNCONFIRMED]" in row  # the MCC versions after 2004 are graded UNCONFIRMED in the rulebook


def test_the_forward_clock_marks_dates_counted_from_a_statutory_deadline(capsys):
    # The 2026 report is not out: the special watch list is due 90 days after the June 30 deadline (P.L. 116-283),
    # 2026-09-28, an estimate; the interim assessment is due on a fixed date, 2027-02-01.
    code, out, _ = run_cli(capsys, "whatif", "THA", "2026", "--tier", "2WL", "--backend", "reference")
    clock = " ".join(out.split("Forward clock")[1].split())
    assert code == 0 and "Special watch list sent to Congress (2026-09-28, est.)" in clock
    assert "Interim assessment of its progress to Congress (2027-02-01)" in clock


def test_a_whatif_on_a_year_known_in_part_compares_with_what_is_known(ctx, capsys):
    # Canada 2017: absent from the complete 2017 Tier 3 list, so one of Tier 1, 2, Watch List or not ranked
    report = whatif(ctx, "CAN", 2017, "3", what_follows=False, forward_years=0)
    assert report["baseline"] is None and report["recorded_in_part"]["tiers"] == ["1", "2", "2WL", "special"]
    assert "absent from the complete 3 list" in report["recorded_in_part"]["basis"]
    assert report["summary"][0].startswith("Canada (CAN), 2017 report: Tier 3 where the record knows only that it "
                                           "was one of Tier 1, Tier 2, Tier 2 Watch List or Special case, so not")
    assert "so not" not in whatif(ctx, "CAN", 2017, "2", what_follows=False, forward_years=0)["summary"][0]
    assert "recorded_in_part" not in whatif(ctx, "MYS", 2015, "3", what_follows=False, forward_years=0)
    # Canada 2024 is known in part only by the probable 2024 Watch List taken as complete: the text says so
    code, out, _ = run_cli(capsys, "whatif", "CAN", "2024", "--tier", "3", "--backend", "reference")
    assert code == 0 and "Assumed, not known" in out and "2024 2WL list is taken as complete" in " ".join(out.split())


def test_the_years_a_question_sets_are_shown_against_the_record(ctx):
    # Malaysia was Tier 3 in 2014 (recorded); Thailand 2025 was not on the complete 2025 Watch List
    report = whatif(ctx, "MYS", 2015, "3", sets=["2014=2"], what_follows=False, forward_years=0)
    assert report["sets"] == [{"year": 2014, "tier": "2", "recorded": "3"}]
    assert "Earlier years as you set them: 2014 Tier 2 (the record: Tier 3)" in report["summary"]
    thailand = whatif(ctx, "THA", 2026, "2WL", sets=["2025=2WL"], what_follows=False, forward_years=0)
    (line,) = [s for s in thailand["summary"] if s.startswith("Earlier years")]
    assert line.endswith("(the record: one of Tier 1, Tier 2, Tier 3 or Special case, so not this)")
    assert "sets" not in whatif(ctx, "MYS", 2015, "3", what_follows=False, forward_years=0)


def test_an_unavailable_decision_names_the_condition_that_fails(ctx):
    # A (d) determination is opened only for an effective Tier 3 (22 U.S.C. 7107(c)): Malaysia 2016 on Tier 2 has
    # no unknown years, so the reason is the tier, not "unknown years"
    report = whatif(ctx, "MYS", 2016, "2", decide=["presidential_determination=d4_full_waiver"], what_follows=False,
                    forward_years=0)
    (unavailable,) = report["hypothetical"]["unavailable_decisions"]
    reasons = " ".join(r["reason"] for r in unavailable["why"])
    assert "effective_tier is 2; it must be 3" in reasons and "unknown years" not in reasons


def test_a_timeline_names_the_recorded_decision_a_year_rested_on(ctx, capsys):
    # Cuba 2005: Tier 3, determination without waiver (d1_sanctions, data/presidential_determinations.csv)
    code, out, _ = run_cli(capsys, "history", "CUB", "--format", "html", "--backend", "reference")
    import re
    (title,) = re.findall(r"<title>(2005: Tier 3[^<]*)</title>", out)
    assert code == 0 and "rests on presidential_determination=d1_sanctions" in title and "waiver" not in title


def test_a_scenario_alternative_reads_as_headlines_not_ids(capsys):
    code, out, _ = run_cli(capsys, "run", str(default_scenarios_dir() / "2015-disputes.yaml"), "--backend", "reference")
    text = " ".join(out.split())
    (line,) = [part for part in text.split(" - alternative ")[1:] if part.startswith("Tier 2 Watch List ->")]
    assert code == 0 and "adds: " in line and "The President must justify the move from Tier 3" in line
    assert "trade.special_rule_report" not in text


def test_a_proposal_the_law_refuses_at_once_says_so(ctx):
    # Watch List 2009-2012 (2 counted years and the 2 waiver years of the 2008 law): 2013 on the Watch List is
    # Tier 3 by (D)(i), so the forward clock's first year already forces the change
    report = whatif(ctx, "ZZA", 2013, "2WL", sets=["2009-2012=2WL"])
    assert report["forward"]["first_forced_change"] == 2013
    assert "Next years: Tier 2 Watch List from 2013 is forced off at once, in 2013" in report["summary"]


def test_assumed_readings_of_the_question_years_are_labelled(ctx, capsys):
    # Canada 2024 is one of Tier 1, 2 or not ranked only if the probable 2024 Watch List is complete
    code, out, _ = run_cli(capsys, "whatif", "CAN", "2024", "--tier", "all", "--backend", "reference")
    text = " ".join(out.split())
    assert code == 0 and "(known only by an assumption as one of Tier 1, Tier 2 or Special case)" in text
    assert "Assumed, not known" in text and "the 2024 2WL list is taken as complete" in text
    report = whatif(ctx, "CAN", 2025, "2WL", sets=["2024=2WL"], what_follows=False, forward_years=0)
    assert report["sets"][0]["assumed"][0].startswith("probable_lists=complete: the 2024 2WL list")
    assert "2024 Tier 2 Watch List (the record, by an assumption: one of Tier 1, Tier 2 or Special case, so not " \
           "this)" in report["summary"][1]
    partial = whatif(ctx.with_options({"probable_lists": "partial"}), "CAN", 2025, "2WL", sets=["2024=2WL"],
                     what_follows=False, forward_years=0)
    assert "assumed" not in partial["sets"][0] and partial["sets"][0]["recorded"] == ["1", "2", "2WL", "special"]


def test_a_scenario_on_a_year_known_in_part_compares_with_that_set(capsys, tmp_path):
    scenario = tmp_path / "canada.yaml"
    scenario.write_text('name: Canada on Tier 3 in 2017\nplacements:\n  CAN:\n    2017: "3"\n')
    code, out, _ = run_cli(capsys, "run", str(scenario), "--backend", "reference", "--format", "json")
    (item,) = json.loads(out)["results"]
    assert code == 0 and item["baseline"] is None and item["recorded_in_part"]["tiers"] == ["1", "2", "2WL", "special"]
    code, out, _ = run_cli(capsys, "run", str(scenario), "--backend", "reference")
    assert "Tier 3 where the record knows only that it was one of Tier 1, Tier 2, Tier 2 Watch List or Special " \
           "case, so not Tier 3" in " ".join(out.split())


def test_scenario_alternatives_and_decision_options_say_what_holds_in_some_readings_and_which_version(ctx, capsys,
                                                                                                       tmp_path):
    from tierlaw import render
    # Thailand 2026 on Tier 3, the Watch List as the alternative: the (C) report on a move from Tier 3 depends on
    # whether 2025 was Tier 3 (2025 is known only as one of Tier 1, 2, 3 or not ranked)
    scenario = tmp_path / "thailand.yaml"
    scenario.write_text('name: Thailand 2026\nplacements:\n  THA:\n    2026: {tier: "3", alternatives: ["2WL"]}\n')
    code, out, _ = run_cli(capsys, "run", str(scenario), "--backend", "reference", "--format", "json")
    (item,) = json.loads(out)["results"]
    assert code == 0 and "The President must justify the move from Tier 3 to the Watch List - only in some " \
                         "readings of 2025" in item["alternatives"]["2WL"]["adds"]
    # the option `none` of prior_fy_assistance: from the 2009 report (d)(1)(A)(ii) withholds the aid and the
    # exchange funding; before P.L. 110-457 §107(b), the exchange funding alone
    render.use_rulebook(ctx.rulebook, ctx.all_options)
    for year, words in ((2015, "No nonhumanitarian US aid and no exchange-program funding for officials"),
                        (2005, "No exchange-program funding for officials")):
        result = whatif(ctx, "ZZA", year, "3", sets=[f"{year - 1}=3"], forward_years=0)["hypothetical"]
        (decision,) = [d for d in result["decisions"] if d["id"] == "prior_fy_assistance"]
        assert render.option_changes(decision, "none").startswith(f"adds: {words} - drops:")


def test_scenario_alternatives_and_notes_show_in_every_format(capsys):
    # the 2015 disputes scenario keeps Thailand on Tier 3 with the diplomats' Watch List as the alternative
    shipped = str(default_scenarios_dir() / "2015-disputes.yaml")
    for fmt in ("table", "markdown", "html"):
        code, out, _ = run_cli(capsys, "run", shipped, "--backend", "reference", "--format", fmt)
        text = " ".join(out.split())
        arrow = "-&gt;" if fmt == "html" else "->"
        assert code == 0 and f"alternative Tier 2 Watch List {arrow} Tier 2 Watch List" in text, fmt
        assert "final rating: Tier 3; the diplomats sought the Watch List" in text, fmt


def test_a_consequence_hangs_only_on_a_decision_one_of_whose_options_drops_it(ctx, capsys):
    # Malaysia 2015 on Tier 3: (f) lets the President waive at any time after a (d)(1) determination, whichever
    # clause of (d)(1)(A) applies, so that duty does not hang on prior_fy_assistance; the (A)(i) withholding does.
    # The amended fast-track bar hangs on the (B) letter. MCC candidacy needs income eligibility too (7705(a)).
    code, out, _ = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--backend", "reference")
    text = " ".join(out.split())
    waiver = text.split("The President may waive the measures in whole or in part at any time:")[1].split(" - ")[0]
    assert code == 0 and "if it received such aid the year before" not in waiver.split("(22 U.S.C.")[0]
    aid = text.split("No nonhumanitarian, nontrade-related US aid to the government:")[1].split("(22 U.S.C.")[0]
    assert "if it received such aid the year before" in aid
    assert "then to 2016-06-30 unless the President sends the (B) letter" in text
    assert "Not a Millennium Challenge Corporation candidate (if otherwise income-eligible)" in text


def test_the_united_states_is_tier_1_from_its_first_ranking(ctx):
    # the compilation notes that the United States, Tier 1 since the report first ranked it in 2010, is missing
    # from Kelley's data; with those years the record reads 2011-2016 as known, so nothing of the special watch
    # list hangs on unknown years after 2010; and 2001-2009, before the report first ranked it, are known too:
    # not ranked (countries.yaml first_rated), so 2010 hangs on nothing either
    history_ = history(ctx, "USA")
    rows = {row["year"]: row for row in history_["rows"]}
    assert all(rows[y]["tier"] == "1" and "usa_tier1_since_2010" in rows[y]["sources"] for y in range(2010, 2016))
    assert all(rows[y]["origin"] == "not_ranked" and "first time" in rows[y]["basis"] for y in range(2001, 2010))
    indeterminate = [y for y, row in rows.items() if y >= 2010 and row["tier"] not in (None, "not_ranked")
                     and any(f.get("status") == "indeterminate" for f in row["findings"])]
    assert indeterminate == []  # 2016's special watch list hung on 2009-2015 before (moved up to Tier 1, or not)
    assert [f["id"] for f in rows[2016]["findings"]] == ["tier.list_1a"]
