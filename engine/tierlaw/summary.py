"""The answer in plain words: the `summary` lines every document carries, most consequential first.

A consequence reads as its headline (from the rulebook), its dates, the decision it hangs on and the
citation; versions of one consequence over time merge into one line with their periods in order.
Which groups come first and what they are called is the rulebook's `groups:`; this module only words."""

from __future__ import annotations

import datetime as dt

from .model import NOT_RANKED

ESTIMATED = " (est.)"  # a date taken from a statutory deadline: the release date is not known
NOT_IN_FORCE = ("nothing that holds only while the report is the most recent (such as the trade bar) holds then; "
                "its deadlines and fiscal-year measures are still listed")  # a question on a date outside the report's period


# ---------------------------------------------------------------- one consequence


def merged(consequences: list) -> list:
    """One row per consequence id, its versions in date order: {id, headline, group, cite, versions}."""
    rows: dict = {}
    for entry in consequences:
        row = rows.setdefault(entry["id"], {"id": entry["id"], "headline": entry.get("headline") or entry["title"],
                                            "title": entry["title"], "group": entry.get("group"),
                                            "cite": entry["cite"], "versions": []})
        row["versions"].append(entry)
    for row in rows.values():
        row["versions"].sort(key=start_of)
        row["cites"] = list(dict.fromkeys(v["cite"] for v in row["versions"]))
    return list(rows.values())


def start_of(entry) -> str:
    """When a consequence's period starts (its holding, window or due date; else its fiscal year): for ordering."""
    for key, field in (("holds", "from"), ("window", "from"), ("due", "by")):
        if key in entry:
            return entry[key][field]
    return str(entry.get("fiscal_year", ""))


def _mark(part: dict) -> str:
    return ESTIMATED if part.get("estimated") else ""


def dates_text(entry: dict, previous: dict | None = None) -> str:
    """An entry's dates in words: "FROM to UNTIL", "due by DATE", "for FYnnnn"."""
    parts = []
    if "holds" in entry:
        holds = entry["holds"]
        if previous is not None and previous.get("holds", {}).get("until") == holds["from"]:
            parts.append(f"to {holds['until']}{_mark(holds)}")  # joined to the version before
        elif _days(holds) == 1:  # a question on one date (--on)
            parts.append(f"on {holds['from']}{_mark(holds)}")
        else:
            parts.append(f"{holds['from']} to {holds['until']}{_mark(holds)}")
    if "window" in entry:
        parts.append(f"due {entry['window']['from']} to {entry['window']['to']}{_mark(entry['window'])}")
    elif "due" in entry:
        parts.append(f"due by {entry['due']['by']}{_mark(entry['due'])}")
    if "fiscal_year" in entry:
        parts.append(f"for FY{entry['fiscal_year']}")
    return ", ".join(parts)


def _days(period: dict) -> int:
    return (dt.date.fromisoformat(str(period["until"])) - dt.date.fromisoformat(str(period["from"]))).days


def _decisions_used(facts: list) -> list:
    """Decision facts a derivation rests on, recursively."""
    found = []
    for fact in facts:
        if fact["fact"] == "decision":
            found.append(fact)
        elif fact["fact"] == "derived":
            for derivation in fact["derived_by"]:
                found += _decisions_used(derivation["because"])
    return found


def hinge(entry: dict, decisions: dict) -> str:
    """What the consequence hangs on: the decisions it rests on that no one settled ("unless ...")."""
    phrases = []
    for fact in _decisions_used(entry.get("because", [])):
        decision = decisions.get(fact["id"], {})
        if fact["settled_by"] != "default" or not decision.get("hangs_on") or _kept_by_every_option(entry, decision):
            continue
        phrase = decision["hangs_on"] + (" (none recorded)" if decision.get("unrecorded") else "")
        if phrase not in phrases:
            phrases.append(phrase)
    return "; ".join(phrases)


