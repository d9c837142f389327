"""Pages for people: each asks one question by its GET URL and shows the answer first, with the
timeline the HTML reports draw, then the details, the receipt and a link to the same answer as JSON."""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from .. import cli, html, render, summary
from ..errors import InputError
from ..inputs import DEFAULT_FORWARD
from .engine import Engine
from .examples import RuleExamples
from ..audit import FILTERS as AUDIT_FILTERS, filter_rows
from ..trade import parse_partner_sets
from .questions import (Audit, History, RecordedRows, Rules, Scenario, Trade, WhatIf, scenario_text, shipped_scenario,
                        shipped_scenarios, whole)

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
TEMPLATES.env.globals.update(
    tier_name=render.tier_name, every_tier_assumed=render.every_tier_assumed,
    whatif_assumed=render.whatif_assumed, in_citation_order=render.in_citation_order, option_changes=render.option_changes,
    hinge_text=lambda consequence, result: summary.hinge(consequence, summary.decisions_by_id(result)),
    options_change="the reading options under “Other years, decisions, date and options” change it", when_text=render.when_text,
    because_text=render.because_text,
    step_text=render.step_text, forward_words=render.forward_words, in_force_text=render.in_force_text, country_label=summary.country_label,
    receipt_line=render.receipt_line, row_judgment=render.row_judgment, shown_rows=render.shown_rows,
    year_span=render.year_span,
    set_off_text=lambda row: "; ".join(render.set_off_items(row)),
    features_text=render.features_text,
    partner_reason=lambda partner: partner["status"],
    decision_texts=lambda row: [text for text, _ in render.decision_items(row)], verdict=render._verdict, scenario_lines=render.scenario_lines,
    report_style=Markup(html.STYLE), legend=Markup(html.LEGEND), quote=quote)
AUDIT_TIMELINES = 12  # draw a timeline per country when the rows shown come from this many countries or fewer
PAGE_BYTES = 500_000  # larger pages (the whole record's audit) are rendered each time
SHARE_LIMIT = 6000  # characters of an uploaded scenario that still fit a shareable GET link

router = APIRouter(include_in_schema=False)


def _engine(request: Request) -> Engine:
    return request.app.state.engine


def _page(request: Request, template: str, status: int = 200, **context):
    engine = _engine(request)
    context.setdefault("receipt", engine.base.receipt())
    return TEMPLATES.TemplateResponse(request, template, {"engine": engine, "ctx": engine.base, **context,
                                                          "datalist": country_datalist(engine.base.record)},
                                      status_code=status)


_datalists: dict = {}


def country_datalist(record) -> Markup:
    """The country suggestions of the forms: the same on every page, so built once per record."""
    if id(record) not in _datalists:
        options = "".join(f'<option value="{escape(code)}">{escape(country.name)}</option>'
                          for code, country in sorted(record.countries.items()))
        _datalists[id(record)] = Markup(f'<datalist id="countries">{options}</datalist>')
    return _datalists[id(record)]


def cached_page(route):
    """Keep the page a question renders: the answers are deterministic, so its address names it."""
    @functools.wraps(route)
    async def answer(request: Request, *args, **kwargs):
        pages = _engine(request).pages
        key = str(request.url)
        kept = pages.get(key)
        if kept is not None:
            return HTMLResponse(kept)
        response = await route(request, *args, **kwargs)
        if response.status_code == 200 and isinstance(response, HTMLResponse) and len(response.body) <= PAGE_BYTES:
            pages.keep(key, response.body)
        return response
    return answer


# the pages' names of what the command line calls --set, COUNTRY, ...: an error names the field to correct
FIELDS = {"country": "Country", "countries": "Country", "partners": "Country", "year": "Report year",
          "tier": "Tier", "sets": "Other years' placements", "decide": "Decisions", "on": "On date",
          "forward_years": "Reports ahead on the forward clock", "first": "From", "last": "To",
          "agreement": "Agreement", "options": "Options", "path": "Scenario file", "only": "Only",
          "section": "Statute section", "scenario": "Scenario", "text": "Scenario"}


def cli_message(err: InputError) -> str:
    """An input error in the words of the command line, as the CLI prints it (the JSON API)."""
    return err.render(cli.FLAGS)


TRADE_FIELDS = {**FIELDS, "partners": "Partner countries", "sets": "A partner's placement",
                "decide": "A decision on a partner's placement"}


