"""Answer first: every result opens with the answer in plain words, fits the terminal, and says the
rest on request (--explain)."""

import json
import re
from pathlib import Path

import pytest

from test_bad_input import run_cli

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def columns_80(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")


def test_the_malaysia_2015_what_if_answers_in_the_first_ten_lines_of_80_columns(capsys, columns_80):
    code, out, err = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--backend", "reference")
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    first = words(" ".join(lines[:10]))
    # the fast-track bar from the 2015 report's release to TFTEA, then to the 2016 report unless the letter
    assert "No fast-track for trade agreements with this country: 2015-07-27 to 2016-02-24; then to " \
           "2016-06-30 unless the President sends the (B) letter" in first
    assert "No nonhumanitarian, nontrade-related US aid to the government: for FY2016" in first


@pytest.mark.parametrize("argv", [["history", "BGR"], ["whatif", "THA", "2026", "--tier", "2WL"],
                                  ["whatif", "GMB", "2021", "--tier", "2WL"], ["whatif", "MYS", "2027", "--tier", "all"]])
def test_text_fits_80_columns(capsys, columns_80, argv):
    # found by a new-user trial: the forward clock's heading of `history BGR` ran to 91 columns
    code, out, _ = run_cli(capsys, *argv, "--backend", "reference")
    assert code == 0
    assert [line for line in out.splitlines() if len(line) > 80] == []


def test_wrapping_never_breaks_a_word(capsys, columns_80):
    code, out, _ = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--backend", "reference")
    code, document, _ = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--format", "json",
                                "--backend", "reference")
    text = words(out)
    for line in json.loads(document)["summary"]:
        heading, _, item = line.partition(": ") if line.split(":")[0] in ("Trade", "Aid and sanctions",
                                                                          "Reports and deadlines",
                                                                          "Watch List mechanics", "Next years") \
            else ("", "", line)
        assert words(item) in text, item  # the line's words in order, only whitespace between them changed


def test_the_json_summary_lists_removed_consequences_as_such(capsys):
    code, out, _ = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--format", "json", "--backend", "reference")
    summary = json.loads(out)["summary"]
    assert summary[0] == "Malaysia (MYS), 2015 report: Tier 3 instead of the recorded Tier 2 Watch List"
    # the recorded Watch List listing put Malaysia on the special watch list; Tier 3 takes it off
    assert "Watch List mechanics: removed: On the special watch list (moved up from Tier 3) " \
           "(22 U.S.C. 7107(b)(2)(A)(ii))" in summary
    # ids stay in the JSON documents and the detail view, not in the headline
    assert not [line for line in summary if re.search(r"\b[a-z_]+\.[a-z_.]+\b", line.split("(")[0])]


def test_explain_adds_the_derivations_that_the_default_view_leaves_out(capsys):
    code, plain, _ = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--backend", "reference")
    code, explained, _ = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--explain", "--backend", "reference")
    assert "because:" not in plain and "because:" in explained
    assert "What the law counted: " in explained and "wl_streak_before" not in plain.split("Forward clock")[0]


def test_one_consequence_one_row_with_its_versions_merged(capsys):
    code, out, _ = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--backend", "reference")
    details = out.split("All consequences")[1]
    assert details.count("No fast-track for trade agreements with this country") == 1
    assert "P.L. 114-26 §106(b)(6) [STATUTE]; P.L. 114-125 §914(e)(2) [STATUTE]" in words(details)


def test_the_scenario_answers_come_before_any_detail(capsys):
    code, out, _ = run_cli(capsys, "run", str(SCENARIOS / "2015-disputes.yaml"), "--backend", "reference")
    head = out.split("Every consequence:")[0]
    code, document, _ = run_cli(capsys, "run", str(SCENARIOS / "2015-disputes.yaml"), "--format", "json",
                                "--backend", "reference")
    report = json.loads(document)
    assert report["summary"][0].startswith("On 2015-10-05, fast-track for the TPP implementing bill is NOT available")
    assert len(report["summary"]) == len(report["trade"]) + len(report["results"])
    for line in report["summary"]:
        assert words(line) in words(head)


