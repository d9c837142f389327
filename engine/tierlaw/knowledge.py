"""What the record knows of each country-year: claims from the sources merged into one placement,
and years known only as a set of tiers (absent from a complete list; named by a later narrative).

No value is invented: an exact tier is one a source states; a set is what the sources allow."""

from __future__ import annotations

import attrs

from .errors import InputError
from .model import Placement


@attrs.frozen
class Claim:
    """One source's statement of a country-year: a tier, or the tiers a later narrative allows."""

    code: str
    year: int
    tiers: tuple  # one tier for a direct statement; several for "upgraded from the Watch List"
    sources: tuple
    grade: str
    where: str  # file:line
    main: bool = False  # from the main compilation, whose own conflicts are already settled
    link: str | None = None
    basis: str | None = None


@attrs.frozen
class Conflict:
    """Sources that disagree on a country-year, and the value kept."""

    code: str
    year: int
    kept: str
    why: str
    claims: tuple  # (tier, sources, grade)


def merge_claims(claims: list, grades: list) -> tuple[dict, list]:
    """{code: {year: Placement}} from the claims, and the conflicts settled on the way."""
    by_year: dict = {}
    for claim in claims:
        by_year.setdefault((claim.code, claim.year), []).append(claim)
    placements: dict = {}
    conflicts = []
    for (code, year), found in sorted(by_year.items()):
        placement, conflict = _one_year(code, year, found, grades)
        placements.setdefault(code, {})[year] = placement
        if conflict:
            conflicts.append(conflict)
    return placements, conflicts


def _rank(grade: str, grades: list) -> int:
    return grades.index(grade) if grade in grades else len(grades)


def _one_year(code, year, claims, grades) -> tuple:
    if len(claims) == 1 and len(claims[0].tiers) == 1:  # most years: one source's statement, nothing to settle
        return _stated(year, claims), None
    exact = [c for c in claims if len(c.tiers) == 1]
    if not exact:
        return _set_placement(year, claims, grades), None
    stated = {c.tiers[0] for c in exact}
    kept, conflict = stated.pop() if len(stated) == 1 else None, None
    if kept is None:
        kept, why = _settle(exact, grades)
        if kept is None:
            where = ", ".join(c.where for c in exact)
            raise InputError(f"sources of the same grade disagree on {code} {year} "
                             f"({', '.join(sorted(stated))}); settle it in the data", where)
        conflict = Conflict(code, year, kept, why, tuple(sorted((c.tiers[0], c.sources, c.grade) for c in exact)))
    contradicted = [c for c in claims if len(c.tiers) > 1 and kept not in c.tiers]
    if contradicted and conflict is None:
        conflict = Conflict(code, year, kept, "a later narrative's move does not fit the stated tier; the stated "
                            "tier is kept", tuple((",".join(c.tiers), c.sources, c.grade) for c in contradicted))
    return _stated(year, [c for c in exact if c.tiers[0] == kept], grades), conflict


def _stated(year, agreeing: list, grades: list = ()) -> Placement:
    """The placement the claims that state the kept tier give: their sources, their best grade."""
    return Placement(year=year, tier=agreeing[0].tiers[0], sources=_sources(agreeing), origin="record",
                     confidence=_best(agreeing, grades), links=_links(agreeing))


def _settle(exact, grades) -> tuple:
    """The value kept where sources disagree: the main compilation's (already settled there); else the
    value of the best-graded sources; among sources of one grade, the value more of them state."""
    main = [c for c in exact if c.main]
    if main:
        return main[0].tiers[0], "the main compilation's value, settled there (see the section above)"
    best = min(_rank(c.grade, grades) for c in exact)
    top = [c for c in exact if _rank(c.grade, grades) == best]
    counts = {tier: sum(1 for c in top if c.tiers[0] == tier) for tier in {c.tiers[0] for c in top}}
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None, "sources of the same grade disagree in equal numbers"
    grade = grades[best] if best < len(grades) else "ungraded"
    if len(ranked) == 1:
        return ranked[0][0], f"the {grade} source(s) are kept over lower-graded ones"
    return ranked[0][0], f"among the {grade} sources, {ranked[0][1]} state it and {ranked[1][1]} the other value"


def _set_placement(year, claims, grades) -> Placement:
    possible = set(claims[0].tiers)
    for claim in claims[1:]:
        possible &= set(claim.tiers)
    basis = "; ".join(f"{c.basis} ({', '.join(c.sources)})" for c in claims)
    return Placement(year=year, tier=None, possible=tuple(sorted(possible)), sources=_sources(claims),
                     origin="record", confidence=_best(claims, grades), basis=basis, links=_links(claims))


def _sources(claims) -> tuple:
    return tuple(dict.fromkeys(source for c in claims for source in c.sources))


def _links(claims) -> tuple:
    return tuple(dict.fromkeys(c.link for c in claims if c.link))


def _best(claims, grades) -> str:
    if len(claims) == 1:
        return claims[0].grade
    return min((c.grade for c in claims), key=lambda g: _rank(g, grades))


@attrs.frozen
class ListCoverage:
    """Whether the list of one tier in one report names every country on it."""

    year: int
    tier: str
    state: str  # complete | probable | partial | uncertain
    evidence: str


def absent_from_lists(coverage: dict, year: int, every: tuple, probable_complete: bool) -> tuple:
    """(possible tiers, lists used) for a country absent from every list of `year`.

    Only lists known (or, by option, taken) to be complete rule a tier out."""
    used = [c for c in coverage.get(year, ()) if c.state == "complete" or (probable_complete and c.state == "probable")]
    ruled_out = {c.tier for c in used}
    return tuple(t for t in every if t not in ruled_out), used


def _lists_named(used: list, year: int) -> str:
    """The lists a year's set rests on, a probable one named as such: "the complete 3 and 2WL list(s) of YEAR", or
    "the complete 3 list(s) of YEAR and the probable 2WL list(s) of YEAR, taken as complete"."""
    complete = [c.tier for c in used if c.state == "complete"]
    probable = [c.tier for c in used if c.state != "complete"]
    return " and ".join(filter(None, (
        complete and f"the complete {' and '.join(complete)} list(s) of {year}",
        probable and f"the probable {' and '.join(probable)} list(s) of {year}, taken as complete")))


def with_coverage(placement: Placement | None, year: int, coverage: dict, every: tuple,
                  probable_complete: bool, option_note: str) -> Placement:
    """The placement of a country-year once the complete lists of that year are taken into account."""
    if placement is not None and placement.known:
        return placement
    possible, used = absent_from_lists(coverage, year, every, probable_complete)
    if not used:
        return placement or Placement(year=year, tier=None, origin="unknown")
    basis = f"absent from {_lists_named(used, year)} (" + "; ".join(c.evidence for c in used) + ")"
    sources = ("list_coverage",)
    if placement is not None:  # also named by a later narrative: both must hold
        possible = tuple(t for t in possible if t in placement.possible)
        basis = f"{placement.basis}; {basis}"
        sources = placement.sources + sources
    return Placement(year=year, tier=None, possible=possible, sources=sources, origin="record",
                     confidence=placement.confidence if placement else None, basis=basis,
                     assumed=tuple(f"{option_note}: the {year} {c.tier} list is taken as complete ({c.evidence})"
                                   for c in used if c.state == "probable"),
                     links=placement.links if placement else ())
