"""Generic temporal features of a placement history, as the rulebook's `features:` ask for them.

Each primitive is a small automaton read over the report years before the question year.
Unknown years are read as every tier at once, so the result is the set of feature vectors the
history allows, each with the unknown years that made a difference. Which tiers to count and
from which year is YAML; this module only counts.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class TierAt:
    """The placement `offset` years from the question year ("none" before the first report)."""

    offset: int

    def start(self, year):
        return "none"

    def step(self, state, year, tier, question_year):
        return tier if year == question_year + self.offset else state

    def value(self, state):
        return state

    def evidence(self, history, question_year):
        return [question_year + self.offset]


@attrs.frozen
class RunLength:
    """Consecutive years on `tiers` immediately before the question year, from `not_before`."""

    tiers: tuple
    not_before: int

    def start(self, year):
        return 0

    def step(self, state, year, tier, question_year):
        return state + 1 if year >= self.not_before and tier in self.tiers else 0

    def value(self, state):
        return state

    def evidence(self, history, question_year):
        return _run_years(history, question_year, self.tiers, self.not_before, with_break=True)


@attrs.frozen
class RunBeyond:
    """Years of the current run past its first `free_years`, counting only years from `count_from`."""

    tiers: tuple
    not_before: int
    free_years: int
    count_from: int

    def start(self, year):
        return (0, 0)

    def step(self, state, year, tier, question_year):
        run, beyond = state
        if not (year >= self.not_before and tier in self.tiers):
            return (0, 0)
        return (run + 1, beyond + (run + 1 > self.free_years and year >= self.count_from))

    def value(self, state):
        return state[1]

    def evidence(self, history, question_year):
        return _run_years(history, question_year, self.tiers, self.not_before, with_break=True)


@attrs.frozen
class RunThen:
    """Whether a run of at least `min_run` years on `run_tiers` was later followed by a `then_tiers` year.

    `immediately`: the then-year must come right after the run. `until_interrupted`: a later year on
    neither list clears the finding."""

    run_tiers: tuple
    min_run: int
    then_tiers: tuple
    not_before: int
    immediately: bool
    until_interrupted: bool

    def start(self, year):
        return (0, False, False)  # current run, a long-enough run is open to a then-year, satisfied

    def step(self, state, year, tier, question_year):
        run, armed, done = state
        if year < self.not_before:
            return (0, False, False)
        if tier in self.run_tiers:
            return (run + 1, armed or run + 1 >= self.min_run, done)
        if tier in self.then_tiers:
            return (0, armed, done or armed)
        if done and self.until_interrupted:
            return (0, False, False)
        return (0, armed and not self.immediately, done)

    def value(self, state):
        return state[2]

    def evidence(self, history, question_year):
        return [year for year in sorted(history) if self.not_before <= year < question_year]


PRIMITIVES = {"tier_at": TierAt, "run_length": RunLength, "run_beyond": RunBeyond, "run_then": RunThen}


def _run_years(history, question_year, tiers, not_before, with_break):
    years, year = [], question_year - 1
    while year >= not_before and year in history:
        years.append(year)
        if history[year] not in tiers:
            break
        year -= 1
    return sorted(years)


def build(spec: dict):
    """A primitive from a resolved feature spec (parameters already replaced by values)."""
    args = {key: (tuple(value) if isinstance(value, (list, tuple)) else value)
            for key, value in spec.items() if key != "primitive"}
    return PRIMITIVES[spec["primitive"]](**args)


@attrs.frozen
class FeatureVector:
    values: tuple  # ((name, value), ...)
    unknown_years: tuple  # unknown years whose placement changed some feature on the way here


def possible_vectors(specs: dict, tiers_by_year: dict, question_year: int, all_tiers: tuple) -> list:
    """Every feature vector the history allows. `tiers_by_year` maps year -> tier, or None if unknown."""
    names = sorted(specs)
    machines = [build(specs[name]) for name in names]
    states = {tuple(m.start(question_year) for m in machines): frozenset()}
    for year in sorted(y for y in tiers_by_year if y < question_year):
        known = tiers_by_year[year]
        states = _advance(states, machines, year, (known,) if known is not None else all_tiers, question_year)
    vectors: dict = {}
    for state, influence in states.items():
        values = tuple((name, m.value(s)) for name, m, s in zip(names, machines, state))
        vectors[values] = vectors.get(values, frozenset()) | influence
    return [FeatureVector(values, tuple(sorted(years))) for values, years in sorted(vectors.items(), key=repr)]


def _advance(states, machines, year, options, question_year):
    result: dict = {}
    for state, influence in states.items():
        successors = {tuple(m.step(s, year, tier, question_year) for m, s in zip(machines, state)) for tier in options}
        mark = influence | {year} if len(successors) > 1 else influence
        for successor in successors:
            result[successor] = result.get(successor, frozenset()) | mark
    return result


def evidence_years(spec: dict, history: dict, question_year: int) -> list:
    """The report years a feature's value rests on (read from the known and unknown history)."""
    return build(spec).evidence(history, question_year)