def _kept_by_every_option(entry: dict, decision: dict) -> bool:
    """A consequence (this version of it) that follows under every option of a decision does not hang on it (where
    the result says what follows from each option: a what-if)."""
    options = decision.get("options")
    follows = [found.get("rules") for found in options.values()] if isinstance(options, dict) else [None]
    return None not in follows and all(entry["rule"] in rules for rules in follows)


def _version_text(entry, previous, decisions) -> str:
    text = dates_text(entry, previous)
    condition = hinge(entry, decisions)
    if condition:
        text = f"{text} {condition}".strip()
    return text


def row_text(row: dict, decisions: dict, cite: bool = True) -> str:
    """A merged consequence in one line: headline, periods in order with their conditions, citation."""
    periods, previous = [], None
    for entry in row["versions"]:
        text = _version_text(entry, previous, decisions)
        if text and text not in periods:
            periods.append(text)
        previous = entry
    line = row["headline"] + (": " + "; then ".join(periods) if periods else "")
    line += status_text(row)
    return line + (f" ({'; '.join(row['cites'])}){grade_text(row)}" if cite else "")


def grade_text(row) -> str:
    """The confidence grade of a consequence whose rule rests on less than the statute's text (UNCONFIRMED: a
    reading not confirmed; OFFICIAL: an official practice), so that a headline never looks surer than its rule."""
    grades = [g for g in dict.fromkeys(v.get("confidence") for v in row["versions"]) if g and g != "STATUTE"]
    return f" [{', '.join(grades)}]" if grades else ""


def status_text(row) -> str:
    unknown = sorted({y for v in row["versions"] if v.get("status") == "indeterminate"
                      for y in v.get("depends_on_unknown_years", [])})
    return f" - only in some readings of {', '.join(map(str, unknown))}" if unknown else ""


def headlines_of(result: dict, words: str = "headline") -> dict:
    """consequence id -> its headline (or `words`: "title"), with "only in some readings of ..." where it is so."""
    return {row["id"]: row[words] + status_text(row) for row in merged(result["consequences"])}


def headline_changes(before: dict, after: dict) -> tuple:
    """(added, dropped) headlines between two {consequence id: headline} maps, each sorted."""
    return (sorted({after[i] for i in after.keys() - before.keys()}),
            sorted({before[i] for i in before.keys() - after.keys()}))


def changes_words(adds: list, removes: list, removed: str = "removes") -> str:
    """"adds: A; B - removes: C" (`removed` names the second part), or "" where nothing changes."""
    return " - ".join(filter(None, (adds and f"adds: {'; '.join(adds)}", removes and f"{removed}: {'; '.join(removes)}")))


def decisions_by_id(result: dict) -> dict:
    return {d["id"]: d for d in result.get("decisions", [])}


def grouped(rows: list, groups: dict) -> list:
    """(group label, rows) in the rulebook's group order, each group's rows by citation; rows without a
    group are left out (they show in the details)."""
    return [(label, sorted((r for r in rows if r["group"] == name), key=lambda r: cite_key(r["cite"])))
            for name, label in groups.items() if any(r["group"] == name for r in rows)]


def cite_key(cite: str) -> tuple:
    """Citations in the Code's order: title, section, then subdivisions (numbers as numbers)."""
    import re
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|[A-Za-z]+", cite))


# ---------------------------------------------------------------- documents


def country_label(name: str, code: str) -> str:
    """"Malaysia (MYS)"; a code the record does not know (a hypothetical country) reads "ZZB (hypothetical)"."""
    return f"{code} (hypothetical)" if name == code else f"{name} ({code})"


def tier_words(tier, labels: dict) -> str:
    if isinstance(tier, list):
        names = [tier_words(t, labels) for t in tier]
        return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else "".join(names)
    if tier == NOT_RANKED:
        return "not ranked"
    return "no placement" if tier is None else labels.get(tier, str(tier)).split(" - ")[0]


