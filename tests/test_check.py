"""`tierlaw check`: static problems with stable codes, and exhaustive verification of the invariants."""

import json
import re
import shlex
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from conftest import context
from test_bad_input import copy_rules, edit, run_cli
from tierlaw import testing
from tierlaw.forward import step
from tierlaw.paths import default_data_dir
from tierlaw.queries import Context
from tierlaw.verify import exhaustive, static_problems


def test_shipped_rulebook_passes_the_static_checks(capsys):
    code, out, err = run_cli(capsys, "check", "--backend", "reference")
    assert code == 0 and "no problem" in out and err == ""


BROKEN = [
    ("E101", "special-watch-list.yaml", "in_force: {from_report: 2004, until_report: 2018}",
     "in_force: {from_report: 2004, until_report: 2020}", "swl.interim_assessment.2019"),
    ("E102", "autodowngrade.yaml", "      derive: {effective_tier: \"3\"}\n      unless: [special_rule_f.watch_list_barred]",
     "      derive: {effective_tier: \"3\"}", "special_rule_f.watch_list_barred"),
    ("E103", "tiers.yaml", "      - derived.effective_tier: special",
     "      - derived.effective_tier: special\n      - proposed_tier: {in: [\"1\", \"2\"]}\n      - proposed_tier: \"3\"",
     "tier.special_case"),
    ("E002", "tiers.yaml", "      - derived.effective_tier: \"1\"\n",
     "      - derived.effective_tier: \"1\"\n    then:\n      derive: {effective_tier: \"2\"}\n", "cycle"),
]


@pytest.mark.parametrize("code, file, old, new, named", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_rulebooks_are_reported_with_their_code(capsys, tmp_path, code, file, old, new, named):
    rules = copy_rules(tmp_path)
    edit(rules / file, old, new)
    exit_code, out, err = run_cli(capsys, "check", "--rules", str(rules), "--backend", "reference")
    assert exit_code == 2
    lines = [line for line in err.splitlines() if line.startswith(code)]
    assert lines and any(named in line for line in lines), err
    assert all(":" in line.split()[1] for line in lines)  # file:line


def test_exhaustive_verification_of_the_shipped_rulebook(capsys):
    code, out, err = run_cli(capsys, "check", "--exhaustive", "--years", "6", "--default-options-only",
                             "--backend", "reference")
    assert code == 0, err
    assert "every invariant holds and every rule fires" in out
    histories = int(out.split("exhaustive: ")[1].split(" histories")[0].replace(",", ""))
    assert histories > 10_000_000  # 6 report years from each law version, with every decision combination


def test_the_2019_cap_set_back_to_two_years_is_caught_with_a_runnable_counterexample(capsys, tmp_path):
    rules = copy_rules(tmp_path)
    text = (rules / "reports.yaml").read_text()
    broken = re.sub(r"      2019: \{value: 1, ref: .*\}", '      2019: {value: 2, ref: "set back on purpose"}', text)
    assert broken != text
    (rules / "reports.yaml").write_text(broken)
    code, out, err = run_cli(capsys, "check", "--exhaustive", "--years", "6", "--default-options-only",
                             "--rules", str(rules), "--backend", "reference")
    assert code == 2 and "V001 watch_list_run_cap" in err
    command = err.split("smallest history: ")[1].splitlines()[0]
    assert command.startswith("tierlaw whatif ZZZ 2019 --tier 2WL")
    assert f"--rules {rules}" in command  # the edited rulebook, which the counterexample needs
    # The counterexample runs as printed and shows the fourth consecutive Watch List year standing.
    code, out, _ = run_cli(capsys, *shlex.split(command)[1:], "--format", "json", "--forward", "0",
                           "--backend", "reference")
    assert code == 0 and json.loads(out)["hypothetical"]["effective_tier"] == "2WL"


def test_a_counterexample_under_a_non_default_option_reproduces_as_printed(capsys, tmp_path):
    """The Watch List cap asserted under waiver_transition=fresh_start_2019, where the 2008-law waivers do
    not count against the 2019 cap: a fourth Watch List year in 2019 breaks it, and only under that
    option (and that rulebook) does the printed command show it."""
    rules = copy_rules(tmp_path)
    edit(rules / "invariants.yaml", "applies_with: {waiver_transition: count_old_waivers}",
         "applies_with: {waiver_transition: fresh_start_2019}")
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data)
    code, out, err = run_cli(capsys, "check", "--exhaustive", "--years", "5", "--rules", str(rules),
                             "--data", str(data), "--backend", "reference")
    assert code == 2 and "V001 watch_list_run_cap: 4 consecutive counted years" in err, err
    command = shlex.split(err.split("smallest history: ")[1].splitlines()[0])
    assert "waiver_transition=fresh_start_2019" in command and command[command.index("--rules") + 1] == str(rules)
    assert command[command.index("--data") + 1] == str(data)
    # the options that differ from their defaults (the others need no flag to be in effect)
    assert [command[i + 1] for i, part in enumerate(command) if part == "--option"] == [
        "waiver_transition=fresh_start_2019"]
    code, out, err = run_cli(capsys, *command[1:])  # exactly as printed
    assert code == 0, err
    code, out, _ = run_cli(capsys, *command[1:], "--format", "json", "--forward", "0")
    report = json.loads(out)
    assert report["hypothetical"]["effective_tier"] == "2WL"
    assert [report["hypothetical"]["features"]["wl_streak_before"]] == [3]  # 2016-2018, then 2019 on the list
    # Without the option the 2018 waiver counts against the one-year cap of 2019: no waiver is left, and the
    # answer says so (Tier 3 by (D)(i)) instead of keeping the Watch List.
    without = [part for i, part in enumerate(command) if not (part == "--option" or command[i - 1] == "--option")]
    code, out, err = run_cli(capsys, *without[1:], "--format", "json", "--forward", "0")
    answer = json.loads(out)["hypothetical"]
    assert code == 0 and answer["effective_tier"] == "3"
    assert [d["id"] for d in answer["unavailable_decisions"]] == ["autodowngrade_waiver"]


