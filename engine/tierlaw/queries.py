"""Questions asked of the engine: the consequences of a placement, and what-ifs against the record."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import attrs

from . import __version__
from .backends import get_backend
from .compile import compile_book, parameter
from .errors import InputError, arg
from .evaluate import base_fact, opened_decisions, run
from .explain import consequence, report_anchor
from .features import possible_vectors
from .inputs import as_date, as_items, as_path, as_year, read_tier, resolve_options
from .model import Placement
from .paths import default_data_dir, default_rules_dir
from .record import load_record
from .rulebook import load_rulebook
from .yamlsafe import is_whole

EFFECTIVE = "effective_tier"  # the derived fact the contract reports as RESULT.effective_tier
ENGINE_PARAMETERS = ("reports.first_year", "reports.deadline")  # anchors the engine itself reads


@attrs.frozen
class Case:
    """One question of one country-year: the proposed placement, the history before it, settled decisions."""

    code: str
    year: int
    proposed: Placement
    history: dict  # year -> Placement, every report year before `year` (tier None where unknown)
    decisions: dict = attrs.field(factory=dict)  # decision id -> settled value
    settled_by: dict = attrs.field(factory=dict)  # decision id -> user | record
    on: dt.date | None = None


class Context:
    """A loaded rulebook and record, a backend and the interpretation options in force.

    `rules_dir` and `data_dir` are directories (`str` or `Path`; default: the shipped rulebook and
    record), `backend` is "durable" or "reference" (default: durable where it imports), `options`
    maps interpretation option names to choices (see docs/rules.md). Every query takes a Context;
    build one and reuse it, since rulebooks compiled per report year are cached in it."""

    def __init__(self, rules_dir: str | Path | None = None, data_dir: str | Path | None = None,
                 backend: str | None = None, options: dict | None = None):
        self.backend = get_backend(backend)
        self.rules_dir = as_path(rules_dir, "rules_dir") if rules_dir else default_rules_dir()
        self.rulebook = load_rulebook(self.rules_dir)
        self.options = resolve_options(self.rulebook, options)
        for needed in ENGINE_PARAMETERS:
            if needed not in self.rulebook.parameters:
                raise InputError(f"the rulebook must define parameter {needed!r}", self.rulebook.source)
        first = self.rulebook.parameters["reports.first_year"]
        self.first_year = parameter(self.rulebook, "reports.first_year", min(first), self.options)[0]
        if not is_whole(self.first_year):
            raise InputError("parameter 'reports.first_year' must be a year", self.rulebook.source)
        _check_month_days(self.rulebook, "reports.deadline")
        self.data_dir = as_path(data_dir, "data_dir") if data_dir else default_data_dir()
        self.record = load_record(self.data_dir, self.rulebook.tiers, self.possible_years())
        self._books: dict = {}

    def with_options(self, options: dict) -> "Context":
        """The same rulebook, record and backend under other interpretation options."""
        other = object.__new__(Context)
        other.__dict__.update(self.__dict__)
        other.options = resolve_options(self.rulebook, options)
        other._books = {}
        return other

    def alternative_options(self):
        """(option, choice, context) for every single change of one option from the current choices."""
        for name, option in self.rulebook.options.items():
            for choice in option.choices:
                if choice != self.options[name]:
                    yield name, choice, self.with_options({**self.options, name: choice})

    def receipt(self) -> dict:
        """The versions every result is tied to: tierlaw, the backend, and digests of rulebook and record."""
        return {"tierlaw": __version__, "backend": self.backend.NAME, "rulebook": self.rulebook.digest,
                "data": self.record.digest}

    def period(self, year: int) -> tuple:
        """[from, until): while the report of `year` is the most recent one."""
        start = dt.date.fromisoformat(report_anchor(self, year)["date"])
        until = dt.date.fromisoformat(report_anchor(self, year + 1)["date"])
        return start, until

    def book(self, year: int, on: dt.date | None):
        """The rulebook compiled for report `year`, on the date `on` or over the report's whole period."""
        dates = (on, on + dt.timedelta(days=1)) if on else self.period(year)
        key = (year, dates)
        if key not in self._books:
            self._books[key] = compile_book(self.rulebook, year, self.options, dates)
        return self._books[key]

    def possible_years(self) -> range:
        """Report years a placement can have: from the first report to next year's."""
        return range(self.first_year, dt.date.today().year + 2)

    def check_year(self, year: int, what: str = "year") -> None:
        """An InputError (named `what`) unless a placement can have report year `year`."""
        if year < self.first_year:
            raise InputError(f"{year} is before the first report ({self.first_year})", what)
        if year not in self.possible_years():
            raise InputError(f"{year} is in the future", what)

    def check_tier(self, tier, what: str) -> str:
        """The rulebook's name of `tier` in any usual spelling ("2wl", "Tier 3", 3); InputError if none."""
        return read_tier(self.rulebook.tiers, tier, what)


