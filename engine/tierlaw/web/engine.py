"""One engine shared by every request: a loaded context per option set, a worker pool with a time
limit per request, a small cache of answers, and a lock where the backend is not thread-safe."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import attrs

from .. import render
from ..queries import Context

# The server evaluates on the pure-Python reference backend unless told otherwise: it keeps no state
# between runs, so requests can share it from several threads. durable-rules is not thread-safe;
# chosen with --backend durable, every evaluation holds one lock.
SERVER_BACKEND = "reference"
CACHE_ENTRIES = 256


class TooSlow(Exception):
    """A request ran past the server's time limit (answered 503)."""


@attrs.define
class Entry:
    report: dict
    text: bytes | None = None  # the CLI's JSON of `report`, made when first asked for


class Recent:
    """The most recently used values, at most `size` of them; safe to share between threads."""

    def __init__(self, size: int):
        self.size = size
        self._values: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def keep(self, key, value) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)


class Engine:
    def __init__(self, rules=None, data=None, backend: str | None = None, options: dict | None = None,
                 timeout: float = 20.0, workers: int = 4):
        self.base = Context(rules, data, backend or SERVER_BACKEND, options or {})
        render.use_rulebook(self.base.rulebook, self.base.all_options)
        self.server_options = dict(options or {})
        self.timeout = timeout
        self.thread_safe = self.base.backend.NAME == "reference"
        self._evaluating = contextlib.nullcontext() if self.thread_safe else threading.Lock()
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="tierlaw-query")
        self._contexts = {self._options_key(self.base.options): self.base}
        self._chosen: dict = {}  # (options, options chosen) -> a view of the context for those options
        self.answers = Recent(CACHE_ENTRIES)  # question -> Entry
        self.pages = Recent(CACHE_ENTRIES)  # page address -> rendered bytes (web/pages.py)

    @staticmethod
    def _options_key(options: dict) -> tuple:
        return tuple(sorted(options.items()))

    def context(self, chosen: dict) -> Context:
        """The context for these interpretation options (the server's own, overridden by the request's)."""
        merged = {**self.server_options, **chosen}
        probe = self.base.with_options(merged) if merged != self.server_options else self.base  # validates
        key = self._options_key(probe.options)
        resolved = self._contexts.setdefault(key, probe)
        if resolved.chosen_options == merged:
            return resolved
        # the same options, chosen otherwise (a request that names a default chose it): the same tables
        return self._chosen.setdefault((key, self._options_key(merged)), resolved.chosen_as(merged))

    # ------------------------------------------------------------ answers

    async def report(self, question, keep: bool = True) -> dict:
        """The report answering `question` (an object with .options, .key() and .compute(ctx))."""
        key, ctx = self._key(question)
        entry = self.answers.get(key)
        if entry is None:
            entry = await self.run(self._evaluated, question, ctx, False)
            if keep:
                self.answers.keep(key, entry)
        return entry.report

    async def json(self, question, keep: bool = True) -> bytes:
        """The CLI's JSON bytes answering `question`."""
        key, ctx = self._key(question)
        entry = self.answers.get(key)
        if entry is None or entry.text is None:
            entry = await self.run(self._serialised, entry, question, ctx)
            if keep:
                self.answers.keep(key, entry)
        return entry.text

    def _key(self, question) -> tuple:
        ctx = self.context(question.options)
        return (question.key(), self._options_key(ctx.options)), ctx

    def _evaluated(self, question, ctx, serialise: bool) -> Entry:
        with self._evaluating:
            report = question.compute(ctx)
        return Entry(report, render.as_json(report).encode("utf-8") if serialise else None)

    def _serialised(self, entry: Entry | None, question, ctx) -> Entry:
        if entry is None:
            return self._evaluated(question, ctx, True)
        return Entry(entry.report, render.as_json(entry.report).encode("utf-8"))

    async def run(self, function, *args):
        """Run `function(*args)` on a worker thread; TooSlow past the time limit (the worker finishes on
        its own: Python cannot stop a thread, but no request waits on it longer than the limit)."""
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(loop.run_in_executor(self._pool, function, *args), self.timeout)
        except asyncio.TimeoutError:
            raise TooSlow(f"the question took longer than the server's limit of {self.timeout:g} s") from None

    def evaluating(self):
        """Hold this while calling the engine outside `report`/`json` (a lock for durable-rules)."""
        return self._evaluating

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
