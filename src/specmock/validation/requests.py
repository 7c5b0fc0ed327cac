"""Request validation: `ApiValidator.check` accepts a request or lists every way it breaks its
operation, as `Violation`s.

openapi-core stays the authority on what is valid. The fast path (`validation.fastpath`) judges
first; openapi-core's stages (`validation.core`) then read only the parts it could not vouch for,
on the operation we routed. Security is checked by `validation.security` before this stage.
Answers (a real server's, seen by the proxy) are judged by `validation.responses`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from openapi_core.datatypes import RequestParameters

from specmock.problems import Problem
from specmock.schemas.xmlcodec import Unreadable, XmlCodec
from specmock.spec.api import Api, Operation
from specmock.spec.parsing import strict_json
from specmock.spec.refs import follow
from specmock.validation import bodies, negotiation
from specmock.validation.core import RequestStages
from specmock.validation.core_errors import body_violations, parameter_violations, schema_violations
from specmock.validation.documents import (
    not_required,
    request_compiler,
    request_readers,
    validator_document,
)
from specmock.validation.fastpath import FastJudgement, FastPath
from specmock.validation.numeric import NumericParameters
from specmock.validation.responses import ResponseValidator
from specmock.violations import Violation

_REMEMBERED = 4096  # `Accept` verdicts kept per API (fuzzers send endless new values)


@dataclass(slots=True)
class RequestData:
    """A request as openapi-core reads it (its `Request` protocol), with path params resolved."""

    method: str
    path: str
    host_url: str
    parameters: RequestParameters
    body: bytes | None
    content_type: str
    full_url_pattern: str = field(default="")

    @classmethod
    def of(
        cls,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any],
        headers: Mapping[str, Any],
        cookies: Mapping[str, Any],
        path_params: Mapping[str, Any],
        body: bytes | None,
        content_type: str,
    ) -> RequestData:
        """A request from its parts (openapi-core's parameter and body stages read no host)."""
        parameters = RequestParameters(
            query=query, header=headers, cookie=cookies, path=path_params
        )
        return cls(method, path, "", parameters, body, content_type)


@dataclass(frozen=True, slots=True)
class Accepted:
    """A request its operation accepts, with its body as parsed JSON (None: none, or not JSON)."""

    json: Any


class ApiValidator:
    """One API's validator: requests (`check`) and, for the proxy, answers
    (`response_violations`), with everything per operation built on its first use."""

    def __init__(self, api: Api) -> None:
        legacy = not api.version.startswith("3.1")
        self._document = validator_document(api.document)
        readers, other_readers = request_readers(api.document)
        # openapi-core honours readOnly and writeOnly for 3.0 only; for 3.1 each direction gets a
        # view where the properties it may leave out are not required.
        requests = self._document if legacy else not_required(self._document, "readOnly")
        answers = self._document if legacy else not_required(self._document, "writeOnly")
        self._fast = FastPath(requests, request_compiler(requests, legacy))
        self._core = RequestStages(requests, legacy, readers | other_readers)
        self._numeric = NumericParameters(self._document)
        self._answers = ResponseValidator(answers, legacy, readers | other_readers)
        self._acceptance: dict[tuple[str, str | None], Problem | None] = {}
        self._xml = XmlCodec(api.document, legacy)

    def check(self, operation: Operation, request: RequestData) -> Accepted | list[Violation]:
        """The request accepted, or every way its parameters and body break the operation.

        The fast path judges first; openapi-core reads only the parts it could not vouch for.
        An XML body is read by its schema (`schemas.xmlcodec`) and judged as that JSON value.
        """
        if request.body and negotiation.is_xml(request.content_type):
            read = self._from_xml(operation, request)
            if isinstance(read, Violation):
                return [read]
            request = read
        judgement = self._fast.judge(
            operation, request.parameters, request.body, request.content_type
        )
        if judgement.accepted:
            return Accepted(judgement.json)
        found = self._violations(operation, request, judgement)
        return found if found else Accepted(self._read(operation, request))

    def _read(self, operation: Operation, request: RequestData) -> Any:
        """A valid body as the store takes it: JSON parsed, a URL-encoded form's fields typed
        (multipart parts may be bytes, which no record can hold: not read)."""
        if negotiation.essence(request.content_type) == negotiation.FORM:
            return self._core.body_value(operation, request.body, request.content_type)
        return _json_or_none(request.body)

    def _from_xml(self, operation: Operation, request: RequestData) -> RequestData | Violation:
        """The request with its XML body read as the JSON value its schema describes (which the
        fast path and openapi-core then judge as they judge JSON), or why it cannot be read."""
        body = follow(self._document, operation.spec.get("requestBody"))
        content = (body.get("content") if isinstance(body, dict) else None) or {}
        documented = negotiation.documented_type(request.content_type, content)
        media = content.get(documented) if documented is not None else None
        if not isinstance(media, dict):
            return request  # not documented: openapi-core names the media type
        value = self._xml.read(request.body or b"", media.get("schema") or {})
        if isinstance(value, Unreadable):
            return Violation("body", "", value.message)
        return replace(request, body=json.dumps(value, separators=(",", ":")).encode())

    def unacceptable(self, operation: Operation, accept: str | None) -> Problem | None:
        """The 406 problem when `Accept` admits none of the success response's media types
        (remembered per operation and `Accept` value: clients send the same few)."""
        remembered = (operation.pointer, accept)
        if remembered in self._acceptance:
            return self._acceptance[remembered]
        key, _ = operation.success
        content = operation.responses[key].get("content") if key in operation.responses else None
        found = None
        if content and negotiation.acceptable(accept, content) is None:
            found = negotiation.not_acceptable(accept, content)
        if len(self._acceptance) < _REMEMBERED:
            self._acceptance[remembered] = found
        return found

    def negotiated_accept(self, operation: Operation, accept: str | None) -> str | None:
        """The `Accept` that negotiation reads: the client's, or none at all where the operation
        declares `Accept` as a header parameter and the client's value admits no documented type.
        OpenAPI says such a parameter is ignored; specs use it for versions
        (`application/json;version=2`) that a binary answer cannot match, and a server may then
        disregard the header rather than answer 406 (RFC 9110, 12.5.1)."""
        if accept is None or self.unacceptable(operation, accept) is None:
            return accept
        return None if self._declares_accept(operation) else accept

    def _declares_accept(self, operation: Operation) -> bool:
        for parameter in operation.parameters:
            parameter = follow(self._document, parameter)
            if (
                isinstance(parameter, dict)
                and parameter.get("in") == "header"
                and str(parameter.get("name", "")).lower() == "accept"
            ):
                return True
        return False

    def names_no_resource(self, operation: Operation, violations: list[Violation]) -> bool:
        """Whether a numeric path parameter does not hold a number: then the path names no
        resource (404), as typed routers (Starlette's `{id:int}`, Django, Rails) answer, unless
        the operation documents a 400 for bad input."""
        if "400" in operation.responses:
            return False
        numeric = self._numeric.in_path(operation)
        return any(v.location == "path" and v.name in numeric for v in violations)

    def response_violations(
        self,
        operation: Operation,
        status: int,
        headers: Mapping[str, str],
        body: bytes | None,
        content_type: str | None,
    ) -> list[Violation]:
        """Every way an answer to `operation` breaks its spec (see `ResponseValidator.check`); an
        XML body is read by its schema first and judged as that JSON value."""
        if body and content_type is not None and negotiation.is_xml(content_type):
            read = self._answer_from_xml(operation, status, body, content_type)
            if isinstance(read, Violation):
                return [*self._answers.check(operation, status, headers, None, None), read]
            body = read
        return self._answers.check(operation, status, headers, body, content_type)

    def _answer_from_xml(
        self, operation: Operation, status: int, body: bytes, content_type: str
    ) -> bytes | Violation:
        """An XML answer as the JSON text of the value its schema describes (the body as it is
        where no documented XML type covers it: the stages then name what is wrong)."""
        keys = (str(status), f"{str(status)[0]}XX", "default")
        key = next((k for k in keys if k in operation.responses), None)
        response = follow(self._document, operation.responses.get(key)) if key else None
        content = (response.get("content") if isinstance(response, dict) else None) or {}
        documented = negotiation.documented_type(content_type, content)
        media = content.get(documented) if documented is not None else None
        if not isinstance(media, dict):
            return body
        value = self._xml.read(body, media.get("schema") or {})
        if isinstance(value, Unreadable):
            return Violation("response.body", "", value.message)
        return json.dumps(value, separators=(",", ":")).encode()

    def _violations(
        self, operation: Operation, request: RequestData, judgement: FastJudgement | None = None
    ) -> list[Violation]:
        """Every way the request's parameters and body break the operation, all at once.

        With the fast path's `judgement`, openapi-core reads only the parts it did not vouch for
        (the violations are the same: a part's validity does not depend on the others).
        """
        found = self._numeric.violations(operation, request.parameters)
        flagged = {(v.location, v.name) for v in found}
        partial = judgement if judgement is not None and judgement.whole is None else None
        for place, parameter in self._core.parameters(operation):
            if place in flagged or (partial is not None and place not in partial.parameters):
                continue  # our own message stands for it, or the fast path vouched for it
            error = self._core.parameter_error(request.parameters, parameter)
            if error is not None:
                found.extend(parameter_violations(error, request.parameters))
        if partial is not None and partial.body is None:
            return found
        if partial is not None and partial.media_type is not None:
            schema = self._schema_violations(
                operation, partial.media_type, partial.json, partial.failing
            )
            found.extend(schema)
            return found
        unterminated = negotiation.unterminated_multipart(request.content_type, request.body)
        if unterminated is not None:
            found.append(Violation("body", "", unterminated))
            return found
        if not request.body and negotiation.essence(request.content_type) == negotiation.FORM:
            found.extend(self._empty_form(operation, request.content_type))
            return found
        text = bodies.text_value(self._document, operation, request.body, request.content_type)
        if text is not None:  # (media type, value); no media type: no schema to judge it by
            found.extend(self._schema_violations(operation, *text) if text[0] else [])
            return found
        ranged = self._ranged_json(operation, request)
        if ranged is not None:
            found.extend(ranged)
            return found
        sent = self._core.sent_fields(request.body or b"", request.content_type)
        found.extend(bodies.field_violations(self._document, operation, sent, request.content_type))
        refused = self._core.body_error(operation, request.body, request.content_type)
        if refused is not None:
            found.extend(body_violations(refused, request.body, request.content_type))
        return found

    def _empty_form(self, operation: Operation, content_type: str) -> list[Violation]:
        """An empty body sent as a URL-encoded form is a form without fields (openapi-core takes
        it for no body at all): its schema's required fields are missing."""
        content = (operation.spec.get("requestBody") or {}).get("content") or {}
        documented = negotiation.documented_type(content_type, content)
        if documented is None or "schema" not in (content[documented] or {}):
            return []
        return self._schema_violations(operation, documented, {})

    def _ranged_json(self, operation: Operation, request: RequestData) -> list[Violation] | None:
        """The violations of a JSON body documented only under a range (`*/*`, `application/*`:
        Swagger 2.0's `consumes: ["*/*"]`), read as the JSON its Content-Type says; openapi-core
        would hand the range's schema the raw bytes. None: the body is not such a one."""
        given = request.content_type
        if not request.body or not negotiation.is_json(given) or "*" in negotiation.essence(given):
            return None
        content = (operation.spec.get("requestBody") or {}).get("content") or {}
        documented = negotiation.documented_type(given, content)
        if documented is None or "*" not in documented:
            return None
        try:
            value = strict_json(request.body)
        except (ValueError, RecursionError) as error:
            return [Violation("body", "", f"the body is not JSON, as {given!r} says: {error}")]
        if not isinstance(content[documented], Mapping) or "schema" not in content[documented]:
            return []
        return self._schema_violations(operation, documented, value)

    def _schema_violations(
        self,
        operation: Operation,
        media_type: str,
        value: Any,
        failing: frozenset[str] | None = None,
    ) -> list[Violation]:
        """A JSON body's schema violations, from openapi-core's own validator for that schema.

        With `failing`, the top-level properties the compiled check found every violation in,
        only their values are read (GitHub's new repository has 26 properties; one was wrong)."""
        validator = self._core.body_schema(operation, media_type)
        errors = None if failing is None else self._property_errors(validator, value, failing)
        return schema_violations(validator.iter_errors(value) if errors is None else errors)

    def _property_errors(
        self, validator: Any, value: dict[str, Any], names: frozenset[str]
    ) -> list[Any] | None:
        """The errors of some properties' values, as the whole object's check has them (its
        `properties` keyword descends the same way, in the same order); None when the schema is
        not an object schema with those properties (behind its local `$ref`s)."""
        schema = follow(self._document, validator.schema)
        properties = schema.get("properties") if isinstance(schema, Mapping) else None
        if not isinstance(properties, Mapping) or not names <= properties.keys():
            return None
        return [
            error
            for name, subschema in properties.items()
            if name in names and name in value
            for error in validator.descend(value[name], subschema, path=name, schema_path=name)
        ]


def _json_or_none(body: bytes | None) -> Any:
    if not body:
        return None
    try:
        return strict_json(body)
    except (ValueError, RecursionError):
        return None
