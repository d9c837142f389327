"""The engine knows no law: no report year, date, tier name or citation in its Python code.

Comments and docstrings are prose for the reader and are left out of the scan; every other line,
string literals included, is scanned."""

import ast
import re
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "engine"
YEAR = re.compile(r"\b(19[89]\d|20[0-3]\d)\b")
LAW_WORDS = re.compile(r"\d U\.S\.C\. \d|P\.L\. \d|2WL|Watch List|Tier [123]")


def docstring_lines(tree) -> set:
    """The line numbers of every module, class and function docstring."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                lines.update(range(first.lineno, first.end_lineno + 1))
    return lines


def code_lines(text: str, name: str = "code"):
    skipped = docstring_lines(ast.parse(text))
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0]
        if code.strip() and number not in skipped:
            yield f"{name}:{number}", code


def engine_lines():
    for path in sorted(ENGINE.rglob("*.py")):
        yield from code_lines(path.read_text(), path.name)


def test_engine_code_has_no_year_literal():
    found = [where for where, code in engine_lines() if YEAR.search(code)]
    assert found == []


def test_engine_code_names_no_tier_or_statute():
    found = [where for where, code in engine_lines() if LAW_WORDS.search(code)]
    assert found == []


def test_the_scan_would_catch_a_year_or_a_tier_even_beside_a_docstring():
    sample = '''def f():
    """Docstrings may say 2009 and Watch List."""
    return 2009
x = "2WL"; y = """Tier 3"""
'''
    found = [(where, bool(YEAR.search(code)), bool(LAW_WORDS.search(code))) for where, code in code_lines(sample)]
    assert found == [("code:1", False, False), ("code:3", True, False), ("code:4", False, True)]
