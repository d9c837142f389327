"""Forgiving input (issue 14, item 5): tiers in any usual spelling, countries by alias or with a
suggestion, and errors that name the way forward for the command they came from.

Every expected message below is written by hand: the tiers and labels are those of
rules/reports.yaml, the countries those of data/tip_tiers.csv and data/countries.yaml."""

import datetime as dt
import json
import unicodedata

import pytest
import yaml

from conftest import context
from test_bad_input import assert_one_line_error, run_cli
from tierlaw.errors import InputError
from tierlaw.inputs import read_tier
from tierlaw.paths import default_data_dir

NEXT_REPORT = dt.date.today().year + 1  # the furthest report the record (and an audit) can hold: next year's
QUESTION_LAST = NEXT_REPORT + 6  # the furthest a question can name: as far as the forward clock's default 6 reports
QUESTION_REACH = "6 reports after next year's, as far as the forward clock looks by default"

TIER_LIST = ("(tiers: 1, 2, 2WL, 3, special; any case, or by name: Tier 1, Tier 2, Tier 2 Watch List, Tier 3, "
             "Special case)")
QUICK = ["--backend", "reference", "--forward", "0", "--format", "json"]


def whatif_json(capsys, *argv):
    code, out, err = run_cli(capsys, "whatif", *argv, *QUICK)
    assert code == 0, err
    return json.loads(out)


# ---------------------------------------------------------------- tiers


@pytest.mark.parametrize("typed, tier", [
    ("2wl", "2WL"), ("2WL", "2WL"), ("watchlist", "2WL"), ("watch list", "2WL"), ("Watch-List", "2WL"),
    ("tier 2 watch list", "2WL"), ("Tier 2 WL", "2WL"), ("t2wl", "2WL"),
    ("Tier3", "3"), ("tier 3", "3"), ("TIER-3", "3"), ("t3", "3"), ("T3", "3"), ("3", "3"), (" 3 ", "3"),
    ("tier 1", "1"), ("t1", "1"), ("2", "2"), ("Tier 2", "2"),
    ("special", "special"), ("Special", "special"), ("special case", "special"), ("SPECIAL CASE", "special"),
])
def test_a_tier_is_read_in_any_usual_spelling(capsys, typed, tier):
    report = whatif_json(capsys, "MYS", "2014", "--tier", typed)
    assert report["hypothetical"]["proposed_tier"] == tier


def test_integers_are_tiers_where_python_or_yaml_give_them():
    tiers = context("reference").rulebook.tiers
    assert [read_tier(tiers, n, "tier") for n in (1, 2, 3)] == ["1", "2", "3"]
    for not_a_tier in (True, 2.0, None, ["3"], 4, 0):
        with pytest.raises(InputError):
            read_tier(tiers, not_a_tier, "tier")


@pytest.mark.parametrize("typed, message", [
    ("4", f"--tier: unknown tier '4' {TIER_LIST}"),
    ("tier 4", f"--tier: unknown tier 'tier 4' {TIER_LIST}"),
    ("speical", f"--tier: unknown tier 'speical'; did you mean special? {TIER_LIST}"),
    ("watchlst", f"--tier: unknown tier 'watchlst'; did you mean 2WL? {TIER_LIST}"),
    # "Tier 2" and "Tier 2 Watch List" share the word "tier" and the number: "tier" alone is nobody's
    ("tier", f"--tier: unknown tier 'tier' {TIER_LIST}"),
])
def test_an_unknown_tier_names_the_tiers_and_the_closest_spelling(capsys, typed, message):
    code, out, err = run_cli(capsys, "whatif", "MYS", "2015", "--tier", typed)
    assert (code, out, err) == (2, "", f"tierlaw: error: {message}\n")


def test_set_reads_tiers_like_tier(capsys):
    canonical = whatif_json(capsys, "ZZA", "2013", "--tier", "2WL", "--set", "2009-2012=2WL")
    spelled = whatif_json(capsys, "ZZA", "2013", "--tier", "watch list", "--set", "2009-2010=tier 2 watch list",
                          "--set", "2011=2wl", "--set", "2012=Watchlist")
    assert spelled == canonical
    # Four Watch List years counted from 2009 and a fifth proposed: (D)(i) requires Tier 3 and the
    # (D)(ii) waiver is spent after two years (22 U.S.C. 7107(b)(2)(D)).
    assert canonical["hypothetical"]["effective_tier"] == "3"


