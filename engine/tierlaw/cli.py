"""The `tierlaw` command line: argument parsing and output only; the work is in queries."""


import contextlib
import datetime as dt
import enum
import os
import re
import sys
from pathlib import Path
from typing import Optional

import typer

from . import render
from .errors import InputError, RulebookConflict
from .inputs import DEFAULT_FORWARD

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True,
                  help="Consequences of US trafficking-in-persons tier placements, derived from the statutes.")


@app.callback()
def _group() -> None:
    """Consequences of US trafficking-in-persons tier placements, derived from the statutes."""


class Format(str, enum.Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"


class Waiver(str, enum.Enum):
    granted = "granted"
    denied = "denied"


RULES = typer.Option(None, "--rules", help="Rulebook directory (default: the shipped rules).")
DATA = typer.Option(None, "--data", help="Record directory (default: the shipped data).")
BACKEND = typer.Option(None, "--backend", help="durable or reference (default: durable where it imports).")
OPTION = typer.Option([], "--option", help="Interpretation option NAME=CHOICE (see docs/rules.md).")
FORMAT = typer.Option(Format.table, "--format", help="Output format (html: history, whatif with one tier, run, audit, trade).")
OUTPUT = typer.Option(None, "--output", "-o", help="Write to this file (atomically) instead of standard output.")
EXPLAIN = typer.Option(False, "--explain", help="Add the derivations (because ...) and what the law counted.")
NO_CACHE = typer.Option(False, "--no-cache", help="Evaluate every case afresh (no evaluation cache; same answers, slower).")
JOBS = typer.Option(None, "--jobs", min=1, help="Processes to split the work across (default: the cores available).")


def _options(items: list) -> dict:
    chosen = {}
    for item in items:
        name, sep, choice = item.partition("=")
        if not sep:
            raise InputError(f"{item!r} is not NAME=CHOICE", "options")
        if name in chosen:
            raise InputError(f"option {name!r} is given twice", "options")
        chosen[name] = choice
    return chosen


# How the command line names what the engine's errors call by their Python parameter names.
FLAGS = {"country": "COUNTRY", "countries": "COUNTRY", "partners": "COUNTRY", "year": "YEAR", "tier": "--tier",
         "sets": "--set", "decide": "--decide", "on": "--on", "forward_years": "--forward", "first": "--from",
         "last": "--to", "agreement": "--agreement", "options": "--option", "backend": "--backend",
         "rules_dir": "--rules", "data_dir": "--data", "path": "SCENARIO", "only": "--only"}


def _date(text: Optional[str]) -> Optional[dt.date]:
    from .inputs import as_date
    return as_date(text, "on")


def _rows_by_country(rows: list) -> dict:
    found: dict = {}
    for row in rows:
        found.setdefault(row["country"], []).append(row)
    return found


def _recorded_rows(ctx, codes) -> dict:
    """Each report year of these countries as the record knows it (for timelines): recorded placements
    judged, years known only as a set of tiers, gaps; none for a country outside the record."""
    from .audit import timeline_rows
    return {code: timeline_rows(ctx, code) if code in ctx.record.placements else [] for code in codes}


def _context(rules, data, backend, options, output=None, no_cache=False):
    from .queries import Context  # lazy: keeps `tierlaw --help` fast
    _output[0] = _checked_output(output)
    ctx = Context(rules, data, backend, _options(options), cache=not no_cache)
    render.use_rulebook(ctx.rulebook, ctx.all_options)
    return ctx


_output: list = [None]  # the --output file of the running command, if any


def _checked_output(output: Path | None, *inputs: Path) -> Path | None:
    """The --output file: one with a name, and none of the command's own input files (a report written over its
    scenario would lose it)."""
    if output is None:
        return None
    if not output.name or output.name in (".", ".."):
        raise InputError(f"{str(output)!r} names no file (give a file name)", "--output")
    for given in inputs:
        if output.resolve() == given.resolve():
            raise InputError(f"{output} is the command's own input ({given}): write the report to another file",
                             "--output")
    return output


def _emit(text: str) -> None:
    target = _output[0]
    if target is None:
        sys.stdout.write(text)
        return
    import tempfile
    temporary = None
    try:  # a short name of its own beside the target: any name the target may have still leaves room for it
        handle, temporary = tempfile.mkstemp(prefix=".tierlaw-", suffix=".partial", dir=target.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as a file the shell would create (mkstemp makes it private)
        os.replace(temporary, target)  # never a half-written report
    except OSError as err:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise InputError(f"cannot write: {err.strerror}", str(target)) from None


def _show(report: dict, fmt: "Format", table, markdown, html_page=None, explain: bool = False) -> None:
    """Print a report as JSON (the contract), terminal text, Markdown or HTML; `explain` adds derivations."""
    if fmt == Format.html and html_page is None:
        raise InputError("html is offered for history, whatif with one tier (not --tier all), run, audit and trade",
                         "--format")
    pick = {Format.json: render.as_json, Format.table: lambda r: table(r, explain),
            Format.markdown: lambda r: markdown(r, explain), Format.html: html_page}
    _emit(pick[fmt](report))


def _authority(ctx) -> list:
    periods = ctx.rulebook.queries.get("trade", {}).get("authority", [])
    return [{"name": p["name"], "from": p["from"].isoformat(), "until": p["until"].isoformat()} for p in periods]


@app.command()
def whatif(
    country: str = typer.Argument(..., help="ISO3 code or report name (MYS, Malaysia)."),
    year: int = typer.Argument(..., help="Report year."),
    tier: str = typer.Option(..., "--tier", help="Hypothetical tier as the rulebook names it (`tierlaw whatif` "
                      "with an unknown one lists them; any case, or by name), or `all`: every tier side by side."),
    set_: list[str] = typer.Option([], "--set", help="YEAR=TIER placement of another year (repeatable)."),
    waiver: Optional[Waiver] = typer.Option(None, "--waiver", help="Settle the automatic-downgrade waiver."),
    decide: list[str] = typer.Option([], "--decide", help="Settle any open decision: DECISION=OPTION."),
    on: Optional[str] = typer.Option(None, "--on", help="Evaluation date YYYY-MM-DD for date-keyed rules."),
    forward: Optional[int] = typer.Option(None, "--forward", min=0, max=25,
                                          help="Reports ahead on the forward clock (default 6)."),
    fmt: Format = FORMAT, output: Optional[Path] = OUTPUT, explain: bool = EXPLAIN, rules: Optional[Path] = RULES,
    data: Optional[Path] = DATA, backend: Optional[str] = BACKEND, option: list[str] = OPTION,
    no_cache: bool = NO_CACHE,
):
    """Consequences of placing COUNTRY on TIER (or `all` tiers side by side) in report YEAR, against the record."""
    from .queries import whatif as run_whatif, whatif_all
    ctx = _context(rules, data, backend, option, output, no_cache)
    settled = list(decide) + ([f"autodowngrade_waiver={waiver.value}"] if waiver else [])
    if tier.strip().lower() == "all":
        refuse_with_every_tier(forward=forward is not None, explain=explain, waiver=waiver is not None)
        report = whatif_all(ctx, country, year, set_, settled, _date(on))
        _show(report, fmt, render.tiers_table, render.tiers_markdown)
        return
    report = run_whatif(ctx, country, year, tier, set_, settled, _date(on),
                        forward_years=DEFAULT_FORWARD if forward is None else forward)
    from .html import whatif_html
    _show(report, fmt, render.whatif_table, render.whatif_markdown,
          lambda r: whatif_html(r, _recorded_rows(ctx, {r["country"]}).get(r["country"], []), _authority(ctx)),
          explain)


def one_kind(only: list) -> str | None:
    """The one kind of row --only asks for (the last of several would be taken silently: refused)."""
    if len(only) > 1:
        raise InputError(f"one kind of row at a time, not {', '.join(only)}", "--only")
    return only[0] if only else None


NOT_SIDE_BY_SIDE = {"forward": "forward clock", "explain": "derivations",  # option -> what --tier all has not
                    "waiver": "decision (a decision belongs to one tier)"}


def refuse_with_every_tier(**given) -> None:
    """Every tier side by side has no forward clock and no derivations: an option asking for them (given: option
    name -> asked) is refused, not ignored."""
    for name, asked in given.items():
        if asked:
            raise InputError(f"every tier side by side (--tier all) has no {NOT_SIDE_BY_SIDE[name]}: give one tier "
                             f"for --{name}", f"--{name}")


@app.command()
def history(
    country: str = typer.Argument(..., help="ISO3 code or report name."),
    fmt: Format = FORMAT, output: Optional[Path] = OUTPUT, explain: bool = EXPLAIN,
    rules: Optional[Path] = RULES, data: Optional[Path] = DATA, backend: Optional[str] = BACKEND,
    option: list[str] = OPTION, no_cache: bool = NO_CACHE,
):
    """The country's timeline: each report year checked against the law in force that year."""
    from .audit import history as run_history
    ctx = _context(rules, data, backend, option, output, no_cache)
    report = run_history(ctx, country)
    from .html import history_html
    _show(report, fmt, render.history_table, render.history_markdown, lambda r: history_html(r, _authority(ctx)),
          explain)


@app.command()
def audit(
    countries: list[str] = typer.Argument(None, help="Countries to audit (default: the whole record)."),
    first: Optional[int] = typer.Option(None, "--from", help="First report year."),
    last: Optional[int] = typer.Option(None, "--to", help="Last report year."),
    only: list[str] = typer.Option([], "--only", help="Only rows of one kind: conflicts, required, chosen, "
                                                       "waivers, gaps or assumed."),
    fmt: Format = FORMAT, output: Optional[Path] = OUTPUT, explain: bool = EXPLAIN, rules: Optional[Path] = RULES,
    data: Optional[Path] = DATA, backend: Optional[str] = BACKEND, option: list[str] = OPTION,
    no_cache: bool = NO_CACHE, jobs: Optional[int] = JOBS,
):
    """Every recorded placement checked against the law in force that year."""
    from .audit import audit as run_audit
    from .parallel import cores
    ctx = _context(rules, data, backend, option, output, no_cache)
    report = run_audit(ctx, list(countries or []), first, last, only=one_kind(only), explain=explain,
                       jobs=jobs or cores())
    from .html import audit_html
    _show(report, fmt, render.audit_table, render.audit_markdown,
          lambda r: audit_html(r, _rows_by_country(r["rows"]), _authority(ctx)), explain)


@app.command()
def trade(
    countries: list[str] = typer.Argument(None, help="Partner countries (or use --agreement)."),
    agreement: Optional[str] = typer.Option(None, "--agreement", help="An agreement in data/agreements.yaml (TPP)."),
    on: str = typer.Option(..., "--on", help="Date YYYY-MM-DD on which the implementing bill is considered."),
    set_: list[str] = typer.Option([], "--set", help="COUNTRY:YEAR=TIER placement of a partner (repeatable)."),
    decide: list[str] = typer.Option([], "--decide", help="COUNTRY:DECISION=OPTION for a partner's placement in "
                                                          "the report most recent on the date."),
    fmt: Format = FORMAT, output: Optional[Path] = OUTPUT, explain: bool = EXPLAIN, rules: Optional[Path] = RULES,
    data: Optional[Path] = DATA, backend: Optional[str] = BACKEND, option: list[str] = OPTION,
    no_cache: bool = NO_CACHE,
):
    """Whether fast-track (trade authorities) procedures are available on a date for these partners."""
    from .trade import parse_partner_decisions, parse_partner_sets, trade as run_trade
    ctx = _context(rules, data, backend, option, output, no_cache)
    day = _date(on)
    report = run_trade(ctx, list(countries or []), agreement, day, parse_partner_sets(ctx, set_),
                       parse_partner_decisions(ctx, decide, day), partners_only=True)
    from .html import trade_html
    _show(report, fmt, render.trade_table, render.trade_markdown, lambda r: trade_html(r, _authority(ctx)), explain)


@app.command()
def run(
    scenario: Path = typer.Argument(..., help="Scenario file (YAML); see docs/scenarios.md."),
    fmt: Format = FORMAT, output: Optional[Path] = OUTPUT, explain: bool = EXPLAIN, rules: Optional[Path] = RULES,
    data: Optional[Path] = DATA, backend: Optional[str] = BACKEND, option: list[str] = OPTION,
    no_cache: bool = NO_CACHE,
):
    """Run a scenario file against the record and report what changes."""
    from .scenario import run as run_scenario
    _checked_output(output, scenario)
    ctx = _context(rules, data, backend, option, output, no_cache)
    report = run_scenario(ctx, scenario)
    from .html import run_html
    _show(report, fmt, render.run_table, render.run_markdown,
          lambda r: run_html(r, _recorded_rows(ctx, {i["country"] for i in r["results"]}), _authority(ctx)), explain)


@app.command()
def check(
    exhaustive: bool = typer.Option(False, "--exhaustive", help="Also verify every history of --years reports."),
    years: Optional[int] = typer.Option(None, "--years", min=1, max=10,
                                        help="Report years per history (exhaustive; default 6)."),
    compare_backends: bool = typer.Option(False, "--compare-backends",
                                          help="Evaluate every distinct case on both backends (slower)."),
    default_options_only: bool = typer.Option(False, "--default-options-only",
                                              help="Verify under the default interpretation options only."),
    rules: Optional[Path] = RULES, data: Optional[Path] = DATA, backend: Optional[str] = BACKEND,
    no_cache: bool = NO_CACHE, jobs: Optional[int] = JOBS,
):
    """Check the rulebook: static problems, and with --exhaustive the invariants on every history."""
    from .parallel import cores
    from .verify import exhaustive as run_exhaustive, static_problems
    given = [name for name, value in (("--years", years is not None), ("--compare-backends", compare_backends),
                                      ("--default-options-only", default_options_only)) if value]
    if given and not exhaustive:  # they shape the exhaustive run only: ignored, they would mislead
        raise InputError(f"shapes only the exhaustive run: add --exhaustive, or leave out {' and '.join(given)}",
                         given[0])
    years = 6 if years is None else years
    ctx = _context(rules, data, backend, [], None, no_cache)
    _note_local_rules(rules, ctx.rulebook.digest, "check")
    problems = [p.line() for p in static_problems(ctx)]
    for line in problems:
        sys.stderr.write(line + "\n")
    if problems:
        raise SystemExit(2)
    print(f"static checks: {len(ctx.rulebook.rules)} rules, {len(ctx.rulebook.invariants)} invariants, no problem")
    if not exhaustive:
        return
    with _progress(sys.stderr) as progress:
        report = run_exhaustive(ctx, years, compare_backends, all_options=not default_options_only, progress=progress,
                                jobs=jobs or cores())
    _say(f"exhaustive: {report['histories']:,} histories of {years} reports (every combination of decisions)")
    _say(f"from the law versions starting {', '.join(map(str, report['windows']))}", "  ")
    _say(f"under {report['option_sets']} option set(s); {report['evaluations']:,} distinct cases evaluated in "
         f"{report['seconds']} s", "  ")
    for violation in report["violations"]:
        sys.stderr.write(f"V001 {violation['problem']}\n  smallest history: {violation['command']}\n")
    for later in report["later"]:  # information, not a failure: the horizon is too short for the rule
        _say(f"I001 {later['rule']}: cannot be reached in {years} reports; it first fires in a history of "
             f"{later['years']} (check --exhaustive --years {later['years']} covers it)")
    for rule in report["unreachable"]:
        sys.stderr.write(f"V002 {rule}: fires in no history of {years} reports, nor in any complete history of "
                         f"up to {report['longest_horizon']} (unreachable)\n")
    if report["violations"] or report["unreachable"]:
        raise SystemExit(2)
    if report["later"]:
        longest = max(r["years"] for r in report["later"])
        _say(f"exhaustive: every invariant holds in {years} reports; every rule fires in some history of up to "
             f"{longest} reports")
    else:
        print("exhaustive: every invariant holds and every rule fires in some history")


def _say(text: str, indent: str = "") -> None:
    """A line of the check's report, wrapped to the terminal's width (continued lines indented)."""
    print("\n".join(render._wrap(text, indent, indent + "  ")))


@contextlib.contextmanager
def _progress(stream):
    """A progress reporter drawing a rich progress bar on `stream` if it is a terminal; None otherwise
    (a log or a pipe gets no bar)."""
    if not stream.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(file=stream), transient=True) as bar:
        task = bar.add_task("exhaustive", total=None)
        yield lambda done, total, text: bar.update(task, completed=done, total=total, description=text)


@app.command(name="test")
def test_cases(
    paths: list[Path] = typer.Argument(..., help="Test files (YAML) or directories of them; see docs/testing.md."),
    match: Optional[str] = typer.Option(None, "-k", help="Run only the cases whose name contains this text."),
    rules: Optional[Path] = RULES, data: Optional[Path] = DATA, backend: Optional[str] = BACKEND,
    option: list[str] = OPTION, no_cache: bool = NO_CACHE,
):
    """Run YAML test cases of the law against the rulebook: passed, failed (with a diff) and errors."""
    from .testcases import run_paths  # lazy: keeps `tierlaw --help` fast
    ctx = _context(rules, data, backend, option, None, no_cache)
    _note_local_rules(rules, ctx.rulebook.digest, "test")
    text, passed = run_paths(ctx, paths, match)
    _emit(text)
    if not passed:
        raise SystemExit(1)


def _note_local_rules(rules: Optional[Path], in_use: str, what: str) -> None:
    """A `rules/` here that differs from the rulebook in use (an install copies the rulebook, and an edit of the
    checkout is not in the copy): say how to `what` (test, check) it."""
    from .paths import default_rules_dir
    from .rulebook import rulebook_digest
    here = Path("rules")
    if rules is not None or not here.is_dir() or here.resolve() == default_rules_dir().resolve():
        return
    try:
        differs = rulebook_digest(here) != in_use
    except (InputError, OSError):  # not a rulebook at all: nothing to point out
        return
    if differs:
        sys.stderr.write(f"tierlaw: note: ./rules differs from the rulebook in use ({default_rules_dir()}); "
                         f"give --rules rules to {what} it\n")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    timeout: float = typer.Option(20.0, "--timeout", min=0.1, help="Seconds a request may take (then 503)."),
    rules: Optional[Path] = RULES, data: Optional[Path] = DATA, option: list[str] = OPTION,
    backend: Optional[str] = typer.Option(None, "--backend", help="reference (default here) or durable (one request at a time)."),
):
    """Pages and a JSON API (the same documents as --format json) on a local web server; see docs/web.md."""
    from .web import serve as run_server  # lazy: the web framework loads only for this command
    run_server(host, port, rules=rules, data=data, backend=backend, options=_options(option), timeout=timeout)