def whatif_sections(report: dict, groups: dict, labels: dict) -> list:
    """(heading or None, lines): the question and the effective placement, then what changes by group,
    removed consequences as such, then the years ahead."""
    hyp, base = report["hypothetical"], report["baseline"]
    sections = [(None, [_question_line(report, hyp, base, labels)] + _period_lines(report) + _unavailable_lines(hyp) +
                 choices_lines(report, hyp, base) + options_assumed_lines(hyp, labels) + set_lines(report, labels))]
    before = {r["id"]: r for r in merged(base["consequences"])} if base else {}
    after = {r["id"]: r for r in merged(hyp["consequences"])}
    changes = [r for r in after.values() if r["id"] not in before] + [r for i, r in before.items() if i not in after]
    for label, rows in grouped(changes, groups):
        sections.append((label, [row_text(r, decisions_by_id(hyp)) if r["id"] in after else
                                 "removed: " + row_text(r, decisions_by_id(base)) for r in rows]))
    if len(sections) == 1:
        sections[0][1].append(_no_headline_change(changes, after, base, groups))
    forward = forward_lines(report.get("forward"), labels)
    return sections + ([("Next years", forward)] if forward else [])


def _no_headline_change(changes: list, after: dict, base, groups: dict) -> str:
    """The line for a what-if that changes nothing in the headline groups: whether anything changes at all (the
    listing itself does, where the country's facts keep every measure off, as for the United States)."""
    if not base:
        return "No consequence in the headline groups"
    if not changes:
        return "No consequence changes against the record"
    added = [r.get("headline") or r["title"] for r in changes if r["id"] in after]
    removed = [r.get("headline") or r["title"] for r in changes if r["id"] not in after]
    return (f"No change against the record in the headline groups ({', '.join(groups.values())}); beyond them: "
            + changes_words(added, removed))


def flat(sections: list) -> list:
    """Sections as the summary's lines: "Heading: line"."""
    return [f"{heading}: {line}" if heading else line for heading, lines in sections for line in lines]


def every_tier_summary(reports: dict, groups: dict, labels: dict) -> list:
    """`whatif --tier all` in words: the question, then a line per tier with the tier the law gives (where it
    differs) and what it adds to and removes from the record's consequences in the headline groups."""
    first = next(iter(reports.values()))
    base = first["baseline"]
    in_part = first.get("recorded_in_part")
    recorded = (f"recorded: {tier_words(base['proposed_tier'], labels)}" if base else
                f"known only{' by an assumption' if in_part.get('assumed') else ''} as one of "
                f"{tier_words(in_part['tiers'], labels)}" if in_part else "no placement recorded")
    lines = [f"{country_label(first['country_name'], first['country'])}, {first['year']} report, every tier side by "
             f"side ({recorded})"] + set_lines(first, labels) + _period_lines(first)
    before = {r["id"]: r for r in merged(base["consequences"])} if base else {}
    for tier, report in reports.items():
        hyp = report["hypothetical"]
        after = {r["id"]: r for r in merged(hyp["consequences"])}
        added = [r["headline"] + status_text(r) for _, rows in grouped([r for i, r in after.items() if i not in before],
                                                                    groups) for r in rows]
        removed = [r["headline"] + status_text(r) for _, rows in grouped([r for i, r in before.items() if i not in after],
                                                                      groups) for r in rows]
        changes = changes_words(added, removed)
        gives = _law_gives(hyp, labels)
        assumed = ", ".join([*(f"{a['option']}={a['applied']}" for a in hyp.get("options_assumed", [])),
                             *(_applied_words(a) for a in hyp.get("options_assumed_together", []))])
        lines.append(f"{tier_words(tier, labels)}{f' (the law gives {gives})' if gives else ''}: "
                     f"{changes or ('as recorded' if base and base['proposed_tier'] == tier else 'nothing changes in the headline groups')}"
                     + (f" (turns on the default reading {assumed}, assumed)" if assumed else ""))
    return lines