def page_message(err: InputError, fields: dict = FIELDS) -> str:
    """An input error in the words of the pages: the fields of their forms, where the command line names flags."""
    return err.render({**cli.FLAGS, **fields})


def error_page(request: Request, status: int, message: str):
    return _page(request, "error.html", status, title="No answer", error=message)


def _one(request: Request, name: str) -> str | None:
    value = request.query_params.get(name, "").strip()
    return value or None


def _many(request: Request, name: str) -> tuple:
    return tuple(v.strip() for v in request.query_params.getlist(name) if v.strip())


def timeline(request: Request, recorded_rows: list, overlay: dict | None = None) -> Markup:
    """The reports' SVG timeline of recorded placements, with hypothetical ones drawn over them."""
    rows = html._history_rows(recorded_rows)
    if not rows and not overlay:
        return Markup("")
    first, last = html._span(rows, *([overlay] if overlay else []))
    return Markup(html.timeline(rows, first, last, cli._authority(_engine(request).base), overlay))


async def _recorded(request: Request, code: str, option: tuple) -> list:
    return await _engine(request).report(RecordedRows(option=option, country=code))


# ---------------------------------------------------------------- home and countries


@router.get("/")
async def home(request: Request):
    return _page(request, "home.html", title="TIP tier ratings and the law", scenarios=list(shipped_scenarios()))


@router.get("/country")
async def countries(request: Request):
    """Every country of the record; ?country=NAME goes to that country's page."""
    asked = _one(request, "country")
    if asked:
        try:
            code = _engine(request).base.record.lookup(asked).code
        except InputError as err:
            return _page(request, "countries.html", 400, title="Countries", error=page_message(err), asked=asked)
        return RedirectResponse(f"/country/{code}", status_code=303)
    return _page(request, "countries.html", title="Countries", asked="")


@router.get("/country/{country}")
@cached_page
async def country_page(request: Request, country: str):
    question = History(option=_many(request, "option"), country=country)
    try:
        report = await _engine(request).report(question)
    except InputError as err:
        return _page(request, "countries.html", 404, title="Countries", error=page_message(err), asked=country)
    if report["country"] != country:
        query = urlencode([("option", o) for o in question.option])
        return RedirectResponse(f"/country/{report['country']}" + (f"?{query}" if query else ""), status_code=303)
    return _page(request, "country.html", title=f"{report['country_name']}: placements and the law", report=report,
                 question=question, headline=report["summary"], svg=timeline(request, report["rows"]),
                 receipt=report["receipt"], api=f"/api/history?{question.query()}",
                 terms=terms_used(_engine(request).base.rulebook, report["rows"]),
                 source_notes=sources_used(_engine(request).base.record, report["rows"]))


def sources_used(record, rows: list) -> list:
    """(source id, what it is) for each source a page's rows name that the record describes: the hover text of
    the sources column, also readable without a pointer (keyboard, touch, print)."""
    names = sorted({source for row in rows for source in row.get("sources") or ()})
    return [(name, note) for name in names if (note := record.source_note(name))]


def terms_used(rulebook, rows: list, readings: dict | None = None) -> list:
    """(term, meaning) for the rulebook's names a page shows: what the law counted (features), the decisions with
    their options, and the readings of the statute it names (`readings`: {option: [choices]}), in the rulebook's
    own words."""
    features = sorted({name for row in rows for name in row.get("features") or {}})
    decisions = sorted({(d["id"], d["applied"]) for row in rows for d in row.get("decisions") or []})
    return ([(name, rulebook.feature_words.get(name, "")) for name in features] +
            [(f"{name}={option}", f"{rulebook.decisions[name].title}: {rulebook.decisions[name].options.get(option, '')}")
             for name, option in decisions if name in rulebook.decisions] +
            [(f"{name}={choice}", f"{rulebook.options[name].title} {rulebook.options[name].choices[choice]}")
             for name, choices in sorted((readings or {}).items()) if name in rulebook.options
             for choice in choices if choice in rulebook.options[name].choices])


