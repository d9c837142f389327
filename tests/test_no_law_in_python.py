"""The engine knows no law: no report year, date, tier name or citation in its Python code."""

import re
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "engine"
YEAR = re.compile(r"\b(19[89]\d|20[0-3]\d)\b")
LAW_WORDS = re.compile(r"\d U\.S\.C\. \d|P\.L\. \d|2WL|Watch List|Tier [123]")


def code_lines():
    for path in sorted(ENGINE.rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            code = line.split("#", 1)[0]
            if code.strip():
                yield f"{path.name}:{number}", code


def test_engine_code_has_no_year_literal():
    found = [where for where, code in code_lines() if YEAR.search(code)]
    assert found == []


def test_engine_code_names_no_tier_or_statute():
    found = [where for where, code in code_lines() if LAW_WORDS.search(code) and '"""' not in code]
    assert found == []


def test_the_scan_would_catch_a_year():
    assert YEAR.search("FIRST_COUNTED_REPORT = 2009") and LAW_WORDS.search('if tier == "2WL":')
