"""Questions asked of the engine: the consequences of a placement, and what-ifs against the record."""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from pathlib import Path

import attrs

from . import __version__, memo, summary
from .backends import get_backend
from .cache import Asked, Cache, Readings, rules_see
from .compile import compile_book, parameter
from .evaluate import book_rule
from .errors import InputError, arg
from .explain import consequences, report_anchor
from .features import evidence_years
from .inputs import (DEFAULT_FORWARD, USER_ASSIGNED_WORDS, as_date, as_items, as_path, as_year, check_report_year,
                     read_tier, resolve_options)
from .memo import keep, kept, per_book
from .model import EFFECTIVE, NOT_RANKED, Placement
from .paths import default_data_dir, default_rules_dir
from .record import load_record
from .rulebook import load_rulebook
from .yamlsafe import is_whole

ENGINE_PARAMETERS = ("reports.first_year", "reports.deadline")  # anchors the engine itself reads


@attrs.frozen
class Case:
    """One question of one country-year: the proposed placement, the history before it, settled decisions."""

    code: str
    year: int
    proposed: Placement
    history: dict  # year -> Placement, every report year before `year` (a tier, a set, or unknown)
    decisions: dict = attrs.field(factory=dict)  # decision id -> settled value
    settled_by: dict = attrs.field(factory=dict)  # decision id -> user | record | scenario | needed
    on: dt.date | None = None
    sources: dict = attrs.field(factory=dict)  # decision id -> where a recorded decision comes from
    set_aside: frozenset = frozenset()  # rules not applied: the published list stands (recorded placements)


