"""Can an implementing bill for an agreement with these partners use fast-track procedures on a date?

What counts as the bar, which decision can lift it and when trade promotion authority existed come
from the rulebook's `queries: trade:`; this module only looks them up and asks the engine."""

from __future__ import annotations

import datetime as dt

from .errors import InputError, arg
from .explain import report_anchor
from .inputs import as_date, as_names
from .model import Placement
from . import summary
from .queries import Case, Context, _override, history_for, parse_decisions, published, with_decisions


def most_recent_report(ctx: Context, on: dt.date) -> int | None:
    """The latest report year whose release (or, unknown, statutory deadline) is on or before `on`."""
    year = ctx.checked_date(on).year + 1
    while year >= ctx.first_year:
        if dt.date.fromisoformat(report_anchor(ctx, year)["date"]) <= on:
            return year
        year -= 1
    return None


def _spec(ctx: Context) -> dict:
    if "trade" not in ctx.rulebook.queries:
        raise InputError("the rulebook has no queries: trade: section", ctx.rulebook.source)
    return ctx.rulebook.queries["trade"]


def _authority(spec: dict, on: dt.date) -> dict:
    live = [p for p in spec["authority"] if p["from"] <= on < p["until"]]
    if not live:
        return {"in_force": False, "because": "no trade promotion authority was in force on this date"}
    period = live[0]
    return {"in_force": True, "name": period["name"], "from": period["from"].isoformat(),
            "until": period["until"].isoformat(), "ref": period["ref"]}


def partner_status(ctx: Context, code: str, on: dt.date, overrides: dict, decisions: dict) -> dict:
    """One partner: its placement in the most recent report on `on`, whether the bar applies to it
    (`bar`: true, false, or null where it depends on an open decision or unknown data), and why in words."""
    year = most_recent_report(ctx, on)
    own = overrides.get(code, {})
    placement = _placement(ctx, code, year, own) if year is not None else None
    entry = {"country": code, "name": ctx.record.name_of(code),
             "report_year": year, "tier": None if placement is None else placement.value}
    if placement is None or not (placement.known or placement.possible):
        reason = f"no placement known for {code} in the {year} report" if year else "no report yet on this date"
        return dict(entry, bar=None, tpa_available=None, because=[reason], status=reason, reason=reason)
    readings = [_reading(ctx, code, on, own, decisions, Placement(year, tier, placement.sources, origin=placement.origin))
                for tier in placement.tiers(())]
    verdicts = {verdict for verdict, _, _, _ in readings}
    effective = sorted({tier for _, _, tier, _ in readings if tier is not None})
    entry["effective_tier"] = effective[0] if len(effective) == 1 else None
    period = _period_words(ctx, year)
    if len(verdicts) == 1:
        verdict, because, _, words = readings[0]
        tier = summary.tier_words(placement.tier if placement.known else list(placement.possible), ctx.rulebook.tiers)
        tier = tier if placement.known else f"known only as one of {tier}"
        tier += " (as you set it)" if year in own else ""
        return dict(entry, bar=_bar(verdict), tpa_available=verdict, because=because, reason=words,
                    status=f"{tier} in the {year} report ({period}): {words}")
    tiers = summary.tier_words(list(placement.possible), ctx.rulebook.tiers)
    return dict(entry, bar=None, tpa_available=None, basis=placement.basis,
                because=[f"depends on the {year} placement, known only as one of {', '.join(placement.possible)} "
                         f"({placement.basis})"],
                reason="barred in some readings",
                status=f"known only as one of {tiers} in the {year} report ({period}): barred in some readings")


def _bar(verdict):
    return None if verdict is None else not verdict


def _period_words(ctx, year) -> str:
    start, until = ctx.period(year)
    mark = summary.ESTIMATED if ctx.estimated(year + 1) else ""
    return f"the most recent from {start.isoformat()} to {until.isoformat()}{mark}"


def _placement(ctx, code, year, own) -> Placement:
    if year in own:
        return _override(year, own[year])
    return ctx.record.knowledge(code, year, ctx.options)


SETTLED_BY = {"user": "as you decided", "record": "recorded", "scenario": "as the scenario decides"}


