"""Sweeps split across processes, with the answers of one process in the same order.

The work is a list of independent items. Worker processes are forked from this one, so each starts with
the loaded rulebook, record and caches; they take pieces of the list as they become free, and the
results come back in the order of the items. With one job, or where processes cannot be forked, the
items are computed here, one after the other. Nothing in a result depends on which process computed it:
an item's answer is a function of the item and the context alone (the caches only save work)."""

from __future__ import annotations

import contextlib
import gc
import os
import threading

_work: list = [None]  # the function the forked workers apply (inherited, never pickled)


def cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    import multiprocessing  # lazy: most commands never start a process
    return "fork" in multiprocessing.get_all_start_methods()


def ordered(function, items: list, jobs: int, piece: int = 1):
    """function(item) for each item, in order, computed by up to `jobs` processes (a generator: a caller that
    stops early stops the workers)."""
    items = list(items)
    jobs = min(jobs, len(items))
    if jobs <= 1 or not can_fork():
        yield from map(function, items)
        return
    import multiprocessing
    _work[0] = function
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            yield from pool.imap(_apply, items, chunksize=piece)
    finally:
        _work[0] = None


FULL_COLLECTIONS_AFTER = 1000  # young-generation collections before a full one, during a sweep (default 10)


@contextlib.contextmanager
def collector_paused(pause: bool = True):
    """Pause the cyclic garbage collector while a sweep builds a large tree of results: the tree holds no
    cycles, and the collector would scan it again at every generation threshold (a fifth of an audit's
    time); neither backend's runs leave cycles (tests/test_backend_garbage.py). Where a sweep would leave
    garbage in cycles (`pause` false) the young collections stay on and reclaim it, but full collections wait
    until the sweep ends: each rescanned the growing tree (a fifth of a durable audit, 1.24 s against 1.0 s,
    while durable-rules' actions left cycles). The collector
    is process-wide: sweeps that overlap (server threads) pause it together, and the last one to end puts
    it back as the first one found it; one that ends while others run collects the young generations."""
    with _sweeps.lock:
        _sweeps.enter(pause)
    try:
        yield
    finally:
        with _sweeps.lock:
            _sweeps.leave(pause)


class _Sweeps:
    """The sweeps under way, and the collector's settings from before the first of them."""

    def __init__(self):
        self.lock = threading.Lock()
        self.running = self.pausing = 0
        self.before = None  # (enabled, thresholds) when the first sweep began

    def enter(self, pause: bool) -> None:
        if self.running == 0:
            self.before = gc.isenabled(), gc.get_threshold()
        self.running += 1
        self.pausing += pause
        self._set_collector()

    def leave(self, pause: bool) -> None:
        self.running -= 1
        self.pausing -= pause
        if self.running:
            self._set_collector()
            if self.before[0]:
                # the others may go on for good (a server's steady audits): the garbage other work left in
                # cycles meanwhile is collected as each sweep ends, not only when the last one does
                gc.collect(1)
            return
        enabled, thresholds = self.before
        gc.set_threshold(*thresholds)
        if enabled:
            gc.enable()
            # the objects made during the sweep go straight to the oldest generation (freeze, then unfreeze:
            # no scan), so the young collections that writing the results sets off do not scan the tree
            # again; a full collection still reclaims any cycle among them (a collect() here cost a tenth
            # of the audit)
            gc.freeze()
            gc.unfreeze()

    def _set_collector(self) -> None:
        enabled, thresholds = self.before
        if not enabled:  # someone else turned the collector off: leave it so
            return
        gc.set_threshold(thresholds[0], thresholds[1], FULL_COLLECTIONS_AFTER)
        if self.pausing:
            gc.disable()
        else:
            gc.enable()


_sweeps = _Sweeps()


def _apply(item):
    return _work[0](item)

