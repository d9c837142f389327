"""Consequences with their derivations: rule, citation, enacting law and the facts used,
recursively down to the placements (with their sources) the features were read from."""

from __future__ import annotations

import datetime as dt

import attrs

from .memo import keep, kept, kept_for, owned, per_book
from .compile import date_of, parameter
from .evaluate import book_rule
from .features import build


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


# What a result's derivations are made of, whatever the case (a result plan's slots): the proposed placement,
# a feature with the test made of it, a decision, a country fact, and a derived fact with its derivations.
PROPOSED, FEATURE, DECISION, COUNTRY, DERIVED = "proposed", "feature", "decision", "country", "derived"


@attrs.frozen
class ResultPlan:
    """How the results of every case with these readings and this book are built: each fact a derivation
    lists, once per reading (`slots`, a derived fact after the facts it rests on), and each consequence as
    (what it says whatever the case: its identity, notes, dates and status; the slots of its derivation;
    shown in every reading; whether its derivation reads a feature that differs between readings). Made
    once per context, book and readings that ran alike (`Readings.alike`); a case then fills the slots from
    its own facts and its readings' feature values (`_facts`): no derivation is looked up again. A plan made
    for results without derivations (`explained` false, the compact audit's) has no slots."""

    slots: tuple
    consequences: tuple
    explained: bool


def result_plan(ctx, book, readings, explain: bool = True) -> ResultPlan:
    """The plan of the results of the cases with these readings, kept per context and shared by readings that
    ran alike (`Readings.alike`: histories the runs cannot tell apart, whatever their feature values). A context
    that evaluates every case afresh keeps no plan. A plan with derivations serves results without them too."""
    if readings.alike is None:
        return _made_result_plan(ctx, book, readings, explain)
    table, key = ctx.explained, ("plan", book.digest, readings.alike)
    found = table.get(key + (True,)) or (None if explain else table.get(key + (False,)))
    if found is None:
        found = keep(table, key + (explain,), _made_result_plan(ctx, book, readings, explain))
    return found


def _made_result_plan(ctx, book, readings, explain: bool) -> ResultPlan:
    slots, names, consequences = [], [], []
    memos = [{} for _ in readings.each]  # memo key -> slot, per reading: its consequences share their facts
    for key, first, certain in readings.shown:
        ran = readings.each[first][1]
        match = ran.shown[key]
        head, tail = _frame(ctx, book, match.rule_id)
        because = _because_slots(ctx, book, first, ran.run, match, memos[first], slots, names) if explain else ()
        mentions = bool(readings.varying) and any(names[i] & readings.varying for i in because)
        fixed = {**head, **tail, "status": "certain" if certain else "indeterminate"}
        consequences.append((fixed, because, certain, mentions))
    return ResultPlan(tuple(slots), tuple(consequences), explain)


def _slot(slots: list, names: list, slot: tuple, mentioned: frozenset) -> int:
    slots.append(slot)
    names.append(mentioned)  # the features a slot's fact reads, itself or below
    return len(slots) - 1


def _because_slots(ctx, book, reading: int, run_, match, memo: dict, slots: list, names: list) -> tuple:
    """The slots of the facts a match's derivation lists, made where this reading has not made them yet."""
    plans = _plans(book)
    proposed, tests = plans.get(match.rule_id) or _made_plan(book, match.rule_id, plans)
    found = []
    if proposed:
        found.append(_proposed_slot(memo, slots, names))
    for key, kind, name, atom, value, param in tests:
        index = memo.get(key)
        if index is None:
            index = memo[key] = _fact_slot(ctx, book, reading, run_, kind, name, atom, value, param, memo, slots,
                                           names)
        found.append(index)
    return tuple(found)


def _proposed_slot(memo: dict, slots: list, names: list) -> int:
    if "proposed" not in memo:
        memo["proposed"] = _slot(slots, names, (PROPOSED,), frozenset())
    return memo["proposed"]


def _fact_slot(ctx, book, reading: int, run_, kind, name, atom, value, param, memo, slots, names) -> int:
    """The slot of one fact a rule tested in a reading (a run from the cache may have been made for another case
    the law cannot tell apart from this one: the case's own facts, and its reading's feature values, fill the
    slots)."""
    if kind == PROPOSED:
        return _proposed_slot(memo, slots, names)
    if kind == FEATURE:
        test = _feature_test(ctx, book, atom, value, param)
        feature = build(book.features[name])  # the automaton that says which years the value rests on
        return _slot(slots, names, (FEATURE, name, reading, test, feature), frozenset((name,)))
    if kind in (DECISION, COUNTRY):
        return _slot(slots, names, (kind, name), frozenset())
    derivations, mentioned = [], frozenset()
    for derived_by in run_.justified_by[name]:
        head = _kept(ctx, ("derivation", book.digest, derived_by.rule_id), _derivation_head, book,
                     derived_by.rule_id)
        because = _because_slots(ctx, book, reading, run_, derived_by, memo, slots, names)
        mentioned = mentioned.union(*(names[i] for i in because))
        derivations.append((head, because))
    return _slot(slots, names, (DERIVED, name, run_.facts[name]["value"], tuple(derivations)), mentioned)