@app.command()
def lawmap(rules: Optional[Path] = RULES, output: Optional[Path] = OUTPUT):
    """The law map (docs/law-map.md): every rule with its citation, enacting law and window."""
    from .paths import default_rules_dir
    from .rulebook import load_rulebook
    _output[0] = _checked_output(output)
    _emit(render.law_map(load_rulebook(Path(rules) if rules else default_rules_dir())))


def _fail(message: str, code: int) -> None:
    sys.stderr.write(f"tierlaw: {message}\n")
    raise SystemExit(code)


def main(argv: list | None = None) -> None:
    """Entry point: bad input is one line on stderr and exit 2; anything else exit 1, no traceback."""
    given = sys.argv[1:] if argv is None else argv
    problem = _argv_problem([str(word) for word in given])
    if problem:  # what typer would pass over, or word as an internal error
        _fail(f"error: {problem}", 2)
    try:
        code = app(args=argv, prog_name="tierlaw", standalone_mode=False)
    except InputError as err:
        _fail(f"error: {err.render(FLAGS)}", 2)
    except (typer.Abort, KeyboardInterrupt):
        _fail("interrupted", 130)
    except RulebookConflict as err:  # a rulebook that contradicts itself is bad input, like a typo
        _fail(f"error: rulebook conflict: {err}", 2)
    except Exception as err:  # noqa: BLE001 - the last line of defence: never a traceback
        _fail_other(err)
    raise SystemExit(code if isinstance(code, int) else 0)


