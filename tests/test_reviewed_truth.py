"""Findings of the reviews of 2026-11-30 (seventh session: a legal reviewer and a new user), each expected
value worked by hand from the codified text in docs/law.md, the determinations' own words and the record."""

import json

import pytest

from test_bad_input import assert_one_line_error, run_cli
from tierlaw.audit import audit
from tierlaw.queries import whatif


def _row(ctx, code, year):
    return next(r for r in audit(ctx, [code], year, year)["rows"] if r["year"] == year)


def _decision(row_or_result, name):
    return next(d for d in row_or_result["decisions"] if d["id"] == name)


# ---------------------------------------------------------------- the (d)(1)(A) clause a determination names


# Determination 2024-14 (FY2025, the 2024 report's Tier 3 countries, in the statutory notes to 7107): "As provided
# for in section 110(d)(1)(A)(i) ... the Governments of Burma and Iran"; "As provided for in section 110(d)(1)(A)(ii)
# ... the Governments of Belarus, Cuba, ..." Both Burma and Cuba are under no waiver.
@pytest.mark.parametrize("code, clause, withheld, not_withheld", [
    ("CUB", "none", "tier3.withhold_aid_and_exchange_funding", "tier3.withhold_nonhumanitarian_aid"),
    ("MMR", "received", "tier3.withhold_nonhumanitarian_aid", "tier3.withhold_aid_and_exchange_funding"),
])
def test_the_clause_a_determination_names_settles_the_exchange_ban(ctx, code, clause, withheld, not_withheld):
    row = _row(ctx, code, 2024)
    recorded = _decision(row, "prior_fy_assistance")
    assert (recorded["applied"], recorded["settled_by"]) == (clause, "record")
    assert "uscode_7107_notes_pd2024-14" in recorded["source"]
    set_off = {c["id"]: c["status"] for c in row["set_off"]}
    assert set_off[withheld] == "certain" and not_withheld not in set_off


def test_years_whose_determination_wording_no_source_gives_stay_at_the_default_and_say_so(ctx):
    # FY2024 (determination 2023-14): its text is not in the record's sources, so Cuba's clause is unrecorded.
    cuba = _row(ctx, "CUB", 2023)
    clause = _decision(cuba, "prior_fy_assistance")
    assert clause["settled_by"] == "default" and clause.get("unrecorded") is True


# ---------------------------------------------------------------- (F) names no list


def test_tier_3_after_f_is_chosen_not_required_the_law_also_allowed_tiers_1_and_2(ctx):
    # Brunei 2024, Tier 3: a Watch List proposal was barred by (F) ("may not be included on the special watch
    # list ... for more than 1 consecutive year"), which names no list: Tier 1 or 2 were open to the Secretary.
    row = _row(ctx, "BRN", 2024)
    finding = next(f for f in row["findings"] if f["id"] == "special_rule_f.watch_list_barred")
    assert finding["audit"] == "chosen"
    assert finding["also_allowed"] == [{"tier": "1", "with": ["special_rule_f_placement=1"]},
                                       {"tier": "2", "with": ["special_rule_f_placement=2"]}]


def test_tier_3_after_spent_waivers_stays_required(ctx):
    # Thailand 2014: Watch List 2010-2013 with the two waivers of (D)(ii) used in 2012 and 2013; (D)(i) "shall
    # be included on the list ... (1)(C)": no choice of list.
    row = _row(ctx, "THA", 2014)
    assert [f["audit"] for f in row["findings"] if f["id"].startswith("autodowngrade")] == ["required"]


def test_the_headline_and_the_forward_clock_say_the_list_after_f_is_assumed(ctx):
    report = whatif(ctx, "MYS", 2024, "2WL")
    hangs_on = ctx.rulebook.decisions["special_rule_f_placement"].hangs_on
    assert report["summary"][0].endswith(f"the law gives Tier 3 {hangs_on}")
    step = report["forward"]["steps"][0]
    assert (step["effective"], step["assumed"]) == ("3", ["special_rule_f_placement=3"])
    waivers_spent = whatif(ctx, "THA", 2015, "2WL")["forward"]["steps"][4]  # 2019: (D)(i), no list to choose
    assert (waivers_spent["year"], waivers_spent["effective"], "assumed" in waivers_spent) == (2019, "3", False)


