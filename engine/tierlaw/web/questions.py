"""The questions the server answers, one class each: what they take (the CLI's arguments, by the
same names in URLs), how they are asked of the engine, and the URL query that asks them again."""

from __future__ import annotations

from urllib.parse import urlencode

import attrs

from .. import cli
from ..errors import InputError
from ..inputs import DEFAULT_FORWARD
from ..paths import default_scenarios_dir
from ..yamlsafe import MAX_FILE_BYTES


def whole(text: str | None, what: str) -> int | None:
    """A whole number typed into a page; None when left empty."""
    if text is None or not text.strip():
        return None
    if not text.strip().lstrip("-").isdigit():
        raise InputError(f"{text!r} is not a whole number", what)
    return int(text)


def _pairs(**fields) -> list:
    """URL query pairs: lists repeat their name, empty values are left out."""
    pairs = []
    for name, value in fields.items():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if item is not None and item != "":
                pairs.append((name.rstrip("_"), str(item)))
    return pairs


@attrs.frozen
class Question:
    option: tuple = ()  # NAME=CHOICE, as --option

    @property
    def options(self) -> dict:
        return cli._options(list(self.option))

    def key(self) -> tuple:
        return (type(self).__name__, attrs.astuple(self))

    def query(self) -> str:
        return urlencode(_pairs(**self.fields(), option=self.option))

    def fields(self) -> dict:
        return {}


@attrs.frozen
class WhatIf(Question):
    country: str = ""
    year: int = 0
    tier: str = ""
    set_: tuple = ()
    decide: tuple = ()
    on: str | None = None
    forward: int = DEFAULT_FORWARD

    def compute(self, ctx) -> dict:
        from ..queries import whatif, whatif_all
        on = cli._date(self.on)
        if self.tier == "all":
            return whatif_all(ctx, self.country, self.year, list(self.set_), list(self.decide), on)
        return whatif(ctx, self.country, self.year, self.tier, list(self.set_), list(self.decide), on,
                      forward_years=self.forward)

    def fields(self) -> dict:
        return {"country": self.country, "year": self.year, "tier": self.tier, "set_": self.set_,
                "decide": self.decide, "on": self.on, "forward": None if self.forward == DEFAULT_FORWARD else self.forward}

    def deciding(self, decision: str, choice: str | None) -> "WhatIf":
        """The same question with one decision settled to `choice` (None: left to the rulebook's default)."""
        kept = tuple(d for d in self.decide if d.partition("=")[0] != decision)
        return attrs.evolve(self, decide=kept + ((f"{decision}={choice}",) if choice else ()))


@attrs.frozen
class History(Question):
    country: str = ""

    def compute(self, ctx) -> dict:
        from ..audit import history
        return history(ctx, self.country)

    def fields(self) -> dict:
        return {"country": self.country}


@attrs.frozen
class Audit(Question):
    countries: tuple = ()
    first: int | None = None
    last: int | None = None
    only: str | None = None
    explain: bool = False

    def compute(self, ctx) -> dict:
        from ..audit import audit
        return audit(ctx, list(self.countries), self.first, self.last, only=self.only, explain=self.explain)

    def fields(self) -> dict:
        return {"country": self.countries, "from_": self.first, "to": self.last, "only": self.only,
                "explain": "true" if self.explain else None}


@attrs.frozen
class Trade(Question):
    partners: tuple = ()
    agreement: str | None = None
    on: str = ""
    set_: tuple = ()  # COUNTRY:YEAR=TIER, as --set
    decide: tuple = ()  # COUNTRY:DECISION=OPTION, as --decide

    def compute(self, ctx) -> dict:
        from ..trade import parse_partner_decisions, parse_partner_sets, trade
        if not self.on:
            raise InputError("give the date YYYY-MM-DD on which the implementing bill is considered", "on")
        day = cli._date(self.on)
        return trade(ctx, list(self.partners), self.agreement, day, parse_partner_sets(ctx, list(self.set_)),
                     parse_partner_decisions(ctx, list(self.decide), day), partners_only=True)

    def fields(self) -> dict:
        return {"partner": self.partners, "agreement": self.agreement, "on": self.on, "set_": self.set_,
                "decide": self.decide}


def scenario_text(body: bytes, name: str) -> str:
    """An uploaded scenario as text, refused as a file of the same kind would be."""
    if len(body) > MAX_FILE_BYTES:
        raise InputError(f"file too large ({len(body)} bytes; the limit is {MAX_FILE_BYTES})", name)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"not UTF-8 text (byte {err.start})", name) from None


@attrs.frozen
class Scenario(Question):
    text: str = ""
    name: str = "scenario"

    def compute(self, ctx) -> dict:
        from ..scenario import run_text
        return run_text(ctx, self.text, self.name)

    def fields(self) -> dict:
        return {"text": self.text, "name": self.name}


def shipped_scenarios() -> dict:
    """name -> path of the scenarios shipped with tierlaw."""
    folder = default_scenarios_dir()
    return {path.stem: path for path in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def shipped_scenario(name: str, option: tuple = ()) -> Scenario:
    paths = shipped_scenarios()
    if name not in paths:
        raise InputError(f"no shipped scenario {name!r} (shipped: {', '.join(paths) or 'none'})", "scenario")
    return Scenario(option=option, text=paths[name].read_text(encoding="utf-8"), name=f"scenarios/{paths[name].name}")


@attrs.frozen
class Rules(Question):
    """The rulebook as data: every rule with citation, enacting law, window and confidence."""

    def compute(self, ctx) -> dict:
        book = ctx.rulebook
        return {"rules": [_rule_entry(rule) for rule in sorted(book.rules, key=lambda r: (r.file, r.line))],
                "decisions": {d.id: {"title": d.title, "cite": d.cite, "decided_by": d.decided_by,
                                     "options": d.options, "default": d.default, "default_basis": d.default_basis}
                              for d in book.decisions.values()},
                "options": {o.id: {"title": o.title, "statute_ref": o.statute_ref, "choices": o.choices,
                                   "default": o.default} for o in book.options.values()},
                "tiers": book.tiers, "receipt": ctx.receipt()}


def _rule_entry(rule) -> dict:
    window = {name: getattr(rule.in_force, name) for name in ("from_report", "until_report", "from_date", "until_date")}
    return {"id": rule.id, "consequence": rule.consequence, "title": rule.title, "cite": rule.cite,
            "enacted_by": rule.enacted_by, "in_force": {k: v for k, v in window.items() if v is not None},
            "confidence": rule.confidence, "note": rule.note, "shown": rule.then.show,
            "source": f"{rule.file}:{rule.line}"}


@attrs.frozen
class RecordedRows(Question):
    """Audit rows of a country's recorded placements: the marks of its timeline."""

    country: str = ""

    def compute(self, ctx) -> dict:
        return cli._recorded_rows(ctx, {self.country})[self.country]  # a code outside the record has none
