"""The durable backend: compiled rules registered as durable-rules rulesets.

The adapter follows docs/durable-rules.md (from the measured notes):
- a Host without its timer threads (it registers the rulesets and deletes the sessions);
- one ruleset per distinct compiled rulebook, registered once and cached by content hash;
- a keeper rule for every consumed fact kind, because a fact that matches no rule is
  silently dropped (and deleting such a session crashes the C core);
- one session (sid) per evaluation, deleted afterwards (the C core allows 1,024 live sids);
- facts asserted one at a time with explicit ids and normalised types;
- the actions a fact starts are taken from the C core and completed by the adapter itself, which reads the
  matched facts' ids from each action's message: no Python action runs, so none can fail silently (the
  stock Host swallows an action's exception into the state) and none leaves a cycle (the stock Promise's
  timeout closure refers to itself);
- used from one thread only (the C core has no locks).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import warnings

try:  # the C core reads and writes JSON text: orjson writes and reads it several times faster
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency
    orjson = None


def _dumps(fact: dict) -> str:
    """A fact as the C core reads it. The facts the engine makes hold text, integers, booleans and null,
    which orjson writes as the same JSON as the standard library. A fact holding a number with a fraction
    (orjson spells 1e-05 otherwise and writes NaN as null) or what orjson refuses (an integer beyond 64 bits,
    a key that is not text: country facts a rulebook may define) is written by the standard library, as
    before orjson was used."""
    if orjson is not None and float not in map(type, fact.values()):
        try:
            return orjson.dumps(fact).decode("utf-8")
        except TypeError:  # orjson.JSONEncodeError
            pass
    return json.dumps(fact, ensure_ascii=False)


_loads = orjson.loads if orjson is not None else json.loads

warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"durable(\..*)?")

import durable_rules_engine  # noqa: E402
from durable import engine  # noqa: E402

from ..compile import law_key  # noqa: E402
from ..memo import BOOKS_KEPT, kept, per_book  # noqa: E402
from ..model import CompiledBook, Match  # noqa: E402

NAME = "durable"
OPERATORS = {"ne": "$neq", "gte": "$gte", "gt": "$gt", "lte": "$lte", "lt": "$lt"}

_lock = threading.Lock()
_registered: set = set()  # names of the rulesets registered with the host (they live as long as the process)
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
    """The action registered for every rule. It never runs: the adapter completes each action itself."""

    def run(self, c, complete):
        raise RuntimeError("a durable-rules action ran through the Host; the adapter completes actions itself")


_ACTION = _Action(lambda c: None)


def _definition(book: CompiledBook) -> dict:
    """The durable JSON of a compiled book's rules, without actions."""
    rules = {}
    for index, item in enumerate(book.rules):
        rules[f"r{index}"] = {"all": [{f"p{j}": _expression(p)} for j, p in enumerate(item.patterns)]}
    for kind in sorted({p.kind for item in book.rules for p in item.patterns}):
        rules[f"keep_{kind}"] = {"all": [{"m": {"kind": kind}}]}
    return rules


def _recorded(book: CompiledBook) -> dict:
    """Rule name in the ruleset -> (rule id, the aliases of its patterns); the keeper rules record nothing."""
    return {f"r{index}": (item.rule.id, tuple(f"p{j}" for j in range(len(item.patterns))))
            for index, item in enumerate(book.rules)}


_by_law: dict = {}  # compile.law_key -> _ruleset: report years with the same rules share one, made once


@per_book
def _ruleset(book: CompiledBook) -> tuple:
    """(ruleset name, consumed kinds, what each rule's action records) of a compiled book, once per law."""
    return kept(_by_law, law_key(book), _made_ruleset, book, limit=BOOKS_KEPT)


def _made_ruleset(book: CompiledBook) -> tuple:
    """Books with the same rules share one ruleset (its name holds their rule ids, so the rule names stand for
    the same rules)."""
    rules = _definition(book)
    ids = json.dumps([[item.rule.id for item in book.rules], rules], sort_keys=True, default=str)
    name = "tierlaw_" + hashlib.sha256(ids.encode()).hexdigest()[:20]
    if name not in _registered:
        fresh = {rule: dict(body, run=_ACTION) for rule, body in rules.items()}  # register pops "run"
        _host().register_rulesets({name: fresh})
        _registered.add(name)
    return name, frozenset(p.kind for item in book.rules for p in item.patterns), _recorded(book)


class Session:
    def __init__(self, book: CompiledBook):
        with _lock:  # registering a ruleset calls into the C core too
            self.name, self.kinds, self.recorded = _ruleset(book)
            self.ruleset = _host().get_ruleset(self.name)  # its _handle is the C core's
        self.sid = str(next(_sids))
        self.used = False

    def add(self, facts: list) -> list:
        """Assert the facts one by one; return the matches they completed."""
        found: list = []
        with _lock:
            for fact in facts:
                if fact["kind"] in self.kinds:
                    self._assert(dict(fact, sid=self.sid), found)
        return [Match(rule_id, ids) for rule_id, ids in sorted(found)]

    def _assert(self, fact: dict, found: list) -> None:
        """Assert one fact and complete every action it starts, as the Host would run them (update the
        session's unchanged state, complete, take the next), recording the matches of the real rules."""
        ruleset = self.ruleset
        result = durable_rules_engine.assert_fact(ruleset._handle, _dumps(fact))
        state_handle = ruleset._handle_result(result, fact)  # raises where no rule takes the fact
        self.used = True  # the session holds a fact: close deletes it (deleting one that holds none crashes)
        started = durable_rules_engine.start_action_for_state(ruleset._handle, state_handle)
        if not started:
            return
        state, message = started[0], started[1]
        try:
            while message:
                rule, matched = next(iter(_loads(message).items()))  # as the Host reads it: the first
                if rule in self.recorded:
                    rule_id, aliases = self.recorded[rule]
                    found.append((rule_id, tuple(matched[alias]["id"] for alias in aliases)))
                durable_rules_engine.update_state(ruleset._handle, state)
                message = durable_rules_engine.complete_and_start_action(ruleset._handle, state_handle)
        except BaseException:
            durable_rules_engine.abandon_action(ruleset._handle, state_handle)
            raise

    def close(self) -> None:
        with _lock:
            if self.used:
                _host().delete_state(self.name, self.sid)
                self.used = False


def open_session(book: CompiledBook) -> Session:
    return Session(book)
