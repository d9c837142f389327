"""`tierlaw test`: the hand-worked statute cases of tests/cases/ run through the command on the shipped
rulebook, an amended rulebook fails exactly the cases its change touches, and malformed test files are
refused with one line naming the file and line."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from conftest import BACKENDS, _backend_or_skip, context
from test_bad_input import assert_one_line_error, copy_rules, run_cli
from test_fuzz import EXAMPLES, mutated, tree_mutated
from tierlaw.errors import InputError
from tierlaw.testcases import load_all

REPO = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
CASE_FILES = {p.name: p.read_text() for p in sorted(CASES.glob("*.yaml"))}


def case_paths() -> list:
    """The shipped cases, as one argument: an amended rulebook is checked against them in one line."""
    return ["tests/cases"]


def case_count(paths) -> int:
    files = [p for arg in paths for p in ((REPO / arg).glob("*.yaml") if (REPO / arg).is_dir() else [REPO / arg])]
    return sum(len(yaml.safe_load(p.read_text())["cases"]) for p in files)


def tierlaw(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tierlaw.cli", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_statute_cases_pass_on_the_shipped_rulebook(backend):
    _backend_or_skip(backend)
    paths = case_paths()
    done = tierlaw("test", *paths, "--backend", backend)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    assert done.stdout.splitlines()[-1].startswith(f"{case_count(paths)} passed (rulebook ")
    assert "F" not in "".join(line.split(" ", 1)[1] for line in done.stdout.splitlines() if line.startswith("tests/"))


def cap_back_to_two_years(tmp_path) -> Path:
    """A copy of the rulebook with the 2019 waiver cap set back to 2 years (P.L. 115-427 undone)."""
    rules = copy_rules(tmp_path)
    text = (rules / "reports.yaml").read_text()
    changed = re.sub(r"      2019: \{value: 1, ref: .*\}", '      2019: {value: 2, ref: "set back on purpose"}', text)
    assert changed != text
    (rules / "reports.yaml").write_text(changed)
    return rules


# Worked by hand: with a 2-year cap from 2019, a Watch List run 2019-2021 has used 1 of 2 waiver years, so
# the waiver is open again in 2022 (the default, denied, still gives Tier 3, but now by no_waiver) and the
# forward clock from 2019 reaches its forced change one year later. Malaysia, Watch List 2018-2020 with one
# waiver (2020), would have had a second waiver year in 2021: its Tier 3 becomes a choice, no longer required.
# The 2008-law cases, Cuba 2019 (2 waiver years used, still the cap), the other (F) cases and trade do not change.
CHANGED_BY_CAP_2 = {
    "the fourth Watch List year under the 2019 law is Tier 3 with no waiver left",
    "a fourth-year waiver under the 2019 law is answered as unavailable",
    "the forward clock from a first Watch List year in 2019 forces Tier 3 in 2022",
}
CHANGED_RECORD_BY_CAP_2 = "Malaysia 2021 - Tier 3 was required by the automatic downgrade, not by (F)"


def test_the_cap_set_back_to_two_years_fails_exactly_the_changed_cases_with_a_diff(tmp_path):
    rules = cap_back_to_two_years(tmp_path)
    done = tierlaw("test", *case_paths(), "--rules", str(rules), "--backend", "reference")
    assert done.returncode == 1 and done.stderr == ""
    failed = re.findall(r"^FAILED tests/cases/autodowngrade-2019\.yaml:\d+: (.*)$", done.stdout, re.M)
    assert set(failed) == CHANGED_BY_CAP_2 and len(failed) == 3
    others = re.findall(r"^FAILED (?!tests/cases/autodowngrade-2019)\S+: (.*)$", done.stdout, re.M)
    assert others == [CHANGED_RECORD_BY_CAP_2]
    assert ("  expect.forward.first_forced_change\n    - expected: 2022\n    + actual:   2023\n") in done.stdout
    assert ("  expect.decisions_not_open\n    - expected: autodowngrade_waiver not open\n"
            "    + actual:   open\n") in done.stdout
    assert ('    - expected: {"cite": "22 U.S.C. 7107(b)(2)(D)(i)", "rule": "autodowngrade.required.waivers_exhausted"}\n'
            '    + actual:   {"cite": "22 U.S.C. 7107(b)(2)(D)(i)", "rule": "autodowngrade.required.no_waiver"}\n'
            ) in done.stdout
    assert done.stdout.splitlines()[-1].startswith(f"{case_count(case_paths()) - 4} passed, 4 failed (rulebook {rules},")


def test_a_malformed_test_file_exits_2_with_one_line_naming_file_and_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("cases:\n  - name: x\n    country: MYS\n    whatif: {year: 2015, tier: '4'}\n"
                    "    expect: {effective_tier: '3'}\n")
    done = tierlaw("test", str(path), "--backend", "reference")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"tierlaw: error: {path}:4: tier: unknown tier '4' (tiers: 1, 2, 2WL, 3, special)\n"


CASE = "cases:\n  - name: x\n    country: MYS\n    whatif: {year: 2015, tier: '3'}\n    expect: {effective_tier: '3'}\n"


@pytest.mark.parametrize("text, fragments", [
    (CASE.replace("    country", "    countries"), ["bad.yaml:3", "unknown key 'countries' in a case"]),
    (CASE.replace("year: 2015", "year: 1999"), ["bad.yaml:4", "before the first report"]),
    (CASE.replace("country: MYS", "country: Atlantis"), ["bad.yaml:3", "unknown country 'Atlantis'"]),
    (CASE.replace("effective_tier: '3'", "effective_tier: '3', tpa_available: true"),
     ["bad.yaml:5", "unknown key 'tpa_available' in expect"]),
    (CASE.replace("effective_tier: '3'", "present: [trade.tpa_barr]"),
     ["bad.yaml:5", "no rule of the rulebook has the consequence 'trade.tpa_barr'"]),
    (CASE.replace("effective_tier: '3'", "absent: [22 U.S.C. 9999]"), ["bad.yaml:5", "no rule of the rulebook cites"]),
    (CASE.replace("    expect", "    trade: {agreement: TPP, date: 2015-10-05}\n    expect"),
     ["bad.yaml:2", "ask exactly one question"]),
    (CASE.replace("    expect", "    decisions: {autodowngrade_waiver: maybe}\n    expect"),
     ["bad.yaml:5", "has no option 'maybe'"]),
    (CASE.replace("    expect", "    options: {waiver_transition: sometimes}\n    expect"), ["bad.yaml:5", "no choice"]),
    (CASE.replace("    expect", "    history: {2015: '3'}\n    expect"), ["bad.yaml:5", "the question year"]),
    (CASE.replace("    expect", "    history: {2009-2008: '3'}\n    expect"), ["bad.yaml:5", "ends before it starts"]),
    (CASE.replace("    expect", "    history: {'2009 to 2010': '3'}\n    expect"), ["bad.yaml:5", "not a year or FIRST-LAST"]),
    (CASE.replace("whatif: {year: 2015, tier: '3'}", "whatif: {year: 2015, tier: '3', date: 2015-02-30}"),
     ["bad.yaml:4", "impossible date"]),
    (CASE + CASE.replace("cases:\n", ""), ["bad.yaml:6", "case name 'x' is used twice"]),
    (CASE.replace("expect: {effective_tier: '3'}", "expect: {}"), ["bad.yaml:5", "say what the answer must be"]),
    (CASE.replace("    whatif: {year: 2015, tier: '3'}", "    history_year: 2025").replace("effective_tier", "recorded_tier"),
     ["bad.yaml:4", "the record has no placement of MYS in 2025"]),
    (CASE.replace("    whatif: {year: 2015, tier: '3'}", "    trade: {date: 2015-10-05}"),
     ["bad.yaml:4", "give either agreement or partners"]),
    (CASE.replace("cases:", "cases:\n  a: 1\n"), ["bad.yaml:4", "invalid YAML"]),
    ("cases:\n  - name: x\n    name: y\n", ["bad.yaml:3", "duplicate key 'name'"]),
    ("about: x\n", ["bad.yaml:1", "cases: must be a non-empty list"]),
    ("", ["bad.yaml", "empty file"]),
])
def test_malformed_test_files(tmp_path, text, fragments):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as refused:  # the command prints it as one line (exit 2), tested above
        load_all(context("reference"), [path])
    for fragment in fragments:
        assert fragment in str(refused.value)


def test_a_missing_path_or_an_empty_directory_is_bad_input(capsys, tmp_path):
    assert_one_line_error(*run_cli(capsys, "test", str(tmp_path / "nope.yaml")), "no such file or directory")
    assert_one_line_error(*run_cli(capsys, "test", str(tmp_path)), "no *.yaml test files")


def test_a_refused_question_without_an_error_expectation_is_an_error_not_a_crash(capsys, tmp_path, monkeypatch):
    # Every question the shipped files can ask is answered; an amended rulebook may still refuse one.
    import tierlaw.queries
    from tierlaw.errors import InputError

    def refuse(*args, **kwargs):
        raise InputError("the settings are contradictory", "--decide")
    monkeypatch.setattr(tierlaw.queries, "whatif", refuse)
    path = tmp_path / "case.yaml"
    path.write_text(CASE)
    code, out, err = run_cli(capsys, "test", str(path), "--backend", "reference")
    assert code == 1 and err == ""
    assert f"{path} E\n" in out and f"ERROR {path}:2: x\n" in out and "contradictory" in out
    assert out.splitlines()[-1].startswith("1 error (rulebook ")


def test_k_selects_cases_by_name(capsys):
    code, out, err = run_cli(capsys, "test", str(CASES / "trade.yaml"), "-k", "TPP", "--backend", "reference")
    assert code == 0 and out.splitlines()[-1].startswith("3 passed")  # the three cases that name the TPP


@settings(max_examples=max(EXAMPLES // 5, 10), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutated(CASE_FILES) | tree_mutated(CASE_FILES))
def test_mutated_test_files_never_crash(capsys, tmp_path_factory, mutation):
    path = tmp_path_factory.mktemp("cases") / mutation[0]
    path.write_text(mutation[1])
    code, out, err = run_cli(capsys, "test", str(path), "--backend", "reference")
    assert code in (0, 1, 2) and "Traceback" not in err and "internal error" not in out + err, out + err
    if code == 2:
        assert err.count("\n") == 1 and out == "", err


def test_a_local_rules_directory_not_in_use_is_pointed_out(capsys, tmp_path, monkeypatch):
    # after `pip install .` the rulebook in use is the installed copy: an edit of ./rules would go untested
    local = copy_rules(tmp_path)  # tmp_path/rules, the same files as the rulebook in use
    cases = Path(__file__).parent / "cases" / "trade.yaml"
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "test", str(cases), "--backend", "reference")
    assert code == 0 and "passed" in out and err == ""  # the same rulebook: nothing to say
    with open(local / "tiers.yaml", "a") as edited:
        edited.write("# an edit\n")
    code, out, err = run_cli(capsys, "test", str(cases), "--backend", "reference")
    assert code == 0 and "passed" in out
    assert err.startswith("tierlaw: note: ./rules differs from the rulebook in use") and "give --rules rules" in err
    code, out, err = run_cli(capsys, "test", str(cases), "--rules", "rules", "--backend", "reference")
    assert code == 0 and err == ""
    # `check` reports "no problem" of the rulebook in use: it says so too
    code, out, err = run_cli(capsys, "check", "--backend", "reference")
    assert code == 0 and "no problem" in out and "give --rules rules to check it" in err