def _check_month_days(book, name: str) -> None:
    """A parameter the engine reads as a month-day ("06-30") must be one, in every dated entry."""
    for since, entry in book.parameters[name].items():
        values = entry["choices"].values() if "by_option" in entry else [entry["value"]]
        for value in values:
            month, _, day = str(value).partition("-")
            try:
                dt.date(4, int(month), int(day))  # year 4 is a leap year: every real month-day fits
            except ValueError:
                raise InputError(f"parameter {name!r} ({since}): {value!r} is not a month-day like \"06-30\"",
                                 book.source) from None


def history_for(ctx: Context, code: str, year: int, overrides: dict) -> dict:
    """Every report year before `year`: the record, overridden by `--set` placements, else unknown."""
    recorded = ctx.record.history(code)
    history = {}
    for y in range(ctx.first_year, year):
        if y in overrides:
            history[y] = Placement(year=y, tier=overrides[y], origin="set")
        else:
            history[y] = recorded.get(y, Placement(year=y, tier=None, origin="unknown"))
    return history


# ---------------------------------------------------------------- one case


def evaluate_case(ctx: Context, case: Case) -> dict:
    """RESULT for one country-year: merged over every history the unknown years allow."""
    book = ctx.book(case.year, case.on)
    tiers_by_year = {y: p.tier for y, p in case.history.items()}
    vectors = possible_vectors(book.features, tiers_by_year, case.year, tuple(ctx.rulebook.tiers))
    decisions = {d: case.decisions.get(d, spec.default) for d, spec in ctx.rulebook.decisions.items()}
    outcomes = []
    for vector in vectors:
        run_ = run(ctx.backend, book, base_fact(case.proposed.tier, vector.values, decisions))
        outcomes.append((vector, run_))
    return _merged(ctx, case, book, outcomes)


def _shown_matches(book, run_) -> dict:
    """(consequence id, rule id) -> match, for the rules of a run that are shown."""
    rules = {item.rule.id: item.rule for item in book.rules}
    return {(rules[m.rule_id].consequence, m.rule_id): m for m in run_.fired if rules[m.rule_id].then.show}


def _merged(ctx, case, book, outcomes) -> dict:
    """One result over every reading of the unknown years: explanations are built once per consequence,
    from the first reading in which it holds."""
    shown = [_shown_matches(book, run_) for _, run_ in outcomes]
    unknown = sorted({y for vector, _ in outcomes for y in vector.unknown_years})
    varying = _varying_features(outcomes)
    consequences = []
    for key in sorted({key for one in shown for key in one}):
        first = next(i for i, one in enumerate(shown) if key in one)
        vector, run_ = outcomes[first]
        entry = consequence(ctx, case, book, vector, run_, shown[first][key])
        held = sum(1 for one in shown if key in one)
        consequences.append(_with_status(entry, held == len(shown), unknown, varying))
    effective = sorted({run_.derived(EFFECTIVE) for _, run_ in outcomes}, key=str)
    opened = sorted({d for _, run_ in outcomes for d in opened_decisions(run_, book)})
    result = {"proposed_tier": case.proposed.tier, "effective_tier": effective[0] if len(effective) == 1 else None,
              "consequences": consequences, "decisions": [_decision(ctx, case, d) for d in opened],
              "features": _feature_values(outcomes)}
    if len(outcomes) > 1:
        result["effective_tier_possible"] = effective
        result["unknown_years"] = unknown
    return result