class Context:
    """A loaded rulebook and record, a backend and the interpretation options in force.

    `rules_dir` and `data_dir` are directories (`str` or `Path`; default: the shipped rulebook and
    record), `backend` is "durable" or "reference" (default: durable where it imports), `options`
    maps interpretation option names to choices (see docs/rules.md), `cache` (default on) evaluates
    each case the law can tell apart once (off: every case afresh, `--no-cache`). Every query takes a
    Context; build one and reuse it, since rulebooks compiled per report year and evaluated cases are
    kept in it."""

    def __init__(self, rules_dir: str | Path | None = None, data_dir: str | Path | None = None,
                 backend: str | None = None, options: dict | None = None, cache: bool = True):
        self.backend = get_backend(backend)
        self.cache = Cache(enabled=cache)  # shared with every context made from this one (with_options)
        self.rules_dir = as_path(rules_dir, "rules_dir") if rules_dir else default_rules_dir()
        self.rulebook = load_rulebook(self.rules_dir)
        for needed in ENGINE_PARAMETERS:
            if needed not in self.rulebook.parameters:
                raise InputError(f"the rulebook must define parameter {needed!r}", self.rulebook.source)
        first = self.rulebook.parameters["reports.first_year"]
        self.first_year = parameter(self.rulebook, "reports.first_year", min(first), {})[0]
        if not is_whole(self.first_year):
            raise InputError("parameter 'reports.first_year' must be a year", self.rulebook.source)
        _check_month_days(self.rulebook, "reports.deadline")
        self.data_dir = as_path(data_dir, "data_dir") if data_dir else default_data_dir()
        self.record = load_record(self.data_dir, self.rulebook.tiers, self.possible_years())
        self.record_through = max(self.record.years(), default=None)  # the latest report the record holds
        self.all_options = _all_options(self.rulebook, self.record)
        self.options = resolve_options(self.all_options, options)
        self.chosen_options = dict(options or {})  # chosen, not left at the default (options_assumed)
        self.option_contexts: dict = {}  # options -> context (under): shared with the contexts made from this one
        _check_record_against_rulebook(self.rulebook, self.record)
        self.every_tier = tuple(self.rulebook.tiers)
        self._country_facts: dict = {}
        # what the rules read of a case besides its history and proposal (evaluation); not option-dependent,
        # so shared with the contexts made by with_options
        self.case_inputs: dict = {}
        self._forget_option_dependent()

    def _forget_option_dependent(self) -> None:
        """Tables that depend on the interpretation options: compiled books, report periods, knowledge."""
        self._books: dict = {}
        self._periods: dict = {}
        self._knowledge: dict = {}
        self._rows: dict = {}
        self.explained: dict = {}  # parts of explanations shared by the cases that cite them (explain.py)

    def with_options(self, options: dict) -> "Context":
        """The same rulebook, record and backend under other interpretation options."""
        other = self.chosen_as(options or {})
        other.options = resolve_options(self.all_options, options)
        other._forget_option_dependent()
        return other

    def chosen_as(self, chosen: dict) -> "Context":
        """This context, its tables shared, with `chosen` as the options its asker chose (options_assumed lists
        only the others): a server's request that names an option's default chose it."""
        other = object.__new__(Context)
        other.__dict__.update(self.__dict__)
        other.chosen_options = dict(chosen)
        return other

    def under(self, name: str, choice: str) -> "Context":
        """This context with one option changed, made once and kept with the contexts made from this one (so
        its compiled books serve every later question asked under it)."""
        options = {**self.options, name: choice}
        return kept(self.option_contexts, tuple(sorted(options.items())), self.with_options, options,
                    limit=memo.OPTION_SETS_KEPT)

    def alternative_options(self):
        """(option, choice, context) for every single change of one option from the current choices."""
        for name, option in self.all_options.items():
            for choice in option.choices:
                if choice != self.options[name]:
                    yield name, choice, self.under(name, choice)

    def alternative_option_pairs(self):
        """((option=choice, option=choice), context) for every change of two options at once."""
        singles = list(self.alternative_options())
        for (first, choice, _), (second, other_choice, _) in itertools.combinations(singles, 2):
            if first != second:
                changed = {**self.options, first: choice, second: other_choice}
                yield (f"{first}={choice}", f"{second}={other_choice}"), self.with_options(changed)

    def receipt(self) -> dict:
        """The versions every result is tied to: tierlaw, the backend, digests of rulebook and record, and the
        latest report the record holds (a later report is not in it yet, whatever the date)."""
        return {"tierlaw": __version__, "backend": self.backend.NAME, "rulebook": self.rulebook.digest,
                "data": self.record.digest, "record_through": self.record_through}

    def period(self, year: int) -> tuple:
        """[from, until): while the report of `year` is the most recent one."""
        if year not in self._periods:
            start = dt.date.fromisoformat(report_anchor(self, year)["date"])
            until = dt.date.fromisoformat(report_anchor(self, year + 1)["date"])
            self._periods[year] = start, until
        return self._periods[year]

    def estimated(self, year: int) -> bool:
        """Whether the report of `year` is dated by its statutory deadline (its release date is not known)."""
        return year not in self.record.releases

    def book(self, year: int, on: dt.date | None, set_aside: frozenset = frozenset()):
        """The law for report `year`, evaluated on `on` (or over the report's whole period)."""
        key = (year, on, set_aside)
        found = self._books.get(key)
        if found is None:
            period = self.period(year)
            dates = (on, on + dt.timedelta(days=1)) if on else period
            book = compile_book(self.rulebook, year, self.options, dates, period, set_aside)
            found = keep(self._books, key, book, memo.BOOKS_PER_CONTEXT)  # each date of a period compiles its own
        return found

    def knowledge(self, code: str, year: int) -> Placement:
        """What the record knows of a country-year under the options in force (record.knowledge), once."""
        key = (code, year)
        found = self._knowledge.get(key)
        if found is None:
            found = self._knowledge[key] = self.record.knowledge(code, year, self.options)
        return found

    def known_years(self, code: str, until: int) -> list:
        """What the record knows of a country's report years from the first to `until` (excluded), in order."""
        wanted = until - self.first_year
        row = self._rows.get(code)
        if row is None or len(row) < wanted:
            last = max(until, self.possible_years().stop)
            row = self._rows[code] = [self.knowledge(code, y) for y in range(self.first_year, last)]
        return row[:wanted]

    def country_facts(self, code: str) -> dict:
        """The facts of a country the rules may test, from the record where it differs from the default."""
        if code not in self._country_facts:
            own = self.record.facts.get(code, {})
            self._country_facts[code] = {name: own.get(name, spec["default"])
                                         for name, spec in sorted(self.rulebook.country_facts.items())}
        return dict(self._country_facts[code])

    def possible_years(self) -> range:
        """Report years a recorded placement can have: from the first report to next year's."""
        return range(self.first_year, dt.date.today().year + 2)

    def question_years(self) -> range:
        """Report years a question can name: the record's, and on as far as the forward clock reaches from next
        year's report by default (the years its steps show)."""
        return range(self.first_year, self.possible_years().stop + DEFAULT_FORWARD)

    def check_year(self, year: int, what: str = "year", code: str | None = None) -> None:
        """An InputError (named `what`) unless a question can name report year `year` (of the country `code`,
        where given: check_ranked)."""
        check_report_year(year, self.question_years(), what, QUESTION_REACH)
        if code is not None:
            self.check_ranked(code, year, what)

    def check_ranked(self, code: str, year: int, what: str = "year") -> None:
        """An InputError (named `what`) where no report of `year` could rank the country: it did not exist at the
        report's release (data/countries.yaml `existed`)."""
        existence = self.record.existed.get(code)
        if existence is not None and not existence.ranks(year):
            raise InputError(existence.refusal(self.record.name_of(code), code, year), what)

    def last_report(self, code: str) -> dict | None:
        """{year, basis} of the last report that could rank the country (it ceased to exist after it), or None."""
        existence = self.record.existed.get(code)
        if existence is None or existence.last_report is None:
            return None
        return {"year": existence.last_report, "basis": existence.basis}

    def checked_date(self, day: dt.date | None, what: str = "on") -> dt.date | None:
        """`day`, unless it falls before the first report's year or after the last year a question can name
        (deadlines counted from it would run past the calendar): InputError named `what`."""
        last = self.question_years()[-1]
        if day is not None and day.year < self.first_year:  # before the reports, and the law read here
            raise InputError(f"{day.isoformat()} is before the first report ({self.first_year})", what)
        if day is not None and day.year > last:
            raise InputError(f"{day.isoformat()} is too far ahead: dates run to the end of {last} "
                             f"({QUESTION_REACH})", what)
        return day

    def check_tier(self, tier, what: str) -> str:
        """The rulebook's name of `tier` in any usual spelling ("2wl", "Tier 3", 3); InputError if none."""
        return read_tier(self.rulebook.tiers, tier, what)


QUESTION_REACH = f"{DEFAULT_FORWARD} reports after next year's, as far as the forward clock looks by default"


def _all_options(rulebook, record) -> dict:
    """The rulebook's interpretation options and the record's reading options, in one namespace."""
    for name in record.options:
        if name in rulebook.options:
            raise InputError(f"option {name!r} is defined both by the rulebook and by the record", rulebook.source)
    return {**rulebook.options, **record.options}