def _reading(ctx, code, on, own, decisions, placement) -> tuple:
    """(fast-track available, because, effective tier, in words) for one reading of the partner's placement:
    the consequences of the list it was published on."""
    spec = _spec(ctx)
    year = placement.year
    case = Case(code, year, placement, history_for(ctx, code, year, own), on=on)
    case = with_decisions(case, decisions.get(code, {}).get(year, {}), "user")
    _, result, _ = published(ctx, case)
    bars = [c for c in result["consequences"] if c["id"] == spec["bar"]]
    exception = next((d for d in result["decisions"] if d["id"] == spec["exception_decision"]), None)
    effective = result["effective_tier"]
    ignored = sorted(set(case.decisions) - {d["id"] for d in result["decisions"]})
    if not bars:
        note = f" ({', '.join(ignored)}: no rule opens it for this placement)" if ignored else ""
        if exception and exception["settled_by"] in SETTLED_BY and exception["applied"] != exception.get("default"):
            note = f" ({exception['title']}: {exception['applied']}, {SETTLED_BY[exception['settled_by']]})" + note
        return True, [f"{spec['bar']} does not apply to the {year} placement"], effective, "no bar" + note
    law = _law_of(bars)
    if any(b["status"] == "indeterminate" for b in bars):
        return None, bars, effective, f"barred only in some readings of the years before ({law})"
    condition = "; ".join(filter(None, (summary.hinge(b, summary.decisions_by_id(result)) for b in bars)))
    if exception and exception["settled_by"] not in SETTLED_BY:
        return None, bars + [exception], effective, f"barred on that date {condition}".strip() + f" ({law})"
    return False, bars + ([exception] if exception else []), effective, f"barred on that date ({law})"


def _law_of(bars: list) -> str:
    """The citation and enacting law of the bar, once per version in force ("19 U.S.C. 4205(b)(6)(A), P.L. 114-26
    §106(b)(6)")."""
    return "; ".join(dict.fromkeys(f"{b['cite']}, {b['enacted_by']}" for b in bars))


def exception_route(ctx: Context, on: dt.date) -> dict:
    """Whether a rule in force on `on` offers the decision that can lift the bar."""
    spec = _spec(ctx)
    year = most_recent_report(ctx, on)
    decision = ctx.rulebook.decisions[spec["exception_decision"]]
    rules = [item.rule for item in ctx.book(year, on).rules if item.rule.then.opens == decision.id] if year else []
    return {"decision": decision.id, "title": decision.title, "cite": decision.cite, "available": bool(rules),
            "rules": [rule.id for rule in rules]}


def trade(ctx: Context, partners=(), agreement: str | None = None, on: dt.date | str | None = None,
          overrides: dict | None = None, decisions: dict | None = None, partners_only: bool = False) -> dict:
    """Whether an implementing bill for an agreement with `partners` (codes or names), or with the
    partners of `agreement` (a short name in the record's agreements, such as "TPP"), can use
    fast-track procedures on the date `on` (a date or "YYYY-MM-DD"). `overrides` ({code: {year: tier}})
    and `decisions` ({code: {year: {decision: option}}}) stand in for the record, as a scenario's do;
    with `partners_only` (the command line's --set and --decide), one given for a country that is not a
    partner is an error rather than unused.
    Returns the dictionary `tierlaw trade --format json` prints: `tpa_available` (True, False, or
    None when it hangs on an open decision or unknown data), the trade authority in force, and each
    partner's status with its reasons."""
    partners, on = as_names(partners, "partners"), ctx.checked_date(as_date(on, "on"))
    if on is None:
        raise InputError("give the date on which the implementing bill is considered", "on")
    if partners and agreement:  # an agreement names its own partners
        raise InputError(f"give partner countries or an agreement, not both: leave out {arg('agreement')} to check "
                         f"the partners", "partners/agreement")
    if not (partners or agreement):
        raise InputError(f"give either partner countries or an agreement ({arg('agreement')})", "partners/agreement")
    if agreement:  # named as the record spells it, whatever the case typed ("tpp")
        agreement = next((name for name in ctx.record.agreements if name.lower() == agreement.strip().lower()), agreement)
    if agreement and agreement not in ctx.record.agreements:
        known = ", ".join(sorted(ctx.record.agreements)) or "none"
        raise InputError(f"unknown agreement {agreement!r} (known: {known})", "agreement")
    codes = ctx.record.agreements[agreement]["partners"] if agreement else ctx.record.codes_of(partners)
    for given, flag in ((overrides or {}, "sets"), (decisions or {}, "decide")) if partners_only else ():
        strangers = sorted(set(given) - set(codes))
        if strangers:  # never silently ignored
            raise InputError(f"{', '.join(strangers)} is not a partner in this question (partners: "
                             f"{', '.join(codes)})", flag)
    if partners_only:
        _check_sets_before(ctx, overrides or {}, on)
    spec = _spec(ctx)
    authority = _authority(spec, on)
    found = [partner_status(ctx, code, on, overrides or {}, decisions or {}) for code in codes]
    if not authority["in_force"]:  # no fast-track for anyone, whatever the partners' placements
        found = [dict(p, tpa_available=False, status=f"no trade promotion authority on that date, so no bar either "
                                                      f"(it attaches to the authority's procedures); {p['status']}")
                 for p in found]
    verdicts = [p["tpa_available"] for p in found]
    overall = (False if not authority["in_force"] or False in verdicts else None if None in verdicts else True)
    report = {"on": on.isoformat(), "agreement": agreement, "tpa_available": overall, "authority": authority,
              "exception_route": exception_route(ctx, on),
              "blocking": [p["country"] for p in found if p["bar"] is True],
              "open": [p["country"] for p in found if p["bar"] is None],
              "milestones": _milestones(ctx, agreement, on),
              "partners": found, "options": ctx.options, "receipt": ctx.receipt()}
    report["summary"] = [summary.trade_summary(report)] + [m["text"] for m in report["milestones"]]
    return report


