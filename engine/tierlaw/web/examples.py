"""For each rule, one what-if in which it shows: found by asking the engine, newest report first,
every tier for a few countries of each year, then each other option of the decisions it opens."""

from __future__ import annotations

import time

import attrs

from ..model import Placement
from ..queries import Case, Context, as_recorded_where_same, evaluate_case, history_for, with_decisions
from .questions import Question

COUNTRIES_PER_YEAR = 4  # enough to meet every rule of the shipped rulebook in under a second
SECONDS = 8.0  # then stop: a rule without an example says so on the page


@attrs.frozen
class Example:
    country: str
    year: int
    tier: str
    decide: tuple = ()


def find_examples(ctx: Context, seconds: float = SECONDS) -> dict:
    """rule id -> Example for every shown rule met within the time allowed."""
    wanted = {rule.id for rule in ctx.rulebook.rules if rule.then.show}
    found: dict = {}
    deadline = time.monotonic() + seconds
    tried = set()
    for countries in (COUNTRIES_PER_YEAR, None):  # a few countries a year first, then all of them
        for year in sorted(ctx.record.years(), reverse=True):
            for code in sorted(c for c in ctx.record.placements if year in ctx.record.placements[c])[:countries]:
                if (code, year) not in tried:
                    tried.add((code, year))
                    _try_country_year(ctx, code, year, found)
                if wanted <= set(found) or time.monotonic() > deadline:
                    return found
    return found


def _try_country_year(ctx, code, year, found) -> None:
    history = history_for(ctx, code, year, {})
    for tier in ctx.rulebook.tiers:
        # as the what-if page asks it: a proposal that repeats the record keeps the decisions recorded for it
        case = as_recorded_where_same(ctx, Case(code, year, Placement(year, tier, origin="proposed"), history))
        result = evaluate_case(ctx, case)
        _note(found, result, Example(code, year, tier))
        for decision in result["decisions"]:
            for choice in decision["options"]:
                if choice != decision["applied"]:
                    other = evaluate_case(ctx, with_decisions(case, {decision["id"]: choice}, "user"))
                    _note(found, other, Example(code, year, tier, (f"{decision['id']}={choice}",)))


def _note(found: dict, result: dict, example: Example) -> None:
    for consequence in result["consequences"]:
        found.setdefault(consequence["rule"], example)


@attrs.frozen
class RuleExamples(Question):
    def compute(self, ctx) -> dict:
        return find_examples(ctx)