def _check_record_against_rulebook(rulebook, record) -> None:
    """Country facts and recorded decisions must be ones the rulebook knows."""
    for code, facts in record.facts.items():
        for name, value in facts.items():
            spec = rulebook.country_facts.get(name)
            if spec is None or type(value) is not type(spec["default"]):
                raise InputError(f"countries.yaml: fact {name!r} of {code} is not a country fact of the rulebook "
                                 f"(known: {', '.join(sorted(rulebook.country_facts)) or 'none'}) or has the wrong "
                                 f"type", rulebook.source)
    for (code, year), recorded in record.decisions.items():
        for entry in recorded:
            spec = rulebook.decisions.get(entry.decision)
            if spec is None or entry.value not in spec.options:
                raise InputError(f"recorded decision {entry.decision}={entry.value} for {code} {year} is not a "
                                 f"decision option of the rulebook", rulebook.source)


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
    """Every report year before `year`: what the record knows (a tier, a set, or nothing), overridden by
    `--set` placements. An override may itself be a set of tiers (a tuple), e.g. a forward step whose
    outcome depends on a gap."""
    history = dict(zip(range(ctx.first_year, year), ctx.known_years(code, year)))
    for y in overrides:
        if ctx.first_year <= y < year:
            history[y] = _override(y, overrides[y])
    return history


def _override(year: int, tier) -> Placement:
    if isinstance(tier, (tuple, list, frozenset, set)):
        return Placement(year=year, tier=None, possible=tuple(sorted(tier)), origin="set")
    return Placement(year=year, tier=tier, origin="set" if tier is not None else "unknown")


# ---------------------------------------------------------------- one case


def evaluate_case(ctx: Context, case: Case, explain: bool = True) -> dict:
    """RESULT for one country-year: merged over every history the unknown years allow. Without `explain`,
    the consequences carry no derivation (`because`)."""
    return evaluation(ctx, case).result(ctx, explain)


def evaluation(ctx: Context, case: Case) -> "Evaluation":
    """The runs of a case, one per reading of its uncertain years, taken from the cache where the law has
    seen the same case before (cache.py); explanations wait until a result is asked for."""
    book = ctx.book(case.year, case.on, case.set_aside)
    decisions, country, seen = kept(ctx.case_inputs, (case.code, tuple(sorted(case.decisions.items()))), _inputs,
                                    ctx, case)
    asked = Asked(ctx.backend, book, (case.proposed.tier, *seen), decisions, country, EFFECTIVE)
    return Evaluation(case, book, ctx.cache.evaluated(asked, case.history, case.year, ctx.every_tier))


def decisions_in_force(ctx: Context, settled: dict) -> dict:
    """Every decision of the rulebook: settled, or its default."""
    return {d: settled.get(d, spec.default) for d, spec in ctx.rulebook.decisions.items()}


def _inputs(ctx: Context, case: Case) -> tuple:
    """(every decision of the rulebook: settled, or its default; the country's facts; both as a key), the
    same for each case of a country with the same settled decisions: kept in `ctx.case_inputs`, read-only."""
    decisions = decisions_in_force(ctx, case.decisions)
    country = ctx.country_facts(case.code)
    return decisions, country, rules_see(decisions, country)


@attrs.frozen
class Evaluation:
    """A case and the runs of the readings of its uncertain years (cache.Readings)."""

    case: Case
    book: object
    readings: Readings

    def effective_tiers(self) -> list:
        return list(self.readings.effective)

    @property
    def effective(self):
        """The effective tier, or None where the readings differ (RESULT.effective_tier)."""
        tiers = self.readings.effective
        return tiers[0] if len(tiers) == 1 else None

    def possible(self) -> list:
        """RESULT.effective_tier_possible: the effective tiers of the readings, where there are several."""
        return self.effective_tiers() if len(self.readings.each) > 1 else []

    def tier_fields(self) -> dict:
        """The effective tier, with the tiers it may be where the readings differ: what a decision's option, another
        reading of the statute or several read together give (effective_tier, effective_tier_possible)."""
        return {"effective_tier": self.effective} if self.effective is not None else \
            {"effective_tier": None, "effective_tier_possible": self.effective_tiers()}

    def consequence_keys(self) -> set:
        """(consequence id, rule id) of every consequence shown in some reading."""
        return {key for key, _, _ in self.readings.shown}

    def consequence_ids(self) -> set:
        return {consequence_id for (consequence_id, _), _, _ in self.readings.shown}

    def headlines(self) -> dict:
        """consequence id -> the headline (else title) of the rule that gives it in this case's book."""
        found = {}
        for (consequence_id, rule_id), _, _ in self.readings.shown:
            rule = book_rule(self.book, rule_id).rule
            found.setdefault(consequence_id, rule.headline or rule.title)
        return dict(sorted(found.items()))

    def opened(self) -> list:
        """Decisions that shaped the result (RESULT.decisions, by id)."""
        return list(self.readings.opened)

    def result(self, ctx: Context, explain: bool = True) -> dict:
        return _merged(ctx, self.case, self.book, self.readings, explain)


def _merged(ctx, case, book, readings: Readings, explain=True) -> dict:
    """One result over every reading of the uncertain years: explanations are built once per consequence,
    from the first reading in which it holds (explain.consequences). The result and its consequences and
    decisions are its own; the parts that repeat across cases (explanations, explain.py; a decision's
    options) are shared with other results: read-only."""
    effective = list(readings.effective)
    result = {"proposed_tier": case.proposed.tier, "effective_tier": effective[0] if len(effective) == 1 else None,
              "consequences": consequences(ctx, case, book, readings, explain),
              "decisions": [_decision(ctx, case, d) for d in readings.opened] if readings.opened else [],
              "features": _features(readings)}
    if len(readings.each) > 1:
        result["effective_tier_possible"] = effective
        result["unknown_years"] = list(readings.turns)
        if len(effective) > 1:
            result["effective_tier_depends_on"] = list(readings.tier_turns)
    assumptions = _assumptions(case, book)
    if assumptions:
        result["assumptions"] = assumptions
    return result


