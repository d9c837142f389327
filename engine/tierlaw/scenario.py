"""Scenario files: hypothetical placements, settled decisions, options and questions, run against the record.

A scenario's placements are proposals: each country's years are evaluated in order and the effective
tier of a year (after the automatic downgrade or (F)) is the history the next year sees."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs

from . import summary
from .errors import InputError
from .forward import clock
from .inputs import as_path
from .model import Placement
from .queries import (Case, Context, _baseline, _changes, _unavailable_decisions, add_options_assumed, add_what_follows,
                      as_recorded_where_same, as_the_record_reads, evaluate_case, history_for, parse_decisions,
                      recorded_in_part, repeats_record)
from .trade import trade
from .yamlsafe import MAX_FILE_BYTES, Checker, Mapping, is_whole, load_yaml, parse_yaml, top_level, unknown_key

TOP_KEYS = {"name", "description", "options", "history", "placements", "decisions", "questions"}
PLACEMENT_KEYS = {"tier", "alternatives", "note"}
QUESTION_KEYS = {"consequences", "trade", "forward"}


class _Checker(Checker):
    """Shape checks plus the record's years and countries."""

    def year(self, ctx, node, key, code=None):
        """`key` of `node` as a report year a placement can have (of the country `code`, where given: a report
        that could rank it); an error at its line otherwise."""
        if isinstance(key, str) and key.strip().isdigit():  # a year in quotes: YAML reads text, not a year
            self.fail(node, key, f"{key!r} is a year in quotes: write it without them ({key.strip()}:)")
        if not is_whole(key):
            self.fail(node, key, f"{key!r} is not a report year")
        try:
            ctx.check_year(key, code=code)
        except InputError as err:
            self.fail(node, key, err.message)
        return key

    def country(self, ctx, node, key):
        """The code of the country `key` of `node` names (a new code is a country not in the record)."""
        try:
            return ctx.record.lookup(str(key), allow_new_code=True).code
        except InputError as err:
            self.fail(node, key, err.message)


def load(path: Path, text: str | None = None) -> tuple[Mapping, _Checker]:
    """A scenario's document (the file at `path`, or `text` named `path`), checked at the top level, and a
    checker that reports at its lines."""
    data = load_yaml(path) if text is None else parse_yaml(text, str(path))
    if data is None:
        raise InputError("empty file", str(path))
    document = top_level(data, path, TOP_KEYS, "a scenario")
    check = _Checker(path)
    check.text(document, "name", "scenario")
    check.text(document, "description", "scenario", required=False)
    return document, check


def _country_years(ctx, document, check, section):
    """(code, years node, year, value) for each entry of a {COUNTRY: {YEAR: value}} section."""
    countries = check.mapping(document, section)
    written: dict = {}
    for country, years in countries.items():
        code = check.country(ctx, countries, country)
        if written.setdefault(code, country) != country:  # one would silently replace the other
            check.fail(countries, country, f"{country}: {code} is already given as {written[code]!r} in {section}")
        if not isinstance(years, Mapping) or not years:
            check.fail(countries, country, f"{country}: map report years to entries")
        for year, value in years.items():
            yield code, years, check.year(ctx, years, year, code), value


def _tier(ctx, check, node, year, tier):
    """The rulebook's name of a tier written in any usual spelling, unquoted YAML numbers included."""
    try:
        return ctx.check_tier(tier, str(year))
    except InputError as err:
        check.fail(node, year, f"{year}: {err.message}")


def _placements(ctx, document, check) -> dict:
    """{code: {year: {"tier", "alternatives", "note"}}}"""
    found = {}
    for code, years, year, spec in _country_years(ctx, document, check, "placements"):
        spec = spec if isinstance(spec, Mapping) else {"tier": spec}
        for key in spec:
            if key not in PLACEMENT_KEYS:
                check.fail(years, year, unknown_key(key, PLACEMENT_KEYS))
        alternatives = spec.get("alternatives") or []
        if not isinstance(alternatives, list):
            check.fail(years, year, f"{year}: alternatives must be a list of tiers")
        if not (spec.get("note") is None or isinstance(spec["note"], str)):
            check.fail(years, year, f"{year}: note must be text")
        tiers = [_tier(ctx, check, years, year, t) for t in [spec.get("tier"), *alternatives]]
        found.setdefault(code, {})[year] = {"tier": tiers[0], "alternatives": tiers[1:], "note": spec.get("note")}
    if not found:
        check.fail(document, "placements", "placements: name at least one country and year")
    return found


