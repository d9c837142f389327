"""Each case the law can tell apart is evaluated once.

A run of the rules (which rules fired, on which facts) depends only on what the rules can see: the
compiled rules in force (after options, report year, date window and any rules set aside have chosen
them and resolved their parameters), the proposed tier, the decisions, the country's facts and, for
each feature, the outcome of each comparison those rules make on it; not the feature's value itself (a
streak of 4 and one of 5 fail and pass the same tests). Runs are kept under that key, on the backend
that made them. A case's readings (one run per reading of its uncertain years) are kept by its history
and, for a history seen for the first time, by the states it leaves the feature automata in, so that
histories the features cannot tell apart share them. Explanations are built per case from
the case's own placements, feature values, decisions and sources (explain.py), so a cached result reads
exactly as a fresh one. `Cache(enabled=False)` evaluates every case afresh (`--no-cache`)."""

from __future__ import annotations

import itertools

import attrs

from .compile import law_key
from .evaluate import Run, base_fact, book_rule, opened_decisions, run
from .features import Machines
from .memo import keep, kept, per_book


@attrs.frozen
class Asked:
    """What the rules read of a case besides its history: the backend and compiled book they run on, the
    decisions in force and the country's facts (with the proposed tier, `visible`: what a run's key holds of
    them), and the derived fact that is the effective tier."""

    backend: object
    book: object
    visible: tuple  # (proposed tier, *rules_see(decisions, country))
    decisions: dict
    country: dict
    effective_kind: str

    def base(self, values: tuple) -> dict:
        """The input fact of a reading with these feature values."""
        return base_fact(self.visible[0], values, self.decisions, self.country)


def rules_see(decisions: dict, country: dict) -> tuple:
    """What the key of a run holds of the decisions in force and the country's facts (Asked.visible)."""
    return tuple(sorted(decisions.items())), tuple(country.items())


@attrs.frozen
class Ran:
    """One reading's run, with what a merged result reads of it."""

    run: Run
    effective: object  # the derived effective tier, or None
    shown: dict  # (consequence id, rule id) -> Match, for the rules of the run that are shown
    opened: tuple  # decisions a fired rule opens or tests
    key: tuple | None = None  # what the law saw (Cache.ran's key): runs with one key are alike; None: not cached


def ran(backend, book, base: dict, effective_kind: str, key: tuple | None = None) -> Ran:
    """Run the book on one input fact and summarise the run (kept under `key`)."""
    run_ = run(backend, book, base)
    shown = {}
    for match in run_.fired:
        rule = book_rule(book, match.rule_id).rule
        if rule.then.show:
            shown[(rule.consequence, match.rule_id)] = match
    return Ran(run_, run_.derived(effective_kind), shown, tuple(opened_decisions(run_, book)), key)