def _features(readings: Readings) -> dict:
    """RESULT.features: each feature's value, or the sorted values of the readings where they differ (a list of
    the result's own: the readings' are shared)."""
    if not readings.varying:
        return dict(readings.features)
    return {name: list(v) if name in readings.varying else v for name, v in readings.features}


_ASSUMED = operator.attrgetter("assumed")


def _assumptions(case, book) -> list:
    """Assumptions behind the placements the features read: a list taken as complete by option."""
    if not any(map(_ASSUMED, case.history.values())):  # the usual case, looked at in C
        return []
    years = {y for spec in book.features.values()
             for y in evidence_years(spec, {y: p.tier for y, p in case.history.items()}, case.year)}
    return [{"year": y, "assumed": list(case.history[y].assumed)}
            for y in sorted(years) if y in case.history and case.history[y].assumed]


def _decision(ctx, case, decision_id) -> dict:
    spec = ctx.rulebook.decisions[decision_id]
    settled_by = case.settled_by.get(decision_id, "default")
    entry = {"id": spec.id, "title": spec.title, "cite": spec.cite, "decided_by": spec.decided_by,
             "options": kept(ctx.explained, ("options", decision_id), _options_described, spec),
             "default": spec.default, "default_basis": spec.default_basis,
             "applied": case.decisions.get(decision_id, spec.default), "settled_by": settled_by}
    if spec.fiscal_year is not None:
        entry["fiscal_year"] = case.year + spec.fiscal_year
    if spec.hangs_on:
        entry["hangs_on"] = spec.hangs_on
    if decision_id in case.sources:
        entry["source"] = case.sources[decision_id]
    if settled_by == "default":
        entry["assumed"] = True  # the rulebook's default, not a decision anyone recorded
    return entry


def _options_described(spec) -> dict:
    """A decision's options as RESULT.decisions lists them: once per context, shared by every result that
    opens the decision (read-only: add_what_follows gives a result its own before it writes in them)."""
    return {name: {"description": text} for name, text in spec.options.items()}


def with_decisions(case: Case, values: dict, by: str, sources: dict | None = None) -> Case:
    """The case with `values` ({decision id: option}) settled, each marked as settled by `by` (with its
    source, where the record settles it)."""
    return attrs.evolve(case, decisions={**case.decisions, **values},
                        settled_by={**case.settled_by, **{k: by for k in values}},
                        sources={**case.sources, **(sources or {})})


def consequence_ids(result: dict) -> set:
    """The consequence ids of a result."""
    return {c["id"] for c in result["consequences"]}


def add_what_follows(ctx: Context, case: Case, result: dict) -> None:
    """For each open decision, the effective tier and consequences under each of its options."""
    for decision in result["decisions"]:
        if decision["settled_by"] != "default":
            continue
        options = decision["options"] = {option: dict(entry) for option, entry in decision["options"].items()}
        for option, entry in options.items():
            other = evaluation(ctx, with_decisions(case, {decision["id"]: option}, "what-if"))
            entry.update(other.tier_fields())
            entry["consequences"] = sorted(other.consequence_ids())
            entry["headlines"] = other.headlines()  # of the rules in force that year: versions' words differ
            entry["rules"] = sorted({rule_id for _, rule_id in other.consequence_keys()})  # which versions follow


def add_options_assumed(ctx: Context, case: Case, result: dict) -> None:
    """RESULT.options_assumed: the open readings of the statute (the rulebook's interpretation options) that no
    one chose, applied at their default, under which this result would differ: for each, the other choices
    and what the law gives under them. Left out where there is none."""
    tiers = result.get("effective_tier_possible") or [result["effective_tier"]]
    shown = {(c["id"], c["rule"], c["status"] == "certain") for c in result["consequences"]}
    found = [{"option": name, "title": option.title, "applied": ctx.options[name], "assumed": True,
              "statute_ref": option.statute_ref, "otherwise": otherwise}
             for name, option, otherwise in readings_turning(
                 ctx, lambda other, choice: _otherwise(evaluation(other, case), choice, tiers, shown))]
    if found:
        result["options_assumed"] = found
    alone = {item["option"] for item in found if any(_tiers_of(o) != tiers for o in item["otherwise"])}
    together = _turning_together(ctx, case, tiers, alone)
    if together:
        result["options_assumed_together"] = together


def _tiers_of(entry: dict) -> list:
    return entry.get("effective_tier_possible") or [entry["effective_tier"]]


def _turning_together(ctx: Context, case: Case, tiers: list, alone: set) -> list:
    """RESULT.options_assumed_together: the smallest sets of open readings, none of which changes the effective
    tier alone, under whose other choices taken together the law gives another effective tier (a Watch List year that
    fits the law only where (F)'s run counts a waiver year and (F) applies immediately)."""
    free = [(name, [choice for choice in option.choices if choice != ctx.options[name]])
            for name, option in ctx.rulebook.options.items() if name not in ctx.chosen_options and name not in alone]
    for size in range(2, len(free) + 1):
        found = [_together(ctx, dict(zip((name for name, _ in combo), choices)), other)
                 for combo in itertools.combinations(free, size)
                 for choices in itertools.product(*(others for _, others in combo))
                 if (other := evaluation(_under_all(ctx, combo, choices), case)).effective_tiers() != tiers]
        if found:
            return found
    return []


def _under_all(ctx: Context, combo: tuple, choices: tuple) -> Context:
    for (name, _), choice in zip(combo, choices):
        ctx = ctx.under(name, choice)
    return ctx


