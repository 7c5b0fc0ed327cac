"""Response validation, for the proxy: does a real server's answer keep its operation's spec?

openapi-core's response stages (`validation.core`) judge the answer on the operation already
routed: its status, its documented headers, its body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsonschema_path import SchemaPath

from specmock.spec.api import Operation
from specmock.validation.core import ResponseStages
from specmock.validation.core_errors import (
    header_violations,
    response_body_violations,
    status_violation,
)
from specmock.violations import Violation


class ResponseValidator:
    """Answers against one API's document (3.0, or 3.1 where writeOnly properties may be left out
    of answers)."""

    def __init__(self, document: Mapping[str, Any], legacy: bool, readers: dict[str, Any]) -> None:
        """`legacy`: a 3.0 document (else 3.1); `readers`: media type -> body deserializer."""
        self._core = ResponseStages(document, legacy, readers)

    def check(
        self,
        operation: Operation,
        status: int,
        headers: Mapping[str, str],
        body: bytes | None,
        content_type: str | None,
    ) -> list[Violation]:
        """Every way an answer to `operation` breaks its spec, all at once.

        The status must be documented (exactly, by a range such as `4XX`, or by `default`); the
        documented headers must be present when required and valid (`headers` is read
        case-insensitively); the body must be of a documented media type and valid for its
        schema. `body` None is not judged (the answer to HEAD, a 204 or a 304).
        """
        response = self._core.response(operation, status)
        if not isinstance(response, SchemaPath):
            return [status_violation(response, status)]
        refused = self._core.headers_error(response, headers)
        found = [] if refused is None else header_violations(refused)
        if body is not None:
            found.extend(self._body(response, body, content_type))
        return found

    def _body(self, response: SchemaPath, body: bytes, content_type: str | None) -> list[Violation]:
        if "content" not in response:
            return []
        documented = ", ".join((response / "content").str_keys())
        if content_type is None:
            if not body:
                return [Violation("response.body", "", f"is missing; documented: {documented}")]
            message = f"is missing on a body of {len(body)} bytes; documented: {documented}"
            return [Violation("response.header", "Content-Type", message)]
        refused = self._core.data_error(response, body, content_type)
        if refused is None:
            return []
        return response_body_violations(refused, body, content_type, documented)
