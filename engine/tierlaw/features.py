"""Generic temporal features of a placement history, as the rulebook's `features:` ask for them.

Each primitive is a small automaton read over the report years before the question year.
Unknown years are read as every tier at once, so the result is the set of feature vectors the
history allows; the states the automata pass through on the way (Layers) say exactly which of those
years an outcome turns on. Which tiers to count and from which year is YAML; this module only counts.
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


def possible_tiers(known, all_tiers: tuple) -> tuple:
    """The tiers a year may have had: a tier, a tuple of possible tiers, or None for unknown."""
    if known is None:
        return all_tiers
    return known if isinstance(known, tuple) else (known,)


def possible_vectors(specs: dict, tiers_by_year: dict, question_year: int, all_tiers: tuple) -> list:
    """Every feature vector the history allows. `tiers_by_year` maps year -> a tier, a tuple of the tiers
    it may have had, or None if unknown."""
    machines = Machines.of(specs)
    return machines.vectors(machines.read(tiers_by_year, question_year, all_tiers))


@attrs.frozen
class Machines:
    """The automata of a set of features, by name; a state is a tuple of their states, and the states a history
    can lead to are read as Layers."""

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

    def start(self, question_year) -> "Layers":
        return Layers((), (tuple(m.start(question_year) for m in self.machines),))

    def advance(self, layers: "Layers", year: int, options: tuple, question_year: int) -> "Layers":
        """The states one report year further, on each tier it may have had."""
        states = layers.final
        if len(states) == 1 and len(options) == 1:  # one reading so far and a known year: one successor, kept
            state, tier = states[0], options[0]
            return Layers((), (kept(self.steps, (state, year, tier, question_year), _step, self.machines, state, year,
                                    tier, question_year),))
        machines = self.machines
        return layers.then(year, options, {state: tuple([_step(machines, state, year, tier, question_year)
                                                         for tier in options]) for state in states})

    def read(self, tiers_by_year: dict, question_year: int, all_tiers: tuple) -> "Layers":
        """The Layers of a history read from the start (`tiers_by_year` as for `possible_vectors`)."""
        first = self.horizon(question_year)
        layers = self.start(question_year)
        for year in sorted(y for y in tiers_by_year if first <= y < question_year):
            layers = self.advance(layers, year, possible_tiers(tiers_by_year[year], all_tiers), question_year)
        return layers

    def values(self, state: tuple) -> tuple:
        """The feature vector's values of a state: ((name, value), ...)."""
        return tuple(zip(self.names, map(_value, self.machines, state)))

    def vectors(self, layers: "Layers") -> list:
        """The feature vectors of the states a history leads to."""
        vectors = dict.fromkeys(map(self.values, layers.final))
        ordered = sorted(vectors, key=repr) if len(vectors) > 1 else vectors
        return [FeatureVector(values) for values in ordered]


def _value(machine, state):
    return machine.value(state)


def _horizon(machines, question_year) -> int:
    return min((m.horizon(question_year) for m in machines), default=question_year)


def _step(machines, state, year, tier, question_year) -> tuple:
    return tuple([m.step(s, year, tier, question_year) for m, s in zip(machines, state)])


@attrs.frozen
class Layers:
    """The states a history's years can lead to (`final`), and, from the last year after which every reading of
    them was one state, each later year's moves: each state's successor on each tier the year may have had.
    Enough to say exactly which uncertain years an outcome turns on; the years before that one state cannot
    turn anything."""

    moves: tuple  # ((year, tiers it may have had, {state: (its successor on each of those tiers, ...)}), ...)
    final: tuple  # the states after the last year

    def then(self, year: int, options: tuple, made: dict) -> "Layers":
        """One year further: `made` gives each final state's successors on `options`."""
        final = tuple(dict.fromkeys(s for following in made.values() for s in following))
        if len(final) == 1:
            return Layers((), final)
        return Layers(self.moves + ((year, options, made),), final)

    def turning_years(self, outcome_of) -> tuple:
        """The years whose tier alone, every other year held, can change `outcome_of(final state)`. States are
        told apart backwards, as a minimal automaton's are: two states are alike when every reading of the
        later years gives them the same outcome, and a year turns the outcome when some state reaches, on two
        of its tiers, states that are not alike."""
        classes = {state: outcome_of(state) for state in self.final}
        if len(set(classes.values())) < 2:
            return ()
        uncertain = [year for year, options, _ in self.moves if len(options) > 1]
        if len(uncertain) == 1:  # an outcome that varies turns on some year, and only an uncertain one can
            return tuple(uncertain)
        turning = set()
        for year, _, moves in reversed(self.moves):
            ids: dict = {}
            before = {}
            for state, successors in moves.items():
                signature = tuple([classes[s] for s in successors])
                if len(set(signature)) > 1:
                    turning.add(year)
                before[state] = ids.setdefault(signature, len(ids))
            classes = before
        return tuple(sorted(turning))


def evidence_years(spec: dict, history: dict, question_year: int) -> list:
    """The report years a feature's value rests on (read from the known and unknown history)."""
    return build(spec).evidence(history, question_year)


@attrs.frozen
class ReadingClass:
    """Histories the law cannot tell apart in any of the given report years: one witness stands for all."""

    witness: tuple  # ((year, tier), ...) for the years known only in part or not at all
    state: tuple  # the automata's states it ends in (Layers.final)


def reading_classes(books: list, tiers_by_year: dict, all_tiers: tuple) -> tuple:
    """(classes of the readings of a history's uncertain years, for the laws of several report years at once,
    and the Layers they were read through, which say which years an outcome of the classes turns on).

    `books` lists (question year, feature specs); two readings fall in one class when every feature
    automaton of every one of those years ends in the same state, so the years after them unfold alike.
    Each class keeps the first reading that reached it as its witness."""
    machines = [(year, [build(specs[name]) for name in sorted(specs)]) for year, specs in books]
    start = tuple(tuple(m.start(year) for m in group) for year, group in machines)
    years = [(year, possible_tiers(tiers_by_year[year], all_tiers)) for year in sorted(tiers_by_year)]
    layers, witnesses = Layers((), (start,)), {start: ()}
    for year, options in years:
        made = {state: tuple([_stepped(machines, state, year, tier) for tier in options]) for state in witnesses}
        following: dict = {}
        for state, successors in made.items():
            for tier, successor in zip(options, successors):
                following.setdefault(successor, witnesses[state] + ((year, tier),) if len(options) > 1
                                     else witnesses[state])
        layers, witnesses = layers.then(year, options, made), following
    return [ReadingClass(witness, state) for state, witness in witnesses.items()], layers


def _stepped(machines, state, year, tier) -> tuple:
    """Every automaton of every report year's law, one year further (all years here precede them all)."""
    return tuple(tuple(m.step(s, year, tier, question) for m, s in zip(group, part))
                 for (question, group), part in zip(machines, state))
