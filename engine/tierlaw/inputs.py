"""Reading what a person typed or wrote: tiers in any usual spelling, countries with suggestions,
dates, years, paths and lists as Python or the command line gives them.

Errors name the argument by its Python parameter name (see errors.py); the command line shows its
flags instead. Nothing here knows the law: the accepted spellings of a tier come from the
rulebook's `tiers:` names and labels."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping

from .errors import InputError

DEFAULT_FORWARD = 6  # reports a what-if's forward clock runs when none is asked for

# ---------------------------------------------------------------- tiers

# Words written before a tier's number ("Tier 3", "t3"); dropped before comparing spellings.
TIER_WORDS = ("tier", "t")


def _squash(text: str) -> str:
    """Lower case, accents and everything but letters and digits dropped: "Tier 2 Watch-List" -> "tier2watchlist"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", plain)


def _tier_key(text: str) -> str:
    """The form spellings of one tier share: "Tier 3", "tier-3", "T3" and "3" all give "3"."""
    squashed = _squash(text)
    for word in TIER_WORDS:
        rest = squashed[len(word):]
        if squashed.startswith(word) and rest[:1].isdigit():
            return rest
    return squashed


@functools.lru_cache(maxsize=8)
def _spellings(tiers: tuple) -> dict:
    """key -> tier for every accepted spelling: the tier's own name, the short form of its label (the
    part before " - "), and the words of that short form that no other tier's shares (for a label
    "Tier 2 Watch List - ...", the words "watch list"). A spelling two tiers share is nobody's."""
    short = {tier: label.split(" - ")[0] for tier, label in tiers}
    words = {tier: label.split() for tier, label in short.items()}
    found: dict = {}
    for tier, label in short.items():
        others = {_squash(w) for other, ws in words.items() if other != tier for w in ws}
        own = " ".join(w for w in words[tier] if _squash(w) not in others)
        for spelling in (tier, label, own):
            if _tier_key(spelling):
                found.setdefault(_tier_key(spelling), set()).add(tier)
    return {key: next(iter(owners)) for key, owners in found.items() if len(owners) == 1}


def read_tier(tiers: dict, value, where: str) -> str:
    """The rulebook's name of the tier `value` means, in any case and usual spelling ("2wl",
    "watch list", "Tier3", "t3", the YAML integer 3); an InputError naming the tiers otherwise."""
    if isinstance(value, str) and value in tiers:
        return value
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        found = _spellings(tuple(tiers.items())).get(_tier_key(str(value)))
        if found is not None:
            return found
    raise InputError(unknown_tier(tiers, value), where)


def unknown_tier(tiers: dict, value) -> str:
    """The message for a tier the rulebook does not know, with the closest spelling if there is one."""
    spellings = _spellings(tuple(tiers.items()))
    close = difflib.get_close_matches(_tier_key(str(value)), list(spellings), n=1, cutoff=0.75)
    guess = f"; did you mean {spellings[close[0]]}?" if close else ""
    names = ", ".join(label.split(" - ")[0] for label in tiers.values())
    shown = "null (no tier)" if value is None else repr(value)  # as YAML and JSON spell it
    return (f"unknown tier {shown}{guess} (tiers: {', '.join(tiers)}; any case, or by name: {names})")


# ---------------------------------------------------------------- countries


def find_country(record, text, allow_new_code: bool = False, new_code_hint: str = ""):
    """A country of the record by ISO3 code, report name or alias (case, accents and punctuation
    ignored). With `allow_new_code` a well-formed code not in the record is a new country. Unknown
    names get the closest ones as suggestions; `new_code_hint` is the way forward, for the command
    at hand, for a code not in the record."""
    from .record import CODE, Country, normalise  # the record calls this from its lookup
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"give a country as an ISO3 code or a name, not {text!r}", "country")
    cleaned = text.strip()
    if cleaned.upper() in record.countries:
        return record.countries[cleaned.upper()]
    codes = record.names.get(normalise(cleaned), set())
    if len(codes) == 1:
        return record.countries[next(iter(codes))]
    if codes:
        options = " or ".join(_named(record, c) for c in sorted(codes))
        raise InputError(f"country {text!r} is ambiguous: {options}; give the code", "country")
    is_code = bool(CODE.match(cleaned.upper()))
    if allow_new_code and is_code and user_assigned(cleaned.upper()):
        return Country(code=cleaned.upper(), name=cleaned.upper(), in_record=False)
    close = country_suggestions(record, cleaned)
    guess = f"; did you mean {' or '.join(_named(record, c) for c in close)}?" if close else ""
    if is_code and allow_new_code:
        raise InputError(f"unknown country {text!r}{guess} (a hypothetical country takes a code from "
                         f"{USER_ASSIGNED_WORDS}, so that a misspelt code is not read as a new country)", "country")
    if is_code and new_code_hint:
        raise InputError(f"unknown country {text!r}{guess} ({new_code_hint})", "country")
    raise InputError(f"unknown country {text!r}{guess}" if guess else
                     f"unknown country {text!r}: give the ISO3 code or the name of a country in the record", "country")