def test_trade_rows_agree_with_the_headline_before_tpa_existed(capsys):
    code, out, _ = run_cli(capsys, "trade", "--agreement", "TPP", "--on", "2015-06-01", "--format", "json",
                           "--backend", "reference")
    report = json.loads(out)
    assert report["tpa_available"] is False and report["authority"]["in_force"] is False
    assert {p["tpa_available"] for p in report["partners"]} == {False}
    assert all(p["status"].startswith("no trade promotion authority on that date") for p in report["partners"])
    # Malaysia was Tier 3 in the 2014 report, the most recent on 2015-06-01, but TPA-2015 (and its bar) came
    # only on 2015-06-29: no bar of its own, and no fast-track for anyone either
    (malaysia,) = [p for p in report["partners"] if p["country"] == "MYS"]
    assert malaysia["tier"] == "3" and malaysia["bar"] is False and report["blocking"] == []


def test_trade_mentions_the_us_withdrawal_from_the_tpp(capsys):
    code, out, _ = run_cli(capsys, "trade", "--agreement", "TPP", "--on", "2017-06-01", "--backend", "reference")
    assert code == 0
    assert "TPP: the United States withdrew from the agreement on 2017-01-23" in words(out)
    # after the withdrawal no TPP implementing bill can come: the headline itself says the answer is moot
    assert words(out.split("\nTPP:")[0]) == ("On 2017-06-01, the question is moot: the United States withdrew from the "
                                            "agreement on 2017-01-23; fast-track for the TPP implementing bill would "
                                            "otherwise be available")
    code, out, _ = run_cli(capsys, "trade", "--agreement", "TPP", "--on", "2015-10-05", "--backend", "reference")
    assert "withdrew" not in out and "moot" not in out and "TPP: negotiations concluded on 2015-10-05" in words(out)


def test_a_partner_known_only_as_a_set_is_said_so(capsys):
    # Australia is absent from the 2016 report's Tier 3 list, which the record knows complete, and has no row of
    # its own for 2016: its tier is one of the others, none of which bars fast-track (19 U.S.C. 4205(b)(6)(A))
    code, out, _ = run_cli(capsys, "trade", "AUS", "--on", "2017-06-01", "--backend", "reference")
    assert code == 0
    assert ("AUS Australia: available - known only as one of Tier 1, Tier 2, Tier 2 Watch List or Special case "
            "in the 2016 report") in words(out)
    assert "no placement" not in out


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_trade_has_every_format_and_writes_files(capsys, tmp_path, fmt):
    target = tmp_path / f"tpp.{fmt}"
    code, out, err = run_cli(capsys, "trade", "--agreement", "TPP", "--on", "2015-10-05", "--set", "MYS:2015=3",
                             "--format", fmt, "-o", str(target), "--backend", "reference")
    assert code == 0 and out == ""
    text = target.read_text()
    assert "fast-track for the TPP implementing bill is NOT available" in text and "MYS" in text


def test_trade_takes_placements_and_decisions_per_partner(capsys):
    base = ["trade", "MYS", "VNM", "--on", "2016-03-01", "--set", "MYS:2015=3", "--format", "json", "--backend",
            "reference"]
    code, out, _ = run_cli(capsys, *base)
    assert json.loads(out)["open"] == ["MYS"]  # Tier 3 in the 2015 report; the (B) letter is open
    code, out, _ = run_cli(capsys, *base, "--decide", "MYS:trade_letter=submitted")
    assert json.loads(out)["tpa_available"] is True
    code, out, err = run_cli(capsys, "trade", "MYS", "--on", "2016-03-01", "--set", "MYS2015=3")
    assert code == 2 and "COUNTRY:YEAR=TIER" in err


