"""Can an implementing bill for an agreement with these partners use fast-track procedures on a date?

What counts as the bar, which decision can lift it and when trade promotion authority existed come
from the rulebook's `queries: trade:`; this module only looks them up and asks the engine."""

from __future__ import annotations

import datetime as dt

from .errors import InputError, arg
from .explain import report_anchor
from .inputs import as_date, as_names
from .model import Placement
from .queries import Case, Context, history_for, settle_to_record, with_decisions


def most_recent_report(ctx: Context, on: dt.date) -> int | None:
    """The latest report year whose release (or, unknown, statutory deadline) is on or before `on`."""
    year = on.year + 1
    while year >= ctx.first_year:
        if dt.date.fromisoformat(report_anchor(ctx, year)["date"]) <= on:
            return year
        year -= 1
    return None


def _spec(ctx: Context) -> dict:
    if "trade" not in ctx.rulebook.queries:
        raise InputError("the rulebook has no queries: trade: section", ctx.rulebook.source)
    return ctx.rulebook.queries["trade"]


def _authority(spec: dict, on: dt.date) -> dict:
    live = [p for p in spec["authority"] if p["from"] <= on < p["until"]]
    if not live:
        return {"in_force": False, "because": "no trade promotion authority was in force on this date"}
    period = live[0]
    return {"in_force": True, "name": period["name"], "from": period["from"].isoformat(),
            "until": period["until"].isoformat(), "ref": period["ref"]}


def partner_status(ctx: Context, code: str, on: dt.date, overrides: dict, decisions: dict) -> dict:
    """One partner: its tier in the most recent report on `on`, and whether it bars fast-track."""
    spec = _spec(ctx)
    year = most_recent_report(ctx, on)
    own = overrides.get(code, {})
    tier = own.get(year) if year in own else ctx.record.history(code).get(year, Placement(year, None)).tier
    entry = {"country": code, "name": ctx.record.countries[code].name if code in ctx.record.countries else code,
             "report_year": year, "tier": tier}
    if year is None or tier is None:
        return dict(entry, tpa_available=None, because=[f"no placement known for {code} in the {year} report"])
    placement = Placement(year, tier, origin="set" if year in own else "record")
    if placement.origin == "record":
        placement = ctx.record.history(code)[year]
    case = Case(code, year, placement, history_for(ctx, code, year, own), on=on)
    case = with_decisions(case, decisions.get(code, {}).get(year, {}), "user")
    _, result = settle_to_record(ctx, case)
    bars = [c for c in result["consequences"] if c["id"] == spec["bar"]]
    exception = next((d for d in result["decisions"] if d["id"] == spec["exception_decision"]), None)
    entry["effective_tier"] = result["effective_tier"]
    if not bars:
        return dict(entry, tpa_available=True, because=[f"{spec['bar']} does not apply to the {year} placement"])
    if any(b["status"] == "indeterminate" for b in bars):
        return dict(entry, tpa_available=None, because=bars)
    if exception and exception["settled_by"] == "default":
        return dict(entry, tpa_available=None, because=bars + [exception])
    return dict(entry, tpa_available=False, because=bars + ([exception] if exception else []))


def exception_route(ctx: Context, on: dt.date) -> dict:
    """Whether a rule in force on `on` offers the decision that can lift the bar."""
    spec = _spec(ctx)
    year = most_recent_report(ctx, on)
    decision = ctx.rulebook.decisions[spec["exception_decision"]]
    rules = [item.rule for item in ctx.book(year, on).rules if item.rule.then.opens == decision.id] if year else []
    return {"decision": decision.id, "title": decision.title, "cite": decision.cite, "available": bool(rules),
            "rules": [rule.id for rule in rules]}


def trade(ctx: Context, partners=(), agreement: str | None = None, on: dt.date | str | None = None,
          overrides: dict | None = None, decisions: dict | None = None) -> dict:
    """Whether an implementing bill for an agreement with `partners` (codes or names), or with the
    partners of `agreement` (a short name in the record's agreements, such as "TPP"), can use
    fast-track procedures on the date `on` (a date or "YYYY-MM-DD"). `overrides` ({code: {year: tier}})
    and `decisions` ({code: {year: {decision: option}}}) stand in for the record, as a scenario's do.
    Returns the dictionary `tierlaw trade --format json` prints: `tpa_available` (True, False, or
    None when it hangs on an open decision or unknown data), the trade authority in force, and each
    partner's status with its reasons."""
    partners, on = as_names(partners, "partners"), as_date(on, "on")
    if on is None:
        raise InputError("give the date on which the implementing bill is considered", "on")
    if bool(partners) == bool(agreement):
        raise InputError(f"give either partner countries or an agreement ({arg('agreement')})", "partners/agreement")
    if agreement and agreement not in ctx.record.agreements:
        known = ", ".join(sorted(ctx.record.agreements)) or "none"
        raise InputError(f"unknown agreement {agreement!r} (known: {known})", "agreement")
    codes = ctx.record.agreements[agreement]["partners"] if agreement else [ctx.record.lookup(p).code for p in partners]
    spec = _spec(ctx)
    authority = _authority(spec, on)
    found = [partner_status(ctx, code, on, overrides or {}, decisions or {}) for code in codes]
    verdicts = [p["tpa_available"] for p in found]
    overall = (False if not authority["in_force"] or False in verdicts else None if None in verdicts else True)
    return {"on": on.isoformat(), "agreement": agreement, "tpa_available": overall, "authority": authority,
            "exception_route": exception_route(ctx, on),
            "blocking": [p["country"] for p in found if p["tpa_available"] is False],
            "open": [p["country"] for p in found if p["tpa_available"] is None],
            "partners": found, "options": ctx.options, "receipt": ctx.receipt()}
