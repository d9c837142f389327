"""Text forms of results: JSON (the contract), a terminal table and Markdown. No logic here."""

from __future__ import annotations

import io
import json

from rich.console import Console
from rich.table import Table
from rich.text import Text

_labels: dict = {}


def use_tier_labels(tiers: dict) -> None:
    """Short tier names for text output, from the rulebook's `tiers:` ("Tier 1 - list (1)(A)" -> "Tier 1")."""
    _labels.clear()
    _labels.update({tier: label.split(" - ")[0] for tier, label in tiers.items()})


def as_json(result: dict) -> str:
    return json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def tier_name(tier) -> str:
    """A tier's short label; a list of tiers (a year known only in part) reads "Tier 1, Tier 2 or Tier 3"."""
    if isinstance(tier, (list, tuple)):
        names = [tier_name(t) for t in tier]
        return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else "".join(names)
    return "unknown" if tier is None else _labels.get(tier, str(tier))


def _placements_text(placements: list) -> str:
    return ", ".join(f"{p['year']} {p['tier'] or 'unknown'}" for p in placements)


def fact_text(fact: dict) -> str:
    """One fact of a derivation in a few words."""
    kind = fact["fact"]
    if kind == "placement":
        origin = "proposed" if fact["origin"] == "proposed" else fact["origin"]
        source = f" [{';'.join(fact['sources'])}]" if fact["sources"] else ""
        return f"{fact['year']} placement {fact['tier'] or 'unknown'} ({origin}){source}"
    if kind == "feature":
        param = f", {fact['parameter']['name']}={fact['parameter']['value']}" if "parameter" in fact else ""
        seen = f" from {_placements_text(fact['placements'])}" if fact["placements"] else ""
        return f"{fact['name']}={fact['value']} ({fact['test']}{param}){seen}"
    if kind == "decision":
        return f"decision {fact['id']}={fact['value']} ({fact['settled_by']})"
    if kind == "derived":
        rules = ", ".join(d["rule"] for d in fact["derived_by"])
        return f"{fact['kind']}={fact['value']} [by {rules}]"
    if kind == "country":
        return f"country {fact['name']}={fact['value']} ({fact['source']})"
    return f"unknown placements {fact['years']}: {fact['note']}"


def because_text(consequence: dict) -> str:
    return "; ".join(fact_text(f) for f in consequence["because"])


def when_text(consequence: dict) -> str:
    parts = []
    if "holds" in consequence:
        parts.append(f"holds {consequence['holds']['from']} to {consequence['holds']['until']} (excl.)")
    if "due" in consequence:
        parts.append(f"due by {consequence['due']['by']}")
    if "window" in consequence:
        parts.append(f"between {consequence['window']['from']} and {consequence['window']['to']}")
    if "fiscal_year" in consequence:
        parts.append(f"FY{consequence['fiscal_year']}")
    if consequence.get("status") == "indeterminate":
        parts.append(f"INDETERMINATE: depends on unknown {consequence['depends_on_unknown_years']}")
    return "; ".join(parts)


def _effective_line(result: dict) -> str:
    if result["effective_tier"] is None and result.get("effective_tier_possible"):
        possible = " or ".join(tier_name(t) for t in result["effective_tier_possible"])
        return f"effective placement: {possible} (depends on unknown years {result['unknown_years']})"
    return f"effective placement: {tier_name(result['effective_tier'])}"


# ---------------------------------------------------------------- table


def _console(buffer) -> Console:
    return Console(file=buffer, width=140, force_terminal=False, color_system=None, soft_wrap=False,
                   markup=False, highlight=False, emoji=False)


def _consequence_table(result: dict, title: str) -> Table:
    table = Table(title=title, show_lines=True, title_justify="left")
    for header, width in (("consequence", 30), ("cite", 26), ("what and why", 64), ("when", 18)):
        table.add_column(header, overflow="fold", max_width=width)
    for c in result["consequences"]:
        table.add_row(Text(c["id"]), Text(f"{c['cite']}\n{c['enacted_by']}\n[{c['confidence']}]"),
                      Text(f"{c['title']}\nbecause: {because_text(c)}"), Text(when_text(c)))
    return table


