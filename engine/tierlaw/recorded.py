"""A recorded placement judged against the law: the consequences of the list it was published on, the
decisions recorded or inferred for it, and the findings of the audit (required, chosen, conflict, gap).

What the law would have required is a finding here, never a consequence: the published list stands."""

from __future__ import annotations

import datetime as dt

import attrs

from .memo import per_book
from .model import Placement
from .queries import (Case, Context, default_alternatives, evaluation, fitted, other_outcomes, published,
                      readings_turning, transforming_rules, with_recorded_decisions)


def judged(ctx: Context, case: Case, explain: bool = True) -> dict:
    """RESULT of a recorded placement (consequences of the published list) with its `findings`; without
    `explain`, no consequence or finding carries its derivation (`because`)."""
    evaluated, result, law = published(ctx, case, explain)
    _attach_documents(ctx, evaluated, result)
    case = with_recorded_decisions(ctx, case)  # the law's own view: nothing set aside
    findings = required_or_chosen(ctx, case, explain)
    if law.fits is False:
        findings.append(conflict(ctx, case, law.result(ctx, explain)))
    if law.fits is None:
        findings.append(gap(ctx, case, law.result(ctx, explain=False)))
    return dict(result, findings=findings)


# ---------------------------------------------------------------- what the law required


def transforming_proposals(ctx: Context, year: int) -> list:
    """Proposed tiers that some rule in force can turn into a different effective tier."""
    return _transforming_proposals(ctx.book(year, None))


@per_book
def _transforming_proposals(book) -> list:
    changing = transforming_rules(book)
    found = set()
    for item in book.rules:
        if item.rule.id in changing:
            for atom, value, _ in item.atoms:
                if atom.ref == "proposed_tier":
                    found |= set(value) if isinstance(value, tuple) else {value}
    return sorted(found)


def required_or_chosen(ctx: Context, case: Case, explain: bool = True) -> list:
    """For each other proposal the law would have turned into the recorded tier: was the recorded tier
    required (no decision could keep that proposal), or a choice the law allowed?"""
    findings = []
    tier = case.proposed.tier
    for proposal in transforming_proposals(ctx, case.year):
        if proposal == tier:
            continue
        trial = attrs.evolve(case, proposed=Placement(case.year, proposal, origin="proposed"), decisions={},
                             settled_by={}, sources={}, set_aside=frozenset())
        found = evaluation(ctx, trial)
        if found.effective != tier:
            continue
        result = found.result(ctx, explain)
        allowed = _also_allowed(ctx, trial, result)
        kind = "chosen" if allowed else "required"
        readings = _finding_readings(ctx, trial, tier, kind)
        for c in _deriving_effective(ctx, case.year, result):
            entry = dict(c, audit=kind, instead_of=proposal, open_decisions=[d["id"] for d in result["decisions"]])
            if kind == "chosen":
                entry["allowed_with"] = [w for a in allowed for w in a["with"]]
                entry["also_allowed"] = allowed
            if readings:
                entry["options_assumed"] = readings
            findings.append(entry)
    return findings


def _also_allowed(ctx: Context, trial: Case, result: dict) -> list:
    """[{tier, with}]: what else the law allowed for another proposal that year than the recorded tier it gave,
    under some choice of the decisions left open: the proposal kept (a waiver), or, where the law forces the
    proposal off its list without naming the next ((F)), each other list. Empty: the recorded tier was
    required."""
    kept, _, fits = fitted(ctx, trial, by="needed")
    if fits is True:
        return [{"tier": trial.proposed.tier, "with": [f"{d}={v}" for d, v in sorted(kept.decisions.items())]}]
    by_tier: dict = {}
    for decision, options in other_outcomes(ctx, trial, result).items():
        for option, tier in options.items():
            by_tier.setdefault(tier, []).append(f"{decision}={option}")
    return [{"tier": tier, "with": by_tier[tier]} for tier in sorted(by_tier)]


def _finding_kind(ctx: Context, trial: Case, tier: str) -> str | None:
    """What the law made of another proposal that year: the recorded tier `required`, or `chosen` (a decision
    could have given another tier), or None: the proposal would not have become the recorded tier."""
    found = evaluation(ctx, trial)
    if found.effective != tier:
        return None
    return "chosen" if _also_allowed(ctx, trial, found.result(ctx, explain=False)) else "required"


