"""Compile a rulebook for one report year: the rules in force, parameters resolved, strata set."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from .errors import InputError
from .memo import BOOKS_KEPT, kept, kept_for, per_book
from .model import Atom, CompiledBook, CompiledRule, Pattern, Rulebook, Test
from .rulebook import feature_arg_problem
from .yamlsafe import is_whole

BASE_KIND = "country_year"


def resolve_options(known: dict, chosen: dict) -> dict:
    """Every option (id -> Option) with the user's choice or its documented default."""
    for name, choice in chosen.items():
        if name not in known:
            raise InputError(f"unknown option {name!r} (known: {', '.join(sorted(known))})", "options")
        if choice not in known[name].choices:
            raise InputError(f"option {name!r} has no choice {choice!r} "
                             f"(choices: {', '.join(known[name].choices)})", "options")
    return {name: chosen.get(name, option.default) for name, option in sorted(known.items())}


def parameter(book: Rulebook, name: str, year: int, options: dict) -> tuple:
    """(value, ref) of a dated parameter for a report year: the latest entry not after it."""
    entries = [entry for since, entry in book.parameters[name].items() if since <= year]
    if not entries:
        raise InputError(f"parameter {name!r} has no value for report year {year}", book.source)
    entry = entries[-1]
    if "by_option" in entry:
        choice = options[entry["by_option"]]
        return entry["choices"][choice], f"{entry['ref']} (option {entry['by_option']}={choice})"
    return entry["value"], entry["ref"]


def field_of(ref: str) -> tuple[str, str]:
    """(fact kind, field) a `when` reference tests."""
    head, _, name = ref.partition(".")
    if head == "derived":
        return name, "value"
    if head == "feature":
        return BASE_KIND, "f__" + name
    if head == "decision":
        return BASE_KIND, "d__" + name
    if head == "country":
        return BASE_KIND, "c__" + name
    return BASE_KIND, ref


def compile_book(book: Rulebook, year: int, options: dict, dates: tuple | None, period: tuple | None = None,
                 set_aside: frozenset = frozenset()) -> CompiledBook:
    """The law for report `year`; date-keyed rules kept where their window meets `dates` [from, until) and,
    for rules that hold while the report is the most recent, the report's `period`. Rules in `set_aside`
    are left out (a recorded placement keeps its published list)."""
    in_force = [(rule, _holds(rule, dates, period)) for rule in book.rules
                if rule.in_force.covers_report(year) and rule.id not in set_aside]
    in_force = [(rule, holds) for rule, holds in in_force if holds is not False]
    used_params: dict = {}
    compiled = [_compile_rule(book, rule, holds, year, options, used_params) for rule, holds in in_force]
    compiled = _with_strata(compiled)
    features = _features_used(book, compiled, year, options, used_params)
    digest = hashlib.sha256(json.dumps(
        [book.digest, year, options, sorted(set_aside),
         [(r.rule.id, text_of(r.patterns), r.stratum, repr(r.holds)) for r in compiled]],
        default=str).encode()).hexdigest()
    return CompiledBook(year=year, rules=tuple(compiled), features=features, parameters=used_params,
                        strata=1 + max((r.stratum for r in compiled), default=0), digest=digest, options=options)


def _holds(rule, dates, period):
    """None for rules not keyed to dates; False if the date window misses `dates` (or, for a rule that
    holds while the report is the most recent, the report's period); else the overlap."""
    window = rule.in_force
    if not window.date_keyed:
        return None
    if dates is None:
        return False
    bounds = [dates, (window.from_date, window.until_date)]
    if rule.then.holds_while_most_recent and period is not None:
        bounds.append(period)
    start = max(low for low, _ in bounds if low is not None)
    until = min(high for _, high in bounds if high is not None)
    return (start, until) if start < until else False


def _value(book, expr, year, options, used):
    if isinstance(expr, dict) and "param" in expr:
        value, ref = parameter(book, expr["param"], year, options)
        used[expr["param"]] = (value, ref)
        return value
    if isinstance(expr, dict) and "sum" in expr:
        return sum(_value(book, part, year, options, used) for part in expr["sum"])
    if isinstance(expr, list):
        return tuple(_value(book, part, year, options, used) for part in expr)
    return expr


_compiled: dict = {}  # (rulebook digest, rule id, holds, resolved values) -> the compiled rule, at stratum 0
_texts: dict = {}  # id(object) -> (object, repr) (memo.kept_for)
RULES_KEPT = 8 * BOOKS_KEPT  # compiled rules (and their texts) kept: the books kept and a few dated variants each


def _compile_rule(book, rule, holds, year, options, used) -> CompiledRule:
    """A rule with its parameters resolved for report `year`; one object for every book that resolves them
    alike (report years share most rules: their patterns are compared and keyed once, not once per book)."""
    atoms = []
    for atom in rule.when:
        value = _value(book, atom.value, year, options, used)
        if isinstance(atom.value, dict) and not is_whole(value):
            raise InputError(f"rule {rule.id}: {atom.ref} is compared with {value!r} for report {year}, "
                             f"not a whole number", f"{rule.file}:{atom.line}")
        atoms.append((atom, value, _param_name(atom)))
    try:
        key = (book.digest, rule.id, holds, tuple(value for _, value, _ in atoms))
        hash(key)
    except TypeError:  # a value that is no key (a mapping): compiled afresh
        return _made_rule(rule, holds, tuple(atoms))
    return kept(_compiled, key, _made_rule, rule, holds, tuple(atoms), limit=RULES_KEPT)


