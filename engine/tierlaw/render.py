"""Text forms of results: JSON (the contract), terminal text and Markdown. No logic here.

Every text form opens with the answer in plain words (the document's `summary`, grouped as the
rulebook's `groups:` order them); the details follow, one row per consequence. `explain` adds the
derivations and the values the law counted. Terminal text is wrapped at word boundaries to the
terminal's width."""

from __future__ import annotations

import os
import shutil
import textwrap

from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import jsontext, summary
from .model import NOT_RANKED

_labels: dict = {}
_groups: dict = {}
_rules: dict = {}
_defaults: dict = {}  # option -> its default choice
DEFAULT_WIDTH = 100  # when the output is not a terminal and COLUMNS is not set


def use_rulebook(book, options: dict | None = None) -> None:
    """Tier labels ("Tier 1 - list (1)(A)" -> "Tier 1") and headline groups of the rulebook in use, and the
    defaults of its `options` (the rulebook's and the record's: Context.all_options; default: the book's)."""
    _labels.clear()
    _labels.update({tier: label.split(" - ")[0] for tier, label in book.tiers.items()})
    _groups.clear()
    _groups.update(book.groups)
    _rules.clear()
    _rules.update({rule.id: rule for rule in book.rules})
    _defaults.clear()
    _defaults.update({name: option.default for name, option in (options or book.options).items()})


def width() -> int:
    """The terminal's width (COLUMNS wins), or DEFAULT_WIDTH when writing to a file or a pipe."""
    if os.environ.get("COLUMNS", "").isdigit():
        return max(40, int(os.environ["COLUMNS"]))
    if os.isatty(1):
        return max(40, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)
    return DEFAULT_WIDTH


def as_json(result: dict) -> str:
    """The contract's JSON text (indented, keys sorted); jsontext writes the same bytes, faster."""
    return jsontext.dumps(result)


def forward_words(forward) -> list:
    """The forward clock's one-line answer (the summary's "Next years"), with the default tier labels."""
    return summary.forward_lines(forward, _labels)


def tier_name(tier) -> str:
    """A tier's short label; a list of tiers (a year known only in part) reads "Tier 1, Tier 2 or Tier 3"."""
    return summary.tier_words(tier, _labels) if tier is not None else "unknown"


# ---------------------------------------------------------------- words


def _wrap(text: str, indent: str = "", hanging: str | None = None) -> list:
    """Lines of at most width() characters, broken between words only."""
    return textwrap.wrap(text, width=width(), initial_indent=indent,
                         subsequent_indent=indent if hanging is None else hanging,
                         break_long_words=False, break_on_hyphens=False) or [indent.rstrip()]


def bullet(text: str, depth: int = 1) -> list:
    pad = "  " * depth
    return _wrap(text, pad + "- ", pad + "  ")


def sections_text(sections: list) -> list:
    """Summary sections as text: the untitled one as paragraphs, the others as a heading and bullets."""
    lines = []
    for heading, items in sections:
        if heading is None:
            for item in items:
                lines += _wrap(item)
        else:
            lines.append(heading)
            for item in items:
                lines += bullet(item)
    return lines


def sections_markdown(sections: list) -> list:
    lines = []
    for heading, items in sections:
        if heading is None:
            lines += [f"**{_md(item)}**" for item in items] + [""]
        else:
            lines += [f"**{heading}**", *[f"- {_md(item)}" for item in items], ""]
    return lines