def _together(ctx: Context, choices: dict, other: "Evaluation") -> dict:
    return {"applied": {name: ctx.options[name] for name in choices}, "assumed": True, "choices": choices,
            "statute_refs": list(dict.fromkeys(ctx.rulebook.options[name].statute_ref for name in choices)),
            **other.tier_fields()}


def readings_turning(ctx: Context, otherwise_under) -> list:
    """(option id, Option, entries) for each of the rulebook's interpretation options no one chose (at its default)
    under whose other choices `otherwise_under(context under that choice, choice)` gives something (None: the same
    as under the default)."""
    found = []
    for name, option in ctx.rulebook.options.items():
        if name in ctx.chosen_options:
            continue
        otherwise = [entry for choice in option.choices if choice != ctx.options[name]
                     if (entry := otherwise_under(ctx.under(name, choice), choice)) is not None]
        if otherwise:
            found.append((name, option, otherwise))
    return found


def _otherwise(other: "Evaluation", choice: str, tiers: list, shown: set) -> dict | None:
    """What the law gives under another choice of an option, where it differs: the effective tier, the
    consequences added and removed, and those that hold under another rule or in other readings (`changed`)."""
    other_shown = {(key[0], key[1], certain) for key, _, certain in other.readings.shown}
    if other.effective_tiers() == tiers and other_shown == shown:
        return None
    ids, other_ids = {c for c, _, _ in shown}, {c for c, _, _ in other_shown}
    headlines = other.headlines()
    entry = {"choice": choice, **other.tier_fields()}
    entry["added"] = [{"id": i, "headline": headlines[i]} for i in sorted(other_ids - ids)]
    entry["removed"] = sorted(ids - other_ids)
    entry["changed"] = sorted({c for c, _, _ in shown ^ other_shown} & ids & other_ids)
    return entry


@per_book
def placement_decisions(book) -> frozenset:
    """Decisions that rules deriving the effective tier test or take their value from."""
    found = set()
    for item in book.rules:
        derives = dict(item.rule.then.derive)
        if EFFECTIVE not in derives:
            continue
        found |= {atom.ref.partition(".")[2] for atom in item.rule.when if atom.ref.startswith("decision.")}
        if isinstance(derives[EFFECTIVE], dict) and "decision" in derives[EFFECTIVE]:
            found.add(derives[EFFECTIVE]["decision"])
    return frozenset(found)


@per_book
def transforming_rules(book) -> frozenset:
    """Rules that can give an effective tier other than the proposed one (not the default rule)."""
    return frozenset(item.rule.id for item in book.rules
                     if EFFECTIVE in dict(item.rule.then.derive) and not item.rule.then.default)


def fit_decisions(ctx: Context, case: Case, by: str = "record", why: str | None = None,
                  explain: bool = True) -> tuple[Case, dict]:
    """Choose values of the open decisions that shape the placement so that the law gives the proposed tier.

    Defaults first, then each combination of options. record_fits_law is True if some choice gives the
    proposed tier for certain, None if that depends on uncertain years, False if no choice can give it.
    The chosen values are settled `by` (record: inferred from a published list; needed: a forward step)."""
    trial, found, fits = fitted(ctx, case, by, why)
    return trial, dict(found.result(ctx, explain), record_fits_law=fits)


def fitted(ctx: Context, case: Case, by: str = "record", why: str | None = None) -> tuple[Case, "Evaluation", object]:
    """fit_decisions before any result is built: (case as settled, its Evaluation, record_fits_law)."""
    first = evaluation(ctx, case)
    shaping = placement_decisions(ctx.book(case.year, case.on, case.set_aside))
    open_ids = [d for d in first.opened() if d not in case.decisions and d in shaping]
    choices = [list(ctx.rulebook.decisions[d].options) for d in open_ids]
    maybe = None
    for combo in itertools.chain([()], itertools.product(*choices)):
        values = dict(zip(open_ids, combo))
        trial = with_decisions(case, values, by, {d: why for d in values} if why else None) if combo else case
        found = evaluation(ctx, trial) if combo else first
        if found.effective == case.proposed.tier:
            return trial, found, True
        if maybe is None and case.proposed.tier in found.possible():
            maybe = (trial, found)
    if maybe:
        return maybe[0], maybe[1], None
    return case, first, False


def default_alternatives(ctx: Context, case: Case, result: dict):
    """(decision, option, Evaluation) for each other option of each decision the result left at its default that
    shapes the placement: what the law gives if that decision goes the other way."""
    shaping = placement_decisions(ctx.book(case.year, case.on, case.set_aside))
    for d in result["decisions"]:
        if d["settled_by"] == "default" and d["id"] in shaping:
            for option in d["options"]:
                if option != d["applied"]:
                    yield d["id"], option, evaluation(ctx, with_decisions(case, {d["id"]: option}, "what-if"))


def other_outcomes(ctx: Context, case: Case, result: dict) -> dict:
    """{decision: {option: effective tier}}: the default_alternatives that give another certain effective tier
    than the result's (the list (F) leaves open)."""
    found: dict = {}
    for decision, option, other in default_alternatives(ctx, case, result):
        if other.effective not in (None, result["effective_tier"]):
            found.setdefault(decision, {})[option] = other.effective
    return found


# ---------------------------------------------------------------- recorded placements


def with_recorded_decisions(ctx: Context, case: Case) -> Case:
    """A recorded placement with the decisions the data records for it (a presidential determination)."""
    if case.proposed.origin != "record":
        return case
    recorded = ctx.record.decisions.get((case.code, case.year), ())
    values = {entry.decision: entry.value for entry in recorded}
    sources = {entry.decision: f"{entry.source} (FY{entry.fiscal_year}: {entry.recorded_as})" for entry in recorded}
    return with_decisions(case, values, "record", sources) if values else case


