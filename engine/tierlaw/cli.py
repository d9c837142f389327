"""The `tierlaw` command line: argument parsing and output only; the work is in queries."""


import datetime as dt
import enum
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from . import render
from .errors import InputError, RulebookConflict

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True,
                  help="Consequences of US trafficking-in-persons tier placements, derived from the statutes.")


@app.callback()
def _group() -> None:
    """Consequences of US trafficking-in-persons tier placements, derived from the statutes."""


class Format(str, enum.Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


class Waiver(str, enum.Enum):
    granted = "granted"
    denied = "denied"


RULES = typer.Option(None, "--rules", help="Rulebook directory (default: the shipped rules).")
DATA = typer.Option(None, "--data", help="Record directory (default: the shipped data).")
BACKEND = typer.Option(None, "--backend", help="durable or reference (default: durable where it imports).")
OPTION = typer.Option([], "--option", help="Interpretation option NAME=CHOICE (see docs/rules.md).")
FORMAT = typer.Option(Format.table, "--format", help="Output format.")


def _options(items: list) -> dict:
    chosen = {}
    for item in items:
        name, sep, choice = item.partition("=")
        if not sep:
            raise InputError(f"{item!r} is not NAME=CHOICE", "--option")
        if name in chosen:
            raise InputError(f"option {name!r} is given twice", "--option")
        chosen[name] = choice
    return chosen


def _date(text: Optional[str]) -> Optional[dt.date]:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{text!r} is not a date YYYY-MM-DD", "--on") from None


def _context(rules, data, backend, options):
    from .queries import Context  # lazy: keeps `tierlaw --help` fast
    ctx = Context(rules, data, backend, _options(options))
    render.use_tier_labels(ctx.rulebook.tiers)
    return ctx


def _emit(text: str) -> None:
    sys.stdout.write(text)


def _show(report: dict, fmt: "Format", table, markdown) -> None:
    """Print a report as JSON (the contract), a terminal table or Markdown."""
    _emit({Format.json: render.as_json, Format.table: table, Format.markdown: markdown}[fmt](report))


@app.command()
def whatif(
    country: str = typer.Argument(..., help="ISO3 code or report name (MYS, Malaysia)."),
    year: int = typer.Argument(..., help="Report year."),
    tier: str = typer.Option(..., "--tier", help="Hypothetical tier, as the rulebook's tiers: name it."),
    set_: list[str] = typer.Option([], "--set", help="YEAR=TIER placement of another year (repeatable)."),
    waiver: Optional[Waiver] = typer.Option(None, "--waiver", help="Settle the automatic-downgrade waiver."),
    decide: list[str] = typer.Option([], "--decide", help="Settle any open decision: DECISION=OPTION."),
    on: Optional[str] = typer.Option(None, "--on", help="Evaluation date YYYY-MM-DD for date-keyed rules."),
    forward: int = typer.Option(6, "--forward", min=0, max=25, help="Reports ahead on the forward clock."),
    fmt: Format = FORMAT, rules: Optional[Path] = RULES, data: Optional[Path] = DATA,
    backend: Optional[str] = BACKEND, option: list[str] = OPTION,
):
    """Consequences of placing COUNTRY on TIER (or `all` tiers side by side) in report YEAR, against the record."""
    from .queries import whatif as run_whatif, whatif_all
    ctx = _context(rules, data, backend, option)
    settled = list(decide) + ([f"autodowngrade_waiver={waiver.value}"] if waiver else [])
    if tier == "all":
        report = whatif_all(ctx, country, year, set_, settled, _date(on))
        _show(report, fmt, render.tiers_table, render.tiers_markdown)
        return
    report = run_whatif(ctx, country, year, tier, set_, settled, _date(on), forward_years=forward)
    _show(report, fmt, render.whatif_table, render.whatif_markdown)


@app.command()
def history(
    country: str = typer.Argument(..., help="ISO3 code or report name."),
    fmt: Format = FORMAT,
    rules: Optional[Path] = RULES, data: Optional[Path] = DATA, backend: Optional[str] = BACKEND,
    option: list[str] = OPTION,
):
    """The country's timeline: each report year checked against the law in force that year."""
    from .audit import history as run_history
    ctx = _context(rules, data, backend, option)
    report = run_history(ctx, country)
    _show(report, fmt, render.history_table, render.history_markdown)


@app.command()
def audit(
    countries: list[str] = typer.Argument(None, help="Countries to audit (default: the whole record)."),
    first: Optional[int] = typer.Option(None, "--from", help="First report year."),
    last: Optional[int] = typer.Option(None, "--to", help="Last report year."),
    fmt: Format = FORMAT, rules: Optional[Path] = RULES, data: Optional[Path] = DATA,
    backend: Optional[str] = BACKEND, option: list[str] = OPTION,
):
    """Every recorded placement checked against the law in force that year."""
    from .audit import audit as run_audit
    ctx = _context(rules, data, backend, option)
    report = run_audit(ctx, list(countries or []), first, last)
    _show(report, fmt, render.audit_table, render.audit_markdown)


@app.command()
def trade(
    countries: list[str] = typer.Argument(None, help="Partner countries (or use --agreement)."),
    agreement: Optional[str] = typer.Option(None, "--agreement", help="An agreement in data/agreements.yaml (TPP)."),
    on: str = typer.Option(..., "--on", help="Date YYYY-MM-DD on which the implementing bill is considered."),
    fmt: Format = FORMAT, rules: Optional[Path] = RULES, data: Optional[Path] = DATA,
    backend: Optional[str] = BACKEND, option: list[str] = OPTION,
):
    """Whether fast-track (trade authorities) procedures are available on a date for these partners."""
    from .trade import trade as run_trade
    ctx = _context(rules, data, backend, option)
    report = run_trade(ctx, list(countries or []), agreement, _date(on))
    _show(report, fmt, render.trade_table, render.trade_markdown)


@app.command()
def run(
    scenario: Path = typer.Argument(..., help="Scenario file (YAML); see docs/scenarios.md."),
    fmt: Format = FORMAT, rules: Optional[Path] = RULES, data: Optional[Path] = DATA,
    backend: Optional[str] = BACKEND, option: list[str] = OPTION,
):
    """Run a scenario file against the record and report what changes."""
    from .scenario import run as run_scenario
    ctx = _context(rules, data, backend, option)
    report = run_scenario(ctx, scenario)
    _show(report, fmt, render.run_table, render.run_markdown)


@app.command()
def check(
    exhaustive: bool = typer.Option(False, "--exhaustive", help="Also verify every history of --years reports."),
    years: int = typer.Option(6, "--years", min=1, max=10, help="Report years per history (exhaustive)."),
    compare_backends: bool = typer.Option(False, "--compare-backends",
                                          help="Evaluate every distinct case on both backends (slower)."),
    default_options_only: bool = typer.Option(False, "--default-options-only",
                                              help="Verify under the default interpretation options only."),
    rules: Optional[Path] = RULES, data: Optional[Path] = DATA, backend: Optional[str] = BACKEND,
):
    """Check the rulebook: static problems, and with --exhaustive the invariants on every history."""
    from .verify import exhaustive as run_exhaustive, static_problems
    ctx = _context(rules, data, backend, [])
    problems = [p.line() for p in static_problems(ctx)]
    for line in problems:
        sys.stderr.write(line + "\n")
    if problems:
        raise SystemExit(2)
    print(f"static checks: {len(ctx.rulebook.rules)} rules, {len(ctx.rulebook.invariants)} invariants, no problem")
    if not exhaustive:
        return
    report = run_exhaustive(ctx, years, compare_backends, all_options=not default_options_only)
    print(f"exhaustive: {report['histories']:,} histories of {years} reports (with every combination of decisions) "
          f"from law versions starting {', '.join(map(str, report['windows']))}, under {report['option_sets']} "
          f"option sets; {report['evaluations']:,} distinct cases evaluated in {report['seconds']} s")
    for violation in report["violations"]:
        sys.stderr.write(f"V001 {violation['problem']}\n  smallest history: {violation['command']}\n")
    for rule in report["unreachable"]:
        sys.stderr.write(f"V002 {rule}: fires in no history of {years} reports (unreachable)\n")
    if report["violations"] or report["unreachable"]:
        raise SystemExit(2)
    print("exhaustive: every invariant holds and every rule fires in some history")


def _fail(message: str, code: int) -> None:
    sys.stderr.write(f"tierlaw: {message}\n")
    raise SystemExit(code)


def main(argv: list | None = None) -> None:
    """Entry point: bad input is one line on stderr and exit 2; anything else exit 1, no traceback."""
    try:
        code = app(args=argv, prog_name="tierlaw", standalone_mode=False)
    except InputError as err:
        _fail(f"error: {err}", 2)
    except (typer.Abort, KeyboardInterrupt):
        _fail("interrupted", 130)
    except RulebookConflict as err:  # a rulebook that contradicts itself is bad input, like a typo
        _fail(f"error: rulebook conflict: {err}", 2)
    except Exception as err:  # noqa: BLE001 - the last line of defence: never a traceback
        _fail_other(err)
    raise SystemExit(code if isinstance(code, int) else 0)


def _fail_other(err: Exception) -> None:
    # click (vendored by recent typer) signals usage errors with exit_code 2 and format_message()
    if hasattr(err, "format_message") and getattr(err, "exit_code", None) == 2:
        _fail(f"error: {err.format_message()}", 2)
    if type(err).__name__ == "Exit" and hasattr(err, "exit_code"):
        raise SystemExit(err.exit_code)
    if os.environ.get("TIERLAW_DEBUG"):
        raise err
    _fail(f"internal error: {type(err).__name__}: {err} (set TIERLAW_DEBUG=1 for a traceback)", 1)


if __name__ == "__main__":
    main()
