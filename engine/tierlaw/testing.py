"""Property tests of a rulebook in a few lines: hypothesis strategies and an invariant check.

Every strategy takes a Context (`context(rules_dir)`), so what it draws comes from that rulebook: its
tiers, decisions, interpretation options and report years. Nothing here knows the law.

    from hypothesis import given
    from tierlaw import testing

    ctx = testing.context("my-rules")

    @given(testing.trajectories(ctx))
    def test_my_rules_keep_their_invariants(trajectory):
        testing.assert_invariants(ctx, trajectory)

`assert_invariants` checks the rulebook's `invariants:` on one history the way
`tierlaw check --exhaustive` checks them on all of them (it runs the same code, tierlaw.verify), and a
failure says which invariant broke and gives the history as a ready-to-run `tierlaw whatif` command.
See docs/testing.md."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import attrs

try:
    import hypothesis
    from hypothesis import strategies as st
except ImportError as missing:  # a runtime dependency of this module only
    raise ImportError("tierlaw.testing needs hypothesis: pip install 'tierlaw[test]' (or pip install hypothesis)") \
        from missing

from .model import Placement
from .queries import Case, Context
from .verify import (BACKGROUND, COUNTRY, Explorer, _dated, _run_after_event, _run_at_end, _witness, check_case,
                     check_derivations, check_monotone, law_windows)

MAX_RUN = 6  # longest run of one tier a history strategy draws at once (runs are what the law counts)


def context(rules: str | Path | None = None, data: str | Path | None = None, backend: str = "reference",
            **options) -> Context:
    """A rulebook (the shipped one, or a directory) with the record and interpretation options."""
    return Context(rules, data, backend, options)


# ---------------------------------------------------------------- vocabulary of a rulebook


def _simplest_first(ctx: Context) -> list:
    """The rulebook's tiers, the background tier of `check --exhaustive` first: what a year shrinks to."""
    names = list(ctx.rulebook.tiers)
    return sorted(names, key=lambda tier: tier != BACKGROUND)


def tiers(ctx: Context):
    """One tier of the rulebook; shrinks towards the background tier (the one `check --exhaustive` puts
    before a window), then in the rulebook's order."""
    return st.sampled_from(_simplest_first(ctx))


def tier_sets(ctx: Context):
    """A year known only as a set of two or more tiers (a tuple, in the rulebook's order)."""
    names = list(ctx.rulebook.tiers)
    return st.sets(st.sampled_from(names), min_size=2).map(lambda chosen: tuple(t for t in names if t in chosen))


def report_years(ctx: Context, first: int | None = None, last: int | None = None):
    """A report year from `first` (default: the first report) to `last` (default: the record's last)."""
    return st.integers(first or ctx.first_year, last or max(ctx.record.years()))


def decision_sets(ctx: Context, names=None, every: bool = False):
    """Some decisions settled ({decision: option}), or with `every` all of them; options shrink towards
    the statute's default."""
    chosen = {name: _default_first(ctx.rulebook.decisions[name].options, ctx.rulebook.decisions[name].default)
              for name in sorted(names or ctx.rulebook.decisions)}
    return st.fixed_dictionaries(chosen) if every else st.fixed_dictionaries({}, optional=chosen)


def option_sets(ctx: Context):
    """Some interpretation options chosen ({option: choice}); the rest keep their defaults."""
    return st.fixed_dictionaries({}, optional={name: _default_first(option.choices, option.default)
                                               for name, option in sorted(ctx.rulebook.options.items())})


def _default_first(choices, default):
    return st.sampled_from([default] + [c for c in choices if c != default])


# ---------------------------------------------------------------- histories and cases


def runs_of(values):
    """A run: one drawn value repeated 1 to MAX_RUN times (runs are what the law counts)."""
    return st.tuples(values, st.integers(1, MAX_RUN)).map(lambda pair: [pair[0]] * pair[1])


def _filled(draw, run, length: int) -> list:
    found: list = []
    while len(found) < length:
        found += draw(run)
    return found[:length]


_A_SET = object()  # drawn in place of a tier: draw a set of tiers instead