def _history(ctx, document, check) -> dict:
    """Assumed final placements ({code: {year: tier}}) that supplement or override the record."""
    found = {}
    for code, years, year, tier in _country_years(ctx, document, check, "history"):
        found.setdefault(code, {})[year] = _tier(ctx, check, years, year, tier)
    return found


def _decisions(ctx, document, check) -> tuple:
    """({code: {year: {decision: option}}}, {(code, year): (node, key)}: where each was written)."""
    found, where = {}, {}
    for code, years, year, settled in _country_years(ctx, document, check, "decisions"):
        if not isinstance(settled, Mapping):
            check.fail(years, year, "map decision ids to options")
        try:
            found.setdefault(code, {})[year] = parse_decisions(ctx, [f"{k}={v}" for k, v in settled.items()])
        except InputError as err:
            check.fail(years, year, err.message)
        where[code, year] = (years, year)  # the year is its own key
    return found, where


def _check_decisions_used(where: dict, placements: dict, trade_answers: list, check) -> None:
    """A decision settled for a country-year that no placement of the scenario and no trade question reads would
    be silently dropped (a misspelt year, a country left out): an error naming its line."""
    read = {(row["country"], row["report_year"]) for answer in trade_answers for row in answer["partners"]}
    for (code, year), (node, key) in where.items():
        if year not in placements.get(code, {}) and (code, year) not in read:
            check.fail(node, key, f"{year}: decisions for {code} {year} settle nothing: the scenario has no placement "
                                  f"for {code} {year} and no trade question reads {code}'s {year} report")


def _options(ctx, document, check) -> Context:
    options = check.mapping(document, "options")
    try:
        # the scenario's options over those the command chose (--option): both chosen, neither assumed
        return ctx.with_options({**ctx.chosen_options, **{str(k): str(v) for k, v in options.items()}})
    except InputError as err:
        check.fail(document, "options", err.message)


def run(ctx: Context, path: str | Path) -> dict:
    """Run the scenario file at `path` (`str` or `Path`; see docs/scenarios.md) against the record.
    Returns the dictionary `tierlaw run --format json` prints: per country and year the scenario's
    result beside the recorded `baseline` and the `changes`, then the answers to its trade and
    forward questions."""
    return run_document(ctx, *load(as_path(path, "path")))


def run_text(ctx: Context, text: str, name: str = "scenario.yaml") -> dict:
    """Run a scenario held in memory (an upload), as `run` runs a file: errors name `name` and the line."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise InputError(f"file too large ({len(text.encode('utf-8'))} bytes; the limit is {MAX_FILE_BYTES})", name)
    return run_document(ctx, *load(Path(name), text))


def run_document(ctx: Context, document: Mapping, check: _Checker) -> dict:
    """A loaded scenario document run against the record (see `run`)."""
    ctx = _options(ctx, document, check)
    placements = _placements(ctx, document, check)
    assumed = _history(ctx, document, check)
    decisions, written = _decisions(ctx, document, check)
    questions = check.mapping(document, "questions", QUESTION_KEYS)
    results, effective = [], {code: dict(years) for code, years in assumed.items()}
    for code, years in sorted(placements.items()):
        effective.setdefault(code, {})
        for year in sorted(years):
            if year in assumed.get(code, {}):
                check.fail(document, "history", f"{code} {year} is both assumed history and a placement")
            results.append(_country_year(ctx, code, year, years[year], effective[code], decisions, check, document))
    report = {
        "scenario": document["name"], "description": document.get("description"), "options": ctx.options,
        "results": results,
        "trade": [_trade(ctx, q, effective, decisions, check) for q in _list(questions, "trade", check)],
        "forward": [_forward(ctx, q, effective, check) for q in _list(questions, "forward", check)],
        "receipt": ctx.receipt(),
    }
    _check_decisions_used(written, placements, report["trade"], check)
    report["summary"] = [q["summary"][0] for q in report["trade"]] + [_headline(ctx, item) for item in results]
    return report


def _headline(ctx, item) -> str:
    """A scenario's country-year in one line: the question and what the law gives (as a what-if says it)."""
    as_whatif = dict(item, hypothetical=item["scenario"], forward=None)
    return summary.whatif_sections(as_whatif, ctx.rulebook.groups, ctx.rulebook.tiers)[0][1][0]


def _list(questions, key, check) -> list:
    items = questions.get(key)
    if items is None:  # left out or left empty ("forward:"); an empty mapping is not a list of questions
        return []
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        check.fail(questions, key, f"{key}: must be a list of mappings")
    return items