def test_audit_only_conflicts_lists_only_conflicts_with_the_same_summary(capsys):
    code, out, _ = run_cli(capsys, "audit", "--only", "conflicts", "--format", "json", "--backend", "reference")
    report = json.loads(out)
    assert [(r["country"], r["year"]) for r in report["rows"]] == [("DZA", 2025), ("GMB", 2021)]
    assert all(r["record_fits_law"] is False for r in report["rows"])
    code, table, _ = run_cli(capsys, "audit", "--only", "conflicts", "--backend", "reference")
    assert words(report["summary"][0]) in words(table)
    code, out, err = run_cli(capsys, "audit", "--only", "everything")
    assert code == 2 and "unknown filter 'everything'" in err


def test_the_whole_record_audit_json_stays_compact(capsys):
    code, out, _ = run_cli(capsys, "audit", "--format", "json", "--backend", "reference")
    assert code == 0 and len(out.encode()) < 5_000_000
    report = json.loads(out)
    assert '"because"' not in out and len(report["rows"]) == 3654
    row = next(r for r in report["rows"] if r["country"] == "MYS" and r["year"] == 2014)
    assert {"tier3.full_waiver", "tier3.determination_due"} <= {s["id"] for s in row["set_off"]}


def test_an_open_trade_answer_says_what_it_hangs_on(capsys):
    # Thailand: Tier 3 in the 2015 report. From 2016-02-24 (P.L. 114-125 §914(e)) the bar of 19 U.S.C.
    # 4205(b)(6)(A) lifts if the President sends the (B) letter; the record holds none, so it is open.
    code, out, _ = run_cli(capsys, "trade", "THA", "VNM", "--on", "2016-03-01", "--backend", "reference")
    assert code == 0
    assert words(out).startswith("On 2016-03-01, fast-track for an implementing bill is undecided; open for THA: "
                                 "barred on that date unless the President sends the (B) letter (none recorded)")


def test_the_forward_clock_speaks_in_words_and_counts_only_with_explain(capsys):
    code, out, _ = run_cli(capsys, "whatif", "THA", "2026", "--tier", "2WL", "--backend", "reference")
    clock = words(out.split("Forward clock:")[1].split("receipt:")[0])
    # the duties by their titles (22 U.S.C. 7107(b)(2)(A)/(B): the special watch list and the interim assessment)
    assert "duties: Interim assessment of its progress to Congress (2027-02-01)" in clock
    assert "swl.interim_assessment" not in clock and "wl_streak_before" not in clock
    # 2028 is the Watch List in both readings of 2025; one of them needs the waiver: never " or Tier 2 Watch List"
    assert "2028: Tier 2 Watch List in every reading of 2025 (with autodowngrade_waiver=granted where a reading" in clock
    code, out, _ = run_cli(capsys, "whatif", "THA", "2026", "--tier", "2WL", "--explain", "--backend", "reference")
    assert "wl_streak_before=" in out.split("Forward clock:")[1]


def test_a_question_on_one_date_says_on_that_date(capsys):
    # --on 2016-02-04: the 2015 report (Malaysia on Tier 3 in this what-if) is the most recent; TPA-2015 is in force
    # and the (B) letter route opens only on 2016-02-24, so the bar holds on that date - not "2016-02-04 to 2016-02-05"
    code, out, _ = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--on", "2016-02-04", "--backend", "reference")
    assert code == 0 and "No fast-track for trade agreements with this country: on 2016-02-04 (19 U.S.C." in words(out)
    assert "2016-02-05" not in out


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_a_reading_chosen_against_its_default_is_named_in_the_text(capsys, fmt):
    argv = ["whatif", "VNM", "2026", "--tier", "2WL", "--format", fmt, "--backend", "reference"]
    code, out, _ = run_cli(capsys, *argv, "--option", "special_rule_f_reach=next_stint_only")
    assert code == 0 and "Read with special_rule_f_reach=next_stint_only (every other open reading at its default" in words(out)
    code, out, _ = run_cli(capsys, *argv)
    assert "Read with" not in out  # the defaults are the documented readings (docs/rules.md)


