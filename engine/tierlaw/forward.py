"""The forward clock: what comes next if nothing changes.

From a country-year, the same tier is proposed in each following report. Where the law lets the
proposal stand only through a decision (a waiver), the clock takes that decision and says so; the
first year in which no decision can keep the proposal is when the law forces a change. Each step
lists what the law counted, the decisions it needed and the dated duties that follow.

Where earlier years are known only in part, the clock runs once for each class of readings the law can
tell apart (features.reading_classes) and says which outcomes depend on which years."""

from __future__ import annotations

from .features import reading_classes
from .model import Placement
from .queries import Case, Context, fit_decisions, history_for, other_outcomes, transforming_rules


def _duties(result: dict) -> list:
    return [{"id": c["id"], "headline": c.get("headline") or c["title"], "cite": c["cite"], "status": c["status"],
             **{k: c[k] for k in ("due", "window", "fiscal_year") if k in c}}
            for c in result["consequences"] if "due" in c or "window" in c]


def _forcing(ctx: Context, year: int, result: dict) -> list:
    """The consequences whose rules changed the effective tier (they force the change)."""
    changing = transforming_rules(ctx.book(year, None))
    return [{"id": c["id"], "rule": c["rule"], "cite": c["cite"], "title": c["title"]}
            for c in result["consequences"] if c["rule"] in changing]


def step(ctx: Context, code: str, year: int, tier: str, overrides: dict) -> dict:
    proposed = Placement(year, tier, origin="proposed")
    case, result = fit_decisions(ctx, Case(code, year, proposed, history_for(ctx, code, year, overrides)), "needed",
                                 explain=False)  # a step shows no derivation
    needed = [f"{d['id']}={d['applied']}" for d in result["decisions"] if d["settled_by"] == "needed"]
    entry = {"year": year, "proposed": tier, "effective": result["effective_tier"], "features": result["features"],
             "stands": result["record_fits_law"], "needs": needed, "duties": _duties(result)}
    if result["record_fits_law"] is False:
        entry["forced_by"] = _forcing(ctx, year, result)
        assumed = [f"{d}={ctx.rulebook.decisions[d].default}" for d in other_outcomes(ctx, case, result)]
        if assumed:  # the law forces a change but does not name the list: the default names it
            entry["assumed"] = assumed
    if result.get("unknown_years"):
        entry["unknown_years"] = result["unknown_years"]
    return entry


def _one_reading(ctx: Context, code: str, year: int, tier: str, overrides: dict, years: int) -> list:
    """The clock on one reading of the uncertain years: each step's effective tier feeds the next."""
    overrides = dict(overrides)
    steps = []
    for later in range(year, year + 1 + years):
        entry = step(ctx, code, later, tier, overrides)
        steps.append(entry)
        overrides[later] = entry["effective"]
    return steps


def clock(ctx: Context, code: str, year: int, tier: str, overrides: dict, years: int = 6) -> dict:
    """Steps for `years` reports after `year`, proposing `tier` each time; forced changes are followed. The clock
    stops at the last report that could rank the country (it ceased to exist after it)."""
    last = ctx.last_report(code)
    stops = last is not None and year + years > last["year"]
    years = min(years, last["year"] - year) if stops else years
    every = tuple(ctx.rulebook.tiers)
    history = history_for(ctx, code, year, overrides)
    books = [(y, ctx.book(y, None).features) for y in range(year, year + 1 + years)]
    classes, layers = reading_classes(books, {y: p.tiers(every) for y, p in history.items()}, every)
    runs = [(reading, _one_reading(ctx, code, year, tier, {**overrides, **dict(reading.witness)}, years))
            for reading in classes]
    steps = [_merged_step(runs, layers, i) for i in range(years + 1)]
    forced = sorted({_first_forced(run) for _, run in runs}, key=lambda y: (y is None, y or 0))
    result = {"country": code, "from_year": year, "proposing": tier, "steps": steps,
              "first_forced_change": forced[0] if len(forced) == 1 else None,
              "years_needing_a_decision": [s["year"] for s in steps if s["needs"]]}
    if stops:
        result["last_report"] = last
    if len(forced) > 1:
        result["forced_change_possible"] = forced
        result["depends_on_years"] = list(_turning(runs, layers, _first_forced))
    return result


def _first_forced(steps: list):
    return next((s["year"] for s in steps if s["stands"] is False), None)


def _turning(runs: list, layers, outcome) -> tuple:
    """The uncertain years whose reading alone can change `outcome(a class's steps)` (Layers.turning_years)."""
    by_state = {reading.state: outcome(steps) for reading, steps in runs}
    return layers.turning_years(by_state.__getitem__)


OUTCOME = ("effective", "stands", "needs")


def _outcome(step_: dict) -> tuple:
    return tuple(str(step_[k]) for k in OUTCOME)


def _merged_step(runs: list, layers, i: int) -> dict:
    """Year `i` of the clock over every class of readings: certain where they agree, else the possibilities and
    the years they turn on."""
    steps = [run[i] for _, run in runs]
    first = steps[0]
    if len({_outcome(s) for s in steps}) == 1:
        merged = dict(first)
        if len({_basis(s) for s in steps}) > 1:  # the same change, forced by other rules in other readings
            always = set.intersection(*(set(_basis(s)[0] + _basis(s)[1]) for s in steps))
            _set_bases(merged, steps, always)
            merged["basis_depends_on_years"] = list(_turning(runs, layers, lambda run: _basis(run[i])))
    else:
        merged = dict(first, effective=None, stands=None,
                      needs=sorted({need for s in steps for need in s["needs"]}),
                      effective_possible=sorted({s["effective"] for s in steps if s["effective"]}),
                      stands_possible=sorted({str(s["stands"]).lower() for s in steps}),
                      depends_on_years=list(_turning(runs, layers, lambda run: _outcome(run[i]))))
        _set_bases(merged, steps, set())
    merged["features"] = _merged_features([s["features"] for s in steps])
    if len(steps) > 1:
        merged["readings"] = len(steps)
    return merged


def _basis(step_: dict) -> tuple:
    """What forced a step's change: the rules, and the defaults that named the list ((F) names none)."""
    return tuple(f["rule"] for f in step_.get("forced_by", ())), tuple(step_.get("assumed", ()))


def _set_bases(merged: dict, steps: list, always: set) -> None:
    """The forcing rules and assumed defaults of a step over its readings: those in `always` (every reading's) as
    `forced_by` and `assumed`, the others as `forced_by_in_some_readings` and `assumed_in_some_readings` (a Tier 3
    the automatic downgrade requires in some readings of a year and (F) leaves to an assumed default in others)."""
    forcing = {f["rule"]: f for s in steps for f in s.get("forced_by", ())}
    assumed = list(dict.fromkeys(a for s in steps for a in s.get("assumed", ())))
    merged.pop("forced_by", None)
    merged.pop("assumed", None)
    found = {"forced_by": [f for rule, f in forcing.items() if rule in always],
             "forced_by_in_some_readings": [f for rule, f in forcing.items() if rule not in always],
             "assumed": [a for a in assumed if a in always],
             "assumed_in_some_readings": [a for a in assumed if a not in always]}
    merged.update((name, value) for name, value in found.items()
                  if value or (name == "forced_by" and merged["stands"] is False))  # a forced step says by what


def _merged_features(all_features: list) -> dict:
    seen: dict = {}
    for features in all_features:
        for name, value in features.items():
            for one in value if isinstance(value, list) else [value]:
                seen.setdefault(name, set()).add(one)
    return {name: next(iter(v)) if len(v) == 1 else sorted(v, key=str) for name, v in sorted(seen.items())}
