"""The record checked against the law in force each year: what each placement set off (the
consequences of its published list), what it required or chose, where the record does not fit a
reading of the law, and which placements cannot be judged because of a gap."""

from __future__ import annotations

from . import summary
from .errors import InputError
from .inputs import as_names, as_year, check_range
from .model import NOT_RANKED, Placement
from .parallel import collector_paused, ordered
from .queries import Case, Context, history_for
from .recorded import judged


# Measured (docs/performance.md): with the evaluation cache, an audit row costs about as much to send back
# from a worker (and to warm the worker's own cache) as to compute, so a cached audit stays in one process;
# evaluated afresh (--no-cache), each row costs several times that and two processes gain about 1.5x.
ROWS_WORTH_A_PROCESS = 400  # below this many rows per process, starting processes costs more than it saves
ROWS_PER_PIECE = 40  # rows a worker takes at a time: small enough to balance, large enough to batch


def audit_row(ctx: Context, code: str, placement: Placement, explain: bool = True) -> dict:
    """One recorded placement judged against the law in force that year: one of the `rows` of `audit`."""
    year = placement.year
    result = judged(ctx, Case(code, year, placement, history_for(ctx, code, year, {})), explain)
    findings = [dict(c, audit="set_off") for c in result["consequences"]] + result["findings"]
    row = {"country": code, "year": year, "tier": placement.tier, "sources": list(placement.sources),
           "confidence": placement.confidence, "links": list(placement.links),
           "record_fits_law": result["record_fits_law"], "features": result["features"],
           "decisions": result["decisions"], "findings": findings}
    if "assumptions" in result:  # the years it counted that are read by an assumption, not known
        row["assumptions"] = result["assumptions"]
    return row


def known_row(ctx: Context, code: str, placement: Placement) -> dict:
    """A year the record does not state exactly: unknown, or known only as a set of tiers."""
    row = {"country": code, "year": placement.year, "tier": placement.value,
           "sources": list(placement.sources), "confidence": placement.confidence, "links": list(placement.links),
           "record_fits_law": None, "features": {}, "decisions": [], "findings": []}
    if placement.possible:
        row["basis"] = placement.basis
        row["assumed"] = list(placement.assumed)
    elif placement.origin == NOT_RANKED:  # the country did not exist, or the reports had not yet rated it
        row["origin"], row["basis"] = NOT_RANKED, placement.basis
    return row


# --only NAME: (what it keeps, the row kind of summary.row_kinds it keeps)
FILTERS = {
    "conflicts": ("the record does not fit the law as read", "conflict"),
    "required": ("the law required the recorded placement", "required"),
    "chosen": ("the law allowed another placement too", "chosen"),
    "waivers": ("the placement rests on a recorded or inferred decision, such as a waiver", "decision"),
    "gaps": ("the judgment depends on years the record knows only in part", "gap"),
    "assumed": ("the judgment counts a year the record reads by an assumption: a list taken as complete",
                "assumed"),
}


def filter_rows(rows: list, only: str | None) -> list:
    """The rows `--only NAME` keeps (all of them without a filter)."""
    if not only:
        return rows
    if only not in FILTERS:
        raise InputError(f"unknown filter {only!r} (filters: {', '.join(FILTERS)})", "only")
    kind = FILTERS[only][1]
    return [row for row in rows if kind in summary.row_kinds(row)]


SET_OFF_KEYS = ("id", "rule", "cite", "status", "holds", "due", "window", "fiscal_year", "depends_on_decisions",
                "depends_on_unknown_years")
DECISION_KEYS = ("id", "cite", "applied", "settled_by", "source", "unrecorded", "made_by", "fiscal_year")


def compact_row(row: dict) -> dict:
    """An audit row without derivation trees: what it set off as references (id, rule, cite, dates), the
    audit's own findings in full but for their derivations, the decisions without their option texts,
    and no source addresses."""
    set_off = [{k: f[k] for k in SET_OFF_KEYS if k in f} for f in row["findings"] if f["audit"] == "set_off"]
    findings = [{k: v for k, v in f.items() if k != "because"} for f in row["findings"] if f["audit"] != "set_off"]
    decisions = [dict({k: d[k] for k in DECISION_KEYS if k in d}, options=sorted(d["options"]))
                 for d in row["decisions"]]
    compact = dict(row, set_off=set_off, findings=findings, decisions=decisions)
    compact.pop("links", None)  # the sources' addresses: in `history` and with --explain
    return compact


