"""Plain data of the engine: rules as loaded, rules as compiled for one report year, results."""

from __future__ import annotations

import datetime as dt
import functools

import attrs


@attrs.frozen
class InForce:
    """When a rule is law: report years [from_report, until_report) and dates [from_date, until_date)."""

    from_report: int | None = None
    until_report: int | None = None
    from_date: dt.date | None = None
    until_date: dt.date | None = None

    def covers_report(self, year: int) -> bool:
        return (self.from_report is None or year >= self.from_report) and (
            self.until_report is None or year < self.until_report
        )

    @property
    def date_keyed(self) -> bool:
        return self.from_date is not None or self.until_date is not None


@attrs.frozen
class Atom:
    """One test in a rule's `when`: `ref` (e.g. feature.wl_streak_before) `op` `value`."""

    ref: str
    op: str
    value: object
    line: int


@attrs.frozen
class Then:
    derive: tuple = ()  # ((kind, value expression), ...)
    default: bool = False
    unless: tuple = ()
    opens: str | None = None
    due: dict | None = None
    window: dict | None = None
    fiscal_year: int | None = None
    holds_while_most_recent: bool = False
    show: bool = True


@attrs.frozen
class Rule:
    id: str
    consequence: str
    title: str
    headline: str | None  # the consequence in a few plain words, for results' headlines
    group: str | None  # the headline group it belongs to (rulebook `groups:`); none: details only
    cite: str
    enacted_by: str
    in_force: InForce
    confidence: str
    note: str | None
    when: tuple
    then: Then
    file: str
    line: int


@attrs.frozen
class Decision:
    id: str
    title: str
    cite: str
    decided_by: str
    options: dict
    default: str
    default_basis: str
    fiscal_year: int | None = None  # offset from the report year of the fiscal year the decision asks about
    hangs_on: str | None = None  # how a consequence resting on the default reads ("unless the President ...")


@attrs.frozen
class Option:
    id: str
    title: str
    statute_ref: str
    choices: dict
    default: str


@attrs.frozen
class Rulebook:
    tiers: dict  # tier value -> label
    parameters: dict  # name -> {year: entry}
    features: dict  # name -> spec
    decisions: dict  # id -> Decision
    options: dict  # id -> Option
    queries: dict  # query name -> what it asks of the rules (e.g. trade: bar, exception_decision, authority)
    invariants: dict  # name -> invariant spec for exhaustive verification
    country_facts: dict  # name -> {description, default, ref}: facts of a country rules may test
    groups: dict  # headline group -> label, in headline order
    rules: tuple
    digest: str
    source: str
    feature_words: dict = attrs.Factory(dict)  # feature name -> its description (what a reader is told it counts)


@attrs.frozen
class Test:
    """A compiled test: fact field, operator and a literal value."""

    field: str
    op: str
    value: object


@attrs.frozen
class Pattern:
    kind: str
    tests: tuple


@attrs.frozen
class CompiledRule:
    rule: Rule
    patterns: tuple  # Pattern per fact the rule joins
    atoms: tuple  # (Atom, resolved value, parameter used or None)
    stratum: int
    holds: tuple | None  # (from_date, until_date) for date-keyed rules


@attrs.frozen
class CompiledBook:
    """The law in force for one report year (and evaluation date), with options applied."""

    year: int
    rules: tuple
    features: dict  # name -> resolved spec
    parameters: dict  # name -> (value, ref) resolved for the year
    strata: int
    digest: str
    options: dict


# The tier of a year in which the country was not ranked (it did not exist at the report's release, or the reports
# had not yet rated it): on no list, as before the first report (features.TierAt's "none"), and known, not a gap
# (data/countries.yaml `existed`).
NOT_RANKED = "not_ranked"
EFFECTIVE = "effective_tier"  # the derived fact the contract reports as RESULT.effective_tier: a tier of the rulebook


@attrs.frozen
class Placement:
    """What is known of one report year's placement: a tier, a set of possible tiers, or nothing."""

    year: int
    tier: str | None  # the tier when known exactly; None when known only as a set, or unknown
    sources: tuple = ()
    origin: str = "record"  # record | set | proposed | unknown | known-set | not_ranked
    possible: tuple | None = None  # the tiers it may have been, when known only as a set
    confidence: str | None = None  # best grade among the sources (OFFICIAL, NEWS, SECONDARY)
    basis: str | None = None  # why the set is what it is, in words
    assumed: tuple = ()  # option choices the set leans on ("probable_lists=complete")
    links: tuple = ()  # addresses of the sources, where the data gives them

    @property
    def known(self) -> bool:
        return self.tier is not None

    @property
    def value(self):
        """As documents give it: the tier, the list of tiers it may have had, or None when nothing is known."""
        return self.tier if self.known else (list(self.possible) if self.possible else None)

    def tiers(self, every: tuple) -> tuple:
        """The tiers this year may have had: one, some, or `every` one when nothing is known. A known tier's
        tuple is the same object each time (cache keys hold a history's tuples: fewer objects to keep)."""
        if self.tier is not None:
            return _alone(self.tier)
        return self.possible or every


@functools.cache
def _alone(tier: str) -> tuple:
    """(tier,), one object per tier of the rulebook."""
    return (tier,)


@attrs.frozen
class Match:
    """A rule whose patterns matched these facts (by fact id)."""

    rule_id: str
    fact_ids: tuple
