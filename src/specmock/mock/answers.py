"""Choosing and building answers: status from `Prefer`, media type from `Accept`, a body from
examples or the schema, and errors in the API's own documented shape when it has one.

Bodies that do not depend on the request (examples, deterministic generation) are built once per
operation, status and media type and then reused.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from specmock.config import FAULT_KINDS, Delay
from specmock.digits import is_digits
from specmock.problems import PROBLEM_MEDIA_TYPE, Problem
from specmock.schemas.synthesis import Synthesizer
from specmock.schemas.xmlcodec import XmlCodec
from specmock.spec.api import Api, Operation, success_status
from specmock.spec.refs import follow, unescape
from specmock.validation import negotiation
from specmock.violations import VIOLATIONS_HEADER, Violation, violations_header

_MESSAGE_FIELDS = ("message", "detail", "error_description", "error", "title", "description", "msg")
_PREFER_TOKEN = re.compile(r"\s*([A-Za-z_-]+)\s*(?:=\s*(\"[^\"]*\"|[^;,\s]*))?")
_VALIDATION_STATUSES = ("400", "422", "4XX", "default")
_STATUS = re.compile(r"[1-5][0-9][0-9]", re.ASCII)
# Framing headers belong to the server; a documented one must not override the real value.
_FRAMING_HEADERS = frozenset(
    {"content-type", "content-length", "transfer-encoding", "content-encoding", "connection"}
)


@dataclass(frozen=True, slots=True)
class Prefer:
    """The `Prefer` header as Prism reads it: `code=404, example=name, dynamic=true`, and
    `delay=300` (milliseconds, or `200-800`), `fault=reset` (one of `FAULT_KINDS`)."""

    code: int | None = None
    example: str | None = None
    dynamic: bool = False
    delay: Delay | None = None
    fault: str | None = None

    @classmethod
    def parse(cls, header: str | None) -> Prefer | Violation:
        if not header:
            return cls()
        values: dict[str, str] = {}
        for part in re.split(r"[;,]", header):
            found = _PREFER_TOKEN.fullmatch(part)
            if found and found.group(1):
                values[found.group(1).lower()] = (found.group(2) or "").strip('"')
        code = values.get("code")
        if code is not None and not _STATUS.fullmatch(code):
            return Violation("header", "Prefer", f"code={code!r} is not an HTTP status code")
        if code is not None and code.startswith("1"):
            return Violation("header", "Prefer", f"code={code} is informational, not an answer")
        delay = _delay(values.get("delay"))
        if isinstance(delay, Violation):
            return delay
        fault = values.get("fault")
        if fault is not None and fault.lower() not in FAULT_KINDS:
            expected = ", ".join(FAULT_KINDS)
            return Violation("header", "Prefer", f"fault={fault!r} is not one of {expected}")
        return cls(
            int(code) if code else None,
            values.get("example") or None,
            values.get("dynamic", "").lower() == "true",
            delay,
            fault.lower() if fault else None,
        )


def _delay(text: str | None) -> Delay | Violation | None:
    if text is None:
        return None
    try:
        return Delay.parse(text)
    except ValueError as error:
        return Violation("header", "Prefer", f"delay={error}")


@dataclass(frozen=True, slots=True)
class NotHandled:
    """The store has nothing to say about a request, and why: the documented answer is given."""

    reason: str


@dataclass(frozen=True, slots=True)
class Reply:
    """What to send: status, media type (None: no body), a JSON-able body and headers."""

    status: int
    media_type: str | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    encoded: bytes | None = None  # the body already written out, when it was kept that way


def encode(body: Any, media_type: str) -> bytes:
    """A body as bytes: JSON (compact, UTF-8) for JSON-like types and anything not text."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str) and not negotiation.is_json(media_type):
        return body.encode("utf-8")
    return _COMPACT.encode(body).encode()


# one encoder, configured once (`json.dumps` with options builds a new one per call)
_COMPACT = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