def whatif_summary(report: dict, groups: dict, labels: dict) -> list:
    return flat(whatif_sections(report, groups, labels))


def _question_line(report, hyp, base, labels) -> str:
    in_part = report.get("recorded_in_part")
    same_tier = base is not None and base["proposed_tier"] == hyp["proposed_tier"]
    # the audit's conflict, asked as a what-if on the record's own years (a scenario's item says none)
    against_law = report.get("repeats_record", False) and base.get("record_fits_law") is False
    if base is None and in_part:
        excluded = "" if hyp["proposed_tier"] in in_part["tiers"] else \
            f", so not {tier_words(hyp['proposed_tier'], labels)}"
        assumed = " (by an assumption)" if in_part.get("assumed") else ""
        recorded = (f"where the record knows only{assumed} that it was one of {tier_words(in_part['tiers'], labels)}"
                    f"{excluded}")
    elif base is None and report.get("not_ranked"):
        recorded = f"where the report did not rank it ({report['not_ranked']['basis']})"
    elif base is None:
        recorded = "with no placement recorded"
    elif same_tier:
        recorded = "as recorded" + (", where the published list stood against the law as read (an audit conflict)"
                                    if against_law else "")
    else:
        recorded = f"instead of the recorded {tier_words(base['proposed_tier'], labels)}"
    line = (f"{country_label(report['country_name'], report['country'])}, {report['year']} report: "
            f"{tier_words(hyp['proposed_tier'], labels)} {recorded}")
    gives = _law_gives(hyp, labels)
    if not gives:
        return line
    return f"{line}; the law gives {gives}" + (": what follows is what the law's tier would set off, not what happened"
                                               if against_law else "")


def choices_lines(report: dict, hyp: dict, base) -> list:
    """What the question chose over the record or the default reading: decisions it settled where the record holds
    (or its published list implies) another, and the readings of the statute it chose (report.options_chosen)."""
    recorded = {d["id"]: d for d in (base or {}).get("decisions", []) if d["settled_by"] == "record"}
    replaced = [f"{d['id']}={d['applied']} ({_how_recorded(recorded[d['id']])}: {recorded[d['id']]['applied']})"
                for d in hyp["decisions"] if d["settled_by"] == "user" and d["id"] in recorded
                and recorded[d["id"]]["applied"] != d["applied"]]
    chosen = ", ".join(f"{name}={value}" for name, value in report.get("options_chosen", {}).items())
    return ([f"Your decisions replace the record's: {'; '.join(replaced)}"] if replaced else []) + \
        ([f"Read as you chose: {chosen}"] if chosen else [])


def _how_recorded(decision: dict) -> str:
    """A decision the record settles: recorded in a document, or inferred from the published list."""
    return "inferred from the published list" if "inferred" in decision.get("source", "") else "recorded"


def set_lines(report: dict, labels: dict) -> list:
    """The placements the question set for earlier years (`--set`), against what the record knows of them."""
    parts = []
    for run in _runs_of_one_tier(report.get("sets", ())):
        tier = tier_words(run[0]["tier"], labels)
        if len(run) == 1:
            said = _recorded_words(run[0], labels)
            parts.append(f"{run[0]['year']} {tier}" + (f" ({said})" if said else ""))
            continue
        said = _run_recorded_words(run, labels)
        parts.append(f"{run[0]['year']}-{run[-1]['year']} {tier}{said}")
    return [f"Earlier years as you set them: {'; '.join(parts)}"] if parts else []


