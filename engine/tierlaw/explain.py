"""Consequences with their derivations: rule, citation, enacting law and the facts used,
recursively down to the placements (with their sources) the features were read from."""

from __future__ import annotations

import datetime as dt

from .memo import keep, kept, per_book
from .compile import date_of, parameter
from .evaluate import book_rule
from .features import evidence_years


def placement_entry(case, year: int) -> dict:
    """A placement as a fact of a derivation: its tier (a list where known only as a set), origin, sources."""
    placement = case.proposed if year == case.year else case.history.get(year)
    if placement is None:
        return {"year": year, "tier": None, "origin": "unknown", "sources": []}
    entry = {"year": year, "tier": placement.tier if placement.known else
             (list(placement.possible) if placement.possible else None),
             "origin": placement.origin if (placement.known or placement.possible) else "unknown",
             "sources": list(placement.sources)}
    if placement.confidence:
        entry["confidence"] = placement.confidence
    if placement.possible:
        entry["basis"] = placement.basis
    if placement.assumed:
        entry["assumed"] = list(placement.assumed)
    return entry


def report_anchor(ctx, year: int) -> dict:
    """The date a report counts from: its known release date, else its statutory deadline (estimated)."""
    if year in ctx.record.releases:
        day, source = ctx.record.releases[year]
        return {"date": day.isoformat(), "basis": f"release date ({source})"}
    deadline, ref = parameter(ctx.rulebook, "reports.deadline", year, ctx.options)
    month, day = (int(part) for part in str(deadline).split("-"))
    return {"date": dt.date(year, month, day).isoformat(), "estimated": True,
            "basis": f"statutory deadline ({ref}); the release date is not known"}


def _anchor_date(ctx, year, anchor) -> tuple:
    """(date, basis, estimated) of a rule's date anchor."""
    if anchor == "report_released":
        found = report_anchor(ctx, year)
        return dt.date.fromisoformat(found["date"]), f"report of {year}: {found['basis']}", "estimated" in found
    return date_of(anchor), "fixed date in the statute", False


def _estimated(entry: dict, estimated: bool) -> dict:
    return dict(entry, estimated=True) if estimated else entry


def _dates(ctx, year, item) -> dict:
    then, out = item.rule.then, {}
    if then.due and "anchor" in then.due:
        start, basis, guess = _anchor_date(ctx, year, then.due["anchor"])
        out["due"] = _estimated({"by": (start + dt.timedelta(days=then.due["days"])).isoformat(),
                                 "counted_from": start.isoformat(), "days": then.due["days"], "basis": basis}, guess)
    elif then.due:
        due = dt.date(year + then.due["year_offset"], then.due["month"], then.due["day"])
        out["due"] = {"by": due.isoformat()}
    if then.window:
        start, basis, guess = _anchor_date(ctx, year, then.window["anchor"])
        out["window"] = _estimated({"from": (start + dt.timedelta(days=then.window["from_days"])).isoformat(),
                                    "to": (start + dt.timedelta(days=then.window["to_days"])).isoformat(),
                                    "basis": basis}, guess)
    if then.fiscal_year is not None:
        out["fiscal_year"] = year + then.fiscal_year
    if item.holds:
        out["holds"] = _estimated({"from": item.holds[0].isoformat(), "until": item.holds[1].isoformat()},
                                  _bound_estimated(ctx, year, item.holds))
    return out


def _bound_estimated(ctx, year, holds) -> bool:
    """A holding period one of whose ends is a report date taken from the statutory deadline."""
    start, until = ctx.period(year)
    return (holds[0] == start and ctx.estimated(year)) or (holds[1] == until and ctx.estimated(year + 1))


def consequence(ctx, case, book, vector, run_, match, explain: bool = True, memo: dict | None = None) -> dict:
    """A consequence of a case; with `explain`, its derivation (`because`) down to the case's own facts.
    `memo` holds the facts already explained for this case and reading: consequences that rest on the same
    facts share their entries."""
    head, tail = _frame(ctx, book, match.rule_id)
    entry = dict(head)
    if explain:
        entry["because"] = because(ctx, case, book, vector, run_, match, {} if memo is None else memo)
    entry.update(tail)
    return entry