def _md(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _placements_text(placements: list) -> str:
    return ", ".join(f"{p['year']} {tier_name(p['tier'])}" for p in placements)


def fact_text(fact: dict) -> str:
    """One fact of a derivation in a few words."""
    kind = fact["fact"]
    if kind == "placement":
        source = f" [{'; '.join(fact['sources'])}]" if fact["sources"] else ""
        return f"{fact['year']} placement {tier_name(fact['tier'])} ({fact['origin']}){source}"
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
    return f"years {', '.join(map(str, fact['years']))} known in part or not at all: {fact['note']}"


def because_text(consequence: dict) -> str:
    return "; ".join(fact_text(f) for f in consequence["because"])


def features_text(features: dict) -> str:
    """What the law counted, in words: a value that differs between the readings of unknown years as "one of"."""
    return ", ".join(f"{name}={_value_words(value)}" for name, value in features.items())


def _value_words(value) -> str:
    if isinstance(value, list):  # numbers in their order (0, 1, 2, ..., 10), not as text
        numbers = [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
        return "one of " + ", ".join(map(str, sorted(numbers) + [v for v in value if v not in numbers]))
    return str(value).lower() if isinstance(value, bool) else str(value)


def in_citation_order(consequences: list) -> list:
    """Consequences in the Code's order of their citations, as the text lists them, the versions of one in the
    order their periods start (the result lists them by id and rule)."""
    cited: dict = {}
    for c in consequences:
        cited[c["id"]] = min(cited.get(c["id"], summary.cite_key(c["cite"])), summary.cite_key(c["cite"]))
    return sorted(consequences, key=lambda c: (cited[c["id"]], c["id"], summary.start_of(c)))


def option_changes(decision: dict, option: str) -> str:
    """What choosing `option` of a decision would add to and drop from the result, in headline words."""
    options = decision["options"]
    adds, drops = summary.headline_changes(options[decision["applied"]].get("headlines", {}),
                                           options[option].get("headlines", {}))
    return summary.changes_words(adds, drops, "drops")


def when_text(consequence: dict) -> str:
    """A consequence's dates and status in words."""
    parts = [summary.dates_text(consequence)]
    if consequence.get("status") == "indeterminate":
        parts.append(f"only in some readings of {', '.join(map(str, consequence['depends_on_unknown_years']))}")
    if consequence.get("status") == "depends_on_decision":
        parts.append(f"depends on the unrecorded {', '.join(consequence['depends_on_decisions'])}")
    return "; ".join(p for p in parts if p)


def consequence_items(result: dict, explain: bool = False) -> list:
    """One item per consequence (its versions merged): headline or title, dates and conditions, citation,
    enacting law; with `explain`, each version's derivation."""
    decisions = summary.decisions_by_id(result)
    items = []
    for row in sorted(summary.merged(result["consequences"]), key=lambda r: summary.cite_key(r["cite"])):
        items.append((f"{summary.row_text(row, decisions)}, {_enacted(row)}",
                      [f"because: {because_text(v)}" for v in row["versions"]] if explain else []))
    return items


def _enacted(row: dict) -> str:
    """The enacting laws of a merged consequence's versions, each with its confidence grade."""
    return "; ".join(dict.fromkeys(f"{v['enacted_by']} [{v['confidence']}]" for v in row["versions"]))


def items_text(items: list) -> list:
    lines = []
    for text, details in items:
        lines += bullet(text)
        for detail in details:
            lines += bullet(detail, depth=2)
    return lines


def decision_items(result: dict, explain: bool = False) -> list:
    """The decisions a result rests on: how each is settled and what follows from each option."""
    items = []
    for d in result["decisions"]:
        how = {"default": "assumed (the rulebook's default)", "user": "settled by you", "record": "recorded",
               "scenario": "settled by the scenario"}.get(d["settled_by"], d["settled_by"])
        if d.get("unrecorded"):
            how = "not recorded; the default is shown and what depends on it says so"
        source = f" [{d['source']}]" if d.get("source") else ""
        if d["settled_by"] == "record" and "inferred" in source:  # read from the record, not a document of it
            how, source = "inferred", source.replace("[inferred from ", "[from ")
        made = _made_text(d.get("made_by"), "the year's determination was" if d.get("unrecorded") else "made by determination")
        by = f", {d['decided_by']}" if d.get("decided_by") else ""
        text = f"{d['id']} = {d['applied']}: {how}{source}{made} ({d['cite']}{by})"
        follows = {option: (f" -> {tier_name(entry.get('effective_tier') or entry.get('effective_tier_possible'))}"
                            if "effective_tier" in entry else "") for option, entry in _options_of(d)}
        same = set(follows.values())
        if len(follows) > 1 and len(same) == 1 and "" not in same and not explain:  # the tier turns on none of them
            options = f"options: {', '.join(follows)} (each{next(iter(follows.values()))})"
        else:
            options = "options: " + "; ".join(f"{option}{follows[option]}" + (f": {entry['description']}"
                                              if explain and entry else "") for option, entry in _options_of(d))
        items.append((text, [options] if follows else []))
    return items


def _options_of(decision: dict) -> list:
    """(option, entry) of a decision; the compact audit lists the options' names only."""
    found = decision["options"]
    return list(found.items()) if isinstance(found, dict) else [(name, {}) for name in found]


def _made_text(made, words: str) -> str:
    """The presidential determination document of the year; where the country's outcome in it is not
    recorded, only that the document exists (`words` says which)."""
    if not made:
        return ""
    inside = {True: "inside", False: "outside"}.get(made.get("within_window"))
    window = f", {inside} the window {made['window']['from']} to {made['window']['to']}" if inside else ""
    return f"; {words} {made['number']} of {made['date']}{window}"


def receipt_line(receipt: dict, options: dict | None = None) -> str:
    """What produced the answer; first, any reading of the statute chosen against its default (--option)."""
    chosen = [f"{name}={value}" for name, value in sorted((options or {}).items()) if _defaults.get(name, value) != value]
    readings = (f"Read with {', '.join(chosen)} (every other open reading at its default: docs/rules.md). "
                if chosen else "")
    return readings + (f"receipt: tierlaw {receipt['tierlaw']}, backend {receipt['backend']}, "
            f"rulebook {receipt['rulebook'][:19]}…, data {receipt['data'][:19]}… (reports to {receipt['record_through']})")


def closing_line(report: dict) -> str:
    """The receipt of a report, with the readings it was asked under."""
    return receipt_line(report["receipt"], report.get("options"))


OPTIONS_CHANGE = "--option NAME=CHOICE changes it"


def assumed_line(result: dict, how_to_change: str = OPTIONS_CHANGE) -> str:
    """The readings of the record a result leans on that are assumed, not known (a list taken as complete by
    a reading option's default), or "" where there are none."""
    assumed = summary.assumed_texts(result)
    return f"Assumed, not known ({how_to_change}): {'; '.join(assumed)}" if assumed else ""


def whatif_assumed(report: dict, how_to_change: str = OPTIONS_CHANGE) -> str:
    """A what-if's assumed readings: of the years its result counted, and of the year itself where the record
    knows it only in part by an assumption (assumed_line)."""
    return assumed_line({"assumed": _question_assumed(report),
                         "assumptions": report["hypothetical"].get("assumptions", [])}, how_to_change)


def _question_assumed(report: dict) -> list:
    """What the question's own years lean on: the year asked about where the record knows it only in part by an
    assumption, and the years the question set where what the record knows of them does."""
    own = (report.get("recorded_in_part") or {}).get("assumed", [])
    return list(dict.fromkeys([*own, *(text for entry in report.get("sets", ()) for text in entry.get("assumed", ()))]))


def _period_line(period: dict) -> str:
    def mark(end):
        return summary.ESTIMATED if end in period.get("estimated_dates", ()) else ""
    # a date outside the period (--on) and a report the record does not hold are said under the headline, once
    return (f"The {period['report']} report is the most recent from {period['most_recent_from']}{mark('most_recent_from')} "
            f"until {period['until']}{mark('until')}")


# ---------------------------------------------------------------- forward clock


def forward_items(forward, explain: bool = False) -> list:
    if not forward:
        return []
    return [(step_text(step, explain), []) for step in forward["steps"]]


def step_text(step: dict, explain: bool = False) -> str:
    """One year of the forward clock: whether the proposal stands, and the dated duties it sets off; with
    `explain`, what the law counted that year."""
    counted = explain and ", ".join(f"{name}={value}" for name, value in step["features"].items() if name != "prev_tier")
    if step["stands"] is False:
        basis_years = _years(step.get("basis_depends_on_years"))
        some = f"in some readings of {basis_years}"
        forced = "; ".join(_forcing_texts(step.get("forced_by", [])))
        elsewhere = _forcing_texts(step.get("forced_by_in_some_readings", []))
        if elsewhere:  # the readings agree on the change, not on the rule that forces it
            forced = (f"{forced}; {some}: {' or '.join(elsewhere)}" if forced else
                      f"depending on {basis_years}, {', or '.join(elsewhere)}")
        assumed = "".join([f" (as assumed: {', '.join(step['assumed'])})" if step.get("assumed") else "",
                           f" (as assumed {some}: {', '.join(step['assumed_in_some_readings'])})"
                           if step.get("assumed_in_some_readings") else ""])
        verdict = f"becomes {tier_name(step['effective'])}{assumed}: {forced}"
    elif step["stands"] is None:
        possible = step.get("effective_possible") or []
        years = _years(step.get("depends_on_years") or step.get("unknown_years"))
        needs = f" (with {', '.join(step['needs'])} where a reading needs it)" if step["needs"] else ""
        assumed = (f" (as assumed where a reading needs it: {', '.join(step['assumed_in_some_readings'])})"
                   if step.get("assumed_in_some_readings") else "")
        verdict = (f"{tier_name(possible[0])} in every reading of {years}{needs}" if len(possible) == 1 else
                   f"{tier_name(possible)}, depending on {years}{assumed}" if possible else f"depends on {years}")
    else:
        verdict = "stands" + (f" only with {', '.join(step['needs'])}" if step["needs"] else "")
    duties = "; ".join(f"{d.get('headline') or d['id']} ({_duty_date(d)})" for d in step["duties"])
    return f"{step['year']}: {verdict}" + (f" [{counted}]" if counted else "") + (f"; duties: {duties}" if duties else "")


def _forcing_texts(forcing: list) -> list:
    return [f"{f['title']} ({f['cite']})" for f in forcing]


def _years(years) -> str:
    return ", ".join(map(str, years or []))


def _duty_date(duty: dict) -> str:
    """The date a duty of the forward clock falls due, marked where it counts from a statutory deadline."""
    part = duty.get("due") or duty.get("window") or {}
    return str(part.get("by") or part.get("to")) + (", est." if part.get("estimated") else "")


def forward_heading(forward) -> str:
    return (f"Forward clock: {forward['country']}, {tier_name(forward['proposing'])}{summary.last_recorded_words(forward)} "
            f"proposed every year from {forward['from_year']}")


# ---------------------------------------------------------------- what-if




def whatif_text(report: dict, explain: bool = False) -> list:
    hyp = report["hypothetical"]
    lines = sections_text(summary.whatif_sections(report, _groups, _labels))
    assumed = whatif_assumed(report)
    lines += _wrap(_period_line(report["period"])) + (_wrap(assumed) if assumed else [])
    lines += ["", f"All consequences of {tier_name(hyp['proposed_tier'])} (effective: "
                  f"{tier_name(hyp['effective_tier'] if hyp['effective_tier'] else hyp.get('effective_tier_possible'))})"]
    lines += items_text(consequence_items(hyp, explain))
    if hyp["decisions"]:
        lines += ["", "Decisions it rests on (settle one with --decide NAME=OPTION):"]
        lines += items_text(decision_items(hyp, explain))
    if explain:
        lines += [""] + _wrap("What the law counted: " + features_text(hyp["features"]))
    if report.get("forward"):
        lines += ["", *_wrap(forward_heading(report["forward"]))] + items_text(forward_items(report["forward"], explain))
    return lines + [""] + _wrap(closing_line(report))


def whatif_table(report: dict, explain: bool = False) -> str:
    return "\n".join(whatif_text(report, explain)) + "\n"


def whatif_markdown(report: dict, explain: bool = False) -> str:
    hyp = report["hypothetical"]
    lines = sections_markdown(summary.whatif_sections(report, _groups, _labels))
    assumed = whatif_assumed(report)
    lines += [_md(_period_line(report["period"]))] + (["", _md(assumed)] if assumed else [])
    lines += ["", f"## {summary.country_label(report['country_name'], report['country'])}, "
              f"report {report['year']}: every consequence", ""]
    lines += consequences_markdown(hyp, explain)
    if hyp["decisions"]:
        lines += ["", "### Decisions it rests on", "", *[f"- {_md(t)}" for t, _ in decision_items(hyp, explain)]]
    if report.get("forward"):
        lines += ["", "### Forward clock", "", *[f"- {_md(t)}" for t, _ in forward_items(report["forward"], explain)]]
    return "\n".join(lines + ["", f"_{closing_line(report)}_", ""])


def consequences_markdown(result: dict, explain: bool = False) -> list:
    lines = ["| consequence | cite | enacted by | when |" + (" because |" if explain else ""),
             "|---|---|---|---|" + ("---|" if explain else "")]
    decisions = summary.decisions_by_id(result)
    for row in sorted(summary.merged(result["consequences"]), key=lambda r: summary.cite_key(r["cite"])):
        when = "; then ".join(dict.fromkeys(summary._version_text(v, None, decisions) for v in row["versions"]))
        cells = [row["headline"], "; ".join(row["cites"]), _enacted(row), when + summary.status_text(row)]
        if explain:
            cells.append(" / ".join(because_text(v) for v in row["versions"]))
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    return lines


# ---------------------------------------------------------------- history and audit


def set_off_items(row: dict) -> list:
    """What a recorded placement set off, in headline words with dates (groups only)."""
    decisions = summary.decisions_by_id(row)
    consequences = [_with_words(f) for f in row.get("set_off") or [f for f in row["findings"]
                                                                    if f.get("audit") == "set_off"]]
    return [summary.row_text(r, decisions, cite=False)
            for _, rows in summary.grouped(summary.merged(consequences), _groups) for r in rows]


def _with_words(entry: dict) -> dict:
    """A consequence with its rule's words: the compact audit gives only a reference (id, rule, cite, dates)."""
    rule = _rules.get(entry["rule"])
    if "title" in entry or rule is None:
        return entry
    return dict(entry, title=rule.title, headline=rule.headline, group=rule.group, enacted_by=rule.enacted_by)


def row_judgment(row: dict) -> str:
    """What the law said of a year: for a recorded placement, how it stands against the law."""
    if row["tier"] is None:
        return "no placement recorded (gap)"
    if row.get("origin") == NOT_RANKED:
        return row["basis"]
    assumed = summary.assumed_texts(row)
    said = f"; assumed, not known: {'; '.join(assumed)}" if assumed else ""
    if isinstance(row["tier"], list):
        return f"known only as one of {tier_name(row['tier'])}: {row.get('basis', '')}{said}"
    return _recorded_judgment(row) + said


def _recorded_judgment(row: dict) -> str:
    parts = []
    for f in row["findings"]:
        if f.get("audit") == "required":
            parts.append(f"required: a {tier_name(f['instead_of'])} proposal would have become "
                         f"{tier_name(row['tier'])} ({f['title']}, {f['cite']})" + summary.finding_readings_words(f))
        elif f.get("audit") == "chosen":
            allowed = f.get("also_allowed") or [{"tier": f["instead_of"], "with": f["allowed_with"]}]
            parts.append("chosen: the law also allowed " + ", or ".join(f"{tier_name(a['tier'])} with {', '.join(a['with'])}"
                                                                       for a in allowed)
                         + f" ({f['cite']})" + summary.finding_readings_words(f))
        elif f.get("audit") == "conflict":
            parts.append(f"CONFLICT: {f['title']}")
        elif f.get("audit") == "indeterminate":
            parts.append(f"cannot be judged fully: depends on {', '.join(map(str, f['unknown_years']))}")
    return "; ".join(parts) or "allowed as published"


def shown_rows(rows: list) -> list:
    """A history's rows as tables show them: consecutive years in which the country could not be ranked, for
    the same reason, are one row (`last_year` its last year)."""
    shown: list = []
    for row in rows:
        before = shown[-1] if shown else None
        if row.get("origin") == NOT_RANKED and before is not None and before.get("origin") == NOT_RANKED \
                and before["basis"] == row["basis"] and before.get("last_year", before["year"]) + 1 == row["year"]:
            shown[-1] = dict(before, last_year=row["year"])
        else:
            shown.append(row)
    return shown


def year_span(row: dict) -> str:
    return f"{row['year']}-{row['last_year']}" if "last_year" in row else str(row["year"])


def history_row_items(row: dict, explain: bool = False) -> tuple:
    """(year line, detail lines) of one history or audit row."""
    sources = f": {', '.join(row['sources'])}" if row.get("sources") else ""
    confidence = f" [{row['confidence']}{sources}]" if row.get("confidence") else ""
    head = f"{year_span(row)} {tier_name(row['tier'])}{confidence}: {row_judgment(row)}"
    details = []
    set_off = set_off_items(row)
    if set_off:
        details.append("set off: " + "; ".join(set_off))
    for text, _ in decision_items({"decisions": row["decisions"]}):
        details.append(f"decision {text}")
    if explain and row["features"]:
        details.append("counted: " + features_text(row["features"]))
    return head, details


def history_table(report: dict, explain: bool = False) -> str:
    lines = [line for item in report["summary"] for line in _wrap(item)] + [""]
    for row in shown_rows(report["rows"]):
        head, details = history_row_items(row, explain)
        lines += _wrap(head, "", "      ")
        for detail in details:
            lines += _wrap(detail, "      ", "        ")
    if report.get("forward"):
        lines += ["", *_wrap(forward_heading(report["forward"]))] + items_text(forward_items(report["forward"], explain))
    return "\n".join(lines + [""] + _wrap(closing_line(report))) + "\n"


def history_markdown(report: dict, explain: bool = False) -> str:
    lines = [f"**{_md(report['summary'][0])}**", "", *[f"- {_md(x)}" for x in report["summary"][1:]], "",
             "| year | tier | confidence | what the law said | what it set off | sources |", "|---|---|---|---|---|---|"]
    for row in shown_rows(report["rows"]):
        lines.append("| " + " | ".join(_md(x) for x in (
            year_span(row), tier_name(row["tier"]), row.get("confidence") or "", row_judgment(row),
            "; ".join(set_off_items(row) + [f"decision {t}" for t, _ in decision_items(row)]),
            "; ".join(row["sources"]))) + " |")
    if report.get("forward"):
        lines += ["", "### Forward clock", "", *[f"- {_md(t)}" for t, _ in forward_items(report["forward"], explain)]]
    return "\n".join(lines + ["", f"_{closing_line(report)}_", ""])


def notable_rows(report: dict) -> list:
    """Rows worth a look (not simply allowed as published), conflicts first."""
    rank = {"conflict": 0, "gap": 1, "required": 2, "chosen": 3, "decision": 4, "assumed": 5}
    found = [(min(rank[k] for k in kinds), row) for row in report["rows"] if (kinds := summary.row_kinds(row))]
    return [row for _, row in sorted(found, key=lambda pair: pair[0])]


def audit_table(report: dict, explain: bool = False) -> str:
    lines = [line for item in report["summary"] for line in _wrap(item)] + [""]
    for row in notable_rows(report):
        head, details = history_row_items(row, explain)
        settled = summary.settled_decisions(row)
        head += f"; rests on {', '.join(settled)}" if settled and not explain else ""  # --explain: the details say
        lines += _wrap(f"{row['country']} {head}", "", "      ")
        for detail in details if explain else []:
            lines += _wrap(detail, "      ", "        ")
    return "\n".join(lines + [""] + _wrap(closing_line(report))) + "\n"


def audit_markdown(report: dict, explain: bool = False) -> str:
    lines = [f"**{_md(report['summary'][0])}**", "", *[f"- {_md(x)}" for x in report["summary"][1:]], "",
             "| country | year | tier | what the law said |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(_md(x) for x in (r["country"], r["year"], tier_name(r["tier"]), row_judgment(r))) + " |"
              for r in notable_rows(report)]
    return "\n".join(lines + ["", f"_{closing_line(report)}_", ""])


# ---------------------------------------------------------------- every tier side by side


def _tier_matrix(report: dict) -> tuple:
    tiers = list(report["tiers"])
    rows_by_tier = {t: {r["id"]: r for r in summary.merged(r_["consequences"])} for t, r_ in report["tiers"].items()}
    every = {}
    for found in rows_by_tier.values():
        for consequence, row in found.items():
            every.setdefault(consequence, row)
    decisions = {t: summary.decisions_by_id(r_) for t, r_ in report["tiers"].items()}
    rows = []
    for consequence, row in sorted(every.items(), key=lambda pair: summary.cite_key(pair[1]["cite"])):
        marks = []
        for tier in tiers:
            hit = rows_by_tier[tier].get(consequence)
            indeterminate = hit and any(v.get("status") == "indeterminate" for v in hit["versions"])
            assumed = hit and any(summary.hinge(v, decisions[tier]) for v in hit["versions"])  # on a default decision
            marks.append("" if hit is None else ("?" if indeterminate else "x") + ("*" if assumed else ""))
        rows.append((row["headline"], row["cite"], marks))
    return tiers, rows


def tiers_table(report: dict, explain: bool = False) -> str:
    tiers, rows = _tier_matrix(report)
    table = Table(show_lines=False, box=None, pad_edge=False)
    table.add_column("consequence (x applies, ? in some readings, * as a default decision is assumed)", ratio=1)
    table.add_column("cite", max_width=28)
    for tier in tiers:
        table.add_column(tier, justify="center", no_wrap=True)
    table.add_row(Text("effective placement"), Text(""),
                  *[Text(str(report["tiers"][t]["effective_tier"] or "?")) for t in tiers])
    for headline, cite, marks in rows:
        table.add_row(Text(headline), Text(cite), *[Text(m) for m in marks])
    assumed = every_tier_assumed(report)
    lines = (_wrap(report["summary"][0]) + [line for item in report["summary"][1:] for line in bullet(item)] +
             (_wrap(assumed) if assumed else []) + [""])
    return "\n".join(lines + [_rich(table).rstrip("\n")] + _wrap(closing_line(report))) + "\n"


def every_tier_assumed(report: dict, how_to_change: str = OPTIONS_CHANGE) -> str:
    """`whatif --tier all`: the assumed readings any tier's result leans on (they read the same years), in one
    line (assumed_line)."""
    texts = dict.fromkeys([*_question_assumed(report),
                           *(t for each in report["tiers"].values() for t in summary.assumed_texts(each))])
    return assumed_line({"assumptions": [{"assumed": list(texts)}]} if texts else {}, how_to_change)


def _rich(renderable) -> str:
    console = Console(width=width(), force_terminal=False, color_system=None, soft_wrap=False, markup=False,
                      highlight=False, emoji=False, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(renderable)
    text = console.export_text()
    console.file.close()
    return text


def tiers_markdown(report: dict, explain: bool = False) -> str:
    tiers, rows = _tier_matrix(report)
    assumed = every_tier_assumed(report)
    lines = [f"**{_md(report['summary'][0])}**", "", *[f"- {_md(x)}" for x in report["summary"][1:]], "",
             *([_md(assumed), ""] if assumed else []),
             "| consequence | cite | " + " | ".join(tiers) + " |", "|---|---|" + "---|" * len(tiers),
             "| effective placement | | " + " | ".join(str(report["tiers"][t]["effective_tier"]) for t in tiers) + " |"]
    lines += ["| " + " | ".join([_md(c), _md(cite), *marks]) + " |" for c, cite, marks in rows]
    return "\n".join(lines + ["", f"_{closing_line(report)}_", ""])


# ---------------------------------------------------------------- trade


def _verdict(value) -> str:
    return {True: "available", False: "NOT available", None: "undecided"}[value]


def trade_summary(report: dict) -> str:
    return report["summary"][0] if report.get("summary") else summary.trade_summary(report)


def partner_line(partner: dict) -> str:
    return f"{partner['country']} {partner['name']}: {_verdict(partner['tpa_available'])} - {partner['status']}"


def trade_lines(report: dict) -> list:
    """The answer, the authority and exception route, the agreement's milestones, then one line a partner."""
    lines = [line for item in report["summary"] for line in _wrap(item)]
    authority = report["authority"]
    lines += _wrap("Trade promotion authority: " + (f"{authority['name']} ({authority['from']} to {authority['until']})"
                                                    if authority["in_force"] else authority["because"]))
    route = report["exception_route"]
    lines += _wrap(f"Exception route on that date: {route['title']} ({route['cite']}): "
                   f"{'exists' if route['available'] else 'does not exist'}")
    return lines + ["Partners:"] + [line for p in report["partners"] for line in bullet(partner_line(p))]


def trade_table(report: dict, explain: bool = False) -> str:
    lines = trade_lines(report)
    if explain:
        for partner in report["partners"]:
            lines += [f"{partner['country']}:"] + [line for item in _reasons(partner) for line in bullet(item)]
    return "\n".join(lines + [""] + _wrap(closing_line(report))) + "\n"


def _reasons(partner: dict) -> list:
    reasons = []
    for item in partner["because"]:
        if isinstance(item, str):
            reasons.append(item)
        elif "options" in item:
            reasons.append(f"decision {item['id']} ({item['cite']}): {item['applied']} ({item['settled_by']})")
        else:
            reasons.append(f"{item['title']} ({item['cite']}, {item['enacted_by']}); because: {because_text(item)}")
    return reasons


def trade_markdown(report: dict, explain: bool = False) -> str:
    lines = [f"**{_md(report['summary'][0])}**", "", *[f"- {_md(x)}" for x in report["summary"][1:]], "",
             "| code | partner | report | tier | fast-track | status |", "|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(_md(x) for x in (p["country"], p["name"], p["report_year"], tier_name(p["tier"]),
                                                   _verdict(p["tpa_available"]), p["status"])) + " |"
              for p in report["partners"]]
    return "\n".join(lines + ["", f"_{closing_line(report)}_", ""])


# ---------------------------------------------------------------- scenarios


SCENARIO_OPTIONS = "the scenario's options, or --option NAME=CHOICE on the command line, change it"


def scenario_sections(item: dict) -> list:
    """A scenario's country-year as summary sections (the same words as a what-if)."""
    return summary.whatif_sections(dict(item, hypothetical=item["scenario"], forward=None, period=None),
                                   _groups, _labels)


def scenario_lines(item: dict) -> list:
    """A scenario's country-year in lines: the what-if's words, then what follows them (scenario_after)."""
    return summary.flat(scenario_sections(item)) + scenario_after(item)


def scenario_after(item: dict) -> list:
    """What a scenario's country-year adds to the what-if's words: the assumed readings it leans on, its note,
    and each alternative tier with what it adds to and removes from the scenario's own."""
    assumed = assumed_line(item["scenario"], SCENARIO_OPTIONS)
    return (([assumed] if assumed else []) + ([f"note: {item['note']}"] if item["note"] else []) +
            [_alternative_text(tier, brief) for tier, brief in item["alternatives"].items()])


def _alternative_text(tier: str, brief: dict) -> str:
    changes = summary.changes_words(brief["adds"], brief["removes"]) or "the same consequences"
    return f"alternative {tier_name(tier)} -> {tier_name(brief['effective_tier'])}: {changes}"


def run_table(report: dict, explain: bool = False) -> str:
    lines = [f"Scenario: {report['scenario']}"]
    lines += [line for item in report["summary"] for line in _wrap(item)]
    if report["description"]:
        lines += _wrap(report["description"].strip())
    for item in report["results"]:
        lines += ["", *sections_text(scenario_sections(item))]
        lines += [line for text in scenario_after(item)
                  for line in (bullet(text) if text.startswith("alternative ") else _wrap(text))]
        lines += ["Every consequence:"] + items_text(consequence_items(item["scenario"], explain))
    for question in report["trade"]:
        lines += ["", *trade_lines(question)]
    for clock_ in report["forward"]:
        lines += ["", *_wrap(forward_heading(clock_))] + items_text(forward_items(clock_, explain))
    return "\n".join(lines + [""] + _wrap(closing_line(report))) + "\n"


def run_markdown(report: dict, explain: bool = False) -> str:
    first, *rest = report["summary"] or [""]
    lines = [f"**{_md(report['scenario'])}: {_md(first)}**", "", *[f"- **{_md(x)}**" for x in rest], ""]
    if report["description"]:
        lines += [report["description"].strip(), ""]
    for item in report["results"]:
        lines += [f"### {summary.country_label(item['country_name'], item['country'])} {item['year']}", "",
                  *sections_markdown(scenario_sections(item)), *[f"- {_md(text)}" for text in scenario_after(item)], "",
                  *consequences_markdown(item["scenario"], explain), ""]
    for clock_ in report["forward"]:
        lines += [f"### Forward clock: {clock_['country']} from {clock_['from_year']}", "",
                  *[f"- {_md(t)}" for t, _ in forward_items(clock_, explain)], ""]
    return "\n".join(lines + [f"_{closing_line(report)}_", ""])


# ---------------------------------------------------------------- the law map


def in_force_text(window) -> str:
    """A rule's in-force window in words: its reports (both ends included) and its dates (the end excluded)."""
    get = window.get if isinstance(window, dict) else (lambda key: getattr(window, key, None))
    parts = []
    first, until = get("from_report"), get("until_report")
    last = until - 1 if until else None
    if first and last == first:
        parts.append(f"report {first}")
    elif first or last:
        parts.append(f"reports {first}–{last}" if first and last else
                     f"reports from {first}" if first else f"reports to {last}")
    start, end = get("from_date"), get("until_date")
    if start or end:
        parts.append(f"dates {start} to {end} (excl.)" if start and end else
                     f"from {start}" if start else f"before {end}")
    return "; ".join(parts)


def law_map(book) -> str:
    """docs/law-map.md, generated from the rulebook: one row per rule."""
    lines = ["# Law map", "", "Generated from `rules/` by `tierlaw lawmap`; CI fails when it is out of date.", "",
             "| rule | title | cite | enacted by | in force | confidence | file |", "|---|---|---|---|---|---|---|"]
    for rule in sorted(book.rules, key=lambda r: (r.file, r.line)):
        lines.append("| " + " | ".join(_md(x) for x in (rule.id, rule.title, rule.cite, rule.enacted_by,
                                                          in_force_text(rule.in_force), rule.confidence,
                                                          f"{rule.file}:{rule.line}")) + " |")
    return "\n".join(lines) + "\n"
