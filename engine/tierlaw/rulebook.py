"""Load a rulebook directory of YAML files into the model, validating every part.

The engine knows the *shape* of law (rules, dated parameters, features, decisions,
options) but no law: every year, count, date and tier rule comes from the YAML.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from .errors import InputError
from .model import EFFECTIVE, Atom, Decision, InForce, Option, Rule, Rulebook, Then
from .yamlsafe import Checker, Mapping, is_one_of, is_whole, load_yaml, top_level, unknown_key

FILE_KEYS = {"about", "tiers", "parameters", "features", "decisions", "options", "queries", "invariants", "rules",
             "country_facts", "groups"}
RULE_KEYS = {"id", "consequence", "title", "headline", "group", "cite", "enacted_by", "in_force", "confidence", "note",
             "when", "then"}
REQUIRED_RULE_KEYS = {"id", "title", "cite", "enacted_by", "in_force", "confidence", "when"}
THEN_KEYS = {"derive", "default", "unless", "opens", "due", "window", "fiscal_year", "holds_while_most_recent", "show"}
IN_FORCE_KEYS = {"from_report", "until_report", "from_date", "until_date"}
CONFIDENCE = {"STATUTE", "OFFICIAL", "SECONDARY", "UNCONFIRMED"}
ORDERING = {"gte", "gt", "lte", "lt"}
OPERATORS = {"eq", "ne", "in", "not_in"} | ORDERING
CITE = re.compile(r"^\d+ U\.S\.C\. \d+[a-z0-9-]*(\([A-Za-z0-9]+\))*( note)?$")  # a statutory note: "7107 note"
IDENT = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
PRIMITIVES = {
    "tier_at": {"offset"},
    "run_length": {"tiers", "not_before"},
    "run_beyond": {"tiers", "not_before", "free_years", "count_from"},
    "run_then": {"run_tiers", "min_run", "then_tiers", "not_before", "then_not_before", "immediately",
                 "until_interrupted"},
}
BASE_REFS = {"proposed_tier"}
FEATURE_FLAGS = {"immediately", "until_interrupted"}


def feature_arg_problem(key: str, value) -> str | None:
    """What is wrong with a feature argument's value, if anything (tier lists are checked apart)."""
    if key == "primitive" or key.endswith("tiers"):
        return None
    if key in FEATURE_FLAGS:
        return None if isinstance(value, bool) else f"{key} must be true or false, not {value!r}"
    if is_whole(value):
        return None
    return f"{key} must be a whole number, not {value!r}"
MAX_RULES = 300  # durable-rules hangs on rulesets of about 512 rules (docs/durable-rules.md)


def load_rulebook(directory: Path) -> Rulebook:
    """Read every *.yaml file of `directory` (sorted by name) into one validated Rulebook."""
    files = _rule_files(directory)
    parts = {key: {} for key in ("tiers", "parameters", "features", "decisions", "options", "queries", "invariants",
                                 "country_facts", "groups")}
    raw_rules = []
    for path in files:
        _collect(path, load_yaml(path), parts, raw_rules)
    book_parts = _validated_parts(parts)
    rules = tuple(_rule(where, node, book_parts) for where, node in raw_rules)
    _check_rules_together(rules, raw_rules, book_parts)
    return Rulebook(rules=rules, digest=_digest(files), source=str(directory), **book_parts)


def rulebook_digest(directory: Path) -> str:
    """The digest a rulebook loaded from `directory` would have (its files' names and bytes), without loading it."""
    return _digest(_rule_files(directory))


def _digest(files: list) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def _rule_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise InputError("rulebook directory not found", str(directory))
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise InputError("no *.yaml rule files in the rulebook directory", str(directory))
    return files


def _collect(path: Path, data, parts: dict, raw_rules: list) -> None:
    where = Checker(path)
    top_level(data, path, FILE_KEYS, "a rule file")
    for section in parts:
        _merge_section(where, data, section, parts[section])
    rules = data.get("rules", [])
    if not isinstance(rules, list):
        where.fail(data, "rules", "rules: must be a list")
    for node in rules:
        if not isinstance(node, Mapping):
            where.fail(data, "rules", "each rule must be a mapping")
        raw_rules.append((where, node))


