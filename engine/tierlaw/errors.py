"""The two kinds of failure the command line distinguishes (exit 2 and exit 1)."""


class InputError(Exception):
    """Bad input from a user or a file; shown as one line and exit code 2."""

    def __init__(self, message: str, where: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return " ".join(text.split())  # always one line, whatever a parser put in the message


class RulebookConflict(Exception):
    """The rulebook derived two different values of one thing for the same facts."""

    def __str__(self) -> str:
        return " ".join(super().__str__().split())
