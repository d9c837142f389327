"""The two backends must give identical consequences, decisions and derivations on any history."""

import os

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import context
from tierlaw import testing
from tierlaw.backends import durable_available
from tierlaw.queries import evaluate_case

EXAMPLES = int(os.environ.get("TIERLAW_EXAMPLES", "60"))

pytestmark = pytest.mark.skipif(not durable_available() and not os.environ.get("TIERLAW_REQUIRE_DURABLE"),
                                reason="durable-rules does not import on this Python")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(testing.cases(context("reference"), sets=True))
def test_backends_agree(case_and_options):
    case, options = case_and_options
    reference = evaluate_case(context("reference", **options), case)
    durable = evaluate_case(context("durable", **options), case)
    assert durable == reference
    assert reference["consequences"] or reference["proposed_tier"] == "special" or case.year < 2003
