"""The fast JSON writer gives the standard library's text, byte for byte, for any document."""

import datetime as dt
import enum
import json

import pytest

from conftest import context
from tierlaw import jsontext
from tierlaw.audit import audit, history
from tierlaw.queries import whatif


def standard(document) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


class Colour(enum.Enum):
    RED = "red"


class Named(str, enum.Enum):
    TIER = "2WL"


@pytest.mark.parametrize("document", [
    {"a": 1, "b": [1, 2, {"c": None, "d": True, "e": False}], "f": [], "g": {}},
    {10: "ten", 2: "two"},  # json sorts the numbers as numbers, then writes them as text
    {"x": 1e16, "y": 0.1, "z": float("inf")},  # floats are written by repr in json, otherwise by orjson
    {"day": dt.date(2015, 7, 27), "moment": dt.datetime(2015, 7, 27, 9, 30)},  # default=str
    {"colour": Colour.RED, "tier": Named.TIER},  # json: str(enum) and the text; orjson would write values
    {"lone": "\ud800"},  # a lone surrogate: json writes it escaped, orjson refuses it
    {"text": "\x00\x1f\x7f\u2028\"\\/é Ž 😀", "é": 1, "e": 2, "Z": 3},
    {"nested": (1, (2, [3, {"k": (4,)}]))},
    {"set": {1}},  # not JSON: both write str()
    [], "text", 7, None,
])
def test_tricky_values_are_written_as_the_standard_library_writes_them(document):
    assert jsontext.dumps(document) == standard(document)


def test_the_engines_documents_are_written_as_the_standard_library_writes_them():
    ctx = context("reference")
    documents = [whatif(ctx, "MYS", 2015, "3"), whatif(ctx, "AGO", 2020, "2WL"), history(ctx, "GMB"),
                 audit(ctx, ["MYS", "THA", "GMB", "AGO"], None, None)]
    for document in documents:
        assert jsontext.dumps(document) == standard(document)
