"""Bad input ends with one clear line on stderr naming the argument or file:line, exit code 2."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tierlaw.cli import main
from tierlaw.paths import default_rules_dir


def run_cli(capsys, *argv):
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def assert_one_line_error(code, out, err, *fragments):
    assert code == 2, err
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("tierlaw: error: ")
    for fragment in fragments:
        assert fragment in err, err


@pytest.mark.parametrize("argv, fragments", [
    (["whatif", "MYS", "2015", "--tier", "4"], ["--tier", "unknown tier '4'"]),
    (["whatif", "MYS", "1999", "--tier", "3"], ["YEAR", "before the first report (2001)"]),
    (["whatif", "MYS", "2015", "--tier", "3", "--set", "2014:3"], ["--set", "is not YEAR=TIER"]),
    (["whatif", "MYS", "2015", "--tier", "3", "--set", "2014=3", "--set", "2014=2"], ["--set", "set twice"]),
    (["whatif", "MYS", "2015", "--tier", "3", "--set", "2015=2"], ["question year"]),
    (["whatif", "Atlantis", "2015", "--tier", "3"], ["COUNTRY", "unknown country 'Atlantis'"]),
    (["whatif", "Korea", "2015", "--tier", "3"], ["ambiguous", "KOR", "PRK"]),
    (["whatif", "MYS", "2015", "--tier", "3", "--on", "2015-13-01"], ["--on", "not a date"]),
    (["whatif", "MYS", "2015", "--tier", "3", "--option", "waiver_transition=maybe"], ["--option", "no choice"]),
    (["whatif", "MYS", "2015", "--tier", "3", "--backend", "prolog"], ["--backend", "unknown backend"]),
    (["whatif", "MYS", "twenty", "--tier", "3"], ["year"]),
    # in-process only (a real command line cannot carry one): typer's path check raised on it, no message
    (["whatif", "MYS", "2015", "--tier", "3", "--data", "a\x00b"], ["argument 7", "null byte"]),
    (["audit", "--rules", "\x00"], ["argument 3", "null byte"]),
])
def test_bad_arguments(capsys, argv, fragments):
    assert_one_line_error(*run_cli(capsys, *argv), *fragments)


def test_country_names_and_aliases_are_accepted(capsys):
    for name in ("Côte d'Ivoire", "cote divoire", "Burma", "Myanmar", "North Korea", "Swaziland"):
        code, out, err = run_cli(capsys, "whatif", name, "2012", "--tier", "3", "--format", "json")
        assert code == 0, err


def copy_rules(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), target)
    return target


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` by `new`; the line `old` started on (so expected messages need not
    hard-code line numbers that move whenever a rule file grows)."""
    text = path.read_text()
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1))
    return text[:text.index(old)].count("\n") + 1