def _merge_section(where: Checker, data: Mapping, section: str, into: dict) -> None:
    if section not in data:
        return
    entries = data[section]
    if not isinstance(entries, Mapping):
        where.fail(data, section, f"{section}: must be a mapping")
    for name, spec in entries.items():
        if name in into:
            where.fail(entries, name, f"{section[:-1]} {name!r} is defined twice")
        into[name] = (where, entries, spec)


# ---------------------------------------------------------------- parts


def _validated_parts(parts: dict) -> dict:
    tiers = {name: _tier_label(name, *entry) for name, entry in parts["tiers"].items()}
    if not tiers:
        raise InputError("the rulebook defines no tiers: (a tiers: mapping is required)")
    options = {name: parse_option(name, *entry) for name, entry in parts["options"].items()}
    decisions = {name: _decision(name, *entry) for name, entry in parts["decisions"].items()}
    parameters = {name: _parameter(name, options, *entry) for name, entry in parts["parameters"].items()}
    features = {name: _feature(name, tiers, parameters, *entry) for name, entry in parts["features"].items()}
    queries = {name: _query(name, decisions, *entry) for name, entry in parts["queries"].items()}
    invariants = {name: _invariant(name, options, *entry) for name, entry in parts["invariants"].items()}
    country_facts = {name: _country_fact(name, *entry) for name, entry in parts["country_facts"].items()}
    groups = {name: _group_label(name, *entry) for name, entry in parts["groups"].items()}
    feature_words = {name: spec.get("description", "") for name, (_, _, spec) in parts["features"].items()}
    return dict(tiers=tiers, options=options, decisions=decisions, parameters=parameters, features=features,
                queries=queries, invariants=invariants, country_facts=country_facts, groups=groups,
                feature_words=feature_words)


def _group_label(name, where, parent, label) -> str:
    """A headline group: a name rules use (`group: trade`) and the words shown for it, in headline order."""
    if not isinstance(name, str) or not IDENT.match(name) or not isinstance(label, str) or not label.strip():
        where.fail(parent, name, f"group {name!r}: a lower-case name and a label")
    return label


def _country_fact(name, where, parent, spec) -> dict:
    """A fact about a country the rules may test (`country.NAME`): its default and what it means; the
    record's countries.yaml gives the value for the countries that differ from the default."""
    keys = {"description", "default", "ref"}
    _require_keys(where, parent, name, spec, keys, keys, "country fact")
    _require_texts(where, spec, ("description", "ref"), f"country fact {name!r}")
    if not isinstance(name, str) or not IDENT.match(name) or not isinstance(spec["default"], bool):
        where.fail(parent, name, f"country fact {name!r}: a lower-case name whose default is true or false")
    return {"description": spec["description"], "default": spec["default"], "ref": spec["ref"]}


def _tier_label(name, where, parent, label) -> str:
    """A tier is written as text (quote "1", "2", "3"); its label is the words shown for it."""
    if not isinstance(name, str) or not isinstance(label, str) or not label.strip():
        where.fail(parent, name, f"tier {name!r}: write the tier as text (\"3\", not 3) and give it a label")
    return label


INVARIANT_KEYS = {
    "max_run": {"tiers", "counted_from", "max"},
    "max_run_after": {"run_tiers", "min_run", "then_tiers", "counted_from", "then_from", "from_report", "max"},
    "exactly_when": {"consequences", "effective", "from_report"},
    "implies": {"consequences", "effective"},
    "requires": {"consequence", "effective", "period_overlaps", "decisions"},
    "monotone": {"order", "restrictions"},
}


def _invariant(name, options, where, parent, spec) -> dict:
    """An invariant for exhaustive verification: kind-specific keys plus description, ref, applies_with."""
    if not isinstance(spec, Mapping) or not is_one_of(spec.get("kind"), INVARIANT_KEYS):
        where.fail(parent, name, f"invariant {name!r}: kind must be one of {sorted(INVARIANT_KEYS)}")
    needed = INVARIANT_KEYS[spec["kind"]] - {"from_report", "then_from"}
    allowed = INVARIANT_KEYS[spec["kind"]] | {"kind", "description", "ref", "applies_with"}
    _require_keys(where, parent, name, spec, needed | {"description", "ref"}, allowed, "invariant")
    applies_with = spec.get("applies_with") or Mapping()
    if not isinstance(applies_with, Mapping):
        where.fail(spec, "applies_with", f"invariant {name!r}: applies_with maps options to choices")
    _require_texts(where, spec, ("description", "ref"), f"invariant {name!r}")
    for option, choice in applies_with.items():
        if option not in options or not is_one_of(choice, options[option].choices):
            where.fail(spec, "applies_with", f"invariant {name!r}: unknown option choice {option}={choice}")
    return dict(spec, line=spec.line, file=where.path.name)


