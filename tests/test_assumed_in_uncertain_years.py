"""A default the statute leaves open stays labelled assumed where the record knows earlier years only in part:
in the what-if's headline, in what each option of the decision gives, and in the forward clock's steps whose
readings agree on the change but not on the rule that forces it."""

import pytest

from tierlaw import render
from tierlaw.queries import whatif

F_RULE, DOWNGRADE_RULE = "special_rule_f.watch_list_barred", "autodowngrade.required.waivers_exhausted"
F_ASSUMED = "special_rule_f_placement=3"


@pytest.fixture(autouse=True)
def labels(ctx):
    render.use_rulebook(ctx.rulebook, ctx.all_options)  # tier labels, as the command line sets them


def _words(lines) -> str:
    return " ".join(" ".join(lines).split())


def _step(result, year):
    return next(s for s in result["forward"]["steps"] if s["year"] == year)


def _basis(step):
    return {f["rule"] for f in step.get("forced_by", [])}, step.get("assumed", [])


def test_malaysia_2027_says_the_tier_3_of_some_readings_is_assumed(ctx):
    # 2026 unknown: where it was the Watch List, (F) bars the 2027 Watch List (a second stint after the 2021-2022
    # downgrade) and names no list, so the Tier 3 of those readings is the default's (special_rule_f_placement);
    # elsewhere the Watch List stands. Each option of that decision gives its own list or the Watch List.
    result = whatif(ctx, "MYS", 2027, "2WL", forward_years=0)
    hypothetical = result["hypothetical"]
    assert hypothetical["effective_tier_possible"] == ["2WL", "3"]
    assert result["summary"][0].endswith(
        "the law gives Tier 2 Watch List or Tier 3, depending on 2026; as assumed: (F) bars the Watch List and "
        "allows Tier 1, 2 or 3")
    placement = next(d for d in hypothetical["decisions"] if d["id"] == "special_rule_f_placement")
    assert placement["settled_by"] == "default" and placement["assumed"] is True
    assert {option: set(entry["effective_tier_possible"]) for option, entry in placement["options"].items()} == {
        "1": {"1", "2WL"}, "2": {"2", "2WL"}, "3": {"3", "2WL"}}
    assert all(entry["effective_tier"] is None for entry in placement["options"].values())
    text = _words(render.whatif_text(result))
    assert "3 -> Tier 2 Watch List or Tier 3; 2 -> Tier 2 or Tier 2 Watch List" in text


def test_thailand_2029_is_tier_3_in_every_reading_but_assumed_in_some(ctx):
    # Thailand: absent from the complete 2025 Watch List, so 2025 is one of Tier 1, 2, 3 or special. The Watch List
    # proposed from 2026 on: where 2025 was Tier 2, 2026-2028 are the Watch List and 2029 is the automatic
    # downgrade ((D)(i), no waiver years left); where 2025 was Tier 3, 2026 is the Watch List after a downgrade,
    # 2027 barred by (F) (Tier 3 as assumed), 2028 the Watch List, 2029 barred by (F) again. Tier 3 in 2029
    # either way, but in some readings only by the assumed default.
    readings = {tier: _step(whatif(ctx, "THA", 2026, "2WL", sets=[f"2025={tier}"]), 2029) for tier in ("2", "3")}
    assert _basis(readings["2"]) == ({DOWNGRADE_RULE}, [])
    assert _basis(readings["3"]) == ({F_RULE}, [F_ASSUMED])
    merged = _step(whatif(ctx, "THA", 2026, "2WL"), 2029)
    assert (merged["effective"], merged["stands"]) == ("3", False)
    assert "assumed" not in merged and merged["assumed_in_some_readings"] == [F_ASSUMED]
    assert merged["forced_by"] == []
    assert {f["rule"] for f in merged["forced_by_in_some_readings"]} == {F_RULE, DOWNGRADE_RULE}
    assert merged["basis_depends_on_years"] == [2025]
    words = _words([render.step_text(merged)])
    assert words.startswith(f"2029: becomes Tier 3 (as assumed in some readings of 2025: {F_ASSUMED}): depending "
                            "on 2025, ")


def test_a_step_forced_alike_in_every_reading_keeps_its_plain_basis(ctx):
    # 2031: every reading of 2025 reaches (F) with its assumed Tier 3, so the step names it as certain
    merged = _step(whatif(ctx, "THA", 2026, "2WL"), 2031)
    assert _basis(merged) == ({F_RULE}, [F_ASSUMED])
    assert not {"forced_by_in_some_readings", "assumed_in_some_readings", "basis_depends_on_years"} & set(merged)


def test_a_step_whose_readings_differ_names_the_assumed_default_of_some(ctx):
    # 2027: the Watch List where 2025 was Tier 2, Tier 3 as assumed under (F) where it was Tier 3
    merged = _step(whatif(ctx, "THA", 2026, "2WL"), 2027)
    assert merged["effective"] is None and merged["effective_possible"] == ["2WL", "3"]
    assert merged["assumed_in_some_readings"] == [F_ASSUMED]
    assert "as assumed where a reading needs it: special_rule_f_placement=3" in _words([render.step_text(merged)])

