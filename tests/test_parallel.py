"""Sweeps split across processes answer byte for byte as one process does."""

import os
import re
import time

import pytest

from conftest import context
from test_bad_input import run_cli
from tierlaw import parallel
from tierlaw.audit import ROWS_WORTH_A_PROCESS, audit

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="processes cannot be forked here")


def _slowly(n):
    time.sleep(0.02)  # long enough that the first worker cannot take every item before the second starts
    return n, os.getpid()


@needs_fork
def test_the_work_is_done_by_other_processes_and_comes_back_in_order():
    done = list(parallel.ordered(_slowly, range(40), jobs=2))
    assert [n for n, _ in done] == list(range(40))
    workers = {pid for _, pid in done}
    assert os.getpid() not in workers and len(workers) <= 2


def test_one_job_works_here():
    assert {pid for pid in parallel.ordered(lambda n: os.getpid(), range(5), jobs=1)} == {os.getpid()}


@needs_fork
@pytest.mark.parametrize("backend", ["reference", "durable"])
def test_an_audit_split_in_two_is_the_audit_of_one_process(capsys, backend):
    from conftest import _backend_or_skip
    _backend_or_skip(backend)
    rows = audit(context(backend), [], 2019, None)["rows"]
    assert len(rows) >= 2 * ROWS_WORTH_A_PROCESS  # enough rows that two processes share them
    outputs = {}
    # Evaluated afresh, a large audit is split across processes (a cached one is not worth it).
    for flags in (["--jobs", "1"], ["--jobs", "2", "--no-cache"], ["--jobs", "1", "--no-cache"]):
        code, out, err = run_cli(capsys, "audit", "--from", "2019", "--format", "json", "--backend", backend, *flags)
        assert code == 0, err
        outputs[" ".join(flags)] = out
    assert len(set(outputs.values())) == 1


def test_a_cached_audit_stays_in_one_process_and_an_uncached_one_is_split(monkeypatch):
    from tierlaw.queries import Context
    asked = []
    monkeypatch.setattr(parallel, "can_fork", lambda: asked.append(True) or False)  # asked, then run here
    audit(context("reference"), [], 2019, None, jobs=2)
    assert asked == []  # never asked whether it could start workers
    audit(Context(backend="reference", cache=False), [], 2019, None, jobs=2)
    assert asked == [True]


@needs_fork
@pytest.mark.parametrize("years", ["2", "4"])
def test_an_exhaustive_check_split_in_two_says_what_one_process_says(capsys, years):
    said = {}
    only_default = ["--default-options-only"] if years == "4" else []  # every option set at 2 years
    for jobs in ("1", "2"):
        code, out, err = run_cli(capsys, "check", "--exhaustive", "--years", years, *only_default, "--jobs", jobs,
                                 "--backend", "reference")
        said[jobs] = code, re.sub(r"in\s+[0-9.]+\s+s", "in (time) s", out), err
    assert said["1"] == said["2"]
    assert "histories of" in said["1"][1]
    # 2 or 4 report years are too few for some rules to fire (the (F) bar needs a run, a downgrade and more):
    # information (I001, with the horizon at which each first fires), not a failure
    assert said["1"][0] == 0 and "I001" in said["1"][1] and "V002" not in said["1"][2]