def _query(name, decisions, where, parent, spec) -> dict:
    """What a query command asks of the rules; only `trade` is known."""
    keys = {"bar", "exception_decision", "authority"}
    if name != "trade":
        where.fail(parent, name, f"unknown query {name!r} (known: trade)")
    _require_keys(where, parent, name, spec, keys, keys, "query")
    if not is_one_of(spec["exception_decision"], decisions):
        where.fail(spec, "exception_decision", f"unknown decision {spec['exception_decision']!r}")
    periods = spec["authority"]
    if not isinstance(periods, list) or not all(isinstance(p, Mapping) and set(p) == {"name", "from", "until", "ref"}
                                                 for p in periods):
        where.fail(spec, "authority", "authority lists periods {name, from, until, ref}")
    for period in periods:
        _require_texts(where, period, ("name", "ref"), f"query {name!r}: an authority period")
        start, until = _as_date(where, period, "from", name), _as_date(where, period, "until", name)
        if start is None or until is None or start >= until:
            where.fail(period, "until", "from and until are dates, until (exclusive) after from")
    return {"bar": spec["bar"], "exception_decision": spec["exception_decision"],
            "authority": [dict(p, **{"from": _as_date(where, p, "from", name), "until": _as_date(where, p, "until", name)})
                          for p in periods]}


def _require_keys(where, parent, name, spec, required, allowed, what):
    if not isinstance(spec, Mapping):
        where.fail(parent, name, f"{what} {name!r} must be a mapping")
    for key in spec:
        if key not in allowed:
            where.fail(spec, key, f"{what} {name!r}: unknown key {key!r}")
    for key in required:
        if key not in spec:
            where.fail(parent, name, f"{what} {name!r}: missing {key!r}")


def _require_texts(where, spec, keys, what, rule_id=None):
    """Each of `keys` that is present holds non-empty text (it reaches explanations and reports)."""
    for key in keys:
        where.text(spec, key, what, required=False, rule_id=rule_id)


def parse_option(name, where, parent, spec) -> Option:
    """An interpretation option: title, statute_ref, choices (name -> description) and default."""
    keys = {"title", "statute_ref", "choices", "default"}
    _require_keys(where, parent, name, spec, keys, keys, "option")
    _require_texts(where, spec, ("title", "statute_ref"), f"option {name!r}")
    if not isinstance(spec["choices"], Mapping) or not is_one_of(spec["default"], spec["choices"]):
        where.fail(spec, "default", f"option {name!r}: default must be one of its choices")
    return Option(id=name, title=spec["title"], statute_ref=spec["statute_ref"],
                  choices={str(k): str(v) for k, v in spec["choices"].items()}, default=str(spec["default"]))


def _decision(name, where, parent, spec) -> Decision:
    keys = {"title", "cite", "decided_by", "options", "default", "default_basis"}
    _require_keys(where, parent, name, spec, keys, keys | {"fiscal_year", "hangs_on"}, "decision")
    _require_texts(where, spec, ("hangs_on",), f"decision {name!r}")
    fiscal = spec.get("fiscal_year")
    if fiscal is not None and not (isinstance(fiscal, Mapping) and set(fiscal) == {"offset"} and is_whole(fiscal["offset"])):
        where.fail(spec, "fiscal_year", f"decision {name!r}: fiscal_year is {{offset: N}} (the fiscal year it asks about)")
    _check_cite(where, spec, "cite", f"decision {name!r}")
    _require_texts(where, spec, ("title", "decided_by", "default_basis"), f"decision {name!r}")
    if not isinstance(spec["options"], Mapping) or str(spec["default"]) not in {str(k) for k in spec["options"]}:
        where.fail(spec, "default", f"decision {name!r}: default must be one of its options")
    return Decision(id=name, title=spec["title"], cite=spec["cite"], decided_by=spec["decided_by"],
                    options={str(k): str(v) for k, v in spec["options"].items()},
                    default=str(spec["default"]), default_basis=spec["default_basis"],
                    fiscal_year=fiscal["offset"] if fiscal else None, hangs_on=spec.get("hangs_on"))


