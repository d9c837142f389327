"""Self-contained HTML reports: an inline SVG timeline per country, then the consequences with their
citations and derivations, then the receipt. No scripts, fonts or links to fetch; prints on paper."""

from __future__ import annotations

import html

from . import render, summary
from .model import NOT_RANKED

STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em;color:#1a1a1a;max-width:70em}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}h3{font-size:1em;margin:.8em 0 .2em}p.summary{font-weight:600}
table{border-collapse:collapse;width:100%;font-size:.85em;margin:.6em 0}
th,td{border:1px solid #bbb;padding:.25em .4em;vertical-align:top;text-align:left}th{background:#eee}
.receipt{color:#555;font-size:.8em;margin-top:2em}.legend{font-size:.8em;color:#333}
svg text{font-size:11px;font-family:inherit}
.t0{fill:#2b8a3e}.t1{fill:#74b816}.t2{fill:#f59f00}.t3{fill:#c92a2a}.t4{fill:#868e96}.t5{fill:#1c7ed6}
.gap{fill:none;stroke:#868e96;stroke-dasharray:2 2}.partial{fill:#dee2e6;stroke:#868e96}.waiver{fill:none;stroke:#1c7ed6;stroke-width:2}
.required{fill:#000}.conflict{fill:none;stroke:#c92a2a;stroke-width:2.5}.tpa{fill:#e7f5ff}
.hypothetical{fill:none;stroke:#5f3dc4;stroke-width:2.5}.possible{stroke-dasharray:3 2}.path{fill:none;stroke:#5f3dc4;stroke-dasharray:4 3}
.run{stroke:#adb5bd;stroke-width:3;opacity:.6}
@media print{body{margin:0}h2{page-break-before:auto}}
"""

LEFT, TOP, STEP, BAND = 120, 20, 26, 22


def _rows() -> list:
    """The tiers in the rulebook's order (as the renderer was given them)."""
    return list(render._labels)


def _x(year, first):
    return LEFT + (year - first) * STEP


def _y(tier):
    rows = _rows()
    return TOP + rows.index(tier) * BAND if tier in rows else TOP + len(rows) * BAND


def _fraction_year(day: str) -> float:
    year, month, date = (int(p) for p in day.split("-"))
    return year + (month - 1) / 12 + (date - 1) / 365


def timeline(rows: list, first: int, last: int, authority: list, overlay: dict | None = None) -> str:
    """SVG of placements by report year. rows: [{year, tier, marks: set}], overlay: {year: tier} (hypothetical)."""
    width = _x(last, first) + 40
    height = _y("gap") + 40
    parts = [f'<svg width="{width}" height="{height}" role="img" aria-label="placements by report year">']
    for period in authority:
        x1 = _x(max(first - 0.5, _fraction_year(period["from"])), first)
        x2 = _x(min(last + 0.5, _fraction_year(period["until"])), first)
        if x2 > x1:
            parts.append(f'<rect class="tpa" x="{x1:.1f}" y="{TOP - 12}" width="{x2 - x1:.1f}" height="{height - 30}">'
                         f'<title>{html.escape(period["name"])}</title></rect>')
    for tier in _rows() + ["gap"]:
        label = "no data" if tier == "gap" else render.tier_name(tier)
        parts.append(f'<text x="4" y="{_y(tier) + 4}">{html.escape(label)}</text>')
    for year in range(first, last + 1):
        if (last - year) % 2 == 0:  # the last year always labelled: where the timeline ends
            parts.append(f'<text x="{_x(year, first) - 12}" y="{height - 8}">{year}</text>')
    parts += _runs(rows, first)
    for row in rows:
        parts.append(_mark(row, first))
    drawn = {row["year"] for row in rows} | set(overlay or ())
    for year in range(first, last + 1):  # a year between the record and a hypothetical one: no placement known
        if year not in drawn:
            parts.append(_mark({"year": year, "tier": None}, first))
    if overlay:
        points = " ".join(f"{_x(y, first)},{_y(t)}" for y, t in sorted(overlay.items()) if isinstance(t, str))
        parts.append(f'<polyline class="path" points="{points}"/>')
        for year, tier in sorted(overlay.items()):
            parts += _hypothetical_marks(year, tier, first)
    parts.append("</svg>")
    return "".join(parts)


def _hypothetical_marks(year, tier, first) -> list:
    """A hypothetical year's circle; where its tier depends on unknown years, a dashed one at each tier it may
    have (the path does not pass through them)."""
    if isinstance(tier, str):
        return [f'<circle class="hypothetical" cx="{_x(year, first)}" cy="{_y(tier)}" r="9" data-year="{year}">'
                f'<title>hypothetical {year}: {tier}</title></circle>']
    title = html.escape(f"hypothetical {year}: one of {render.tier_name(tier)}, depending on unknown years")
    return [f'<circle class="hypothetical possible" cx="{_x(year, first)}" cy="{_y(t)}" r="9" data-year="{year}">'
            f'<title>{title}</title></circle>' for t in tier or ()]


def _runs(rows, first) -> list:
    """Lines joining consecutive years on the same list (the runs the law counts)."""
    tiers = {r["year"]: r["tier"] for r in rows if isinstance(r["tier"], str) and r["tier"] != NOT_RANKED}
    return [f'<line class="run" x1="{_x(y, first)}" y1="{_y(t)}" x2="{_x(y + 1, first)}" y2="{_y(t)}"/>'
            for y, t in sorted(tiers.items()) if tiers.get(y + 1) == t]


def _mark(row, first) -> str:
    year, tier, marks = row["year"], row["tier"], row.get("marks", set())
    if tier == NOT_RANKED:  # the report did not rank the country: nothing to draw (the table says why)
        return ""
    x = _x(year, first)
    if tier is None:
        return f'<circle class="gap" cx="{x}" cy="{_y("gap")}" r="5" data-year="{year}"><title>{year}: no placement recorded</title></circle>'
    if isinstance(tier, list):  # known only as a set of tiers
        title = html.escape(f"{year}: one of {render.tier_name(tier)} (not recorded exactly)")
        return f'<circle class="partial" cx="{x}" cy="{_y("gap")}" r="5" data-year="{year}"><title>{title}</title></circle>'
    title = html.escape(f"{year}: {render.tier_name(tier)}" + "".join(f"; {m}" for m in sorted(marks) if m != DECIDED))
    colour = _rows().index(tier) if tier in _rows() else len(_rows())
    out = [f'<circle class="mark t{colour}" cx="{x}" cy="{_y(tier)}" r="6" data-year="{year}" data-tier="{tier}">'
           f'<title>{title}</title></circle>']
    if DECIDED in marks:
        out.append(f'<circle class="waiver" cx="{x}" cy="{_y(tier)}" r="9"/>')
    if "required" in marks:
        out.append(f'<rect class="required" x="{x - 3}" y="{_y(tier) - 16}" width="6" height="6"/>')
    if "conflict" in marks:
        out.append(f'<rect class="conflict" x="{x - 9}" y="{_y(tier) - 9}" width="18" height="18"/>')
    return "".join(out)


DECIDED = "decided"  # a mark of a year that rested on a recorded or inferred decision: the ring, not words


def _row_marks(row) -> set:
    """Marks of a recorded year on the timeline: a decision it rested on, required, chosen, a conflict."""
    marks = {f"rests on {text}" for text in summary.settled_decisions(row)}  # the hover names the decision
    if marks:
        marks.add(DECIDED)
    for finding in row["findings"]:
        if finding.get("audit") in ("required", "conflict", "chosen"):
            marks.add(finding["audit"])
    for item in row.get("set_off") or [f for f in row["findings"] if f.get("audit") == "set_off"]:
        if "fiscal_year" in item:
            marks.add(f"{item['id']} (FY{item['fiscal_year']})")
    return marks


LEGEND = ('<p class="legend">Dots: recorded placement. Dashed circles: no placement recorded; grey circles: a '
          'year known only as a set of tiers (hover for which); nothing: a year the report did not rank the '
          'country (it did not exist yet or any longer, or was not yet rated). Grey lines: consecutive years on '
          'the same list. '
          'Blue ring: a placement that rested on a decision (a waiver of the automatic downgrade, a presidential '
          'determination), recorded or inferred from the list. Black square: a placement the law required. '
          'Red square: a placement that conflicts with the law as read. Shaded: trade promotion authority in '
          'force. Purple: hypothetical placements (dashed where a year may have several tiers, depending on unknown years). Hover a dot for details.</p>')


def _page(title: str, body: list, receipt: dict) -> str:
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            + "".join(body) + f'<p class="receipt">{html.escape(render.receipt_line(receipt))}</p></body></html>\n')


def summary_html(sections: list) -> str:
    """Summary sections answer-first: the untitled lines as the headline, then a heading and list a group."""
    parts = []
    for heading, items in sections:
        if heading is None:
            parts += [f'<p class="summary">{html.escape(item)}</p>' for item in items]
        else:
            parts.append(f"<h3>{html.escape(heading)}</h3><ul>" +
                         "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>")
    return "".join(parts)


def lines_html(lines: list) -> str:
    return summary_html([(None, lines[:1]), ("", lines[1:])] if len(lines) > 1 else [(None, lines)]).replace(
        "<h3></h3>", "")


def _consequences(result: dict) -> str:
    decisions = summary.decisions_by_id(result)
    rows = "".join(
        f"<tr><td>{html.escape(row['headline'])}"
        + (f"<br><small>{html.escape(row['title'])}</small>" if row["title"] != row["headline"] else "") + "</td>"
        f"<td>{html.escape('; '.join(row['cites']))}<br>"
        f"{html.escape('; '.join(dict.fromkeys(v['enacted_by'] for v in row['versions'])))}"
        f"<br>[{html.escape(', '.join(dict.fromkeys(v['confidence'] for v in row['versions'])))}]</td>"
        f"<td>{html.escape('; then '.join(dict.fromkeys(summary._version_text(v, None, decisions) for v in row['versions'])) + summary.status_text(row))}"
        f"</td><td><small>{html.escape(' / '.join(render.because_text(v) for v in row['versions'] if 'because' in v))}"
        "</small></td></tr>"
        for row in sorted(summary.merged(result["consequences"]), key=lambda r: summary.cite_key(r["cite"])))
    return ("<table><tr><th>consequence</th><th>cite and enacting law</th><th>when</th><th>because</th></tr>"
            f"{rows}</table>")


def _history_rows(rows) -> list:
    return [{"year": r["year"], "tier": r["tier"], "marks": _row_marks(r) if isinstance(r["tier"], str) else set()}
            for r in rows]


def _span(rows, *more):
    years = [r["year"] for r in rows] + [y for extra in more for y in extra]
    return min(years), max(years)


def _year_rows(rows) -> str:
    return "".join(
        f"<tr><td>{r['year']}</td><td>{html.escape(render.tier_name(r['tier']))}</td>"
        f"<td>{html.escape(r.get('confidence') or '')}</td><td>{html.escape(render.row_judgment(r))}</td>"
        f"<td>{html.escape('; '.join(render.set_off_items(r)))}"
        + "".join(f"<br><small>decision {html.escape(t)}</small>" for t, _ in render.decision_items(r))
        + f"</td><td><small>{html.escape('; '.join(r['sources']))}</small></td></tr>" for r in rows)


YEAR_HEADER = ("<tr><th>year</th><th>tier</th><th>confidence</th><th>what the law said</th><th>what it set off</th>"
               "<th>sources</th></tr>")


def _forward(report) -> str:
    if not report.get("forward"):
        return ""
    return (f"<h2>{html.escape(render.forward_heading(report['forward']))}</h2><ul>" +
            "".join(f"<li>{html.escape(render.step_text(s))}</li>" for s in report["forward"]["steps"]) + "</ul>")


def history_html(report: dict, authority: list) -> str:
    rows = _history_rows(report["rows"])
    first, last = _span(rows)
    body = [f"<h1>{html.escape(summary.country_label(report['country_name'], report['country']))}</h1>", lines_html(report["summary"]),
            timeline(rows, first, last, authority), LEGEND, f"<table>{YEAR_HEADER}{_year_rows(report['rows'])}</table>",
            _forward(report)]
    return _page(f"{report['country_name']}: placements and the law", body, report["receipt"])


def whatif_overlay(report: dict) -> dict:
    """The earlier years the question set (`--set`), the hypothetical placement and the forward clock's effective
    tiers after it: a tier, or the tiers a year may have where the readings of unknown years differ."""
    hyp = report["hypothetical"]
    overlay = {entry["year"]: entry["tier"] for entry in report.get("sets", ())}  # the earlier years it set
    overlay[report["year"]] = overlay_tier(hyp["effective_tier"], hyp.get("effective_tier_possible")) or \
        hyp["proposed_tier"]
    for step in (report.get("forward") or {}).get("steps", [])[1:]:
        overlay[step["year"]] = overlay_tier(step["effective"], step.get("effective_possible"))
    return overlay


def overlay_tier(effective, possible):
    """A hypothetical year's tier on a timeline: the effective tier; where the readings of unknown years differ,
    the tiers they give (one tier in every reading is that tier); None where nothing is known."""
    if effective or not possible:
        return effective
    return possible[0] if len(possible) == 1 else list(possible)


def scenario_overlay(items: list) -> dict:
    """A scenario's placements of one country on its timeline (as overlay_tier)."""
    found = {i["year"]: overlay_tier(i["scenario"]["effective_tier"], i["scenario"].get("effective_tier_possible"))
             for i in items}
    return {year: tier for year, tier in found.items() if tier}


def whatif_html(report: dict, recorded_rows: list, authority: list) -> str:
    hyp = report["hypothetical"]
    overlay = whatif_overlay(report)
    rows = _history_rows(recorded_rows)
    first, last = _span(rows, overlay)
    body = [f"<h1>{html.escape(summary.country_label(report['country_name'], report['country']))}, report {report['year']}</h1>",
            summary_html(summary.whatif_sections(report, render._groups, render._labels)),
            f"<p>{html.escape(render._period_line(report['period']))}</p>", _assumed_line(render.whatif_assumed(report)),
            timeline(rows, first, last, authority, overlay), LEGEND, "<h2>Every consequence</h2>", _consequences(hyp),
            _decisions(hyp), _forward(report)]
    return _page(f"What if: {report['country_name']} {report['year']}", body, report["receipt"])


def _assumed_line(line: str) -> str:
    return f'<p class="assumed">{html.escape(line)}</p>' if line else ""


def _decisions(result) -> str:
    items = render.decision_items(result)
    if not items:
        return ""
    return "<h2>Decisions it rests on</h2><ul>" + "".join(
        f"<li>{html.escape(text)}" + "".join(f"<br><small>{html.escape(d)}</small>" for d in details) + "</li>"
        for text, details in items) + "</ul>"


def run_html(report: dict, recorded: dict, authority: list) -> str:
    body = [f"<h1>{html.escape(report['scenario'])}</h1>", lines_html(report["summary"])]
    if report["description"]:
        body.append(f"<p>{html.escape(report['description'])}</p>")
    by_country: dict = {}
    for item in report["results"]:
        by_country.setdefault(item["country"], []).append(item)
    for code, items in by_country.items():
        rows = _history_rows(recorded.get(code, []))
        overlay = scenario_overlay(items)
        first, last = _span(rows, overlay)
        body.append(f"<h2>{html.escape(summary.country_label(items[0]['country_name'], code))}</h2>")
        body.append(timeline(rows, first, last, authority, overlay))
        for item in items:
            after = "".join(f"<li>{html.escape(text)}</li>" for text in render.scenario_after(item))
            body.append(summary_html(render.scenario_sections(item)) + (f"<ul>{after}</ul>" if after else "")
                        + _consequences(item["scenario"]))
    for question in report["trade"]:
        body.append(_trade_body(question))
    body.append(LEGEND)
    return _page(report["scenario"], body, report["receipt"])


def audit_html(report: dict, histories: dict, authority: list) -> str:
    body = ["<h1>Audit of the record</h1>", lines_html(report["summary"]), LEGEND]
    notable = render.notable_rows(report)
    for code in dict.fromkeys(r["country"] for r in notable):
        marked = _history_rows(histories.get(code, []))
        if marked:
            first, last = _span(marked)
            body.append(f"<h2>{code}</h2>" + timeline(marked, first, last, authority))
    lines = "".join("<tr>" + "".join(f"<td>{html.escape(str(x))}</td>" for x in (
        r["country"], r["year"], render.tier_name(r["tier"]), render.row_judgment(r))) + "</tr>" for r in notable)
    body.append(f"<table><tr><th>country</th><th>year</th><th>tier</th><th>what the law said</th></tr>{lines}</table>")
    return _page("Audit of the record", body, report["receipt"])


def _trade_body(report: dict) -> str:
    partners = "".join(
        f"<tr><td>{html.escape(p['country'])}</td><td>{html.escape(p['name'])}</td>"
        f"<td>{html.escape(render._verdict(p['tpa_available']))}</td><td>{html.escape(p['status'])}</td></tr>"
        for p in report["partners"])
    return (lines_html(report["summary"]) +
            "<table><tr><th>code</th><th>partner</th><th>fast-track</th><th>why</th></tr>" + partners + "</table>")


def trade_html(report: dict, authority: list) -> str:
    what = report["agreement"] or ", ".join(p["country"] for p in report["partners"])
    body = [f"<h1>Fast-track for {html.escape(what)} on {report['on']}</h1>", _trade_body(report)]
    return _page(f"Trade check {what} {report['on']}", body, report["receipt"])
