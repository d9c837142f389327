"""For each rule, one what-if in which it shows: found by asking the engine, newest report first,
every tier for a few of each year's best-known countries, then each other option of the decisions it opens."""

from __future__ import annotations

import time

import attrs

from ..model import Placement
from ..queries import Case, Context, as_recorded_where_same, evaluate_case, history_for, with_decisions
from .questions import Question

COUNTRIES_PER_YEAR = 4  # meets all but two rules of the shipped rulebook for certain; all 50 in about 2 s
SECONDS = 8.0  # then stop: a rule without an example says so on the page


@attrs.frozen
class Example:
    country: str
    year: int
    tier: str
    decide: tuple = ()


def find_examples(ctx: Context, seconds: float = SECONDS) -> dict:
    """rule id -> Example for every shown rule met within the time allowed. Countries whose history is best
    known come first, and an example where the rule holds for certain beats one where it holds only in some
    readings of unknown years (those read "... only in some readings of" the years it depends on)."""
    wanted = {rule.id for rule in ctx.rulebook.rules if rule.then.show}
    certain: dict = {}
    some: dict = {}
    deadline = time.monotonic() + seconds
    tried = set()
    for countries in (COUNTRIES_PER_YEAR, None):  # a few countries a year first, then all of them
        for year in sorted(ctx.record.years(), reverse=True):
            for code in _best_known(ctx, year)[:countries]:
                if (code, year) not in tried:
                    tried.add((code, year))
                    _try_country_year(ctx, code, year, certain, some)
                if wanted <= set(certain) or time.monotonic() > deadline:
                    return {**some, **certain}
        if wanted <= set(certain) | set(some):
            break  # every rule has an example; the rest would only trade "in some readings" for "certain"
    return {**some, **certain}


def _best_known(ctx: Context, year: int) -> list:
    """The countries with a placement in `year`, those with the fewest years not known exactly before it first."""
    def unknown_years(code):
        known = ctx.record.placements[code]
        return sum(1 for y in range(ctx.first_year, year) if y not in known)
    return sorted((c for c in ctx.record.placements if year in ctx.record.placements[c]),
                  key=lambda c: (unknown_years(c), c))


def _try_country_year(ctx, code, year, certain, some) -> None:
    history = history_for(ctx, code, year, {})
    for tier in ctx.rulebook.tiers:
        # as the what-if page asks it: a proposal that repeats the record keeps the decisions recorded for it
        case = as_recorded_where_same(ctx, Case(code, year, Placement(year, tier, origin="proposed"), history))
        result = evaluate_case(ctx, case)
        _note(certain, some, result, Example(code, year, tier))
        for decision in result["decisions"]:
            for choice in decision["options"]:
                if choice != decision["applied"]:
                    other = evaluate_case(ctx, with_decisions(case, {decision["id"]: choice}, "user"))
                    _note(certain, some, other, Example(code, year, tier, (f"{decision['id']}={choice}",)))


def _note(certain: dict, some: dict, result: dict, example: Example) -> None:
    for consequence in result["consequences"]:
        if not consequence.get("depends_on_unknown_years"):
            certain.setdefault(consequence["rule"], example)
        else:
            some.setdefault(consequence["rule"], example)


@attrs.frozen
class RuleExamples(Question):
    def compute(self, ctx) -> dict:
        return find_examples(ctx)