class Responder:
    """Builds the answers of one API's operations."""

    def __init__(self, api: Api, locale: str | None = None, seed: int | None = None) -> None:
        self.api = api
        self.synthesizer = Synthesizer(api.document, locale=locale, seed=seed)
        self._bodies: dict[tuple[str, str, str, str], Any] = {}
        self._xml = XmlCodec(api.document, legacy=not api.version.startswith("3.1"))
        self._answers_xml: dict[str, bool] = {}  # operation pointer -> documents an XML answer

    # -- success ------------------------------------------------------------------------------

    def reply(self, operation: Operation, prefer: Prefer, accept: str | None) -> Reply | Problem:
        """The answer to a valid request: a documented status and a body valid for it."""
        chosen = self.choose_status(operation, prefer.code)
        if isinstance(chosen, Problem):
            return chosen
        key, status = chosen
        if status >= 400 and prefer.code is None:
            return _no_success(operation, key, status)
        if status < 200:
            return Problem(501, f"{operation.label} documents only {key}, which cannot be sent")
        response = operation.responses.get(key) or {}  # none documented: an empty 200
        content = response.get("content") or {}
        headers = self._headers(operation, key, response, prefer.dynamic)
        if not content:
            return Reply(status, None, None, headers)
        media_type = negotiation.choose(accept, content)
        if isinstance(media_type, Problem):
            return media_type
        body = self._body(operation, key, media_type, content[media_type], prefer)
        if isinstance(body, Problem):
            return body
        if not _writable(media_type, body):
            body = self._text_body(operation, key, media_type, content[media_type])
        if not _writable(media_type, body):
            return Problem(
                501, f"specmock cannot yet write a {media_type} body for {operation.label} {key}"
            )
        return Reply(status, _concrete(media_type), body, headers)

    def rendered(self, operation: Operation, reply: Reply, accept: str | None) -> Reply:
        """`reply` in the type `Accept` prefers where that is XML (a stored record is kept as
        JSON), its body written by the schema's `xml` objects (`schemas.xmlcodec`); any other
        reply as it is. Only operations that document an XML answer pay for the look."""
        answers_xml = self._answers_xml.get(operation.pointer)
        if answers_xml is None:
            answers_xml = self._answers_xml[operation.pointer] = _documents_xml(operation)
        if not answers_xml or reply.media_type is None or isinstance(reply.body, str | bytes):
            return reply
        if not negotiation.is_xml(reply.media_type) and (not accept or "xml" not in accept.lower()):
            return reply  # a JSON reply stays JSON unless `Accept` names an XML type
        key = response_key(operation, reply.status)
        content = (operation.responses.get(key) or {}).get("content") or {} if key else {}
        chosen = negotiation.acceptable(accept, content) if content else None
        if chosen is None or not negotiation.is_xml(chosen):
            return reply
        schema = content[chosen].get("schema") or {}
        encoded = self._xml.write(reply.body, schema)
        return Reply(reply.status, chosen, reply.body, reply.headers, encoded)

    def choose_status(self, operation: Operation, code: int | None) -> tuple[str, int] | Problem:
        """(response key, status): the preferred code when documented, else the lowest 2xx."""
        responses = operation.responses
        if code is not None:
            for key in (str(code), f"{str(code)[0]}XX", "default"):
                if key in responses:
                    return key, code
            return Problem(
                400,
                f"Prefer code={code} is not documented for {operation.label}; "
                f"documented: {', '.join(responses)}",
                (Violation("header", "Prefer", f"code={code} is not a documented status"),),
            )
        return success_status(responses)

    def _body(
        self, operation: Operation, key: str, media_type: str, media: dict[str, Any], prefer: Prefer
    ) -> Any:
        schema = media.get("schema") or {}
        seed = f"{operation.api}:{operation.method}:{operation.path}:{key}:{media_type}"
        if prefer.dynamic:
            made = self.synthesizer.generate(schema, seed=seed, dynamic=True)
            return self._checked(operation, key, media_type, schema, made)
        examples = media.get("examples") or {}
        if prefer.example is not None and prefer.example not in examples:
            known = ", ".join(examples) or "none"
            return Problem(
                400,
                f"Prefer example={prefer.example!r} is not an example of {operation.label} "
                f"{key} {media_type}; documented examples: {known}",
                (Violation("header", "Prefer", f"example={prefer.example!r} is not documented"),),
            )
        name = prefer.example or ""
        cache_key = (operation.pointer, key, media_type, name)
        if cache_key not in self._bodies:
            made = self._static_body(schema, media, name, seed, media_type)
            self._bodies[cache_key] = self._checked(operation, key, media_type, schema, made)
        return self._bodies[cache_key]

    def _text_body(
        self, operation: Operation, key: str, media_type: str, media: dict[str, Any]
    ) -> Any:
        """A body of text for a type that is neither JSON nor XML (a file download), where the
        schema admits a string but the value made for it is not one (a schema naming no type,
        Codat's attachments); None where it admits no string."""
        schema = media.get("schema") or {}
        seed = f"{operation.api}:{operation.method}:{operation.path}:{key}:{media_type}:text"
        made = self.synthesizer.generate({"allOf": [schema, {"type": "string"}]}, seed=seed)
        return (
            made if isinstance(made, str) and not self.synthesizer.problems(made, schema) else None
        )

    def _checked(
        self, operation: Operation, key: str, media_type: str, schema: Any, body: Any
    ) -> Any:
        """`body`, or a 501 naming where it breaks `schema`: a schema no value meets (or none
        the synthesizer finds) is said to be so rather than answered with an invalid body."""
        if _xml_text(media_type, body):
            return body
        unmet = self.synthesizer.problems(body, schema)
        if not unmet:
            return body
        emptied = _emptied(body, [where for where, _ in unmet])
        if emptied is not None and not self.synthesizer.problems(emptied, schema):
            return emptied
        return Problem(
            501,
            f"specmock found no body valid for {operation.label} {key} {media_type}: "
            "its schema may admit none",
            tuple(Violation("body", where, message) for where, message in unmet[:5]),
        )

    def _static_body(
        self, schema: dict[str, Any], media: dict[str, Any], name: str, seed: str, media_type: str
    ) -> Any:
        example = _example(media, schema, name)
        if _xml_text(media_type, example):
            return example  # an example written as XML is served as it is
        if example is _MISSING:
            return self.synthesizer.generate(schema, seed=seed)
        return self.synthesizer.conform(example, schema, seed=seed)

    def _headers(
        self, operation: Operation, key: str, response: dict[str, Any], dynamic: bool
    ) -> dict[str, str]:
        headers: dict[str, str] = {}
        for name, header in (response.get("headers") or {}).items():
            if name.lower() in _FRAMING_HEADERS or not header.get("required"):
                continue
            seed = f"{operation.pointer}:{key}:header:{name}"
            value = self.synthesizer.generate(
                header.get("schema") or {}, seed=seed, dynamic=dynamic
            )
            headers[name] = _header_text(value)
        return headers

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        target = follow(self.api.document, schema)
        return target if isinstance(target, dict) else {}

    # -- errors -------------------------------------------------------------------------------

    def problem_reply(self, operation: Operation | None, problem: Problem) -> Reply:
        """A problem in the API's documented error shape when it has one, else problem+json.

        A documented shape may have no body, or no room for every violation, so that answer
        also lists them in an `X-Specmock-Violations` header, as the proxy does (and as Prism's
        `sl-violations` does): a client always learns what was wrong and where.
        """
        key = error_key(operation, problem.status) if operation is not None else None
        if key is None or operation is None:
            return problem_json(problem)
        status = int(key) if is_digits(key) else problem.status
        content = operation.responses[key].get("content") or {}
        headers = self._headers(operation, key, operation.responses[key], False) | problem.headers
        listed = problem.errors or (Violation("request", "", problem.detail),)
        headers[VIOLATIONS_HEADER] = violations_header(listed)
        if not content:
            return Reply(status, None, None, headers)
        media_type = next((m for m in content if negotiation.is_json(m)), next(iter(content)))
        schema = content[media_type].get("schema") or {}
        seed = f"{operation.pointer}:{key}:{media_type}:problem"
        start = _fill_message(self._resolve(schema), problem, self._resolve)
        body = self.synthesizer.conform(start, schema, seed=seed)
        if negotiation.is_xml(media_type):
            return Reply(status, media_type, body, headers, self._xml.write(body, schema))
        return Reply(status, _concrete(media_type), body, headers)