def _forward_decisions(forward) -> dict:
    """The decisions a forward clock's steps name ("autodowngrade_waiver=granted"), as a row's decisions."""
    named = {text for step in (forward or {}).get("steps", [])
             for text in [*step["needs"], *step.get("assumed", []), *step.get("assumed_in_some_readings", [])]}
    return {"decisions": [{"id": text.partition("=")[0], "applied": text.partition("=")[2]} for text in sorted(named)]}


def readings_named(results: list, chosen: dict | None = None) -> dict:
    """{option: [choices]} of the readings of the statute results name: those assumed (with the other choices they
    list) and those chosen."""
    found: dict = {}
    for result in results:
        for item in result.get("options_assumed", []):
            found.setdefault(item["option"], []).extend([item["applied"], *(o["choice"] for o in item["otherwise"])])
        for item in result.get("options_assumed_together", []):
            for name in item["applied"]:
                found.setdefault(name, []).extend([item["applied"][name], item["choices"][name]])
    for name, choice in (chosen or {}).items():
        found.setdefault(name, []).append(choice)
    return {name: list(dict.fromkeys(choices)) for name, choices in found.items()}


# ---------------------------------------------------------------- what-if


def _whatif_question(request: Request) -> WhatIf | None:
    country, year, tier = _one(request, "country"), _one(request, "year"), _one(request, "tier")
    if not (country or year or tier):
        return None
    forward = whole(_one(request, "forward"), "forward_years")
    if forward is not None and not 0 <= forward <= 25:
        raise InputError(f"{forward} is not in the range 0 to 25", "forward_years")
    for value, what in ((country, "country"), (year, "year"), (tier, "tier")):
        if value is None:
            raise InputError("missing: give the country, the report year and the tier", what)
    return WhatIf(option=_many(request, "option"), country=country, year=whole(year, "year"), tier=tier,
                  set_=_many(request, "set"), decide=_many(request, "decide"), on=_one(request, "on"),
                  forward=DEFAULT_FORWARD if forward is None else forward)


@router.get("/whatif")
@cached_page
async def whatif_page(request: Request):
    form = {name: request.query_params.getlist(name) for name in ("set", "decide", "option")}
    form.update({name: _one(request, name) or "" for name in ("country", "year", "tier", "on", "forward")})
    try:
        question = _whatif_question(request)
        if question is None:
            return _page(request, "whatif.html", title="What if", form=form, report=None)
        report = await _engine(request).report(question)
        recorded = await _recorded(request, report["country"], question.option)
    except InputError as err:
        return _page(request, "whatif.html", 400, title="What if", form=form, report=None, error=page_message(err))
    api = f"/api/whatif?{question.query()}"
    if question.tier == "all":
        tiers, matrix = render._tier_matrix(report)
        return _page(request, "whatif.html", title=f"Every tier: {report['country_name']} {report['year']}",
                     form=form, report=report, question=question, tiers=tiers, matrix=matrix, api=api,
                     svg=timeline(request, recorded), receipt=report["receipt"],
                     headline=report["summary"])
    hyp = report["hypothetical"]
    return _page(request, "whatif.html", title=f"What if: {report['country_name']} {report['year']}", form=form,
                 report=report, question=question, api=api, receipt=report["receipt"],
                 headline=report["summary"],
                 terms=terms_used(_engine(request).base.rulebook, [hyp, _forward_decisions(report.get("forward"))],
                                  readings_named([hyp], report.get("options_chosen"))),
                 svg=timeline(request, recorded, html.whatif_overlay(report)),
                 flips=decision_flips(question, report["hypothetical"]), compared=comparison(report))


def decision_flips(question: WhatIf, result: dict) -> dict:
    """decision id -> {option: URL of the same question with the decision settled that way}."""
    flips = {}
    for decision in result["decisions"]:
        links = {option: "/whatif?" + question.deciding(decision["id"], option).query()
                 for option in decision["options"] if option != decision["applied"]}
        if decision["settled_by"] == "user":
            links[None] = "/whatif?" + question.deciding(decision["id"], None).query()
        flips[decision["id"]] = links
    return flips


def comparison(report: dict) -> dict:
    """Added and removed consequences against the record, worded as the headline words them and in its order (the
    rulebook's groups, most consequential first; then by citation): (id, headline, first rule giving it)."""
    first: dict = {}
    for side in (report["hypothetical"], report["baseline"] or {"consequences": []}):
        words = summary.headlines_of(side)  # with "only in some readings" where it is so
        for c in side["consequences"]:
            first.setdefault(c["id"], (words[c["id"]], c["rule"], c))
    order = {name: index for index, name in enumerate(render._groups)}

    def rank(cid):
        found = first[cid][2]
        return order.get(found.get("group"), len(order)), summary.cite_key(found["cite"]), cid
    return {kind: [(cid, *first[cid][:2]) for cid in sorted(ids, key=rank)] for kind, ids in report["changes"].items()}


