"""Errors a user can act on.

Every message names what was expected, what was found and how to fix it, so the CLI can print
one line and exit non-zero instead of a traceback.
"""

from __future__ import annotations


class LinkclfError(Exception):
    """Base class: a problem with the user's input, model or environment.

    Parameters
    ----------
    expected : what linkclf needed.
    found : what it got instead.
    fix : what the user can do about it.
    where : file name, optionally with a row number ("links.csv, row 12").
    """

    code = "E000"

    def __init__(self, expected: str, found: str, fix: str, where: str | None = None) -> None:
        self.expected = expected
        self.found = found
        self.fix = fix
        self.where = where
        super().__init__(self.one_line())

    def __reduce__(self) -> tuple[type[LinkclfError], tuple[str, str, str, str | None]]:
        # Rebuilt from its fields (a scoring process sends it back to the parent by pickle;
        # the default would call the constructor with the message alone).
        return type(self), (self.expected, self.found, self.fix, self.where)

    def one_line(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}expected {self.expected}, found {self.found}; {self.fix} [{self.code}]"


class InputError(LinkclfError):
    """An input file (export, labelled data, disavow file) cannot be used as it is."""

    code = "E100"


class SchemaError(InputError):
    """Records do not fit the canonical link schema."""

    code = "E110"


class ModelError(LinkclfError):
    """A model directory is missing, incomplete or from an incompatible version."""

    code = "E200"


class DisavowError(LinkclfError):
    """A disavow file would break Google's rules (size, encoding, syntax)."""

    code = "E300"


class ConfigError(LinkclfError):
    """A training config or option is invalid."""

    code = "E400"


class ResourceError(LinkclfError):
    """The machine could not give what a run needed (a scoring process was killed, e.g. out of
    memory)."""

    code = "E500"
