"""The two kinds of failure the command line distinguishes (exit 2 and exit 1).

An InputError names the argument it concerns neutrally, by its Python parameter name (`sets`,
`forward_years`), both in `where` and inside the message (written `arg("sets")`). The Python API
shows those names as they are; the command line shows its own flags instead (`--set`, `--forward`),
so each audience is told the way forward in the words it types."""

import re

_ARG = re.compile(r"\u27e8([a-z_]+)(?:\|([^\u27e9]*))?\u27e9")  # ⟨name⟩ or ⟨name|value⟩ inside a message
_LONG = re.compile(r"[^\s'\"]{201,}")  # a word no one types (a pasted or generated value, echoed back), quotes kept


def _shortened(match) -> str:
    """A long value echoed in a message, cut to its start (the line stays one a terminal or page can show); a
    path is left whole, however deep."""
    word = match[0]
    if "/" in word and len(word) <= 4096:
        return word
    return f"{word[:80]}… ({len(word)} characters)"


def arg(name: str, value: str | None = None) -> str:
    """An argument (with a value to give it, if any) named inside an InputError message: shown as
    `--flag value` on the command line and as `name='value'` in Python."""
    return f"\u27e8{name}\u27e9" if value is None else f"\u27e8{name}|{value}\u27e9"


def _as_flag(flags: dict, match) -> str:
    flag = flags.get(match[1], match[1])
    return flag if match[2] is None else f"{flag} {match[2]}"


def _as_parameter(match) -> str:
    return f"{match[1]}=" if match[2] is None else f"{match[1]}={match[2]!r}"


class InputError(Exception):
    """Bad input from a user or a file; shown as one line and exit code 2."""

    def __init__(self, message: str, where: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where

    def render(self, flags: dict | None = None) -> str:
        """One line. With `flags` (parameter name -> command-line flag) arguments are named as flags;
        without, as Python parameters (`sets=` inside a message)."""
        if flags is None:
            message = _ARG.sub(_as_parameter, self.message)
            where = self.where
        else:
            message = _ARG.sub(lambda m: _as_flag(flags, m), self.message)
            parts = (self.where or "").split("/")
            # "first/last" -> "--from/--to"; a file path is left as it is
            where = "/".join(flags[p] for p in parts) if all(p in flags for p in parts) else self.where
        message = _LONG.sub(_shortened, message)  # a value echoed back; `where` (a file:line) is never cut
        text = f"{where}: {message}" if where else message
        return " ".join(text.split())  # always one line, whatever a parser put in the message

    def __str__(self) -> str:
        return self.render()


class RulebookConflict(Exception):
    """The rulebook derived two different values of one thing for the same facts."""

    def __str__(self) -> str:
        return " ".join(super().__str__().split())