def _run_recorded_words(run: list, labels: dict) -> str:
    """What the record knows of a run of years set to one tier, each kind of knowledge named with its own years:
    " (the record: YEAR TIER; YEAR TIER)", "by an assumption" only for the years that rest on one,
    "nothing recorded" for gaps, "as recorded" for the years that match."""
    matching = [e["year"] for e in run if e["recorded"] == e["tier"]]
    unknown = [e["year"] for e in run if e["recorded"] is None]
    differing = [e for e in run if e["recorded"] is not None and e["recorded"] != e["tier"]]
    parts = []
    for label, found in (("the record", [e for e in differing if not e.get("assumed")]),
                         ("the record, by an assumption", [e for e in differing if e.get("assumed")])):
        if found:
            parts.append(f"{label}: " + "; ".join(f"{e['year']} {_known_words(e, labels)}" for e in found))
    if unknown and (matching or differing):
        parts.append(f"nothing recorded for {', '.join(map(str, unknown))}")
    if matching and (unknown or differing):
        parts.append(f"as recorded in {', '.join(map(str, matching))}")
    elif matching:
        parts.append("as recorded")
    return f" ({'; '.join(parts)})" if parts else ""


def _runs_of_one_tier(entries) -> list:
    """Consecutive set years with the same tier, as lists of their entries ("FIRST-LAST=TIER" reads as one run)."""
    runs: list = []
    for entry in entries:
        if runs and runs[-1][-1]["year"] + 1 == entry["year"] and runs[-1][-1]["tier"] == entry["tier"]:
            runs[-1].append(entry)
        else:
            runs.append([entry])
    return runs


def _recorded_words(entry: dict, labels: dict) -> str:
    """What the record knows of a year the question set, beside the tier set ("" where it knows nothing)."""
    recorded = entry["recorded"]
    record = "the record, by an assumption" if entry.get("assumed") else "the record"
    return ("" if recorded is None else "as recorded" if recorded == entry["tier"] else
            f"{record}: {_known_words(entry, labels)}")


def _known_words(entry: dict, labels: dict) -> str:
    """The tier the record knows for a year set otherwise, or the set it knows ("one of ...", "so not this" where the
    tier set is outside it)."""
    recorded = entry["recorded"]
    if not isinstance(recorded, list):
        return tier_words(recorded, labels)
    return f"one of {tier_words(recorded, labels)}" + ("" if entry["tier"] in recorded else ", so not this")


def _law_gives(hyp: dict, labels: dict) -> str:
    """The tier the law gives where it is not the one proposed (and what it hangs on), or ""."""
    effective = hyp["effective_tier"]
    hangs_on = "".join(f" {d['hangs_on']}" for d in defaults_turning(hyp) if d.get("hangs_on"))
    if effective is None and hyp.get("effective_tier_possible"):
        years = ", ".join(map(str, hyp.get("effective_tier_depends_on", hyp.get("unknown_years", []))))
        return f"{tier_words(hyp['effective_tier_possible'], labels)}, depending on {years}" + (
            f";{hangs_on}" if hangs_on else "")
    if effective != hyp["proposed_tier"]:
        return tier_words(effective, labels) + hangs_on
    return ""


def defaults_turning(result: dict) -> list:
    """The decisions left at their default under which another option would give another effective tier (or, where
    the uncertain years leave several, another set of them): the proposal kept by a waiver, or another list where
    (F) names none."""
    gives = _gives(result)
    return [d for d in result.get("decisions", []) if d["settled_by"] == "default" and isinstance(d["options"], dict)
            and any(isinstance(e, dict) and _gives(e) not in (None, gives) for e in d["options"].values())]


def _gives(entry: dict):
    """The effective tier of a result or of a decision's option, or the tiers it may be; None where not known."""
    possible = entry.get("effective_tier_possible")
    return entry.get("effective_tier") or (tuple(possible) if possible else None)


def _period_lines(report) -> list:
    """A date outside the report's period (--on), and a report the record does not hold (yet)."""
    period = report.get("period") or {}
    lines = [f"{period['note'][0].upper()}{period['note'][1:]}: {NOT_IN_FORCE}"] if "note" in period else []
    if "record_through" in period:
        held = f"the reports to {period['record_through']} only" if period["record_through"] else "no report"
        lines.append(f"The record holds {held}: nothing of the {period['report']} report is known here")
    return lines


