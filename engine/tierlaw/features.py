"""Generic temporal features of a placement history, as the rulebook's `features:` ask for them.

Each primitive is a small automaton read over the report years before the question year.
Unknown years are read as every tier at once, so the result is the set of feature vectors the
history allows, each with the unknown years that made a difference. Which tiers to count and
from which year is YAML; this module only counts.
"""

from __future__ import annotations

import attrs

from .memo import kept


class _Counting:
    """A primitive whose steps never read the question year (it counts what it has seen so far)."""

    def question_from(self, question_year):
        return None


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

    def horizon(self, question_year):
        return question_year + self.offset

    def question_from(self, question_year):
        return question_year + self.offset

    def evidence(self, history, question_year):
        return [question_year + self.offset]


@attrs.frozen
class RunLength(_Counting):
    """Consecutive years on `tiers` immediately before the question year, from `not_before`."""

    tiers: tuple
    not_before: int

    def start(self, year):
        return 0

    def step(self, state, year, tier, question_year):
        return state + 1 if year >= self.not_before and tier in self.tiers else 0

    def value(self, state):
        return state

    def horizon(self, question_year):
        return self.not_before

    def evidence(self, history, question_year):
        return _run_years(history, question_year, self.tiers, self.not_before, with_break=True)


@attrs.frozen
class RunBeyond(_Counting):
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

    def horizon(self, question_year):
        return self.not_before

    def evidence(self, history, question_year):
        return _run_years(history, question_year, self.tiers, self.not_before, with_break=True)


@attrs.frozen
class RunThen(_Counting):
    """Whether a run of at least `min_run` years on `run_tiers` was later followed by a move onto `then_tiers`.

    Run years count from `not_before`. The move is the first year of a stay on `then_tiers`, and it counts
    only from `then_not_before` (a stay that began earlier breaks the run but completes nothing, however
    long it lasts). `immediately`: the move must come right after the run. `until_interrupted`: a later
    year on neither list clears the finding."""

    run_tiers: tuple
    min_run: int
    then_tiers: tuple
    not_before: int
    then_not_before: int
    immediately: bool
    until_interrupted: bool

    def start(self, year):
        return (0, False, False, False)  # current run, a long-enough run awaits a move, satisfied, on then_tiers

    def step(self, state, year, tier, question_year):
        run, armed, done, staying = state
        if year < self.not_before:
            return (0, False, False, False)
        if tier in self.run_tiers:
            return (run + 1, armed or run + 1 >= self.min_run, done, False)
        if tier in self.then_tiers:
            moved = not staying and year >= self.then_not_before
            return (0, armed and not self.immediately, done or (armed and moved), True)
        if done and self.until_interrupted:
            return (0, False, False, False)
        return (0, armed and not self.immediately, done, False)

    def value(self, state):
        return state[2]

    def horizon(self, question_year):
        return self.not_before

    def evidence(self, history, question_year):
        return [year for year in sorted(history) if self.not_before <= year < question_year]


# Each primitive's `horizon(question_year)` is the first report year whose placement can move it from its
# start: before it, every step leaves (or puts) the automaton in its start state. Its `question_from(
# question_year)` is the first report year whose step depends on the question year (None: none does); its
# start never does. Years before it read alike for every question year, so their states are shared.
PRIMITIVES = {"tier_at": TierAt, "run_length": RunLength, "run_beyond": RunBeyond, "run_then": RunThen}


def _run_years(history, question_year, tiers, not_before, with_break):
    years, year = [], question_year - 1
    while year >= not_before and year in history:
        years.append(year)
        if history[year] not in tiers:
            break
        year -= 1
    return sorted(years)


_built: dict = {}


def build(spec: dict):
    """A primitive from a resolved feature spec (parameters already replaced by values); once per spec."""
    try:
        key = tuple(sorted(spec.items()))
        hash(key)
    except TypeError:  # a spec holding a list: build it afresh
        key = None
    found = _built.get(key) if key is not None else None
    if found is None:
        args = {name: (tuple(value) if isinstance(value, (list, tuple)) else value)
                for name, value in spec.items() if name != "primitive"}
        found = PRIMITIVES[spec["primitive"]](**args)
        if key is not None:
            _built[key] = found
    return found


@attrs.frozen
class FeatureVector:
    values: tuple  # ((name, value), ...)
    unknown_years: tuple  # unknown years whose placement changed some feature on the way here


def possible_tiers(known, all_tiers: tuple) -> tuple:
    """The tiers a year may have had: a tier, a tuple of possible tiers, or None for unknown."""
    if known is None:
        return all_tiers
    return known if isinstance(known, tuple) else (known,)


