"""Tables that keep what was computed once, bounded so that a long-running server keeps a bounded amount.

A server is asked about ever new hypothetical cases, dates and options: every table that keeps work by
what it was asked starts afresh when full (the work is redone on demand, never answered differently)."""

from __future__ import annotations

import functools

LIMIT = 100_000  # entries a table of cases keeps before it starts afresh
BOOKS_KEPT = 2_048  # books a per-book table keeps (and keeps alive): `check --exhaustive` reaches 960
OPTION_SETS_KEPT = 64  # contexts under other interpretation options kept per context (Context.under)
BOOKS_PER_CONTEXT = 256  # compiled books a context keeps (each date asked about compiles one: 12 KB each)


def kept(table: dict, key, make, *args, limit: int = LIMIT):
    """table[key], made by `make(*args)` the first time; a table holding `limit` entries starts afresh."""
    found = table.get(key)
    if found is None:
        found = keep(table, key, make(*args), limit)
    return found


def keep(table: dict, key, value, limit: int = LIMIT):
    """table[key] = value, in a table that starts afresh when it holds `limit` entries; the value."""
    if len(table) >= limit:
        table.clear()
    table[key] = value
    return value


def owned(table: dict, key, owner):
    """The value kept at `key` for `owner` (that very object), else None: a table keyed by an object's id must
    not give one object's entry to another that took the id once the first was gone."""
    found = table.get(key)
    return found[1] if found is not None and found[0] is owner else None


def kept_for(table: dict, key, owner, make, *args, limit: int = LIMIT):
    """owned(table, key, owner), made by `make(*args)` and kept with its owner the first time."""
    found = owned(table, key, owner)
    if found is None:
        found = keep(table, key, (owner, make(*args)), limit)[1]
    return found


def per_book(compute):
    """`compute(book)` once per compiled book (by digest): for pure functions of the book only."""
    done: dict = {}

    @functools.wraps(compute)
    def once(book):
        found = done.get(book.digest)
        if found is None:
            found = keep(done, book.digest, compute(book), BOOKS_KEPT)
        return found
    once.table = done  # for tests: how many books it keeps
    return once