def options_assumed_lines(result, labels) -> list:
    """A line per open reading of the statute the result turns on, applied at its default (RESULT.options_assumed):
    what the law gives under each other choice."""
    headlines = {c["id"]: c.get("headline") or c["title"] for c in result["consequences"]}
    lines = []
    for item in result.get("options_assumed", []):
        others = "; ".join(_otherwise_words(o, result, headlines, labels) for o in item["otherwise"])
        lines.append(f"Assumed, not settled: {item['option']}={item['applied']}, the default reading of an open "
                     f"point ({item['statute_ref']}); {others}")
    for item in result.get("options_assumed_together", []):
        gives = item["effective_tier"] or item.get("effective_tier_possible")
        lines.append(f"Assumed, not settled: {_applied_words(item)}, default readings of open points "
                     f"({', '.join(item['statute_refs'])}) none of which changes the answer alone; under "
                     f"{' and '.join(item['choices'].values())} together the law gives {tier_words(gives, labels)}")
    return lines


def _applied_words(item: dict) -> str:
    """Readings that turn a result together, at their defaults: "a=x and b=y"."""
    return " and ".join(f"{name}={value}" for name, value in item["applied"].items())


def _otherwise_words(other: dict, result: dict, headlines: dict, labels: dict) -> str:
    """Under another choice: the tier the law gives where it differs (what follows from it, it implies), else the
    consequences added and removed."""
    gives = other["effective_tier"] or other.get("effective_tier_possible")
    if gives != (result["effective_tier"] or result.get("effective_tier_possible")):
        return f"under {other['choice']} the law gives {tier_words(gives, labels)}"
    changed = [headlines[i] for i in other.get("changed", [])]
    return f"under {other['choice']}: " + " - ".join(filter(None, (
        changes_words([a["headline"] for a in other["added"]], [headlines[i] for i in other["removed"]]),
        changed and f"kept, but by another rule or in other readings of the unknown years: {'; '.join(changed)}")))


def _unavailable_lines(result) -> list:
    lines = []
    for item in result.get("unavailable_decisions", []):
        reasons = "; ".join(r["reason"] for r in item["why"])
        opened = f" (an option would open it: {', '.join(item['opened_with_option'])})" if item["opened_with_option"] else ""
        lines.append(f"{item['id']}={item['value']} is not available: {reasons}{opened}")
    return lines


def forward_lines(forward, labels) -> list:
    """The forward clock in one line: the year it forces a change, the years it may (and on what), or that
    the proposal stands through its last year."""
    if not forward:
        return []
    proposing = tier_words(forward["proposing"], labels) + last_recorded_words(forward)
    forced = forward["first_forced_change"]
    if forced == forward["from_year"]:  # the law does not let the proposal stand even once
        return [f"{proposing} from {forced} is forced off at once, in {forced}"]
    if forced is not None:
        return [f"{proposing} every year from {forward['from_year']} is forced off in {forced}"]
    possible = forward.get("forced_change_possible")
    if possible:
        years = " or ".join("not within the clock" if y is None else str(y) for y in possible)
        depends = ", ".join(map(str, forward.get("depends_on_years", [])))
        return [f"{proposing} every year from {forward['from_year']} is forced off in {years}, "
                f"depending on {depends}"]
    return [f"{proposing} every year from {forward['from_year']} stands through "
            f"{forward['steps'][-1]['year']}" + _needing(forward) + _last_report_words(forward)]


def _last_report_words(forward) -> str:
    """Where the clock stops early: the last report that could rank the country."""
    last = forward.get("last_report")
    return f", the last report that could rank it ({last['basis']})" if last else ""


def last_recorded_words(forward) -> str:
    """Where a history's clock starts after reports that do not state the country's tier: the year the tier it
    proposes was last recorded."""
    last = forward.get("last_recorded")
    return f" (last recorded in {last})" if last is not None else ""