def test_set_with_an_unknown_tier_names_set(capsys):
    code, out, err = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--set", "2014=tier 5")
    assert (code, out, err) == (2, "", f"tierlaw: error: --set: unknown tier 'tier 5' {TIER_LIST}\n")


def test_all_tiers_in_any_case(capsys):
    code, out, err = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "All", "--backend", "reference",
                             "--format", "json")
    assert code == 0, err
    assert sorted(json.loads(out)["tiers"]) == ["1", "2", "2WL", "3", "special"]


def write(tmp_path, text):
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    return str(path)


def test_a_scenario_takes_unquoted_numbers_and_spelled_tiers(capsys, tmp_path):
    scenario = write(tmp_path, """\
name: spellings
history:
  MYS:
    2014: 3
placements:
  MYS:
    2015: 3
  THA:
    2014: {tier: Tier 3, alternatives: [watch list, t2]}
questions:
  forward:
    - {country: MYS, year: 2015, tier: tier 3, years: 1}
""")
    code, out, err = run_cli(capsys, "run", scenario, "--backend", "reference", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    found = {(item["country"], item["year"]): item for item in report["results"]}
    assert found[("MYS", 2015)]["scenario"]["proposed_tier"] == "3"
    assert found[("THA", 2014)]["scenario"]["proposed_tier"] == "3"
    assert sorted(found[("THA", 2014)]["alternatives"]) == ["2", "2WL"]
    assert report["forward"][0]["proposing"] == "3"


def test_a_scenario_with_an_unknown_tier_names_its_line(capsys, tmp_path):
    scenario = write(tmp_path, "name: bad tier\nplacements:\n  MYS:\n    2015: 4\n")
    code, out, err = run_cli(capsys, "run", scenario, "--backend", "reference")
    assert (code, out, err) == (2, "", f"tierlaw: error: {scenario}:4: 2015: unknown tier 4 {TIER_LIST}\n")


# ---------------------------------------------------------------- countries


@pytest.mark.parametrize("typed, code", [
    ("DR Congo", "COD"), ("dr congo", "COD"), ("Democratic Republic of Congo", "COD"), ("DRC", "COD"),
    ("UAE", "ARE"), ("uae", "ARE"), ("Emirates", "ARE"), ("Kyrgyzstan", "KGZ"), ("Slovakia", "SVK"),
    ("Bosnia", "BIH"), ("St. Lucia", "LCA"), ("St Lucia", "LCA"), ("St. Vincent", "VCT"), ("Macao", "MAC"),
    ("Brunei Darussalam", "BRN"), ("Republic of Korea", "KOR"), ("Lao PDR", "LAO"), ("The Netherlands", "NLD"),
    ("Great Britain", "GBR"), ("Republic of Congo", "COG"), ("mys", "MYS"), (" Malaysia ", "MYS"),
])
def test_country_aliases(typed, code):
    assert context("reference").record.lookup(typed).code == code


def test_an_alias_names_one_country_unless_it_is_ambiguous_on_purpose():
    """No alias in countries.yaml is the report name of another country; "Korea" and "Congo" name two."""
    record = context("reference").record
    aliases = yaml.safe_load((default_data_dir() / "countries.yaml").read_text())["aliases"]
    owners = {}
    for code, names in aliases.items():
        for name in names:
            owners.setdefault(fold(name), set()).add(code)
    for code, names in aliases.items():
        for name in names:
            others = {c for c, country in record.countries.items() if fold(country.name) == fold(name)} - {code}
            assert not others, (name, code, others)
    assert {name for name, codes in owners.items() if len(codes) > 1} == {"korea", "congo"}


def fold(name):
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in plain if ch.isalnum())


