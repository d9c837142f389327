"""Backends match compiled rules against facts. They know nothing of law or of strata:
`open_session(book)` returns a session whose `add(facts)` returns the new matches."""

from __future__ import annotations

import functools
import os

from ..errors import InputError, arg

NAMES = ("durable", "reference")
DURABLE_VERSION = "2.0.28"  # the adapter drives this version's action protocol itself (docs/durable-rules.md)


@functools.cache
def durable_problem() -> str | None:
    """Why the durable backend cannot run here, or None."""
    try:
        import durable_rules_engine  # noqa: F401  (the C core; fails on Python 3.13+)
        import durable.engine  # noqa: F401
    except Exception:  # noqa: BLE001 - any failure means the backend cannot run here
        return ("the durable backend needs durable-rules, which is not importable here (it builds on CPython "
                "3.11/3.12 with a C compiler)")
    found = installed_version("durable_rules", os.path.dirname(os.path.dirname(durable.engine.__file__)))
    if found != DURABLE_VERSION:
        return (f"the durable backend needs durable-rules {DURABLE_VERSION}, whose action protocol it drives; "
                f"{found} is installed")
    return None


def installed_version(distribution: str, site: str) -> str:
    """The version of a distribution installed in `site`, read from its metadata directory's name (importlib's
    metadata would cost a fresh process some 0.04 s to import)."""
    for name in sorted(os.listdir(site)):
        stem, _, kind = name.rpartition(".")
        if kind in ("dist-info", "egg-info") and stem.startswith(distribution + "-"):
            return stem[len(distribution) + 1:].split("-")[0]
    return "an unknown version"


def durable_available() -> bool:
    return durable_problem() is None


def default_backend() -> str:
    return "durable" if durable_available() else "reference"


def get_backend(name: str | None):
    name = name or default_backend()
    if name == "reference":
        from . import reference
        return reference
    if name == "durable":
        if not durable_available():
            raise InputError(f"{durable_problem()}; use {arg('backend', 'reference')}", "backend")
        from . import durable
        return durable
    raise InputError(f"unknown backend {name!r} (choose {' or '.join(NAMES)})", "backend")
