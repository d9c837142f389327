"""Malformed and adversarial input never crashes: exit 0 or 2, never 1, never a traceback.

TIERLAW_FUZZ_EXAMPLES sets the number of cases per test (CI: a few hundred; thorough: 10,000).
"""

import copy
import difflib
import functools
import os
import re
import tempfile

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierlaw.cli import main
from tierlaw.paths import default_data_dir, default_rules_dir, default_scenarios_dir

EXAMPLES = int(os.environ.get("TIERLAW_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

RULE_FILES = {p.name: p.read_text() for p in sorted(default_rules_dir().glob("*.yaml"))}
TOKENS = ['"3"', "3", "2WL", "true", "null", "[]", "{}", "-", ":", "{", "[", "'", '"', "&a", "*a", "!!python/object:os.system",
          "!!binary AAAA", "2009", "-1", "1e309", "x" * 300, "when:", "then:", "derive: {effective_tier: '2'}",
          "unless: [tier.list_1a]", "in_force: {from_report: 2030, until_report: 2001}", "param: nowhere",
          "? [a, b]", "<<: *a", "\t", "\x00", "é", "{gte: {sum: [1, {param: autodowngrade.consecutive_years}]}}"]


def run(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    code = exit_info.value.code
    assert code in (0, 2), f"exit {code} for {argv}: {err}"
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2 and argv[0] == "check":  # a rulebook check lists each problem found on a line of its own
        assert all(re.match(r"(E\d{3}|V\d{3}|tierlaw: error: )", line) for line in err.splitlines()), err
    elif code == 2:
        assert err.count("\n") == 1 and out == "", err
    return code


class Changed(tuple):
    """(name, text) of a changed file; shown in a failure report as a diff against the shipped file."""

    def __new__(cls, name, text, original):
        changed = super().__new__(cls, (name, text))
        changed.original = original
        return changed

    def __repr__(self):
        diff = difflib.unified_diff(self.original.splitlines(), self[1].splitlines(), self[0], self[0], lineterm="")
        return "\n".join(diff)[:4000] or f"{self[0]}: unchanged"


def mutated(files: dict):
    """One of `files` with one to three line edits: deleted, a token spliced in, swapped, doubled, cut short."""
    @st.composite
    def strategy(draw):
        name = draw(st.sampled_from(sorted(files)))
        lines = files[name].splitlines()
        for _ in range(draw(st.integers(1, 3))):
            where = draw(st.integers(0, len(lines) - 1))
            action = draw(st.sampled_from(["delete", "token", "swap", "duplicate", "truncate"]))
            if action == "delete":
                del lines[where]
            elif action == "token":
                line = lines[where]
                cut = draw(st.integers(0, len(line)))
                lines[where] = line[:cut] + draw(st.sampled_from(TOKENS)) + line[cut:]
            elif action == "swap":
                other = draw(st.sampled_from(sorted(files)))
                lines[where] = draw(st.sampled_from(files[other].splitlines()))
            elif action == "duplicate":
                lines.insert(where, lines[where])
            else:
                lines = lines[:where]
            if not lines:
                lines = [""]
        return Changed(name, "\n".join(lines) + "\n", files[name])
    return strategy()


SCENARIO_FILES = {p.name: p.read_text() for p in sorted(default_scenarios_dir().glob("*.yaml"))}
# Every key a scenario may hold, valid as written; the tree mutator below starts from it and the shipped ones.
SCENARIO_FILES["kitchen-sink.yaml"] = """\
name: every key
description: all sections filled
options: {waiver_transition: fresh_start_2019, special_rule_f_history: prospective, probable_lists: partial}
history:
  ZZW: {2017: "2", 2018: "2"}
placements:
  ZZW: {2019: 2WL, 2020: 2WL, 2021: 2WL}
  THA:
    2015: {tier: "3", alternatives: ["2WL", "2"], note: the diplomats sought the Watch List}
decisions:
  ZZW:
    2021: {autodowngrade_waiver: granted}
questions:
  trade:
    - {agreement: TPP, date: 2015-10-05}
    - {partners: [MYS, VNM], date: 2016-03-01}
  forward:
    - {country: ZZW, year: 2021, years: 4}
    - {country: THA, year: 2015, years: 2, tier: 2WL}
"""
DATA_FILES = {p.name: p.read_text() for p in sorted(default_data_dir().iterdir()) if p.suffix in (".yaml", ".csv")}
DATA_YAML = {name: text for name, text in DATA_FILES.items() if name.endswith(".yaml")}


def scalars(node):
    """Every key and scalar value in a parsed document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from scalars(value)
    elif isinstance(node, list):
        for item in node:
            yield from scalars(item)
    else:
        yield node


def subtrees(node, path=()):
    """(path, subtree) for every node below the root: keys and list indices on the way down."""
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield path + (key,), child
        yield from subtrees(child, path + (key,))


def tree_mutated(files: dict):
    """One parsed document of `files` with one to three structural edits, dumped again as YAML: a value
    replaced by a wrong scalar or shape, or by a subtree grafted from elsewhere; a key deleted, renamed or added.
    This reaches wrong types deep inside valid documents, which line edits mostly turn into syntax errors."""
    documents = {name: yaml.safe_load(text) for name, text in files.items()}
    grafts = [tree for document in documents.values() for _, tree in subtrees(document)]
    words = sorted({repr(v): v for d in documents.values() for v in scalars(d)}.values(), key=repr)
    plain = (st.none() | st.booleans() | st.integers(-3, 3000) | st.floats() | st.text(max_size=6) | st.dates()
             | st.sampled_from(words))
    key = plain.filter(lambda k: not isinstance(k, float))
    anything = st.recursive(plain, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(key, inner, max_size=3),
                            max_leaves=8) | st.sampled_from(grafts).map(copy.deepcopy)

    @st.composite
    def strategy(draw):
        name = draw(st.sampled_from(sorted(documents)))
        document = copy.deepcopy(documents[name])
        for _ in range(draw(st.integers(1, 3))):
            places = [path for path, _ in subtrees(document)]
            if not places:
                break
            path = draw(st.sampled_from(places))
            parent = functools.reduce(lambda node, step: node[step], path[:-1], document)
            action = draw(st.sampled_from(["replace", "replace", "delete", "rename", "add"]))
            if action == "replace":
                parent[path[-1]] = draw(anything)
            elif action == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                value = parent.pop(path[-1]) if action == "rename" else draw(anything)
                parent[draw(key)] = value
            else:
                parent.insert(path[-1], draw(anything))
        return Changed(name, yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                       yaml.safe_dump(documents[name], allow_unicode=True, sort_keys=False))
    return strategy()


RULEBOOK_COMMANDS = [["whatif", "MYS", "2015", "--tier", "2WL"],
                     ["whatif", "ZZA", "2021", "--tier", "2WL", "--set", "2020=2WL"],
                     ["history", "CUB"],
                     ["trade", "--agreement", "TPP", "--on", "2016-02-04"],
                     ["whatif", "THA", "2015", "--tier", "all", "--format", "markdown"],
                     ["audit", "MYS", "--format", "json"],
                     ["check"]]


@FUZZ
@given(mutated(RULE_FILES) | tree_mutated(RULE_FILES), st.sampled_from(RULEBOOK_COMMANDS))
def test_mutated_rulebooks_never_crash(capsys, tmp_path_factory, mutation, command):
    rules = directory_with(tmp_path_factory.mktemp("rules"), RULE_FILES, *mutation)
    run(capsys, [*command, "--rules", str(rules), "--backend", "reference"])


def directory_with(directory, files: dict, name: str, text: str):
    """`directory` holding `files`, the one called `name` replaced by `text`."""
    for other, content in files.items():
        (directory / other).write_text(text if other == name else content)
    return directory




def test_the_scenario_fuzzer_starts_from_valid_documents(capsys, tmp_path):
    for name, text in SCENARIO_FILES.items():
        (tmp_path / name).write_text(text)
        assert run(capsys, ["run", str(tmp_path / name), "--format", "json", "--backend", "reference"]) == 0, name


@FUZZ
@given(mutated(SCENARIO_FILES) | tree_mutated(SCENARIO_FILES), st.sampled_from(["json", "table", "markdown", "html"]))
def test_adversarial_scenarios_never_crash(capsys, tmp_path_factory, mutation, fmt):
    path = tmp_path_factory.mktemp("scenario") / "scenario.yaml"
    path.write_text(mutation[1])
    run(capsys, ["run", str(path), "--format", fmt, "--backend", "reference"])


@FUZZ
@given(mutated(DATA_FILES) | tree_mutated(DATA_YAML), st.sampled_from(RULEBOOK_COMMANDS))
def test_mutated_data_files_never_crash(capsys, tmp_path_factory, mutation, command):
    data = directory_with(tmp_path_factory.mktemp("data"), DATA_FILES, *mutation)
    run(capsys, [*command, "--data", str(data), "--backend", "reference"])


SCENARIO = str(default_scenarios_dir() / "malaysia-2015-tpp.yaml")
ARG_POOL = ["whatif", "history", "audit", "trade", "run", "lawmap", "check", SCENARIO,
            "scenarios/nope.yaml", "--agreement", "TPP", "NAFTA", "all", "--forward", "30", "--output", "-o",
            "/nonexistent/dir/out.html", "html", "--years", "MYS", "Malaysia", "Korea", "ZZA", "zz", "Côte d'Ivoire", "2015", "2001",
            "2000", "1999", "99999999999", "-3", "abc", "--tier", "3", "2WL", "special", "9", "--set", "2014=3",
            "2014=", "=3", "2014=3=3", "--waiver", "granted", "maybe", "--decide", "trade_letter=submitted",
            "nothing=1", "--on", "2016-02-04", "2016-02-30", "--format", "json", "markdown", "html", "--backend",
            "reference", "--option", "waiver_transition=fresh_start_2019", "x=y", "--from", "--to", "2010",
            "--rules", "/nonexistent", "--data", "", "--help-me", "\x00"]


@FUZZ
@given(st.lists(st.sampled_from(ARG_POOL), min_size=1, max_size=9))
def test_random_command_lines_never_crash(capsys, argv):
    if "--exhaustive" in argv or (argv[0] == "check" and "--years" in argv):
        return  # the exhaustive run is measured elsewhere; here it would only be slow
    if "--backend" not in argv:
        argv = argv + ["--backend", "reference"] if argv[0] in ("whatif", "history", "audit", "trade", "run") else argv
    if argv[0] == "audit" and not any(a in argv for a in ("MYS", "Malaysia", "ZZA", "Korea")):
        argv = argv + ["--from", "2015", "--to", "2015"]  # keep each case fast
    with tempfile.TemporaryDirectory() as scratch:  # `-o NAME` must not litter the working directory
        here = os.getcwd()
        os.chdir(scratch)
        try:
            run(capsys, argv)
        finally:
            os.chdir(here)


def test_the_fuzzer_finds_real_errors(capsys, tmp_path):
    broken = RULE_FILES["tiers.yaml"].replace("rules:", "rules: [", 1)
    rules = directory_with(tmp_path, RULE_FILES, "tiers.yaml", broken)
    assert run(capsys, ["history", "CUB", "--rules", str(rules), "--backend", "reference"]) == 2
