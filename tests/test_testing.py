"""tierlaw.testing used as a rule author uses it: the property test of docs/testing.md holds on the shipped
rulebook and finds, on a copy with the 2019 waiver cap set back to 2 years, the counterexample
`tierlaw check --exhaustive` reports; the strategies draw what the engine accepts."""

import os
import re
import shlex
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from test_bad_input import run_cli
from test_cases import cap_back_to_two_years
from tierlaw import testing
from tierlaw.queries import evaluate_case

DOCS = Path(__file__).resolve().parent.parent / "docs" / "testing.md"
SHIPPED = testing.context()
EXAMPLES = int(os.environ.get("TIERLAW_EXAMPLES", "60"))


def documented_property(rules) -> dict:
    """The property test of docs/testing.md, run against `rules` (None: the shipped rulebook)."""
    text = DOCS.read_text().split("## Property tests of an amended rulebook", 1)[1]
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    assert 'testing.context("rules-cap2")' in code
    namespace = {}
    exec(compile(code.replace('"rules-cap2"', repr(str(rules) if rules else None)), str(DOCS), "exec"), namespace)
    return namespace


def test_the_documented_property_holds_on_the_shipped_rulebook():
    documented_property(None)["test_the_rulebook_keeps_its_invariants"]()


def material(command: str) -> tuple:
    """What a counterexample command says: year, proposal, decisions, options, and every placement set
    (ranges written out), the background Tier 2 left aside."""
    words = shlex.split(command)
    placed = {}
    for value in (words[i + 1] for i, w in enumerate(words) if w == "--set"):
        span, tier = value.split("=")
        first, _, last = span.partition("-")
        placed.update({y: tier for y in range(int(first), int(last or first) + 1)})
    flags = sorted(f"{w} {words[i + 1]}" for i, w in enumerate(words) if w in ("--decide", "--option"))
    return words[3], words[5], flags, {y: t for y, t in placed.items() if t != "2"}


def test_the_documented_property_finds_the_counterexample_of_check_exhaustive(capsys, tmp_path):
    rules = cap_back_to_two_years(tmp_path)
    code, out, err = run_cli(capsys, "check", "--exhaustive", "--years", "4", "--rules", str(rules),
                             "--backend", "reference")
    assert code == 2
    problem = re.search(r"^V001 (.*)$", err, re.M).group(1)
    exhaustive = err.split("smallest history: ")[1].splitlines()[0]
    with pytest.raises(testing.InvariantViolation) as found:
        documented_property(rules)["test_the_rulebook_keeps_its_invariants"]()
    assert found.value.problem == problem
    assert found.value.command == exhaustive
    # Worked by hand: Watch List 2016-2018 and a waiver in 2019 keep a fourth consecutive year, past the 2019 cap of 3.
    assert material(exhaustive) == ("2019", "2WL", ["--decide autodowngrade_waiver=granted"],
                                    {2016: "2WL", 2017: "2WL", 2018: "2WL"})


def test_assert_invariants_names_the_history_of_a_known_violation(tmp_path):
    ctx = testing.context(cap_back_to_two_years(tmp_path))
    trajectory = testing.Trajectory(2019, ("2WL",) * 4, {"autodowngrade_waiver": "granted"})
    with pytest.raises(testing.InvariantViolation, match="watch_list_run_cap: 4 consecutive") as found:
        testing.assert_invariants(ctx, trajectory)
    assert found.value.command == ("tierlaw whatif ZZZ 2022 --tier 2WL --set 2001-2018=2 --set 2019=2WL "
                                   "--set 2020=2WL --set 2021=2WL --decide autodowngrade_waiver=granted "
                                   f"--rules {ctx.rules_dir}")  # the amended copy: the command reproduces
    assert testing.invariant_violation(SHIPPED, trajectory) is None  # the shipped cap of 1 forces Tier 3 in 2022


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(testing.cases(SHIPPED))
def test_generated_cases_are_cases_the_engine_answers(case_and_options):
    case, options = case_and_options
    assert set(options) <= set(SHIPPED.rulebook.options)
    assert all(p.tier is None or p.tier in SHIPPED.rulebook.tiers for p in case.history.values())
    result = evaluate_case(SHIPPED.with_options({**SHIPPED.options, **options}), case)
    assert result["proposed_tier"] == case.proposed.tier


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.data())
def test_histories_cover_every_year_before_the_question(data):
    year = data.draw(testing.report_years(SHIPPED))
    history = data.draw(testing.histories(SHIPPED, year, sets=True))
    assert sorted(history) == list(range(SHIPPED.first_year, year))
    for value in history.values():
        assert value is None or value in SHIPPED.rulebook.tiers or (
            isinstance(value, tuple) and len(value) >= 2 and set(value) <= set(SHIPPED.rulebook.tiers))


def effective_tiers(result: dict) -> set:
    return set(result.get("effective_tier_possible") or [result["effective_tier"]])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data())
def test_a_year_known_as_a_set_of_tiers_reads_as_each_of_its_tiers(data):
    """A year known only as one of some tiers gives exactly the answers the tiers give one by one."""
    case, _ = data.draw(testing.cases(SHIPPED, first=SHIPPED.first_year + 1, unknown=False))
    year = data.draw(st.sampled_from(sorted(case.history)))
    tiers = data.draw(testing.tier_sets(SHIPPED))
    assume(case.history[year].tier in tiers)
    with_set = {**{y: p.tier for y, p in case.history.items()}, year: tiers}
    each = set().union(*(effective_tiers(evaluate_case(SHIPPED, _with(case, {**with_set, year: t}))) for t in tiers))
    assert effective_tiers(evaluate_case(SHIPPED, _with(case, with_set))) == each


def _with(case, history: dict):
    import attrs
    return attrs.evolve(case, history=testing.as_placements(history))