def _feature_sets(outcomes) -> dict:
    """Each feature's set of values over the readings of the unknown years."""
    seen: dict = {}
    for vector, _ in outcomes:
        for name, value in vector.values:
            seen.setdefault(name, set()).add(value)
    return seen


def _varying_features(outcomes) -> set:
    return {name for name, seen in _feature_sets(outcomes).items() if len(seen) > 1}


def _mentions(facts: list, names: set) -> bool:
    for fact in facts:
        if fact["fact"] == "feature" and fact["name"] in names:
            return True
        if fact["fact"] == "derived" and any(_mentions(d["because"], names) for d in fact["derived_by"]):
            return True
    return False


def _feature_values(outcomes) -> dict:
    """Each feature's value, or the sorted list of values the unknown years allow."""
    return {name: next(iter(v)) if len(v) == 1 else sorted(v, key=str)
            for name, v in sorted(_feature_sets(outcomes).items())}


def _with_status(entry: dict, certain: bool, unknown: list, varying: set) -> dict:
    entry["status"] = "certain" if certain else "indeterminate"
    if varying and _mentions(entry["because"], varying):
        note = {"fact": "unknown_placements", "years": unknown,
                "note": "the facts below are one reading of these unknown years"}
        entry["because"] = [note] + entry["because"]
    if not certain:
        entry["depends_on_unknown_years"] = unknown
    return entry


def _decision(ctx, case, decision_id) -> dict:
    spec = ctx.rulebook.decisions[decision_id]
    return {"id": spec.id, "title": spec.title, "cite": spec.cite, "decided_by": spec.decided_by,
            "options": {name: {"description": text} for name, text in spec.options.items()},
            "default": spec.default, "default_basis": spec.default_basis,
            "applied": case.decisions.get(decision_id, spec.default),
            "settled_by": case.settled_by.get(decision_id, "default")}


def with_decisions(case: Case, values: dict, by: str) -> Case:
    """The case with `values` ({decision id: option}) settled, each marked as settled by `by`."""
    return attrs.evolve(case, decisions={**case.decisions, **values},
                        settled_by={**case.settled_by, **{k: by for k in values}})


def consequence_ids(result: dict) -> set:
    """The consequence ids of a result."""
    return {c["id"] for c in result["consequences"]}


def add_what_follows(ctx: Context, case: Case, result: dict) -> None:
    """For each open decision, the effective tier and consequences under each of its options."""
    for decision in result["decisions"]:
        if decision["settled_by"] != "default":
            continue
        for option, entry in decision["options"].items():
            other = evaluate_case(ctx, with_decisions(case, {decision["id"]: option}, "what-if"))
            entry["effective_tier"] = other["effective_tier"]
            entry["consequences"] = sorted(consequence_ids(other))


def placement_decisions(book) -> set:
    """Decisions that rules deriving the effective tier test or take their value from."""
    found = set()
    for item in book.rules:
        derives = dict(item.rule.then.derive)
        if EFFECTIVE not in derives:
            continue
        found |= {atom.ref.partition(".")[2] for atom in item.rule.when if atom.ref.startswith("decision.")}
        if isinstance(derives[EFFECTIVE], dict) and "decision" in derives[EFFECTIVE]:
            found.add(derives[EFFECTIVE]["decision"])
    return found