def _decision_lines(result: dict) -> list:
    lines = []
    for d in result["decisions"]:
        lines.append(f"  {d['id']} ({d['cite']}, {d['decided_by']}): applied {d['applied']} ({d['settled_by']})")
        for option, entry in d["options"].items():
            follows = f" -> {tier_name(entry['effective_tier'])}" if "effective_tier" in entry else ""
            lines.append(f"    {option}{follows}: {entry['description']}")
    return lines


def whatif_table(report: dict) -> str:
    buffer = io.StringIO()
    console = _console(buffer)
    hyp, base = report["hypothetical"], report["baseline"]
    recorded = tier_name(base["proposed_tier"]) if base else "no recorded placement"
    console.print(f"{report['country_name']} ({report['country']}), report {report['year']}: "
                  f"what if {tier_name(hyp['proposed_tier'])}? (recorded: {recorded})")
    period = report["period"]
    console.print(f"Report {period['report']} is the most recent from {period['most_recent_from']} "
                  f"until {period['until']}" + (f"; {period['note']}" if "note" in period else ""))
    console.print(f"Hypothetical {_effective_line(hyp)}")
    console.print(_consequence_table(hyp, "Consequences of the hypothetical placement"))
    if hyp["decisions"]:
        console.print("Open decisions (the statute's default applies unless settled):")
        for line in _decision_lines(hyp):
            console.print(line)
    console.print(f"Compared with the record: added {', '.join(report['changes']['added']) or 'nothing'}; "
                  f"removed {', '.join(report['changes']['removed']) or 'nothing'}")
    for line in forward_lines(report.get("forward")):
        console.print(line)
    console.print(receipt_line(report["receipt"]))
    return buffer.getvalue()


def forward_lines(forward) -> list:
    """The forward clock in plain lines: one per report year."""
    if not forward:
        return []
    lines = [f"Forward clock: proposing {tier_name(forward['proposing'])} every year from {forward['from_year']}"]
    for step in forward["steps"]:
        lines.append("  " + step_text(step))
    forced = forward["first_forced_change"]
    lines.append(f"  first forced change: {forced if forced else 'none within these years'}")
    return lines


def step_text(step: dict) -> str:
    counted = _features_text({k: v for k, v in step["features"].items() if k != "prev_tier"})
    if step["stands"] is False:
        forced = "; ".join(f"{f['title']} ({f['cite']})" for f in step.get("forced_by", []))
        verdict = f"becomes {tier_name(step['effective'])}: {forced}"
    elif step["stands"] is None:
        verdict = f"depends on unknown years {step.get('unknown_years')}"
    else:
        verdict = "stands" + (f" only with {', '.join(step['needs'])}" if step["needs"] else "")
    duties = ", ".join(f"{d['id']} ({(d.get('due') or {}).get('by') or (d.get('window') or {}).get('to')})"
                       + ("?" if d["status"] == "indeterminate" else "") for d in step["duties"])
    return f"{step['year']}: {verdict}" + (f" [{counted}]" if counted else "") + (f"; duties: {duties}" if duties else "")


def receipt_line(receipt: dict) -> str:
    return (f"receipt: tierlaw {receipt['tierlaw']}, backend {receipt['backend']}, "
            f"rulebook {receipt['rulebook'][:19]}…, data {receipt['data'][:19]}…")


# ---------------------------------------------------------------- markdown


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def consequences_markdown(result: dict) -> list:
    lines = ["| consequence | cite | enacted by | what and why | when |", "|---|---|---|---|---|"]
    for c in result["consequences"]:
        lines.append("| " + " | ".join(_md_escape(x) for x in (
            c["id"], c["cite"], c["enacted_by"], f"{c['title']}. Because: {because_text(c)}", when_text(c))) + " |")
    return lines