# ---------------------------------------------------------------- trade


@router.get("/trade")
@cached_page
async def trade_page(request: Request):
    question = Trade(option=_many(request, "option"), partners=_many(request, "partner"),
                     agreement=_one(request, "agreement"), on=_one(request, "on") or "",
                     set_=_many(request, "set"), decide=_many(request, "decide"))
    form = {"partner": list(question.partners), "agreement": question.agreement or "", "on": question.on,
            "set": list(question.set_), "decide": list(question.decide)}
    if not (question.on or question.partners or question.agreement):
        return _page(request, "trade.html", title="Trade check", form=form, report=None)
    try:
        report = await _engine(request).report(question)
        watched = [p["country"] for p in report["partners"] if p["tpa_available"] is not True]
        sets = parse_partner_sets(_engine(request).base, list(question.set_))  # drawn over the record, as asked
        svgs = {code: timeline(request, await _recorded(request, code, question.option), sets.get(code))
                for code in watched}
    except InputError as err:
        return _page(request, "trade.html", 400, title="Trade check", form=form, report=None,
                     error=page_message(err, TRADE_FIELDS))
    return _page(request, "trade.html", title=f"Trade check on {report['on']}", form=form, report=report,
                 question=question, headline=report["summary"], svgs=svgs,
                 receipt=report["receipt"], api=f"/api/trade?{question.query()}")


# ---------------------------------------------------------------- scenarios


@router.get("/scenarios")
async def scenarios_page(request: Request):
    return scenarios_form(request)


def scenarios_form(request: Request, status: int = 200, error: str | None = None, text: str | None = None):
    """The scenarios page without a result: the shipped scenarios and the form, with what went wrong (the text
    given kept in the form)."""
    return _page(request, "scenarios.html", status, title="Scenarios", scenarios=list(shipped_scenarios()),
                 report=None, error=error, text=text)


@router.get("/scenarios/run")
async def scenario_from_link(request: Request):
    """A scenario carried in the URL itself (the share link of a small upload)."""
    text = request.query_params.get("text", "")
    question = Scenario(option=_many(request, "option"), text=text, name=_one(request, "name") or "scenario.yaml")
    return await _scenario_result(request, question, share=True)


def too_large_page(request: Request, status: int, message: str):
    """A request body over the limit: the scenarios page again with its form (an upload), or the error page; the
    connection closes, so the rest of the body is never read."""
    if request.url.path == "/scenarios":
        response = scenarios_form(request, status, f"The file is too large: {message}.")
    else:
        response = error_page(request, status, message)
    response.headers["connection"] = "close"
    return response


@router.post("/scenarios")
async def scenario_upload(request: Request):
    async with request.form(max_files=1, max_fields=4) as form:
        upload = form.get("file")
        body = await upload.read() if upload is not None and getattr(upload, "filename", "") else None
        name = (upload.filename if body is not None else None) or "scenario.yaml"
        text = scenario_text(body, name) if body is not None else str(form.get("text") or "")
    if not text.strip() and body is None:  # the form sent neither a file nor any text: the form again, said why
        return scenarios_form(request, 400, page_message(InputError("choose a scenario file or paste a scenario's "
                                                                    "text", "text")), text)
    return await _scenario_result(request, Scenario(text=text, name=Path(name).name), share=True)


@router.get("/scenarios/{name}")
@cached_page
async def shipped_scenario_page(request: Request, name: str):
    try:
        question = shipped_scenario(name, _many(request, "option"))
    except InputError as err:
        return scenarios_form(request, 404, page_message(err))
    return await _scenario_result(request, question, share=False,
                                  api=f"/api/run?{urlencode([('scenario', name)] + [('option', o) for o in question.option])}")


