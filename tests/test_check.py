"""`tierlaw check`: static problems with stable codes, and exhaustive verification of the invariants."""

import json
import re
import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from conftest import context
from test_bad_input import copy_rules, edit, run_cli
from tierlaw import testing
from tierlaw.forward import step
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
    # The counterexample runs as printed and shows the fourth consecutive Watch List year standing.
    code, out, _ = run_cli(capsys, *shlex.split(command)[1:], "--rules", str(rules), "--format", "json",
                           "--forward", "0", "--backend", "reference")
    assert code == 0 and json.loads(out)["hypothetical"]["effective_tier"] == "2WL"


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