def consequences(ctx, case, book, readings, explain: bool = True) -> list:
    """The consequences of a case with these readings; with `explain`, each with its derivation (`because`)
    down to the case's own facts. Facts a reading's consequences have in common are one entry."""
    plan = result_plan(ctx, book, readings, explain)
    facts = _facts(ctx, case, book, readings, plan.slots) if explain else []
    fact_at = facts.__getitem__
    unknown = list(readings.unknown)
    found = []
    for index, (fixed, because, certain, mentions) in enumerate(plan.consequences):
        entry = dict(fixed)
        if explain:
            entry["because"] = list(map(fact_at, because))
            if mentions:
                entry["because"].insert(0, {"fact": "unknown_placements", "years": unknown, "note": UNKNOWN_NOTE})
        if not certain:  # several readings, so Readings.turning has given each consequence its years
            entry["depends_on_unknown_years"] = list(readings.shown_turns[index])
        found.append(entry)
    return found


UNKNOWN_NOTE = "the facts below are one reading of these years, known only in part or not at all"


def _facts(ctx, case, book, readings, slots: tuple) -> list:
    """The facts of a plan's slots, read from the case: its placements, decisions, country and the feature values
    of its readings."""
    facts, placements, history, values = [], {}, None, {}
    fact_at = facts.__getitem__
    for slot in slots:
        kind = slot[0]
        if kind == DERIVED:
            facts.append({"fact": "derived", "kind": slot[1], "value": slot[2],
                          "derived_by": [dict(head, because=list(map(fact_at, because))) for head, because in slot[3]]})
        elif kind == PROPOSED:
            facts.append(dict(fact="placement", **_placement(ctx, case, case.year)))
        elif kind == FEATURE:
            name, reading = slot[1], slot[2]
            if reading not in values:
                values[reading] = dict(readings.each[reading][0].values)
            entry = {"fact": "feature", "name": name, "value": values[reading][name]}
            entry.update(slot[3])
            if name not in placements:  # the placements a feature of the case was read from
                history = history or {year: p.tier for year, p in case.history.items()}
                placements[name] = [_placement(ctx, case, y) for y in slot[4].evidence(history, case.year)
                                    if y in case.history]
            entry["placements"] = placements[name]
            facts.append(entry)
        elif kind == DECISION:
            name = slot[1]
            facts.append(_decision_fact(ctx, name, case.decisions.get(name, ctx.rulebook.decisions[name].default),
                                        case.settled_by.get(name, "default")))
        else:
            facts.append(_country_fact(ctx, case.code, slot[1]))
    return facts


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


def _placement(ctx, case, year: int) -> dict:
    """placement_entry; once per context for what the record knows of a country-year (a country's years are
    facts of all its later years' cases; the years of countries no source names share what the lists say),
    shared read-only by the results that cite it. A placement made for one question (`--set`, a proposed
    tier, a forward step) is explained afresh, not kept."""
    placement = case.proposed if year == case.year else case.history.get(year)
    key = ("placement", year, id(placement))
    found = owned(ctx.explained, key, placement)
    if found is None:
        found = placement_entry(case, year)
        if placement is not None and ctx.knowledge(case.code, year) is placement:
            keep(ctx.explained, key, (placement, found))
    return found


def _test_text(atom, value) -> str:
    shown = list(value) if isinstance(value, tuple) else value
    return f"{atom.op} {shown}"


def _feature_test(ctx, book, atom, value, param) -> dict:
    """The test a rule makes of a feature, with the parameter it reads: once per context and compiled book
    (kept with the atom, so that an id another atom takes once this one is gone is not read as this one's)."""
    return kept_for(ctx.explained, ("test", book.digest, id(atom)), atom, _make_test, book, atom, value, param)


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


def _derivation_head(book, rule_id) -> dict:
    rule = book_rule(book, rule_id).rule
    return {"rule": rule.id, "cite": rule.cite, "enacted_by": rule.enacted_by}