def _parameter(name, options, where, parent, spec) -> dict:
    _require_keys(where, parent, name, spec, {"description", "values"}, {"description", "unit", "values"}, "parameter")
    _require_texts(where, spec, ("description", "unit"), f"parameter {name!r}")
    values = spec["values"]
    if not isinstance(values, Mapping) or not values:
        where.fail(spec, "values", f"parameter {name!r}: values must map report years to entries")
    dated = {}
    for year, entry in values.items():
        if not is_whole(year):
            where.fail(values, year, f"parameter {name!r}: {year!r} is not a report year")
        dated[year] = _parameter_entry(where, values, year, entry, name, options)
    return dict(sorted(dated.items()))


def _parameter_entry(where, values, year, entry, name, options) -> dict:
    if not isinstance(entry, Mapping) or "ref" not in entry:
        where.fail(values, year, f"parameter {name!r} {year}: each value needs a ref (its legal source)")
    if "by_option" in entry:
        option = options[entry["by_option"]] if is_one_of(entry["by_option"], options) else None
        if option is None:
            where.fail(entry, "by_option", f"parameter {name!r}: unknown option {entry['by_option']!r}")
        choices = entry.get("choices")
        if not isinstance(choices, Mapping) or set(map(str, choices)) != set(option.choices):
            where.fail(entry, "by_option", f"parameter {name!r}: choices must name each choice of option {option.id!r}")
        return {"by_option": option.id, "choices": {str(k): v for k, v in choices.items()}, "ref": entry["ref"]}
    if set(entry) != {"value", "ref"}:
        where.fail(values, year, f"parameter {name!r} {year}: an entry has exactly value and ref")
    return {"value": entry["value"], "ref": entry["ref"]}


def _feature(name, tiers, parameters, where, parent, spec) -> dict:
    if not isinstance(spec, Mapping) or not is_one_of(spec.get("primitive"), PRIMITIVES):
        where.fail(parent, name, f"feature {name!r}: primitive must be one of {sorted(PRIMITIVES)}")
    args = PRIMITIVES[spec["primitive"]]
    _require_keys(where, parent, name, spec, args | {"primitive"}, args | {"primitive", "description"}, "feature")
    for key in args:
        value = spec[key]
        if isinstance(value, Mapping):
            if set(value) != {"param"} or not is_one_of(value["param"], parameters):
                where.fail(spec, key, f"feature {name!r}: {key} refers to an unknown parameter")
        elif key.endswith("tiers"):
            if not isinstance(value, list) or not value or not all(is_one_of(t, tiers) for t in value):
                where.fail(spec, key, f"feature {name!r}: {key} must list known tiers {sorted(tiers)}")
        elif feature_arg_problem(key, value):
            where.fail(spec, key, f"feature {name!r}: {feature_arg_problem(key, value)}")
    return {key: spec[key] for key in spec if key != "description"}


def _check_cite(where, node, key, what):
    cite = node.get(key)
    if not isinstance(cite, str) or not CITE.match(cite):
        where.fail(node, key, f"{what}: citation {cite!r} is not in the form 'TITLE U.S.C. SECTION(a)(1)(A)'")


# ---------------------------------------------------------------- rules


def _rule(where: Checker, node: Mapping, parts: dict) -> Rule:
    rule_id = node.get("id")
    if not isinstance(rule_id, str) or not IDENT.match(rule_id):
        where.fail(node, "id", f"rule id {rule_id!r} must be lower-case words joined by dots or underscores")
    for key in node:
        if key not in RULE_KEYS:
            where.fail(node, key, unknown_key(key, RULE_KEYS), rule_id)
    for key in sorted(REQUIRED_RULE_KEYS - set(node)):
        where.fail(node, "id", f"missing {key!r}", rule_id)
    _require_texts(where, node, ("title", "headline", "enacted_by", "note"), "", rule_id)
    if "group" in node and not is_one_of(node["group"], parts["groups"]):
        where.fail(node, "group", f"unknown group {node['group']!r} (groups: {', '.join(parts['groups']) or 'none'})",
                   rule_id)
    _check_cite(where, node, "cite", f"rule {rule_id}")
    if not is_one_of(node["confidence"], CONFIDENCE):
        where.fail(node, "confidence", f"confidence must be one of {sorted(CONFIDENCE)}", rule_id)
    consequence = node.get("consequence", rule_id)
    if not isinstance(consequence, str) or not IDENT.match(consequence):
        where.fail(node, "consequence", "consequence must be an id like the rule id", rule_id)
    return Rule(
        id=rule_id, consequence=consequence, title=node["title"].strip(), headline=node.get("headline"),
        group=node.get("group"), cite=node["cite"],
        enacted_by=node["enacted_by"], in_force=_in_force(where, node, rule_id), confidence=node["confidence"],
        note=node.get("note"), when=_when(where, node, rule_id, parts), then=_then(where, node, rule_id, parts),
        file=where.path.name, line=node.line,
    )


