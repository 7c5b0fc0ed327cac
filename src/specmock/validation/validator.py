"""Request and response validation with openapi-core, as lists of `Violation`s.

openapi-core stays the authority on what is valid. We route requests ourselves, so we hand its
validator the operation already found (its `_get_parameter` / `_get_body` stages) instead of
letting it search the paths on every call; validators and spec paths are built once per API.
Security is checked by `validation.security` before this stage. Responses (a real server's, seen by
the proxy) go through openapi-core's response stages the same way: `_find_operation_response`,
`_get_headers` and `_get_data` on the operation already routed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from jsonschema_path import SchemaPath
from openapi_core import (
    V30RequestValidator,
    V30ResponseValidator,
    V31RequestValidator,
    V31ResponseValidator,
)
from openapi_core.casting.schemas.exceptions import CastError
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.exceptions import DeserializeError
from openapi_core.deserializing.media_types.exceptions import MediaTypeDeserializeError
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.request.exceptions import (
    MissingParameter,
    MissingRequestBody,
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
from openapi_core.validation.schemas.validators import SchemaValidator
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator
from openapi_schema_validator.validators import OAS30_VALIDATORS

from specmock.schemas.compiled import WHOLE, SchemaCompiler, Unsupported
from specmock.spec.api import Api, Operation
from specmock.spec.parsing import INTEGER, NUMBER, strict_json
from specmock.spec.refs import follow, pointer
from specmock.validation import negotiation
from specmock.validation.fastpath import FastPath, Verdict, values_of
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


Place = tuple[str, str]  # a parameter's (in, name)

_DESERIALIZER_FAULTS = (AssertionError, ValueError, TypeError, LookupError, RecursionError)


@dataclass(frozen=True, slots=True)
class Accepted:
    """A request its operation accepts, with its body as parsed JSON (None: none, or not JSON)."""

    json: Any


class ApiValidator:
    """openapi-core's request validator for one API, with per-operation spec paths."""

    def __init__(self, api: Api) -> None:
        self.document = validator_document(api.document)
        legacy = not api.version.startswith("3.1")
        # openapi-core honours readOnly and writeOnly for 3.0 only; for 3.1 each direction gets a
        # view where the properties it may leave out are not required.
        request_document = self.document if legacy else not_required(self.document, "readOnly")
        self.spec = SchemaPath.from_dict(request_document)
        self.fast = FastPath(request_document, request_compiler(request_document, legacy))
        self.response_spec = (
            self.spec if legacy else SchemaPath.from_dict(not_required(self.document, "writeOnly"))
        )
        self._body_validators: dict[tuple[str, str, str], SchemaValidator] = {}
        self._numeric: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        readers = json_deserializers(api.document)
        validator_cls = (
            V31RequestValidator if api.version.startswith("3.1") else V30RequestValidator
        )
        self._validator = keep_factories(
            validator_cls(self.spec, extra_media_type_deserializers=readers)
        )
        self._operations: dict[Place, tuple[SchemaPath, list[tuple[Place, SchemaPath]]]] = {}
        response_cls = (
            V31ResponseValidator if api.version.startswith("3.1") else V30ResponseValidator
        )
        self._response_validator = keep_factories(
            response_cls(
                self.response_spec,
                extra_media_type_deserializers=readers,
            )
        )

    def names_no_resource(self, operation: Operation, violations: list[Violation]) -> bool:
        """Whether a numeric path parameter does not hold a number: then the path names no
        resource (404), as typed routers (Starlette's `{id:int}`, Django, Rails) answer, unless
        the operation documents a 400 for bad input."""
        if "400" in operation.responses:
            return False
        numeric = {name for where, name, _ in self._numeric_of(operation) if where == "path"}
        return any(v.location == "path" and v.name in numeric for v in violations)

    def _numeric_of(self, operation: Operation) -> list[tuple[str, str, str]]:
        key = (operation.path, operation.method)
        if key not in self._numeric:
            self._numeric[key] = _numeric_parameters(self.document, operation)
        return self._numeric[key]

    def _numbers(self, operation: Operation, given: RequestParameters) -> list[Violation]:
        """Numeric parameters written as JSON writes numbers.

        openapi-core casts with Python's `int()` and `float()`, which also take `1_000`, ` 7 `,
        full-width digits and `NaN`; a real API would refuse those.
        """
        found = []
        for where, name, kind in self._numeric_of(operation):
            pattern = INTEGER if kind == "integer" else NUMBER
            for value in values_of(given, where, name):
                if isinstance(value, str) and not pattern.fullmatch(value):
                    found.append(Violation(where, name, f"{value!r} is not a valid {kind}"))
        return found

    def _paths(self, operation: Operation) -> tuple[SchemaPath, list[tuple[Place, SchemaPath]]]:
        """The operation's spec path and its parameters' with their (in, name) (the operation's
        first, each once, as openapi-core's `_get_parameters` reads them), found once."""
        key = (operation.path, operation.method)
        if key not in self._operations:
            path_item = self.spec / "paths" / operation.path
            spec = path_item / operation.method
            parameters: dict[Place, SchemaPath] = {}
            for holder in (spec, path_item):
                for parameter in holder.get("parameters", ()):
                    place = ((parameter / "in").read_str(), (parameter / "name").read_str())
                    parameters.setdefault(place, parameter)
            self._operations[key] = (spec, list(parameters.items()))
        return self._operations[key]

    def check(self, operation: Operation, request: RequestData) -> Accepted | list[Violation]:
        """The request accepted, or every way its parameters and body break the operation.

        The fast path judges first; openapi-core reads only the parts it could not vouch for.
        """
        verdict = self.fast.judge(operation, request.parameters, request.body, request.content_type)
        if verdict.accepted:
            return Accepted(verdict.json)
        found = self.violations(operation, request, verdict)
        return found if found else Accepted(_json_or_none(request.body))

    def violations(
        self, operation: Operation, request: RequestData, verdict: Verdict | None = None
    ) -> list[Violation]:
        """Every way the request's parameters and body break the operation, all at once.

        With the fast path's `verdict`, openapi-core reads only the parts it did not vouch for
        (the violations are the same: a part's validity does not depend on the others).
        """
        spec, parameters = self._paths(operation)
        found = self._numbers(operation, request.parameters)
        flagged = {(v.location, v.name) for v in found}
        partial = verdict if verdict is not None and verdict.whole is None else None
        for place, parameter in parameters:
            if place in flagged or (partial is not None and place not in partial.parameters):
                continue  # our own message stands for it, or the fast path vouched for it
            try:
                self._validator._get_parameter(request.parameters, parameter)
            except MissingParameter:
                continue
            except ParameterValidationError as problem:
                found.extend(_parameter_violations(problem, request.parameters))
        if partial is not None and partial.body is None:
            return found
        if partial is not None and partial.media_type is not None:
            found.extend(
                self._schema_violations(
                    operation, partial.media_type, partial.json, partial.failing
                )
            )
            return found
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

    def _schema_violations(
        self,
        operation: Operation,
        media_type: str,
        value: Any,
        failing: frozenset[str] | None = None,
    ) -> list[Violation]:
        """A JSON body's schema violations, from openapi-core's own validator for that schema
        (what `_get_body` ends in, without finding and reading the body again), built once.

        With `failing`, the top-level properties the compiled check found every violation in,
        only their values are read (GitHub's new repository has 26 properties; one was wrong)."""
        key = (operation.path, operation.method, media_type)
        validator = self._body_validators.get(key)
        if validator is None:
            core = self._validator
            spec, _ = self._paths(operation)
            validator = self._body_validators[key] = core.schema_validators_factory.create(
                core.spec,
                spec / "requestBody" / "content" / media_type / "schema",
                format_validators=core.format_validators,
                extra_format_validators=core.extra_format_validators,
                forbid_unspecified_additional_properties=core.forbid_unspecified_additional_properties,
                enforce_properties_required=core.enforce_properties_required,
            )
        # its jsonschema validator's errors, as `validate` raises them (without reading the
        # schema's type through the spec path for the exception, which nothing here uses)
        inner = validator.validator
        errors = None if failing is None else self._property_errors(inner, value, failing)
        return [
            Violation("body", _pointer_of(e), _schema_message(e, "body"))
            for e in (inner.iter_errors(value) if errors is None else errors)
        ]

    def _property_errors(
        self, validator: Any, value: dict[str, Any], names: frozenset[str]
    ) -> list[Any] | None:
        """The errors of some properties' values, as the whole object's check has them (its
        `properties` keyword descends the same way, in the same order); None when the schema is
        not an object schema with those properties (behind its local `$ref`s)."""
        schema = follow(self.document, validator.schema)
        properties = schema.get("properties") if isinstance(schema, Mapping) else None
        if not isinstance(properties, Mapping) or not names <= properties.keys():
            return None
        return [
            error
            for name, subschema in properties.items()
            if name in names and name in value
            for error in validator.descend(value[name], subschema, path=name, schema_path=name)
        ]

    def response_violations(
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
        spec = self.response_spec / "paths" / operation.path / operation.method
        try:
            response = self._response_validator._find_operation_response(status, spec)
        except ResponseNotFound as error:
            documented = ", ".join(error.availableresponses)
            message = f"{status} is not a documented status; documented: {documented}"
            return [Violation("response.status", "", message)]
        found = self._response_headers(response, headers)
        if body is not None:
            found.extend(self._response_body(response, body, content_type))
        return found

    def _response_headers(
        self, response: SchemaPath, headers: Mapping[str, str]
    ) -> list[Violation]:
        try:
            self._response_validator._get_headers(_CaselessHeaders(headers), response)
        except HeadersError as error:
            return [_header_violation(problem) for problem in error.context]
        return []

    def _response_body(
        self, response: SchemaPath, body: bytes, content_type: str | None
    ) -> list[Violation]:
        if "content" not in response:
            return []
        documented = ", ".join((response / "content").str_keys())
        if content_type is None:
            if not body:
                return [Violation("response.body", "", f"is missing; documented: {documented}")]
            message = f"is missing on a body of {len(body)} bytes; documented: {documented}"
            return [Violation("response.header", "Content-Type", message)]
        try:
            self._response_validator._get_data(body, content_type, response)
        except MissingData:
            return [Violation("response.body", "", f"is missing; documented: {documented}")]
        except DataValidationError as error:
            return list(_response_body_violations(error, body, content_type))
        except _DESERIALIZER_FAULTS:
            return [Violation("response.body", "", _unreadable(body, content_type))]
        return []


class _Kept:
    """One of openapi-core's factories, keeping what it builds per argument list.

    openapi-core builds a schema validator (deep-copying its format checker) and a parameter
    reader again for every parameter and body of every request. What it builds depends only on
    the arguments (a place in this API's spec, a style), so one per place is enough; each
    `ApiValidator` keeps its own, for its own spec.
    """

    def __init__(self, factory: Any) -> None:
        self._factory = factory
        self._kept: dict[Any, Any] = {}

    def create(self, *args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(sorted(kwargs.items())))
        try:
            return self._kept[key]
        except KeyError:
            made = self._kept[key] = self._factory.create(*args, **kwargs)
            return made
        except TypeError:  # an argument that is no key (a dict of extra validators)
            return self._factory.create(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._factory, name)


_V = TypeVar("_V")


def keep_factories(validator: _V) -> _V:
    """An openapi-core validator whose schema validators and parameter readers are kept."""
    for name in ("schema_validators_factory", "style_deserializers_factory"):
        setattr(validator, name, _Kept(getattr(validator, name)))
    return validator


class _CaselessHeaders(Mapping[str, str]):
    """Header values by name in any case, as openapi-core looks them up by the spec's spelling."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._values = {name.lower(): value for name, value in headers.items()}

    def __getitem__(self, name: str) -> str:
        return self._values[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _header_violation(error: Exception) -> Violation:
    name = str(getattr(error, "name", ""))
    if isinstance(error, MissingRequiredHeader):
        return Violation("response.header", name, f"required header {name!r} is missing")
    cause = error.__cause__
    if isinstance(cause, InvalidSchemaValue):
        messages = [_schema_message(e, f"header {name!r}") for e in cause.schema_errors]
        return Violation("response.header", name, "; ".join(messages))
    if isinstance(cause, CastError):
        return Violation("response.header", name, f"{cause.value!r} is not a valid {cause.type}")
    return Violation("response.header", name, f"cannot be read: {_text(cause or error)}")


def _response_body_violations(
    error: DataValidationError, body: bytes, content_type: str
) -> Iterator[Violation]:
    cause = error.__cause__
    content = _content_violations(cause, "response.")
    if content is not None:
        yield from content
    elif isinstance(cause, DeserializeError):
        yield Violation("response.body", "", _unreadable(body, content_type))
    else:
        yield Violation("response.body", "", _text(cause or error))


def _numeric_parameters(
    document: dict[str, Any], operation: Operation
) -> list[tuple[str, str, str]]:
    """(in, name, integer|number) of the operation's scalar numeric parameters."""
    found: dict[tuple[str, str], str] = {}
    declared = operation.parameters
    for parameter in declared:
        parameter = follow(document, parameter)
        if not isinstance(parameter, dict):
            continue
        schema = _single_type(follow(document, parameter.get("schema") or {}))
        kind = schema.get("type") if isinstance(schema, dict) else None
        key = (str(parameter.get("in")), str(parameter.get("name")))
        found.pop(key, None)  # an operation's parameter overrides the path item's
        if kind in ("integer", "number") and key[0] in ("path", "query", "header", "cookie"):
            found[key] = str(kind)
    return [(where, name, kind) for (where, name), kind in found.items()]


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def request_compiler(document: Mapping[str, Any], legacy: bool) -> SchemaCompiler:
    """Compiled checks of `document`'s schemas as openapi-core reads them in requests: for 3.0
    its `OAS30WriteValidator` (a readOnly property may not be sent, nor is it required), for 3.1
    `OAS31Validator` with the 3.0 format checker, as openapi-core sets them up."""
    if legacy:
        return SchemaCompiler(document, _restate_30_write, OAS30WriteValidator.FORMAT_CHECKER)
    return SchemaCompiler(document, _as_is, OAS30ReadValidator.FORMAT_CHECKER)


# The keywords openapi-core's 3.0 validators read (others are ignored, as they are there).
_OAS30_KEYWORDS = (frozenset(OAS30_VALIDATORS) - {"readOnly", "writeOnly"}) | {
    "exclusiveMinimum",
    "exclusiveMaximum",
}


def _restate_30_write(schema: Mapping[str, Any]) -> Mapping[str, Any] | bool:
    """One 3.0 schema object in 2020-12 terms, as a request is checked against it."""
    if schema.get("readOnly"):
        return False  # openapi-core refuses any value for a readOnly schema in a request
    view = {key: value for key, value in schema.items() if key in _OAS30_KEYWORDS}
    kind = view.get("type")
    if kind is not None and not isinstance(kind, str):
        raise Unsupported(f"type {kind!r} in an OpenAPI 3.0 schema")
    if kind == "integer":
        view[WHOLE] = True  # the 3.0 type checker takes no float for an integer, not even 1.0
    if kind is not None and schema.get("nullable") is True:
        view["type"] = [kind, "null"]
    for bound, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        exclusive = view.pop(flag, False)
        if exclusive is True and bound in view:
            view[flag] = view.pop(bound)
        elif not isinstance(exclusive, bool):
            raise Unsupported(f"{flag} {exclusive!r} in an OpenAPI 3.0 schema")
    properties, required = view.get("properties"), view.get("required")
    if isinstance(properties, Mapping) and isinstance(required, list):
        view["required"] = [
            name
            for name in required
            if not (isinstance(p := properties.get(name), Mapping) and p.get("readOnly"))
        ]
    return view


def _as_is(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    return schema


def not_required(document: dict[str, Any], flag: str) -> dict[str, Any]:
    """A copy of `document` where no schema requires a property marked `flag` (`readOnly` in
    requests, `writeOnly` in responses: OpenAPI lets that direction leave them out)."""

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        result = {key: walk(value) for key, value in node.items()}
        properties, required = node.get("properties"), node.get("required")
        if isinstance(properties, dict) and isinstance(required, list):
            result["required"] = [
                name
                for name in required
                if not (
                    isinstance(p := follow(document, properties.get(name)), dict) and p.get(flag)
                )
            ]
        return result

    return dict(walk(document))


def validator_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document as openapi-core's parameter readers can take it.

    They read a parameter's (or a form field's) `type` as one string and fail on 3.1 type lists
    such as `["integer", "null"]`; a value on the wire is never JSON null, so such a schema
    becomes its one non-null type (or no `type` when there are several). A document with no such
    list (every 3.0 document) is used as it is: copying GitHub's took 0.8 s at start.
    """
    if not _single_types(document, apply=False):
        return dict(document)
    result = copy.deepcopy(dict(document))
    _single_types(result, apply=True)
    return result


def _single_types(document: Mapping[str, Any], apply: bool) -> bool:
    """Whether any parameter, header or form field has a type list (rewritten when `apply`)."""
    found = False
    for path_item in (document.get("paths") or {}).values():
        if not isinstance(path_item, dict):
            continue
        for parameter in path_item.get("parameters") or []:
            found |= _single_type_parameter(document, parameter, apply)
        for operation in path_item.values():
            if isinstance(operation, dict):
                for parameter in operation.get("parameters") or []:
                    found |= _single_type_parameter(document, parameter, apply)
                found |= _single_type_form(document, operation.get("requestBody"), apply)
                found |= _single_type_response_headers(document, operation.get("responses"), apply)
    return found


def _single_type_parameter(document: Mapping[str, Any], parameter: Any, apply: bool) -> bool:
    parameter = follow(document, parameter)
    if not isinstance(parameter, dict) or not isinstance(parameter.get("schema"), dict):
        return False
    schema = follow(document, parameter["schema"])
    if apply:
        parameter["schema"] = _single_type(schema)
    return _has_type_list(schema)


def _single_type_response_headers(document: Mapping[str, Any], responses: Any, apply: bool) -> bool:
    """Response headers are read like parameters (by the proxy), so they get the same rewrite."""
    found = False
    for response in responses.values() if isinstance(responses, dict) else ():
        response = follow(document, response)
        headers = response.get("headers") if isinstance(response, dict) else None
        for header in headers.values() if isinstance(headers, dict) else ():
            found |= _single_type_parameter(document, header, apply)
    return found


def _single_type_form(document: Mapping[str, Any], body: Any, apply: bool) -> bool:
    found = False
    body = follow(document, body)
    content = body.get("content") if isinstance(body, dict) else None
    for media_type, media in (content or {}).items():
        schema = follow(document, media.get("schema")) if isinstance(media, dict) else None
        if negotiation.essence(media_type) in _FORM_TYPES and isinstance(schema, dict):
            properties = schema.get("properties") or {}
            for name, field in list(properties.items()):
                resolved = follow(document, field)
                found |= _has_type_list(resolved)
                if apply:
                    properties[name] = _single_type(resolved)
    return found


def _has_type_list(schema: Any) -> bool:
    return isinstance(schema, dict) and isinstance(schema.get("type"), list)


def _single_type(schema: Any) -> Any:
    if not isinstance(schema, dict) or not isinstance(schema.get("type"), list):
        return schema
    kinds = [kind for kind in schema["type"] if kind != "null"]
    rewritten = {key: value for key, value in schema.items() if key != "type"}
    if len(kinds) == 1:
        rewritten["type"] = kinds[0]
    return rewritten


def json_deserializers(document: Mapping[str, Any]) -> dict[str, Any]:
    """Strict JSON readers for `application/json` and the document's `+json` media types (which
    openapi-core would otherwise leave as bytes)."""
    found: dict[str, Any] = {"application/json": strict_json}
    _collect_json_types(document, found)
    return found


_NOT_CONTENT = frozenset(("schema", "schemas", "example", "examples"))


def _collect_json_types(node: Any, found: dict[str, Any]) -> None:
    """Media types of every `content` map, skipping schemas and examples (none is there)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "content" and isinstance(value, dict):
                json_types = [m for m in value if negotiation.essence(m).endswith("+json")]
                found.update(dict.fromkeys(json_types, strict_json))
            if key not in _NOT_CONTENT:
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
    content = _content_violations(cause, "")
    if content is not None:
        yield from content
    elif isinstance(cause, MediaTypeDeserializeError):
        yield Violation("body", "", _unreadable(cause.value, cause.mimetype))
    elif isinstance(cause, DeserializeError):
        yield Violation("body", "", f"the body cannot be read: {_text(cause)}")
    else:
        yield Violation("body", "", _text(cause or error))


