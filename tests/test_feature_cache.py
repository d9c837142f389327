"""The evaluation cache reads a country's years through the feature automata once, sharing the states of
the years no step of which reads the question year (features.Machines.question_from). Whatever the
features and the history, that must give exactly the feature vectors of reading every history afresh.
The same holds for the years a feature's value turns on (features.Layers). The shipped rulebook uses only
`tier_at` one year back; these features are drawn at random."""

import os

import attrs
from hypothesis import given, settings, strategies as st

from tierlaw.backends import reference
from tierlaw.cache import Asked, Cache
from tierlaw.features import Machines
from tierlaw.model import Placement
from tierlaw.queries import Context, Case, evaluate_case, history_for

TIERS = ("1", "2", "2WL", "3")
EXAMPLES = int(os.environ.get("TIERLAW_EXAMPLES", "60"))


@attrs.frozen
class Features:
    """What the cache reads of a compiled book for feature vectors: the specs, a digest, no rules."""

    features: dict
    digest: str
    rules: tuple = ()
    strata: int = 1


def _tiers(draw):
    return sorted(draw(st.sets(st.sampled_from(TIERS), min_size=1, max_size=2)))


@st.composite
def feature_spec(draw):
    kind = draw(st.sampled_from(["tier_at", "run_length", "run_beyond", "run_then"]))
    since = draw(st.integers(2001, 2012))
    if kind == "tier_at":
        return {"primitive": kind, "offset": draw(st.integers(-3, 1))}
    if kind == "run_length":
        return {"primitive": kind, "tiers": _tiers(draw), "not_before": since}
    if kind == "run_beyond":
        return {"primitive": kind, "tiers": _tiers(draw), "not_before": since, "free_years": draw(st.integers(0, 3)),
                "count_from": draw(st.integers(2001, 2015))}
    return {"primitive": kind, "run_tiers": _tiers(draw), "min_run": draw(st.integers(1, 3)),
            "then_tiers": _tiers(draw), "not_before": since, "then_not_before": draw(st.integers(2001, 2015)),
            "immediately": draw(st.booleans()), "until_interrupted": draw(st.booleans())}


@st.composite
def history(draw):
    """A country's years 2001-2021: a tier, a set of tiers, unknown, or missing altogether."""
    found = {}
    for year in range(2001, 2022):
        kind = draw(st.sampled_from(["tier", "tier", "tier", "set", "unknown", "missing"]))
        if kind == "tier":
            found[year] = Placement(year=year, tier=draw(st.sampled_from(TIERS)))
        elif kind == "set":
            found[year] = Placement(year=year, tier=None, possible=tuple(_tiers(draw)))
        elif kind == "unknown":
            found[year] = Placement(year=year, tier=None, origin="unknown")
    return found


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), feature_spec(), min_size=1),
       st.lists(history(), min_size=1, max_size=3), st.randoms(use_true_random=False))
def test_shared_states_give_the_vectors_of_every_history_read_afresh(specs, countries, order):
    book, cache = Features(specs, repr(sorted(specs.items()))), Cache()
    question = Asked(reference, book, ("2WL", (), ()), {}, {}, "effective_tier")
    asked = [(c, year) for c in range(len(countries)) for year in range(2002, 2023)]
    order.shuffle(asked)  # question years in any order, countries interleaved, one cache for all
    for country, year in asked:
        before = {y: p for y, p in countries[country].items() if y < year}
        readings = cache.evaluated(question, before, year, TIERS)
        machines = Machines.of(specs)
        layers = machines.read({y: p.tiers(TIERS) for y, p in before.items()}, year, TIERS)
        assert [v.values for v, _ in readings.each] == [v.values for v in machines.vectors(layers)]
        # the years a feature value turns on, read from the shared states as from the history's first year
        assert readings.unknown == (layers.turning_years(machines.values) if len(readings.each) > 1 else ())


def test_placements_made_for_one_question_are_not_kept():
    # the explanation of a recorded placement is kept per context; one made by --set or proposed is not,
    # so a server asked ever new what-ifs does not grow (the table kept every such placement until full)
    ctx = Context(backend="reference")

    def ask(tier):
        case = Case("MYS", 2016, Placement(year=2016, tier="2WL", origin="proposed"),
                    history_for(ctx, "MYS", 2016, {2014: tier}))
        return evaluate_case(ctx, case)
    first, other = ask("2WL"), ask("2")
    kept = len(ctx.explained)
    for _ in range(20):
        assert ask("2WL") == first and ask("2") == other
    assert len(ctx.explained) == kept
    placements = {key[1] for key in ctx.explained if key[0] == "placement"}
    assert 2013 in placements and 2015 in placements  # the record's years the Watch List features read
    assert 2014 not in placements and 2016 not in placements  # the --set year and the proposed one


def test_cases_that_ran_alike_share_a_plan_and_show_their_own_features():
    # A Watch List run from 2012, 2011 or 2010 to 2015 (2 before it), then 2WL proposed in 2016: the law of
    # 2016 sees the same in all three (a run of 2 or more counted years: Tier 3, no waiver by default), so one
    # result plan serves them; each result must still show its own streak (4, 5, 6 years before 2016), its own
    # waiver years (the years beyond the first 2: 2, 3, 4) and its own run's placements (the year that broke it
    # to 2015).
    ctx = Context(backend="reference")

    def ask(first_on_watch_list):
        sets = {y: "2WL" if y >= first_on_watch_list else "2" for y in range(2005, 2016)}
        case = Case("MYS", 2016, Placement(year=2016, tier="2WL", origin="proposed"),
                    history_for(ctx, "MYS", 2016, sets))
        return evaluate_case(ctx, case)

    plans = []
    for first, streak, waiver_years in [(2012, 4, 2), (2011, 5, 3), (2010, 6, 4)]:
        result = ask(first)
        assert result["effective_tier"] == "3"
        shown = {}
        for consequence in result["consequences"]:
            for fact in consequence.get("because", []):
                if fact["fact"] == "feature":
                    shown.setdefault(fact["name"], set()).add(
                        (fact["value"], tuple(p["year"] for p in fact["placements"])))
        run = tuple(range(first - 1, 2016))
        assert shown == {"wl_streak_before": {(streak, run)}, "waiver_years_used": {(waiver_years, run)}}
        plans.append(sum(1 for key in ctx.explained if key[0] == "plan"))
    assert plans[0] >= 1 and plans == [plans[0]] * 3  # the later two made no plan of their own
