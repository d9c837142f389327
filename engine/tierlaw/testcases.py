"""`tierlaw test`: YAML test cases of the law, run against the shipped rulebook or an edited copy.

A test file holds cases; each asks one question (a what-if, a trade check on a date, or a recorded
year of the history) with its history, settled decisions and options, and says what the statute
requires of the answer. Every file is loaded and checked before any case runs, so a malformed file
is one line naming the file and line (exit 2). The format is in docs/testing.md; its JSON Schema
(tierlaw/schemas/tests.schema.json) is built from the key sets below."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import attrs

from .errors import InputError, RulebookConflict
from .inputs import DEFAULT_FORWARD
from .queries import Context, parse_decisions, parse_sets
from .rulebook import CITE
from .yamlsafe import Checker, Mapping, is_whole, load_yaml, top_level, unknown_key

FILE_KEYS = {"about", "options", "cases"}
CASE_KEYS = {"name", "ref", "country", "history", "whatif", "trade", "history_year", "decisions", "options", "expect"}
QUESTIONS = ("whatif", "trade", "history_year")
WHATIF_KEYS = {"year", "tier", "date"}
TRADE_KEYS = {"date", "agreement", "partners"}
FORWARD_KEYS = {"years", "first_forced_change", "years_needing_a_decision", "needs", "forced_by"}
PARTNER_KEYS = {"report_year", "tier", "effective_tier", "tpa_available"}
EXPECT_KEYS = {
    "whatif": {"effective_tier", "effective_tier_possible", "present", "absent", "consequences", "features",
               "decisions_open", "decisions_not_open", "what_follows", "recorded_tier", "added", "removed",
               "forward", "error", "unavailable"},
    "trade": {"tpa_available", "blocking", "open", "exception_route", "authority_in_force", "partners", "error"},
    "history_year": {"recorded_tier", "record_fits_law", "present", "absent", "consequences", "features",
                     "decisions_needed", "required_by"},
}
SPAN = re.compile(r"^[0-9]+(-[0-9]+)?$")  # a history key written as text: YEAR or FIRST-LAST
_GIVEN = object()  # marks an argument left out


@attrs.frozen
class TestCase:
    path: Path
    line: int
    name: str
    kind: str  # one of QUESTIONS
    country: str | None
    sets: tuple  # "YEAR=TIER" / "FIRST-LAST=TIER" items, as --set takes them
    question: dict
    decisions: dict
    options: dict
    expect: dict

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@attrs.frozen
class Mismatch:
    what: str  # the expectation, e.g. effective_tier or consequences.trade.tpa_bar
    expected: object
    actual: object


@attrs.frozen
class Outcome:
    case: TestCase
    status: str  # passed | failed | error
    mismatches: tuple = ()
    error: str | None = None


# ---------------------------------------------------------------- loading


def collect(paths: list) -> list[Path]:
    """The test files named, directories read recursively for *.yaml in name order."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():  # hidden directories (.venv, .git) hold other tools' YAML, not test files
            files = sorted(f for f in path.rglob("*.yaml") if not any(part.startswith(".") and part not in (".", "..")
                                                                     for part in f.relative_to(path).parts[:-1]))
            if not files:
                raise InputError("no *.yaml test files in this directory", str(path))
            found += files
        elif path.exists():
            found.append(path)
        else:
            raise InputError("no such file or directory", str(path))
    return list(dict.fromkeys(found))