def _as_date(where, node, key, rule_id) -> dt.date | None:
    value = node.get(key)
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        where.fail(node, key, f"{key} {value!r} is not a date YYYY-MM-DD", rule_id)


def _in_force(where, node, rule_id) -> InForce:
    spec = node["in_force"]
    if not isinstance(spec, Mapping) or not spec or set(spec) - IN_FORCE_KEYS:
        where.fail(node, "in_force", f"in_force needs some of {sorted(IN_FORCE_KEYS)} and nothing else", rule_id)
    for key in ("from_report", "until_report"):
        if key in spec and not is_whole(spec[key]):
            where.fail(spec, key, f"{key} must be a report year", rule_id)
    window = InForce(spec.get("from_report"), spec.get("until_report"),
                     _as_date(where, spec, "from_date", rule_id), _as_date(where, spec, "until_date", rule_id))
    if window.from_report and window.until_report and window.until_report <= window.from_report:
        where.fail(spec, "until_report", "until_report (exclusive) must come after from_report", rule_id)
    if window.from_date and window.until_date and window.until_date <= window.from_date:
        where.fail(spec, "until_date", "until_date (exclusive) must come after from_date", rule_id)
    return window


def _when(where, node, rule_id, parts) -> tuple:
    atoms = node["when"]
    if not isinstance(atoms, list):
        where.fail(node, "when", "when must be a list of tests", rule_id)
    return tuple(_atom(where, node, item, rule_id, parts) for item in atoms)


def _atom(where, node, item, rule_id, parts) -> Atom:
    if not isinstance(item, Mapping) or len(item) != 1:
        where.fail(node, "when", "each test is one 'name: value' or 'name: {op: value}'", rule_id)
    (ref, spec), = item.items()
    _check_ref(where, item, ref, rule_id, parts)
    if isinstance(spec, Mapping) and len(spec) == 1 and next(iter(spec)) in OPERATORS:
        (op, value), = spec.items()
    elif isinstance(spec, Mapping) and set(spec) - {"param", "sum"}:
        where.fail(item, ref, f"unknown operator in {dict(spec)!r} (expected one of {sorted(OPERATORS)})", rule_id)
    else:
        op, value = "eq", spec
    _check_operand(where, item, ref, op, value, rule_id, parts)
    return Atom(ref=ref, op=op, value=value, line=item.line)


def _check_ref(where, item, ref, rule_id, parts):
    head, _, name = str(ref).partition(".")
    known = {"feature": parts["features"], "decision": parts["decisions"], "derived": None,
             "country": parts["country_facts"]}
    if ref in BASE_REFS or (head in known and name and (known[head] is None or name in known[head])):
        return
    where.fail(item, ref, f"unknown fact {ref!r} (use proposed_tier, feature.NAME, decision.NAME, country.NAME "
                          f"or derived.KIND)", rule_id)


def _check_operand(where, item, ref, op, value, rule_id, parts):
    if op in {"in", "not_in"}:
        if not isinstance(value, list) or not value or not all(isinstance(v, (str, int, bool)) for v in value):
            where.fail(item, ref, f"{op} needs a non-empty list of values (text, whole numbers or true/false)", rule_id)
        return
    if isinstance(value, Mapping):
        _check_expression(where, item, ref, value, rule_id, parts)
    elif not isinstance(value, (str, int, bool)):
        where.fail(item, ref, f"value {value!r} must be text, a whole number or true/false", rule_id)