def _argv_problem(words: list) -> str | None:
    """What is wrong with a command line before typer reads it, in one line, or None: a null byte (typer's path
    check would stop on it without a message), a negative number where an argument belongs (click: "No such
    option: -1"), an option that takes one value given twice (typer keeps the last), an empty value (typer reads
    an empty path as the current directory)."""
    held = next((i for i, word in enumerate(words, start=1) if "\x00" in word), None)
    if held is not None:
        return f"argument {held} ({words[held - 1]!r}) holds a null byte"
    negative = next((i for i, word in enumerate(words, start=1) if re.fullmatch(r"-[0-9]+", word)
                     and not (i > 1 and words[i - 2].startswith("-"))), None)
    if negative is not None:
        return f"argument {negative} ({words[negative - 1]}): a negative number is no year, count or date"
    twice = _repeated_option(words)
    if twice:
        return f"{twice}: given twice; it takes one value"
    empty = next((i for i, word in enumerate(words) if not word.strip() or re.fullmatch(r"--?[\w-]+=\s*", word)),
                 None)
    if empty is not None:
        word = words[empty]
        named = word.partition("=")[0] if word.strip() else \
            words[empty - 1] if empty and words[empty - 1].startswith("-") else f"argument {empty + 1}"
        return f"{named}: the value is empty: it names no file, country, year or choice"
    return None


def _repeated_option(words: list) -> str | None:
    """The first option that takes one value (or is a switch) given twice on the command line, or None."""
    flags = [w.split("=", 1)[0] for w in words[1:] if w.startswith("-")]
    if len(flags) < 2:  # the usual case: nothing to look up (-o and --output are one option: the command knows)
        return None
    import typer.main
    command = getattr(typer.main.get_command(app), "commands", {}).get(words[0]) if words else None
    single = {name: p.opts[0] for p in getattr(command, "params", ()) if p.param_type_name == "option" and not p.multiple
              for name in (*p.opts, *p.secondary_opts)}
    seen = set()
    for flag in flags:
        if flag in single and single[flag] in seen:
            return single[flag]
        seen.add(single.get(flag))
    return None


def _fail_other(err: Exception) -> None:
    if type(err).__name__ == "NoArgsIsHelpError":  # a bare `tierlaw`: the help is printed, it is the answer
        raise SystemExit(0)
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
