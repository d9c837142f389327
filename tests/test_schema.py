"""The JSON Schemas editors use (tierlaw/schemas): current, valid, met by every shipped file, referenced
from the shipped YAML files, and never stricter than the loaders (checked on the fuzz corpus of test_fuzz)."""

import json
import os
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator

from test_cases import CASE_FILES, CASES
from test_fuzz import RULE_FILES, SCENARIO_FILES, directory_with, mutated, tree_mutated
from tierlaw import schemas
from tierlaw.errors import InputError, RulebookConflict
from tierlaw.paths import default_rules_dir, default_scenarios_dir
from tierlaw.rulebook import load_rulebook
from tierlaw.yamlsafe import parse_yaml

SHIPPED = {"rules": sorted(default_rules_dir().glob("*.yaml")), "scenario": sorted(default_scenarios_dir().glob("*.yaml")),
           "tests": sorted(CASES.glob("*.yaml"))}
EXAMPLES = int(os.environ.get("TIERLAW_FUZZ_EXAMPLES", "150"))
AGREEMENT = settings(max_examples=EXAMPLES, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
VALIDATORS = {kind: Draft202012Validator(json.loads(schemas.path(kind).read_text())) for kind in schemas.FILES}


def schema_errors(kind: str, document) -> list:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in VALIDATORS[kind].iter_errors(schemas.json_view(document))]


def test_the_shipped_schemas_are_the_built_ones():
    for name, schema in schemas.build().items():
        assert (schemas.HERE / name).read_text() == schemas.text_of(schema), f"run: python -m tierlaw.schemas ({name})"


def test_the_schemas_are_draft_2020_12_schemas():
    for kind, validator in VALIDATORS.items():
        Draft202012Validator.check_schema(validator.schema)
        assert validator.schema["$schema"] == Draft202012Validator.META_SCHEMA["$id"]


@pytest.mark.parametrize("kind, path", [(k, p) for k, paths in SHIPPED.items() for p in paths],
                         ids=lambda v: v if isinstance(v, str) else v.name)
def test_every_shipped_file_validates(kind, path):
    assert schema_errors(kind, parse_yaml(path.read_text(), str(path))) == []


SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)\n")
# The schema lines are for editors, which open the repository's files (an installed package lays the
# files out otherwise): they must reach the repository's schemas, which are the shipped ones.
REPO = Path(__file__).resolve().parent.parent
IN_REPO = {"rules": sorted((REPO / "rules").glob("*.yaml")), "scenario": sorted((REPO / "scenarios").glob("*.yaml")),
           "tests": sorted(CASES.glob("*.yaml"))}


def repo_schema(kind: str) -> Path:
    found = (REPO / "engine" / "tierlaw" / "schemas" / schemas.FILES[kind]).resolve()
    assert found.read_text() == schemas.path(kind).read_text()  # the same schema as the package's
    return found


def schema_line_target(path: Path):
    found = SCHEMA_LINE.match(path.read_text())
    return (path.parent / found.group(1)).resolve() if found else None


@pytest.mark.parametrize("kind", ["scenario", "tests"])
def test_shipped_scenarios_and_cases_name_their_schema_on_the_first_line(kind):
    for path in IN_REPO[kind]:
        assert schema_line_target(path) == repo_schema(kind), path


def test_every_rule_file_names_the_rule_schema():
    assert IN_REPO["rules"] and all(schema_line_target(p) == repo_schema("rules") for p in IN_REPO["rules"])


# ---------------------------------------------------------------- typical slips an editor should flag

RULE = """rules:
  - id: x.rule
    title: A rule
    cite: 22 U.S.C. 7107(c)
    enacted_by: P.L. 1
    in_force: {from_report: 2003}
    confidence: STATUTE
    when:
      - derived.effective_tier: "3"
"""
SLIPS = [
    ("rules", RULE.replace("    cite:", "    cites:")),
    ("rules", RULE.replace("confidence: STATUTE", "confidence: statute")),
    ("rules", RULE.replace("in_force: {from_report: 2003}", "in_force: {from: 2003}")),
    ("rules", RULE.replace("in_force: {from_report: 2003}", "in_force: {from_report: '2003'}")),
    ("rules", RULE.replace("derived.effective_tier", "derivd.effective_tier")),
    ("rules", RULE.replace('"3"', '{greater: 2}')),
    ("rules", RULE.replace("cite: 22 U.S.C. 7107(c)", "cite: 22 USC 7107(c)")),
    ("rules", RULE + "    then: {derive: [effective_tier]}\n"),
    ("rules", RULE + "    then: {due: {anchor: report_released, days: 180, months: 1}}\n"),
    ("rules", "paramaters: {}\n"),
    ("scenario", "name: x\nplacements: {MYS: {2015: {tier: '3', alternative: ['2']}}}\n"),
    ("scenario", "name: x\nplacements: {MYS: {2015: '3'}}\nquestions: {trade: [{agreement: TPP}]}\n"),
    ("scenario", "name: x\nplacements: {MYS: {2015: '3'}}\nquestion: {}\n"),
    ("tests", "cases: [{name: x, country: MYS, whatif: {year: 2015, tier: '3'}, expect: {effective: '3'}}]\n"),
    ("tests", "cases: [{name: x, country: MYS, whatif: {year: 2015}, expect: {effective_tier: '3'}}]\n"),
    ("tests", "cases: [{name: x, trade: {date: 2016-02-04, agreement: TPP}, expect: {effective_tier: '3'}}]\n"),
]


