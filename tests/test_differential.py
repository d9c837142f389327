"""The two backends must give identical consequences, decisions and derivations on any history."""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import context
from tierlaw.backends import durable_available
from tierlaw.model import Placement
from tierlaw.queries import Case, evaluate_case

TIERS = ["1", "2", "2WL", "3", "special"]
EXAMPLES = int(os.environ.get("TIERLAW_EXAMPLES", "60"))

pytestmark = pytest.mark.skipif(not durable_available() and not os.environ.get("TIERLAW_REQUIRE_DURABLE"),
                                reason="durable-rules does not import on this Python")


@st.composite
def cases(draw):
    year = draw(st.integers(2003, 2025))
    start = draw(st.integers(2001, year))
    known = st.sampled_from(TIERS + [None]) | st.sets(st.sampled_from(TIERS), min_size=2, max_size=4)
    tiers = draw(st.lists(known, min_size=year - start, max_size=year - start))
    history = {y: Placement(year=y, tier=None, origin="unknown") for y in range(2001, year)}
    history.update({y: _placement(y, t) for y, t in zip(range(start, year), tiers)})
    proposed = Placement(year=year, tier=draw(st.sampled_from(TIERS)), origin="proposed")
    decided = draw(st.fixed_dictionaries({}, optional={
        "autodowngrade_waiver": st.sampled_from(["granted", "denied"]),
        "presidential_determination": st.sampled_from(["d1_sanctions", "d4_full_waiver", "d4_partial_waiver"]),
        "trade_letter": st.sampled_from(["submitted", "not_submitted"]),
    }))
    options = draw(st.fixed_dictionaries({}, optional={
        "waiver_transition": st.sampled_from(["count_old_waivers", "fresh_start_2019"]),
        "special_rule_f_history": st.sampled_from(["prospective", "literal"]),
        "special_rule_f_run": st.sampled_from(["two_years_and_any_waivers", "with_a_waiver_year"]),
        "special_rule_f_subsequently": st.sampled_from(["any_later_year", "immediately"]),
        "special_rule_f_reach": st.sampled_from(["every_later_stint", "next_stint_only"]),
    }))
    return Case("ZZZ", year, proposed, history, decided, {k: "user" for k in decided}), options


def _placement(year, tier):
    """A year known exactly, known only as a set of tiers, or unknown."""
    if isinstance(tier, (set, frozenset)):
        return Placement(year=year, tier=None, possible=tuple(sorted(tier)), origin="record")
    return Placement(year=year, tier=tier, origin="set" if tier else "unknown")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_backends_agree(case_and_options):
    case, options = case_and_options
    reference = evaluate_case(context("reference", **options), case)
    durable = evaluate_case(context("durable", **options), case)
    assert durable == reference
    assert reference["consequences"] or reference["proposed_tier"] == "special" or case.year < 2003