@pytest.mark.parametrize("argv, message", [
    (["whatif", "Malaysa", "2015", "--tier", "3"], "COUNTRY: unknown country 'Malaysa'; did you mean Malaysia (MYS)?"),
    (["history", "Malaysa"], "COUNTRY: unknown country 'Malaysa'; did you mean Malaysia (MYS)?"),
    (["history", "Thailnd"], "COUNTRY: unknown country 'Thailnd'; did you mean Thailand (THA)?"),
    (["audit", "Kyrgystan"], "COUNTRY: unknown country 'Kyrgystan'; did you mean Kyrgyz Republic (KGZ)?"),
    (["whatif", "Atlantis", "2015", "--tier", "3"],
     "COUNTRY: unknown country 'Atlantis': give the ISO3 code or the name of a country in the record"),
    # history has no --set: it must not suggest one
    (["history", "XYZ"], "COUNTRY: unknown country 'XYZ': give the ISO3 code or the name of a country in the record"),
    # whatif has: a country not in the record is asked about with its earlier placements
    (["whatif", "XYZ", "2015", "--tier", "3"],
     "COUNTRY: unknown country 'XYZ' (a country not in the record takes a code from ISO 3166-1's user-assigned "
     "ranges (AAA-AAZ, QMA-QZZ, "
     "XAA-XZZ, ZZA-ZZZ) and its earlier placements given with --set)"),
    (["whatif", "Korea", "2015", "--tier", "3"],
     "COUNTRY: country 'Korea' is ambiguous: Korea, South (KOR) or Korea, North (PRK); give the code"),
])
def test_unknown_countries_get_a_suggestion_or_the_way_forward(capsys, argv, message):
    code, out, err = run_cli(capsys, *argv, "--backend", "reference")
    assert (code, out, err) == (2, "", f"tierlaw: error: {message}\n")


def test_a_new_code_with_its_history_is_accepted_in_any_case(capsys):
    report = whatif_json(capsys, "zza", "2013", "--tier", "3", "--set", "2012=2")
    assert report["country"] == "ZZA"


# ---------------------------------------------------------------- years and ranges


@pytest.mark.parametrize("argv, message", [
    (["whatif", "MYS", "2015", "--tier", "3", "--set", "2016=3"],
     "--set: 2016 is after the question year 2015: a what-if reads only the years before it, and the forward "
     "clock proposes the later years itself (--forward)"),
    (["whatif", "MYS", "2015", "--tier", "3", "--set", "2016-2018=3"],
     "--set: 2016 is after the question year 2015: a what-if reads only the years before it, and the forward "
     "clock proposes the later years itself (--forward)"),
    (["whatif", "MYS", "2015", "--tier", "3", "--set", "2015=2"],
     "--set: 2015 is the question year; give its tier with --tier"),
    (["audit", "--from", "2026"], "--from/--to: no recorded placement from 2026: the record covers 2001 to 2025"),
    # a year after next year's report is a slip, as a year before the first one is
    (["audit", "--to", "2100"], f"--to: 2100 is too far ahead: report years run from 2001 to {NEXT_REPORT} "
                                "(next year's report)"),
    (["audit", "--from", "2030"], f"--from: 2030 is too far ahead: report years run from 2001 to {NEXT_REPORT} "
                                  "(next year's report)"),
    (["trade", "MYS", "--on", "9999-12-31"], f"--on: 9999-12-31 is too far ahead: dates run to the end of "
                                             f"{QUESTION_LAST} ({QUESTION_REACH})"),
    (["whatif", "MYS", "2024", "--tier", "3", "--on", "9999-12-31"],
     f"--on: 9999-12-31 is too far ahead: dates run to the end of {QUESTION_LAST} ({QUESTION_REACH})"),
    # found by a new-user trial: before the reports, "no trade promotion authority" was a confident wrong answer
    # (the 1988 Act's fast track was in force in 1990)
    (["trade", "MYS", "--on", "1990-01-01"], "--on: 1990-01-01 is before the first report (2001)"),
    (["audit", "--to", "2000"], "--to: 2000 is before the first report (2001)"),
    (["audit", "--from", "1990"], "--from: 1990 is before the first report (2001)"),  # no report then: a slip
    (["audit", "--from", "-5", "--to", "2010"], "--from: -5 is before the first report (2001)"),
    (["audit", "MYS", "--from", "2003", "--to", "2002"], "--from/--to: the range starts (2003) after it ends (2002)"),
    (["audit", "MYS", "--from", "2025", "--to", "2026"],
     "--from/--to: no recorded placement from 2025 to 2026: the record of MYS covers 2001 to 2024"),
    (["audit", "--from", "2020", "--to", "2010"], "--from/--to: the range starts (2020) after it ends (2010)"),
    (["whatif", "MYS", "2015", "--tier", "all", "--decide", "trade_letter=submitted"],
     "--tier: a decision belongs to one tier: give --decide with a single --tier, not all"),
    (["trade", "--agreement", "TPP", "--on", "2015-02-30"], "--on: '2015-02-30' is not a date YYYY-MM-DD"),
    (["trade", "--on", "2015-10-05"], "COUNTRY/--agreement: give either partner countries or an agreement (--agreement)"),
    (["trade", "MYS", "--agreement", "TPP", "--on", "2015-10-05"],
     "COUNTRY/--agreement: give partner countries or an agreement, not both: leave out --agreement to check the partners"),
    # the 2016 report came out on 2016-06-30: on 2016-03-01 the 2015 report (2015-07-27) was the most recent
    (["trade", "MYS", "--on", "2016-03-01", "--set", "MYS:2017=3"],
     "--set: MYS:2017 cannot bear on 2016-03-01: the 2015 report was the most recent on that date"),
])
def test_year_date_and_range_errors_name_the_way_forward(capsys, argv, message):
    code, out, err = run_cli(capsys, *argv, "--backend", "reference")
    assert (code, out, err) == (2, "", f"tierlaw: error: {message}\n")