BROKEN_RULEBOOKS = [
    ("tier3.yaml", "    cite: 22 U.S.C. 7107(e)\n", "", ["tier3.yaml:", "rule tier3.certification", "missing 'cite'"]),
    ("tier3.yaml", "    cite: 22 U.S.C. 7107(e)\n", "    cite: 22 USC 7107(e)\n",
     ["tier3.yaml:", "tier3.certification", "citation '22 USC 7107(e)'"]),
    ("tiers.yaml", "  - id: tier.list_1a.2001\n", "  - id: tier.list_1a.2001\n    cites: extra\n",
     ["tiers.yaml:", "rule tier.list_1a.2001", "unknown key 'cites'"]),
    ("autodowngrade.yaml", "feature.wl_streak_before: 0", "feature.wl_streek_before: 0",
     ["autodowngrade.yaml:", "unknown fact 'feature.wl_streek_before'"]),
    ("autodowngrade.yaml", "decision.autodowngrade_waiver: denied", "decision.autodowngrade_waiver: refused",
     ["autodowngrade.yaml:", "cannot be 'refused'"]),
    ("tiers.yaml", "      - derived.effective_tier: \"1\"", "      - derived.effective_tier: 1",
     ["tiers.yaml:", "tier.list_1a", "cannot be 1"]),
    ("tiers.yaml", "  - id: tier.list_1b.2001\n", "  - id: tier.list_1a.2001\n", ["duplicate rule id"]),
    # found by the rulebook fuzzer: a mapping among the values of `in` crashed the evaluation cache
    ("tiers.yaml", '{in: ["1", "2", "2WL"]}', '{in: [{title: x}, "2", "2WL"]}',
     ["tiers.yaml:122", "report.change_explained.to_list_1c", "in needs a non-empty list of values"]),
    ("tiers.yaml", "    confidence: OFFICIAL\n", "    confidence: OFFICIAL\n    confidence: STATUTE\n",
     ["tiers.yaml:", "duplicate key 'confidence'"]),
    ("tiers.yaml", "about:\n", "about: !!python/object/apply:os.system [\"echo hacked\"]\nx:\n",
     ["tiers.yaml:{line}", "invalid YAML"]),
    ("tiers.yaml", "rules:\n", "rules: [\n", ["tiers.yaml:", "invalid YAML"]),
    ("trade.yaml", "until_date: 2016-02-24}", "until_date: 2015-02-24}", ["until_date (exclusive) must come after"]),
    ("autodowngrade.yaml", "unless: [special_rule_f.watch_list_barred]", "unless: [special_rule_f.barred]",
     ["unknown rule 'special_rule_f.barred'"]),
    ("reports.yaml", "      2019: {value: 1, ref:", "      2019: {value: 1, reference:", ["needs a ref"]),
    # found by the fuzz suite: a typo in a date anchor used to pass validation and crash later
    ("special-watch-list.yaml", "due: {anchor: report_released, days: 180}", "due: {anchor: 3report_released, days: 180}",
     ["special-watch-list.yaml:", "action_plan.upgrade_from_tier3", "anchor '3report_released'"]),
    ("special-watch-list.yaml", "due: {anchor: report_released, days: 180}", "due: {anchor: report_released, days: x}",
     ["days must be a whole number"]),
    ("special-watch-list.yaml", "due: {month: 2, day: 1, year_offset: 1}", "due: {month: 2, day: 30, year_offset: 1}",
     ["month 2 has no day 30"]),
    ("reports.yaml", '2001: {value: "06-01", ref:', "2001: {value: 2009, ref:", ["reports.deadline", "not a month-day"]),
    ("reports.yaml", "    offset: -1", "    offset: 3-1", ["reports.yaml:", "offset must be a whole number"]),
    ("reports.yaml", "      2009: {value: 2, ref: \"22 U.S.C. 7107(b)(2)(D)(ii) as", "      2009: {value: two, ref: \"x",
     ["compared with 'two'"]),
    # found by the tree-mutating fuzz suite: wrong shapes deep inside otherwise valid rule files
    ("reports.yaml", '  "3": Tier 3 - list (1)(C)', "  3: Tier 3 - list (1)(C)", ["reports.yaml:{line}", "write the tier as text"]),
    ("tier3.yaml", "    confidence: STATUTE\n", "    confidence: [STATUTE]\n", ["tier3.yaml:", "confidence must be one of"]),
    ("reports.yaml", "    decided_by: President\n", "    decided_by: [President]\n",
     ["reports.yaml:{line}", "autodowngrade_waiver", "decided_by must be non-empty text"]),
    ("trade.yaml", "        from: 2002-08-06", "        from: null", ["trade.yaml:", "from and until are dates"]),
    ("autodowngrade.yaml", '      - proposed_tier: "2WL"', '      - proposed_tier: {gte: "2WL"}',
     ["autodowngrade.yaml:{line}", "proposed_tier takes values", "gte compares numbers"]),
    ("autodowngrade.yaml", "unless: [special_rule_f.watch_list_barred]", "unless: [[special_rule_f.watch_list_barred]]",
     ["autodowngrade.yaml:", "unless lists rule ids"]),
    # found by a new-user trial: a derived effective tier outside the tiers passed loading and `check --exhaustive`
    ("autodowngrade.yaml", 'derive: {effective_tier: "3"}', 'derive: {effective_tier: "4"}',
     ["autodowngrade.yaml:{line}", "autodowngrade.required", "effective_tier must be a tier of the rulebook", "'4'"]),
    ("autodowngrade.yaml", 'derive: {effective_tier: "3"}', "derive: {effective_tier: 3}",
     ["autodowngrade.yaml:{line}", "effective_tier is a tier: write the tier as text (\"3\"), not the number 3"]),
    ("autodowngrade.yaml", "{decision: special_rule_f_placement}", "{decision: special_rule_f_placemen}",
     ["autodowngrade.yaml:{line}", "unknown decision 'special_rule_f_placemen'",
      "did you mean 'special_rule_f_placement'?"]),
]


@pytest.mark.parametrize("file, old, new, fragments", BROKEN_RULEBOOKS)
def test_broken_rulebook_is_refused_with_file_line_and_rule(capsys, tmp_path, file, old, new, fragments):
    rules = copy_rules(tmp_path)
    line = edit(rules / file, old, new)
    assert_one_line_error(*run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--rules", str(rules)),
                          *[fragment.format(line=line) for fragment in fragments])