@attrs.frozen
class Law:
    """What the law in force gives for a placement: the case as settled, its evaluation, record_fits_law."""

    case: Case
    evaluation: Evaluation
    fits: object  # True, None (depends on uncertain years) or False

    def result(self, ctx: Context, explain: bool = True) -> dict:
        return dict(self.evaluation.result(ctx, explain), record_fits_law=self.fits)


def published(ctx: Context, case: Case, explain: bool = True) -> tuple[Case, dict, Law]:
    """A recorded placement carries the consequences of the list it was published on.

    Returns (case as evaluated, result, law): `law` is what the law in force gave for the placement (its
    `fits` says whether the record fits it); `result` follows the published list: where the law would give
    another tier, the rules that give it are set aside (`set_aside`) and the record stands. Without
    `explain`, its consequences carry no derivation."""
    case = with_recorded_decisions(ctx, case)
    why = f"inferred from the published {case.proposed.tier} placement" if case.proposed.origin == "record" else None
    law = Law(*fitted(ctx, case, "record", why))
    trial, found, fits, set_aside = law.case, law.evaluation, law.fits, frozenset()
    every = transforming_rules(ctx.book(case.year, case.on))
    while fits is not True:
        fired = {rule for _, rule in found.consequence_keys()} & every
        set_aside |= fired if fired - set_aside else every
        trial, found, fits = fitted(ctx, attrs.evolve(case, set_aside=frozenset(set_aside)), "record", why)
        if set_aside == every:
            break
    result = dict(found.result(ctx, explain), record_fits_law=law.fits)
    if set_aside:
        result["set_aside"] = sorted(set_aside)
    _mark_unrecorded(ctx, trial, result)
    return trial, result, law


def _mark_unrecorded(ctx: Context, case: Case, result: dict) -> None:
    """For a past year, a decision no one recorded is not a default to assume: the consequences that
    another option would change depend on it, and say so."""
    if case.proposed.origin == "record":  # one a user or scenario supplies keeps its open decisions assumed
        mark_unrecorded(ctx, case, result)


def mark_unrecorded(ctx: Context, case: Case, result: dict, only: set | None = None) -> None:
    """The decisions `result` left at their default (those in `only`, where given) marked as no one recorded them,
    and the consequences another of their options would change as depending on them."""
    open_now = [d for d in result["decisions"] if d["settled_by"] == "default" and (only is None or d["id"] in only)]
    for decision in open_now:
        decision.pop("assumed", None)
        decision["unrecorded"] = True
        for option in decision["options"]:
            other = evaluation(ctx, with_decisions(case, {decision["id"]: option}, "what-if")).consequence_ids()
            for entry in result["consequences"]:
                if entry["id"] not in other and decision["id"] not in entry.get("depends_on_decisions", []):
                    entry.setdefault("depends_on_decisions", []).append(decision["id"])
    for entry in result["consequences"]:
        if entry.get("depends_on_decisions") and entry["status"] == "certain":
            entry["status"] = "depends_on_decision"


# ---------------------------------------------------------------- what-if


