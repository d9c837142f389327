"""The durable backend: compiled rules registered as durable-rules rulesets.

The adapter follows docs/durable-rules.md (from the measured notes):
- a Host without its timer threads, so every action runs inside the call that triggered it;
- one ruleset per distinct compiled rulebook, registered once and cached by content hash;
- a keeper rule for every consumed fact kind, because a fact that matches no rule is
  silently dropped (and deleting such a session crashes the C core);
- one session (sid) per evaluation, deleted afterwards (the C core allows 1,024 live sids);
- facts asserted one at a time with explicit ids and normalised types;
- exceptions that durable-rules swallows inside actions are read back from the state and raised;
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


def _recorder(rule_id: str, aliases: list):
    def action(c):
        _trace.append((rule_id, tuple(getattr(c, alias)._d["id"] for alias in aliases)))
    return action


def _keep(c):  # holds a fact in the session even when no real rule matches it yet
    pass


def _definition(book: CompiledBook) -> tuple[dict, dict]:
    """(durable JSON without actions, actions by rule name) for a compiled book."""
    rules, actions = {}, {}
    for index, item in enumerate(book.rules):
        aliases = [f"p{j}" for j in range(len(item.patterns))]
        name = f"r{index}"
        rules[name] = {"all": [{alias: _expression(p)} for alias, p in zip(aliases, item.patterns)]}
        actions[name] = _recorder(item.rule.id, aliases)
    for kind in sorted({p.kind for item in book.rules for p in item.patterns}):
        rules[f"keep_{kind}"] = {"all": [{"m": {"kind": kind}}]}
        actions[f"keep_{kind}"] = _keep
    return rules, actions


@per_book
def _ruleset(book: CompiledBook) -> tuple:
    """(ruleset name, consumed kinds) of a compiled book; books with the same rules share one ruleset."""
    rules, actions = _definition(book)
    ids = json.dumps([[item.rule.id for item in book.rules], rules], sort_keys=True, default=str)
    name = "tierlaw_" + hashlib.sha256(ids.encode()).hexdigest()[:20]
    if name not in _registered:
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