def settle_to_record(ctx: Context, case: Case) -> tuple[Case, dict]:
    """The recorded placement is final: choose decision values under which the law gives it.

    Defaults first, then each combination of options of the opened decisions. record_fits_law is
    True if some choice gives the recorded tier for certain, None if that depends on unknown years,
    False if no choice can give it."""
    result = evaluate_case(ctx, case)
    shaping = placement_decisions(ctx.book(case.year, case.on))
    open_ids = [d["id"] for d in result["decisions"] if d["id"] not in case.decisions and d["id"] in shaping]
    choices = [list(ctx.rulebook.decisions[d].options) for d in open_ids]
    maybe = None
    for combo in itertools.chain([()], itertools.product(*choices)):
        trial = with_decisions(case, dict(zip(open_ids, combo)), "record") if combo else case
        trial_result = evaluate_case(ctx, trial) if combo else result
        if trial_result["effective_tier"] == case.proposed.tier:
            return trial, dict(trial_result, record_fits_law=True)
        if maybe is None and case.proposed.tier in trial_result.get("effective_tier_possible", ()):
            maybe = (trial, trial_result)
    if maybe:
        return maybe[0], dict(maybe[1], record_fits_law=None)
    return case, dict(result, record_fits_law=False)


# ---------------------------------------------------------------- what-if


def parse_sets(ctx: Context, items, year: int) -> dict:
    """Placements of other years, `YEAR=TIER` or `FIRST-LAST=TIER` texts (or a mapping {year: tier}),
    as {year: tier}; malformed, repeated or contradictory ones are errors, and so is a year after
    `year`: a what-if reads only earlier years (the forward clock proposes the later ones)."""
    overrides = {}
    for item in as_items(items, "sets", "YEAR=TIER"):
        span, sep, tier = item.partition("=")
        first, dash, last = span.strip().partition("-")
        if not sep or not first.isdigit() or (dash and not last.isdigit()):
            raise InputError(f"{item!r} is not YEAR=TIER or FIRST-LAST=TIER", "sets")
        years = range(int(first), int(last if dash else first) + 1)
        if not years:
            raise InputError(f"{item!r}: the range ends before it starts", "sets")
        for set_year in years:
            _add_set(ctx, overrides, set_year, ctx.check_tier(tier.strip(), "sets"), year)
    return overrides


def _add_set(ctx, overrides, set_year, tier, year):
    ctx.check_year(set_year, "sets")
    if set_year in overrides:
        raise InputError(f"year {set_year} is set twice", "sets")
    if set_year == year:
        raise InputError(f"{set_year} is the question year; give its tier with {arg('tier')}", "sets")
    if set_year > year:
        raise InputError(f"{set_year} is after the question year {year}: a what-if reads only the years before "
                         f"it, and the forward clock proposes the later years itself ({arg('forward_years')})",
                         "sets")
    overrides[set_year] = tier


def parse_decisions(ctx: Context, items) -> dict:
    """Settled decisions, `DECISION=OPTION` texts (or a mapping), as {decision id: option}; unknown
    decisions or options and a decision settled twice are errors."""
    settled = {}
    for item in as_items(items, "decide", "DECISION=OPTION"):
        name, sep, value = item.partition("=")
        if not sep or name not in ctx.rulebook.decisions:
            known = ", ".join(sorted(ctx.rulebook.decisions))
            raise InputError(f"{item!r}: expected DECISION=OPTION with a decision among {known}", "decide")
        if value not in ctx.rulebook.decisions[name].options:
            options = ", ".join(ctx.rulebook.decisions[name].options)
            raise InputError(f"decision {name!r} has no option {value!r} (options: {options})", "decide")
        if name in settled:
            raise InputError(f"decision {name!r} is settled twice", "decide")
        settled[name] = value
    return settled


