"""The audit page's filter: which rows of an audit document each filter keeps. One table, so that it
can follow `tierlaw audit --only` when the documents carry more (the lead adapts it here)."""

from __future__ import annotations

from ..errors import InputError


def _has_finding(row: dict, kind: str) -> bool:
    return any(f.get("audit") == kind for f in row["findings"])


AUDIT_FILTERS = {
    "conflicts": ("the record does not fit the law as encoded", lambda row: row["record_fits_law"] is False),
    "required": ("the law required the recorded placement", lambda row: _has_finding(row, "required")),
    "waivers": ("the placement needed a decision, such as a waiver", lambda row: bool(row["decisions"])),
    "gaps": ("the judgment depends on years missing from the record", lambda row: _has_finding(row, "indeterminate")),
}


def filter_rows(rows: list, only: str | None) -> list:
    """The rows `only` keeps (all of them without a filter)."""
    if not only:
        return rows
    if only not in AUDIT_FILTERS:
        raise InputError(f"unknown filter {only!r} (filters: {', '.join(AUDIT_FILTERS)})", "--only")
    keeps = AUDIT_FILTERS[only][1]
    return [row for row in rows if keeps(row)]