def test_a_range_with_placements_in_it_is_audited(capsys):
    code, out, err = run_cli(capsys, "audit", "MYS", "--from", "2024", "--to", str(NEXT_REPORT), "--backend", "reference",
                             "--format", "json")
    assert code == 0, err
    assert [(row["country"], row["year"]) for row in json.loads(out)["rows"]] == [("MYS", 2024)]


def test_errors_stay_one_line_with_exit_code_2(capsys):
    for argv in (["whatif", "Malasia", "2015", "--tier", "3"], ["history", "Narnia"],
                 ["whatif", "MYS", "2015", "--tier", "3", "--set", "2016-2020=2wl"]):
        code, out, err = run_cli(capsys, *argv)
        assert_one_line_error(code, out, err)


def test_a_year_too_far_ahead_names_the_years_allowed(capsys):
    last = QUESTION_LAST
    code, out, err = run_cli(capsys, "whatif", "MYS", str(last + 1), "--tier", "3", "--backend", "reference")
    assert (code, out) == (2, "") and err == (f"tierlaw: error: YEAR: {last + 1} is too far ahead: report years run "
                                              f"from 2001 to {last} ({QUESTION_REACH})\n")


def test_a_question_may_name_the_years_the_forward_clock_shows(capsys):
    # found by a new-user trial: history's forward clocks showed steps from 2028 on, but `whatif THA 2028` was refused
    for year in (NEXT_REPORT + 1, QUESTION_LAST):
        code, out, err = run_cli(capsys, "whatif", "THA", str(year), "--tier", "3", *QUICK)
        assert code == 0, err
        report = json.loads(out)
        assert report["year"] == year and report["baseline"] is None
        assert report["hypothetical"]["effective_tier"] == "3"  # Tier 3 proposed: nothing the law changes


def test_an_agreement_is_found_whatever_its_case(capsys):
    code, out, _ = run_cli(capsys, "trade", "--agreement", "tpp", "--on", "2015-10-05", "--backend", "reference")
    assert code == 0 and out.startswith("On 2015-10-05, fast-track for the TPP implementing bill is available")


def test_a_country_named_twice_is_one_country(capsys):
    # MYS and Malaysia are one country: the audit's rows and counts, and the trade answer's partners, once each
    once = run_cli(capsys, "audit", "MYS", "--format", "json", "--backend", "reference")[1]
    twice = run_cli(capsys, "audit", "MYS", "Malaysia", "MYS", "--format", "json", "--backend", "reference")[1]
    assert json.loads(twice)["rows"] == json.loads(once)["rows"] and len(json.loads(once)["rows"]) == 24
    assert json.loads(twice)["summary"][0] == json.loads(once)["summary"][0]
    code, out, err = run_cli(capsys, "trade", "MYS", "Malaysia", "--on", "2016-03-01", "--format", "json",
                             "--backend", "reference")
    assert code == 0, err
    assert [p["country"] for p in json.loads(out)["partners"]] == ["MYS"]
