"""The forward clock: what comes next if nothing changes.

From a country-year, the same tier is proposed in each following report. Where the law lets the
proposal stand only through a decision (a waiver), the clock takes that decision and says so; the
first year in which no decision can keep the proposal is when the law forces a change. Each step
lists what the law counted, the decisions it needed and the dated duties that follow."""

from __future__ import annotations

from .model import Placement
from .queries import EFFECTIVE, Case, Context, history_for, settle_to_record


def _duties(result: dict) -> list:
    return [{"id": c["id"], "cite": c["cite"], "status": c["status"],
             **{k: c[k] for k in ("due", "window", "fiscal_year") if k in c}}
            for c in result["consequences"] if "due" in c or "window" in c]


def _forcing(ctx: Context, year: int, result: dict) -> list:
    """The consequences whose rules changed the effective tier (they force the change)."""
    rules = {item.rule.id: item.rule for item in ctx.book(year, None).rules}
    return [{"id": c["id"], "rule": c["rule"], "cite": c["cite"], "title": c["title"]}
            for c in result["consequences"]
            if EFFECTIVE in dict(rules[c["rule"]].then.derive) and not rules[c["rule"]].then.default]


def step(ctx: Context, code: str, year: int, tier: str, overrides: dict) -> dict:
    proposed = Placement(year, tier, origin="proposed")
    case, result = settle_to_record(ctx, Case(code, year, proposed, history_for(ctx, code, year, overrides)))
    needed = [f"{d['id']}={d['applied']}" for d in result["decisions"] if d["settled_by"] == "record"]
    entry = {"year": year, "proposed": tier, "effective": result["effective_tier"], "features": result["features"],
             "stands": result["record_fits_law"], "needs": needed, "duties": _duties(result)}
    if result["record_fits_law"] is False:
        entry["forced_by"] = _forcing(ctx, year, result)
    if result.get("unknown_years"):
        entry["unknown_years"] = result["unknown_years"]
    return entry


def clock(ctx: Context, code: str, year: int, tier: str, overrides: dict, years: int = 6) -> dict:
    """Steps for `years` reports after `year`, proposing `tier` each time; forced changes are followed."""
    overrides = dict(overrides)
    first = step(ctx, code, year, tier, overrides)
    steps = [first]
    overrides[year] = first["effective"]
    for later in range(year + 1, year + 1 + years):
        entry = step(ctx, code, later, tier, overrides)
        steps.append(entry)
        overrides[later] = entry["effective"]
    forced = next((s["year"] for s in steps if s["stands"] is False), None)
    decided = [s["year"] for s in steps if s["needs"]]
    return {"country": code, "from_year": year, "proposing": tier, "steps": steps,
            "first_forced_change": forced, "years_needing_a_decision": decided}

