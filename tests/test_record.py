"""The shipped record and the audit of it, against cases worked by hand from docs/law.md section 7."""

import csv
from pathlib import Path

import pytest

from conftest import context
from tierlaw.audit import audit, history
from tierlaw.paths import default_data_dir

D_I = "22 U.S.C. 7107(b)(2)(D)(i)"


def row(ctx, country, year, **options):
    report = audit(context(ctx.backend.NAME, **options) if options else ctx, [country], year, year, explain=True)
    (found,) = report["rows"]
    return found


def findings(found, kind):
    return [f for f in found["findings"] if f["audit"] == kind]


def test_the_record_keeps_every_shared_placement_with_its_sources():
    shipped = default_data_dir() / "tip_tiers.csv"
    with shipped.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3104
    assert all(r["source"] for r in rows)
    shared = Path(__file__).resolve().parents[2] / "shared" / "data" / "tip_tiers.csv"
    if shared.exists():  # the project copy is the shared file, byte for byte
        assert shipped.read_bytes() == shared.read_bytes()


@pytest.mark.parametrize("country, year", [("CHN", 2013), ("RUS", 2013), ("MYS", 2014), ("THA", 2014)])
def test_tier3_required_after_two_watch_list_years_and_two_waivers(ctx, country, year):
    # Watch List in the four reports before (2 counted years + 2 waiver years under P.L. 110-457): Tier 3 by (D)(i).
    found = row(ctx, country, year)
    assert found["tier"] == "3" and found["record_fits_law"] is True
    (required,) = findings(found, "required")
    assert required["cite"] == D_I and required["rule"] == "autodowngrade.required.waivers_exhausted"
    # Tier 3 opens the President's determination (and the aid fact it turns on); no trade letter existed yet.
    assert required["instead_of"] == "2WL"
    assert required["open_decisions"] == ["presidential_determination", "prior_fy_assistance"]
    streak = next(f for f in required["because"] if f.get("name") == "wl_streak_before")
    assert streak["value"] == 4
    on_watch_list = [p["year"] for p in streak["placements"] if p["tier"] == "2WL"]
    assert on_watch_list == list(range(year - 4, year))
    # Any other placement shown is the one that ended the run (Malaysia and Thailand: 2009), never counted.
    assert all(p["year"] < year - 4 for p in streak["placements"] if p["tier"] != "2WL")
    for waiver_year in (year - 2, year - 1):  # the 3rd and 4th Watch List years needed (D)(ii) waivers
        earlier = row(ctx, country, waiver_year)
        assert [(d["id"], d["applied"], d["cite"]) for d in earlier["decisions"]] == [
            ("autodowngrade_waiver", "granted", "22 U.S.C. 7107(b)(2)(D)(ii)")]
        assert "autodowngrade.waived" in {f["id"] for f in findings(earlier, "set_off")}


def test_china_2017_tier3_was_a_choice_while_a_second_waiver_was_available(ctx):
    # Watch List 2014-2016, 2016 on the first waiver: under the 2-year cap a second waiver was possible,
    # so the 2017 Tier 3 was chosen, not required.
    found = row(ctx, "CHN", 2017)
    assert findings(found, "required") == []
    (chosen,) = findings(found, "chosen")
    assert chosen["rule"] == "autodowngrade.required.no_waiver" and chosen["instead_of"] == "2WL"
    assert chosen["allowed_with"] == ["autodowngrade_waiver=granted"]


def test_cuba_2019_tier3_required_after_two_waivers(ctx):
    # Watch List 2015 and 2016, waivers 2017 and 2018; the 2019 law allows one waiver and old ones count.
    (required,) = findings(row(ctx, "CUB", 2019), "required")
    assert required["cite"] == D_I and required["rule"] == "autodowngrade.required.waivers_exhausted"


def test_a_gap_makes_dependent_findings_indeterminate(ctx):
    # Hungary: Watch List 2017 and 2018 (2WL 2019 needed a waiver), but 2016 is missing and the 2016
    # Watch List is a partial list (44 stated, 43 held): if Hungary was on it, 2019 was a fourth year
    # and no waiver was left under the 2019 cap.
    found = row(ctx, "HUN", 2019)
    assert found["record_fits_law"] is None
    (gap,) = findings(found, "indeterminate")
    assert gap["unknown_years"] == [2016]
    assert "3" in gap["law_gives"] and "2WL" in gap["law_gives"]