async def _scenario_result(request: Request, question: Scenario, share: bool, api: str | None = None):
    try:
        report = await _engine(request).report(question, keep=not share)
        codes = sorted({item["country"] for item in report["results"]})
        svgs = {}
        for code in codes:
            overlay = html.scenario_overlay([i for i in report["results"] if i["country"] == code])
            svgs[code] = timeline(request, await _recorded(request, code, question.option), overlay)
    except InputError as err:
        return scenarios_form(request, 400, page_message(err), question.text)
    link = f"/scenarios/run?{question.query()}" if share and len(question.text) <= SHARE_LIMIT else None
    results = [item["scenario"] for item in report["results"]]
    terms = terms_used(_engine(request).base.rulebook, results, readings_named(results))
    return _page(request, "scenarios.html", title=report["scenario"], scenarios=list(shipped_scenarios()),
                 report=report, svgs=svgs, terms=terms, headline=report["summary"], receipt=report["receipt"], share=link, api=api,
                 text=question.text if share else None)


# ---------------------------------------------------------------- the law


def statute_section(cite: str) -> str:
    """'22 U.S.C. 7107(b)(1)(C)' -> '22 U.S.C. 7107'."""
    return cite.partition("(")[0].strip()


@router.get("/law")
@cached_page
async def law_page(request: Request):
    engine = _engine(request)
    option = _many(request, "option")
    book = await engine.report(Rules(option=option))
    examples = await engine.report(RuleExamples(option=option))
    sections: dict = {}
    for rule in book["rules"]:
        sections.setdefault(statute_section(rule["cite"]), []).append(rule)
    chosen = _one(request, "section")
    if chosen and chosen not in sections:
        return _page(request, "law.html", 404, title="The law", sections={}, all_sections=sorted(sections),
                     chosen=None, examples={}, error=page_message(InputError(
                         f"no rule cites {chosen!r}: choose one of the sections below", "section")))
    shown = {chosen: sections[chosen]} if chosen else dict(sorted(sections.items()))
    links = {rule_id: (example, "/whatif?" + WhatIf(option=option, country=example.country, year=example.year,
                                                    tier=example.tier, decide=example.decide).query())
             for rule_id, example in examples.items()}
    return _page(request, "law.html", title="The law", sections=shown, all_sections=sorted(sections),
                 chosen=chosen, examples=links, names={c: v.name for c, v in engine.base.record.countries.items()},
                 receipt=book["receipt"], api="/api/rules")


# ---------------------------------------------------------------- the audit


@router.get("/audit")
@cached_page
async def audit_page(request: Request):
    engine = _engine(request)
    only = _one(request, "only")
    try:
        question = Audit(option=_many(request, "option"), countries=_many(request, "country"),
                         first=whole(_one(request, "from"), "first"), last=whole(_one(request, "to"), "last"))
        if not (question.countries or question.first or question.last):
            latest = max(engine.base.record.years())  # a stable URL names its years: the latest report's
            kept = [("only", only)] if only else []  # the filter and readings asked for survive the move
            kept += [("option", value) for value in question.option]
            return RedirectResponse(f"/audit?{urlencode([('from', latest), ('to', latest), *kept])}", status_code=303)
        narrow = bool(question.countries) or (question.first is not None and question.last is not None
                                              and question.last - question.first < 3)
        report = await engine.report(question, keep=narrow)
        name_of = engine.base.record.name_of  # the page shows names: rows in the order of the names
        rows = sorted(filter_rows(report["rows"], only), key=lambda row: (name_of(row["country"]), row["year"]))
        codes = list(dict.fromkeys(row["country"] for row in rows))
        svgs = {code: timeline(request, await _recorded(request, code, question.option))
                for code in codes} if len(codes) <= AUDIT_TIMELINES else {}
    except InputError as err:
        return _page(request, "audit.html", 400, title="Audit", report=None, error=page_message(err), only=only,
                     filters=AUDIT_FILTERS, form=request.query_params)
    counts = {name: len(filter_rows(report["rows"], name)) for name in AUDIT_FILTERS}
    return _page(request, "audit.html", title="Audit of the record", report=report, rows=rows, only=only,
                 filters=AUDIT_FILTERS, counts=counts, question=question, svgs=svgs, form=request.query_params,
                 headline=report["summary"], receipt=report["receipt"], api=f"/api/audit?{question.query()}",
                 base_query=question.query(), max_timelines=AUDIT_TIMELINES,
                 terms=terms_used(engine.base.rulebook, rows))
