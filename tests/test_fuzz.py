"""Malformed and adversarial input never crashes: exit 0 or 2, never 1, never a traceback.

TIERLAW_FUZZ_EXAMPLES sets the number of cases per test (CI: a few hundred; thorough: 10,000).
"""

import os
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierlaw.cli import main
from tierlaw.paths import default_rules_dir

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
    if code == 2:
        assert err.count("\n") == 1 and out == "", err
    return code


@st.composite
def mutated_rulebook(draw):
    name = draw(st.sampled_from(sorted(RULE_FILES)))
    lines = RULE_FILES[name].splitlines()
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
            other = draw(st.sampled_from(sorted(RULE_FILES)))
            lines[where] = draw(st.sampled_from(RULE_FILES[other].splitlines()))
        elif action == "duplicate":
            lines.insert(where, lines[where])
        else:
            lines = lines[:where]
        if not lines:
            lines = [""]
    return name, "\n".join(lines) + "\n"


@FUZZ
@given(mutated_rulebook(), st.sampled_from([["whatif", "MYS", "2015", "--tier", "2WL"],
                                            ["whatif", "ZZA", "2021", "--tier", "2WL", "--set", "2020=2WL"],
                                            ["history", "CUB"]]))
def test_mutated_rulebooks_never_crash(capsys, tmp_path_factory, mutation, command):
    name, text = mutation
    rules = tmp_path_factory.mktemp("rules")
    for other, content in RULE_FILES.items():
        (rules / other).write_text(text if other == name else content)
    run(capsys, [*command, "--rules", str(rules), "--backend", "reference"])


SCENARIO = str(default_rules_dir().parent / "scenarios" / "malaysia-2015-tpp.yaml")
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
    rules = tmp_path / "rules"
    rules.mkdir()
    for name, content in RULE_FILES.items():
        (rules / name).write_text(content.replace("rules:", "rules: [", 1) if name == "tiers.yaml" else content)
    assert run(capsys, ["history", "CUB", "--rules", str(rules), "--backend", "reference"]) == 2
