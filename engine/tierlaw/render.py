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
    console.print(receipt_line(report["receipt"]))
    return buffer.getvalue()


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
              f"Removed: {', '.join(changes['removed']) or 'nothing'}.", "", f"_{receipt_line(report['receipt'])}_", ""]
    return "\n".join(lines)