def test_trade_marks_what_the_user_supposed_and_refuses_what_it_cannot_use(capsys):
    code, out, _ = run_cli(capsys, "trade", "MYS", "VNM", "--on", "2016-03-01", "--set", "MYS:2015=3", "--decide",
                           "MYS:trade_letter=submitted", "--backend", "reference")
    # Tier 3 as supposed; from 2016-02-24 the (B) letter lifts the bar of 19 U.S.C. 4205(b)(6)(A)
    assert code == 0 and "MYS Malaysia: available - Tier 3 (as you set it) in the 2015 report" in words(out)
    assert "no bar (Presidential letter on concrete actions taken on the report's principal recommendations: " \
           "submitted, as you decided)" in words(out)
    code, out, err = run_cli(capsys, "trade", "MYS", "--on", "2016-03-01", "--set", "VNM:2015=3")
    assert code == 2 and out == "" and err == ("tierlaw: error: --set: VNM is not a partner in this question "
                                               "(partners: MYS)\n")


def test_the_audits_rows_say_which_recorded_decision_they_rest_on(capsys):
    # Malaysia: Watch List 2010-2013; under the 2008 law (D)(i) requires Tier 3 in a third consecutive Watch List
    # year unless waived, so the published 2012 Watch List rests on a waiver inferred from that placement
    code, out, _ = run_cli(capsys, "audit", "MYS", "--only", "waivers", "--backend", "reference")
    assert code == 0
    assert "MYS 2012 Tier 2 Watch List [SECONDARY: kelley_cho]: allowed as published; rests on autodowngrade_waiver=granted" \
        in words(out)


def test_the_headline_says_when_the_tier_the_law_gives_rests_on_a_default(capsys):
    # (D)(i): a third consecutive Watch List year is Tier 3 unless the President waives it under (D)(ii)
    code, out, _ = run_cli(capsys, "whatif", "ZZB", "2013", "--tier", "2WL", "--set", "2009-2010=2", "--set",
                           "2011-2012=2WL", "--backend", "reference")
    assert words(out).startswith("ZZB (hypothetical), 2013 report: Tier 2 Watch List with no placement recorded; "
                                 "the law gives Tier 3 unless the President waives the downgrade")
    # Malaysia 2014: Watch List 2010-2013, the two waiver years of the 2008 law used in 2012 and 2013: no "unless"
    code, out, _ = run_cli(capsys, "whatif", "MYS", "2014", "--tier", "2WL", "--backend", "reference")
    first = words(out).split(" Aid and sanctions")[0]
    assert first.endswith("the law gives Tier 3") and "unless" not in first


def test_every_tier_side_by_side_says_what_each_tier_changes(capsys):
    code, out, _ = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "all", "--format", "json", "--backend", "reference")
    lines = json.loads(out)["summary"]
    assert lines[0] == "Malaysia (MYS), 2015 report, every tier side by side (recorded: Tier 2 Watch List)"
    by_tier = {line.partition(":")[0]: line for line in lines[1:]}
    assert by_tier["Tier 2 Watch List"] == "Tier 2 Watch List: as recorded"
    # Tier 3 in 2015: the fast-track bar (19 U.S.C. 4205(b)(6)(A)) and the (d)(1) measures come; the Watch List's
    # special watch list entries and the (C) justification of a move up from Tier 3 go
    assert "adds: No fast-track for trade agreements with this country; No nonhumanitarian" in by_tier["Tier 3"]
    assert "removes: The President must justify the move from Tier 3 to the Watch List" in by_tier["Tier 3"]
    # Tier 2 after Tier 3 in 2014 stays on the special watch list as moved up from Tier 3 ((A)(ii))
    assert "On the special watch list (moved up from Tier 3)" not in by_tier["Tier 2"]


# found by a new-user trial: choices that replace the record or the default reading were said late or not at all,
# and some lines repeated themselves or carried no information


