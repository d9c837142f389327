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
    """Rules by the fact kinds their patterns consume, so a new fact is matched only by rules that use it."""
    index: dict[str, list] = {}
    for position, item in enumerate(book.rules):
        for kind in {p.kind for p in item.patterns}:
            index.setdefault(kind, []).append((position, item))
    return index


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
        touched = dict(pair for fact in facts for pair in self.index.get(fact["kind"], []))
        matches = []
        for _, item in sorted(touched.items(), key=lambda pair: pair[0]):
            candidates = [[f for f in self.by_kind.get(p.kind, []) if passes(f, p.tests)] for p in item.patterns]
            for combo in itertools.product(*candidates):
                if any(fact["id"] in fresh for fact in combo):
                    matches.append(Match(item.rule.id, tuple(fact["id"] for fact in combo)))
        return matches

    def close(self) -> None:
        self.by_kind.clear()


def open_session(book: CompiledBook) -> Session:
    return Session(book)
