"""Backends match compiled rules against facts. They know nothing of law or of strata:
`open_session(book)` returns a session whose `add(facts)` returns the new matches."""

from __future__ import annotations

from ..errors import InputError, arg

NAMES = ("durable", "reference")


def durable_available() -> bool:
    try:
        import durable_rules_engine  # noqa: F401  (the C core; fails on Python 3.13+)
        import durable.engine  # noqa: F401
    except Exception:  # noqa: BLE001 - any failure means the backend cannot run here
        return False
    return True


def default_backend() -> str:
    return "durable" if durable_available() else "reference"


def get_backend(name: str | None):
    name = name or default_backend()
    if name == "reference":
        from . import reference
        return reference
    if name == "durable":
        if not durable_available():
            raise InputError("the durable backend needs durable-rules, which is not importable here "
                             f"(it builds on CPython 3.11/3.12 with a C compiler); use {arg('backend', 'reference')}",
                             "backend")
        from . import durable
        return durable
    raise InputError(f"unknown backend {name!r} (choose {' or '.join(NAMES)})", "backend")
