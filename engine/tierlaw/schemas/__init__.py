"""JSON Schemas of rule files, scenario files and test files, for editors (dialect: Draft202012Validator).

This module is the one place the schemas are written. Their key sets come from the loaders
(rulebook.py, scenario.py, testcases.py), so a key added there reaches the schema when it is rebuilt:

    python -m tierlaw.schemas        # rewrites rules/scenario/tests.schema.json next to this file

A schema must never be stricter than its loader: every document the loader accepts validates
(tests/test_schema.py checks this on the fuzz corpus, and that the shipped JSON is current). Where the
loader checks something a schema cannot see (a tier the rulebook defines, a parameter another file
names, a country of the record), the schema only checks the type. Documents are validated as a YAML
language server sees them: mapping keys are text, dates are text."""

from __future__ import annotations

import json
from pathlib import Path

from .. import rulebook as rb
from .. import scenario as sc
from .. import testcases as tc

HERE = Path(__file__).resolve().parent
FILES = {"rules": "rules.schema.json", "scenario": "scenario.schema.json", "tests": "tests.schema.json"}
REF_HEADS = ("feature", "decision", "derived", "country")  # fact families a rule's `when` may test (rulebook._check_ref)

TEXT = {"type": "string", "pattern": r"\S", "description": "Non-empty text."}
WHOLE = {"type": "integer"}
ANY = {}
YEAR_KEY = {"pattern": "^-?[0-9]+$"}
DATE = {"type": ["string", "integer"], "format": "date", "description": "A date YYYY-MM-DD."}
NAME = {"type": "string"}
FALSY = {"enum": [None, False, 0, "", []]}  # values a loader reads as "nothing here" (`x or default`)


def obj(properties: dict, required=(), closed=True, **extra) -> dict:
    """An object with these properties; closed: no other key."""
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = sorted(required)
    if closed:
        schema["additionalProperties"] = False
    return {**schema, **extra}


def described(schema: dict, text: str) -> dict:
    return {**schema, "description": text}


def map_of(values: dict, **extra) -> dict:
    return {"type": "object", "additionalProperties": values, **extra}


def list_of(items: dict, non_empty=True) -> dict:
    return {"type": "array", "items": items, **({"minItems": 1} if non_empty else {})}


def _keys(expected: set, written: dict, where: str) -> dict:
    """The schema's properties must name exactly the keys the loader allows."""
    names = {"true" if key is True else key for key in expected}
    if names != set(written):
        raise KeyError(f"{where}: the loader allows {sorted(names)}, the schema {sorted(written)}: update tierlaw.schemas")
    return written


def _dialect() -> str:
    from jsonschema import Draft202012Validator  # a development dependency: only building needs it
    return Draft202012Validator.META_SCHEMA["$id"]


# ---------------------------------------------------------------- rule files


def _param_ref() -> dict:
    return described(obj({"param": NAME}, ["param"]), "A parameter's value for the report year: {param: NAME}.")


def _feature_arg(name: str) -> dict:
    if name.endswith("tiers"):
        plain = described(list_of(NAME), "Tiers, as the rulebook's tiers: names them.")
    elif name in rb.FEATURE_FLAGS:
        plain = {"type": "boolean"}
    else:
        plain = described(WHOLE, "A whole number (a year or a count).")
    return {"anyOf": [plain, {"$ref": "#/$defs/param_ref"}]}


def _feature() -> dict:
    branches = []
    for primitive, args in sorted(rb.PRIMITIVES.items()):
        properties = {"primitive": ANY, "description": ANY, **{a: _feature_arg(a) for a in sorted(args)}}
        branches.append({"if": {"properties": {"primitive": {"const": primitive}}},
                         "then": obj(properties, args)})
    return {"type": "object", "required": ["primitive"],
            "properties": {"primitive": {"enum": sorted(rb.PRIMITIVES)}, "description": described(ANY, "Plain words.")},
            "allOf": branches, "description": "What to count in a country's history (docs/rules.md, feature primitives)."}


def _parameter() -> dict:
    plain = obj({"value": ANY, "ref": described(ANY, "The legal source of the value.")}, ["value", "ref"])
    by_option = obj({"by_option": NAME, "choices": {"type": "object"}, "ref": ANY}, ["by_option", "choices", "ref"],
                    closed=False, description="A value per choice of an interpretation option.")
    values = map_of({"anyOf": [plain, by_option]}, minProperties=1, propertyNames=YEAR_KEY,
                    description="Report year -> the value from that report on.")
    return obj({"description": TEXT, "unit": TEXT, "values": values}, ["description", "values"])