class _Loader(Checker):
    """Shape checks of a test file, and its references checked against the rulebook and record."""

    def __init__(self, ctx: Context, path: Path):
        super().__init__(path)
        self.ctx = ctx
        book = ctx.rulebook
        self.consequences = {rule.consequence for rule in book.rules}
        self.cites = {rule.cite for rule in book.rules}

    def options(self, node, key, inherited) -> dict:
        chosen = self.mapping(node, key)
        merged = {**inherited, **{str(k): str(v) for k, v in chosen.items()}}
        try:
            self.ctx.with_options(merged)
        except InputError as err:
            self.fail(node, key, err.message)
        return merged

    def whole(self, node, key, what="a whole number", low=None, high=None) -> int:
        value = node.get(key)
        if not is_whole(value) or (low is not None and value < low) or (high is not None and value > high):
            self.fail(node, key, f"{key}: {value!r} is not {what}")
        return value

    def year(self, node, key) -> int:
        year = self.whole(node, key, "a report year")
        try:
            self.ctx.check_year(year)
        except InputError as err:
            self.fail(node, key, f"{key}: {err.message}")
        return year

    def tier(self, node, key, value=_GIVEN, nullable=False):
        value = node.get(key) if value is _GIVEN else value
        if value is None and nullable:
            return None
        if not isinstance(value, str) or value not in self.ctx.rulebook.tiers:
            self.fail(node, key, f"{key}: unknown tier {value!r} (tiers: {', '.join(self.ctx.rulebook.tiers)})")
        return value

    def date(self, node, key) -> dt.date:
        value = node.get(key)
        if not isinstance(value, dt.date):
            try:
                value = dt.date.fromisoformat(str(value))
            except ValueError:
                self.fail(node, key, f"{key}: {value!r} is not a date YYYY-MM-DD")
        return value

    def country(self, node, key, allow_new_code=False) -> str:
        try:
            return self.ctx.record.lookup(str(self.text(node, key, "")), allow_new_code=allow_new_code).code
        except InputError as err:
            self.fail(node, key, err.message)

    def reference(self, node, key, ref) -> str:
        """A consequence named by its id or by a citation (a citation also matches its subdivisions)."""
        if not isinstance(ref, str):
            self.fail(node, key, f"{key}: {ref!r} is neither a consequence id nor a citation")
        if CITE.match(ref):
            if not any(cite_matches(cite, ref) for cite in self.cites):
                self.fail(node, key, f"{key}: no rule of the rulebook cites {ref!r}")
        elif ref not in self.consequences:
            self.fail(node, key, f"{key}: no rule of the rulebook has the consequence {ref!r}")
        return ref

    def list_of(self, node, key, each) -> list:
        value = node.get(key)
        if not isinstance(value, list) or not value:
            self.fail(node, key, f"{key}: must be a non-empty list")
        return [each(node, key, item) for item in value]

    def decision_items(self, node, key, items) -> dict:
        try:
            return parse_decisions(self.ctx, items)
        except InputError as err:
            self.fail(node, key, f"{key}: {err.message}")

    def decisions(self, node, key) -> dict:
        settled = self.mapping(node, key)
        return self.decision_items(node, key, [f"{k}={v}" for k, v in settled.items()])


def load_file(ctx: Context, path: Path) -> list[TestCase]:
    check = _Loader(ctx, path)
    document = top_level(load_yaml(path), path, FILE_KEYS, "a test file")
    check.text(document, "about", "test file", required=False)
    options = check.options(document, "options", {})
    cases = document.get("cases")
    if not isinstance(cases, list) or not cases or not all(isinstance(c, Mapping) for c in cases):
        check.fail(document, "cases", "cases: must be a non-empty list of cases (mappings)")
    loaded, seen = [], set()
    for node in cases:
        loaded.append(_case(check, node, options))
        if loaded[-1].name in seen:
            check.fail(node, "name", f"case name {loaded[-1].name!r} is used twice in this file")
        seen.add(loaded[-1].name)
    return loaded


def _case(check: _Loader, node: Mapping, file_options: dict) -> TestCase:
    for key in node:
        if key not in CASE_KEYS:
            check.fail(node, key, unknown_key(key, CASE_KEYS, " in a case"))
    name = check.text(node, "name", "a case").strip()
    check.text(node, "ref", "a case", required=False)
    asked = [q for q in QUESTIONS if q in node]
    if len(asked) != 1:
        check.fail(node, "name", f"case {name!r}: ask exactly one question ({', '.join(QUESTIONS)})")
    kind = asked[0]
    options = check.options(node, "options", file_options)
    question, country, sets = QUESTION_LOADERS[kind](check, node)
    decisions = check.decisions(node, "decisions")
    if decisions and kind == "history_year":
        check.fail(node, "decisions", "decisions: the record settles a recorded year's decisions; use whatif")
    expect = _expectations(check, node, kind)
    return TestCase(check.path, node.line, name, kind, country, tuple(sets), question, decisions, options, expect)