def possible_vectors(specs: dict, tiers_by_year: dict, question_year: int, all_tiers: tuple) -> list:
    """Every feature vector the history allows. `tiers_by_year` maps year -> a tier, a tuple of the tiers
    it may have had, or None if unknown."""
    machines = Machines.of(specs)
    first = machines.horizon(question_year)
    states = machines.start(question_year)
    for year in sorted(y for y in tiers_by_year if first <= y < question_year):
        states = machines.advance(states, year, possible_tiers(tiers_by_year[year], all_tiers), question_year)
    return machines.vectors(states)


@attrs.frozen
class Machines:
    """The automata of a set of features, by name; a state is a tuple of their states, and a dict of states
    maps each to the uncertain years whose reading led to it."""

    names: tuple
    machines: tuple
    steps: dict = attrs.field(factory=dict, eq=False, repr=False)  # (state, year, tier, question year) -> state

    @classmethod
    def of(cls, specs: dict) -> "Machines":
        names = tuple(sorted(specs))
        return cls(names, tuple(build(specs[name]) for name in names))

    def horizon(self, question_year) -> int:
        """The first report year whose placement can change any of these features: earlier years cannot."""
        return _horizon(self.machines, question_year)

    def question_from(self, question_year):
        """The first year whose step reads the question year (None: no year does)."""
        return min((y for m in self.machines if (y := m.question_from(question_year)) is not None), default=None)

    def start(self, question_year) -> dict:
        return {tuple(m.start(question_year) for m in self.machines): frozenset()}

    def advance(self, states: dict, year: int, options: tuple, question_year: int) -> dict:
        """The states one report year further, on each tier it may have had."""
        if len(states) == 1 and len(options) == 1:  # one reading so far and a known year: one successor, kept
            (state, influence), = states.items()
            found = kept(self.steps, (state, year, options[0], question_year), _step, self.machines, state, year,
                         options[0], question_year)
            return {found: influence}
        return _advance(states, self.machines, year, options, question_year)

    def vectors(self, states: dict) -> list:
        """The feature vectors of these states, each with the uncertain years that shaped it."""
        vectors: dict = {}
        for state, influence in states.items():
            values = tuple(zip(self.names, map(_value, self.machines, state)))
            vectors[values] = vectors.get(values, frozenset()) | influence
        ordered = sorted(vectors.items(), key=repr) if len(vectors) > 1 else vectors.items()
        return [FeatureVector(values, tuple(sorted(years))) for values, years in ordered]


def _value(machine, state):
    return machine.value(state)


def _horizon(machines, question_year) -> int:
    return min((m.horizon(question_year) for m in machines), default=question_year)


def _step(machines, state, year, tier, question_year) -> tuple:
    return tuple([m.step(s, year, tier, question_year) for m, s in zip(machines, state)])


def _advance(states, machines, year, options, question_year):
    result: dict = {}
    for state, influence in states.items():
        successors = {_step(machines, state, year, tier, question_year) for tier in options}
        mark = influence | {year} if len(successors) > 1 else influence
        for successor in successors:
            result[successor] = result.get(successor, frozenset()) | mark
    return result


def evidence_years(spec: dict, history: dict, question_year: int) -> list:
    """The report years a feature's value rests on (read from the known and unknown history)."""
    return build(spec).evidence(history, question_year)


@attrs.frozen
class ReadingClass:
    """Histories the law cannot tell apart in any of the given report years: one witness stands for all."""

    witness: tuple  # ((year, tier), ...) for the years known only in part or not at all
    influence: tuple  # uncertain years whose reading led to this class


def reading_classes(books: list, tiers_by_year: dict, all_tiers: tuple) -> list:
    """Classes of the readings of a history's uncertain years, for the laws of several report years at once.

    `books` lists (question year, feature specs); two readings fall in one class when every feature
    automaton of every one of those years ends in the same state, so the years after them unfold alike.
    Each class keeps the first reading that reached it as its witness."""
    machines = [(year, [build(specs[name]) for name in sorted(specs)]) for year, specs in books]
    start = tuple(tuple(m.start(year) for m in group) for year, group in machines)
    states = {start: ((), frozenset())}
    for year in sorted(tiers_by_year):
        options = possible_tiers(tiers_by_year[year], all_tiers)
        following: dict = {}
        for state, (witness, influence) in states.items():
            successors = {}
            for tier in options:
                successors.setdefault(_stepped(machines, state, year, tier), tier)
            mark = influence | {year} if len(successors) > 1 else influence
            for successor, tier in successors.items():
                seen = witness + ((year, tier),) if len(options) > 1 else witness
                kept = following.get(successor)
                following[successor] = (kept[0], kept[1] | mark) if kept else (seen, mark)
        states = following
    return [ReadingClass(witness, tuple(sorted(influence))) for witness, influence in states.values()]


def _stepped(machines, state, year, tier) -> tuple:
    """Every automaton of every report year's law, one year further (all years here precede them all)."""
    return tuple(tuple(m.step(s, year, tier, question) for m, s in zip(group, part))
                 for (question, group), part in zip(machines, state))