def _decision() -> dict:
    keys = {"title": TEXT, "cite": {"$ref": "#/$defs/cite"}, "decided_by": TEXT,
            "options": {"type": "object", "minProperties": 1, "description": "Option -> what it means."},
            "default": described(ANY, "One of the options: the rulebook's default (default_basis says why)."), "default_basis": TEXT}
    fiscal = described(obj({"offset": WHOLE}, ["offset"]), "The fiscal year the decision asks about: report year + offset.")
    hangs_on = described(TEXT, "How a consequence resting on the default reads: 'unless the President ...'.")
    return obj({**keys, "fiscal_year": fiscal, "hangs_on": hangs_on}, keys)


def _country_fact() -> dict:
    keys = {"description": TEXT, "default": {"type": "boolean"}, "ref": TEXT}
    return obj(keys, keys, description="A fact of a country rules may test as country.NAME; countries.yaml gives "
                                       "the countries that differ from the default.")


def _option() -> dict:
    keys = {"title": TEXT, "statute_ref": TEXT, "choices": {"type": "object", "minProperties": 1},
            "default": described(ANY, "One of the choices.")}
    return obj(keys, keys)


def _trade_query() -> dict:
    period = obj({"name": TEXT, "from": DATE, "until": DATE, "ref": TEXT}, ["name", "from", "until", "ref"])
    keys = {"bar": described(ANY, "The consequence that bars fast-track."), "exception_decision": NAME,
            "authority": list_of(period, non_empty=False)}
    return obj(keys, keys)


def _invariant() -> dict:
    branches = []
    for kind, keys in sorted(rb.INVARIANT_KEYS.items()):
        properties = {"kind": ANY, "description": ANY, "ref": ANY, "applies_with": ANY, **{k: ANY for k in sorted(keys)}}
        required = (set(keys) - {"from_report", "then_from"}) | {"description", "ref"}
        branches.append({"if": {"properties": {"kind": {"const": kind}}}, "then": obj(properties, required)})
    applies = {"anyOf": [{"type": "object"}, FALSY], "description": "Option -> choice under which it holds."}
    return {"type": "object", "required": ["kind"], "allOf": branches,
            "properties": {"kind": {"enum": sorted(rb.INVARIANT_KEYS)}, "description": TEXT, "ref": TEXT,
                           "applies_with": applies},
            "description": "A property `tierlaw check --exhaustive` proves on every history (docs/checking.md)."}


def _operand() -> dict:
    scalar = {"type": ["string", "integer", "boolean"]}
    compared = {"anyOf": [scalar, {"$ref": "#/$defs/compared_expression"}]}
    operators = {op: (list_of(ANY) if op in ("in", "not_in") else compared) for op in sorted(rb.OPERATORS)}
    operator = obj(operators, minProperties=1, maxProperties=1)
    return {"anyOf": [scalar, {"$ref": "#/$defs/expression"}, operator],
            "description": "A value, {param: NAME}, or {OPERATOR: value}."}


def _expression(closed: bool) -> dict:
    """{param: NAME} or {sum: [...]}. After an operator the loader reads param (or sum) and ignores other keys."""
    schema = {"type": "object", "properties": {"param": NAME},
              "anyOf": [{"required": ["param"]}, {"required": ["sum"], "properties": {"sum": {"type": "array"}}}]}
    return {**schema, "propertyNames": {"enum": ["param", "sum"]}} if closed else schema


def _atom() -> dict:
    heads = "|".join(REF_HEADS)
    bases = "|".join(sorted(rb.BASE_REFS))
    return {"type": "object", "minProperties": 1, "maxProperties": 1,
            "propertyNames": {"pattern": rf"^({bases}|({heads})\.[\s\S]+)$"},
            "additionalProperties": {"$ref": "#/$defs/operand"},
            "description": "One test: FACT: value, or FACT: {OPERATOR: value}."}