def _emptied(body: Any, places: list[str]) -> Any:
    """A copy of `body` where each array holding a place (a JSON pointer) that breaks its schema
    is empty, or None when no place is inside an array: an array whose items admit no value (a
    discriminator naming no schema) still admits none, where its `minItems` allows."""
    emptied = copy.deepcopy(body)
    found = False
    for place in places:
        node, holder = emptied, None
        for token in (unescape(part) for part in place.split("/")[1:]):
            if isinstance(node, list) and is_digits(token) and int(token) < len(node):
                holder = node
                node = node[int(token)]
            elif isinstance(node, dict) and token in node:
                node = node[token]
            else:
                break
        if holder is not None:
            holder.clear()
            found = True
    return emptied if found else None


def _writable(media_type: str, body: Any) -> bool:
    """Whether a body can be written in `media_type`: JSON, XML (`rendered`) or text as is."""
    json_like = negotiation.is_json(media_type) or negotiation.is_xml(media_type)
    return json_like or isinstance(body, str | bytes)


def _xml_text(media_type: str, body: Any) -> bool:
    """An XML document given as text (an example written out), served as it is."""
    return (
        isinstance(body, str) and body.lstrip().startswith("<") and negotiation.is_xml(media_type)
    )


def _documents_xml(operation: Operation) -> bool:
    return any(
        negotiation.is_xml(media_type)
        for response in operation.responses.values()
        if isinstance(response, dict)
        for media_type in response.get("content") or {}
    )


