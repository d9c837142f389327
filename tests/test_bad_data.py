"""Malformed data files (--data DIR) are refused with file, line and exit 2, like rule files."""

import json
import shutil

import pytest

from test_bad_input import assert_one_line_error, edit, run_cli
from tierlaw.paths import default_data_dir


def copy_data(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    return target


BROKEN_DATA = [
    ("tip_tiers.csv", "Malaysia,MYS,2014,3,", "Malaysia,MYS,2014,4,", ["tip_tiers.csv:", "unknown tier '4'"]),
    ("tip_tiers.csv", "Malaysia,MYS,2014,3,", "Malaysia,MYS,20x4,3,", ["tip_tiers.csv:", "not a whole number"]),
    ("tip_tiers.csv", "Malaysia,MYS,2014,3,", "Malaysia,MYS,2013,3,", ["tip_tiers.csv:", "second row for MYS 2013"]),
    ("tip_tiers.csv", "country,iso3,year,tier,source", "country,code,year,tier,source", ["tip_tiers.csv:1", "header"]),
    ("tip_tiers_supplement.csv", "Malaysia,MYS,2016,2WL", "Malaysia,MYS,2015,2WL",
     ["tip_tiers_supplement.csv:", "main record already has MYS 2015"]),
    ("report_dates.yaml", "2015: {date: 2015-07-27", "2015: {date: 2015-07-32", ["report_dates.yaml:", "impossible date"]),
    ("report_dates.yaml", "  2016:", "  2015:", ["report_dates.yaml:", "duplicate key 2015"]),
    ("countries.yaml", "codes:", "codes: !!python/object/apply:os.getcwd []\nx:", ["countries.yaml", "invalid YAML"]),
    ("agreements.yaml", "partners: [AUS, BRN,", "partners: [AUS, XYZ, BRN,", ["agreements.yaml:", "not in the record: XYZ"]),
    ("agreements.yaml", "    name: Trans-Pacific Partnership\n", "", ["agreements.yaml:", "needs a name and partners"]),
    # found by the fuzz suite: wrong shapes in data files used to end in an internal error
    ("agreements.yaml", "agreements:\n", "agreements:\nnothing:\n", ["agreements.yaml:4", "unknown top-level key"]),
    ("agreements.yaml", "agreements:\n  TPP:", "agreements:\n  TPP: 3\n  TTP:", ["agreements.yaml:4", "'TPP' needs"]),
    ("agreements.yaml", "partners: [AUS, BRN, CAN, CHL, JPN, MYS, MEX, NZL, PER, SGP, VNM]", "partners: AUS",
     ["agreements.yaml:7", "partners must be a list of text"]),
    ("agreements.yaml", "signed: {date: 2016-02-04,", "signed: {date: soon,", ["agreements.yaml:10", "'signed' needs"]),
    ("agreements.yaml", "closes: true}", "closes: yes please}", ["agreements.yaml:11", "'us_withdrawal' needs",
                                                               "closes: true or false"]),
    ("countries.yaml", "  SWZ: [Swaziland]", "  SWZ: Swaziland", ["countries.yaml:11", "aliases of 'SWZ'"]),
    ("countries.yaml", "  SWZ: [Swaziland]", "  SWX: [Swaziland]", ["countries.yaml:11", "'SWX' is not a code in the record"]),
    ("countries.yaml", "Kosovo: XKX", "Kosovo: [XKX]", ["countries.yaml:4", "three-letter code"]),
    ("tip_tiers.csv", "Malaysia,MYS,2014,3,", "Malaysia,MYS,20314,3,", ["tip_tiers.csv:", "year 20314 is outside the reports (2001 to"]),
    ("tip_tiers.csv", "Malaysia,MYS,2014,3,", "Malaysia,MYS,1999,3,", ["tip_tiers.csv:", "year 1999 is outside the reports (2001 to"]),
    ("report_dates.yaml", "  2015: {date: 2015-07-27", "  2999: {date: 2015-07-27", ["report_dates.yaml:7", "year 2999 is outside"]),
    ("report_dates.yaml", "  2015: {date: 2015-07-27", "  2015: {date: 9999-07-27", ["report_dates.yaml:7", "year 9999 is outside"]),
    ("report_dates.yaml", ', source: "Newsweek, Reuters"}', "}", ["report_dates.yaml:7", "source must be non-empty text"]),
    # the reports that could rank a country that did not always exist
    ("countries.yaml", "  SSD: {first_report: 2012,", "  SSD: {first_report: 2099,",
     ["countries.yaml:", "SSD's first_report must be a report year"]),
    ("countries.yaml", "  SXM: {first_report: 2011,", "  SXM: {first_report: 2011, last_report: 2010,",
     ["countries.yaml:", "in that order of years"]),
    ("countries.yaml", "  ABW: {first_rated: 2011,", "  ABW: {first_rated: 2011, last_report: 2010,",
     ["countries.yaml:", "in that order of years"]),
    ("countries.yaml", "  ABW: {first_rated: 2011,", "  ABW: {first_rated: 2016,",
     ["countries.yaml", "ABW was not ranked in 2011", "pearlfm2011 places it there"]),
    ("countries.yaml", ', rated_basis: "the 2011 report gave Aruba', ', rated: "the 2011 report gave Aruba',
     ["countries.yaml:", "unknown key 'rated' in ABW", "did you mean 'rated_basis'"]),
    ("countries.yaml", "  SSD: {first_report: 2012,", "  SSD: {first_reprot: 2012,", ["countries.yaml:", "first_reprot"]),
    ("countries.yaml", "  SSD: {first_report: 2012,", "  SSX: {first_report: 2012,",
     ["countries.yaml", "existed: 'SSX' is not a code in the record"]),
    ("countries.yaml", "  CUW: {first_report: 2011,", "  CUW: {first_report: 2016,",
     ["countries.yaml", "CUW was not ranked in 2011", "places it there"]),
]


@pytest.mark.parametrize("file, old, new, fragments", BROKEN_DATA)
def test_broken_data_is_refused(capsys, tmp_path, file, old, new, fragments):
    data = copy_data(tmp_path)
    edit(data / file, old, new)
    assert_one_line_error(*run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--data", str(data)), *fragments)


def test_missing_and_oversized_data_files_are_refused(capsys, tmp_path):
    data = copy_data(tmp_path)
    (data / "report_dates.yaml").unlink()
    assert_one_line_error(*run_cli(capsys, "history", "MYS", "--data", str(data)), "report_dates.yaml", "no such file")
    data = copy_data(tmp_path / "big")
    with (data / "tip_tiers_supplement.csv").open("a") as handle:
        handle.write("Nowhere,NWH,2001,1,x\n" * 200_000)
    assert_one_line_error(*run_cli(capsys, "history", "MYS", "--data", str(data)), "file too large")


def test_a_record_with_no_placement_answers_without_crashing(capsys, tmp_path):
    # found by a review: a valid data directory holding no placement (every list and table down to its header)
    # made `check` and a what-if end in "internal error: max() arg is an empty sequence"
    data = copy_data(tmp_path)
    for path in data.iterdir():
        if path.suffix == ".csv":
            path.write_text(path.read_text().splitlines()[0] + "\n")
    (data / "countries.yaml").write_text("codes: {}\naliases: {}\n")
    (data / "agreements.yaml").write_text("agreements: {}\n")
    code, out, err = run_cli(capsys, "check", "--data", str(data))
    assert code == 0 and "no problem" in out, err
    code, out, err = run_cli(capsys, "whatif", "ZZA", "2014", "--tier", "2WL", "--set", "2013=2", "--data", str(data),
                             "--format", "json", "--backend", "reference")
    assert code == 0, err
    report = json.loads(out)
    assert report["receipt"]["record_through"] is None and report["period"]["record_through"] is None
    assert "The record holds no report: nothing of the 2014 report is known here" in report["summary"]