@attrs.frozen
class Readings:
    """The runs of every reading of a case's uncertain years, and what a result reads of them whatever the
    case (which consequences show, in which readings; the effective tiers; the decisions opened). Kept in
    the cache and shared by every case alike: read-only."""

    each: tuple  # ((FeatureVector, Ran), ...)
    shown: tuple  # ((consequence id, rule id), index of the first reading showing it, shown in all), sorted
    effective: tuple  # the readings' effective tiers, sorted
    opened: tuple  # decisions a fired rule opens or tests in some reading, sorted
    varying: frozenset  # features whose value differs between readings
    features: tuple  # ((name, value, or the sorted values of the readings), ...)
    alike: int | None = None  # the same for readings whose runs and varying features are the same (Cache._alike)
    # the uncertain years whose tier alone can change a feature's value; what the result gives (its effective
    # tier, a consequence shown or not, a decision opened); the effective tier; each of `shown` (() where
    # certain). Set by `turning`, for one history: the readings are shared by histories that end in the same
    # states, though they may reach them through other years.
    unknown: tuple = ()
    turns: tuple = ()
    tier_turns: tuple = ()
    shown_turns: tuple = ()

    @classmethod
    def of(cls, each: tuple, numbered=None) -> "Readings":
        """The readings of these runs; `numbered(key)` gives their `alike` number from what the law saw of each
        run and the features that vary (Cache._alike; none: not numbered)."""
        if len(each) == 1:  # a history known well enough for one reading: nothing varies
            (vector, only), = each
            shown = tuple((key, 0, True) for key in sorted(only.shown))
            effective, opened = (only.effective,), tuple(sorted(set(only.opened)))
            varying, features = frozenset(), vector.values
        else:
            keys = sorted({key for _, ran_ in each for key in ran_.shown})
            shown = tuple((key, next(i for i, (_, r) in enumerate(each) if key in r.shown),
                           all(key in r.shown for _, r in each)) for key in keys)
            values: dict = {}
            for vector, _ in each:
                for name, value in vector.values:
                    values.setdefault(name, set()).add(value)
            effective = tuple(sorted({r.effective for _, r in each}, key=str))
            opened = tuple(sorted({d for _, r in each for d in r.opened}))
            varying = frozenset(name for name, seen in values.items() if len(seen) > 1)
            features = tuple((name, next(iter(v)) if len(v) == 1 else sorted(v, key=str))
                             for name, v in sorted(values.items()))
        alike = numbered((tuple(ran_.key for _, ran_ in each), varying)) if numbered else None
        return cls(each, shown, effective, opened, varying, features, alike)

    def turning(self, machines: Machines, layers) -> "Readings":
        """These readings with the years each outcome turns on, for the history that led to them through `layers`
        (features.Layers)."""
        if len(self.each) < 2:
            return self
        values_at = {state: machines.values(state) for state in layers.final}
        ran_of = {vector.values: ran_ for vector, ran_ in self.each}
        ran_at = {state: ran_of[values] for state, values in values_at.items()}
        unknown = layers.turning_years(values_at.__getitem__)
        turns = layers.turning_years(lambda state: (ran_at[state].effective, frozenset(ran_at[state].shown),
                                                    ran_at[state].opened))
        # an outcome that varies turns on some year, and on no year that turns nothing: with one such year,
        # that is the year of every outcome that varies
        if len(turns) < 2:
            return attrs.evolve(self, unknown=unknown, turns=turns,
                                tier_turns=turns if len(self.effective) > 1 else (),
                                shown_turns=tuple(() if certain else turns for _, _, certain in self.shown))
        by_pattern: dict = {}  # consequences shown in the same readings turn on the same years

        def shown_turning(key):
            pattern = frozenset(state for state, ran_ in ran_at.items() if key in ran_.shown)
            return kept(by_pattern, pattern, layers.turning_years, pattern.__contains__)
        tier_turns = layers.turning_years(lambda state: ran_at[state].effective) if len(self.effective) > 1 else ()
        return attrs.evolve(self, unknown=unknown, turns=turns, tier_turns=tier_turns,
                            shown_turns=tuple(() if certain else shown_turning(key) for key, _, certain in self.shown))


@per_book
def feature_tests(book) -> dict:
    """feature name -> the (operator, value) comparisons the book's rules make on it."""
    tests: dict = {}
    for item in book.rules:
        for atom, value, _ in item.atoms:
            if atom.ref.startswith("feature."):
                tests.setdefault(atom.ref.partition(".")[2], set()).add((atom.op, value))
    return {name: tuple(sorted(found, key=repr)) for name, found in tests.items()}


def outcomes(value, tests) -> tuple:
    from .backends.reference import COMPARE
    return tuple(COMPARE[op](value, operand) for op, operand in tests)


def reading_class(book, values: tuple) -> tuple:
    """What the book's rules can see of a feature vector: each feature's outcome on every comparison."""
    tests = feature_tests(book)
    return tuple((name, outcomes(value, tests.get(name, ()))) for name, value in values)


@per_book
def _features_key(book) -> str:
    """The book's resolved feature specs as a key (books of several years or dates may share them)."""
    return repr(sorted(book.features.items()))


def _afresh(book, history: dict, year: int, every: tuple) -> tuple:
    """(the automata of the book's features, the Layers of a history read from its first year), nothing kept
    (`--no-cache`)."""
    machines = Machines.of(book.features)
    return machines, machines.read({y: p.tiers(every) for y, p in history.items()}, year, every)