def year_values(ctx: Context, unknown: bool = True, sets: bool = False):
    """What a history says of one year: a tier, or with `unknown` None (a gap), or with `sets` a tuple of
    tiers; each as likely as any one tier."""
    choices = st.sampled_from(_simplest_first(ctx) + [None] * unknown + [_A_SET] * sets)
    return choices.flatmap(lambda v: tier_sets(ctx) if v is _A_SET else st.just(v)) if sets else choices


def histories(ctx: Context, year: int, unknown: bool = True, sets: bool = False):
    """{report year: tier} for every report year before `year`. With `unknown`, some years are None (a gap
    in the record) and the years before a drawn start are unknown; with `sets`, some years are known only
    as a set of tiers (a tuple)."""
    run = runs_of(year_values(ctx, unknown, sets))

    @st.composite
    def strategy(draw):
        start = draw(st.integers(ctx.first_year, year)) if unknown else ctx.first_year
        values = _filled(draw, run, year - start)
        history = {y: None for y in range(ctx.first_year, start)}
        history.update(zip(range(start, year), values))
        return history
    return strategy()


def proposals(ctx: Context, first: int | None = None, last: int | None = None):
    """(report year, proposed tier)."""
    return st.tuples(report_years(ctx, first, last), tiers(ctx))


def as_placements(history: dict) -> dict:
    """A history of tiers as the engine's placements (None: unknown; a tuple: known only as that set)."""
    return {y: _placement(y, t) for y, t in history.items()}


def _placement(year: int, tier) -> Placement:
    if isinstance(tier, tuple):
        return Placement(year=year, tier=None, possible=tier, origin="set")
    return Placement(year=year, tier=tier, origin="set" if tier is not None else "unknown")


def cases(ctx: Context, first: int | None = None, last: int | None = None, unknown: bool = True,
          sets: bool = False, code: str = COUNTRY):
    """(Case, options): a proposal, a history before it, some settled decisions and some options."""
    @st.composite
    def strategy(draw):
        year, tier = draw(proposals(ctx, first, last))
        history = draw(histories(ctx, year, unknown, sets))
        decided = draw(decision_sets(ctx))
        case = Case(code, year, Placement(year, tier, origin="proposed"), as_placements(history), decided,
                    {name: "user" for name in decided})
        return case, draw(option_sets(ctx))
    return strategy()


# ---------------------------------------------------------------- trajectories and the invariants


@attrs.frozen
class Trajectory:
    """Proposals for consecutive reports from `start` (None: a gap in the record), evaluated year by year:
    each year's effective tier is the history the next year sees. Years before `start` are on the
    background tier `check --exhaustive` uses. A decision in `decisions` is taken whenever the law opens it."""

    start: int
    proposals: tuple
    decisions: dict = attrs.field(factory=dict)
    options: dict = attrs.field(factory=dict)


def trajectories(ctx: Context, years: int = 6, starts=None, unknown: bool = True):
    """Trajectories of up to `years` reports, starting where a version of the law starts (as
    `check --exhaustive` explores them), with decisions and options drawn from the rulebook."""
    starts = st.sampled_from(list(starts or law_windows(ctx, years)))
    proposed = st.lists(runs_of(year_values(ctx, unknown)), min_size=1, max_size=years).map(
        lambda runs: tuple(v for r in runs for v in r)[:years])
    return st.builds(Trajectory, starts, proposed, decision_sets(ctx, every=True), option_sets(ctx))


class InvariantViolation(AssertionError):
    def __init__(self, problem: str, command: str):
        super().__init__(f"{problem}\n  smallest history: {command}")
        self.problem, self.command = problem, command


_contexts: dict = {}
_explorers: dict = {}


def _explorer(ctx: Context, trajectory: Trajectory) -> Explorer:
    """One explorer per rulebook, options and start, and one context per option set: their caches (compiled
    law, feature vectors, evaluations) serve every trajectory that shares them."""
    options = tuple(sorted({**ctx.options, **trajectory.options}.items()))
    if (id(ctx), options) not in _contexts:
        _contexts[(id(ctx), options)] = ctx.with_options(dict(options))
    key = (id(ctx), options, trajectory.start)
    if key not in _explorers:
        _explorers[key] = Explorer(_contexts[(id(ctx), options)], trajectory.start, 0)
        _explorers[key].checked = set()  # cases whose derivations were checked
    return _explorers[key]