def _then() -> dict:
    derived = {"anyOf": [{"type": ["string", "integer", "boolean"]},
                         obj({"field": {"enum": sorted(rb.BASE_REFS)}}, ["field"]),
                         obj({"decision": NAME}, ["decision"])]}
    by_anchor = obj({"anchor": {"$ref": "#/$defs/anchor"}, "days": WHOLE}, ["anchor", "days"])
    by_day = obj({"month": {**WHOLE, "minimum": 1, "maximum": 12}, "day": {**WHOLE, "minimum": 1, "maximum": 31},
                  "year_offset": WHOLE}, ["month", "day", "year_offset"])
    window = obj({"anchor": {"$ref": "#/$defs/anchor"}, "from_days": WHOLE, "to_days": WHOLE},
                 ["anchor", "from_days", "to_days"])
    keys = {
        "derive": map_of(derived, propertyNames={"pattern": rb.IDENT.pattern},
                         description="Derived kind -> a literal, {field: proposed_tier} or {decision: ID}."),
        "default": described(ANY, "true: defeated by any other rule deriving the same kind."),
        "unless": described(list_of(NAME, non_empty=False), "Rule ids that defeat this rule for the same case."),
        "opens": {"type": ["string", "null"], "description": "The decision this rule lists."},
        "due": {"anyOf": [{"type": "null"}, by_anchor, by_day]},
        "window": {"anyOf": [{"type": "null"}, window]},
        "fiscal_year": obj({"offset": {"type": ["integer", "boolean"]}}, ["offset"], closed=False),
        "holds_while_most_recent": described(ANY, "true: holds while this report is the most recent."),
        "show": described(ANY, "false: an internal rule, not listed as a consequence."),
    }
    return obj(_keys(rb.THEN_KEYS, keys, "then"))


def _rule() -> dict:
    year = {**WHOLE, "description": "A report year."}
    day = {"type": ["string", "integer", "null"], "format": "date"}
    in_force = obj(_keys(rb.IN_FORCE_KEYS, {"from_report": year, "until_report": year, "from_date": day,
                                            "until_date": day}, "in_force"), minProperties=1)
    keys = {"id": {"$ref": "#/$defs/ident"}, "consequence": {"$ref": "#/$defs/ident"}, "title": TEXT,
            "headline": described(TEXT, "The consequence in a few plain words, for headlines."),
            "group": described(NAME, "The headline group (groups:); without one the rule shows in details only."),
            "cite": {"$ref": "#/$defs/cite"}, "enacted_by": TEXT, "in_force": in_force,
            "confidence": {"enum": sorted(rb.CONFIDENCE)}, "note": TEXT,
            "when": described(list_of({"$ref": "#/$defs/atom"}, non_empty=False), "Tests that must all hold."),
            "then": {"$ref": "#/$defs/then"}}
    return obj(_keys(rb.RULE_KEYS, keys, "rule"), rb.REQUIRED_RULE_KEYS, description="A rule (docs/rules.md).")


def rules_schema() -> dict:
    sections = {
        "about": described(ANY, "Title and source of the file (documentation only)."),
        "tiers": map_of(TEXT, description="Tier -> label. Write a tier as text (\"3\", not 3)."),
        "parameters": map_of({"$ref": "#/$defs/parameter"}),
        "features": map_of({"$ref": "#/$defs/feature"}),
        "decisions": map_of({"$ref": "#/$defs/decision"}),
        "options": map_of({"$ref": "#/$defs/option"}),
        "queries": obj({"trade": {"$ref": "#/$defs/trade_query"}}),
        "invariants": map_of({"$ref": "#/$defs/invariant"}),
        "country_facts": map_of({"$ref": "#/$defs/country_fact"}, propertyNames={"pattern": rb.IDENT.pattern}),
        "groups": map_of(TEXT, propertyNames={"pattern": rb.IDENT.pattern},
                         description="Headline group -> label, most consequential first."),
        "rules": list_of({"$ref": "#/$defs/rule"}, non_empty=False),
    }
    defs = {"ident": {"type": "string", "pattern": rb.IDENT.pattern},
            "cite": {"type": "string", "pattern": rb.CITE.pattern, "description": "TITLE U.S.C. SECTION(a)(1)(A)"},
            "anchor": {"type": ["string", "integer"], "description": "report_released or a date YYYY-MM-DD."},
            "param_ref": _param_ref(), "parameter": _parameter(), "feature": _feature(), "decision": _decision(),
            "option": _option(), "trade_query": _trade_query(), "invariant": _invariant(), "operand": _operand(),
            "country_fact": _country_fact(),
            "expression": _expression(True), "compared_expression": _expression(False), "atom": _atom(),
            "then": _then(), "rule": _rule()}
    return {"$schema": _dialect(), "title": "tierlaw rule file", "description": "A file of the rulebook (docs/rules.md).",
            "type": "object", "properties": _keys(rb.FILE_KEYS, sections, "rule file"), "additionalProperties": False,
            "$defs": defs}