def _made_rule(rule, holds, atoms: tuple) -> CompiledRule:
    tests: dict[str, list] = {BASE_KIND: []}
    for atom, value, _ in atoms:
        kind, field = field_of(atom.ref)
        tests.setdefault(kind, []).append(Test(field, atom.op, value))
    patterns = tuple(Pattern(kind, tuple(kind_tests)) for kind, kind_tests in tests.items())
    return CompiledRule(rule=rule, patterns=patterns, atoms=atoms, stratum=0, holds=holds)


def text_of(value) -> str:
    """repr(value), once per object (compiled patterns and rule heads are shared by the books that use them,
    and their reprs key books and runs)."""
    return kept_for(_texts, id(value), value, repr, value, limit=RULES_KEPT)


def _param_name(atom: Atom):
    return atom.value.get("param") if isinstance(atom.value, dict) else None


_stratified: dict = {}  # ids of a book's compiled rules -> (those rules, kept alive: their ids stay theirs; stratified)


def _with_strata(compiled: list) -> list:
    """The rules with their strata; once for every book made of the same compiled rules."""
    return kept(_stratified, tuple(map(id, compiled)), _rules_and_strata, compiled, limit=BOOKS_KEPT)[1]


def _rules_and_strata(compiled: list) -> tuple:
    return compiled, _stratified_afresh(compiled)  # the entry holds the rules: their ids stay theirs


def _stratified_afresh(compiled: list) -> list:
    """Stratum of a rule: after every rule deriving what it consumes, and with the rules that defeat it."""
    producers: dict[str, list] = {}
    for item in compiled:
        for kind, _ in item.rule.then.derive:
            producers.setdefault(kind, []).append(item.rule.id)
    by_id = {item.rule.id: item for item in compiled}
    strata = {rule_id: 0 for rule_id in by_id}
    for _ in range(len(compiled) + 1):
        changed = False
        for item in compiled:
            wanted = _stratum_floor(item, producers, by_id, strata)
            if wanted > strata[item.rule.id]:
                strata[item.rule.id], changed = wanted, True
        if not changed:
            return [_restratified(item, strata[item.rule.id]) for item in compiled]
    cycle = sorted(rule_id for rule_id, level in strata.items() if level >= len(compiled))
    first = next(item.rule for item in compiled if item.rule.id == cycle[0])
    raise InputError(f"rules depend on each other in a cycle: {', '.join(cycle[:6])}", f"{first.file}:{first.line}")


def _stratum_floor(item, producers, by_id, strata) -> int:
    floor = 0
    for pattern in item.patterns:
        for producer in producers.get(pattern.kind, []):
            floor = max(floor, strata[producer] + 1)
    for defeater in _defeaters(item, producers, by_id):
        floor = max(floor, strata[defeater])
    return floor


def _defeaters(item, producers, by_id) -> list:
    """Rules whose firing defeats this one: its `unless` list, and for a default the other derivers."""
    found = [rule_id for rule_id in item.rule.then.unless if rule_id in by_id]
    if item.rule.then.default:
        for kind, _ in item.rule.then.derive:
            found += [p for p in producers[kind] if p != item.rule.id and not by_id[p].rule.then.default]
    return found


def _restratified(item: CompiledRule, stratum: int) -> CompiledRule:
    return CompiledRule(rule=item.rule, patterns=item.patterns, atoms=item.atoms, stratum=stratum, holds=item.holds)


def _features_used(book, compiled, year, options, used) -> dict:
    names = sorted({atom.ref.partition(".")[2] for item in compiled for atom, _, _ in item.atoms
                    if atom.ref.startswith("feature.")})
    resolved = {name: {key: _value(book, value, year, options, used) for key, value in book.features[name].items()}
                for name in names}
    for name, spec in resolved.items():
        for key, value in spec.items():
            problem = feature_arg_problem(key, value)
            if problem:  # a parameter gave the argument a value of the wrong type
                raise InputError(f"feature {name!r} for report {year}: {problem}", book.source)
    return resolved


@per_book
def defeaters_of(book: CompiledBook) -> dict:
    """rule id -> rule ids whose firing in the same case defeats it (computed once per compiled book)."""
    producers: dict[str, list] = {}
    for item in book.rules:
        for kind, _ in item.rule.then.derive:
            producers.setdefault(kind, []).append(item.rule.id)
    by_id = {item.rule.id: item for item in book.rules}
    return {item.rule.id: _defeaters(item, producers, by_id) for item in book.rules}


def date_of(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@per_book
def law_key(book) -> str:
    """What a run reads of a compiled book: its rules (ids, resolved patterns, strata). Not the report year,
    dates or options as such: years and option sets that compile to the same rules run alike."""
    rules = [(item.rule.id, text_of(item.patterns), item.stratum, text_of(item.rule.then)) for item in book.rules]
    return hashlib.sha256(repr((book.strata, rules)).encode()).hexdigest()