def _settle(explorer, year, proposal, prefix, wanted) -> tuple:
    """(settled, summary) as `check --exhaustive` settles a case: the first open decision, then the next
    one the result opens, until none is open; each takes its option in `wanted`, else its default."""
    settled = ()
    while True:
        summary = explorer.summary(year, proposal, settled, prefix)
        open_now = [d for d in summary.opened if d not in dict(settled)]
        if not open_now:
            return settled, summary
        default = explorer.ctx.rulebook.decisions[open_now[0]].default
        settled = tuple(sorted(settled + ((open_now[0], wanted.get(open_now[0], default)),)))


def invariant_violation(ctx: Context, trajectory: Trajectory) -> dict | None:
    """The first invariant the trajectory breaks ({problem, year, command}), or None."""
    return _walk(ctx, trajectory)[0]


def _walk(ctx: Context, trajectory: Trajectory) -> tuple:
    """(the first violation or None, how close the trajectory came to each run invariant's limit)."""
    explorer = _explorer(ctx, trajectory)
    prefix, margins = (), {}
    for offset, proposal in enumerate(trajectory.proposals):
        year = trajectory.start + offset
        found = check_monotone(explorer, year, prefix)
        if found:
            return _written(explorer, year, found[1], (), prefix, found[0]), margins
        if proposal is None:
            prefix += (None,)
            continue
        settled, summary = _settle(explorer, year, proposal, prefix, trajectory.decisions)
        problem = _derivation_problem(explorer, year, proposal, settled, prefix)
        child = prefix + (summary.effective,)
        problem = problem or check_case(explorer, year, proposal, settled, summary, child)
        if problem:
            return _written(explorer, year, proposal, settled, prefix, problem), margins
        for name, margin in _margins(explorer, year, child).items():
            margins[name] = max(margin, margins.get(name, margin))
        prefix = child
    return None, margins


def _written(explorer, year, proposal, settled, prefix, problem) -> dict:
    """The violation as `check --exhaustive` writes it: leading years on the background tier join the
    background range (one `--set FIRST-LAST=TIER`, not a range and then the same tier year by year)."""
    lead = next((i for i, tier in enumerate(prefix) if tier != BACKGROUND), len(prefix))
    shifted = SimpleNamespace(ctx=explorer.ctx, start=explorer.start + lead)
    return _witness(shifted, year, proposal, settled, prefix[lead:], problem)


def _margins(explorer, year, child) -> dict:
    """For each run invariant in force: the current run's length minus the most it may be (0: at the limit)."""
    found = {}
    for name, inv in explorer.ctx.rulebook.invariants.items():
        if not all(explorer.ctx.options.get(k) == v for k, v in (inv.get("applies_with") or {}).items()):
            continue
        if inv["kind"] == "max_run" and _dated(inv["max"], year) is not None:
            found[name] = _run_at_end(explorer, child, inv["tiers"], inv["counted_from"], year) - _dated(inv["max"], year)
        if inv["kind"] == "max_run_after" and year >= inv["from_report"]:
            found[name] = _run_after_event(explorer, child, inv, year) - inv["max"]
    return found


def _derivation_problem(explorer, year, proposal, settled, prefix) -> str | None:
    """Every consequence's derivation ends in input facts; checked once per distinct case."""
    key = (year, proposal, settled, explorer.feature_vectors(year, prefix)[1])
    if key in explorer.checked:
        return None
    explorer.checked.add(key)
    return check_derivations(explorer, year, proposal, settled, prefix)


def assert_invariants(ctx: Context, trajectory: Trajectory) -> None:
    """Raise InvariantViolation (an AssertionError) if the trajectory breaks an invariant of the rulebook.

    Inside a hypothesis test it also reports how close the trajectory came to each run invariant's limit
    (hypothesis.target), so the search climbs towards the histories that could break them."""
    found, margins = _walk(ctx, trajectory)
    if hypothesis.currently_in_test_context():
        for name, margin in sorted(margins.items()):
            hypothesis.target(float(margin), label=name)
    if found:
        raise InvariantViolation(found["problem"], found["command"])
