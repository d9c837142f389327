"""The historical record: placements per country and report year with their sources,
country lookup by code or name, and known report release dates."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from pathlib import Path

import attrs

from .errors import InputError
from .model import Placement
from .yamlsafe import Checker, Mapping, is_whole, load_yaml, read_text, top_level

CODE = re.compile(r"^[A-Z]{3}$")
DATA_FILES = ("tip_tiers.csv", "tip_tiers_supplement.csv", "countries.yaml", "report_dates.yaml", "agreements.yaml")


@attrs.frozen
class Country:
    code: str
    name: str
    in_record: bool = True


@attrs.frozen
class Record:
    placements: dict  # code -> {year: Placement}
    countries: dict  # code -> Country
    names: dict  # normalised name -> set of codes
    releases: dict  # year -> (date, source)
    agreements: dict  # short name -> {name, authority, partners, dates, note}
    digest: str

    def history(self, code: str) -> dict:
        return dict(self.placements.get(code, {}))

    def years(self) -> tuple:
        return tuple(sorted({year for rows in self.placements.values() for year in rows}))

    def lookup(self, text: str, allow_new_code: bool = False, new_code_hint: str = "") -> Country:
        """A country by ISO3 code, report name or alias; an InputError with suggestions if unknown or
        ambiguous (see inputs.find_country)."""
        from .inputs import find_country  # it reads this record's names
        return find_country(self, text, allow_new_code, new_code_hint)


def normalise(name: str) -> str:
    """Case, accents and punctuation folded: "Côte d'Ivoire" == "cote divoire"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    plain = re.sub(r"['\u2019`]", "", plain.lower())
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def load_record(directory: Path, tiers, years: range) -> Record:
    """Read the placements (main file and supplement), countries and report dates; tiers must be known
    and every year one of `years`."""
    codes_for_blank, aliases = _country_extras(directory / "countries.yaml")
    placements, countries = _placements(directory / "tip_tiers.csv", codes_for_blank, {}, {}, tiers, years)
    _placements(directory / "tip_tiers_supplement.csv", codes_for_blank, placements, countries, tiers, years,
                gaps_only=True)
    names = _names(countries, aliases, directory / "countries.yaml")
    releases = _releases(directory / "report_dates.yaml", years)
    agreements = _agreements(directory / "agreements.yaml", countries)
    digest = hashlib.sha256()
    for name in DATA_FILES:
        digest.update(name.encode() + b"\0" + (directory / name).read_bytes())
    return Record(placements=placements, countries=countries, names=names, releases=releases,
                  agreements=agreements, digest="sha256:" + digest.hexdigest())


def _sections(path: Path, *keys: str) -> tuple[Checker, ...]:
    """A checker for a data file, then each of its sections `keys` (the file holds nothing else)."""
    check = Checker(path)
    data = top_level(load_yaml(path), path, set(keys), path.name)
    return (check, *(check.mapping(data, key) for key in keys))


def _country_extras(path: Path) -> tuple[dict, Mapping]:
    """countries.yaml: codes for report names without one, and aliases per code."""
    check, codes, aliases = _sections(path, "codes", "aliases")
    for name, code in codes.items():
        if not isinstance(name, str) or not isinstance(code, str) or not CODE.match(code):
            check.fail(codes, name, f"codes: {name!r} must map a report name to a three-letter code")
    for code in aliases:
        check.texts(aliases, code, f"aliases of {code!r}")
    return dict(codes), aliases


def _placements(path: Path, codes_for_blank: dict, placements: dict, countries: dict, tiers, years, gaps_only=False):
    """Read one placements CSV into `placements`; a supplement may only fill gaps of the main file."""
    reader = csv.DictReader(io.StringIO(read_text(path)))
    expected = ["country", "iso3", "year", "tier", "source"]
    if reader.fieldnames != expected:
        raise InputError(f"header must be {','.join(expected)}", f"{path}:1")
    for line, row in enumerate(reader, start=2):
        code = row["iso3"] or codes_for_blank.get(row["country"])
        year = _year(row["year"], path, line)
        if year not in years:
            raise InputError(_outside(year, years), f"{path}:{line}")
        if not code or not CODE.match(code):
            raise InputError(f"no usable code for {row['country']!r}", f"{path}:{line}")
        if year in placements.setdefault(code, {}):
            kind = "the main record already has" if gaps_only else "second row for"
            raise InputError(f"{kind} {code} {year}", f"{path}:{line}")
        if row["tier"] not in tiers:
            raise InputError(f"unknown tier {row['tier']!r} (tiers: {', '.join(tiers)})", f"{path}:{line}")
        sources = tuple(s for s in (row["source"] or "").split(";") if s)
        placements[code][year] = Placement(year=year, tier=row["tier"], sources=sources, origin="record")
        countries[code] = Country(code=code, name=row["country"])
    return placements, countries


def _year(text, path, line) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        raise InputError(f"year {text!r} is not a whole number", f"{path}:{line}") from None


def _names(countries: dict, aliases: Mapping, path: Path) -> dict:
    names: dict = {}
    for code, country in countries.items():
        names.setdefault(normalise(country.name), set()).add(code)
        if "," in country.name:  # "Korea, North" is also "North Korea"
            head, _, tail = country.name.partition(",")
            names.setdefault(normalise(f"{tail} {head}"), set()).add(code)
    for code, more in aliases.items():
        if code not in countries:
            Checker(path).fail(aliases, code, f"aliases: {code!r} is not a code in the record")
        for alias in more:
            names.setdefault(normalise(alias), set()).add(code)
    return names


def _outside(year: int, years: range) -> str:
    return f"year {year} is outside the reports ({years[0]} to {years[-1]})"


def _releases(path: Path, years: range) -> dict:
    check, releases = _sections(path, "releases")
    found = {}
    for year, entry in releases.items():
        if not is_whole(year):
            check.fail(releases, year, f"releases: {year!r} is not a report year")
        day = entry.get("date") if isinstance(entry, Mapping) and set(entry) <= {"date", "source"} else None
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            check.fail(releases, year, f"release of {year} needs {{date: YYYY-MM-DD, source: text}}")
        for outside in sorted({year, day.year} - set(years)):
            check.fail(releases, year, _outside(outside, years))
        found[year] = (day, check.text(entry, "source", f"release of {year}"))
    return found


AGREEMENT_KEYS = {"name", "authority", "partners", "dates", "note"}


def _agreements(path: Path, countries: dict) -> dict:
    check, agreements = _sections(path, "agreements")
    found = {}
    for short, spec in agreements.items():
        what = f"agreement {short!r}"
        if not isinstance(short, str) or not isinstance(spec, Mapping) or not {"name", "partners"} <= set(spec):
            check.fail(agreements, short, f"{what} needs a name and partners")
        check.mapping(agreements, short, AGREEMENT_KEYS)
        for key in ("name", "authority", "note"):
            check.text(spec, key, what, required=key == "name")
        unknown = [code for code in check.texts(spec, "partners", what) if code not in countries]
        if unknown:
            check.fail(agreements, short, f"{what}: partners not in the record: {', '.join(unknown)}")
        _agreement_dates(check, check.mapping(spec, "dates"), what)
        found[short] = dict(spec)
    return found


def _agreement_dates(check: Checker, dates: Mapping, what: str) -> None:
    for event, entry in dates.items():
        day = entry.get("date") if isinstance(entry, Mapping) and set(entry) == {"date", "source"} else None
        if not isinstance(day, dt.date) or not isinstance(entry["source"], str):
            check.fail(dates, event, f"{what}: date {event!r} needs {{date: YYYY-MM-DD, source: text}}")
