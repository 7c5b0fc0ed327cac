"""`Violation`: one way a request (or response) breaks its spec, and where."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Violation:
    """What is wrong and where.

    `location` is `path`, `query`, `header`, `cookie` or `body`; `name` is the parameter name, or a
    JSON pointer into the body (`/model/name`, '' for the whole body).
    """

    location: str
    name: str
    message: str

    def __str__(self) -> str:
        where = f"{self.location} {self.name}" if self.name else self.location
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"in": self.location, "name": self.name, "message": self.message}
