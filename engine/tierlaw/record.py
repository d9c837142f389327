"""The historical record: placements per country and report year with their sources,
country lookup by code or name, and known report release dates."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import re
import unicodedata
from pathlib import Path

import attrs

from .errors import InputError
from .knowledge import Claim, ListCoverage, merge_claims, with_coverage
from .memo import kept
from .model import NOT_RANKED, Placement
from .yamlsafe import Checker, Mapping, is_one_of, is_whole, load_yaml, read_text, top_level

CODE = re.compile(r"^[A-Z]{3}$")
MAIN, SUPPLEMENT, FOUND = "tip_tiers.csv", "tip_tiers_supplement.csv", "tip_tiers_2016_2025_found.csv"
DATA_FILES = (MAIN, SUPPLEMENT, FOUND, "list_coverage.csv", "sources.yaml", "countries.yaml", "report_dates.yaml",
              "report_dates_found.csv", "agreements.yaml", "recorded_decisions.yaml", "presidential_determinations.csv",
              "aid_clauses.csv", "lending_waivers.csv", "determination_documents.csv")
PROBABLE_OPTION = "probable_lists"  # the record's own option (sources.yaml), read here


@attrs.frozen
class Country:
    code: str
    name: str
    in_record: bool = True


@attrs.frozen
class RecordedDecision:
    """A decision the data records for a country and report year, with its source."""

    decision: str
    value: str
    source: str
    recorded_as: str
    fiscal_year: int | None = None


@attrs.frozen
class Existence:
    """The reports that could rank a country that did not always exist, and the first that rated one that existed
    before (data/countries.yaml `existed`)."""

    first_report: int | None
    last_report: int | None
    basis: str | None  # why the reports outside first_report..last_report could not rank it
    first_rated: int | None = None  # the first report that rated it, where it existed before
    rated_basis: str | None = None

    def ranks(self, year: int) -> bool:
        """Whether a report of `year` could rank the country (it existed at the report's release)."""
        return (self.first_report is None or year >= self.first_report) and \
            (self.last_report is None or year <= self.last_report)

    def rated(self, year: int) -> bool:
        return self.ranks(year) and (self.first_rated is None or year >= self.first_rated)

    def not_ranked(self, year: int) -> Placement:
        return _not_ranked(self.basis if not self.ranks(year) else self.rated_basis, year)

    def refusal(self, name: str, code: str, year: int) -> str:
        """Why no report of `year` can hold a placement of the country: the words of an InputError."""
        first, last = self.first_report, self.last_report
        span = (f"from {first} on" if last is None else f"up to {last}" if first is None else f"{first} to {last}")
        return (f"{name} ({code}) could not be ranked in the {year} report: {self.basis}; "
                f"only reports {span} can rank it")


@functools.cache
def _not_ranked(basis: str, year: int) -> Placement:
    return Placement(year=year, tier=NOT_RANKED, origin=NOT_RANKED, basis=basis)


@attrs.frozen
class Record:
    placements: dict  # code -> {year: Placement}, stated by a source (a tier, or a set from a narrative)
    countries: dict  # code -> Country
    names: dict  # normalised name -> set of codes
    releases: dict  # year -> (date, source)
    agreements: dict  # short name -> {name, authority, partners, dates, note}
    digest: str
    coverage: dict = attrs.field(factory=dict)  # year -> (ListCoverage, ...)
    conflicts: tuple = ()  # Conflict, where sources disagree
    decisions: dict = attrs.field(factory=dict)  # (code, report year) -> (RecordedDecision, ...)
    documents: dict = attrs.field(factory=dict)  # decision id -> {fiscal year: document entry}
    facts: dict = attrs.field(factory=dict)  # code -> {fact name: value}
    options: dict = attrs.field(factory=dict)  # option id -> Option (how to read the data)
    tiers: tuple = ()
    existed: dict = attrs.field(factory=dict)  # code -> Existence: reports that could not rank it
    absent: dict = attrs.field(factory=dict, eq=False, repr=False)  # (year, probable_lists) -> knowledge, below
    source_notes: dict = attrs.field(factory=dict, eq=False, repr=False)  # (id or prefix, exact) -> what it is

    def source_note(self, source: str) -> str | None:
        """What a source id names (sources.yaml: by the id, else by its longest known beginning), or None."""
        if (source, True) in self.source_notes:
            return self.source_notes[(source, True)]
        prefixes = [name for name, exact in self.source_notes if not exact and source.startswith(name)]
        return self.source_notes[(max(prefixes, key=len), False)] if prefixes else None

    def history(self, code: str) -> dict:
        """The placements stated exactly for a country: the recorded placements."""
        return {year: p for year, p in self.placements.get(code, {}).items() if p.known}

    def knowledge(self, code: str, year: int, options: dict) -> Placement:
        """All the record knows of a country-year: a tier, a set of tiers, or nothing; not ranked where the
        country did not exist at the report's release."""
        if code in self.existed and not self.existed[code].rated(year):
            return self.existed[code].not_ranked(year)
        stated = self.placements.get(code, {}).get(year)
        if stated is not None and stated.known:  # most country-years: no list to read
            return stated
        if code not in self.placements:
            return stated or Placement(year=year, tier=None, origin="unknown")
        choice = options.get(PROBABLE_OPTION, "complete")
        if stated is None:  # named by no source: what the year's lists say is the same for every such country
            return kept(self.absent, (year, choice), self._known_from_lists, None, year, choice)
        return self._known_from_lists(stated, year, choice)

    def _known_from_lists(self, stated, year: int, choice: str) -> Placement:
        return with_coverage(stated, year, self.coverage, self.tiers, choice == "complete",
                             f"{PROBABLE_OPTION}={choice}")

    def name_of(self, code: str) -> str:
        """A country's report name; a code the record does not know (a hypothetical country) stands for itself."""
        return self.countries[code].name if code in self.countries else code

    def years(self) -> tuple:
        return tuple(sorted({year for rows in self.placements.values() for year in rows}))

    def codes_of(self, names: list) -> list:
        """The codes of countries named by code, report name or alias, each once (MYS and Malaysia are one
        country: counted twice, an audit would double its rows), in the order first named."""
        return list(dict.fromkeys(self.lookup(name).code for name in names))

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
    """Read the placements (main file, supplement, later findings), list coverage, countries,
    report dates, agreements and recorded decisions; tiers must be known and every year one of `years`."""
    if not directory.is_dir():
        raise InputError("no such data directory" if not directory.exists() else "not a directory", str(directory))
    read: list = []
    codes_for_blank, aliases, facts, existed = _country_extras(_read(read, directory, "countries.yaml"), years)
    grades, graded, notes, next_year, options = _sources(_read(read, directory, "sources.yaml"), tiers)
    rows = _Rows(codes_for_blank, tiers, years)
    claims = rows.claims(_read(read, directory, MAIN), graded, grades, main=True)
    supplement = rows.claims(_read(read, directory, SUPPLEMENT), graded, grades)
    _gaps_only(supplement, claims)
    found = rows.found(_read(read, directory, FOUND), grades, next_year)
    placements, conflicts = merge_claims(claims + supplement + found, grades)
    countries = rows.countries
    names = _names(countries, aliases, directory / "countries.yaml")
    _known_codes(facts, countries, directory / "countries.yaml", "facts")
    _known_codes(existed, countries, directory / "countries.yaml", "existed")
    _ranked_only_when_existing(existed, placements, directory / "countries.yaml")
    releases = _releases(_read(read, directory, "report_dates.yaml"), years)
    _found_releases(_read(read, directory, "report_dates_found.csv"), years, releases)
    agreements = _agreements(_read(read, directory, "agreements.yaml"), countries)
    coverage = _coverage(_read(read, directory, "list_coverage.csv"), tiers, years)
    decisions, documents = _recorded_decisions(read, directory, countries, years)
    digest = hashlib.sha256()
    for path in read:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return Record(placements=placements, countries=countries, names=names, releases=releases,
                  agreements=agreements, digest="sha256:" + digest.hexdigest(), coverage=coverage,
                  conflicts=tuple(conflicts), decisions=decisions, documents=documents, facts=facts,
                  options=options, tiers=tuple(tiers), existed=existed, source_notes=notes)


def _read(read: list, directory: Path, name: str) -> Path:
    """The path of a data file, noted for the record's digest."""
    path = directory / name
    read.append(path)
    return path


def _link(url: str) -> str | None:
    """A source's address, unless it is none or a pattern with a placeholder left in it
    (".../countries/<id>.htm"): that names no page, so it is not offered as a link."""
    return url if url and "<" not in url and ">" not in url else None


def _sections(path: Path, *keys: str, optional=()) -> tuple[Checker, ...]:
    """A checker for a data file, then each of its sections `keys` (the file holds nothing else)."""
    check = Checker(path)
    data = top_level(load_yaml(path), path, set(keys) | set(optional), path.name)
    return (check, *(check.mapping(data, key) for key in (*keys, *optional)))


def _country_extras(path: Path, years: range) -> tuple[dict, Mapping, dict, dict]:
    """countries.yaml: codes for report names without one, aliases per code, facts per code, and the reports that
    could rank a country that did not always exist."""
    check, codes, aliases, facts, existed = _sections(path, "codes", "aliases", optional=("facts", "existed"))
    for name, code in codes.items():
        if not isinstance(name, str) or not isinstance(code, str) or not CODE.match(code):
            check.fail(codes, name, f"codes: {name!r} must map a report name to a three-letter code")
    for code in aliases:
        check.texts(aliases, code, f"aliases of {code!r}")
    for code in facts:
        values = check.mapping(facts, code)
        for name, value in values.items():
            if not isinstance(name, str) or not isinstance(value, (bool, str, int)):
                check.fail(values, name, f"facts of {code!r}: {name!r} must map to true/false, text or a number")
    return dict(codes), aliases, {code: dict(values) for code, values in facts.items()}, \
        {code: _existence(check, existed, code, years) for code in existed}


def _existence(check: Checker, existed: Mapping, code: str, years: range) -> Existence:
    keys = ("first_report", "last_report", "first_rated")
    spec = check.mapping(existed, code, {*keys, "basis", "rated_basis"})
    first, last, rated = (spec.get(key) for key in keys)
    for key in keys:
        if spec.get(key) is not None and not (is_whole(spec[key]) and spec[key] in years):
            check.fail(spec, key, f"existed: {code}'s {key} must be a report year from {years.start} to "
                                  f"{years.stop - 1}")
    in_order = [year for year in (first, rated, last) if year is not None]
    if not in_order or in_order != sorted(in_order):
        check.fail(existed, code, f"existed: {code} needs a first_report, last_report or first_rated, in that "
                                  "order of years (first_rated from first_report to last_report)")
    bounded = first is not None or last is not None
    return Existence(first, last, check.text(spec, "basis", f"existed: {code}", required=bounded),
                     rated, check.text(spec, "rated_basis", f"existed: {code}", required=rated is not None))


def _ranked_only_when_existing(existed: dict, placements: dict, path: Path) -> None:
    """A source that places a country in a report that could not rank it contradicts countries.yaml."""
    for code, existence in existed.items():
        for year, placement in sorted(placements.get(code, {}).items()):
            if not existence.rated(year):
                raise InputError(f"existed: {code} was not ranked in {year} ({existence.not_ranked(year).basis}), "
                                 f"but {', '.join(placement.sources) or 'a source'} places it there", str(path))


def _sources(path: Path, tiers) -> tuple:
    """sources.yaml: grades best first, the grade of each source id, next-year sets by basis, options."""
    from .rulebook import parse_option  # the same shape as the rulebook's options
    check = Checker(path)
    data = top_level(load_yaml(path), path, {"grades", "sources", "prefixes", "next_year", "options"}, path.name)
    sources, prefixes, next_year, options = (check.mapping(data, key)
                                             for key in ("sources", "prefixes", "next_year", "options"))
    grades = data.get("grades")
    if not isinstance(grades, list) or not grades or not all(isinstance(g, str) for g in grades):
        check.fail(data, "grades", "grades: list the confidence grades, best first")
    graded, notes = {}, {}
    for table, exact in ((sources, True), (prefixes, False)):
        for name, spec in table.items():
            if not isinstance(name, str) or not isinstance(spec, Mapping) or not is_one_of(spec.get("grade"), grades):
                check.fail(table, name, f"{name!r} needs a grade among {', '.join(grades)}")
            graded[(name, exact)] = spec["grade"]
            notes[(name, exact)] = check.text(spec, "what", f"source {name!r}")
    for basis in next_year:
        listed = next_year[basis]
        if not isinstance(basis, str) or not isinstance(listed, list) or not listed or \
                not all(is_one_of(t, tiers) for t in listed):
            check.fail(next_year, basis, f"next_year: {basis!r} must list known tiers")
    parsed = {name: parse_option(name, check, options, spec) for name, spec in options.items()}
    return grades, graded, notes, {b: tuple(t) for b, t in next_year.items()}, parsed


class _Rows:
    """Reads the placement CSVs into claims, checking codes, years and tiers."""

    def __init__(self, codes_for_blank: dict, tiers, years):
        self.codes_for_blank, self.tiers, self.years = codes_for_blank, tiers, years
        self.countries: dict = {}

    def rows(self, path: Path, expected: list):
        for line, row in _csv(path, expected):
            where = f"{path}:{line}"
            code = row["iso3"] or self.codes_for_blank.get(row["country"])
            year = _year(row["year"], path, line)
            if year not in self.years:
                raise InputError(_outside(year, self.years), where)
            if not code or not CODE.match(code):
                raise InputError(f"no usable code for {row['country']!r}", where)
            if row["tier"] not in self.tiers:
                raise InputError(f"unknown tier {row['tier']!r} (tiers: {', '.join(self.tiers)})", where)
            self.countries.setdefault(code, Country(code=code, name=row["country"]))
            yield code, year, row, where

    def claims(self, path: Path, graded: dict, grades: list, main=False) -> list:
        """Claims of the main file or the supplement: one row per country-year."""
        found, seen, grade_of = [], set(), {}
        for code, year, row, where in self.rows(path, ["country", "iso3", "year", "tier", "source"]):
            if (code, year) in seen:
                raise InputError(f"second row for {code} {year}", where)
            seen.add((code, year))
            sources = tuple(s for s in (row["source"] or "").split(";") if s)
            if sources not in grade_of:  # rows of one report share their sources
                grade_of[sources] = _grade(sources, graded, grades, where)
            found.append(Claim(code, year, (row["tier"],), sources, grade_of[sources], where, main))
        return found

    def found(self, path: Path, grades: list, next_year: dict) -> list:
        """Claims of the later findings file: one per source and statement, plus what a narrative that
        names a move says of the next report."""
        claims = []
        header = ["country", "iso3", "year", "tier", "source", "confidence", "basis", "url"]
        for code, year, row, where in self.rows(path, header):
            if row["confidence"] not in grades:
                raise InputError(f"confidence {row['confidence']!r} is not one of {', '.join(grades)}", where)
            if not row["source"] or not row["basis"]:
                raise InputError("every finding needs a source and a basis", where)
            claim = Claim(code, year, (row["tier"],), (row["source"],), row["confidence"], where,
                          link=_link(row["url"]), basis=row["basis"])
            claims.append(claim)
            if row["basis"] in next_year and year + 1 in self.years:
                claims.append(attrs.evolve(claim, year=year + 1, tiers=next_year[row["basis"]],
                                           basis=f"the {year + 1} narrative names the move from {row['tier']} "
                                                 f"({row['basis']})"))
        return claims


def _grade(sources: tuple, graded: dict, grades: list, where: str) -> str:
    """The best grade among a row's sources (sources.yaml), each graded by exact id or by prefix."""
    found = [_source_grade(source, graded) for source in sources]
    found = [grade for grade in found if grade is not None]
    if not found:
        raise InputError(f"no grade for the source(s) {', '.join(sources) or '(none)'}; add them to sources.yaml",
                         where)
    return min(found, key=grades.index)


def _source_grade(source: str, graded: dict) -> str | None:
    if (source, True) in graded:
        return graded[(source, True)]
    return next((grade for (name, exact), grade in graded.items() if not exact and source.startswith(name)), None)


def _gaps_only(supplement: list, claims: list) -> None:
    """The supplement may only fill gaps of the main file."""
    main = {(c.code, c.year) for c in claims}
    for claim in supplement:
        if (claim.code, claim.year) in main:
            raise InputError(f"the main record already has {claim.code} {claim.year}", claim.where)


def _known_codes(table: dict, countries: dict, path: Path, what: str) -> None:
    for code in table:
        if code not in countries:
            raise InputError(f"{what}: {code!r} is not a code in the record", str(path))


def _coverage(path: Path, tiers, years) -> dict:
    """list_coverage.csv: per report year, which tier lists are complete, probable, partial or uncertain."""
    rows = _csv(path, ["year", "tier", "state", "rows_after_merge", "stated_count", "evidence"])
    found: dict = {}
    for line, row in rows:
        where = f"{path}:{line}"
        year = _year(row["year"], path, line)
        if year not in years:
            raise InputError(_outside(year, years), where)
        if row["tier"] not in tiers or row["state"] not in COVERAGE_STATES:
            raise InputError(f"tier {row['tier']!r} and state {row['state']!r} must be a known tier and one of "
                             f"{', '.join(COVERAGE_STATES)}", where)
        if any(c.tier == row["tier"] for c in found.get(year, ())):
            raise InputError(f"second row for {year} {row['tier']}", where)
        found[year] = found.get(year, ()) + (ListCoverage(year, row["tier"], row["state"], row["evidence"] or "no evidence given"),)
    return found


COVERAGE_STATES = ("complete", "probable", "partial", "uncertain")


def _csv(path: Path, expected: list):
    """(line, row) of a data CSV whose header must be `expected`."""
    reader = csv.DictReader(io.StringIO(read_text(path)))
    if reader.fieldnames != expected:
        raise InputError(f"header must be {','.join(expected)}", f"{path}:1")
    return enumerate(reader, start=2)


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


def _found_releases(path: Path, years: range, releases: dict) -> None:
    """report_dates_found.csv: release dates confirmed by several sources; they must agree with each other
    and with report_dates.yaml."""
    rows = _csv(path, ["year", "date", "source_url", "source_kind"])
    found: dict = {}
    for line, row in rows:
        where = f"{path}:{line}"
        year = _year(row["year"], path, line)
        try:
            day = dt.date.fromisoformat(row["date"] or "")
        except ValueError:
            raise InputError(f"date {row['date']!r} is not YYYY-MM-DD", where) from None
        if year not in years or day.year not in years:
            raise InputError(_outside(year if year not in years else day.year, years), where)
        if not row["source_url"] or not row["source_kind"]:
            raise InputError("every release date needs a source_url and a source_kind", where)
        known = found.setdefault(year, (day, []))
        if known[0] != day or (year in releases and releases[year][0] != day):
            raise InputError(f"sources disagree on the release of the {year} report", where)
        known[1].append((row["source_kind"], row["source_url"]))
    for year, (day, sources) in found.items():
        official = sorted(url for kind, url in sources if kind.startswith("state_gov")) or [sources[0][1]]
        kinds = ", ".join(sorted({kind for kind, _ in sources}))
        releases.setdefault(year, (day, f"{len(sources)} sources agree ({kinds}), e.g. {official[0]}"))


def _recorded_decisions(read: list, directory: Path, countries: dict, years: range) -> tuple[dict, dict]:
    """recorded_decisions.yaml and the files it names: decisions the data records, by country and report
    year, and the documents that made them, by fiscal year."""
    path = _read(read, directory, "recorded_decisions.yaml")
    check = Checker(path)
    data = top_level(load_yaml(path), path, {"presidential_determination", "prior_fy_assistance",
                                                       "partial_waiver_lending"}, path.name)
    decisions: dict = {}
    documents: dict = {}
    for name in data:
        spec = check.mapping(data, name, {"file", "decision", "report_year_offset", "values", "documents"})
        for key in ("file", "decision"):
            check.text(spec, key, name)
        offset, values = spec.get("report_year_offset", 0), check.mapping(spec, "values")
        if not is_whole(offset) or not values or not all(isinstance(k, str) and isinstance(v, str)
                                                         for k, v in values.items()):
            check.fail(spec, "values", f"{name}: report_year_offset is a whole number; values map data values "
                                       f"to the decision's options")
        table = _read(read, directory, spec["file"])
        for key, recorded in _decision_rows(table, spec["decision"], values, offset, countries, years):
            decisions[key] = decisions.get(key, ()) + (recorded,)
        if "documents" in spec:
            documents[spec["decision"]] = _documents(_read(read, directory, check.text(spec, "documents", name)))
    return decisions, documents


def _decision_rows(path: Path, decision: str, values: Mapping, offset: int, countries: dict, years: range):
    rows = _csv(path, ["country", "iso3", "fiscal_year", "determination", "source"])
    seen = set()
    for line, row in rows:
        where = f"{path}:{line}"
        fiscal = _year(row["fiscal_year"], path, line)
        year = fiscal + offset
        if year not in years:
            raise InputError(_outside(year, years), where)
        if row["iso3"] not in countries:
            raise InputError(f"{row['iso3']!r} is not a code in the record", where)
        if row["determination"] not in values:
            raise InputError(f"unknown determination {row['determination']!r} (known: {', '.join(values)})", where)
        if not row["source"]:
            raise InputError("every determination needs a source", where)
        if (row["iso3"], fiscal) in seen:
            raise InputError(f"second determination for {row['iso3']} FY{fiscal}", where)
        seen.add((row["iso3"], fiscal))
        yield (row["iso3"], year), RecordedDecision(decision, values[row["determination"]], row["source"],
                                                    row["determination"], fiscal)


def _documents(path: Path) -> dict:
    """The documents that made a decision, by fiscal year: number, date, Federal Register citation."""
    rows = _csv(path, ["fiscal_year", "number", "date", "federal_register", "source"])
    found = {}
    for line, row in rows:
        fiscal = _year(row["fiscal_year"], path, line)
        try:
            day = dt.date.fromisoformat(row["date"] or "")
        except ValueError:
            raise InputError(f"date {row['date']!r} is not YYYY-MM-DD", f"{path}:{line}") from None
        if fiscal in found or not row["number"] or not row["source"]:
            raise InputError(f"FY{fiscal}: one document per fiscal year, with a number and a source", f"{path}:{line}")
        found[fiscal] = {"number": row["number"], "date": day, "federal_register": row["federal_register"] or None,
                         "source": row["source"]}
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
        shaped = isinstance(entry, Mapping) and {"date", "source"} <= set(entry) <= {"date", "source", "what", "closes"}
        day = entry.get("date") if shaped else None
        if not isinstance(day, dt.date) or not isinstance(entry["source"], str) or \
                not isinstance(entry.get("what", ""), str) or not isinstance(entry.get("closes", False), bool):
            check.fail(dates, event, f"{what}: date {event!r} needs {{date: YYYY-MM-DD, source: text, what: text}}"
                                     " and optionally closes: true or false")