def parse_sets(ctx: Context, items, year: int | None) -> dict:
    """Placements of other years, `YEAR=TIER` or `FIRST-LAST=TIER` texts (or a mapping {year: tier}),
    as {year: tier}; malformed, repeated or contradictory ones are errors, and so is a year after
    `year`: a what-if reads only earlier years (the forward clock proposes the later ones). `year`
    None (a trade check's partner history) bounds nothing."""
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
    if year is not None and set_year > year:
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
           on: dt.date | str | None = None, what_follows: bool = True, forward_years: int = DEFAULT_FORWARD) -> dict:
    """What would follow if `country` (code or name) were placed on `tier` in the report of `year`.

    `tier` is a tier of the rulebook in any usual spelling ("tier 3", "t3", "2wl", the integer 3);
    `sets` gives placements of earlier years (["YEAR=TIER", "FIRST-LAST=TIER"] or {year: tier}),
    which also admits a country not in the record;
    `decide` settles open decisions (["presidential_determination=d4_full_waiver"] or a mapping; one no
    rule opens for the case is answered under `unavailable_decisions`, with the reason);
    `on` (a date or "YYYY-MM-DD") evaluates the date-keyed rules on one day. Returns the dictionary
    `tierlaw whatif --format json` prints: the recorded placement judged as `baseline`, the
    `hypothetical` result (consequences with their derivations, open decisions and what follows from
    each option), the `changes` between them, and the `forward` clock over `forward_years` reports."""
    year = as_year(year, "year")
    on = ctx.checked_date(as_date(on, "on"))
    if isinstance(forward_years, bool) or not isinstance(forward_years, int) or forward_years < 0:
        raise InputError(f"{forward_years!r} is not a number of reports (0 or more)", "forward_years")
    ctx.check_year(year)
    tier = ctx.check_tier(tier, "tier")
    overrides = parse_sets(ctx, sets, year)
    hint = (f"a country not in the record takes a code from {USER_ASSIGNED_WORDS} and its earlier placements "
            f"given with {arg('sets')}")
    who = ctx.record.lookup(country, allow_new_code=bool(overrides), new_code_hint=hint)
    ctx.check_ranked(who.code, year)
    for set_year in overrides:
        ctx.check_ranked(who.code, set_year, "sets")
    settled = parse_decisions(ctx, decide)
    history = history_for(ctx, who.code, year, overrides)
    proposed = Placement(year=year, tier=tier, origin="proposed")
    case = as_recorded_where_same(ctx, Case(who.code, year, proposed, history, settled, {k: "user" for k in settled},
                                             on))
    hypothetical = evaluate_case(ctx, case)
    unavailable = _unavailable_decisions(ctx, case, hypothetical)
    if unavailable:  # answer the question rather than refuse it: the decision cannot be taken, and why
        case = attrs.evolve(case, decisions={k: v for k, v in settled.items() if k not in unavailable},
                            settled_by={k: v for k, v in case.settled_by.items() if k not in unavailable})
        hypothetical = dict(evaluate_case(ctx, case), unavailable_decisions=list(unavailable.values()))
    if what_follows:
        add_what_follows(ctx, case, hypothetical)
    add_options_assumed(ctx, case, hypothetical)
    baseline = _baseline(ctx, who.code, year, on)
    repeats = baseline is not None and repeats_record(ctx, case)
    if repeats:  # what happened: its unrecorded decisions are not assumed
        as_the_record_reads(ctx, case, hypothetical, baseline)
    report = {
        "country": who.code, "country_name": who.name, "year": year,
        "on": on.isoformat() if on else None,
        "period": _period_entry(ctx, year, on),
        "baseline": baseline, "hypothetical": hypothetical,
        "changes": _changes(baseline, hypothetical),
        "options": ctx.options,
        "receipt": ctx.receipt(),
    }
    in_part = recorded_in_part(ctx, who.code, year) if baseline is None else None
    if in_part:
        report["recorded_in_part"] = in_part
    known = ctx.knowledge(who.code, year) if baseline is None else None
    if known is not None and known.origin == NOT_RANKED:  # existed, but no report of the year rated it
        report["not_ranked"] = {"basis": known.basis}
    if repeats:  # the question is what happened (the headline compares it with the law as read)
        report["repeats_record"] = True
    if overrides:
        report["sets"] = _sets_entry(ctx, who.code, overrides)
    if ctx.chosen_options:  # readings the asker chose, said beside the answer (not only in the receipt)
        report["options_chosen"] = {name: ctx.options[name] for name in sorted(ctx.chosen_options)}
    if forward_years:
        from .forward import clock  # the clock builds on this module
        report["forward"] = clock(ctx, who.code, year, tier, overrides, forward_years)
    report["summary"] = summary.whatif_summary(report, ctx.rulebook.groups, ctx.rulebook.tiers)
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
    found = {"country": first["country"], "country_name": first["country_name"], "year": first["year"],
             "on": first["on"], "period": first["period"], "baseline": first["baseline"],
             "tiers": {tier: report["hypothetical"] for tier, report in reports.items()},
             "summary": summary.every_tier_summary(reports, ctx.rulebook.groups, ctx.rulebook.tiers),
             "options": ctx.options, "receipt": ctx.receipt()}
    for key in ("recorded_in_part", "sets"):
        if key in first:
            found[key] = first[key]
    return found


def as_recorded_where_same(ctx: Context, case: Case) -> Case:
    """A proposal that repeats the recorded placement keeps the decisions recorded for it (a recorded decision
    beats a default) and, on the record's own earlier years, those its published list implies (a Watch List
    placement that stood only by a waiver); the user's own settings win."""
    recorded = ctx.record.history(case.code).get(case.year)
    if recorded is None or recorded.tier != case.proposed.tier:
        return case
    found = with_recorded_decisions(ctx, attrs.evolve(case, proposed=recorded))
    if on_recorded_years(ctx, case):
        found = fitted(ctx, found, "record", f"inferred from the published {recorded.tier} placement")[0]
    kept = {k: v for k, v in found.decisions.items() if k not in case.decisions}
    return with_decisions(case, kept, "record", {k: found.sources[k] for k in kept})


def _unavailable_decisions(ctx: Context, case: Case, result: dict) -> dict:
    """Decisions the question settled that no rule opens for this case: id -> why not, and which option would open
    it. Those carried from the record (as_recorded_where_same) are the record's, not the question's: not listed."""
    opened = {d["id"] for d in result["decisions"]}
    found = {}
    for name, value in case.decisions.items():
        if name in opened or case.settled_by.get(name) == "record":
            continue
        found[name] = {"id": name, "value": value, "available": False,
                       "why": why_not_opened(ctx, case, result, name),
                       "opened_with_option": _options_opening(ctx, case, name)}
    return found


def why_not_opened(ctx: Context, case: Case, result: dict, decision: str) -> list:
    """Each rule that could open `decision`, with what kept it from opening it in this case."""
    book = ctx.book(case.year, case.on, case.set_aside)
    openers = [r for r in ctx.rulebook.rules if r.then.opens == decision]
    fired = {c["rule"] for c in result["consequences"]}
    country = ctx.country_facts(case.code)
    otherwise = "depends on unknown years" if result.get("unknown_years") else "a fact it derives does not hold"
    reasons = []
    for rule in openers:
        item = next((i for i in book.rules if i.rule.id == rule.id), None)
        if item is None:
            reasons.append({"rule": rule.id, "cite": rule.cite, "reason": f"not in force for the {case.year} report"})
            continue
        failing = [_atom_text(atom, value, param, book, case, result, country) for atom, value, param in item.atoms
                   if not _atom_may_hold(atom, value, case, result, country)]
        blocked = [other for other in rule.then.unless if other in fired]
        if blocked:
            failing.append("barred by " + ", ".join(f"{b} ({_cite_of(ctx, b)})" for b in blocked))
        reasons.append({"rule": rule.id, "cite": rule.cite, "reason": "; ".join(failing) or otherwise})
    return reasons or [{"rule": None, "cite": None, "reason": "no rule in the rulebook opens this decision"}]


def _cite_of(ctx, rule_id) -> str:
    return next(r.cite for r in ctx.rulebook.rules if r.id == rule_id)


