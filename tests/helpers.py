"""Small readers of results shared by the tests."""


def ids(result):
    return {c["id"] for c in result["consequences"]}


def by_id(result, consequence_id):
    found = [c for c in result["consequences"] if c["id"] == consequence_id]
    assert found, f"{consequence_id} not among {sorted(ids(result))}"
    return found


def one(result, consequence_id):
    found = by_id(result, consequence_id)
    assert len(found) == 1, found
    return found[0]


def decisions(result):
    return {d["id"] for d in result["decisions"]}


def watch_list_years(*years):
    return [f"{y}=2WL" for y in years]


def tier_years(tier, first, last):
    return [f"{y}={tier}" for y in range(first, last + 1)]