def test_a_short_horizon_is_information_not_a_failure(capsys):
    """(F) needs two Watch List years, a downgrade to Tier 3, a Watch List year and then the barred one:
    five reports from the 2019 law (22 U.S.C. 7107(b)(2)(F)); in four it cannot fire."""
    code, out, err = run_cli(capsys, "check", "--exhaustive", "--years", "4", "--default-options-only",
                             "--backend", "reference")
    assert code == 0 and err == ""  # no V002, and no progress bar when stderr is not a terminal
    said = " ".join(out.split())  # the report's lines are wrapped to the terminal's width
    assert re.search(r"I001 autodowngrade\.yaml:\d+ special_rule_f\.watch_list_barred: cannot be reached in 4 "
                     r"reports; it first fires in a history of 5 \(", said), out
    assert said.endswith("exhaustive: every invariant holds in 4 reports; every rule fires in some history of up "
                         "to 5 reports")
    assert max(map(len, out.splitlines())) <= 100  # the width a file or pipe gets (render.DEFAULT_WIDTH)


def test_a_rule_no_history_can_fire_is_still_v002(capsys, tmp_path, monkeypatch):
    import tierlaw.verify
    monkeypatch.setattr(tierlaw.verify, "LONGEST_HORIZON", 6)  # keeps the test short; the CLI tries up to 10
    rules = copy_rules(tmp_path)
    with open(rules / "tiers.yaml", "a") as extra:  # 12 Watch List years before: more than any waiver allows
        extra.write("""
  - id: tier.never
    title: Fires after twelve Watch List years, which the automatic downgrade never lets happen
    cite: 22 U.S.C. 7107(b)(1)
    enacted_by: P.L. 106-386 §110(b)(1)
    in_force: {from_report: 2009}
    confidence: STATUTE
    when:
      - proposed_tier: "2WL"
      - feature.wl_streak_before: {gte: 12}
""")
    code, out, err = run_cli(capsys, "check", "--exhaustive", "--years", "4", "--default-options-only",
                             "--rules", str(rules), "--backend", "reference")
    assert code == 2
    assert re.fullmatch(r"V002 tiers\.yaml:\d+ tier\.never: fires in no history of 4 reports, nor in any complete "
                        r"history of up to 6 \(unreachable\)\n", err), err
    assert "I001 autodowngrade.yaml" in out  # (F) is still only later, not unreachable


def test_the_progress_bar_is_drawn_only_on_a_terminal():
    import io
    from tierlaw.cli import _progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    with _progress(screen) as progress:
        progress(3, 10, "options 1/16, law of 2019, report 2/6")
    assert "law of 2019, report 2/6" in screen.getvalue() and "30%" in screen.getvalue()
    with _progress(io.StringIO()) as progress:
        assert progress is None


# ---------------------------------------------------------------- properties on histories of any length

TIERS = testing.tiers(context("reference"))  # the rulebook's tiers (tierlaw.testing)


def longest_run(history: dict, tier: str, start: int) -> dict:
    """year -> consecutive years on `tier` ending that year, counted from `start` (independent of the engine)."""
    runs, length = {}, 0
    for year in sorted(history):
        length = length + 1 if year >= start and history[year] == tier else 0
        runs[year] = length
    return runs


@settings(max_examples=40, deadline=None)
@given(st.lists(TIERS, min_size=6, max_size=17), st.booleans())
def test_no_trajectory_outlasts_the_watch_list_cap(proposals, grant_waivers):
    from tierlaw.model import Placement
    from tierlaw.queries import Case, evaluate_case, history_for
    ctx = context("reference")
    history = {y: "2" for y in range(2001, 2009)}
    for offset, tier in enumerate(proposals):
        year = 2009 + offset
        if grant_waivers:  # take every decision that keeps the proposal where the law allows it
            history[year] = step(ctx, "ZZA", year, tier, dict(history))["effective"]
        else:  # the statute's defaults: no waiver
            case = Case("ZZA", year, Placement(year, tier, origin="proposed"), history_for(ctx, "ZZA", year, history))
            history[year] = evaluate_case(ctx, case)["effective_tier"]
    runs = longest_run({y: t for y, t in history.items() if t}, "2WL", 2009)
    for year, length in runs.items():
        assert length <= (4 if year < 2019 else 3), (year, history)