def _history(check: _Loader, node: Mapping, question_year) -> list:
    """--set items from `history: {YEAR or FIRST-LAST: TIER}`, checked as --set checks them."""
    history = check.mapping(node, "history")
    items = []
    for span, tier in history.items():
        if not (is_whole(span) or (isinstance(span, str) and SPAN.match(span))):
            check.fail(history, span, f"history: {span!r} is not a year or FIRST-LAST")
        items.append(f"{span}={check.tier(history, span, tier)}")
    try:
        parse_sets(check.ctx, items, question_year)
    except InputError as err:
        check.fail(node, "history", f"history: {err.message}")
    return items


def _whatif(check: _Loader, node: Mapping):
    spec = check.mapping(node, "whatif", WHATIF_KEYS)
    year = check.year(spec, "year")
    question = {"year": year, "tier": check.tier(spec, "tier"), "on": check.date(spec, "date") if "date" in spec else None}
    sets = _history(check, node, year)
    return question, check.country(node, "country", allow_new_code=bool(sets)), sets


def _trade(check: _Loader, node: Mapping):
    spec = check.mapping(node, "trade", TRADE_KEYS)
    question = {"on": check.date(spec, "date"), "agreement": check.text(spec, "agreement", "trade", required=False),
                "partners": []}
    if "partners" in spec:
        question["partners"] = [_partner(check, spec, p) for p in check.texts(spec, "partners", "trade")]
    if bool(question["partners"]) == bool(question["agreement"]):
        check.fail(node, "trade", "trade: give either agreement or partners")
    if question["agreement"] and question["agreement"] not in check.ctx.record.agreements:
        check.fail(spec, "agreement", f"trade: unknown agreement {question['agreement']!r} "
                                      f"(known: {', '.join(sorted(check.ctx.record.agreements))})")
    sets = _history(check, node, None)
    country = None
    if {"country", "history", "decisions"} & set(node):
        country = check.country(node, "country", allow_new_code=bool(sets))
        partners = question["partners"] or check.ctx.record.agreements[question["agreement"]]["partners"]
        if country not in partners:
            check.fail(node, "country", f"country: {country} is not a partner, so its history and decisions "
                                        f"would not be read (partners: {', '.join(partners)})")
    return question, country, sets


def _partner(check, spec, text) -> str:
    try:
        return check.ctx.record.lookup(text).code
    except InputError as err:
        check.fail(spec, "partners", f"partners: {err.message}")


def _history_year(check: _Loader, node: Mapping):
    year = check.year(node, "history_year")
    if "history" in node:
        check.fail(node, "history", "history: a recorded year is judged on the record; use whatif to change it")
    country = check.country(node, "country")
    placement = check.ctx.record.history(country).get(year)
    if placement is None or placement.tier is None:
        check.fail(node, "history_year", f"history_year: the record has no placement of {country} in {year}")
    return {"year": year}, country, []


QUESTION_LOADERS = {"whatif": _whatif, "trade": _trade, "history_year": _history_year}


# ---------------------------------------------------------------- expectations: checked when loading


def _expectations(check: _Loader, node: Mapping, kind: str) -> dict:
    expect = check.mapping(node, "expect", EXPECT_KEYS[kind])
    if not expect:
        check.fail(node, "expect", f"expect: say what the answer must be ({', '.join(sorted(EXPECT_KEYS[kind]))})")
    return {key: EXPECTATIONS[key][0](check, expect, key) for key in expect}


def _tier_or_null(check, node, key):
    return check.tier(node, key, nullable=True)


def _tiers(check, node, key):
    return sorted(check.list_of(node, key, check.tier))


def _references(check, node, key):
    return check.list_of(node, key, check.reference)


def _consequence_ids(check, node, key):
    refs = _references(check, node, key)
    for ref in refs:
        if CITE.match(ref):
            check.fail(node, key, f"{key}: lists consequence ids, not citations ({ref!r})")
    return refs


def _flag_or_null(check, node, key):
    if node[key] is not None and not isinstance(node[key], bool):
        check.fail(node, key, f"{key}: true, false or null")
    return node[key]


def _flag(check, node, key):
    if not isinstance(node[key], bool):
        check.fail(node, key, f"{key}: true or false")
    return node[key]


def _text(check, node, key):
    return check.text(node, key, "expect")


def _decision_ids(check, node, key):
    def known(parent, k, item):
        if not isinstance(item, str) or item not in check.ctx.rulebook.decisions:
            known_ids = ", ".join(sorted(check.ctx.rulebook.decisions))
            check.fail(parent, k, f"{k}: unknown decision {item!r} (decisions: {known_ids})")
        return item
    return check.list_of(node, key, known)


