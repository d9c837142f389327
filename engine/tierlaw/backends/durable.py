"""The durable backend: compiled rules registered as durable-rules rulesets.

The adapter follows docs/durable-rules.md (from the measured notes):
- a Host without its timer threads, so every action runs inside the call that triggered it;
- one ruleset per distinct compiled rulebook, registered once and cached by content hash;
- a keeper rule for every consumed fact kind, because a fact that matches no rule is
  silently dropped (and deleting such a session crashes the C core);
- one session (sid) per evaluation, deleted afterwards (the C core allows 1,024 live sids);
- facts asserted one at a time with explicit ids and normalised types;
- exceptions that durable-rules swallows inside actions are read back from the state and raised;
- actions run without the stock Promise's self-referring timeout closure, so no run leaves a cycle;
- used from one thread only (the C core has no locks).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"durable(\..*)?")

from durable import engine  # noqa: E402

from ..memo import per_book  # noqa: E402
from ..model import CompiledBook, Match  # noqa: E402

NAME = "durable"
OPERATORS = {"ne": "$neq", "gte": "$gte", "gt": "$gt", "lte": "$lte", "lt": "$lt"}

_lock = threading.Lock()
_registered: set = set()  # names of the rulesets registered with the host (they live as long as the process)
_trace: list = []
_sids = itertools.count(1)
_host_instance = None


class _QuietHost(engine.Host):
    def _run(self):  # the stock Host polls every ruleset from two timer threads
        pass


def _host() -> engine.Host:
    global _host_instance
    if _host_instance is None:
        _host_instance = _QuietHost()
    return _host_instance


def _test(test) -> dict:
    values = test.value if test.op in ("in", "not_in") else (test.value,)
    if test.op in ("eq", "in"):
        parts = [{test.field: value} for value in values]
        return parts[0] if len(parts) == 1 else {"$or": parts}
    if test.op == "not_in":
        parts = [{"$neq": {test.field: value}} for value in values]
        return parts[0] if len(parts) == 1 else {"$and": parts}
    return {OPERATORS[test.op]: {test.field: test.value}}


def _expression(pattern) -> dict:
    parts = [{"kind": pattern.kind}] + [_test(test) for test in pattern.tests]
    return parts[0] if len(parts) == 1 else {"$and": parts}


class _Action(engine.Promise):
    """A synchronous action run as durable-rules' Promise runs one, without the Promise's timeout closure:
    that closure refers to itself, so every action left a cycle (the action's Closure, its state and
    callbacks: some 170 objects per run) for the garbage collector to find, and the collections it set off
    rescanned every object the process held. An exception is recorded in the state, as the Promise does."""

    def run(self, c, complete):
        try:
            self._func(c)
        except BaseException as error:  # as durable-rules records it; read back by Session._raise_swallowed
            c.s.exception = f"exception caught {error}"
        complete(None)


def _recorder(rule_id: str, aliases: list) -> _Action:
    def action(c):
        _trace.append((rule_id, tuple(getattr(c, alias)._d["id"] for alias in aliases)))
    return _Action(action)


def _ignore(c):
    pass


_keep = _Action(_ignore)  # holds a fact in the session even when no real rule matches it yet


def _definition(book: CompiledBook) -> dict:
    """The durable JSON of a compiled book's rules, without actions."""
    rules = {}
    for index, item in enumerate(book.rules):
        rules[f"r{index}"] = {"all": [{f"p{j}": _expression(p)} for j, p in enumerate(item.patterns)]}
    for kind in sorted({p.kind for item in book.rules for p in item.patterns}):
        rules[f"keep_{kind}"] = {"all": [{"m": {"kind": kind}}]}
    return rules


def _actions(book: CompiledBook) -> dict:
    """The action of each rule of `_definition`, made only to register a ruleset (a Promise refers to itself)."""
    actions = {f"r{index}": _recorder(item.rule.id, [f"p{j}" for j in range(len(item.patterns))])
               for index, item in enumerate(book.rules)}
    actions.update({f"keep_{kind}": _keep for kind in {p.kind for item in book.rules for p in item.patterns}})
    return actions


@per_book
def _ruleset(book: CompiledBook) -> tuple:
    """(ruleset name, consumed kinds) of a compiled book; books with the same rules share one ruleset."""
    rules = _definition(book)
    ids = json.dumps([[item.rule.id for item in book.rules], rules], sort_keys=True, default=str)
    name = "tierlaw_" + hashlib.sha256(ids.encode()).hexdigest()[:20]
    if name not in _registered:
        actions = _actions(book)
        fresh = {rule: dict(body, run=actions[rule]) for rule, body in rules.items()}  # register pops "run"
        _host().register_rulesets({name: fresh})
        _registered.add(name)
    return name, frozenset(p.kind for item in book.rules for p in item.patterns)


class Session:
    def __init__(self, book: CompiledBook):
        self.name, self.kinds = _ruleset(book)
        self.sid = str(next(_sids))
        self.used = False

    def add(self, facts: list) -> list:
        """Assert the facts one by one; return the matches they completed."""
        with _lock:
            _trace.clear()
            for fact in facts:
                if fact["kind"] in self.kinds:
                    _host().assert_fact(self.name, dict(fact, sid=self.sid))
                    self.used = True
            if self.used:
                self._raise_swallowed()
            found = sorted(_trace)
            _trace.clear()
        return [Match(rule_id, ids) for rule_id, ids in found]

    def _raise_swallowed(self) -> None:
        state = _host().get_state(self.name, self.sid)
        if "exception" in state:
            raise RuntimeError(f"durable-rules swallowed an exception in an action: {state['exception'][:300]}")

    def close(self) -> None:
        with _lock:
            if self.used:
                _host().delete_state(self.name, self.sid)
                self.used = False


def open_session(book: CompiledBook) -> Session:
    return Session(book)
