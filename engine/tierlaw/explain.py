"""Consequences with their derivations: rule, citation, enacting law and the facts used,
recursively down to the placements (with their sources) the features were read from."""

from __future__ import annotations

import datetime as dt

from .compile import date_of, parameter
from .features import evidence_years


def placement_entry(case, year: int) -> dict:
    """A placement as a fact of a derivation: its tier (a list where known only as a set), origin, sources."""
    placement = case.proposed if year == case.year else case.history.get(year)
    if placement is None:
        return {"year": year, "tier": None, "origin": "unknown", "sources": []}
    entry = {"year": year, "tier": placement.tier if placement.known else
             (list(placement.possible) if placement.possible else None),
             "origin": placement.origin if (placement.known or placement.possible) else "unknown",
             "sources": list(placement.sources)}
    if placement.confidence:
        entry["confidence"] = placement.confidence
    if placement.possible:
        entry["basis"] = placement.basis
    if placement.assumed:
        entry["assumed"] = list(placement.assumed)
    return entry


def report_anchor(ctx, year: int) -> dict:
    """The date a report counts from: its known release date, else its statutory deadline (estimated)."""
    if year in ctx.record.releases:
        day, source = ctx.record.releases[year]
        return {"date": day.isoformat(), "basis": f"release date ({source})"}
    deadline, ref = parameter(ctx.rulebook, "reports.deadline", year, ctx.options)
    month, day = (int(part) for part in str(deadline).split("-"))
    return {"date": dt.date(year, month, day).isoformat(), "estimated": True,
            "basis": f"statutory deadline ({ref}); the release date is not known"}


def _anchor_date(ctx, year, anchor) -> tuple:
    """(date, basis, estimated) of a rule's date anchor."""
    if anchor == "report_released":
        found = report_anchor(ctx, year)
        return dt.date.fromisoformat(found["date"]), f"report of {year}: {found['basis']}", "estimated" in found
    return date_of(anchor), "fixed date in the statute", False


def _estimated(entry: dict, estimated: bool) -> dict:
    return dict(entry, estimated=True) if estimated else entry


def _dates(ctx, case, item) -> dict:
    then, out = item.rule.then, {}
    if then.due and "anchor" in then.due:
        start, basis, guess = _anchor_date(ctx, case.year, then.due["anchor"])
        out["due"] = _estimated({"by": (start + dt.timedelta(days=then.due["days"])).isoformat(),
                                 "counted_from": start.isoformat(), "days": then.due["days"], "basis": basis}, guess)
    elif then.due:
        due = dt.date(case.year + then.due["year_offset"], then.due["month"], then.due["day"])
        out["due"] = {"by": due.isoformat()}
    if then.window:
        start, basis, guess = _anchor_date(ctx, case.year, then.window["anchor"])
        out["window"] = _estimated({"from": (start + dt.timedelta(days=then.window["from_days"])).isoformat(),
                                    "to": (start + dt.timedelta(days=then.window["to_days"])).isoformat(),
                                    "basis": basis}, guess)
    if then.fiscal_year is not None:
        out["fiscal_year"] = case.year + then.fiscal_year
    if item.holds:
        out["holds"] = _estimated({"from": item.holds[0].isoformat(), "until": item.holds[1].isoformat()},
                                  _bound_estimated(ctx, case.year, item.holds))
    return out


def _bound_estimated(ctx, year, holds) -> bool:
    """A holding period one of whose ends is a report date taken from the statutory deadline."""
    start, until = ctx.period(year)
    return (holds[0] == start and ctx.estimated(year)) or (holds[1] == until and ctx.estimated(year + 1))


def consequence(ctx, case, book, vector, run_, match, explain: bool = True, memo: dict | None = None) -> dict:
    """A consequence of a case; with `explain`, its derivation (`because`) down to the case's own facts.
    `memo` holds the facts already explained for this case and reading: consequences that rest on the same
    facts share their entries."""
    item = book_rule(book, match.rule_id)
    rule = item.rule
    entry = {"id": rule.consequence, "title": rule.title, "cite": rule.cite, "enacted_by": rule.enacted_by,
             "rule": rule.id, "confidence": rule.confidence, "source": f"{rule.file}:{rule.line}"}
    if rule.headline:
        entry["headline"] = rule.headline
    if rule.group:
        entry["group"] = rule.group
    if explain:
        entry["because"] = because(ctx, case, book, vector, run_, match, {} if memo is None else memo)
    if rule.note:
        entry["note"] = rule.note
    if rule.then.opens:
        entry["opens_decision"] = rule.then.opens
    entry.update(_dates(ctx, case, item))
    return entry


_by_id: dict = {}


def book_rule(book, rule_id):
    if book.digest not in _by_id:
        _by_id[book.digest] = {item.rule.id: item for item in book.rules}
    return _by_id[book.digest][rule_id]


def because(ctx, case, book, vector, run_, match, memo: dict | None = None) -> list:
    memo = {} if memo is None else memo
    item = book_rule(book, match.rule_id)
    facts = []
    if not item.atoms or any(isinstance(v, dict) and "field" in v for _, v in item.rule.then.derive):
        facts.append(dict(fact="placement", **_placement(case, case.year, memo)))
    for atom, value, param in item.atoms:
        key = id(atom)  # the atoms of the book's rules live as long as the book, and the memo less
        if key not in memo:
            memo[key] = _fact_used(ctx, case, book, vector, run_, atom, value, param, memo)
        facts.append(memo[key])
    return facts


def _placement(case, year: int, memo: dict) -> dict:
    key = ("placement", year)
    if key not in memo:
        memo[key] = placement_entry(case, year)
    return memo[key]


def _test_text(atom, value) -> str:
    shown = list(value) if isinstance(value, tuple) else value
    return f"{atom.op} {shown}"


def _fact_used(ctx, case, book, vector, run_, atom, value, param, memo) -> dict:
    """One fact a rule tested, read from the case itself (a run from the cache may have been made for
    another case the law cannot tell apart from this one)."""
    head, _, name = atom.ref.partition(".")
    if atom.ref == "proposed_tier":
        return dict(fact="placement", **_placement(case, case.year, memo))
    if head == "feature":
        entry = {"fact": "feature", "name": name, "value": dict(vector.values)[name], "test": _test_text(atom, value)}
        if param:
            entry["parameter"] = {"name": param, "value": book.parameters[param][0], "ref": book.parameters[param][1]}
        if "history" not in memo:
            memo["history"] = {year: p.tier for year, p in case.history.items()}
        entry["placements"] = [_placement(case, y, memo) for y in
                               evidence_years(book.features[name], memo["history"], case.year) if y in case.history]
        return entry
    if head == "decision":
        return {"fact": "decision", "id": name, "value": case.decisions.get(name, ctx.rulebook.decisions[name].default),
                "settled_by": case.settled_by.get(name, "default")}
    if head == "country":
        own = name in ctx.record.facts.get(case.code, {})
        return {"fact": "country", "name": name, "value": ctx.country_facts(case.code)[name],
                "source": "data/countries.yaml" if own else "the rulebook's default for every country"}
    return {"fact": "derived", "kind": name, "value": run_.facts[name]["value"],
            "derived_by": [_derivation(ctx, case, book, vector, run_, m, memo) for m in run_.justified_by[name]]}


def _derivation(ctx, case, book, vector, run_, match, memo) -> dict:
    rule = book_rule(book, match.rule_id).rule
    return {"rule": rule.id, "cite": rule.cite, "enacted_by": rule.enacted_by,
            "because": because(ctx, case, book, vector, run_, match, memo)}
