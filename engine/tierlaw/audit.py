"""The record checked against the law in force each year: what each placement set off (the
consequences of its published list), what it required or chose, where the record does not fit a
reading of the law, and which placements cannot be judged because of a gap."""

from __future__ import annotations

from .errors import InputError
from .model import Placement
from .parallel import collector_paused, ordered
from .queries import Case, Context, history_for
from .recorded import judged


# Measured (docs/performance.md): with the evaluation cache, an audit row costs about as much to send back
# from a worker (and to warm the worker's own cache) as to compute, so a cached audit stays in one process;
# evaluated afresh (--no-cache), each row costs several times that and two processes gain about 1.5x.
ROWS_WORTH_A_PROCESS = 400  # below this many rows per process, starting processes costs more than it saves
ROWS_PER_PIECE = 40  # rows a worker takes at a time: small enough to balance, large enough to batch


def audit_row(ctx: Context, code: str, placement: Placement, explain: bool = True) -> dict:
    year = placement.year
    result = judged(ctx, Case(code, year, placement, history_for(ctx, code, year, {})), explain)
    findings = [dict(c, audit="set_off") for c in result["consequences"]] + result["findings"]
    return {"country": code, "year": year, "tier": placement.tier, "sources": list(placement.sources),
            "confidence": placement.confidence, "links": list(placement.links),
            "record_fits_law": result["record_fits_law"], "features": result["features"],
            "decisions": result["decisions"], "findings": findings}


def known_row(ctx: Context, code: str, placement: Placement) -> dict:
    """A year the record does not state exactly: unknown, or known only as a set of tiers."""
    row = {"country": code, "year": placement.year, "tier": list(placement.possible) if placement.possible else None,
           "sources": list(placement.sources), "confidence": placement.confidence, "links": list(placement.links),
           "record_fits_law": None, "features": {}, "decisions": [], "findings": []}
    if placement.possible:
        row["basis"] = placement.basis
        row["assumed"] = list(placement.assumed)
    return row


def audit(ctx: Context, countries: list, first: int | None, last: int | None, jobs: int = 1,
          explain: bool = True) -> dict:
    """Audit rows of the recorded placements chosen; a large audit evaluated without the cache is split
    across `jobs` processes.
    Without `explain`, no consequence or finding carries its derivation (`because`)."""
    codes = [ctx.record.lookup(c).code for c in countries] or sorted(ctx.record.placements)
    if first and last and first > last:
        raise InputError(f"--from {first} is after --to {last}", "--from/--to")
    chosen = []
    for code in codes:
        for year, placement in sorted(ctx.record.history(code).items()):
            if (first is None or year >= first) and (last is None or year <= last):
                chosen.append((code, placement))
    worth_splitting = not ctx.cache.enabled and len(chosen) >= ROWS_WORTH_A_PROCESS * jobs
    jobs = jobs if worth_splitting else 1
    # durable-rules' sessions leave cyclic garbage at every run: there the collector stays on (paused, the
    # audit's peak memory rose above what it was before the evaluation cache)
    with collector_paused(ctx.backend.NAME == "reference"):
        rows = list(ordered(lambda item: audit_row(ctx, *item, explain), chosen, jobs, piece=ROWS_PER_PIECE))
    return {"rows": rows, "options": ctx.options, "receipt": ctx.receipt()}


def history(ctx: Context, country: str, forward_years: int = 3) -> dict:
    """The country's timeline: every report year from the first; gaps and partly known years shown as such."""
    who = ctx.record.lookup(country)
    recorded = ctx.record.history(who.code)
    rows = []
    for year in range(ctx.first_year, max(ctx.record.years()) + 1):
        if year in recorded:
            rows.append(audit_row(ctx, who.code, recorded[year]))
        else:
            rows.append(known_row(ctx, who.code, ctx.record.knowledge(who.code, year, ctx.options)))
    report = {"country": who.code, "country_name": who.name, "rows": rows, "receipt": ctx.receipt()}
    if recorded:
        from .forward import clock  # what comes next if the last recorded placement is proposed again
        last = max(recorded)
        report["forward"] = clock(ctx, who.code, last, recorded[last].tier, {}, forward_years)
    return report