# ISO 3166-1 leaves these alpha-3 codes to its users: no country has one, so none is a misspelt country.
USER_ASSIGNED = re.compile(r"^(AA[A-Z]|Q[M-Z][A-Z]|X[A-Z]{2}|ZZ[A-Z])$")
USER_ASSIGNED_WORDS = "ISO 3166-1's user-assigned ranges (AAA-AAZ, QMA-QZZ, XAA-XZZ, ZZA-ZZZ)"


def user_assigned(code: str) -> bool:
    return bool(USER_ASSIGNED.match(code))


def _named(record, code: str) -> str:
    return f"{record.countries[code].name} ({code})"


def country_suggestions(record, text: str, limit: int = 3) -> list:
    """Codes of the countries whose code, name or alias is closest to `text` (closest first)."""
    from .record import normalise
    spellings = {code.lower(): {code} for code in record.countries}
    for name, codes in record.names.items():
        spellings.setdefault(name, set()).update(codes)
    found: list = []
    for close in difflib.get_close_matches(normalise(text), list(spellings), n=limit * 2, cutoff=0.75):
        found += [code for code in sorted(spellings[close]) if code not in found]
    return found[:limit]


# ---------------------------------------------------------------- dates, years, paths, lists


def as_date(value, where: str) -> dt.date | None:
    """A date from a `date`, a `datetime` (its day) or text YYYY-MM-DD; None stays None."""
    if value is None or type(value) is dt.date:
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(f"{value!r} is not a date YYYY-MM-DD", where)


def as_year(value, where: str) -> int | None:
    """A report year from an int or text of digits; None stays None."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,6}\s*", value):
        return int(value)
    raise InputError(f"{value!r} is not a report year", where)


def as_path(value, where: str):
    """A Path from a `str` or any path-like object."""
    from pathlib import Path
    if isinstance(value, (str, os.PathLike)) and str(value).strip():
        return Path(value)
    raise InputError(f"expected a path (str or pathlib.Path), not {value!r}", where)


def as_names(value, where: str) -> list:
    """Countries or partners: one name, or any iterable of names; None is none."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return list(value)
    raise InputError(f"expected a list of countries, not {value!r}", where)


def as_items(value, where: str, shape: str) -> list:
    """`KEY=VALUE` items from a list of such texts, one text, or a mapping {KEY: VALUE}."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [f"{key}={item}" for key, item in value.items()]
    items = list(value) if isinstance(value, Iterable) else [value]
    for item in items:
        if not isinstance(item, str):
            raise InputError(f"expected {shape} texts or a mapping, not {item!r}", where)
    return items


def check_report_year(year: int, possible: range, what: str, reach: str = "next year's report") -> None:
    """An InputError (named `what`) unless `year` is one of the `possible` report years (the last one `reach`)."""
    if year < possible[0]:
        raise InputError(f"{year} is before the first report ({possible[0]})", what)
    if year > possible[-1]:
        raise InputError(f"{year} is too far ahead: report years run from {possible[0]} to {possible[-1]} "
                         f"({reach})", what)


def check_range(first: int | None, last: int | None, years: list, whose: str, possible: range) -> None:
    """A range of report years (either end open) must be in order, lie within the `possible` report years (a
    year before the first report, a negative one say, or after next year's, is a slip, not a range) and hold
    some of `years`. An end after the latest report is allowed: it reads as a range up to the years recorded
    so far."""
    for end, where in ((first, "first"), (last, "last")):
        if end is not None:
            check_report_year(end, possible, where)
    if first is not None and last is not None and first > last:
        raise InputError(f"the range starts ({first}) after it ends ({last})", "first/last")
    inside = [y for y in years if (first is None or y >= first) and (last is None or y <= last)]
    if years and not inside:
        span = " ".join(part for part in (f"from {first}" if first is not None else "",
                                          f"to {last}" if last is not None else "") if part)
        raise InputError(f"no recorded placement {span}: {whose} covers {min(years)} to {max(years)}",
                         "first/last")


def resolve_options(known: dict, chosen) -> dict:
    """Interpretation options as compile.resolve_options gives them, errors named `options`."""
    from .compile import resolve_options as resolve
    if chosen is not None and not isinstance(chosen, Mapping):
        raise InputError(f"expected a mapping of option names to choices, not {chosen!r}", "options")
    try:
        return resolve(known, dict(chosen or {}))
    except InputError as err:
        raise InputError(err.message, "options") from None
