"""The backends' runs leave no garbage in cycles (a cycle per run set off collections that rescanned every
object a process held: a tenth of the durable engine's time), and the durable adapter, which completes the
actions the C core starts itself, raises a failure there and leaves the engine usable, and runs only on the
durable-rules version whose action protocol it drives."""

import gc

import pytest

from conftest import BACKENDS, _backend_or_skip
from tierlaw.queries import Case, Context, evaluate_case, history_for

# Countries whose records run through the Watch List, Tier 3 and back: every stratum of the rules fires.
COUNTRIES = ("MYS", "THA", "RUS", "CUB")


@pytest.mark.parametrize("name", BACKENDS)
def test_evaluating_the_record_afresh_leaves_no_garbage_in_cycles(name):
    ctx = Context(backend=_backend_or_skip(name), cache=False)  # every case runs on the backend
    cases = [Case(code, year, placement, history_for(ctx, code, year, {}))
             for code in COUNTRIES for year, placement in sorted(ctx.record.placements[code].items())]
    evaluate_case(ctx, cases[0])  # registers the rulesets and fills process-wide tables once
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        results = [evaluate_case(ctx, case) for case in cases]
        found = gc.collect()
    finally:
        if was_enabled:
            gc.enable()
    assert sum(len(r["consequences"]) for r in results) > len(cases)  # the runs did fire rules
    assert found == 0


def test_a_failure_while_completing_durable_actions_is_raised_and_leaves_the_engine_usable(monkeypatch):
    _backend_or_skip("durable")
    from tierlaw.backends import durable

    def failing(handle, state_handle):
        raise ValueError("the C core refused to complete the action")

    ctx = Context(backend="durable", cache=False)
    case = Case("MYS", 2015, ctx.record.placements["MYS"][2015], history_for(ctx, "MYS", 2015, {}))
    expected = evaluate_case(Context(backend="reference"), case)
    with monkeypatch.context() as patched:
        patched.setattr(durable.durable_rules_engine, "complete_and_start_action", failing)
        with pytest.raises(ValueError, match="refused to complete"):
            evaluate_case(ctx, case)
    assert evaluate_case(ctx, case) == expected  # the failed session was closed: the next one runs as before


def test_the_durable_backend_refuses_a_durable_rules_version_whose_protocol_it_was_not_written_for(monkeypatch):
    _backend_or_skip("durable")
    from tierlaw import backends
    from tierlaw.errors import InputError

    monkeypatch.setattr(backends, "installed_version", lambda name, site: "2.0.29")
    backends.durable_problem.cache_clear()
    try:
        assert not backends.durable_available() and backends.default_backend() == "reference"
        with pytest.raises(InputError, match=r"needs durable-rules 2\.0\.28, whose action protocol it drives; "
                                             r"2\.0\.29 is installed; use backend='reference'"):
            backends.get_backend("durable")
    finally:
        monkeypatch.undo()
        backends.durable_problem.cache_clear()
    assert backends.get_backend("durable").NAME == "durable"


def test_the_installed_version_is_read_from_the_metadata_directory_name(tmp_path):
    from tierlaw.backends import installed_version
    for name in ("durable", "durable_rules_engine.cpython-311-x86_64-linux-gnu.so", "durable_rules_x-9.dist-info"):
        (tmp_path / name).mkdir()
    assert installed_version("durable_rules", str(tmp_path)) == "an unknown version"
    (tmp_path / "durable_rules-2.0.29-py3.11.egg-info").mkdir()
    assert installed_version("durable_rules", str(tmp_path)) == "2.0.29"
    (tmp_path / "durable_rules-2.0.28.dist-info").mkdir()  # of two metadata directories, the first by name
    assert installed_version("durable_rules", str(tmp_path)) == "2.0.28"


def test_the_durable_adapter_writes_facts_as_the_standard_library_does():
    # orjson writes the engine's facts (text, integers, booleans, null) as json.dumps does; what it refuses
    # or writes otherwise (an integer beyond 64 bits, 1e-05, NaN: country facts a rulebook may define) json writes
    _backend_or_skip("durable")
    import json

    from tierlaw.backends import durable
    fact = {"id": "base", "kind": "base", "proposed_tier": "2WL", "f__streak": 3, "c__foreign": True,
            "d__waiver": None, "c__name": "Côte d'Ivoire"}
    assert durable._dumps(fact) == json.dumps(fact, ensure_ascii=False, separators=(",", ":"))
    for odd in ({"id": "base", "kind": "base", "c__gdp": 2 ** 70}, {"id": "base", "kind": "base", "c__share": 1e-05},
                {"id": "base", "kind": "base", "c__share": float("nan")}):
        assert durable._dumps(odd) == json.dumps(odd, ensure_ascii=False)


def test_report_years_with_the_same_law_share_one_durable_ruleset_made_once(monkeypatch):
    # 25 report years compile to fewer laws (the same rules, patterns and strata): a ruleset is defined,
    # serialised and hashed once per law, and every year of that law gets that very ruleset
    _backend_or_skip("durable")
    from tierlaw.backends import durable
    from tierlaw.compile import law_key
    ctx = Context(backend="durable")
    books = [ctx.book(year, None) for year in range(2001, 2026)]
    made = []
    definition = durable._definition
    monkeypatch.setattr(durable, "_definition", lambda book: made.append(book.year) or definition(book))
    durable._ruleset.table.clear()  # a cache: what it held is made again on demand
    monkeypatch.setattr(durable, "_by_law", {})
    rulesets = {book.year: durable._ruleset(book) for book in books}
    laws = {}
    for book in books:
        laws.setdefault(law_key(book), []).append(book.year)
    assert 1 < len(laws) < len(books)
    assert len(made) == len(laws)  # once per law, not once per year
    for years in laws.values():
        assert all(rulesets[year] is rulesets[years[0]] for year in years)