# ---------------------------------------------------------------- a what-if that repeats the record


def test_the_recorded_tier_asked_again_keeps_the_waiver_its_published_list_implies(ctx):
    # Hong Kong 2018, Watch List after 2016-2017 on it: the published list stood only by a waiver of (D)(ii).
    report = whatif(ctx, "HKG", 2018, "2WL")
    assert report["hypothetical"]["effective_tier"] == "2WL"
    assert report["changes"] == {"added": [], "removed": []}
    waiver = _decision(report["hypothetical"], "autodowngrade_waiver")
    assert (waiver["applied"], waiver["settled_by"]) == ("granted", "record")
    denied = whatif(ctx, "HKG", 2018, "2WL", decide=["autodowngrade_waiver=denied"])  # the user's word wins
    assert denied["hypothetical"]["effective_tier"] == "3"


def test_a_what_if_that_changes_only_the_listing_says_so(ctx):
    # The United States is not a foreign government (data/countries.yaml): Tier 3 changes its listing only.
    report = whatif(ctx, "USA", 2015, "3")
    assert report["changes"] == {"added": ["tier.list_1c"], "removed": ["tier.list_1a"]}
    line = report["summary"][1]
    assert line.startswith("No change against the record in the headline groups (Trade, Aid and sanctions")
    assert "adds: Listed as not complying" in line and "removes: Listed as" in line


# ---------------------------------------------------------------- bad input


def test_a_date_past_next_years_report_is_refused_not_a_crash(capsys, tmp_path):
    scenario = tmp_path / "far.yaml"
    scenario.write_text("name: far\nplacements:\n  MYS: {2024: \"3\"}\nquestions:\n  trade:\n"
                        "    - {partners: [MYS], date: 9999-12-31}\n")
    code, out, err = run_cli(capsys, "run", str(scenario), "--backend", "reference")
    assert_one_line_error(code, out, err, "far.yaml:6", "too far ahead")


def test_an_empty_argument_is_named_not_read_as_the_current_directory(capsys):
    for argv, named in ((["whatif", "MYS", "2015", "--tier", "3", "--backend", ""], "--backend"),
                        (["whatif", "MYS", "2015", "--tier", "3", "--rules", ""], "--rules"),
                        (["run", ""], "argument 2"), (["test", ""], "argument 2")):
        code, out, err = run_cli(capsys, *argv)
        assert_one_line_error(code, out, err, f"error: {named}: the value is empty")


def test_a_missing_data_directory_is_named_as_such(capsys, tmp_path):
    code, out, err = run_cli(capsys, "history", "MYS", "--data", str(tmp_path / "nowhere"))
    assert_one_line_error(code, out, err, f"{tmp_path / 'nowhere'}: no such data directory")


def test_a_long_legal_output_name_is_written(capsys, tmp_path):
    target = tmp_path / ("b" * 250)  # 255 bytes is the usual limit of a name: the temporary file needs its own
    code, out, err = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--format", "json", "--backend",
                             "reference", "--output", str(target))
    assert (code, err) == (0, "") and json.loads(target.read_text())["year"] == 2015
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    too_long = tmp_path / ("c" * 300)
    code, out, err = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--output", str(too_long))
    assert_one_line_error(code, out, err, "cannot write: File name too long")
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_a_pasted_value_is_echoed_shortened(capsys):
    code, out, err = run_cli(capsys, "whatif", "A" * 100_000, "2015", "--tier", "3")
    assert_one_line_error(code, out, err, "'" + "A" * 80 + "… (100000 characters)':")
    assert len(err) < 400


