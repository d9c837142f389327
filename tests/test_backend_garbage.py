"""The backends' runs leave no garbage in cycles (a cycle per run set off collections that rescanned every
object a process held: a tenth of the durable engine's time), and the durable adapter still reports an
exception raised inside an action, which durable-rules itself records and swallows."""

import gc

import pytest

from conftest import BACKENDS, _backend_or_skip
from tierlaw.queries import Case, Context, evaluate_case, history_for

# Countries whose records run through the Watch List, Tier 3 and back: every stratum of the rules fires.
COUNTRIES = ("MYS", "THA", "RUS", "CUB")


@pytest.mark.parametrize("name", BACKENDS)
def test_evaluating_the_record_afresh_leaves_no_garbage_in_cycles(name):
    ctx = Context(backend=_backend_or_skip(name), cache=False)  # every case runs on the backend
    cases = [Case(code, year, placement, history_for(ctx, code, year, {}))
             for code in COUNTRIES for year, placement in sorted(ctx.record.placements[code].items())]
    evaluate_case(ctx, cases[0])  # registers the rulesets and fills process-wide tables once
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        results = [evaluate_case(ctx, case) for case in cases]
        found = gc.collect()
    finally:
        if was_enabled:
            gc.enable()
    assert sum(len(r["consequences"]) for r in results) > len(cases)  # the runs did fire rules
    assert found == 0


def test_an_exception_inside_a_durable_action_is_raised_not_swallowed(monkeypatch):
    _backend_or_skip("durable")
    from tierlaw.backends import durable

    class Failing(list):
        def append(self, item):
            raise ValueError("the action failed")

    ctx = Context(backend="durable", cache=False)
    case = Case("MYS", 2015, ctx.record.placements["MYS"][2015], history_for(ctx, "MYS", 2015, {}))
    monkeypatch.setattr(durable, "_trace", Failing())  # the recorder action appends each match to it
    with pytest.raises(RuntimeError, match="swallowed an exception in an action: exception caught the action failed"):
        evaluate_case(ctx, case)
