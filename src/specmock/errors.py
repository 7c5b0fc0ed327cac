"""The exceptions specmock raises for faults (a broken spec, a bad option).

A client's bad request is not an exception: validation returns `Violation` values and the app
answers with a problem body. Exceptions are kept for what stops specmock itself from doing its job.
"""

from __future__ import annotations

from pathlib import Path


class SpecmockError(Exception):
    """The root of every error specmock raises on purpose."""


class SpecError(SpecmockError):
    """A spec file that cannot be used: names the file, the place in it and what is wrong.

    `where` is a line (`line 12`) or a JSON pointer (`/paths/~1pets/get`); empty when the whole file
    is at fault.
    """

    def __init__(self, source: str | Path, where: str, problem: str) -> None:
        self.source = str(source)
        self.where = where
        self.problem = problem
        super().__init__(self.message)

    @property
    def message(self) -> str:
        place = f"{self.source}: {self.where}" if self.where else self.source
        return f"{place}: {self.problem}"

    def as_dict(self) -> dict[str, str]:
        return {"source": self.source, "where": self.where, "problem": self.problem}


class ConfigError(SpecmockError):
    """An option or a combination of specs that the server cannot start with."""
