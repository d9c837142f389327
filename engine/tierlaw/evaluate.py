"""Run a compiled rulebook over the facts of one country-year on a backend.

Strata come from the rules themselves (a rule runs after every rule deriving what it consumes).
Between strata, defaults and `unless` exceptions are resolved, then the surviving derivations
are added as facts. The backend only matches; this module knows no law.
"""

from __future__ import annotations

import attrs

from .compile import BASE_KIND, defeaters_of
from .errors import RulebookConflict
from .memo import per_book
from .model import CompiledBook, Match


@attrs.frozen
class Run:
    """What one evaluation fired: surviving matches in order, and every fact by id."""

    fired: tuple  # Match, in stratum then rule order
    facts: dict  # fact id -> fact
    justified_by: dict  # derived fact id -> (Match, ...)

    def derived(self, kind: str):
        fact = self.facts.get(kind)
        return None if fact is None or fact["kind"] == BASE_KIND else fact["value"]


def base_fact(proposed_tier: str, features: tuple, decisions: dict, country: dict | None = None) -> dict:
    """The one input fact of a country-year: proposed placement, feature values, decision values and the
    facts of the country."""
    fact = {"id": BASE_KIND, "kind": BASE_KIND, "proposed_tier": proposed_tier}
    fact.update({f"f__{name}": value for name, value in features})
    fact.update({f"d__{name}": value for name, value in sorted(decisions.items())})
    fact.update({f"c__{name}": value for name, value in sorted((country or {}).items())})
    return fact


@per_book
def _rule_tables(book: CompiledBook) -> tuple:
    """(rules by id, position by id) of a compiled book, built once."""
    return ({item.rule.id: item for item in book.rules},
            {item.rule.id: index for index, item in enumerate(book.rules)})


def book_rule(book: CompiledBook, rule_id: str):
    """The compiled rule `rule_id` of a book."""
    return _rule_tables(book)[0][rule_id]


def run(backend, book: CompiledBook, base: dict) -> Run:
    rules, order = _rule_tables(book)
    defeaters = defeaters_of(book)
    session = backend.open_session(book)
    facts, justified, fired, fired_ids = {base["id"]: base}, {}, [], set()
    try:
        pending = session.add([base])
        for stratum in range(book.strata):
            batch = sorted((m for m in pending if rules[m.rule_id].stratum == stratum),
                           key=lambda m: (order[m.rule_id], m.fact_ids))
            pending = [m for m in pending if rules[m.rule_id].stratum != stratum]
            kept = _undefeated(batch, defeaters, fired_ids)
            fired += kept
            fired_ids |= {m.rule_id for m in kept}
            new = _derive(kept, rules, facts, justified)
            pending += session.add(new)
    finally:
        session.close()
    return Run(fired=tuple(fired), facts=facts, justified_by={k: tuple(v) for k, v in justified.items()})


def _undefeated(batch: list, defeaters: dict, earlier: set) -> list:
    """Matches not defeated by a surviving match of this stratum or a rule fired earlier."""
    present = {m.rule_id for m in batch}
    verdict: dict[str, bool] = {}
    return [m for m in batch if _survives(m.rule_id, (), defeaters, earlier, present, verdict)]


def _survives(rule_id, path, defeaters, earlier, present, verdict) -> bool:
    """Whether a match of `rule_id` survives: no defeater fired earlier, none of this stratum survives. A
    function of its own, not a closure: a closure that calls itself is a cycle the collector must find."""
    if rule_id in path:
        raise RulebookConflict(f"rules defeat each other in a cycle: {' -> '.join(path + (rule_id,))}")
    if rule_id not in verdict:
        verdict[rule_id] = not any(
            d in earlier or (d in present and _survives(d, path + (rule_id,), defeaters, earlier, present, verdict))
            for d in defeaters[rule_id])
    return verdict[rule_id]


def _derive(kept: list, rules: dict, facts: dict, justified: dict) -> list:
    base = facts[BASE_KIND]
    new = []
    for match in kept:
        for kind, expression in rules[match.rule_id].rule.then.derive:
            value = _derived_value(expression, base)
            existing = facts.get(kind)
            if existing is not None and existing["value"] != value:
                first, second = rules[justified[kind][0].rule_id].rule, rules[match.rule_id].rule
                raise RulebookConflict(f"rules {first.id} ({first.file}:{first.line}) and {second.id} "
                                       f"({second.file}:{second.line}) derive different {kind}: "
                                       f"{existing['value']!r} and {value!r} for the same facts")
            if existing is None:
                facts[kind] = {"id": kind, "kind": kind, "value": value}
                new.append(facts[kind])
            justified.setdefault(kind, []).append(match)
    return new


def _derived_value(expression, base: dict):
    if isinstance(expression, dict) and "field" in expression:
        return base[expression["field"]]
    if isinstance(expression, dict) and "decision" in expression:
        return base["d__" + expression["decision"]]
    return expression


def opened_decisions(run_: Run, book: CompiledBook) -> list:
    """Decisions a fired rule opens or tests: those whose value shaped this result."""
    found = set()
    for match in run_.fired:
        rule = book_rule(book, match.rule_id).rule
        found |= {rule.then.opens} if rule.then.opens else set()
        found |= {atom.ref.partition(".")[2] for atom in rule.when if atom.ref.startswith("decision.")}
    return sorted(found)


__all__ = ["Run", "Match", "base_fact", "book_rule", "run", "opened_decisions"]