def test_a_decision_that_replaces_the_recorded_one_is_said_under_the_question(capsys):
    # Malaysia 2014: determination 2014-16 fully waived the (d)(1) measures (data/presidential_determinations.csv)
    code, out, _ = run_cli(capsys, "whatif", "MYS", "2014", "--tier", "3", "--decide",
                           "presidential_determination=d1_sanctions", "--format", "json", "--backend", "reference")
    summary = json.loads(out)["summary"]
    assert summary[1] == ("Your decisions replace the record's: presidential_determination=d1_sanctions "
                          "(recorded: d4_full_waiver)")


def test_a_reading_chosen_against_the_default_is_said_under_the_question(capsys):
    code, out, _ = run_cli(capsys, "whatif", "CUB", "2019", "--tier", "2WL", "--option",
                           "waiver_transition=fresh_start_2019", "--format", "json", "--backend", "reference")
    report = json.loads(out)
    assert report["options_chosen"] == {"waiver_transition": "fresh_start_2019"}
    assert "Read as you chose: waiver_transition=fresh_start_2019" in report["summary"][:3]


def test_a_date_outside_the_period_is_said_once(capsys, columns_80):
    code, out, _ = run_cli(capsys, "whatif", "MYS", "2019", "--tier", "2WL", "--on", "2019-01-01",
                           "--backend", "reference")
    assert words(out).count("was not the most recent one") == 1


def test_a_range_of_set_years_reads_as_one_range(capsys):
    # Malaysia's record over 2001-2015 differs from Tier 2 in 2001 (Tier 3), 2006 (Watch List) ... 2015 (Watch List)
    code, out, _ = run_cli(capsys, "whatif", "MYS", "2016", "--tier", "2WL", "--set", "2001-2015=2",
                           "--format", "json", "--backend", "reference")
    line = next(l for l in json.loads(out)["summary"] if l.startswith("Earlier years as you set them"))
    assert line.startswith("Earlier years as you set them: 2001-2015 Tier 2 (the record: 2001 Tier 3; "
                           "2006 Tier 2 Watch List; 2007 Tier 3;")
    assert line.endswith("2014 Tier 3; 2015 Tier 2 Watch List; as recorded in 2002, 2003, 2004, 2005)")


def test_a_range_of_set_years_keeps_gaps_and_assumptions_to_their_own_years(capsys):
    # The Gambia's record starts in 2003 (Tier 2 in 2003 and 2004: data/tip_tiers.csv); 2001 and 2002 are gaps, not
    # "as recorded" (a review found the range said so)
    code, out, _ = run_cli(capsys, "whatif", "GMB", "2005", "--tier", "2WL", "--set", "2001-2004=2",
                           "--format", "json", "--backend", "reference")
    line = next(l for l in json.loads(out)["summary"] if l.startswith("Earlier years as you set them"))
    assert line == "Earlier years as you set them: 2001-2004 Tier 2 (nothing recorded for 2001, 2002; as recorded in 2003, 2004)"
    # only the years that rest on an assumption say so, each with what the record knows of it
    code, out, _ = run_cli(capsys, "whatif", "GMB", "2026", "--tier", "2", "--set", "2023-2025=2",
                           "--format", "json", "--backend", "reference")
    report = json.loads(out)
    assumed = [e["year"] for e in report["sets"] if e.get("assumed")]
    line = next(l for l in report["summary"] if l.startswith("Earlier years as you set them"))
    for entry in report["sets"]:
        if entry.get("assumed"):
            assert f"the record, by an assumption: {entry['year']} one of" in line
        elif isinstance(entry["recorded"], list):
            assert f"the record: {entry['year']} one of" in line
    assert assumed and len(assumed) < len(report["sets"])


def test_options_that_all_give_one_tier_are_listed_once(capsys, columns_80):
    # a Tier 3 proposal is Tier 3 whatever the President determines: the tier turns on none of the options
    code, out, _ = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--backend", "reference")
    assert ("options: d1_sanctions, d4_partial_waiver, d4_full_waiver, d2_existing_restrictions, "
            "d3_subsequent_compliance, outside_110d (each -> Tier 3)") in words(out)


