"""Where the shipped rulebook and record are: inside the installed package, or the source tree."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent.parent / name


def default_rules_dir() -> Path:
    return _shipped("rules")


def default_data_dir() -> Path:
    return _shipped("data")


def default_scenarios_dir() -> Path:
    return _shipped("scenarios")