def _country_year(ctx, code, year, spec, effective, decisions, check, document) -> dict:
    history = history_for(ctx, code, year, effective)
    settled = decisions.get(code, {}).get(year, {})
    case = as_recorded_where_same(ctx, Case(code, year, Placement(year, spec["tier"], origin="proposed"), history,
                                            settled, {k: "scenario" for k in settled}))  # a recorded decision wins
    result = evaluate_case(ctx, case)
    unavailable = _unavailable_decisions(ctx, case, result)
    if unavailable:  # answered, not refused: the decision cannot be taken here, and the result says why
        case = attrs.evolve(case, decisions={k: v for k, v in settled.items() if k not in unavailable},
                            settled_by={k: v for k, v in case.settled_by.items() if k not in unavailable})
        result = dict(evaluate_case(ctx, case), unavailable_decisions=list(unavailable.values()))
    add_what_follows(ctx, case, result)
    add_options_assumed(ctx, case, result)
    effective[year] = result["effective_tier"]
    baseline = _baseline(ctx, code, year, None)
    if baseline is not None and repeats_record(ctx, case):  # what happened: as the record reads it
        as_the_record_reads(ctx, case, result, baseline)
    alternatives = {tier: _brief(evaluate_case(ctx, Case(code, year, Placement(year, tier, origin="proposed"),
                                                         history)), result) for tier in spec["alternatives"]}
    item = {"country": code, "country_name": _name(ctx, code), "year": year, "note": spec["note"],
            "baseline": baseline, "scenario": result, "changes": _changes(baseline, result),
            "alternatives": alternatives}
    in_part = recorded_in_part(ctx, code, year) if baseline is None else None
    if in_part:  # a year the record knows only as a set: compared with that set, as `whatif` does
        item["recorded_in_part"] = in_part
    return item


def _name(ctx, code):
    return ctx.record.name_of(code)


def _brief(result: dict, scenario: dict) -> dict:
    """An alternative tier's result in brief: its effective tier and consequence ids, and the headlines of what it
    adds to and removes from the scenario's own tier."""
    adds, removes = summary.headline_changes(summary.headlines_of(scenario), summary.headlines_of(result))
    return {"effective_tier": result["effective_tier"], "consequences": sorted({c["id"] for c in result["consequences"]}),
            "adds": adds, "removes": removes}


def _date(check, node, key):
    value = node.get(key)
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        check.fail(node, key, f"{key}: {value!r} is not a date YYYY-MM-DD")


TRADE_KEYS = {"agreement", "partners", "date", "on", True}  # YAML 1.1 reads a bare `on:` key as true


def _trade_key(key) -> bool:
    """A key a trade question may have. YAML 1.1 reads a bare `on:` key as true: that `True` is `on`, but the
    number 1 (equal to True in Python) is not a key."""
    return key is True or (isinstance(key, str) and key in TRADE_KEYS)


def _trade(ctx, question, effective, decisions, check) -> dict:
    for key in question:
        if not _trade_key(key):
            check.fail(question, key, f"unknown key {key!r} in a trade question (agreement, partners, date)")
    key = next((k for k in ("date", "on") if k in question), True if any(k is True for k in question) else "date")
    on = _date(check, question, key)
    agreement = check.text(question, "agreement", "a trade question", required=False)
    partners = check.texts(question, "partners", "a trade question") if "partners" in question else []
    try:
        answer = trade(ctx, partners, agreement, on, effective, decisions)
        return {k: v for k, v in answer.items() if k not in ("receipt", "options")}  # the scenario's own cover these
    except InputError as err:
        check.fail(question, key, err.message)


def _forward(ctx, question, effective, check) -> dict:
    code = check.country(ctx, question, question.get("country"))
    year = check.year(ctx, question, question.get("year"), code)
    years = question.get("years", 6)
    if not isinstance(years, int) or not 1 <= years <= 25:
        check.fail(question, "years", "years: a whole number from 1 to 25")
    own = effective.get(code, {})
    given = _tier(ctx, check, question, "tier", question["tier"]) if question.get("tier") is not None else None
    tier = given or own.get(year) or ctx.record.history(code).get(year, Placement(year, None)).tier
    if tier not in ctx.rulebook.tiers:
        check.fail(question, "country", f"no tier for {code} {year}: give tier:")
    return clock(ctx, code, year, tier, {y: t for y, t in own.items() if y < year}, years)
