"""Which uncertain years an answer depends on, checked against the definition.

A year Y is one an outcome "depends on" when two histories that differ in Y's tier alone, every other year
held, give different outcomes. The oracle below reads that definition literally: it fills in every uncertain
year in every way the history allows, evaluates each filled-in history (all its years known), and compares
neighbours. The engine instead reads the feature automata backwards (features.Layers.turning_years); until
2026-11-30 it listed every year that split a reading on the way, even where the readings merged again
(`whatif MYS 2027 --tier 2WL` said "depending on 2025, 2026", though no tier of 2025 changes anything once
2026 is fixed).
"""

import itertools
import os

from hypothesis import given, settings, strategies as st

from conftest import context
from tierlaw.forward import clock
from tierlaw.model import Placement
from tierlaw.queries import Case, evaluate_case, history_for, whatif

EXAMPLES = int(os.environ.get("TIERLAW_EXAMPLES", "25"))
TIERS = ("1", "2", "2WL", "3")
CONTEXTS = {backend: context(backend) for backend in ("reference", "durable")}


def _filled_in(uncertain: dict):
    """Every way of giving each uncertain year one of its tiers: {year: tier}."""
    years = sorted(uncertain)
    for tiers in itertools.product(*(uncertain[y] for y in years)):
        yield dict(zip(years, tiers))


def _depends_on(outcomes: dict, uncertain: dict) -> list:
    """The years Y for which two fillings that differ in Y alone have different outcomes (the definition)."""
    turning = set()
    for filling, outcome in outcomes.items():
        as_dict = dict(filling)
        for year in uncertain:
            for tier in uncertain[year]:
                other = tuple(sorted({**as_dict, year: tier}.items()))
                if outcomes[other] != outcome:
                    turning.add(year)
    return sorted(turning)


def _history(ctx, code, year, known: dict, uncertain: dict) -> dict:
    overrides = {**known, **{y: tuple(tiers) for y, tiers in uncertain.items()}}
    return history_for(ctx, code, year, overrides)


def _evaluated(ctx, code, year, proposed, history) -> dict:
    return evaluate_case(ctx, Case(code, year, Placement(year=year, tier=proposed, origin="proposed"), history),
                         explain=False)


def _shown(result) -> frozenset:
    return frozenset((c["id"], c["rule"]) for c in result["consequences"])


@st.composite
def uncertain_history(draw, within=7):
    """A question year, a known tier for every year from 2001 (the Watch List and Tier 3 more often: the law
    counts them), and one to three of the `within` years before the question known only as a set of tiers (two
    to four of them) or not at all."""
    year = draw(st.integers(2012, 2027))
    known = {y: draw(st.sampled_from(TIERS + ("2WL", "3"))) for y in range(2001, year)}
    years = draw(st.sets(st.integers(max(2001, year - within), year - 1), min_size=1, max_size=3))
    uncertain = {}
    for y in years:
        tiers = draw(st.sets(st.sampled_from(TIERS), min_size=2, max_size=4))
        uncertain[y] = tuple(sorted(tiers))
        known.pop(y)
    return year, known, uncertain


@settings(max_examples=EXAMPLES, deadline=None)
@given(uncertain_history(), st.sampled_from(TIERS), st.sampled_from(["MYS", "THA", "CUB", "NZL"]),
       st.sampled_from(sorted(CONTEXTS)))
def test_the_years_a_result_depends_on_are_those_that_turn_it(case, proposed, code, backend):
    ctx = CONTEXTS[backend]
    year, known, uncertain = case
    merged = _evaluated(ctx, code, year, proposed, _history(ctx, code, year, known, uncertain))
    filled = {tuple(sorted(f.items())): _evaluated(ctx, code, year, proposed, _history(ctx, code, year,
                                                                                        {**known, **f}, {}))
              for f in _filled_in(uncertain)}
    tiers = {f: r["effective_tier"] for f, r in filled.items()}
    if len(set(tiers.values())) > 1:
        assert merged["effective_tier"] is None
        assert merged["effective_tier_depends_on"] == _depends_on(tiers, uncertain)
    else:
        assert merged["effective_tier"] == next(iter(tiers.values()))
    for consequence in merged["consequences"]:
        key = (consequence["id"], consequence["rule"])
        present = {f: key in _shown(r) for f, r in filled.items()}
        if all(present.values()):
            assert consequence["status"] != "indeterminate", key
        else:
            assert consequence["depends_on_unknown_years"] == _depends_on(present, uncertain), key
    if "unknown_years" in merged:
        anything = {f: (r["effective_tier"], _shown(r), tuple(d["id"] for d in r["decisions"]))
                    for f, r in filled.items()}
        assert merged["unknown_years"] == _depends_on(anything, uncertain)