def audit(ctx: Context, countries=(), first: int | str | None = None, last: int | str | None = None,
          only: str | None = None, explain: bool = False, jobs: int = 1) -> dict:
    """Every recorded placement of `countries` (codes or names; none: the whole record) in the report
    years `first` to `last` (either open), judged against the law in force that year. Returns the
    dictionary `tierlaw audit --format json` prints: `summary`, and `rows`, one per placement, with what
    it set off (the consequences of its published list), what the law required or left open, where the
    record conflicts with the law as read, and gaps. `only` keeps one kind of row (FILTERS); the summary
    counts every row. Without `explain` the derivation trees are left out (the compact audit). A range
    holding no recorded placement is an error naming the years the record covers. A large audit evaluated
    without the cache is split across `jobs` processes."""
    codes = ctx.record.codes_of(as_names(countries, "countries")) or sorted(ctx.record.placements)
    first, last = as_year(first, "first"), as_year(last, "last")
    whose = f"the record of {', '.join(codes)}" if countries else "the record"
    check_range(first, last, sorted({y for code in codes for y in ctx.record.history(code)}), whose, ctx.possible_years())
    filter_rows([], only)  # an unknown filter is bad input before any work
    chosen = [(code, placement) for code in codes for year, placement in sorted(ctx.record.history(code).items())
              if (first is None or year >= first) and (last is None or year <= last)]
    worth_splitting = not ctx.cache.enabled and len(chosen) >= ROWS_WORTH_A_PROCESS * jobs
    jobs = jobs if worth_splitting else 1
    with collector_paused():
        rows = list(ordered(lambda item: audit_row(ctx, *item, explain), chosen, jobs, piece=ROWS_PER_PIECE))
    report = {"rows": filter_rows(rows, only), "options": ctx.options, "receipt": ctx.receipt()}
    in_part, assumed = _known_in_part(ctx, codes, first, last)
    report["summary"] = summary.audit_summary({"rows": rows, "known_in_part": in_part, "known_by_assumption": assumed})
    if only:
        report["only"] = only
        report["summary"].append(f"Showing only {only} ({FILTERS[only][0]}): {len(report['rows'])} row(s)")
    if not explain:
        report["rows"] = [compact_row(row) for row in report["rows"]]
    return report


def _known_in_part(ctx: Context, codes: list, first, last) -> tuple:
    """(placements in the range known only as one of several tiers, how many of them only by a list taken as
    complete by assumption): the audit judges recorded placements only, and says how many it leaves aside."""
    years = [y for y in ctx.record.years() if (first is None or y >= first) and (last is None or y <= last)]
    known = [ctx.knowledge(code, year) for code in codes for year in years if year not in ctx.record.history(code)]
    in_part = [placement for placement in known if placement.possible]
    return len(in_part), sum(1 for placement in in_part if placement.assumed)


def _clock_start(ctx: Context, last: int) -> int:
    """The first report the history's forward clock proposes: the last recorded placement itself where it is in
    the latest report the record covers; else the first report after the latest, so that the clock never
    proposes over a report already published (what the record knows of those later reports, a set of tiers or
    nothing, is what the clock reads of them)."""
    latest = max(ctx.record.years())
    return last if last >= latest else latest + 1


def timeline_rows(ctx: Context, code: str, explain: bool = True) -> list:
    """Every report year of a country in the record, from the first to the latest report: its recorded
    placement judged (audit_row), or what is known of the year (known_row: a set of tiers, or a gap)."""
    recorded = ctx.record.history(code)
    return [audit_row(ctx, code, recorded[year], explain) if year in recorded else
            known_row(ctx, code, ctx.knowledge(code, year)) for year in range(ctx.first_year, max(ctx.record.years()) + 1)]


def history(ctx: Context, country: str, forward_years: int = 3) -> dict:
    """The timeline of `country` (code or name): every report year from the first, each recorded placement
    judged as in `audit` (with its derivations), years known only in part and gaps shown as such, and the
    forward clock: the last recorded tier proposed again over `forward_years` reports (_clock_start). Returns
    the dictionary `tierlaw history --format json` prints."""
    who = ctx.record.lookup(country)
    recorded = ctx.record.history(who.code)
    report = {"country": who.code, "country_name": who.name, "rows": timeline_rows(ctx, who.code),
              "receipt": ctx.receipt()}
    if recorded:
        from .forward import clock  # what comes next if the last recorded placement is proposed again
        last = max(recorded)
        start = _clock_start(ctx, last)
        last_report = ctx.last_report(who.code)
        if last_report is not None and start > last_report["year"]:  # no later report can rank it
            report["no_forward"] = last_report
        else:
            report["forward"] = clock(ctx, who.code, start, recorded[last].tier, {}, forward_years)
            if start != last:
                report["forward"]["last_recorded"] = last
    report["summary"] = summary.history_summary(report, ctx.rulebook.tiers)
    return report