# ---------------------------------------------------------------- scenario files


def _country_years(value: dict) -> dict:
    return map_of(map_of(value, minProperties=1, propertyNames=YEAR_KEY), description="Country -> {report year: ...}.")


def scenario_schema() -> dict:
    # the loader reads a tier in any usual spelling, the YAML integer 3 among them (inputs.read_tier)
    tier = described({"type": ["string", "integer"]}, "A tier, as the rulebook's tiers: names it, or its number.")
    placement = obj(_keys(sc.PLACEMENT_KEYS, {"tier": tier, "alternatives": {"anyOf": [list_of(tier, False), FALSY]},
                                              "note": {"type": ["string", "null"]}}, "placement"), ["tier"])
    trade = obj(_keys(sc.TRADE_KEYS, {"agreement": TEXT, "partners": list_of(NAME), "date": DATE,
                                      "on": described(ANY, "Write date: (YAML 1.1 reads a bare on: as true)."),
                                      "true": ANY}, "trade question"),
                anyOf=[{"required": ["date"]}, {"required": ["on"]}, {"required": ["true"]}],
                oneOf=[{"required": ["agreement"]}, {"required": ["partners"]}])
    forward = obj({"country": NAME, "year": WHOLE, "tier": {"type": ["string", "integer", "null"]},
                   "years": {"anyOf": [{**WHOLE, "minimum": 1, "maximum": 25}, {"const": True}]}},
                  ["country", "year"], closed=False)
    questions = obj(_keys(sc.QUESTION_KEYS, {"consequences": ANY, "trade": {"anyOf": [list_of(trade, False), FALSY]},
                                             "forward": {"anyOf": [list_of(forward, False), FALSY]}}, "questions"))
    sections = {
        "name": TEXT, "description": TEXT,
        "options": map_of({"type": ["string", "integer"]}, description="Interpretation option -> choice."),
        "history": described(_country_years(tier), "Assumed final placements that override the record."),
        "placements": _country_years({"anyOf": [tier, placement]}) | {"minProperties": 1},
        "decisions": _country_years(map_of({"type": ["string", "integer"]})),
        "questions": questions,
    }
    return {"$schema": _dialect(), "title": "tierlaw scenario", "description": "A scenario file (docs/scenarios.md).",
            **obj(_keys(sc.TOP_KEYS, sections, "scenario"), ["name", "placements"])}


# ---------------------------------------------------------------- test files


def _expectations() -> dict:
    tier_or_null = {"type": ["string", "null"]}
    refs = described(list_of(NAME), "Consequence ids or citations (a citation also matches its subdivisions).")
    settings = list_of({"type": ["string", "integer"]})
    versions = {"anyOf": [{"type": "object", "minProperties": 1},
                          list_of({"type": "object", "minProperties": 1})]}
    forward = obj(_keys(tc.FORWARD_KEYS, {
        "years": {**WHOLE, "minimum": 1, "maximum": 25}, "first_forced_change": {"type": ["integer", "null"]},
        "years_needing_a_decision": list_of(WHOLE, False), "needs": map_of(settings, minProperties=1,
                                                                            propertyNames=YEAR_KEY),
        "forced_by": refs}, "forward"))
    flag_or_null = {"type": ["boolean", "null"]}
    countries = list_of(NAME, False)
    partners = map_of(obj({key: ANY for key in sorted(tc.PARTNER_KEYS)}, minProperties=1), minProperties=1)
    return {
        "effective_tier": tier_or_null, "effective_tier_possible": list_of(NAME), "present": refs, "absent": refs,
        "consequences": map_of(versions, minProperties=1,
                               description="Consequence -> fields it must have; a list: exactly that many versions."),
        "features": {"type": "object"}, "decisions_open": list_of(NAME), "decisions_not_open": list_of(NAME),
        "what_follows": map_of(map_of(tier_or_null, minProperties=1)), "recorded_tier": tier_or_null,
        "added": list_of(NAME), "removed": list_of(NAME), "forward": forward, "error": TEXT,
        "tpa_available": flag_or_null, "blocking": countries, "open": countries, "exception_route": {"type": "boolean"},
        "authority_in_force": {"type": "boolean"}, "partners": partners, "record_fits_law": flag_or_null,
        "decisions_needed": settings, "required_by": refs,
        "unavailable": described(settings, "DECISION=VALUE settled but opened by no rule: answered without it."),
    }