def _check_sets_before(ctx: Context, overrides: dict, on: dt.date) -> None:
    """A placement set for a report published after `on` cannot bear on the answer: an error, not ignored."""
    latest = most_recent_report(ctx, on)
    late = sorted((year, code) for code, years in overrides.items() for year in years
                  if latest is None or year > latest)
    if late:
        year, code = late[0]
        in_force = f"the {latest} report was the most recent" if latest is not None else "no report was out yet"
        raise InputError(f"{code}:{year} cannot bear on {on.isoformat()}: {in_force} on that date", "sets")


def _milestones(ctx, agreement, on) -> list:
    """The agreement's dated events on or before `on` (concluded, signed, a withdrawal), from the data; an event
    that `closes` the agreement (no implementing bill can follow) makes the fast-track answer moot."""
    if not agreement:
        return []
    dates = ctx.record.agreements[agreement].get("dates") or {}
    found = sorted((entry["date"], event, entry) for event, entry in dates.items() if entry["date"] <= on)
    return [{"event": event, "date": day.isoformat(), "source": entry["source"], "what": entry.get("what", event),
             "closes": entry.get("closes", False),
             "text": f"{agreement}: {entry.get('what', event)} on {day.isoformat()} ({entry['source']})"}
            for day, event, entry in found]


def _partner_item(ctx: Context, item: str, what: str, form: str) -> tuple:
    """`COUNTRY:REST` -> (code, REST), the country looked up in the record."""
    country, sep, rest = item.partition(":")
    if not sep or not country.strip() or not rest:
        raise InputError(f"{item!r} is not {form}", what)
    return ctx.record.lookup(country).code, rest


def parse_partner_sets(ctx: Context, items: list) -> dict:
    """`--set COUNTRY:YEAR=TIER` items as {code: {year: tier}}."""
    found: dict = {}
    for item in items:
        code, rest = _partner_item(ctx, item, "sets", "COUNTRY:YEAR=TIER")
        year, sep, tier = rest.partition("=")
        if not sep or not year.strip().isdigit():
            raise InputError(f"{item!r} is not COUNTRY:YEAR=TIER", "sets")
        ctx.check_year(int(year), "sets", code)
        if int(year) in found.get(code, {}):
            raise InputError(f"{code} {year} is set twice", "sets")
        found.setdefault(code, {})[int(year)] = ctx.check_tier(tier.strip(), "sets")
    return found


def parse_partner_decisions(ctx: Context, items: list, on: dt.date) -> dict:
    """`--decide COUNTRY:DECISION=OPTION` items as {code: {year: {decision: option}}}, for each partner's
    placement in the report most recent on `on`."""
    year = most_recent_report(ctx, on)
    found: dict = {}
    for item in items:
        code, rest = _partner_item(ctx, item, "decide", "COUNTRY:DECISION=OPTION")
        settled = found.setdefault(code, {}).setdefault(year, {})
        for name, value in parse_decisions(ctx, [rest]).items():
            if name in settled:
                raise InputError(f"decision {name!r} is settled twice for {code}", "decide")
            settled[name] = value
    return found
