"""The shipped record and the audit of it, against cases worked by hand from STATUTE.md section 7."""

import csv
from pathlib import Path

import pytest

from conftest import context
from tierlaw.audit import audit, history
from tierlaw.paths import default_data_dir

D_I = "22 U.S.C. 7107(b)(2)(D)(i)"


def row(ctx, country, year, **options):
    report = audit(context(ctx.backend.NAME, **options) if options else ctx, [country], year, year)
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


def test_china_2017_tier3_was_required_only_because_no_second_waiver_was_granted(ctx):
    # Watch List 2014-2016 (2016 on the first waiver): under the 2-year cap a second waiver was possible.
    (required,) = findings(row(ctx, "CHN", 2017), "required")
    assert required["rule"] == "autodowngrade.required.no_waiver"
    assert "autodowngrade_waiver" in required["open_decisions"]


def test_cuba_2019_tier3_required_after_two_waivers(ctx):
    # Watch List 2015 and 2016, waivers 2017 and 2018; the 2019 law allows one waiver and old ones count.
    (required,) = findings(row(ctx, "CUB", 2019), "required")
    assert required["cite"] == D_I and required["rule"] == "autodowngrade.required.waivers_exhausted"


def test_a_gap_makes_dependent_findings_indeterminate(ctx):
    # Aruba: Watch List 2020-2022 and no placement for 2019; the 2022 placement needed a waiver only if
    # 2019 was not on the Watch List, and was not allowed at all if it was.
    found = row(ctx, "ABW", 2022)
    assert found["record_fits_law"] is None
    (gap,) = findings(found, "indeterminate")
    assert 2019 in gap["unknown_years"]


def test_malaysia_2019_is_flagged_not_corrected_under_the_literal_reading_of_f(ctx):
    # Watch List 2010-2013 then Tier 3 in 2014 sets off (F) if runs before 2019 count (the default reading):
    # then the 2018 Watch List year was the one allowed, and 2019 on the Watch List was not.
    found = row(ctx, "MYS", 2019)
    assert found["tier"] == "2WL" and found["record_fits_law"] is False
    (anomaly,) = findings(found, "anomaly")
    assert anomaly["cite"] == "22 U.S.C. 7107(b)(2)(F)"
    assert "special_rule_f_history=from_2019" in anomaly["fits_law_with_option"]


def test_malaysia_2020_needed_its_waiver_when_f_counts_from_2019(ctx):
    # The 2020 waiver is documented (State memorandum 2020): Watch List 2018 and 2019, 2020 the waiver year.
    found = row(ctx, "MYS", 2020, special_rule_f_history="from_2019")
    assert found["record_fits_law"] is True
    assert [(d["id"], d["applied"]) for d in found["decisions"]] == [("autodowngrade_waiver", "granted")]


def test_whole_record_audit_explains_every_finding(ctx):
    report = audit(ctx, [], None, None)
    assert len(report["rows"]) == 3116  # 3104 rows of the main file + 12 from the supplement
    for found in report["rows"]:
        for finding in found["findings"]:
            if finding["audit"] == "indeterminate":
                assert finding["unknown_years"], found
                continue
            assert finding["cite"], (found["country"], found["year"], finding["id"])
            assert finding["because"], (found["country"], found["year"], finding["id"])


def test_history_shows_gaps_as_gaps(ctx):
    report = history(ctx, "Malaysia")
    years = {r["year"]: r for r in report["rows"]}
    assert years[2025]["tier"] is None and years[2025]["findings"] == []
    assert years[2014]["tier"] == "3" and years[2014]["sources"][:2] == ["kelley_cho", "pd_fy2015"]
