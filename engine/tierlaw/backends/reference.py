"""The reference backend: a small pure-Python matcher over compiled rules. It is the oracle
the durable backend is tested against, and the backend where durable-rules cannot run."""

from __future__ import annotations

import itertools
import operator

from ..memo import per_book
from ..model import CompiledBook, Match

NAME = "reference"

COMPARE = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gte": operator.ge,
    "gt": operator.gt,
    "lte": operator.le,
    "lt": operator.lt,
    "in": lambda value, options: value in options,
    "not_in": lambda value, options: value not in options,
}


def passes(fact: dict, tests) -> bool:
    """Whether a fact passes every test; a missing field fails."""
    for test in tests:
        if test.field not in fact or not COMPARE[test.op](fact[test.field], test.value):
            return False
    return True


@per_book
def _index(book: CompiledBook) -> dict:
    """Rules by the fact kinds their patterns consume, so a new fact is matched only by rules that use it:
    kind -> ((position, rule, the kinds it consumes), ...), in rule order."""
    index: dict[str, list] = {}
    for position, item in enumerate(book.rules):
        kinds = frozenset(p.kind for p in item.patterns)
        for kind in kinds:
            index.setdefault(kind, []).append((position, item, kinds))
    return {kind: tuple(rules) for kind, rules in index.items()}


def _touched(index: dict, facts: list):
    """The rules that use some of the facts' kinds, in rule order, each once."""
    kinds = {fact["kind"] for fact in facts}
    if len(kinds) == 1:
        return index.get(kinds.pop(), ())
    return sorted({entry[0]: entry for kind in kinds for entry in index.get(kind, ())}.values(), key=_POSITION)


_POSITION = operator.itemgetter(0)


class Session:
    def __init__(self, book: CompiledBook):
        self.book = book
        self.index = _index(book)
        self.by_kind: dict[str, list] = {}

    def add(self, facts: list) -> list:
        """Store the facts; return every rule match that uses at least one of them."""
        fresh = {fact["id"] for fact in facts}
        for fact in facts:
            self.by_kind.setdefault(fact["kind"], []).append(fact)
        stored = self.by_kind.keys()
        matches = []
        for _, item, kinds in _touched(self.index, facts):
            # a kind no fact has yet, or a pattern no fact passes: no match
            if kinds <= stored and (candidates := self._candidates(item.patterns)):
                matches += [Match(item.rule.id, tuple(fact["id"] for fact in combo))
                            for combo in itertools.product(*candidates) if any(fact["id"] in fresh for fact in combo)]
        return matches

    def _candidates(self, patterns) -> list:
        """The stored facts each pattern matches; none as soon as one pattern has none (a join with no match)."""
        found = []
        for pattern in patterns:
            matching = [fact for fact in self.by_kind[pattern.kind] if passes(fact, pattern.tests)]
            if not matching:
                return []
            found.append(matching)
        return found

    def close(self) -> None:
        self.by_kind.clear()


def open_session(book: CompiledBook) -> Session:
    return Session(book)