def _finding_readings(ctx: Context, trial: Case, tier: str, kind: str) -> list:
    """The open readings of the statute no one chose, at their default, under which the finding would be another
    (required rather than chosen, or none at all), with what it would be under each other choice."""
    def otherwise_under(other: Context, choice: str) -> dict | None:
        found = _finding_kind(other, trial, tier)
        return None if found == kind else {"choice": choice, "audit": found}
    return [{"option": name, "applied": ctx.options[name], "assumed": True, "otherwise": otherwise}
            for name, _, otherwise in readings_turning(ctx, otherwise_under)]


def _deriving_effective(ctx, year, result) -> list:
    changing = transforming_rules(ctx.book(year, None))
    return [c for c in result["consequences"] if c["rule"] in changing]


# ---------------------------------------------------------------- where the record does not fit


def conflict(ctx: Context, case: Case, law: dict) -> dict:
    """The record does not fit the law as read under the options in force: name the reading."""
    blocking = _deriving_effective(ctx, case.year, law)
    cite = blocking[0]["cite"] if blocking else None
    label = ctx.rulebook.tiers.get(case.proposed.tier, case.proposed.tier).split(" - ")[0]
    fits = {f"{name}={choice}": fitted(other, case)[2] for name, choice, other in ctx.alternative_options()}
    fitting = sorted(k for k, v in fits.items() if v is True)
    if not fitting:  # no single change of reading: try two together
        fits.update({"+".join(names): fitted(other, case)[2] for names, other in ctx.alternative_option_pairs()})
        fitting = sorted(k for k, v in fits.items() if v is True and "+" in k)
    readings = _readings(ctx, fitting)
    if readings:
        title = (f"The published {label} placement conflicts with {cite} as read under "
                 f"{'; '.join(readings)}; it fits the law under {', '.join(k.replace('+', ' with ') for k in fitting)}")
    else:
        title = (f"{label} is not allowed here under {cite} as encoded, under every choice of the open "
                 f"decisions; the record is shown as published")
    return {"id": "record.not_allowed", "audit": "conflict", "cite": cite, "title": title,
            "readings": readings, "law_allows": _allowed_tiers(ctx, case, law),
            "fits_law_with_option": fitting,
            "may_fit_law_with_option": sorted(k for k, v in fits.items() if v is None), "because": blocking}


def _allowed_tiers(ctx, case, law) -> list:
    """The tiers the law would give under some option of the decisions it leaves open ((F) allows 1, 2, 3)."""
    found = set(law.get("effective_tier_possible") or [law["effective_tier"]])
    for _, _, other in default_alternatives(ctx, case, law):
        found |= set(other.possible() or [other.effective])
    return sorted(t for t in found if t is not None)


def _readings(ctx, fitting) -> list:
    """The choices in force of the options whose change would make the record fit: the readings the
    record conflicts with ("special_rule_f_history=literal: any later Tier 3, however early")."""
    names = sorted({part.partition("=")[0] for item in fitting for part in item.split("+")})
    return [f"{name}={ctx.options[name]} ({ctx.all_options[name].choices[ctx.options[name]]})" for name in names]


def gap(ctx: Context, case: Case, law: dict) -> dict:
    return {"id": "record.gap", "audit": "indeterminate",
            "title": "Whether the law allowed this placement depends on years the record knows only in part",
            "unknown_years": law.get("effective_tier_depends_on", law.get("unknown_years", [])),
            "law_gives": law.get("effective_tier_possible", []),
            "because": []}


# ---------------------------------------------------------------- the documents that made a decision


def _attach_documents(ctx: Context, case: Case, result: dict) -> None:
    """Where the record holds the document that made a decision for this year (a presidential
    determination), say when it was made and whether that fell inside the statutory window."""
    windows = {c["opens_decision"]: c["window"] for c in result["consequences"] if "opens_decision" in c
               and "window" in c}
    for decision in result["decisions"]:
        fiscal = next((c.get("fiscal_year") for c in result["consequences"]
                       if c.get("opens_decision") == decision["id"]), None)
        document = ctx.record.documents.get(decision["id"], {}).get(fiscal)
        if document is None:
            continue
        made = {"number": document["number"], "date": document["date"].isoformat(),
                "federal_register": document["federal_register"], "source": document["source"],
                "fiscal_year": fiscal}
        window = windows.get(decision["id"])
        if window:
            low, high = dt.date.fromisoformat(window["from"]), dt.date.fromisoformat(window["to"])
            made["within_window"] = low <= document["date"] <= high
            made["window"] = {"from": window["from"], "to": window["to"]}
        decision["made_by"] = made