def test_malaysia_2019_conflicts_only_with_the_literal_reading_of_f(ctx):
    # Watch List 2010-2013 then Tier 3 in 2014: read literally, (F) reaches that early downgrade and the
    # 2018 Watch List year was the one allowed; read prospectively (the default), it does not.
    assert row(ctx, "MYS", 2019)["record_fits_law"] is True
    found = row(ctx, "MYS", 2019, special_rule_f_history="literal")
    assert found["tier"] == "2WL" and found["record_fits_law"] is False
    (conflict,) = findings(found, "conflict")
    assert conflict["cite"] == "22 U.S.C. 7107(b)(2)(F)"
    assert "special_rule_f_history=prospective" in conflict["fits_law_with_option"]
    assert any(reading.startswith("special_rule_f_history=literal") for reading in conflict["readings"])
    assert conflict["law_allows"] == ["1", "2", "3"]  # (F) bars the Watch List; it names no list
    # The published list stands: no Tier 3 measure and no fast-track bar as a consequence.
    consequences = {f["id"] for f in findings(found, "set_off")}
    assert "swl.category_iii" in consequences and not {c for c in consequences if c.startswith(("tier3.", "trade."))}


def test_malaysia_2020_needed_its_waiver_under_the_default_reading(ctx):
    # The 2020 waiver is documented (State memorandum 2020): Watch List 2018 and 2019, 2020 the waiver year.
    found = row(ctx, "MYS", 2020)
    assert found["record_fits_law"] is True
    (waiver,) = found["decisions"]
    assert (waiver["id"], waiver["applied"], waiver["settled_by"]) == ("autodowngrade_waiver", "granted", "record")
    assert waiver["source"] == "inferred from the published 2WL placement"


def test_a_downgrade_from_2019_on_sets_off_f_and_the_record_obeys_it(ctx):
    # Brunei: Watch List 2019-2021 (2021 on the one waiver the 2019 law allows), Tier 3 2022, Watch List
    # 2023 (the one year (F) allows), Tier 3 again 2024: every placement fits the default reading.
    for year in (2021, 2022, 2023, 2024):
        assert row(ctx, "BRN", year)["record_fits_law"] is True, year
    assert "special_rule_f.last_watch_list_year" in {f["id"] for f in findings(row(ctx, "BRN", 2023), "set_off")}


def test_a_tier3_stay_that_began_before_2019_does_not_set_off_f(ctx):
    # Equatorial Guinea: Watch List 2008-2010, Tier 3 from 2011 to 2019, Watch List 2020-2022. The
    # downgrade came in 2011; its stay on Tier 3 lasting into 2019 is no downgrade from the 2019 law on.
    for year in (2020, 2021, 2022):
        assert row(ctx, "GNQ", year)["record_fits_law"] is True, year
    assert row(ctx, "GNQ", 2021, special_rule_f_history="literal")["record_fits_law"] is False


def test_the_default_reading_conflicts_with_the_record_only_where_state_departed_from_f(ctx):
    report = audit(ctx, [], 2019, None)
    conflicts = sorted((r["country"], r["year"]) for r in report["rows"] if r["record_fits_law"] is False)
    # The Gambia: Watch List 2017-2018, Tier 3 2019, Watch List 2020 and 2021 (official 2021 narrative:
    # "remained on Tier 2 Watch List for the second consecutive year"); Algeria: Watch List 2017-2019,
    # Tier 3 2020-2021, Watch List 2022, Tier 3 2023, Watch List 2024 and 2025 (Factbook only).
    assert conflicts == [("DZA", 2025), ("GMB", 2021)]
    assert len([r for r in audit(ctx, [], 2019, None, )["rows"]]) == len(report["rows"])