def whatif_summary(report: dict) -> str:
    hyp, base = report["hypothetical"], report["baseline"]
    was = f" instead of the recorded {tier_name(base['proposed_tier'])}" if base else ""
    added = report["changes"]["added"]
    tail = f"; it would add {len(added)} consequence(s): {', '.join(added)}" if added else ""
    return (f"{tier_name(hyp['proposed_tier'])} for {report['country_name']} in the {report['year']} report{was} "
            f"gives {_effective_line(hyp)}{tail}.")


def whatif_markdown(report: dict) -> str:
    hyp = report["hypothetical"]
    lines = [f"**{whatif_summary(report)}**", "", f"## {report['country_name']} ({report['country']}), "
             f"report {report['year']}", "", *consequences_markdown(hyp), ""]
    if hyp["decisions"]:
        lines += ["### Open decisions", "", *[f"- {line.strip()}" for line in _decision_lines(hyp)], ""]
    changes = report["changes"]
    lines += [f"Added against the record: {', '.join(changes['added']) or 'nothing'}. "
              f"Removed: {', '.join(changes['removed']) or 'nothing'}.", ""]
    if report.get("forward"):
        lines += ["### Forward clock", "", *[f"- {line.strip()}" for line in forward_lines(report["forward"])[1:]], ""]
    lines += [f"_{receipt_line(report['receipt'])}_", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- history and audit


def _features_text(features: dict) -> str:
    return ", ".join(f"{name}={value}" for name, value in features.items())


def _findings_of(row: dict, kind: str) -> list:
    return [f for f in row["findings"] if f.get("audit") == kind]


def row_judgment(row: dict) -> str:
    """What the law said of a recorded placement, in words."""
    if row["tier"] is None:
        return "no placement recorded (gap)"
    parts = [f"needed {d['id']}={d['applied']} ({d['cite']})" for d in row["decisions"]]
    for f in _findings_of(row, "required"):
        parts.append(f"required: {f['title']} ({f['cite']}); a {f['instead_of']} proposal would have become "
                     f"{row['tier']}")
    for f in _findings_of(row, "anomaly"):
        fits = ", ".join(f["fits_law_with_option"]) or "no single option"
        parts.append(f"NOT ALLOWED as recorded ({f['cite']}); fits with {fits}")
    for f in _findings_of(row, "indeterminate"):
        parts.append(f"cannot be judged fully: unknown {f['unknown_years']}")
    return "; ".join(parts) or "allowed as recorded"


def _cite_parts(cite: str) -> tuple:
    section, paren, rest = cite.partition("(")
    return section.strip(), paren + rest


def compact_cites(findings: list) -> str:
    """Citations grouped by section: '22 U.S.C. 7107 (b)(1)(C), (c); 19 U.S.C. 4205 (b)(6)(A)'."""
    grouped: dict = {}
    for f in findings:
        section, tail = _cite_parts(f["cite"])
        tails = grouped.setdefault(section, [])
        if tail not in tails:
            tails.append(tail)
    return "; ".join(f"{section} {', '.join(t for t in tails if t)}".strip() for section, tails in grouped.items())


def _set_off_text(row: dict) -> str:
    found = _findings_of(row, "set_off")
    text = compact_cites(found)
    if _findings_of(row, "law_would_give"):
        return "not derived (placement outside the law as encoded)"
    years = sorted({f["fiscal_year"] for f in found if "fiscal_year" in f})
    if years:
        text += f"; FY{', FY'.join(map(str, years))}"
    for f in found:
        if "holds" in f:
            text += f"; {_cite_parts(f['cite'])[1] or f['cite']} holds {f['holds']['from']}..{f['holds']['until']}"
    return text


def history_table(report: dict) -> str:
    buffer = io.StringIO()
    console = _console(buffer)
    console.print(f"{report['country_name']} ({report['country']}): placements checked against the law of each year")
    table = Table(show_lines=False, box=None, pad_edge=False)
    for header, width in (("year", 4), ("tier", 4), ("counted by the law", 24), ("what the law said", 44),
                          ("what it set off", 48), ("sources", 16)):
        table.add_column(header, overflow="fold", max_width=width)
    for row in report["rows"]:
        table.add_row(Text(str(row["year"])), Text(row["tier"] or "-"), Text(_features_text(row["features"])),
                      Text(row_judgment(row)), Text(_set_off_text(row)), Text("; ".join(row["sources"])))
    console.print(table)
    for line in forward_lines(report.get("forward")):
        console.print(line)
    console.print(receipt_line(report["receipt"]))
    return buffer.getvalue()


def history_markdown(report: dict) -> str:
    rows = report["rows"]
    anomalies = [str(r["year"]) for r in rows if r["record_fits_law"] is False]
    gaps = [str(r["year"]) for r in rows if r["tier"] is None]
    summary = (f"**{report['country_name']} ({report['country']}): {len(rows) - len(gaps)} recorded placement(s), "
               f"{len(gaps)} year(s) without a recorded placement"
               + (f"; not allowed as recorded in {', '.join(anomalies)}" if anomalies else "") + ".**")
    lines = [summary, "", "| year | tier | counted by the law | what the law said | what it set off | sources |",
             "|---|---|---|---|---|---|"]
    for row in rows:
        lines.append("| " + " | ".join(_md_escape(x) for x in (
            row["year"], tier_name(row["tier"]), _features_text(row["features"]), row_judgment(row),
            _set_off_text(row), "; ".join(row["sources"]))) + " |")
    if report.get("forward"):
        lines += ["", "### Forward clock", "", *[f"- {line.strip()}" for line in forward_lines(report["forward"])[1:]]]
    return "\n".join(lines + ["", f"_{receipt_line(report['receipt'])}_", ""])


def _audit_lines(report: dict) -> list:
    lines = []
    for row in report["rows"]:
        judgment = row_judgment(row)
        if judgment != "allowed as recorded":
            lines.append((row["country"], row["year"], tier_name(row["tier"]), judgment))
    return lines


def audit_table(report: dict) -> str:
    buffer = io.StringIO()
    console = _console(buffer)
    rows = report["rows"]
    notable = _audit_lines(report)
    console.print(f"Audit of {len(rows)} recorded placements: {len(notable)} needed a decision, were required, "
                  f"were not allowed as recorded, or depend on gaps (the rest were allowed as recorded)")
    table = Table(show_lines=False)
    for header, width in (("country", 7), ("year", 4), ("tier", 18), ("what the law said", 100)):
        table.add_column(header, overflow="fold", max_width=width)
    for line in notable:
        table.add_row(*(Text(str(x)) for x in line))
    console.print(table)
    console.print(receipt_line(report["receipt"]))
    return buffer.getvalue()


def audit_markdown(report: dict) -> str:
    notable = _audit_lines(report)
    anomalies = sum(1 for r in report["rows"] if r["record_fits_law"] is False)
    lines = [f"**Audit of {len(report['rows'])} recorded placements: {anomalies} not allowed as recorded under the "
             f"options applied; {len(notable)} worth a look.**", "", "| country | year | tier | what the law said |",
             "|---|---|---|---|"]
    lines += ["| " + " | ".join(_md_escape(x) for x in line) + " |" for line in notable]
    return "\n".join(lines + ["", f"_{receipt_line(report['receipt'])}_", ""])


# ---------------------------------------------------------------- every tier side by side


def _tier_matrix(report: dict) -> tuple:
    tiers = list(report["tiers"])
    ids_by_tier = {t: {c["id"]: c for c in r["consequences"]} for t, r in report["tiers"].items()}
    every = sorted({i for found in ids_by_tier.values() for i in found})
    rows = []
    for consequence in every:
        cite = next(found[consequence]["cite"] for found in ids_by_tier.values() if consequence in found)
        marks = []
        for tier in tiers:
            c = ids_by_tier[tier].get(consequence)
            marks.append("" if c is None else "?" if c.get("status") == "indeterminate" else "x")
        rows.append((consequence, cite, marks))
    return tiers, rows


def tiers_table(report: dict) -> str:
    buffer = io.StringIO()
    console = _console(buffer)
    tiers, rows = _tier_matrix(report)
    console.print(f"{report['country_name']} ({report['country']}), report {report['year']}: every tier side by side "
                  f"(x applies, ? depends on unknown years)")
    table = Table(show_lines=False)
    table.add_column("consequence", max_width=44, overflow="fold")
    table.add_column("cite", max_width=28, overflow="fold")
    for tier in tiers:
        table.add_column(tier, justify="center")
    table.add_row(Text("effective placement"), Text(""),
                  *[Text(str(report["tiers"][t]["effective_tier"] or "?")) for t in tiers])
    for consequence, cite, marks in rows:
        table.add_row(Text(consequence), Text(cite), *[Text(m) for m in marks])
    console.print(table)
    console.print(receipt_line(report["receipt"]))
    return buffer.getvalue()


def tiers_markdown(report: dict) -> str:
    tiers, rows = _tier_matrix(report)
    lines = [f"**{report['country_name']} ({report['country']}), report {report['year']}: which tier changes what.**",
             "", "| consequence | cite | " + " | ".join(tiers) + " |", "|---|---|" + "---|" * len(tiers),
             "| effective placement | | " + " | ".join(str(report["tiers"][t]["effective_tier"]) for t in tiers) + " |"]
    lines += ["| " + " | ".join([_md_escape(c), _md_escape(cite), *marks]) + " |" for c, cite, marks in rows]
    return "\n".join(lines + ["", f"_{receipt_line(report['receipt'])}_", ""])


# ---------------------------------------------------------------- trade


def _verdict(value) -> str:
    return {True: "available", False: "NOT available", None: "undecided (open decision or unknown data)"}[value]


def trade_summary(report: dict) -> str:
    what = f"the {report['agreement']} implementing bill" if report["agreement"] else "an implementing bill"
    blocking = f"; blocked by {', '.join(report['blocking'])}" if report["blocking"] else ""
    still_open = f"; open for {', '.join(report['open'])}" if report["open"] else ""
    authority = "" if report["authority"]["in_force"] else "; no trade promotion authority was in force"
    return f"On {report['on']}, fast-track for {what} is {_verdict(report['tpa_available'])}{blocking}{still_open}{authority}."


def _partner_reason(partner: dict) -> str:
    reasons = []
    for item in partner["because"]:
        if isinstance(item, str):
            reasons.append(item)
        elif "cite" in item and "options" in item:
            reasons.append(f"open decision {item['id']} ({item['cite']}): applied {item['applied']} ({item['settled_by']})")
        else:
            reasons.append(f"{item['title']} ({item['cite']}, {item['enacted_by']})")
    return "; ".join(reasons)


def _trade_rows(report: dict) -> list:
    return [(p["country"], p["name"], str(p["report_year"]), p["tier"] or "unknown", _verdict(p["tpa_available"]),
             _partner_reason(p)) for p in report["partners"]]


def trade_table(report: dict) -> str:
    buffer = io.StringIO()
    console = _console(buffer)
    console.print(trade_summary(report))
    route = report["exception_route"]
    console.print(f"Exception route on that date: {route['title']} ({route['cite']}): "
                  f"{'exists' if route['available'] else 'does not exist'}")
    authority = report["authority"]
    console.print(f"Trade promotion authority: {authority.get('name', 'none')}" +
                  (f" ({authority['from']} to {authority['until']})" if authority["in_force"] else ""))
    table = Table(show_lines=False)
    for header, width in (("code", 4), ("partner", 14), ("report", 6), ("tier", 7), ("fast-track", 12),
                          ("because", 90)):
        table.add_column(header, overflow="fold", max_width=width)
    for row in _trade_rows(report):
        table.add_row(*(Text(x) for x in row))
    console.print(table)
    console.print(receipt_line(report["receipt"]))
    return buffer.getvalue()


def trade_markdown(report: dict) -> str:
    lines = [f"**{trade_summary(report)}**", "", "| code | partner | report | tier | fast-track | because |",
             "|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(_md_escape(x) for x in row) + " |" for row in _trade_rows(report)]
    return "\n".join(lines + ["", f"_{receipt_line(report['receipt'])}_", ""])


# ---------------------------------------------------------------- scenarios


def scenario_lines(item: dict) -> list:
    result, base = item["scenario"], item["baseline"]
    recorded = tier_name(base["proposed_tier"]) if base else "no recorded placement"
    lines = [f"{item['country_name']} ({item['country']}) {item['year']}: {tier_name(result['proposed_tier'])} "
             f"(recorded: {recorded}) -> {_effective_line(result)}" + (f" — {item['note']}" if item["note"] else ""),
             f"  added: {', '.join(item['changes']['added']) or 'nothing'}",
             f"  removed: {', '.join(item['changes']['removed']) or 'nothing'}"]
    for tier, brief in item["alternatives"].items():
        lines.append(f"  alternative {tier_name(tier)} -> {tier_name(brief['effective_tier'])}: "
                     f"{', '.join(brief['consequences'])}")
    return lines


def run_table(report: dict) -> str:
    buffer = io.StringIO()
    console = _console(buffer)
    console.print(f"Scenario: {report['scenario']}")
    if report["description"]:
        console.print(report["description"].strip())
    for item in report["results"]:
        console.print("")
        for line in scenario_lines(item):
            console.print(line)
        console.print(_consequence_table(item["scenario"], "Consequences in the scenario"))
    for question in report["trade"]:
        console.print("")
        console.print(trade_summary(question))
    for clock_ in report["forward"]:
        console.print("")
        for line in forward_lines(clock_):
            console.print(line)
    console.print(receipt_line(report["receipt"]))
    return buffer.getvalue()


def run_markdown(report: dict) -> str:
    summaries = [trade_summary(q) for q in report["trade"]]
    lines = [f"**{report['scenario']}**" + (f" — {' '.join(summaries)}" if summaries else ""), ""]
    if report["description"]:
        lines += [report["description"].strip(), ""]
    for item in report["results"]:
        lines += [f"## {item['country_name']} ({item['country']}) {item['year']}", "",
                  *[f"- {line.strip()}" for line in scenario_lines(item)], "",
                  *consequences_markdown(item["scenario"]), ""]
    for clock_ in report["forward"]:
        lines += [f"## Forward clock: {clock_['country']} from {clock_['from_year']}", "",
                  *[f"- {line.strip()}" for line in forward_lines(clock_)[1:]], ""]
    return "\n".join(lines + [f"_{receipt_line(report['receipt'])}_", ""])


# ---------------------------------------------------------------- the law map


def law_map(book) -> str:
    """docs/law-map.md, generated from the rulebook: one row per rule."""
    def window(f):
        parts = []
        if f.from_report or f.until_report:
            parts.append(f"reports {f.from_report or ''}–{f.until_report - 1 if f.until_report else ''}")
        if f.from_date or f.until_date:
            parts.append(f"dates {f.from_date or ''} to {f.until_date or ''} (excl.)")
        return "; ".join(parts)
    lines = ["# Law map", "", "Generated from `rules/` by `tierlaw lawmap`; CI fails when it is out of date.", "",
             "| rule | title | cite | enacted by | in force | confidence | file |", "|---|---|---|---|---|---|---|"]
    for rule in sorted(book.rules, key=lambda r: (r.file, r.line)):
        lines.append("| " + " | ".join(_md_escape(x) for x in (rule.id, rule.title, rule.cite, rule.enacted_by,
                                                               window(rule.in_force), rule.confidence,
                                                               f"{rule.file}:{rule.line}")) + " |")
    return "\n".join(lines) + "\n"