def _frame(ctx, book, rule_id) -> tuple:
    """What a consequence says whatever the case: the rule's identity before its derivation, and its notes
    and dates after it; once per context, compiled book (a report year, options and dates) and rule. The
    dicts inside are shared by every result that shows the rule: read-only."""
    return _kept(ctx, ("frame", book.digest, rule_id), _make_frame, ctx, book, rule_id)


def _make_frame(ctx, book, rule_id) -> tuple:
    item = book_rule(book, rule_id)
    rule = item.rule
    head = {"id": rule.consequence, "title": rule.title, "cite": rule.cite, "enacted_by": rule.enacted_by,
            "rule": rule.id, "confidence": rule.confidence, "source": f"{rule.file}:{rule.line}"}
    if rule.headline:
        head["headline"] = rule.headline
    if rule.group:
        head["group"] = rule.group
    tail = {}
    if rule.note:
        tail["note"] = rule.note
    if rule.then.opens:
        tail["opens_decision"] = rule.then.opens
    tail.update(_dates(ctx, book.year, item))
    return head, tail


def _kept(ctx, key: tuple, make, *args):
    """ctx.explained[key], made by `make(*args)` the first time (memo.kept: a long-running server asks about
    ever new hypothetical cases)."""
    return kept(ctx.explained, key, make, *args)


def because(ctx, case, book, vector, run_, match, memo: dict | None = None) -> list:
    memo = {} if memo is None else memo
    plans = _plans(book)
    proposed, tests = plans.get(match.rule_id) or _made_plan(book, match.rule_id, plans)
    facts = [_proposed(ctx, case, memo)] if proposed else []
    for key, kind, name, atom, value, param in tests:
        fact = memo.get(key)
        if fact is None:
            fact = memo[key] = _fact_used(ctx, case, book, vector, run_, kind, name, atom, value, param, memo)
        facts.append(fact)
    return facts


@per_book
def _plans(book) -> dict:
    """rule id -> its derivation plan (_made_plan), filled as the book's rules are explained."""
    return {}


def _made_plan(book, rule_id, plans: dict) -> tuple:
    """What a rule's derivation lists: whether the proposed placement (a rule that tests nothing, or derives
    from the placement's own fields), and each fact it tested as (memo key, kind, name, atom, value, parameter).
    Kept in the book's `plans`."""
    item = book_rule(book, rule_id)
    proposed = not item.atoms or any(isinstance(v, dict) and "field" in v for _, v in item.rule.then.derive)
    tests = tuple((_memo_key(atom), *_kind(atom.ref), atom, value, param) for atom, value, param in item.atoms)
    found = plans[rule_id] = proposed, tests
    return found


def _memo_key(atom):
    """Where a case's memo keeps the fact an atom tests. A derived fact reads the same whichever rule tests it
    (its value and the rules that derived it), so its consequences share one entry; a feature's entry names
    the test made of it, so each atom has its own (the atoms of the book's rules live as long as the book,
    and a memo less: their ids are keys)."""
    kind, name = _kind(atom.ref)
    return ("derived", name) if kind == "derived" else id(atom)


def _kind(ref: str) -> tuple:
    """(kind, name) of what an atom tests: the proposed tier, a feature, a decision, a country fact, or else a
    derived fact."""
    if ref == "proposed_tier":
        return "proposed", ref
    head, _, name = ref.partition(".")
    return (head if head in ("feature", "decision", "country") else "derived"), name


def _proposed(ctx, case, memo: dict) -> dict:
    if "proposed" not in memo:
        memo["proposed"] = dict(fact="placement", **_placement(ctx, case, case.year))
    return memo["proposed"]


