"""The record checked against the law in force each year: what each placement set off, what it
required (a waiver, a mandated downgrade), where the record does not fit the law, and which
placements cannot be judged because of a gap."""

from __future__ import annotations

import attrs

from .inputs import as_names, as_year, check_range
from .model import Placement
from .queries import EFFECTIVE, Case, Context, evaluate_case, history_for, settle_to_record


def transforming_proposals(ctx: Context, year: int) -> list:
    """Proposed tiers that some rule in force can turn into a different effective tier."""
    book = ctx.book(year, None)
    found = set()
    for item in book.rules:
        derives = dict(item.rule.then.derive)
        if EFFECTIVE in derives and not item.rule.then.default:
            for atom, value, _ in item.atoms:
                if atom.ref == "proposed_tier":
                    found |= set(value) if isinstance(value, tuple) else {value}
    return sorted(found)


def audit_row(ctx: Context, code: str, placement: Placement) -> dict:
    """One recorded placement judged against the law in force that year: one of the `rows` of `audit`."""
    year = placement.year
    history = history_for(ctx, code, year, {})
    case, result = settle_to_record(ctx, Case(code, year, placement, history))
    kind = "set_off" if result["record_fits_law"] is not False else "law_would_give"
    findings = [dict(c, audit=kind) for c in result["consequences"]]
    findings += _required(ctx, case, placement)
    if result["record_fits_law"] is False:
        findings.append(_anomaly(ctx, Case(code, year, placement, history), placement))
    if result.get("unknown_years"):
        findings.append({"id": "record.gap", "audit": "indeterminate", "title":
                         "Part of this judgment depends on years missing from the record",
                         "unknown_years": result["unknown_years"], "because": []})
    return {"country": code, "year": year, "tier": placement.tier, "sources": list(placement.sources),
            "record_fits_law": result["record_fits_law"], "features": result["features"],
            "decisions": [d for d in result["decisions"] if d["settled_by"] == "record"],
            "findings": findings}


def _required(ctx, case, placement) -> list:
    """Rules that would have turned another proposal into the recorded tier: the law required it."""
    findings = []
    for proposal in transforming_proposals(ctx, placement.year):
        if proposal == placement.tier:
            continue
        trial = attrs.evolve(case, proposed=Placement(placement.year, proposal, origin="proposed"),
                             decisions={}, settled_by={})
        result = evaluate_case(ctx, trial)
        if result["effective_tier"] != placement.tier:
            continue
        for c in _deriving_effective(ctx, result, placement.year):
            findings.append(dict(c, audit="required", instead_of=proposal,
                                 open_decisions=[d["id"] for d in result["decisions"]]))
    return findings


def _deriving_effective(ctx, result, year) -> list:
    book = ctx.book(year, None)
    rules = {item.rule.id: item.rule for item in book.rules}
    return [c for c in result["consequences"]
            if EFFECTIVE in dict(rules[c["rule"]].then.derive) and not rules[c["rule"]].then.default]


def _anomaly(ctx, case, placement) -> dict:
    result = evaluate_case(ctx, case)
    blocking = _deriving_effective(ctx, result, placement.year)
    cite = blocking[0]["cite"] if blocking else None
    fits = {f"{name}={choice}": settle_to_record(other, case)[1]["record_fits_law"]
            for name, choice, other in ctx.alternative_options()}
    return {"id": "record.not_allowed", "audit": "anomaly", "cite": cite,
            "title": f"The law in force gives {result['effective_tier']} for this proposal under every choice of its "
                     f"open decisions, not the recorded {placement.tier}; the record is shown as recorded",
            "fits_law_with_option": sorted(k for k, v in fits.items() if v is True),
            "may_fit_law_with_option": sorted(k for k, v in fits.items() if v is None), "because": blocking}


def audit(ctx: Context, countries=(), first: int | str | None = None, last: int | str | None = None) -> dict:
    """Every recorded placement of `countries` (codes or names; none: the whole record) in the report
    years `first` to `last` (either open), judged against the law in force that year. Returns the
    dictionary `tierlaw audit --format json` prints: `rows`, one per placement, each with its findings
    (what it set off, what the law required, where the record does not fit the law, gaps). A range
    holding no recorded placement is an error naming the years the record covers."""
    codes = [ctx.record.lookup(c).code for c in as_names(countries, "countries")] or sorted(ctx.record.placements)
    first, last = as_year(first, "first"), as_year(last, "last")
    whose = f"the record of {', '.join(codes)}" if countries else "the record"
    check_range(first, last, sorted({y for code in codes for y in ctx.record.history(code)}), whose)
    rows = []
    for code in codes:
        for year, placement in sorted(ctx.record.history(code).items()):
            if (first is None or year >= first) and (last is None or year <= last):
                rows.append(audit_row(ctx, code, placement))
    return {"rows": rows, "options": ctx.options, "receipt": ctx.receipt()}


def history(ctx: Context, country: str, forward_years: int = 3) -> dict:
    """The timeline of `country` (code or name): every report year from the first, each recorded
    placement judged as in `audit`, gaps shown as gaps, and the forward clock over `forward_years`
    reports from the last recorded placement. Returns the dictionary `tierlaw history --format json`
    prints."""
    who = ctx.record.lookup(country)
    recorded = ctx.record.history(who.code)
    rows = []
    for year in range(ctx.first_year, max(ctx.record.years()) + 1):
        if year in recorded:
            rows.append(audit_row(ctx, who.code, recorded[year]))
        else:
            rows.append({"country": who.code, "year": year, "tier": None, "sources": [], "record_fits_law": None,
                         "features": {}, "decisions": [], "findings": []})
    report = {"country": who.code, "country_name": who.name, "rows": rows, "receipt": ctx.receipt()}
    if recorded:
        from .forward import clock  # what comes next if the last recorded placement is proposed again
        last = max(recorded)
        report["forward"] = clock(ctx, who.code, last, recorded[last].tier, {}, forward_years)
    return report