def test_a_misspelt_code_in_a_scenario_is_not_a_new_country(capsys, tmp_path):
    scenario = tmp_path / "typo.yaml"
    scenario.write_text("name: typo\nplacements:\n  MYZ: {2015: \"3\"}\n")
    code, out, err = run_cli(capsys, "run", str(scenario), "--backend", "reference")
    assert_one_line_error(code, out, err, "typo.yaml:3", "unknown country 'MYZ'", "user-assigned")
    scenario.write_text("name: new\nplacements:\n  ZZB: {2015: \"3\"}\n")  # ISO leaves ZZA-ZZZ to users
    code, out, err = run_cli(capsys, "run", str(scenario), "--backend", "reference")
    assert code == 0, err


def test_a_null_tier_is_called_null(capsys, tmp_path):
    scenario = tmp_path / "null.yaml"
    scenario.write_text("name: null tier\nplacements:\n  MYS: {2016: null}\n")
    code, out, err = run_cli(capsys, "run", str(scenario), "--backend", "reference")
    assert_one_line_error(code, out, err, "null.yaml:3", "unknown tier null (no tier)")


def test_every_tier_side_by_side_refuses_a_waiver_by_its_own_flag(capsys):
    code, out, err = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "all", "--waiver", "granted")
    assert_one_line_error(code, out, err, "--waiver: every tier side by side", "give one tier for --waiver")


def test_a_tier_3_row_reads_the_waiver_the_list_implies_as_inferred(capsys):
    code, out, err = run_cli(capsys, "history", "MYS", "--backend", "reference")
    assert code == 0, err
    assert "autodowngrade_waiver = granted: inferred [from the published 2WL placement]" in " ".join(out.split())


# ---------------------------------------------------------------- sources


def test_a_source_address_with_a_placeholder_left_in_is_not_offered_as_a_link(ctx):
    # data/tip_tiers_2016_2025_found.csv, Angola 2017: ecoi_2017 gives a page, wiki_htx only the pattern
    # ".../wiki/Human_trafficking_in_<Country>"
    angola = ctx.record.history("AGO")[2017]
    assert angola.sources == ("ecoi_2017", "wiki_htx")
    assert angola.links == ("https://www.ecoi.net/en/document/1402391.html",)
    links = [link for rows in ctx.record.placements.values() for p in rows.values() for link in p.links]
    assert links and all(link.startswith("http") and "<" not in link and ">" not in link for link in links)


def test_the_history_table_names_each_placements_sources(capsys):
    code, out, err = run_cli(capsys, "history", "AGO", "--backend", "reference")
    assert code == 0, err
    assert "2017 Tier 2 [OFFICIAL: ecoi_2017, wiki_htx]: allowed as published" in out


# ---------------------------------------------------------------- what a partial waiver reaches


def test_a_partial_waiver_that_reaches_the_lending_votes_drops_them(ctx):
    # Determination 2024-14: "providing the assistance described in section 110(d)(1)(B) of the Act to
    # Afghanistan, Cambodia, and Sudan would promote the purposes of the Act"; South Sudan is among the
    # governments the (B) votes concern.
    for code, stand in (("AFG", False), ("KHM", False), ("SDN", False), ("SSD", True)):
        row = _row(ctx, code, 2024)
        set_off = {c["id"]: c["status"] for c in row["set_off"]}
        assert ("tier3.oppose_multilateral_lending" in set_off) is stand, code
        assert ("tier3.lending_votes_waived" in set_off) is not stand, code
        lending = _decision(row, "partial_waiver_lending")
        assert (lending["applied"], lending["settled_by"]) == ("not_waived" if stand else "waived", "record")


