"""openapi-core's exceptions read as `Violation`s: where each problem is, and a message that quotes
the bad value.

The stages of `validation.core` return openapi-core's exceptions (or the fault a reader raised);
each function here turns one kind into the violations a client sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from openapi_core.casting.schemas.exceptions import CastError
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.exceptions import DeserializeError
from openapi_core.deserializing.media_types.exceptions import MediaTypeDeserializeError
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.request.exceptions import (
    MissingRequiredParameter,
    MissingRequiredRequestBody,
    ParameterValidationError,
    RequestBodyValidationError,
)
from openapi_core.validation.response.exceptions import (
    DataValidationError,
    HeadersError,
    MissingData,
    MissingRequiredHeader,
)
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue

from specmock.spec.parsing import RefusedJSON, strict_json
from specmock.spec.refs import pointer
from specmock.validation import negotiation
from specmock.violations import Violation

_QUOTE_LIMIT = 120


def parameter_violations(
    error: ParameterValidationError, given: RequestParameters
) -> list[Violation]:
    """A parameter refused: missing, not of its type, or against its schema."""
    where, name = error.location, error.name
    if isinstance(error, MissingRequiredParameter):
        return [Violation(where, name, f"required {where} parameter {name!r} is missing")]
    cause = error.__cause__
    if isinstance(cause, InvalidSchemaValue):
        what = f"{where} parameter {name!r}"
        return [Violation(where, name, schema_message(e, what)) for e in cause.schema_errors]
    if isinstance(cause, CastError):
        return [Violation(where, name, f"{cause.value!r} is not a valid {cause.type}")]
    raw = _raw_parameter(given, where, name)
    return [Violation(where, name, f"value {raw!r} cannot be read: {innermost_message(error)}")]


def _raw_parameter(given: RequestParameters, where: str, name: str) -> Any:
    source: Mapping[str, Any] = given[where]
    return source.get(name.lower() if where == "header" else name)


def body_violations(error: Exception, body: bytes | None, content_type: str) -> list[Violation]:
    """A request body refused: `error` is openapi-core's `RequestBodyValidationError`, or a fault
    its reader raised on a body it could not read."""
    if not isinstance(error, RequestBodyValidationError):
        return [Violation("body", "", unreadable(body, content_type))]
    if isinstance(error, MissingRequiredRequestBody):
        return [Violation("body", "", "a request body is required")]
    cause = error.__cause__
    content = _content_violations(cause, "")
    if content is not None:
        return content
    if isinstance(cause, MediaTypeDeserializeError):
        return [Violation("body", "", unreadable(cause.value, cause.mimetype))]
    if isinstance(cause, DeserializeError):
        return [Violation("body", "", f"the body cannot be read: {innermost_message(cause)}")]
    return [Violation("body", "", innermost_message(error))]


def schema_violations(errors: Iterable[Any]) -> list[Violation]:
    """A JSON body's violations from its schema's jsonschema errors, each at its JSON pointer."""
    return [Violation("body", _pointer_of(e), schema_message(e, "body")) for e in errors]


def status_violation(error: ResponseNotFound, status: int) -> Violation:
    """An answer whose status its operation does not document."""
    documented = ", ".join(error.availableresponses)
    message = f"{status} is not a documented status; documented: {documented}"
    return Violation("response.status", "", message)


def header_violations(error: HeadersError) -> list[Violation]:
    """An answer's documented headers refused, one violation a header."""
    return [_header_violation(problem) for problem in error.context]


def _header_violation(error: Exception) -> Violation:
    name = str(getattr(error, "name", ""))
    if isinstance(error, MissingRequiredHeader):
        return Violation("response.header", name, f"required header {name!r} is missing")
    cause = error.__cause__
    if isinstance(cause, InvalidSchemaValue):
        messages = [schema_message(e, f"header {name!r}") for e in cause.schema_errors]
        return Violation("response.header", name, "; ".join(messages))
    if isinstance(cause, CastError):
        return Violation("response.header", name, f"{cause.value!r} is not a valid {cause.type}")
    return Violation("response.header", name, f"cannot be read: {innermost_message(error)}")


def response_body_violations(
    error: Exception, body: bytes, content_type: str, documented: str
) -> list[Violation]:
    """An answer's body refused: `error` is openapi-core's `DataValidationError`, or a fault its
    reader raised on a body it could not read; `documented` lists the documented media types."""
    if not isinstance(error, DataValidationError):
        return [Violation("response.body", "", unreadable(body, content_type))]
    if isinstance(error, MissingData):
        return [Violation("response.body", "", f"is missing; documented: {documented}")]
    cause = error.__cause__
    content = _content_violations(cause, "response.")
    if content is not None:
        return content
    if isinstance(cause, DeserializeError):
        return [Violation("response.body", "", unreadable(body, content_type))]
    return [Violation("response.body", "", innermost_message(error))]


def _content_violations(cause: Any, prefix: str) -> list[Violation] | None:
    """A body's schema and media-type violations (`prefix` is "response." for answers), or
    None when the cause is something else."""
    if isinstance(cause, InvalidSchemaValue):
        return [
            Violation(f"{prefix}body", _pointer_of(e), schema_message(e, "body"))
            for e in cause.schema_errors
        ]
    if isinstance(cause, MediaTypeNotFound):
        expected = ", ".join(cause.availableMimetypes)
        message = f"{cause.mimetype!r} is not a documented media type (expected one of {expected})"
        return [Violation(f"{prefix}header", "Content-Type", message)]
    return None


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


def schema_message(error: Any, what: str) -> str:
    """A jsonschema error's message, quoting only the start of a huge value (`what` names the
    value when the error has no message)."""
    message = getattr(error, "message", None)
    if not message:
        return f"{what} is invalid: {error}"
    shown = repr(getattr(error, "instance", None))
    if len(shown) > _QUOTE_LIMIT and shown in message:
        message = message.replace(shown, _abridged(error.instance, shown))
    return str(message)


def _abridged(value: Any, shown: str) -> str:
    size = f"{len(value)} characters" if isinstance(value, str) else f"{len(shown)} characters long"
    start = repr(value[:40]) if isinstance(value, str) else shown[:40]
    return f"{start}… ({size})"


def unreadable(value: Any, mimetype: str) -> str:
    """Why a body cannot be read as its media type, quoting where it breaks."""
    if isinstance(value, bytes):
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError as error:
            return f"the body is not UTF-8 text: byte {value[error.start]:#04x} at {error.start}"
        if negotiation.is_json(mimetype):
            try:
                strict_json(text)
            except RefusedJSON as error:
                return f"the body is refused: {error}"
            except ValueError as error:
                return f"the body is not valid JSON: {error}"
    return f"the body cannot be read as {mimetype}"


def innermost_message(error: BaseException) -> str:
    """The message of an exception's innermost cause; some openapi-core errors fail to format
    odd input, and then their class name stands for it."""
    while error.__cause__ is not None:
        error = error.__cause__
    try:
        return str(error)
    except Exception:  # their __str__ may decode bytes that are not UTF-8
        return type(error).__name__
