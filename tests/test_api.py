"""The Python API (issue 14, item 6): `str` or `date` for dates, `str` or `Path` for paths, docstrings
on every public function, and errors phrased for Python (no command-line flags in them)."""

import datetime as dt
import inspect
from pathlib import Path

import pytest

from conftest import context
from tierlaw import audit as audit_module
from tierlaw import queries, scenario, trade as trade_module
from tierlaw.audit import audit, history
from tierlaw.errors import InputError
from tierlaw.paths import default_data_dir, default_rules_dir, default_scenarios_dir
from tierlaw.queries import Context, whatif, whatif_all
from tierlaw.scenario import run
from tierlaw.trade import trade

SCENARIO = default_scenarios_dir() / "malaysia-2015-tpp.yaml"


@pytest.fixture(scope="module")
def ctx():
    return context("reference")


def test_a_context_takes_directories_as_str_or_path(ctx):
    as_text = Context(str(default_rules_dir()), str(default_data_dir()), backend="reference")
    as_path = Context(default_rules_dir(), default_data_dir(), backend="reference")
    assert as_text.receipt() == as_path.receipt() == ctx.receipt()


def test_whatif_takes_dates_years_tiers_and_sets_in_any_usual_form(ctx):
    plain = whatif(ctx, "MYS", 2015, "3", ["2014=3"], on=dt.date(2016, 2, 4), forward_years=0)
    loose = whatif(ctx, "Malaysia", "2015", 3, {2014: "tier 3"}, on="2016-02-04", forward_years=0)
    stamped = whatif(ctx, "MYS", 2015, "t3", "2014=3", on=dt.datetime(2016, 2, 4, 12, 30), forward_years=0)
    assert plain == loose == stamped
    assert plain["on"] == "2016-02-04" and plain["year"] == 2015


def test_decisions_as_a_mapping_or_texts(ctx):
    texts = whatif(ctx, "MYS", 2015, "3", decide=["presidential_determination=d4_full_waiver"], forward_years=0)
    mapping = whatif(ctx, "MYS", 2015, "3", decide={"presidential_determination": "d4_full_waiver"}, forward_years=0)
    assert texts == mapping
    settled = {d["id"]: d["settled_by"] for d in texts["hypothetical"]["decisions"]}
    assert settled["presidential_determination"] == "user"


def test_trade_takes_a_date_as_text(ctx):
    assert trade(ctx, agreement="TPP", on="2015-10-05") == trade(ctx, [], "TPP", dt.date(2015, 10, 5))
    one = trade(ctx, "Malaysia", on="2015-10-05")  # one partner as plain text
    assert [p["country"] for p in one["partners"]] == ["MYS"]


def test_audit_and_history_take_years_and_countries_loosely(ctx):
    loose = audit(ctx, "MYS", "2014", "2015")
    strict = audit(ctx, ["MYS"], 2014, 2015)
    assert loose == strict and [row["year"] for row in strict["rows"]] == [2014, 2015]
    assert history(ctx, "malaysia")["country"] == "MYS"


def test_run_takes_a_path_as_str_or_path(ctx):
    assert run(ctx, str(SCENARIO)) == run(ctx, SCENARIO)