def _content_violations(cause: Any, prefix: str) -> list[Violation] | None:
    """A body's schema and media-type violations (`prefix` is "response." for answers), or
    None when the cause is something else."""
    if isinstance(cause, InvalidSchemaValue):
        return [
            Violation(f"{prefix}body", _pointer_of(e), _schema_message(e, "body"))
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


def _schema_message(error: Any, what: str) -> str:
    message = getattr(error, "message", None)
    if not message:
        return f"{what} is invalid: {error}"
    shown = repr(getattr(error, "instance", None))
    if len(shown) > _QUOTE_LIMIT and shown in message:  # quote the start of a huge value only
        message = message.replace(shown, _abridged(error.instance, shown))
    return str(message)


_QUOTE_LIMIT = 120


def _abridged(value: Any, shown: str) -> str:
    size = f"{len(value)} characters" if isinstance(value, str) else f"{len(shown)} characters long"
    start = repr(value[:40]) if isinstance(value, str) else shown[:40]
    return f"{start}… ({size})"


def _unreadable(value: Any, mimetype: str) -> str:
    """Why a body cannot be read as its media type, quoting where it breaks."""
    if isinstance(value, bytes):
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError as error:
            return f"the body is not UTF-8 text: byte {value[error.start]:#04x} at {error.start}"
        if negotiation.is_json(mimetype):
            try:
                strict_json(text)
            except RecursionError:
                return "the body is not valid JSON: nested too deeply"
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


def _json_or_none(body: bytes | None) -> Any:
    if not body:
        return None
    try:
        return strict_json(body)
    except (ValueError, RecursionError):
        return None