def test_a_countrys_decisions_are_named_once_each_with_their_years(capsys):
    # Malaysia: full (d)(4) waivers for the Tier 3 years 2007, 2009, 2014, 2021 and 2022
    # (data/presidential_determinations.csv), and the automatic-downgrade waiver its Watch List years 2012, 2013
    # and 2020 imply (each a Watch List year past the two consecutive ones the law allows: 2012-2013 after
    # 2010-2011, 2020 after 2018-2019; such a year stands only by a waiver)
    code, out, _ = run_cli(capsys, "history", "MYS", "--format", "json", "--backend", "reference")
    line = next(l for l in json.loads(out)["summary"] if l.startswith("Resting on"))
    assert line == ("Resting on a recorded or inferred decision: presidential_determination=d4_full_waiver in 2007, "
                    "2009, 2014, 2021, 2022; autodowngrade_waiver=granted in 2012, 2013, 2020")


def test_a_report_the_record_does_not_hold_yet_is_said_so(capsys, columns_80):
    # found by a new-user trial: on 2026-11-30 the 2026 pages showed passed deadlines with no word that the record
    # holds no 2026 report; the record's latest report is 2025 (data/tip_tiers*.csv)
    code, out, _ = run_cli(capsys, "whatif", "MYS", "2026", "--tier", "2", "--format", "json", "--backend", "reference")
    report = json.loads(out)
    assert report["receipt"]["record_through"] == 2025 and report["period"]["record_through"] == 2025
    code, out, _ = run_cli(capsys, "whatif", "MYS", "2026", "--tier", "2", "--backend", "reference")
    assert "The record holds the reports to 2025 only: nothing of the 2026 report is known here" in words(out)
    assert words(out).endswith("(reports to 2025)")
    code, out, _ = run_cli(capsys, "whatif", "THA", "2026", "--tier", "all", "--format", "json",
                           "--backend", "reference")
    assert "The record holds the reports to 2025 only: nothing of the 2026 report is known here" in \
        json.loads(out)["summary"]  # the every-tier view says it too (a review found it did not)
    code, out, _ = run_cli(capsys, "whatif", "MYS", "2025", "--tier", "2", "--format", "json", "--backend", "reference")
    assert "record_through" not in json.loads(out)["period"]


def test_a_consequence_kept_by_another_reading_is_said_in_plain_words(capsys):
    # found by a new-user trial: "holds otherwise (another rule, or other readings): ..." read as jargon
    code, out, _ = run_cli(capsys, "whatif", "THA", "2026", "--tier", "2WL", "--format", "json", "--backend", "reference")
    line = next(line for line in json.loads(out)["summary"] if "under literal" in line)
    assert line.endswith("under literal: kept, but by another rule or in other readings of the unknown years: The "
                         "one Watch List year (F) allows; the next would be barred")


def test_every_tier_side_by_side_marks_what_rests_on_an_assumed_default(ctx):
    # found by a new-user trial: the every-tier table marked Tier 3's aid ban with a plain x, though it holds only
    # while no waiver or (d)(2)/(d)(3) determination is made (22 U.S.C. 7107(d)(1), (d)(4)): the default d1_sanctions
    from tierlaw import render
    from tierlaw.queries import whatif_all
    render.use_rulebook(ctx.rulebook, ctx.all_options)
    tiers, rows = render._tier_matrix(whatif_all(ctx, "MYS", 2015))
    marks = {headline: dict(zip(tiers, row_marks)) for headline, _, row_marks in rows}
    assert marks["No nonhumanitarian, nontrade-related US aid to the government"]["3"] == "x*"
    assert marks["Listed as not complying and not making significant efforts (Tier 3)"]["3"] == "x"  # no decision
    assert marks["Presidential determination on sanctions"]["3"] == "x"