def _decision_settings(check, node, key):
    items = check.list_of(node, key, lambda parent, k, item: str(item))
    check.decision_items(node, key, items)
    return sorted(items)


def _patterns(check, node, key):
    """{consequence id: {field: value}} or {id: [{...}, ...]} (exactly that many versions)."""
    found = {}
    for ref, pattern in check.mapping(node, key).items():
        check.reference(node[key], ref, ref)
        patterns = pattern if isinstance(pattern, list) else [pattern]
        if not patterns or not all(isinstance(p, Mapping) and p for p in patterns):
            check.fail(node[key], ref, f"{key}.{ref}: a mapping of fields, or a list of them")
        found[ref] = {"each": [_plain(p) for p in patterns], "count": len(patterns) if isinstance(pattern, list) else None}
    if not found:
        check.fail(node, key, f"{key}: name at least one consequence")
    return found


def _features(check, node, key):
    features = check.mapping(node, key)
    for name in features:
        if name not in check.ctx.rulebook.features:
            known = ", ".join(sorted(check.ctx.rulebook.features))
            check.fail(features, name, f"{key}: unknown feature {name!r} (features: {known})")
    return _plain(features)


def _what_follows(check, node, key):
    follows = check.mapping(node, key)
    found = {}
    for decision, options in follows.items():
        if decision not in check.ctx.rulebook.decisions or not isinstance(options, Mapping) or not options:
            check.fail(follows, decision, f"{key}: map a known decision to {{option: effective tier}}")
        for option, tier in options.items():
            check.decision_items(options, option, [f"{decision}={option}"])
            check.tier(options, option, tier, nullable=True)
        found[decision] = {str(option): tier for option, tier in options.items()}
    return found


def _forward(check, node, key):
    spec = check.mapping(node, key, FORWARD_KEYS)
    found = {"years": check.whole(spec, "years", "from 1 to 25", 1, 25) if "years" in spec else DEFAULT_FORWARD}
    if "first_forced_change" in spec:
        found["first_forced_change"] = None if spec["first_forced_change"] is None else check.whole(
            spec, "first_forced_change", "a report year or null")
    if "years_needing_a_decision" in spec:
        years = spec["years_needing_a_decision"]
        if not isinstance(years, list) or not all(is_whole(y) for y in years):
            check.fail(spec, "years_needing_a_decision", "years_needing_a_decision: a list of report years")
        found["years_needing_a_decision"] = sorted(years)
    if "needs" in spec:
        needs = check.mapping(spec, "needs")
        if not needs or not all(is_whole(y) for y in needs):
            check.fail(spec, "needs", "needs: map report years to lists of DECISION=OPTION")
        found["needs"] = {y: _decision_settings(check, needs, y) for y in needs}
    if "forced_by" in spec:
        found["forced_by"] = _references(check, spec, "forced_by")
    return found


def _partners(check, node, key):
    partners = check.mapping(node, key)
    found = {}
    for text, fields in partners.items():
        code = _partner(check, partners, str(text))
        if not isinstance(fields, Mapping) or not fields or set(fields) - PARTNER_KEYS:
            check.fail(partners, text, f"{key}.{text}: a mapping of some of {sorted(PARTNER_KEYS)}")
        found[code] = _plain(fields)
    if not found:
        check.fail(node, key, f"{key}: name at least one partner")
    return found


def _countries(check, node, key):
    value = node.get(key)
    if not isinstance(value, list):
        check.fail(node, key, f"{key}: a list of countries (may be empty)")
    return sorted(_partner(check, node, str(item)) for item in value)