def test_measures_taken_outside_110d_are_the_determinations_not_the_statutes(ctx):
    # Determination 2024-14 (FY2025): "In addition, with respect to the Government of Sint Maarten, consistent with
    # the United States Government's firm stand against human trafficking ... I hereby: (i) direct that ... [no]
    # nonhumanitarian, nontrade-related foreign assistance, as described in section 110(d)(1)(A) ...; (ii)
    # instruct ... to vote against ... as described in section 110(d)(1)(B) ...; and (iii) direct that funding
    # for participation ... in educational and cultural exchange programs shall continue". Sint Maarten is named
    # under none of the (d) determinations, so no 7107(d)(1) measure and no Millennium Challenge bar (which hangs
    # on a (d)(1) determination) follow from the statute; the measures are shown as the determination's own.
    row = _row(ctx, "SXM", 2024)
    recorded = _decision(row, "presidential_determination")
    assert (recorded["applied"], recorded["settled_by"]) == ("outside_110d", "record")
    set_off = {c["id"]: c for c in row["set_off"]}
    assert set_off["tier3.measures_outside_110d"]["status"] == "certain"
    assert set_off["tier3.measures_outside_110d"]["fiscal_year"] == 2025
    statutory = {"tier3.withhold_nonhumanitarian_aid", "tier3.withhold_aid_and_exchange_funding",
                 "tier3.oppose_multilateral_lending", "mcc.candidacy_barred"}
    assert not statutory & set(set_off)
    # FY2024 (determination 2023-14, whose wording no source here gives) stays as the compilation records it
    earlier = _row(ctx, "SXM", 2023)
    assert _decision(earlier, "presidential_determination")["applied"] == "d1_sanctions"
    assert "tier3.oppose_multilateral_lending" in {c["id"] for c in earlier["set_off"]}


def test_an_unrecorded_partial_waiver_leaves_the_lending_votes_open(ctx):
    # Comoros, FY2022: a partial waiver is recorded (data/presidential_determinations.csv), what it reached is not.
    row = _row(ctx, "COM", 2021)
    assert {c["id"]: c["status"] for c in row["set_off"]}["tier3.oppose_multilateral_lending"] == "depends_on_decision"
    assert _decision(row, "partial_waiver_lending")["settled_by"] == "default"


def test_an_option_that_takes_one_value_is_refused_when_given_twice(capsys):
    # typer keeps the last value silently: --tier 3 --tier 2 answered for Tier 2
    for argv, flag in ((["whatif", "MYS", "2015", "--tier", "3", "--tier", "2"], "--tier"),
                       (["whatif", "MYS", "2015", "--tier", "3", "-o", "a.txt", "--output", "b.txt"], "--output"),
                       (["trade", "MYS", "--on", "2016-03-01", "--on", "2016-04-01"], "--on")):
        code, out, err = run_cli(capsys, *argv)
        assert_one_line_error(code, out, err, f"error: {flag}: given twice")
    code, out, err = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--set", "2014=3", "--set", "2013=3",
                             "--format", "json", "--backend", "reference")
    assert code == 0 and json.loads(out)["sets"], err  # --set repeats by design


def test_a_negative_year_is_named_as_an_argument_not_an_unknown_option(capsys):
    code, out, err = run_cli(capsys, "whatif", "MYS", "-1", "--tier", "3")
    assert_one_line_error(code, out, err, "argument 3 (-1): a negative number")


# ---------------------------------------------------------------- the code review of the same day


def test_decisions_carried_from_the_record_are_not_reported_unavailable(ctx):
    # Cuba 2024 asked again with a full waiver: the record's (A)(ii) clause no longer matters, and the user
    # did not settle it, so it is not "unavailable"
    report = whatif(ctx, "CUB", 2024, "3", decide=["presidential_determination=d4_full_waiver"], forward_years=0)
    assert "unavailable_decisions" not in report["hypothetical"]
    asked = whatif(ctx, "CUB", 2024, "3", decide=["autodowngrade_waiver=granted"], forward_years=0)
    assert [d["id"] for d in asked["hypothetical"]["unavailable_decisions"]] == ["autodowngrade_waiver"]


def test_a_deep_path_keeps_its_line_number_in_a_message(capsys, tmp_path):
    deep = tmp_path / ("d" * 150) / ("e" * 120)
    deep.mkdir(parents=True)
    (deep / "s.yaml").write_text("name: t\nplacements:\n  MYS: {2015: \"7\"}\n")
    code, out, err = run_cli(capsys, "run", str(deep / "s.yaml"), "--backend", "reference")
    assert_one_line_error(code, out, err, f"{deep / 's.yaml'}:3: 2015: unknown tier '7'")


def test_an_empty_value_after_an_equals_sign_is_refused(capsys):
    code, out, err = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--backend=")
    assert_one_line_error(code, out, err, "error: --backend: the value is empty")