def loader_refuses(kind: str, text: str, directory: Path, name: str = "zz-under-test.yaml") -> bool:
    """Whether the command that reads such a document refuses it (a rule file joins the shipped ones)."""
    try:
        if kind == "rules":
            load_rulebook(directory_with(directory, {**RULE_FILES, name: text}, name, text))
        else:
            (directory / "document.yaml").write_text(text)
            LOADERS[kind](context(), directory / "document.yaml")
    except (InputError, RulebookConflict):
        return True
    return False


@pytest.mark.parametrize("kind, text", SLIPS)
def test_the_schema_flags_typical_slips_and_the_loader_refuses_them(tmp_path, kind, text):
    assert schema_errors(kind, yaml.safe_load(text)), text
    assert loader_refuses(kind, text, tmp_path)


# ---------------------------------------------------------------- never stricter than the loader

_context = []


def context():
    if not _context:
        from tierlaw.queries import Context
        _context.append(Context(backend="reference"))
    return _context[0]


def _run_scenario(ctx, path):
    from tierlaw.scenario import run
    return run(ctx, path)


def _load_tests(ctx, path):
    from tierlaw.testcases import load_file
    return load_file(ctx, path)


LOADERS = {"scenario": _run_scenario, "tests": _load_tests}  # a scenario is checked while it runs


def agrees(kind: str, mutation, directory: Path) -> None:
    """If the schema refuses a document, the loader refuses it too (so every document the loader
    accepts validates)."""
    name, text = mutation
    try:
        document = parse_yaml(text, name)
    except InputError:
        return  # not YAML at all: an editor shows the syntax error, not the schema's
    errors = schema_errors(kind, document)
    assert not errors or loader_refuses(kind, text, directory, name), \
        f"the schema refuses what the loader accepts ({errors[:3]}):\n{mutation!r}"


@settings(AGREEMENT, max_examples=max(EXAMPLES // 3, 10))  # each refused rule file reloads the rulebook
@given(mutated(RULE_FILES) | tree_mutated(RULE_FILES))
def test_the_rule_schema_is_never_stricter_than_the_loader(tmp_path_factory, mutation):
    agrees("rules", mutation, tmp_path_factory.mktemp("rules"))


@settings(AGREEMENT, max_examples=max(EXAMPLES // 3, 10))  # each refused scenario is run by its loader
@given(mutated(SCENARIO_FILES) | tree_mutated(SCENARIO_FILES))
def test_the_scenario_schema_is_never_stricter_than_the_loader(tmp_path_factory, mutation):
    agrees("scenario", mutation, tmp_path_factory.mktemp("scenario"))


@settings(AGREEMENT, max_examples=max(EXAMPLES // 2, 10))
@given(mutated(CASE_FILES) | tree_mutated(CASE_FILES))
def test_the_test_file_schema_is_never_stricter_than_the_loader(tmp_path_factory, mutation):
    agrees("tests", mutation, tmp_path_factory.mktemp("tests"))


def test_a_tier_given_as_its_number_validates_as_the_loader_reads_it(tmp_path):
    # found by the fuzzer in CI: `2015: 1` loads (the YAML integer is tier 1) but the schema wanted text
    text = ("name: numbers\nplacements:\n  MYS:\n    2015: 3\n    2016: {tier: 2, alternatives: [3]}\n"
            "history:\n  MYS:\n    2014: 3\nquestions:\n  forward:\n  - {country: MYS, year: 2016, tier: 3}\n")
    assert schema_errors("scenario", yaml.safe_load(text)) == []
    assert not loader_refuses("scenario", text, tmp_path)
