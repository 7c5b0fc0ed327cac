"""Request validation with openapi-core: parameters and bodies, as a list of `Violation`s.

openapi-core stays the authority on what is valid. We route requests ourselves, so we hand its
validator the operation already found (its `_get_parameters` / `_get_body` stages) instead of
letting it search the paths on every call; validators and spec paths are built once per API.
Security is checked by `specmock.security` before this stage.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema_path import SchemaPath
from openapi_core import V30RequestValidator, V31RequestValidator
from openapi_core.casting.schemas.exceptions import CastError
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.exceptions import DeserializeError
from openapi_core.deserializing.media_types.exceptions import MediaTypeDeserializeError
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.validation.request.exceptions import (
    MissingRequestBody,
    MissingRequiredParameter,
    MissingRequiredRequestBody,
    ParametersError,
    ParameterValidationError,
    RequestBodyValidationError,
)
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue

from specmock import negotiation
from specmock.refs import pointer
from specmock.spec import Api, Operation
from specmock.violations import Violation


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


_DESERIALIZER_FAULTS = (AssertionError, ValueError, TypeError, LookupError)


class ApiValidator:
    """openapi-core's request validator for one API, with per-operation spec paths."""

    def __init__(self, api: Api) -> None:
        self.spec = SchemaPath.from_dict(api.document)
        validator_cls = (
            V31RequestValidator if api.version.startswith("3.1") else V30RequestValidator
        )
        self._validator = validator_cls(
            self.spec, extra_media_type_deserializers=json_deserializers(api.document)
        )
        self._operations: dict[tuple[str, str], tuple[SchemaPath, SchemaPath]] = {}

    def _paths(self, operation: Operation) -> tuple[SchemaPath, SchemaPath]:
        key = (operation.path, operation.method)
        if key not in self._operations:
            path_item = self.spec / "paths" / operation.path
            self._operations[key] = (path_item, path_item / operation.method)
        return self._operations[key]

    def violations(self, operation: Operation, request: RequestData) -> list[Violation]:
        """Every way the request's parameters and body break the operation, all at once."""
        path_item, spec = self._paths(operation)
        found: list[Violation] = []
        try:
            self._validator._get_parameters(request.parameters, spec, path_item)
        except ParametersError as error:
            for problem in error.errors:
                found.extend(_parameter_violations(problem, request.parameters))
        try:
            self._validator._get_body(request.body, request.content_type, spec)
        except MissingRequestBody:
            pass
        except RequestBodyValidationError as error:
            found.extend(_body_violations(error))
        except _DESERIALIZER_FAULTS:
            # openapi-core's form and multipart readers assert on malformed input (a part without
            # a name, say): that is the client's broken body, not our fault.
            found.append(Violation("body", "", _unreadable(request.body, request.content_type)))
        return found


def json_deserializers(document: Mapping[str, Any]) -> dict[str, Any]:
    """JSON readers for the document's `+json` media types, which openapi-core leaves as bytes."""
    found: dict[str, Any] = {}
    _collect_json_types(document, found)
    return found


def _collect_json_types(node: Any, found: dict[str, Any]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "content" and isinstance(value, dict):
                found.update(
                    {m: json.loads for m in value if negotiation.essence(m).endswith("+json")}
                )
            _collect_json_types(value, found)
    elif isinstance(node, list):
        for item in node:
            _collect_json_types(item, found)


def _parameter_violations(error: Any, given: RequestParameters) -> Iterator[Violation]:
    if not isinstance(error, ParameterValidationError):
        yield Violation("query", "", _text(error))
        return
    where, name = error.location, error.name
    if isinstance(error, MissingRequiredParameter):
        yield Violation(where, name, f"required {where} parameter {name!r} is missing")
        return
    raw = _raw_parameter(given, where, name)
    cause = error.__cause__
    if isinstance(cause, InvalidSchemaValue):
        for schema_error in cause.schema_errors:
            yield Violation(
                where, name, _schema_message(schema_error, f"{where} parameter {name!r}")
            )
    elif isinstance(cause, CastError):
        yield Violation(where, name, f"{cause.value!r} is not a valid {cause.type}")
    else:
        yield Violation(where, name, f"value {raw!r} cannot be read: {_text(cause or error)}")


def _raw_parameter(given: RequestParameters, where: str, name: str) -> Any:
    source: Mapping[str, Any] = given[where]
    return source.get(name.lower() if where == "header" else name)


def _body_violations(error: RequestBodyValidationError) -> Iterator[Violation]:
    if isinstance(error, MissingRequiredRequestBody):
        yield Violation("body", "", "a request body is required")
        return
    cause = error.__cause__
    if isinstance(cause, InvalidSchemaValue):
        for schema_error in cause.schema_errors:
            yield Violation(
                "body", _pointer_of(schema_error), _schema_message(schema_error, "body")
            )
    elif isinstance(cause, MediaTypeNotFound):
        yield Violation(
            "header",
            "Content-Type",
            f"{cause.mimetype!r} is not a documented media type "
            f"(expected one of {', '.join(cause.availableMimetypes)})",
        )
    elif isinstance(cause, MediaTypeDeserializeError):
        yield Violation("body", "", _unreadable(cause.value, cause.mimetype))
    elif isinstance(cause, DeserializeError):
        yield Violation("body", "", f"the body cannot be read: {_text(cause)}")
    else:
        yield Violation("body", "", _text(cause or error))


def _pointer_of(error: Any) -> str:
    path = getattr(error, "absolute_path", None) or getattr(error, "path", None) or ()
    parts = list(path)
    if getattr(error, "validator", None) == "required":
        missing = _missing_property(str(getattr(error, "message", "")))
        if missing is not None:
            parts.append(missing)
    return pointer(parts)


def _missing_property(message: str) -> str | None:
    if message.endswith(" is a required property") and message.startswith("'"):
        return message[1 : -len(" is a required property") - 1]
    return None


def _schema_message(error: Any, what: str) -> str:
    message = getattr(error, "message", None)
    return str(message) if message else f"{what} is invalid: {error}"


def _unreadable(value: Any, mimetype: str) -> str:
    """Why a body cannot be read as its media type, quoting where it breaks."""
    if isinstance(value, bytes):
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError as error:
            return f"the body is not UTF-8 text: byte {value[error.start]:#04x} at {error.start}"
        if negotiation.is_json(mimetype):
            try:
                json.loads(text)
            except ValueError as error:
                return f"the body is not valid JSON: {error}"
    return f"the body cannot be read as {mimetype}"


def _text(error: BaseException) -> str:
    """An exception's message; some openapi-core errors fail to format odd input."""
    while error.__cause__ is not None:
        error = error.__cause__
    try:
        return str(error)
    except Exception:  # their __str__ may decode bytes that are not UTF-8
        return type(error).__name__