def _needing(forward) -> str:
    years = forward.get("years_needing_a_decision") or []
    return f" (with a decision in {', '.join(map(str, years))})" if years else ""


def row_kinds(row: dict) -> set:
    """What the audit found for a recorded placement: conflict, required, chosen, gap, decision, and assumed
    (it counted a year the record reads by an assumption, not by what is known)."""
    kinds = {f["audit"] for f in row["findings"]} & {"conflict", "required", "chosen"}
    if row["record_fits_law"] is None and isinstance(row["tier"], str):
        kinds.add("gap")
    if any(d["settled_by"] == "record" for d in row["decisions"]):
        kinds.add("decision")
    if row.get("assumptions"):
        kinds.add("assumed")
    return kinds


def finding_readings_words(finding: dict) -> str:
    """" (assumed reading OPTION=DEFAULT; under OTHER: chosen)" for a finding that turns on an open reading of the
    statute at its default, else ""."""
    words = [f"{a['option']}={a['applied']}; " + "; ".join(f"under {o['choice']}: {o['audit'] or 'no finding'}"
                                                          for o in a["otherwise"])
             for a in finding.get("options_assumed", [])]
    return f" (assumed reading {'; '.join(words)})" if words else ""


def _findings_on_readings(rows: list) -> list:
    """(row, finding) for each audit finding that holds only under a default reading (options_assumed)."""
    return [(r, f) for r in rows for f in r["findings"] if f.get("options_assumed")]


def audit_counts(rows: list) -> dict:
    counts = {"conflict": 0, "required": 0, "chosen": 0, "gap": 0, "decision": 0, "assumed": 0}
    for row in rows:
        for kind in row_kinds(row):
            counts[kind] += 1
    return counts


def audit_summary(report: dict) -> list:
    rows = report["rows"]
    counts = audit_counts(rows)
    line = (f"{len(rows)} recorded placement{'' if len(rows) == 1 else 's'}: {counts['conflict']} conflict with "
            f"the law as read, {counts['required']} required by it, {counts['chosen']} chosen where the law allowed "
            f"another, {counts['decision']} rest on a recorded or inferred decision, {counts['gap']} cannot be "
            f"judged fully for gaps in the record, {counts['assumed']} count a year read by an assumption, not "
            f"known (a list taken as complete)")
    if report.get("known_in_part"):
        assumed = report.get("known_by_assumption")
        line += (f"; {report['known_in_part']} more known only as one of several tiers (absent from a list the "
                 f"record knows complete" + (f" or, for {assumed} of them, takes as complete by assumption" if assumed else "")
                 + ") are not judged")
    conflicts = [f"{r['country']} {r['year']}" for r in rows if "conflict" in row_kinds(r)]
    turning = list(dict.fromkeys(f"{r['country']} {r['year']} ({f['audit']})" for r, f in _findings_on_readings(rows)))
    return [line] + ([f"Conflicts: {', '.join(conflicts)}"] if conflicts else []) + (
        [f"Found only under a default reading of an open point (options_assumed): {', '.join(turning)}"]
        if turning else [])