def _check_expression(where, item, ref, value, rule_id, parts):
    if "param" in value:
        if not is_one_of(value["param"], parts["parameters"]):
            where.fail(item, ref, f"unknown parameter {value['param']!r}", rule_id)
    elif not isinstance(value.get("sum"), list):
        where.fail(item, ref, "an expression is {param: NAME} or {sum: [...]}", rule_id)


def _then(where, node, rule_id, parts) -> Then:
    spec = node.get("then", Mapping())
    if not isinstance(spec, Mapping):
        where.fail(node, "then", "then must be a mapping", rule_id)
    for key in spec:
        if key not in THEN_KEYS:
            where.fail(spec, key, unknown_key(key, THEN_KEYS, " in then"), rule_id)
    derive = spec.get("derive", {})
    if not isinstance(derive, dict):
        where.fail(spec, "derive", "derive maps a fact kind to its value", rule_id)
    opens = spec.get("opens")
    if opens is not None and not is_one_of(opens, parts["decisions"]):
        where.fail(spec, "opens", f"unknown decision {opens!r}", rule_id)
    unless = spec.get("unless", [])
    if not isinstance(unless, list) or not all(isinstance(other, str) for other in unless):
        where.fail(spec, "unless", "unless lists rule ids", rule_id)
    for kind, value in derive.items():
        _check_derive(where, derive, kind, value, rule_id, parts)
    fiscal = spec.get("fiscal_year", {}).get("offset") if isinstance(spec.get("fiscal_year"), Mapping) else None
    if "fiscal_year" in spec and not isinstance(fiscal, int):
        where.fail(spec, "fiscal_year", "fiscal_year is {offset: N}", rule_id)
    _check_dates(where, spec, rule_id)
    return Then(derive=tuple(derive.items()), default=bool(spec.get("default", False)), unless=tuple(unless),
                opens=opens, due=spec.get("due"), window=spec.get("window"), fiscal_year=fiscal,
                holds_while_most_recent=bool(spec.get("holds_while_most_recent", False)),
                show=bool(spec.get("show", True)))


def _check_derive(where, derive, kind, value, rule_id, parts):
    if not isinstance(kind, str) or not IDENT.match(kind):
        where.fail(derive, kind, f"derived kind {kind!r} must be a lower-case name", rule_id)
    if isinstance(value, Mapping) and set(value) == {"decision"} and not is_one_of(value["decision"], parts["decisions"]):
        where.fail(derive, kind, unknown_key(value["decision"], parts["decisions"]).replace("key", "decision", 1),
                   rule_id)
    if isinstance(value, Mapping):
        ok = (set(value) == {"field"} and is_one_of(value["field"], BASE_REFS)) or set(value) == {"decision"}
        if not ok:
            where.fail(derive, kind, "a derived value is a literal, {field: proposed_tier} or {decision: ID}", rule_id)
    elif not isinstance(value, (str, int, bool)):
        where.fail(derive, kind, f"derived value {value!r} must be a plain value", rule_id)
    if kind == EFFECTIVE and not isinstance(value, (str, Mapping)):  # 3 for "3": YAML reads a number
        where.fail(derive, kind, f"{EFFECTIVE} is a tier: write the tier as text (\"{value}\"), not the number "
                                 f"{value}", rule_id)
    if kind == EFFECTIVE:  # the result's effective tier: a tier of the rulebook, whichever way it is derived
        outside = sorted(map(str, _derive_domain(value, parts) - set(parts["tiers"])))
        if outside:
            where.fail(derive, kind, f"{EFFECTIVE} must be a tier of the rulebook ({', '.join(parts['tiers'])}), "
                                     f"not {', '.join(map(repr, outside))}", rule_id)


ANCHORS = {"report_released"}  # dates the engine knows how to find; anything else must be a date


def _check_dates(where, spec, rule_id):
    due, window = spec.get("due"), spec.get("window")
    if due is not None:
        good = isinstance(due, Mapping) and (set(due) in ({"anchor", "days"}, {"month", "day", "year_offset"}))
        if not good:
            where.fail(spec, "due", "due is {anchor, days} or {month, day, year_offset}", rule_id)
        if "anchor" in due:
            _check_anchor(where, due, rule_id, "days")
        else:
            _check_whole(where, due, ("month", "day", "year_offset"), rule_id)
            try:
                dt.date(4, due["month"], due["day"])  # year 4 is a leap year: every real month-day fits
            except ValueError:
                where.fail(spec, "due", f"month {due['month']} has no day {due['day']}", rule_id)
    if window is not None:
        if not isinstance(window, Mapping) or set(window) != {"anchor", "from_days", "to_days"}:
            where.fail(spec, "window", "window is {anchor, from_days, to_days}", rule_id)
        _check_anchor(where, window, rule_id, "from_days", "to_days")