def whatif(ctx: Context, country: str, year: int | str, tier: str | int, sets=(), decide=(),
           on: dt.date | str | None = None, what_follows: bool = True, forward_years: int = 6) -> dict:
    """What would follow if `country` (code or name) were placed on `tier` in the report of `year`.

    `tier` is a tier of the rulebook in any usual spelling ("tier 3", "t3", "2wl", the integer 3);
    `sets` gives placements of earlier years (["YEAR=TIER", "FIRST-LAST=TIER"] or {year: tier}),
    which also admits a country not in the record;
    `decide` settles open decisions (["presidential_determination=d4_full_waiver"] or a mapping);
    `on` (a date or "YYYY-MM-DD") evaluates the date-keyed rules on one day. Returns the dictionary
    `tierlaw whatif --format json` prints: the recorded placement judged as `baseline`, the
    `hypothetical` result (consequences with their derivations, open decisions and what follows from
    each option), the `changes` between them, and the `forward` clock over `forward_years` reports."""
    year = as_year(year, "year")
    on = as_date(on, "on")
    if isinstance(forward_years, bool) or not isinstance(forward_years, int) or forward_years < 0:
        raise InputError(f"{forward_years!r} is not a number of reports (0 or more)", "forward_years")
    ctx.check_year(year)
    tier = ctx.check_tier(tier, "tier")
    overrides = parse_sets(ctx, sets, year)
    hint = f"a country not in the record needs its earlier placements given with {arg('sets')}"
    who = ctx.record.lookup(country, allow_new_code=bool(overrides), new_code_hint=hint)
    settled = parse_decisions(ctx, decide)
    history = history_for(ctx, who.code, year, overrides)
    proposed = Placement(year=year, tier=tier, origin="proposed")
    case = Case(who.code, year, proposed, history, settled, {k: "user" for k in settled}, on)
    hypothetical = evaluate_case(ctx, case)
    _check_settled_decisions_used(settled, hypothetical, who.code, year, tier)
    if what_follows:
        add_what_follows(ctx, case, hypothetical)
    baseline = _baseline(ctx, who.code, year, history, on)
    report = {
        "country": who.code, "country_name": who.name, "year": year,
        "on": on.isoformat() if on else None,
        "period": _period_entry(ctx, year, on),
        "baseline": baseline, "hypothetical": hypothetical,
        "changes": _changes(baseline, hypothetical),
        "options": ctx.options,
        "receipt": ctx.receipt(),
    }
    if forward_years:
        from .forward import clock  # the clock builds on this module
        report["forward"] = clock(ctx, who.code, year, tier, overrides, forward_years)
    return report


def whatif_all(ctx: Context, country: str, year: int | str, sets=(), decide=(),
               on: dt.date | str | None = None) -> dict:
    """Every tier side by side: the dictionary `tierlaw whatif --tier all --format json` prints, with
    the `hypothetical` result of each tier under `tiers`. Arguments as for `whatif`; decisions belong
    to one tier, so `decide` must be empty."""
    if decide:
        raise InputError(f"a decision belongs to one tier: give {arg('decide')} with a single {arg('tier')}, "
                         f"not all", "tier")
    reports = {tier: whatif(ctx, country, year, tier, sets, [], on, what_follows=False, forward_years=0)
               for tier in ctx.rulebook.tiers}
    first = next(iter(reports.values()))
    return {"country": first["country"], "country_name": first["country_name"], "year": first["year"],
            "on": first["on"], "period": first["period"], "baseline": first["baseline"],
            "tiers": {tier: report["hypothetical"] for tier, report in reports.items()},
            "options": ctx.options, "receipt": ctx.receipt()}


def _check_settled_decisions_used(settled, result, code, year, tier):
    opened = {d["id"] for d in result["decisions"]}
    for name, value in settled.items():
        if name not in opened:
            raise InputError(f"decision {name}={value} is settled, but no rule opens it for {code} {year} "
                             f"on tier {tier} (contradictory settings)", "decide")


def _baseline(ctx, code, year, history, on):
    recorded = ctx.record.history(code).get(year)
    if recorded is None or recorded.tier is None:
        return None
    case = Case(code, year, recorded, history, on=on)
    _, result = settle_to_record(ctx, case)
    return result


def _changes(baseline, hypothetical) -> dict:
    before = consequence_ids(baseline) if baseline else set()
    after = consequence_ids(hypothetical)
    return {"added": sorted(after - before), "removed": sorted(before - after)}


def _period_entry(ctx, year, on) -> dict:
    start, until = ctx.period(year)
    entry = {"report": year, "most_recent_from": start.isoformat(), "until": until.isoformat()}
    if on and not (start <= on < until):
        entry["note"] = f"on {on.isoformat()} the report of {year} was not the most recent one"
    return entry
