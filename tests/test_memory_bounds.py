"""A long-running server keeps a bounded amount: equal compiled books are kept once, per-book tables start
afresh when full (and then answer as before), and sweeps that overlap leave the garbage collector as they
found it."""

import datetime as dt
import gc
import json

import pytest

from tierlaw import memo, parallel
from tierlaw.cache import feature_tests
from tierlaw.queries import Case, Context, evaluate_case, history_for


def _whatif(ctx, code, year, tier, on=None):
    case = Case(code, year, ctx.record.placements[code][year], history_for(ctx, code, year, {}), on=on)
    case = Case(code, year, type(case.proposed)(year=year, tier=tier, origin="proposed"), case.history, on=on)
    return json.dumps(evaluate_case(ctx, case), sort_keys=True)


def test_asking_about_every_date_of_a_report_period_keeps_a_bounded_number_of_books(monkeypatch):
    # each date compiles its own book (rules that hold while the report is the most recent hold until the
    # date asked about); a server asked about every date keeps at most BOOKS_PER_CONTEXT, then starts afresh
    fresh = Context(backend="reference")
    start, until = fresh.period(2015)
    dates = [start + dt.timedelta(days=n) for n in range(0, (until - start).days, 5)]
    expected = {day: _whatif(fresh, "MYS", 2015, "3", day) for day in dates[:12]}
    monkeypatch.setattr(memo, "BOOKS_PER_CONTEXT", 4)
    ctx = Context(backend="reference")
    for day in dates:
        ctx.book(2015, day)
        assert len(ctx._books) <= 4
    assert len(set(expected.values())) == len(expected)  # every date reads differently (its holding period)
    for day, answer in expected.items():  # books compiled again give each date its own answer
        assert _whatif(ctx, "MYS", 2015, "3", day) == answer


def test_a_full_per_book_table_starts_afresh_and_answers_as_before(monkeypatch):
    expected = {year: _whatif(Context(backend="reference"), "MYS", year, "2WL") for year in range(2010, 2020)}
    monkeypatch.setattr(memo, "BOOKS_KEPT", 3)
    feature_tests.table.clear()
    ctx = Context(backend="reference", cache=False)
    for year, answer in expected.items():
        assert _whatif(ctx, "MYS", year, "2WL") == answer
        assert len(feature_tests.table) <= 3


@pytest.mark.parametrize("pauses", [(False, False), (True, False), (False, True), (True, True)])
def test_sweeps_that_overlap_leave_the_collector_as_they_found_it(pauses):
    # two server threads' sweeps: the first ends while the second still runs (entered and left by hand)
    before = gc.isenabled(), gc.get_threshold()
    first, second = (parallel.collector_paused(pause) for pause in pauses)
    first.__enter__()
    second.__enter__()
    assert gc.get_threshold()[2] == parallel.FULL_COLLECTIONS_AFTER
    assert gc.isenabled() is not any(pauses)
    first.__exit__(None, None, None)
    assert gc.get_threshold()[2] == parallel.FULL_COLLECTIONS_AFTER  # the second sweep still runs
    assert gc.isenabled() is not pauses[1]
    second.__exit__(None, None, None)
    assert (gc.isenabled(), gc.get_threshold()) == before