def history_summary(report: dict, labels: dict) -> list:
    rows = report["rows"]
    exact = [r for r in rows if isinstance(r["tier"], str) and r["tier"] != NOT_RANKED]
    partial = [r for r in rows if isinstance(r["tier"], list)]
    gaps = [r for r in rows if r["tier"] is None]
    not_ranked = [r for r in rows if r["tier"] == NOT_RANKED]
    lines = [f"{country_label(report['country_name'], report['country'])}: {len(exact)} placement"
             f"{'' if len(exact) == 1 else 's'} recorded, "
             f"{len(partial)} known only in part, {len(gaps)} unknown"
             + (f", {len(not_ranked)} not ranked" if not_ranked else "")]
    for kind, words in (("conflict", "Conflicts with the law as read"), ("required", "Required by the law"),
                        ("chosen", "Chosen where the law allowed another placement")):
        years = [str(r["year"]) for r in exact if kind in row_kinds(r)]
        if years:
            lines.append(f"{words}: {', '.join(years)}")
    turning = list(dict.fromkeys(f"{r['year']} {f['audit']}{finding_readings_words(f)}"
                                 for r, f in _findings_on_readings(exact)))
    if turning:
        lines.append(f"Found only under a default reading of an open point: {'; '.join(turning)}")
    by_decision: dict = {}  # each decision once, with the years that rested on it
    for row in exact:
        for text in settled_decisions(row):
            by_decision.setdefault(text, []).append(str(row["year"]))
    if by_decision:
        lines.append("Resting on a recorded or inferred decision: " +
                     "; ".join(f"{text} in {', '.join(years)}" for text, years in by_decision.items()))
    lines += _assumed_years_line(rows)
    if report.get("no_forward"):
        lines.append(f"Next years: none; no report after {report['no_forward']['year']} can rank it: "
                     f"{report['no_forward']['basis']}")
    return lines + [f"Next years: {line}" for line in forward_lines(report.get("forward"), labels)]


def _assumed_years_line(rows: list) -> list:
    """The years of a timeline read by an assumption (a list taken as complete by a reading option's default),
    and the years whose results count them."""
    assumed = sorted({r["year"] for r in rows if r.get("assumed")} |
                     {found["year"] for r in rows for found in r.get("assumptions", ())})
    if not assumed:
        return []
    counting = [f"{'the judgment' if not i else 'that'} of {r['year']} counts "
                f"{', '.join(str(found['year']) for found in r['assumptions'])}"
                for i, r in enumerate(r for r in rows if r.get("assumptions"))]
    years = ", ".join(map(str, assumed))
    return [f"Assumed, not known: what {years} {'was' if len(assumed) == 1 else 'were'} is read by taking a probable "
            f"list as complete (a reading option's default)" + (f"; {', '.join(counting)}" if counting else "")]


def assumed_texts(entry: dict) -> list:
    """What a result or a history row leans on that is assumed, not known (a list taken as complete by a
    reading option's default): for its own year (`assumed`, a year known only in part) and for the years it
    counted (`assumptions`)."""
    return [*entry.get("assumed", ()), *(text for found in entry.get("assumptions", ()) for text in found["assumed"])]


def settled_decisions(row: dict) -> list:
    """The decisions the record settles for a recorded year (recorded or inferred), as NAME=OPTION."""
    return [f"{d['id']}={d['applied']}" for d in row["decisions"] if d["settled_by"] == "record"]


def trade_summary(report: dict) -> str:
    what = f"the {report['agreement']} implementing bill" if report["agreement"] else "an implementing bill"
    verdict = {True: "available", False: "NOT available", None: "undecided"}[report["tpa_available"]]
    reasons = []
    if not report["authority"]["in_force"]:
        reasons.append("no trade promotion authority was in force")
    if report["blocking"]:
        reasons.append(f"blocked by {', '.join(report['blocking'])}")
    if report["open"] and report["authority"]["in_force"]:  # without the authority no partner is open to it
        why = {p["country"]: p.get("reason") for p in report.get("partners", [])}
        reasons.append("open for " + "; ".join(f"{code}: {why[code]}" if why.get(code) else code
                                               for code in report["open"]))
    closed = [m for m in report.get("milestones", []) if m.get("closes")]
    if closed:  # no implementing bill can come: say so first, then what the law would otherwise say
        ended = closed[0]
        return (f"On {report['on']}, the question is moot: {ended['what']} on {ended['date']}; fast-track for {what} "
                f"would otherwise be {verdict}" + ("; " + "; ".join(reasons) if reasons else ""))
    return f"On {report['on']}, fast-track for {what} is {verdict}" + ("; " + "; ".join(reasons) if reasons else "")