class Cache:
    """Runs by what the law can see, and a case's readings by its history and by the automata's states; shared
    by every context made from one (`Context.with_options`), so option changes, decision branches and
    repeated questions reuse them."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self._runs: dict = {}
        self._evaluated: dict = {}
        self._by_states: dict = {}
        self._prefixes: dict = {}
        self._automata: dict = {}
        self._classes: dict = {}
        self._bounds_of: dict = {}
        self._alike_ids: dict = {}
        self._serials = itertools.count()
        self.runs_made = 0  # backend runs, for the benchmark
        self.runs_reused = 0

    def evaluated(self, asked: Asked, history: dict, year: int, every: tuple) -> Readings:
        """The runs of every reading of a case's history, for a case the rules see as `asked`."""
        book = asked.book
        if not self.enabled:
            machines, layers = _afresh(book, history, year, every)
            readings = Readings.of(tuple((vector, self.ran(asked, None, vector.values))
                                         for vector in machines.vectors(layers)))
            return readings.turning(machines, layers)
        tiers = self._tiers(book, history, year, every)
        # the question year is in the key: a history with gaps reads the same years for several of them
        return kept(self._evaluated, (asked.backend.NAME, book.digest, year, tiers, asked.visible),
                    self._evaluated_history, asked, year, tiers)

    def _evaluated_history(self, asked: Asked, year: int, tiers: tuple) -> Readings:
        """A history seen for the first time, by the automata's states it leaves: histories that leave the
        features alike (every country whose last years were off the Watch List, say) share one evaluation,
        in every book with the same rules and features (report years whose law is the same). The years each
        outcome turns on are the history's own."""
        book = asked.book
        layers = self._layers_after(book, year, tiers)
        key = (asked.backend.NAME, law_key(book), _features_key(book), frozenset(layers.final), asked.visible)
        readings = kept(self._by_states, key, self._evaluated_afresh, asked, layers)
        return readings.turning(self._machines(book), layers)

    def _evaluated_afresh(self, asked: Asked, layers) -> Readings:
        return Readings.of(tuple((vector, self.ran(asked, self._class(asked.book, vector.values), vector.values))
                                 for vector in self._machines(asked.book).vectors(layers)), self._alike)

    def _alike(self, key: tuple) -> int:
        """A number shared by readings whose runs (by what the law saw) and varying features (`key`) are the same:
        their results differ only in the case's own facts and feature values, so they share a result plan
        (explain.py). Numbers are never reused, so a plan kept under one stays right after this table starts
        afresh."""
        return kept(self._alike_ids, key, next, self._serials)

    def _tiers(self, book, history: dict, year: int, every: tuple) -> tuple:
        """(the first year that can move a feature, (the tiers each year from it to the question year may have
        had, or None where the history has no such year))."""
        first = self._bounds(book, year)[0]
        placement_of = history.get
        return first, tuple([p.tiers(every) if (p := placement_of(y)) is not None else None
                             for y in range(first, year)])

    def _layers_after(self, book, year: int, tiers: tuple):
        """The automata's states after the history `tiers`, as features.Layers."""
        first, each = tiers
        shared = self._shared(book, year, each)
        machines = self._machines(book)
        layers = self._layers(machines, _features_key(book), first, each[:shared], year)
        for y, options in enumerate(each[shared:], start=first + shared):
            if options is not None:
                layers = machines.advance(layers, y, options, year)
        return layers

    def _shared(self, book, year: int, each: tuple) -> int:
        """How many of a history's years (`each`, from the first that can move a feature) read alike for every
        question year: `_layers` keeps the states after each of them."""
        first, split = self._bounds(book, year)
        return len(each) if split is None else max(0, min(len(each), split - first))

    def _layers(self, machines, features_key: str, first: int, shared: tuple, year: int):
        """The automata's states after `shared` (the years from `first` whose steps read alike for every
        question year), as features.Layers: a country's report years share them, so each year of its history
        is read once, not once per year."""
        for length in range(len(shared), 0, -1):  # the longest part already read
            found = self._prefixes.get((features_key, first, shared[:length]))
            if found is not None:
                layers, known = found, length
                break
        else:
            layers, known = machines.start(year), 0
        for done in range(known, len(shared)):
            if shared[done] is not None:
                layers = machines.advance(layers, first + done, shared[done], year)
            keep(self._prefixes, (features_key, first, shared[:done + 1]), layers)
        return layers

    def _machines(self, book) -> Machines:
        return kept(self._automata, _features_key(book), Machines.of, book.features)

    def _bounds(self, book, year: int) -> tuple:
        """(the first year that can move a feature, the first whose step reads the question year) for the
        book's features and report `year`: earlier years are not part of a key, or are shared by all years."""
        return kept(self._bounds_of, (_features_key(book), year), self._made_bounds, book, year)

    def _made_bounds(self, book, year: int) -> tuple:
        machines = self._machines(book)
        return machines.horizon(year), machines.question_from(year)

    def _class(self, book, values: tuple) -> tuple:
        return kept(self._classes, (book.digest, values), reading_class, book, values)

    def ran(self, asked: Asked, seen: tuple, values: tuple) -> Ran:
        """The run of a case the rules see as `asked` and `seen` (the outcome of their feature comparisons),
        whose features have `values`. A run from the cache is the run of the first such case: its input fact
        holds that case's feature values, so explanations read a case's facts from the case itself
        (explain.py), never from the run."""
        if not self.enabled:
            return ran(asked.backend, asked.book, asked.base(values), asked.effective_kind)
        key = (asked.backend.NAME, law_key(asked.book), asked.visible, seen, asked.effective_kind)
        found = self._runs.get(key)
        if found is None:
            self.runs_made += 1
            found = ran(asked.backend, asked.book, asked.base(values), asked.effective_kind, key)
            keep(self._runs, key, found)
        else:
            self.runs_reused += 1
        return found


__all__ = ["Asked", "Cache", "Ran", "Readings", "rules_see", "feature_tests", "outcomes", "reading_class"]