def _plain(value):
    """A YAML value as the JSON answer writes it (dates as text), for comparison."""
    if isinstance(value, dict):
        return {str(k) if isinstance(k, dt.date) else k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


# ---------------------------------------------------------------- expectations: compared with the answer


def cite_matches(cite: str, ref: str) -> bool:
    """A citation names its own section and every subdivision of it."""
    return cite == ref or cite.startswith(ref + "(")


def _matches(entry: dict, ref: str) -> bool:
    return entry.get("id") == ref or cite_matches(entry.get("cite") or "", ref)


def _entries(answer: dict) -> list:
    return answer["consequences"]


def _equal(what):
    def compare(expected, answer):
        actual = what(answer)
        return [] if actual == expected else [Mismatch("", expected, actual)]
    return compare


def _present(expected, answer):
    entries = _entries(answer)
    missing = [ref for ref in expected if not any(_matches(e, ref) for e in entries)]
    return [Mismatch("", f"present: {ref}", f"absent (present: {sorted({e['id'] for e in entries})})")
            for ref in missing]


def _absent(expected, answer):
    found = []
    for ref in expected:
        hits = sorted({e["id"] for e in _entries(answer) if _matches(e, ref)})
        if hits:
            found.append(Mismatch("", f"absent: {ref}", f"present: {', '.join(hits)}"))
    return found


def subset(pattern, actual) -> bool:
    """Whether `actual` has every field of `pattern` with the same value (mappings compared field by field)."""
    if isinstance(pattern, dict):
        return isinstance(actual, dict) and all(k in actual and subset(v, actual[k]) for k, v in pattern.items())
    return pattern == actual


def _shown(pattern, actual):
    """The fields of `actual` that `pattern` names: a readable diff, not the whole entry."""
    if isinstance(pattern, dict) and isinstance(actual, dict):
        return {k: _shown(v, actual[k]) if k in actual else "(missing)" for k, v in pattern.items()}
    return actual


def _consequences(expected, answer):
    found = []
    for ref, spec in expected.items():
        entries = [e for e in _entries(answer) if _matches(e, ref)]
        if spec["count"] is not None and len(entries) != spec["count"]:
            found.append(Mismatch(f".{ref}", f"{spec['count']} entries", f"{len(entries)} entries"))
        for pattern in spec["each"]:
            if not any(subset(pattern, e) for e in entries):
                actual = [_shown(pattern, e) for e in entries] or "absent"
                found.append(Mismatch(f".{ref}", pattern, actual[0] if len(actual) == 1 else actual))
    return found


def _features_compare(expected, answer):
    actual = answer["features"]
    return [Mismatch(f".{name}", value, actual.get(name, "(no such feature here)"))
            for name, value in expected.items() if actual.get(name) != value]


def _open_ids(answer) -> set:
    return {d["id"] for d in answer["decisions"]}


def _decisions_open(expected, answer):
    return [Mismatch("", f"{d} open", "not open") for d in expected if d not in _open_ids(answer)]


def _decisions_not_open(expected, answer):
    return [Mismatch("", f"{d} not open", "open") for d in expected if d in _open_ids(answer)]


def _what_follows_compare(expected, answer):
    found = []
    opened = {d["id"]: d for d in answer["decisions"]}
    for decision, options in expected.items():
        for option, tier in options.items():
            entry = opened.get(decision, {}).get("options", {}).get(option)
            actual = entry.get("effective_tier", "(settled, not followed)") if entry else "(decision not open)"
            if actual != tier:
                found.append(Mismatch(f".{decision}.{option}", tier, actual))
    return found


def _included(field):
    def compare(expected, report):
        actual = report["changes"][field]
        return [Mismatch("", f"{field}: {c}", f"not {field} ({field}: {actual})") for c in expected if c not in actual]
    return compare


def _forward_compare(expected, report):
    clock = report["forward"]
    steps = {s["year"]: s for s in clock["steps"]}
    found = []
    for key in ("first_forced_change", "years_needing_a_decision"):
        if key in expected and clock[key] != expected[key]:
            found.append(Mismatch(f".{key}", expected[key], clock[key]))
    for year, needs in expected.get("needs", {}).items():
        actual = sorted(steps[year]["needs"]) if year in steps else "(beyond the clock)"
        if actual != needs:
            found.append(Mismatch(f".needs.{year}", needs, actual))
    if "forced_by" in expected:
        forced = steps.get(clock["first_forced_change"], {}).get("forced_by", [])
        for ref in expected["forced_by"]:
            if not any(_matches(entry, ref) for entry in forced):
                found.append(Mismatch(".forced_by", ref, [f"{e['id']} ({e['cite']})" for e in forced] or "nothing forced"))
    return found


def _partners_compare(expected, answer):
    partners = {p["country"]: p for p in answer["partners"]}
    return [Mismatch(f".{code}", fields, _shown(fields, partners.get(code, {})))
            for code, fields in expected.items() if not subset(fields, partners.get(code, {}))]


def _never(expected, answer):
    return [Mismatch("", f"refused with {expected!r}", "answered")]


def _hypothetical(compare):
    """A comparison on the what-if's result for the question year."""
    return lambda expected, report: compare(expected, report["hypothetical"])


def _recorded_tier(report):
    if "hypothetical" in report:
        return (report["baseline"] or {}).get("proposed_tier")
    return report["tier"]


def _decisions_needed(report):
    """The decisions the record settles for a recorded year (recorded, or inferred from its list)."""
    return sorted(f"{d['id']}={d['applied']}" for d in report["decisions"] if d["settled_by"] == "record")


def _unavailable(report):
    """Settled decisions no rule opens: the what-if answers without them and says why."""
    return sorted(f"{d['id']}={d['value']}" for d in report["hypothetical"].get("unavailable_decisions", []))


def _required_by(expected, row):
    """Rules that would have turned another proposal into the recorded tier."""
    required = [f for f in row["findings"] if f["audit"] == "required"]
    return [Mismatch("", f"required by {ref}", [f"{f['id']} instead of {f['instead_of']}" for f in required] or "nothing")
            for ref in expected if not any(_matches(f, ref) for f in required)]


# key -> (check when loading, compare with the answer)
EXPECTATIONS = {
    "effective_tier": (_tier_or_null, _hypothetical(_equal(lambda r: r["effective_tier"]))),
    "effective_tier_possible": (_tiers, _hypothetical(_equal(lambda r: r.get("effective_tier_possible")))),
    "present": (_references, None),
    "absent": (_references, None),
    "consequences": (_patterns, None),
    "features": (_features, None),
    "decisions_open": (_decision_ids, _hypothetical(_decisions_open)),
    "decisions_not_open": (_decision_ids, _hypothetical(_decisions_not_open)),
    "what_follows": (_what_follows, _hypothetical(_what_follows_compare)),
    "recorded_tier": (_tier_or_null, _equal(_recorded_tier)),
    "added": (_consequence_ids, _included("added")),
    "removed": (_consequence_ids, _included("removed")),
    "forward": (_forward, _forward_compare),
    "error": (_text, _never),
    "unavailable": (_decision_settings, _equal(_unavailable)),
    "tpa_available": (_flag_or_null, _equal(lambda r: r["tpa_available"])),
    "blocking": (_countries, _equal(lambda r: sorted(r["blocking"]))),
    "open": (_countries, _equal(lambda r: sorted(r["open"]))),
    "exception_route": (_flag, _equal(lambda r: r["exception_route"]["available"])),
    "authority_in_force": (_flag, _equal(lambda r: r["authority"]["in_force"])),
    "partners": (_partners, _partners_compare),
    "record_fits_law": (_flag_or_null, _equal(lambda r: r["record_fits_law"])),
    "decisions_needed": (_decision_settings, _equal(_decisions_needed)),
    "required_by": (_references, _required_by),
}
# These read the consequences of a what-if's question year, or the findings of a recorded year.
ON_RESULT = {"present": _present, "absent": _absent, "consequences": _consequences, "features": _features_compare}


SET_OFF = ("set_off",)  # a recorded year's findings that are its consequences (those of its published list)


def _compare(key, expected, kind, answer):
    if key in ON_RESULT:
        return ON_RESULT[key](expected, _result_of(kind, answer))
    return EXPECTATIONS[key][1](expected, answer)


def _result_of(kind, answer) -> dict:
    """The consequences an expectation reads: a what-if's question year, or a recorded year's findings."""
    if kind == "whatif":
        return answer["hypothetical"]
    return dict(answer, consequences=[f for f in answer["findings"] if f["audit"] in SET_OFF])



# ---------------------------------------------------------------- running


def _answer(ctx: Context, case: TestCase) -> dict:
    if case.kind == "whatif":
        from .queries import whatif
        forward = case.expect.get("forward", {}).get("years", 0)
        q = case.question
        return whatif(ctx, case.country, q["year"], q["tier"], list(case.sets),
                      [f"{k}={v}" for k, v in case.decisions.items()], q["on"], forward_years=forward)
    if case.kind == "trade":
        from .trade import most_recent_report, trade
        q = case.question
        overrides = {case.country: parse_sets(ctx, list(case.sets), None)} if case.country else {}
        year = most_recent_report(ctx, q["on"])
        decisions = {case.country: {year: case.decisions}} if case.decisions else {}
        return trade(ctx, q["partners"], q["agreement"], q["on"], overrides, decisions)
    from .audit import audit_row
    return audit_row(ctx, case.country, ctx.record.history(case.country)[case.question["year"]])


def run_case(ctx: Context, case: TestCase) -> Outcome:
    try:
        answer = _answer(ctx, case)
    except (InputError, RulebookConflict) as err:
        refused = str(err)
        if "error" in case.expect:
            if case.expect["error"] in refused:
                return Outcome(case, "passed")
            return Outcome(case, "failed", (Mismatch("error", f"refused with {case.expect['error']!r}", refused),))
        return Outcome(case, "error", error=refused)
    except Exception as err:  # noqa: BLE001 - one broken case must not hide the others
        return Outcome(case, "error", error=f"internal error: {type(err).__name__}: {err}")
    mismatches = []
    for key, expected in case.expect.items():
        mismatches += [attrs.evolve(m, what=key + m.what) for m in _compare(key, expected, case.kind, answer)]
    return Outcome(case, "failed" if mismatches else "passed", tuple(mismatches))


class Runner:
    """Contexts per option set, shared by the cases that use it (each compiles the law once)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.contexts: dict = {}

    def context(self, options: dict) -> Context:
        merged = {**self.ctx.options, **options}
        key = tuple(sorted(merged.items()))
        if key not in self.contexts:
            self.contexts[key] = self.ctx.with_options(merged)
        return self.contexts[key]

    def run(self, cases: list) -> list[Outcome]:
        return [run_case(self.context(case.options), case) for case in cases]


def load_all(ctx: Context, paths: list, match: str | None = None) -> list[TestCase]:
    cases = [case for path in collect(paths) for case in load_file(ctx, path)]
    return [case for case in cases if match is None or match.lower() in case.name.lower()]


def run_paths(ctx: Context, paths: list, match: str | None = None) -> tuple[str, bool]:
    """Load every file (a malformed one stops here, before any case runs), run the cases, and give the
    pytest-like report and whether every case passed."""
    cases = load_all(ctx, paths, match)
    if match is not None and not cases:  # a mistyped -k would pass with nothing run
        raise InputError(f"no case name contains {match!r}", "-k")
    outcomes = Runner(ctx).run(cases)
    return report(ctx, outcomes), all(o.status == "passed" for o in outcomes)


# ---------------------------------------------------------------- the report

MARK = {"passed": ".", "failed": "F", "error": "E"}


def report(ctx: Context, outcomes: list) -> str:
    lines = []
    by_file: dict = {}
    for outcome in outcomes:
        by_file.setdefault(outcome.case.path, []).append(outcome)
    for path, found in by_file.items():
        lines.append(f"{path} {''.join(MARK[o.status] for o in found)}")
    for status, title in (("failed", "FAILURES"), ("error", "ERRORS")):
        chosen = [o for o in outcomes if o.status == status]
        if chosen:
            lines += ["", f"{'=' * 30} {title} {'=' * 30}"]
            for outcome in chosen:
                lines += _details(outcome)
    counts = [f"{sum(o.status == s for o in outcomes)} {s}" for s in ("passed", "failed", "error")]
    lines += ["", f"{', '.join(c for c in counts if not c.startswith('0 ')) or 'no cases'} "
                  f"(rulebook {ctx.rulebook.source}, {ctx.rulebook.digest[:19]})"]
    return "\n".join(lines) + "\n"


def _details(outcome: Outcome) -> list:
    case = outcome.case
    lines = ["", f"{'FAILED' if outcome.status == 'failed' else 'ERROR'} {case.where}: {case.name}"]
    if outcome.error:
        return lines + [f"    {outcome.error}"]
    for mismatch in outcome.mismatches:
        lines += [f"  expect.{mismatch.what}",
                  f"    - expected: {_text_of(mismatch.expected)}",
                  f"    + actual:   {_text_of(mismatch.actual)}"]
    return lines


def _text_of(value) -> str:
    """A value as one line of JSON; mapping keys of mixed types (a number and a text) are written as text."""
    return value if isinstance(value, str) else json.dumps(_text_keys(value), sort_keys=True, default=str)


def _text_keys(value):
    if isinstance(value, dict):
        return {str(key): _text_keys(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_text_keys(item) for item in value]
    return value