def response_key(operation: Operation, status: int) -> str | None:
    """The documented response for a status sent: exact, its range, or `default` (None when
    the operation documents nothing that covers it)."""
    for key in (str(status), f"{str(status)[0]}XX", "default"):
        if key in operation.responses:
            return key
    return None


def _no_success(operation: Operation, key: str, status: int) -> Problem:
    """A valid request to an operation that documents no success: its documented answer, saying
    why (a create that "failed" for no reason the client can see is a puzzle)."""
    message = f"the spec documents no success response for {operation.label}, only {key}"
    return Problem(status, message, (Violation("operation", operation.label, message),))


def problem_json(problem: Problem) -> Reply:
    """A problem as application/problem+json, for answers no operation's error shape covers."""
    return Reply(problem.status, PROBLEM_MEDIA_TYPE, problem.as_dict(), problem.headers)


_MISSING: Any = object()


def error_key(operation: Operation, status: int) -> str | None:
    """The documented response that covers an error status (exact, range, default), if any."""
    responses = operation.responses
    if status in (400, 422):  # either stands for the other, the one asked for first
        candidates: tuple[str, ...] = (
            str(status),
            *(s for s in _VALIDATION_STATUSES if s != str(status)),
        )
    else:
        candidates = (str(status), "4XX", "default")
    for key in candidates:
        if key in responses:
            return key
    return None


def _example(media: dict[str, Any], schema: dict[str, Any], name: str) -> Any:
    examples = media.get("examples") or {}
    if name:
        return examples[name].get("value", _MISSING)
    for example in examples.values():
        if isinstance(example, dict) and "value" in example:
            return example["value"]
    if "example" in media:
        return media["example"]
    if "example" in schema:
        return schema["example"]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    return _MISSING


def _fill_message(
    schema: dict[str, Any], problem: Problem, resolve: Callable[[dict[str, Any]], dict[str, Any]]
) -> Any:
    """A starting body for an API's error schema with the problem's detail in its message field."""
    properties = schema.get("properties") or {}
    body: dict[str, Any] = {}
    for name in _MESSAGE_FIELDS:
        field_schema = resolve(properties.get(name) or {})
        if name in properties and _takes_text(field_schema):
            body[name] = problem.detail
            break
    for name in ("status", "code", "statusCode"):
        field_schema = resolve(properties.get(name) or {})
        if name in properties and _types(field_schema) & {"integer", "number"}:
            body[name] = problem.status
    return body


def _takes_text(schema: dict[str, Any]) -> bool:
    return "string" in _types(schema) and not {"enum", "const", "format", "pattern"} & set(schema)


def _types(schema: dict[str, Any]) -> set[str]:
    kind = schema.get("type")
    return {kind} if isinstance(kind, str) else set(kind or [])


def _concrete(media_type: str) -> str:
    """A range such as `application/*` or `*/*` cannot be a Content-Type; send JSON instead."""
    return "application/json" if "*" in media_type else media_type


def _header_text(value: Any) -> str:
    """A value in OpenAPI's `simple` style, without characters a header cannot carry."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = ""
    elif isinstance(value, list):
        text = ",".join(_header_text(item) for item in value)
    elif isinstance(value, dict):
        text = ",".join(f"{key},{_header_text(item)}" for key, item in value.items())
    else:
        text = str(value)
    return "".join(ch for ch in text if ch == "\t" or 32 <= ord(ch) < 127 or ord(ch) > 159)