def _placement(ctx, case, year: int) -> dict:
    """placement_entry; once per context for what the record knows of a country-year (a country's years are
    facts of all its later years' cases), shared read-only by the results that cite it. A placement made
    for one question (`--set`, a proposed tier, a forward step) is explained afresh, not kept."""
    placement = case.proposed if year == case.year else case.history.get(year)
    key = ("placement", case.code, year)
    kept = ctx.explained.get(key)
    if kept is not None and kept[0] is placement:
        return kept[1]
    entry = placement_entry(case, year)
    if placement is not None and kept is None and ctx.knowledge(case.code, year) is placement:
        keep(ctx.explained, key, (placement, entry))
    return entry


def _test_text(atom, value) -> str:
    shown = list(value) if isinstance(value, tuple) else value
    return f"{atom.op} {shown}"


def _fact_used(ctx, case, book, vector, run_, kind, name, atom, value, param, memo) -> dict:
    """One fact a rule tested, read from the case itself (a run from the cache may have been made for
    another case the law cannot tell apart from this one)."""
    if kind == "proposed":
        return _proposed(ctx, case, memo)
    if kind == "feature":
        return _feature_used(ctx, case, book, vector, name, atom, value, param, memo)
    if kind == "decision":
        return _decision_fact(ctx, name, case.decisions.get(name, ctx.rulebook.decisions[name].default),
                              case.settled_by.get(name, "default"))
    if kind == "country":
        return _country_fact(ctx, case.code, name)
    return {"fact": "derived", "kind": name, "value": run_.facts[name]["value"],
            "derived_by": [_derivation(ctx, case, book, vector, run_, m, memo) for m in run_.justified_by[name]]}


def _feature_used(ctx, case, book, vector, name, atom, value, param, memo) -> dict:
    if "values" not in memo:
        memo["values"] = dict(vector.values)
        memo["history"] = {year: p.tier for year, p in case.history.items()}
    entry = {"fact": "feature", "name": name, "value": memo["values"][name]}
    entry.update(_feature_test(ctx, book, atom, value, param))
    entry["placements"] = [_placement(ctx, case, y) for y in
                           evidence_years(book.features[name], memo["history"], case.year) if y in case.history]
    return entry


def _feature_test(ctx, book, atom, value, param) -> dict:
    """The test a rule makes of a feature, with the parameter it reads: once per context and compiled book."""
    return _kept(ctx, ("test", book.digest, id(atom)), _make_test, book, atom, value, param)


def _make_test(book, atom, value, param) -> dict:
    test = {"test": _test_text(atom, value)}
    if param:
        test["parameter"] = {"name": param, "value": book.parameters[param][0], "ref": book.parameters[param][1]}
    return test


def _decision_fact(ctx, decision_id: str, value, settled_by: str) -> dict:
    """A decision as a fact, the same for every case where it has this value: once per context, read-only."""
    return _kept(ctx, ("decision", decision_id, value, settled_by), _make_decision, decision_id, value, settled_by)


def _make_decision(decision_id: str, value, settled_by: str) -> dict:
    return {"fact": "decision", "id": decision_id, "value": value, "settled_by": settled_by}


def _country_fact(ctx, code: str, name: str) -> dict:
    """A country's fact, the same in each of its cases: once per context, read-only."""
    return _kept(ctx, ("country", code, name), _make_country, ctx, code, name)


def _make_country(ctx, code: str, name: str) -> dict:
    own = name in ctx.record.facts.get(code, {})
    return {"fact": "country", "name": name, "value": ctx.country_facts(code)[name],
            "source": "data/countries.yaml" if own else "the rulebook's default for every country"}


def _derivation(ctx, case, book, vector, run_, match, memo) -> dict:
    head = _kept(ctx, ("derivation", book.digest, match.rule_id), _derivation_head, book, match.rule_id)
    return dict(head, because=because(ctx, case, book, vector, run_, match, memo))


def _derivation_head(book, rule_id) -> dict:
    rule = book_rule(book, rule_id).rule
    return {"rule": rule.id, "cite": rule.cite, "enacted_by": rule.enacted_by}