@pytest.mark.parametrize("call, message", [
    (lambda c: whatif(c, "MYS", 2015, "3", on="2015-13-01"), "on: '2015-13-01' is not a date YYYY-MM-DD"),
    (lambda c: whatif(c, "MYS", 2015, "3", on=20151001), "on: 20151001 is not a date YYYY-MM-DD"),
    (lambda c: whatif(c, "MYS", "twenty", "3"), "year: 'twenty' is not a report year"),
    (lambda c: whatif(c, "MYS", 2015, "4"), "tier: unknown tier '4' (tiers: 1, 2, 2WL, 3, special; any case, or "
                                            "by name: Tier 1, Tier 2, Tier 2 Watch List, Tier 3, Special case)"),
    (lambda c: whatif(c, "MYS", 2015, "3", ["2016=3"]),
     "sets: 2016 is after the question year 2015: a what-if reads only the years before it, and the forward "
     "clock proposes the later years itself (forward_years=)"),
    (lambda c: whatif(c, "MYS", 2015, "3", ["2015=3"]), "sets: 2015 is the question year; give its tier with tier="),
    (lambda c: whatif(c, "MYS", 2015, "3", [2014]), "sets: expected YEAR=TIER texts or a mapping, not 2014"),
    (lambda c: whatif(c, "XYZ", 2015, "3"),
     "country: unknown country 'XYZ' (a country not in the record takes a code from ISO 3166-1's user-assigned "
     "ranges (AAA-AAZ, QMA-QZZ, "
     "XAA-XZZ, ZZA-ZZZ) and its earlier placements given with sets=)"),
    (lambda c: whatif(c, "MYS", 2015, "3", decide=["nothing=1"]),
     "decide: 'nothing=1': expected DECISION=OPTION with a decision among autodowngrade_waiver, "
     "hosts_athletic_competition, partial_waiver_lending, presidential_determination, prior_fy_assistance, "
     "special_rule_f_placement, "
     "trade_letter"),
    (lambda c: whatif(c, "MYS", 2015, "3", forward_years="six"), "forward_years: 'six' is not a number of reports "
                                                                 "(0 or more)"),
    (lambda c: whatif_all(c, "MYS", 2015, decide=["trade_letter=submitted"]),
     "tier: a decision belongs to one tier: give decide= with a single tier=, not all"),
    (lambda c: audit(c, [], 2026), "first/last: no recorded placement from 2026: the record covers 2001 to 2025"),
    (lambda c: audit(c, [], 2020, 2010), "first/last: the range starts (2020) after it ends (2010)"),
    (lambda c: trade(c, [], "TPP"), "on: give the date on which the implementing bill is considered"),
    (lambda c: trade(c, [], None, "2015-10-05"), "partners/agreement: give either partner countries or an agreement "
                                                 "(agreement=)"),
    (lambda c: run(c, 42), "path: expected a path (str or pathlib.Path), not 42"),
    (lambda c: Context(options={"waiver_transition": "maybe"}, backend="reference"),
     "options: option 'waiver_transition' has no choice 'maybe' (choices: count_old_waivers, fresh_start_2019)"),
    (lambda c: Context(backend="prolog"), "backend: unknown backend 'prolog' (choose durable or reference)"),
    (lambda c: Context(rules_dir=3, backend="reference"), "rules_dir: expected a path (str or pathlib.Path), not 3"),
])
def test_errors_are_phrased_for_python(ctx, call, message):
    with pytest.raises(InputError) as caught:
        call(ctx)
    assert str(caught.value) == message
    assert "--" not in str(caught.value)


def test_a_missing_directory_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="rulebook directory not found"):
        Context(str(tmp_path / "nope"), backend="reference")
    with pytest.raises(InputError, match="no such file"):
        Context(data_dir=str(tmp_path), backend="reference")


def test_every_public_function_has_a_docstring():
    for module in (queries, audit_module, trade_module, scenario):
        for name, member in vars(module).items():
            if name.startswith("_") or getattr(member, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(member) or inspect.isclass(member):
                assert inspect.getdoc(member), f"{module.__name__}.{name} has no docstring"


@pytest.mark.parametrize("function, command", [(whatif, "whatif"), (whatif_all, "whatif --tier all"),
                                               (audit, "audit"), (history, "history"), (trade, "trade"),
                                               (run, "run")])
def test_the_query_docstrings_say_what_they_return(function, command):
    doc = inspect.getdoc(function)
    assert f"`tierlaw {command} --format json` prints" in doc.replace("\n", " ")


def test_the_readme_example_runs():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    block = readme.split("## Python API", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(block.replace("ctx = Context()", "ctx = Context(backend='reference')"), "README.md", "exec"),
         namespace)
    assert namespace["report"]["hypothetical"]["effective_tier"] == "3"


def test_with_options_takes_none_as_no_option_chosen(ctx):
    other = ctx.with_options(None)
    assert other.options == ctx.with_options({}).options and other.chosen_options == {}