def test_empty_rule_file_is_refused(capsys, tmp_path):
    rules = copy_rules(tmp_path)
    (rules / "zz-empty.yaml").write_text("")
    assert_one_line_error(*run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--rules", str(rules)),
                          "zz-empty.yaml", "empty file")


def test_real_process_prints_no_traceback(tmp_path):
    rules = copy_rules(tmp_path)
    edit(rules / "tier3.yaml", "    cite: 22 U.S.C. 7107(e)\n", "")
    done = subprocess.run([sys.executable, "-m", "tierlaw.cli", "whatif", "MYS", "2015", "--tier", "3",
                           "--rules", str(rules)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert "Traceback" not in done.stderr and "missing 'cite'" in done.stderr


def test_a_bare_command_prints_the_help_and_no_error():
    done = subprocess.run([sys.executable, "-m", "tierlaw.cli"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Usage: tierlaw" in done.stdout and "whatif" in done.stdout
    assert done.stderr == ""  # it printed "tierlaw: error: " and nothing else after the help


def test_a_failed_command_leaves_the_output_file_as_it_was(capsys, tmp_path):
    target = tmp_path / "report.json"
    target.write_text("the earlier report\n")
    rules = copy_rules(tmp_path / "broken")
    edit(rules / "tier3.yaml", "    cite: 22 U.S.C. 7107(e)\n", "")
    for bad in (["--tier", "4"], ["--tier", "3", "--rules", str(rules)]):
        code, out, err = run_cli(capsys, "whatif", "MYS", "2015", *bad, "--format", "json", "--output", str(target))
        assert_one_line_error(code, out, err)
    assert target.read_text() == "the earlier report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken", "report.json"]  # no partial file either


def test_an_unwritable_output_is_one_line_and_leaves_no_partial_file(capsys, tmp_path):
    occupied = tmp_path / "a-directory"
    occupied.mkdir()
    code, out, err = run_cli(capsys, "whatif", "MYS", "2015", "--tier", "3", "--output", str(occupied))
    assert_one_line_error(code, out, err, "a-directory", "cannot write")
    assert [p.name for p in tmp_path.iterdir()] == ["a-directory"] and not any(occupied.iterdir())


def test_a_report_is_never_written_over_its_own_scenario(capsys, tmp_path, monkeypatch):
    scenario = tmp_path / "mine.yaml"
    text = (Path(__file__).parents[1] / "scenarios" / "malaysia-2015-tpp.yaml").read_text()
    scenario.write_text(text)
    monkeypatch.chdir(tmp_path)
    for target in ("mine.yaml", str(scenario), "./../" + tmp_path.name + "/mine.yaml"):
        code, out, err = run_cli(capsys, "run", str(scenario), "--output", target, "--backend", "reference")
        assert_one_line_error(code, out, err, "--output", "own input")
    assert scenario.read_text() == text and [p.name for p in tmp_path.iterdir()] == ["mine.yaml"]


@pytest.mark.parametrize("argv", [["whatif", "MYS", "2015", "--tier", "3"], ["lawmap"]])
def test_an_output_with_no_file_name_is_one_line(capsys, argv):
    code, out, err = run_cli(capsys, *argv, "--output", "")
    assert_one_line_error(code, out, err, "--output", "the value is empty")


@pytest.mark.parametrize("argv, flag", [
    (["whatif", "MYS", "2015", "--tier", "all", "--explain"], "--explain"),
    (["whatif", "MYS", "2015", "--tier", "all", "--forward", "3"], "--forward"),
    (["audit", "MYS", "--only", "conflicts", "--only", "required"], "--only"),
])
def test_an_option_the_command_would_ignore_is_refused(capsys, argv, flag):
    code, out, err = run_cli(capsys, *argv, "--backend", "reference")
    assert_one_line_error(code, out, err, flag)


def test_test_cases_skip_hidden_directories_and_a_k_that_matches_nothing_is_an_error(capsys, tmp_path):
    cases = Path(__file__).parent / "cases"
    shutil.copy(cases / "trade.yaml", tmp_path / "trade.yaml")
    (tmp_path / ".venv" / "lib").mkdir(parents=True)
    (tmp_path / ".venv" / "lib" / "port.yaml").write_text("- not a test file\n")
    code, out, err = run_cli(capsys, "test", str(tmp_path), "--backend", "reference")
    assert code == 0 and "port.yaml" not in out + err and "trade.yaml" in out, err
    code, out, err = run_cli(capsys, "test", str(tmp_path), "-k", "zzzz", "--backend", "reference")
    assert_one_line_error(code, out, err, "-k", "zzzz")
