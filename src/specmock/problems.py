"""Problem details (RFC 9457): the fixed template of every error specmock answers itself.

`type`, `title` and `status` are fixed per kind of problem; `detail` and `errors[]` vary. The
same shape is published in the effective spec (`PROBLEM_SCHEMA`), so clients and Schemathesis can
check it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from specmock.violations import Violation

PROBLEM_MEDIA_TYPE = "application/problem+json"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["in", "name", "message"],
                "properties": {
                    "in": {"type": "string"},
                    "name": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}

_TITLES = {
    400: ("invalid-request", "The request does not match the API's spec"),
    401: ("unauthorized", "A credential of a declared security scheme is required"),
    403: ("forbidden", "The request is refused; the detail says why"),
    404: ("not-found", "Nothing is documented or stored at this path"),
    405: ("method-not-allowed", "The path does not document this method"),
    406: ("not-acceptable", "No documented response media type is acceptable"),
    408: ("request-timeout", "The client stopped sending the request body"),
    409: ("conflict", "The request conflicts with the stored record"),
    412: ("precondition-failed", "If-Match does not match the stored record's ETag"),
    413: ("payload-too-large", "The request body is over the size limit"),
    415: ("unsupported-media-type", "The request body's media type is not documented"),
    422: ("invalid-request", "The request does not match the API's spec"),
    500: ("internal-error", "specmock failed; this is a bug in specmock, please report it"),
    501: ("not-implemented", "specmock cannot produce this response yet"),
    502: ("bad-gateway", "The upstream server failed or broke the API's spec"),
    503: ("unavailable", "The server cannot take this request now; retry later"),
    504: ("gateway-timeout", "The upstream server did not answer in time"),
}
# An error status answered because `Prefer`, `--faults` or the config file asked for it: whatever
# the status, it is no failure of specmock's (a 500 must not read "this is a bug").
_INJECTED = ("injected", "An error status specmock injected on purpose, as asked; not a failure")


@dataclass(frozen=True, slots=True)
class Problem:
    """An error answer: its status, a one-line detail, every violation, and extra headers;
    `injected` when the status was asked for rather than found."""

    status: int
    detail: str
    errors: tuple[Violation, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    injected: bool = False

    @classmethod
    def from_violations(cls, status: int, violations: list[Violation], **headers: str) -> Problem:
        """A problem whose detail counts the violations and quotes the first three."""
        count = len(violations)
        summary = "; ".join(str(v) for v in violations[:3]) + ("; ..." if count > 3 else "")
        noun = "problem" if count == 1 else "problems"
        return cls(status, f"{count} {noun}: {summary}", tuple(violations), dict(headers))

    @property
    def slug(self) -> str:
        """The kind of problem, the last part of its `type` URN."""
        return self._kind[0]

    @property
    def title(self) -> str:
        """The fixed one-line title of the problem's kind."""
        return self._kind[1]

    @property
    def _kind(self) -> tuple[str, str]:
        if self.injected:
            return _INJECTED
        return _TITLES.get(self.status, ("error", "The request cannot be answered"))

    def as_dict(self) -> dict[str, Any]:
        """The problem+json body: `type`, `title`, `status`, `detail`, and `errors` when any."""
        body: dict[str, Any] = {
            "type": f"urn:specmock:problem:{self.slug}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = [violation.as_dict() for violation in self.errors]
        return body