def _atom_values(atom, case, result, country: dict) -> list:
    """What the case shows of the fact an atom tests (its values over the readings), or [] where the result
    does not say (a derived fact other than the effective tier)."""
    head, _, name = atom.ref.partition(".")
    if atom.ref == "proposed_tier":
        return [case.proposed.tier]
    if atom.ref == f"derived.{EFFECTIVE}":
        return result.get("effective_tier_possible") or [result["effective_tier"]]
    if head == "country":
        return [country[name]]
    if head == "feature":
        value = result["features"].get(name)
        return value if isinstance(value, list) else [value]
    if head == "decision":
        return [case.decisions.get(name, "(open)")]
    return []


def _atom_may_hold(atom, value, case, result, country) -> bool:
    from .backends.reference import COMPARE
    values = _atom_values(atom, case, result, country)
    return not values or any(v is not None and _compares(COMPARE[atom.op], v, value) for v in values)


def _compares(compare, left, right) -> bool:
    try:
        return bool(compare(left, right))
    except TypeError:
        return False


NEEDED = {"eq": "", "ne": "other than", "gte": "at least", "gt": "more than", "lte": "at most", "lt": "less than",
          "in": "one of", "not_in": "none of"}  # a comparison of the rules' `when`, in words


def _atom_text(atom, value, param, book, case, result, country) -> str:
    shown = list(value) if isinstance(value, tuple) else value
    values = _atom_values(atom, case, result, country)
    text = (f"{atom.ref.partition('.')[2] or atom.ref} is {values[0] if len(values) == 1 else values}; "
            f"it must be {' '.join(filter(None, (NEEDED[atom.op], str(shown))))}")
    if param:
        text += f" ({param} = {book.parameters[param][0]}: {book.parameters[param][1]})"
    return text


def _options_opening(ctx: Context, case: Case, decision: str) -> list:
    """Single changes of an interpretation option under which a rule would open the decision."""
    found = []
    for name, choice, other in ctx.alternative_options():
        if decision in evaluation(other, case).opened():
            found.append(f"{name}={choice}")
    return found


def on_recorded_years(ctx, case: Case) -> bool:
    """The case's earlier years are what the record knows of them (a year set to its recorded tier included)."""
    record = history_for(ctx, case.code, case.year, {})
    return record.keys() == case.history.keys() and all(p.value == record[y].value for y, p in case.history.items())


def repeats_record(ctx, case: Case) -> bool:
    """The question asks what happened: the recorded tier, after the recorded years, settling no decision itself."""
    recorded = ctx.record.history(case.code).get(case.year)
    asked = {"user", "scenario"} & set(case.settled_by.values())  # a decision the asker settled is not what happened
    return recorded is not None and recorded.tier == case.proposed.tier and not asked and on_recorded_years(ctx, case)


def as_the_record_reads(ctx, case: Case, result: dict, baseline: dict) -> None:
    """A question that repeats what happened reads the decisions the record left unrecorded as the record does
    (not recorded, not assumed); a decision the published list never opened (the (F) placement of a law-derived
    tier the report did not give) stays the default it is."""
    unrecorded = {d["id"] for d in baseline["decisions"] if d.get("unrecorded")}
    if unrecorded:
        mark_unrecorded(ctx, case, result, unrecorded)


def _baseline(ctx, code, year, on):
    """The recorded placement of that year with the consequences of the list it was published on, after the
    years the record holds (not those a question sets: the record is what happened)."""
    recorded = ctx.record.history(code).get(year)
    if recorded is None:
        return None
    from .recorded import judged  # the judgment of a recorded placement builds on this module
    return judged(ctx, Case(code, year, recorded, history_for(ctx, code, year, {}), on=on))


def _sets_entry(ctx, code: str, overrides: dict) -> list:
    """The placements a question sets for earlier years, each with what the record knows of that year (a tier,
    the tiers it may have had, or None: nothing)."""
    in_record = code in ctx.record.placements
    entries = []
    for year in sorted(overrides):
        known = ctx.knowledge(code, year) if in_record else None
        entry = {"year": year, "tier": overrides[year], "recorded": None if known is None else known.value}
        if known is not None and known.assumed:  # what the record knows of that year rests on an assumption
            entry["assumed"] = list(known.assumed)
        entries.append(entry)
    return entries


def recorded_in_part(ctx, code: str, year: int) -> dict | None:
    """What the record knows of a year it does not state: the tiers it may have had (absent from a list
    known complete), why, and what that leans on; None where it knows nothing."""
    known = ctx.knowledge(code, year) if code in ctx.record.placements else None
    if known is None or not known.possible:
        return None
    return {"tiers": list(known.possible), "basis": known.basis, "assumed": list(known.assumed)}


def _changes(baseline, hypothetical) -> dict:
    before = consequence_ids(baseline) if baseline else set()
    after = consequence_ids(hypothetical)
    return {"added": sorted(after - before), "removed": sorted(before - after)}


def _period_entry(ctx, year, on) -> dict:
    start, until = ctx.period(year)
    entry = {"report": year, "most_recent_from": start.isoformat(), "until": until.isoformat()}
    estimated = [name for name, y in (("most_recent_from", year), ("until", year + 1)) if ctx.estimated(y)]
    if estimated:  # dated by the statutory deadline: the release date is not known
        entry.update(estimated=True, estimated_dates=estimated)
    if on and not (start <= on < until):
        entry["note"] = f"on {on.isoformat()} the report of {year} was not the most recent one"
        entry["most_recent_on_date"] = False
    if ctx.record_through is None or year > ctx.record_through:  # a report the record does not hold (yet)
        entry["record_through"] = ctx.record_through
    return entry
