"""The floor: the automatic downgrade written by hand in plain Python, for the benchmark only.

This is the law hard-coded (years, counts, tiers): exactly what the engine must not do, kept here
as the speed floor the engine is measured against and as an independent check of its answers.
Default decisions (no waiver, Tier 3 under (F)) and default interpretation options."""

FIRST_COUNTED, NEW_LAW, WATCH, TIER3 = 2009, 2019, "2WL", "3"
F_TIER3_FROM = 2019  # (F)(ii) read prospectively (the default option): the Tier 3 placement from the 2019 report


def effective_tier(history: dict, year: int, proposed: str):
    """Effective tier of a proposal, or None where an unknown placement (None) could change it."""
    if proposed != WATCH or year < FIRST_COUNTED:
        return proposed
    streak, y = 0, year - 1
    while y >= FIRST_COUNTED and history.get(y) == WATCH:
        streak, y = streak + 1, y - 1
    if y >= FIRST_COUNTED and history.get(y) is None and y in history:
        return None  # the run may go on through an unknown year
    if streak >= 2:
        return TIER3  # (D)(i): the waiver is not granted by default
    if year >= NEW_LAW and streak >= 1:
        barred = _downgraded_after_run(history, year - streak)
        return None if barred is None else (TIER3 if barred else WATCH)
    return WATCH


def _downgraded_after_run(history, before):
    """(F): a run of 2+ Watch List years from 2009 later followed by a move onto Tier 3 (the first year of a
    stay there) in a report from 2019 on, before `before`."""
    run, armed, unknown = 0, False, False
    for y in range(FIRST_COUNTED, before):
        tier = history.get(y)
        if tier is None:
            unknown = True
            run = 0
        elif tier == WATCH:
            run += 1
            armed = armed or run >= 2
        else:
            moved = tier == TIER3 and history.get(y - 1) != TIER3
            if moved and armed and y >= F_TIER3_FROM:
                return True
            run = 0
    return None if unknown else False


def all_effective(record) -> dict:
    """(country, year) -> effective tier of every recorded placement taken as a proposal."""
    found = {}
    for code, rows in record.placements.items():
        known = {year: p.tier for year, p in rows.items()}
        history = {y: known.get(y) for y in range(2001, max(known) + 1)}
        for year, tier in known.items():
            found[(code, year)] = effective_tier({y: t for y, t in history.items() if y < year}, year, tier)
    return found