def test_recorded_determinations_settle_the_measures(ctx):
    # FY2015 (PD 2014-16): full (d)(4) waiver for Malaysia, Tier 3 in the 2014 report.
    found = row(ctx, "MYS", 2014)
    (determination,) = [d for d in found["decisions"] if d["id"] == "presidential_determination"]
    assert determination["applied"] == "d4_full_waiver" and determination["settled_by"] == "record"
    assert determination["source"].startswith("pd_fy2015")
    consequences = {f["id"] for f in findings(found, "set_off")}
    assert "tier3.full_waiver" in consequences
    assert not {"tier3.withhold_nonhumanitarian_aid", "tier3.oppose_multilateral_lending",
                "mcc.candidacy_barred"} & consequences
    # PD 2014-16 of 2014-09-18: 90 days after the 2014 report of 2014-06-20, the last day of the window.
    assert determination["made_by"]["number"] == "2014-16" and determination["made_by"]["within_window"] is True


def test_a_tier3_year_without_a_recorded_determination_depends_on_it(ctx):
    # China 2017: no determination for FY2018 in the data; the measures depend on it, they are not certain.
    found = row(ctx, "CHN", 2017)
    (determination,) = [d for d in found["decisions"] if d["id"] == "presidential_determination"]
    assert determination["settled_by"] == "default" and determination["unrecorded"] is True
    lending = next(f for f in findings(found, "set_off") if f["id"] == "tier3.oppose_multilateral_lending")
    assert lending["status"] == "depends_on_decision"
    assert lending["depends_on_decisions"] == ["presidential_determination"]
    due = next(f for f in findings(found, "set_off") if f["id"] == "tier3.determination_due")
    assert due["status"] == "certain"  # the determination itself was due whatever it said


def test_a_determination_made_after_the_window_is_shown(ctx):
    # PD 2019-05 of 2018-11-29 concerned the 2018 report (released 2018-06-28): 154 days later, past the
    # 90 days of 7107(c) (window 2018-08-12 to 2018-09-26).
    found = row(ctx, "CHN", 2018)
    (determination,) = [d for d in found["decisions"] if d["id"] == "presidential_determination"]
    made = determination["made_by"]
    assert (made["number"], made["date"], made["within_window"]) == ("2019-05", "2018-11-29", False)
    assert made["window"] == {"from": "2018-08-12", "to": "2018-09-26"}


def test_whole_record_audit_explains_every_finding(ctx):
    report = audit(ctx, [], None, None, explain=True)
    # 3104 rows of the main file + 541 country-years the 2016-2025 findings add (12 of them also in the supplement)
    # + 8 years of the United States the supplement adds (2010-2015, 2017, 2018) + Aruba 2011 (pearlfm2011)
    assert len(report["rows"]) == 3654
    for found in report["rows"]:
        for finding in found["findings"]:
            if finding["audit"] == "indeterminate":
                assert finding["unknown_years"], found
                continue
            assert finding["cite"], (found["country"], found["year"], finding["id"])
            assert finding["because"], (found["country"], found["year"], finding["id"])


def test_history_shows_gaps_and_partly_known_years(ctx):
    report = history(ctx, "Malaysia")
    years = {r["year"]: r for r in report["rows"]}
    # 2025: Malaysia is not on the complete 2025 Watch List (25 names); the Tier 3 list is uncertain.
    assert years[2025]["tier"] == ["1", "2", "3", "special"] and years[2025]["findings"] == []
    assert "absent from the complete 2WL list" in years[2025]["basis"]
    assert years[2014]["tier"] == "3" and years[2014]["sources"][:2] == ["kelley_cho", "pd_fy2015"]
    assert years[2014]["confidence"] == "OFFICIAL"  # a presidential determination names it
    assert years[2019]["tier"] == "2WL" and years[2019]["confidence"] == "NEWS"


def test_the_documented_conflicts_of_the_later_findings_are_the_ones_the_loader_settles(ctx):
    text = (Path(__file__).resolve().parent.parent / "docs" / "data-conflicts.md").read_text(encoding="utf-8")
    section = text.split("## 5.")[1]
    documented = {(cells[2], int(cells[3]), cells[4]) for line in section.splitlines() if line.startswith("| ")
                  and (cells := [c.strip() for c in line.split("|")])[2] not in ("iso3", "---")}
    settled = {(c.code, c.year, c.kept) for c in ctx.record.conflicts}
    assert documented == settled == {("DJI", 2017, "2WL"), ("GMB", 2017, "2WL"), ("LBR", 2017, "2WL"),
                                     ("MYS", 2019, "2WL")}