def rule_blocks():
    """(file, rule id, the rule's YAML block) for every shipped rule."""
    from tierlaw.paths import default_rules_dir
    found = []
    for path in sorted(default_rules_dir().glob("*.yaml")):
        text = path.read_text()
        if "\nrules:\n" not in text:
            continue
        for block in text.split("\nrules:\n", 1)[1].split("\n\n# ")[0].split("\n  - id: ")[1:]:
            found.append((path.name, block.split("\n", 1)[0], "  - id: " + block.rstrip() + "\n"))
    return found


BLOCKS = rule_blocks()


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["delete_cite", "duplicate_id", "overlapping_copy"]), st.sampled_from(BLOCKS),
       st.sampled_from(BLOCKS))
def test_generated_rulebook_edits_are_caught(tmp_path_factory, edit_kind, target, other):
    from tierlaw.errors import InputError
    from tierlaw.paths import default_rules_dir
    rules = tmp_path_factory.mktemp("rules")
    for path in default_rules_dir().glob("*.yaml"):
        (rules / path.name).write_text(path.read_text())
    name, rule_id, block = target
    path = rules / name
    if edit_kind == "delete_cite":
        cite_line = next(line for line in block.splitlines() if line.startswith("    cite: "))
        path.write_text(path.read_text().replace(block, block.replace(cite_line + "\n", ""), 1))
        with pytest.raises(InputError, match=f"rule {rule_id}: missing 'cite'"):
            Context(rules, backend="reference")
    elif edit_kind == "duplicate_id":
        if other[1] == rule_id:
            return
        path.write_text(path.read_text().replace(f"  - id: {rule_id}\n", f"  - id: {other[1]}\n", 1))
        with pytest.raises(InputError, match="duplicate rule id"):
            Context(rules, backend="reference")
    else:  # a second version of the rule with the same conditions and an overlapping window
        copy = block.replace(f"  - id: {rule_id}\n", f"  - id: {rule_id}_copy\n", 1)
        if "    consequence: " not in copy:
            copy = copy.replace("\n", f"\n    consequence: {rule_id}\n", 1)
        (rules / "zz-copy.yaml").write_text("rules:\n" + copy)
        problems = static_problems(Context(rules, backend="reference"))
        assert any(p.code == "E101" and p.rule == f"{rule_id}_copy" for p in problems), problems


class ForwardClockMachine(RuleBasedStateMachine):
    """Build a history year by year; what the forward clock predicts for the next year then happens."""

    @initialize(start=st.integers(2009, 2019))
    def begin(self, start):
        self.ctx = context("reference")
        self.year = start
        self.history = {y: "2" for y in range(2001, start)}

    @rule(tier=TIERS)
    def next_report(self, tier):
        predicted = step(self.ctx, "ZZA", self.year, tier, dict(self.history))
        again = step(self.ctx, "ZZA", self.year, tier, dict(self.history))
        assert predicted == again
        if predicted["stands"] is False:
            assert predicted["effective"] != tier and predicted["forced_by"]
        else:
            assert predicted["effective"] == tier
        self.history[self.year] = predicted["effective"]
        self.year += 1

    @invariant()
    def watch_list_runs_stay_within_the_cap(self):
        if hasattr(self, "history"):
            for year, length in longest_run(self.history, "2WL", 2009).items():
                assert length <= (4 if year < 2019 else 3)


ForwardClockMachine.TestCase.settings = settings(max_examples=15, stateful_step_count=10, deadline=None)
TestForwardClock = ForwardClockMachine.TestCase


def test_exhaustive_exploration_agrees_across_backends():
    from tierlaw.backends import durable_available
    import os
    if not durable_available():
        if os.environ.get("TIERLAW_REQUIRE_DURABLE"):
            pytest.fail("durable-rules must be importable here")
        pytest.skip("durable-rules does not import here")
    report = exhaustive(context("durable"), years=3, compare_backends=True, all_options=False)
    assert report["violations"] == [] and report["evaluations"] > 1000


def test_exhaustive_settings_without_exhaustive_are_refused(capsys):
    # found by a new-user trial: `check --years 3` ran the static checks and said nothing of --years
    for flags in (["--years", "3"], ["--default-options-only"], ["--compare-backends"]):
        code, out, err = run_cli(capsys, "check", *flags)
        assert code == 2 and not out
        assert err.count("\n") == 1 and f"{flags[0]}: shapes only the exhaustive run: add --exhaustive" in err