@settings(max_examples=max(5, EXAMPLES // 3), deadline=None)
@given(uncertain_history(within=4), st.sampled_from(["2WL", "2WL", "3"]))
def test_the_years_the_forward_clock_depends_on_are_those_that_turn_it(case, proposed):
    ctx = CONTEXTS["reference"]
    year, known, uncertain = case
    merged = clock(ctx, "THA", year, proposed, {**known, **{y: tuple(t) for y, t in uncertain.items()}}, years=3)
    filled = {tuple(sorted(f.items())): clock(ctx, "THA", year, proposed, {**known, **f}, years=3)
              for f in _filled_in(uncertain)}
    forced = {f: c["first_forced_change"] for f, c in filled.items()}
    if len(set(forced.values())) > 1:
        assert merged["depends_on_years"] == _depends_on(forced, uncertain)
    for i, merged_step in enumerate(merged["steps"]):
        outcome = {f: tuple(str(c["steps"][i][k]) for k in ("effective", "stands", "needs"))
                   for f, c in filled.items()}
        if len(set(outcome.values())) > 1:
            assert merged_step["depends_on_years"] == _depends_on(outcome, uncertain), merged_step["year"]
        else:
            assert "depends_on_years" not in merged_step


def test_malaysia_on_the_watch_list_in_2027_turns_on_2026_alone(ctx):
    # Malaysia: Tier 3 in 2022, the Watch List in 2023 (the one year (F) allows), Tier 2 in 2024; 2025 absent
    # from the complete Watch List (Tier 1, 2, 3 or special); 2026 not yet published. The Watch List in 2027
    # is barred by (F) (every later stint, the default reading) where 2026 was the Watch List too, and allowed
    # where 2026 was anything else, whatever 2025 was: so the answer turns on 2026 alone.
    result = whatif(ctx, "MYS", 2027, "2WL", what_follows=False, forward_years=0)
    hypothetical = result["hypothetical"]
    assert hypothetical["effective_tier"] is None
    assert hypothetical["effective_tier_possible"] == ["2WL", "3"]
    assert hypothetical["effective_tier_depends_on"] == [2026]
    assert "the law gives Tier 2 Watch List or Tier 3, depending on 2026" in result["summary"][0]


def test_histories_that_end_alike_keep_the_years_of_their_own_uncertainty():
    # Malaysia proposed for the Watch List after a year known only as Tier 2 or Tier 3 (which (F) and the special
    # watch list tell apart), asked of 2022 with 2021 uncertain and of 2023 with 2022 uncertain: both histories
    # leave the automata in the same states, so they share one evaluation; each names its own uncertain year.
    ctx = context("reference")

    def ask(year, sets):
        history = history_for(ctx, "MYS", year, {2020: "2", **sets})
        return _evaluated(ctx, "MYS", year, "2WL", history)
    first = ask(2022, {2021: ("2", "3")})
    evaluations = len(ctx.cache._by_states)
    second = ask(2023, {2021: "2", 2022: ("2", "3")})
    assert len(ctx.cache._by_states) == evaluations  # the second history reused the first one's evaluation
    assert (first["unknown_years"], second["unknown_years"]) == ([2021], [2022])


def test_the_page_names_the_years_the_effective_tier_turns_on():
    # as the headline: Malaysia on the Watch List in 2027 is one of the Watch List or Tier 3 depending on 2026
    from fastapi.testclient import TestClient
    from tierlaw.web import create_app
    with TestClient(create_app()) as client:
        page = client.get("/whatif?country=MYS&year=2027&tier=2WL").text
    effective = " ".join(page.split('id="effective"')[1].split("</p>")[0].split())
    assert "depending on 2026)" in effective and "2025" not in effective
    assert "(depends on 2026)" in page  # an indeterminate consequence names its own years