def _check_whole(where, node, keys, rule_id):
    for key in keys:
        if not is_whole(node[key]):
            where.fail(node, key, f"{key} must be a whole number", rule_id)


def _check_anchor(where, node, rule_id, *day_keys):
    _check_whole(where, node, day_keys, rule_id)
    anchor = node["anchor"]
    if not is_one_of(anchor, ANCHORS) and not isinstance(anchor, dt.date):
        try:
            dt.date.fromisoformat(str(anchor))
        except ValueError:
            where.fail(node, "anchor", f"anchor {anchor!r} is neither a date nor one of {sorted(ANCHORS)}", rule_id)


def _check_rules_together(rules, raw_rules, parts):
    """Checks that need all rules: unique ids, known `unless` ids, derived kinds that exist."""
    if len(rules) > MAX_RULES:
        where, node = raw_rules[MAX_RULES]
        where.fail(node, "id", f"more than {MAX_RULES} rules in one rulebook; split it (durable-rules limit)")
    seen = {}
    for rule, (where, node) in zip(rules, raw_rules):
        if rule.id in seen:
            where.fail(node, "id", f"duplicate rule id (first defined in {seen[rule.id]})", rule.id)
        seen[rule.id] = f"{rule.file}:{rule.line}"
    consequences = {rule.consequence for rule in rules}
    for name, spec in parts["queries"].items():
        if not is_one_of(spec["bar"], consequences):
            raise InputError(f"query {name!r}: no rule has the consequence {spec['bar']!r}", str(raw_rules[0][0].path))
    domains = derived_domains(rules, parts)
    for rule, (where, node) in zip(rules, raw_rules):
        for other in rule.then.unless:
            if other not in seen:
                where.fail(node, "then", f"unless names unknown rule {other!r}", rule.id)
        for atom in rule.when:
            _check_atom_domain(where, atom, rule, domains, parts)


def derived_domains(rules, parts) -> dict:
    """The values each derived kind can take, from the rules that derive it."""
    domains: dict[str, set] = {}
    for rule in rules:
        for kind, value in rule.then.derive:
            domains.setdefault(kind, set()).update(_derive_domain(value, parts))
    return domains


def _derive_domain(value, parts) -> set:
    if isinstance(value, Mapping) and "field" in value:
        return set(parts["tiers"])
    if isinstance(value, Mapping):
        return set(parts["decisions"][value["decision"]].options)
    return {value}


def _atom_domain(ref, parts, domains):
    head, _, name = ref.partition(".")
    if ref == "proposed_tier" or (head == "feature" and parts["features"][name]["primitive"] == "tier_at"):
        return set(parts["tiers"]) | {"none"}
    if head == "decision":
        return set(parts["decisions"][name].options)
    if head == "derived":
        return domains.get(name)
    if head == "country":
        return {True, False}
    return None  # numeric or boolean features: any value of the right type


def _check_atom_domain(where, atom, rule, domains, parts):
    head, _, name = atom.ref.partition(".")
    if head == "derived" and name not in domains:
        where.fail(atom, None, f"no rule derives {name!r}, so the test {atom.ref} can never hold", rule.id)
    domain = _atom_domain(atom.ref, parts, domains)
    if atom.op in ORDERING and domain is not None and not all(is_whole(value) for value in domain):
        where.fail(atom, None, f"{atom.ref} takes values {sorted(map(str, domain))}; {atom.op} compares numbers",
                   rule.id)
    values = atom.value if isinstance(atom.value, list) else [atom.value]
    for value in values:
        if isinstance(value, dict):
            continue
        if domain is not None and not is_one_of(value, domain):
            where.fail(atom, None, f"{atom.ref} cannot be {value!r} (possible: {sorted(map(str, domain))})", rule.id)
        if domain is None and not isinstance(value, (int, bool)):
            where.fail(atom, None, f"{atom.ref} compares numbers or true/false, not {value!r}", rule.id)
