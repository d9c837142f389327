"""A year in which a country did not exist is known: not ranked, not a gap (data/countries.yaml `existed`).

South Sudan became independent on 2011-07-09, after the 2011 report's release (2011-06-27): no report before
2012 could rank it. The Netherlands Antilles were dissolved on 2010-10-10, after the 2010 report: none after
2010 could. Until 2026-11-30 those years read as gaps or as sets of tiers (absent from a complete list), so
South Sudan's Watch List years 2012-2014 "depended on" 2009-2011, and the Netherlands Antilles got a forward
clock proposing the Watch List for 2026 on.
"""

from conftest import context
from test_bad_input import assert_one_line_error, run_cli
from tierlaw.audit import history
from tierlaw.queries import whatif


def _rows(report):
    return {row["year"]: row for row in report["rows"]}


def test_years_before_a_country_existed_are_not_ranked_not_unknown(ctx):
    rows = _rows(history(ctx, "SSD"))
    for year in range(2001, 2012):
        assert rows[year]["tier"] == "not_ranked" and "2011-07-09" in rows[year]["basis"], year
    assert rows[2012]["tier"] == "2WL"


def test_a_run_that_starts_when_the_country_does_is_judged_fully(ctx):
    # South Sudan: the Watch List in 2012, 2013 and 2014, then Tier 3 in 2015. The run starts in 2012, so
    # nothing in 2012-2014 depends on earlier years. The third year on the list (2014) stood on the first waiver
    # of the automatic downgrade ((D)(ii)); in 2015 a second waiver could have kept it there, so Tier 3 was
    # chosen, not required.
    rows = _rows(history(ctx, "SSD"))
    for year in (2012, 2013, 2014):
        assert rows[year]["record_fits_law"] is True, year
        assert all(f["status"] == "certain" for f in rows[year]["findings"]), year
    judged = [f for f in rows[2015]["findings"] if f["audit"] in ("required", "chosen", "gap")]
    assert [(f["audit"], f["also_allowed"]) for f in judged] == \
        [("chosen", [{"tier": "2WL", "with": ["autodowngrade_waiver=granted"]}])]


def test_no_placement_can_be_proposed_for_a_year_the_country_did_not_exist(capsys):
    code, out, err = run_cli(capsys, "whatif", "SSD", "2009", "--tier", "2WL")
    assert_one_line_error(code, out, err, "YEAR", "South Sudan (SSD) could not be ranked in the 2009 report",
                          "2011-07-09", "only reports from 2012 on can rank it")
    code, out, err = run_cli(capsys, "whatif", "SSD", "2013", "--tier", "3", "--set", "2010=2WL")
    assert_one_line_error(code, out, err, "--set", "could not be ranked in the 2010 report")
    code, out, err = run_cli(capsys, "whatif", "ANT", "2012", "--tier", "2WL")
    assert_one_line_error(code, out, err, "could not be ranked in the 2012 report", "only reports up to 2010")


def test_a_country_that_ceased_to_exist_has_no_forward_clock(ctx):
    report = history(ctx, "ANT")
    assert "forward" not in report
    assert report["no_forward"]["year"] == 2010 and "2010-10-10" in report["no_forward"]["basis"]
    assert any(line.startswith("Next years: none; no report after 2010 can rank it") for line in report["summary"])
    # a question about its last years: the clock stops at the last report that could rank it
    forward = whatif(ctx, "ANT", 2009, "2WL")["forward"]
    assert [step["year"] for step in forward["steps"]] == [2009, 2010]
    assert forward["last_report"]["year"] == 2010


def test_the_years_a_territory_was_not_a_country_are_not_ranked_on_both_backends():
    # Curaçao and Sint Maarten became countries of the Kingdom of the Netherlands on 2010-10-10
    for backend in ("reference", "durable"):
        rows = _rows(history(context(backend), "CUW"))
        assert rows[2010]["tier"] == "not_ranked" and rows[2011]["tier"] == "2WL"


def test_the_years_a_country_could_not_be_ranked_read_as_one_span(capsys):
    code, out, _ = run_cli(capsys, "history", "SSD", "--backend", "reference")
    assert code == 0
    assert "\n2001-2011 not ranked: South Sudan became independent of Sudan on 2011-07-09" in out
    assert "\n2005 " not in out and "2012 Tier 2 Watch List" in out


def test_the_country_page_shows_the_span_without_a_what_if_link():
    from fastapi.testclient import TestClient
    from tierlaw.web import create_app
    with TestClient(create_app()) as client:
        page = client.get("/country/SSD").text
    row = page.split('id="y2001"')[1].split("</tr>")[0]
    assert "2001-2011" in row and "not ranked" in row and "/whatif?" not in row
    assert 'id="y2005"' not in page and 'href="/whatif?country=SSD&amp;year=2012&amp;tier=2WL"' in page


def test_a_year_before_the_reports_first_rated_a_country_is_known_not_ranked_and_can_be_asked(ctx, capsys):
    # The US Consulate General Curaçao on the 2011 report (printed by Pearl FM Radio, 2011-06-27): it "included
    # the first ever ratings for Curacao and Aruba", "Aruba was ranked Tier Two", and "The Netherlands Antilles was
    # rated in 2009 and 2010".
    aruba = _rows(history(ctx, "ABW"))
    assert (aruba[2011]["tier"], aruba[2011]["confidence"], aruba[2011]["sources"]) == ("2", "NEWS", ["pearlfm2011"])
    assert all(aruba[year]["tier"] == "not_ranked" and "first rating" in aruba[year]["basis"]
               for year in range(2001, 2011))
    # Aruba existed: a what-if about a year no report rated it is a fair question, answered, not refused
    code, out, _ = run_cli(capsys, "whatif", "ABW", "2005", "--tier", "2WL", "--backend", "reference")
    assert code == 0 and out.startswith("Aruba (ABW), 2005 report: Tier 2 Watch List where the report did not rank it")
    # the Antilles' first rating, on the Watch List in 2009, was no move up from Tier 3: 2008 was on no list
    antilles = _rows(history(ctx, "ANT"))
    assert antilles[2008]["tier"] == "not_ranked" and antilles[2009]["features"]["prev_tier"] == "not_ranked"
    assert "swl.category_ii" not in {f["id"] for f in antilles[2009]["findings"]}
