"""A long-running server keeps a bounded amount: equal compiled books are kept once, per-book tables start
afresh when full (and then answer as before), and sweeps that overlap leave the garbage collector as they
found it."""

import datetime as dt
import gc
import json
import threading
import weakref

import pytest

from tierlaw import memo, parallel
from tierlaw.cache import feature_tests
from tierlaw.compile import law_key
from tierlaw.queries import Context, whatif


def _whatif(ctx, code, year, tier, on=None):
    return json.dumps(whatif(ctx, code, year, tier, on=on, forward_years=0), sort_keys=True)


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
    tables = [feature_tests.table, law_key.table]  # tables whose entries feed the cache's keys
    for table in tables:
        table.clear()
    ctx = Context(backend="reference")  # the evaluation cache on: its keys are read from those tables
    sizes = []
    for year, answer in expected.items():  # a book per report year: ten books through tables of three
        assert _whatif(ctx, "MYS", year, "2WL") == answer
        sizes.append([len(table) for table in tables])
    assert max(max(row) for row in sizes) <= 3
    assert all(any(row[i] < previous[i] for previous, row in zip(sizes, sizes[1:])) for i in range(len(tables)))


def test_compiled_rules_shared_by_books_start_afresh_when_full_and_answer_as_before(monkeypatch):
    # report years that resolve a rule alike share one compiled rule (and its stratified book, its text):
    # tables bounded like the per-book ones
    from tierlaw import compile as compiling
    expected = {year: _whatif(Context(backend="reference"), "MYS", year, "2WL") for year in range(2008, 2020)}
    monkeypatch.setattr(compiling, "RULES_KEPT", 20)
    monkeypatch.setattr(compiling, "BOOKS_KEPT", 2)
    stratified = _Counted()  # a what-if compiles several books (other readings too): count its fresh starts
    monkeypatch.setattr(compiling, "_stratified", stratified)
    tables = [compiling._compiled, compiling._texts, stratified]
    for table in tables:
        table.clear()
    stratified.fresh_starts = 0
    ctx = Context(backend="reference")
    sizes = []
    for year, answer in expected.items():
        assert _whatif(ctx, "MYS", year, "2WL") == answer
        sizes.append([len(table) for table in tables])
    largest = [max(row[i] for row in sizes) for i in range(3)]
    assert largest[0] <= 20 and largest[1] <= 20 and largest[2] <= 2 and min(largest) > 0
    assert all(any(row[i] < previous[i] for previous, row in zip(sizes, sizes[1:])) for i in range(2))
    assert stratified.fresh_starts >= len(expected)  # more books than it keeps: it started afresh again and again


class _Counted(dict):
    """A table that counts how often it starts afresh."""

    fresh_starts = 0

    def clear(self):
        self.fresh_starts += 1
        super().clear()


class _Cycle:
    def __init__(self):
        self.itself = self


@pytest.mark.parametrize("pauses", [(False, False), (True, False), (False, True), (True, True)])
def test_sweeps_that_overlap_in_threads_leave_the_collector_as_they_found_it(pauses):
    # two server threads' sweeps: the first ends while the second still runs
    before = gc.isenabled(), gc.get_threshold()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with parallel.collector_paused(pauses[0]):
            first_in.set()
            second_in.wait(10)
            garbage = _Cycle()  # cyclic garbage left while both sweeps run
            seen["garbage"] = weakref.ref(garbage)
            del garbage
        first_out.set()

    def second():
        first_in.wait(10)
        with parallel.collector_paused(pauses[1]):
            seen["both"] = gc.isenabled(), gc.get_threshold()[2]
            second_in.set()
            first_out.wait(10)
            seen["second alone"] = gc.isenabled(), gc.get_threshold()[2], seen["garbage"]() is None

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert seen["both"] == (not any(pauses), parallel.FULL_COLLECTIONS_AFTER)
    # the second sweep still runs: full collections still wait, and the first one's end collected its garbage
    assert seen["second alone"] == (not pauses[1], parallel.FULL_COLLECTIONS_AFTER, True)
    assert (gc.isenabled(), gc.get_threshold()) == before


def test_a_plan_is_never_read_for_other_readings_after_the_cache_starts_afresh():
    # result plans are kept per context under the number of the readings that ran alike (cache._alike); when
    # the cache's tables start afresh (full), new readings must get new numbers, never the number of readings
    # whose plan is still kept: a 2WL proposal after a Watch List run (downgraded) and a Tier 1 proposal in the
    # same report year lay out different consequences
    def ask(ctx, tier):
        return json.dumps(whatif(ctx, "MYS", 2016, tier, forward_years=0), sort_keys=True)

    fresh = Context(backend="reference")
    expected = {tier: ask(fresh, tier) for tier in ("2WL", "1")}
    assert expected["2WL"] != expected["1"]
    ctx = Context(backend="reference")
    assert ask(ctx, "2WL") == expected["2WL"]
    for table in (ctx.cache._alike_ids, ctx.cache._evaluated, ctx.cache._by_states, ctx.cache._runs):
        table.clear()  # as keep() does when a table is full; ctx.explained keeps its plans
    assert ask(ctx, "1") == expected["1"]
    assert ask(ctx, "2WL") == expected["2WL"]
