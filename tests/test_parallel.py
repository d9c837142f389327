"""Sweeps split across processes answer byte for byte as one process does."""

import os
import re

import pytest

from conftest import context
from test_bad_input import run_cli
from tierlaw import parallel
from tierlaw.audit import ROWS_WORTH_A_PROCESS, audit

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="processes cannot be forked here")


@needs_fork
def test_the_work_is_done_by_other_processes_and_comes_back_in_order():
    done = list(parallel.ordered(lambda n: (n, os.getpid()), range(40), jobs=2))
    assert [n for n, _ in done] == list(range(40))
    assert os.getpid() not in {pid for _, pid in done}
    assert len({pid for _, pid in done}) == 2


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
    for jobs in ("1", "2"):
        code, out, err = run_cli(capsys, "audit", "--from", "2019", "--format", "json", "--jobs", jobs,
                                 "--backend", backend)
        assert code == 0, err
        outputs[jobs] = out
    assert outputs["1"] == outputs["2"]


@needs_fork
def test_an_exhaustive_check_split_in_two_says_what_one_process_says(capsys):
    said = {}
    for jobs in ("1", "2"):
        code, out, err = run_cli(capsys, "check", "--exhaustive", "--years", "3", "--jobs", jobs,
                                 "--backend", "reference")
        assert code == 0, err
        said[jobs] = re.sub(r"in [0-9.]+ s", "in (time) s", out), err
    assert said["1"] == said["2"]
    assert "under 16 option sets" in said["1"][0]