def _expect_by_question(expectations: dict) -> list:
    """The expectations each question allows."""
    branches = []
    for kind, keys in sorted(tc.EXPECT_KEYS.items()):
        expect = obj({k: {"$ref": f"#/$defs/expect/{k}"} for k in sorted(keys)}, minProperties=1)
        branches.append({"if": {"required": [kind]}, "then": {"properties": {"expect": expect}}})
    _keys(set().union(*tc.EXPECT_KEYS.values()), expectations, "expect")
    return branches


def tests_schema() -> dict:
    history = map_of(NAME, propertyNames={"pattern": tc.SPAN.pattern},
                     description="YEAR or FIRST-LAST -> tier, as --set takes them.")
    whatif = obj(_keys(tc.WHATIF_KEYS, {"year": WHOLE, "tier": NAME, "date": DATE}, "whatif"), ["year", "tier"])
    trade = obj(_keys(tc.TRADE_KEYS, {"date": DATE, "agreement": TEXT, "partners": list_of(NAME)}, "trade"),
                ["date"], oneOf=[{"required": ["agreement"]}, {"required": ["partners"]}])
    keys = {"name": TEXT, "ref": described(TEXT, "Where the expected answer comes from (statute, record)."),
            "country": TEXT, "history": history, "whatif": whatif, "trade": trade,
            "history_year": described(WHOLE, "A recorded year of `country`, judged against the law of that year."),
            "decisions": map_of({"type": ["string", "integer"]}), "options": map_of({"type": ["string", "integer"]}),
            "expect": {"type": "object", "minProperties": 1}}
    expectations = _expectations()
    recorded_year = {"if": {"required": ["history_year"]},
                     "then": {"required": ["country"], "not": {"required": ["history"]},
                              "properties": {"decisions": {"maxProperties": 0}}}}
    case = obj(_keys(tc.CASE_KEYS, keys, "case"), ["name", "expect"],
               oneOf=[{"required": [q]} for q in tc.QUESTIONS],
               dependentRequired={"history": ["country"], "decisions": ["country"]},
               allOf=[{"if": {"required": ["whatif"]}, "then": {"required": ["country"]}}, recorded_year,
                      *_expect_by_question(expectations)])
    top = {"about": TEXT, "options": map_of({"type": ["string", "integer"]}), "cases": list_of({"$ref": "#/$defs/case"})}
    return {"$schema": _dialect(), "title": "tierlaw test file", "description": "YAML test cases (docs/testing.md).",
            **obj(_keys(tc.FILE_KEYS, top, "test file"), ["cases"]), "$defs": {"case": case, "expect": expectations}}


BUILDERS = {"rules": rules_schema, "scenario": scenario_schema, "tests": tests_schema}


def build() -> dict:
    """{file name: schema} for every schema."""
    return {FILES[name]: builder() for name, builder in BUILDERS.items()}


def text_of(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def path(name: str) -> Path:
    """The shipped schema file of `rules`, `scenario` or `tests`."""
    return HERE / FILES[name]


def json_view(node):
    """A loaded YAML document as a YAML language server validates it: keys as text, dates as text."""
    if isinstance(node, dict):
        return {_key_text(key): json_view(value) for key, value in node.items()}
    if isinstance(node, list):
        return [json_view(item) for item in node]
    return node.isoformat() if hasattr(node, "isoformat") else node


def _key_text(key) -> str:
    if isinstance(key, bool) or key is None:
        return json.dumps(key)
    return key.isoformat() if hasattr(key, "isoformat") else str(key)


def main() -> None:
    for name, schema in build().items():
        (HERE / name).write_text(text_of(schema), encoding="utf-8")
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
