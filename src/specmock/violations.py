"""`Violation`: one way a request (or response) breaks its spec, and where."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

VIOLATIONS_HEADER = "X-Specmock-Violations"
VIOLATIONS_HEADER_LIMIT = 8 * 1024
_NOTE_ROOM = 160  # kept free in the header for the "left off" note


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


def violations_header(violations: Sequence[Violation], limit: int = VIOLATIONS_HEADER_LIMIT) -> str:
    """A compact JSON array of `{"in", "name", "message"}`, ASCII only so that it is a valid
    header value, at most about `limit` characters; a last entry says how many were left off."""
    items: list[str] = []
    size = 2
    for index, violation in enumerate(violations):
        item = json.dumps(violation.as_dict(), ensure_ascii=True, separators=(",", ":"))
        if size + len(item) + 1 > limit - _NOTE_ROOM:
            left = len(violations) - index
            note = f"{left} more left off; see GET /__specmock/requests"
            items.append(json.dumps({"in": "specmock", "name": "", "message": note}))
            break
        items.append(item)
        size += len(item) + 1
    return "[" + ",".join(items) + "]"
