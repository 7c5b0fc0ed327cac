"""openapi-core's own validation stages, run on an operation we have already routed.

The one module that reaches into openapi-core's private API. We route requests ourselves, so rather
than let openapi-core's validators search the paths on every call, we hand their stages the
operation already found, and keep what they build per place. It relies on:

- `_get_parameter(parameters, param)` and `_get_body(body, mimetype, operation)` of the request
  validators: one parameter, and the body, read, cast and checked against their schema;
- `_find_operation_response(status, operation)`, `_get_headers(headers, response)` and
  `_get_data(data, mimetype, response)` of the response validators: the documented response for a
  status, its headers and its body;
- the order in which `_get_parameters` reads parameters (the operation's first, each (in, name)
  once), which `RequestStages.parameters` follows;
- the validators' `schema_validators_factory` and `style_deserializers_factory` attributes, replaced
  by `_CachingFactory`s: openapi-core builds a schema validator (deep-copying its format checker)
  and a parameter reader again for every parameter and body of every request; the readers are our
  own (`validation.styles.StyleReaders`, built on the validator's `schema_casters_factory`);
- the validators' `schema_casters_factory` (a `SchemaCastersFactory` with its
  `schema_validators_factory` and `types_caster`), rebuilt with `TextBoolean` for `boolean`,
  and their `media_type_deserializers_factory` (its `media_type_deserializers`), rebuilt on it so
  that form bodies read their fields the same way;
- `_validate_schema(schema, value)`, and the `EmptyQueryParameterValue` its parameter stage
  raises for `?name=`: an empty query value is the empty string, valid where the schema admits
  `""` (see `RequestStages.parameter_error`);
- the attributes `_get_body` hands to `schema_validators_factory.create` (`spec`,
  `format_validators`, `extra_format_validators`, `forbid_unspecified_additional_properties`,
  `enforce_properties_required`), to build a body schema's validator as it does, and that
  validator's `validator` (the jsonschema validator inside), whose errors are read directly;
- `SchemaValidatorsFactory.create` picking its validator class with `get_validator_cls`, which
  `documents.EcmaPatterns` overrides to read `pattern` as ECMA-262.

A new openapi-core release may move any of these; `tests/validation/test_core.py` calls each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from jsonschema_path import SchemaPath
from openapi_core import (
    V30RequestValidator,
    V30ResponseValidator,
    V31RequestValidator,
    V31ResponseValidator,
)
from openapi_core.casting.schemas.casters import BooleanCaster, TypesCaster
from openapi_core.casting.schemas.exceptions import CastError
from openapi_core.casting.schemas.factories import SchemaCastersFactory
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.media_types.deserializers import MediaTypeDeserializer
from openapi_core.deserializing.media_types.factories import MediaTypeDeserializersFactory
from openapi_core.deserializing.media_types.util import data_form_loads, urlencoded_form_loads
from openapi_core.deserializing.styles.exceptions import EmptyQueryParameterValue
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.request.exceptions import (
    InvalidParameter,
    MissingParameter,
    MissingRequestBody,
    ParameterValidationError,
    RequestBodyValidationError,
)
from openapi_core.validation.response.exceptions import DataValidationError, HeadersError
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue

from specmock.spec.api import Operation
from specmock.validation import negotiation
from specmock.validation.documents import ALLOW_EMPTY, EcmaPatterns
from specmock.validation.styles import StyleReaders

Place = tuple[str, str]  # a parameter's (in, name)
# an operation's spec path, and its parameters' with their places
_OperationPaths = tuple[SchemaPath, list[tuple[Place, SchemaPath]]]

# What openapi-core's readers raise on input they cannot read: its form and multipart readers
# assert on a malformed body (a part without a name, say). That is the client's broken body (or
# the server's broken answer), not our fault.
READER_FAULTS = (AssertionError, ValueError, TypeError, LookupError, RecursionError)


class RequestStages:
    """openapi-core's request stages on one API's document, per routed operation."""

    def __init__(self, document: Mapping[str, Any], legacy: bool, readers: dict[str, Any]) -> None:
        """`legacy`: a 3.0 document (else 3.1); `readers`: media type -> body deserializer."""
        self._spec = SchemaPath.from_dict(document)
        self._validator = _openapi_core_validator(
            V30RequestValidator if legacy else V31RequestValidator, self._spec, readers
        )
        self._operations: dict[tuple[str, str], _OperationPaths] = {}
        self._body_schemas: dict[tuple[str, str, str], Any] = {}

    def parameters(self, operation: Operation) -> list[tuple[Place, SchemaPath]]:
        """The operation's parameters with their (in, name), as openapi-core reads them."""
        return self._paths(operation)[1]

    def parameter_error(
        self, given: RequestParameters, parameter: SchemaPath
    ) -> ParameterValidationError | None:
        """Why openapi-core refuses a parameter's value (None: valid, or optional and absent).

        An empty query value (`?cursor=`) is the empty string, judged by the schema like any
        other value: real servers read it so, and Schemathesis sends it wherever the schema
        admits `""`. openapi-core refuses it unless the parameter has `allowEmptyValue`, which
        OpenAPI deprecates; only values its caster reads as `""` reach that check (an empty
        integer is already "not a valid integer"). With `allowEmptyValue: true` an empty value
        is accepted whatever the schema, as that keyword promises (and Schemathesis reads it)."""
        if _allowed_empty(given, parameter):
            return None
        try:
            self._validator._get_parameter(given, parameter)
        except MissingParameter:
            return None
        except ParameterValidationError as error:
            if isinstance(error.__cause__, EmptyQueryParameterValue):
                return self._empty_value_error(parameter)
            return error
        return None

    def _empty_value_error(self, parameter: SchemaPath) -> ParameterValidationError | None:
        """Why the schema refuses `""` for a parameter (None: it admits it)."""
        try:
            self._validator._validate_schema(parameter / "schema", "")
        except InvalidSchemaValue as refused:
            error = InvalidParameter.from_spec(parameter)
            error.__cause__ = refused
            return error
        return None

    def body_error(
        self, operation: Operation, body: bytes | None, content_type: str
    ) -> Exception | None:
        """Why openapi-core refuses the body: its `RequestBodyValidationError`, or one of
        `READER_FAULTS` its reader raised (None: valid, or optional and absent)."""
        spec, _ = self._paths(operation)
        try:
            self._validator._get_body(body, _documented(spec, content_type), spec)
        except MissingRequestBody:
            return None
        except RequestBodyValidationError as error:
            return error
        except READER_FAULTS as fault:
            return fault
        return None

    def body_value(self, operation: Operation, body: bytes | None, content_type: str) -> Any:
        """A valid body as openapi-core reads it for its media type: a form's fields typed by
        their schemas (`age=3` -> 3); None where it cannot read it."""
        spec, _ = self._paths(operation)
        try:
            return self._validator._get_body(body, _documented(spec, content_type), spec)
        except (MissingRequestBody, RequestBodyValidationError, *READER_FAULTS):
            return None

    def sent_fields(self, body: bytes, content_type: str) -> list[str] | None:
        """The names of the fields a URL-encoded or multipart body sends, each time sent, as
        openapi-core's reader finds them (None: no such body, or one it cannot read)."""
        essence = negotiation.essence(content_type)
        reader = _FIELD_READERS.get(essence.split("/")[0] if "multipart/" in essence else essence)
        if reader is None:
            return None
        parameters = _media_parameters(content_type)
        try:
            return [name for name, _ in reader(body, **parameters).items(multi=True)]
        except READER_FAULTS:
            return None

    def body_schema(self, operation: Operation, media_type: str) -> Any:
        """The jsonschema validator that openapi-core checks a body of `media_type` with (what
        `_get_body` ends in, without finding and reading the body again), built once.

        Its errors are read as openapi-core's `validate` raises them, without reading the schema's
        type through the spec path for the exception, which nothing here uses."""
        key = (operation.path, operation.method, media_type)
        if key not in self._body_schemas:
            core = self._validator
            spec, _ = self._paths(operation)
            built = core.schema_validators_factory.create(
                core.spec,
                spec / "requestBody" / "content" / media_type / "schema",
                format_validators=core.format_validators,
                extra_format_validators=core.extra_format_validators,
                forbid_unspecified_additional_properties=core.forbid_unspecified_additional_properties,
                enforce_properties_required=core.enforce_properties_required,
            )
            self._body_schemas[key] = built.validator
        return self._body_schemas[key]

    def _paths(self, operation: Operation) -> _OperationPaths:
        """The operation's spec path and its parameters' with their (in, name) (the operation's
        first, each once, as openapi-core's `_get_parameters` reads them), found once."""
        key = (operation.path, operation.method)
        if key not in self._operations:
            path_item = self._spec / "paths" / operation.path
            spec = path_item / operation.method
            parameters: dict[Place, SchemaPath] = {}
            for holder in (spec, path_item):
                for parameter in holder.get("parameters", ()):
                    place = ((parameter / "in").read_str(), (parameter / "name").read_str())
                    if not _ignored(place):
                        parameters.setdefault(place, parameter)
            self._operations[key] = (spec, list(parameters.items()))
        return self._operations[key]


def _ignored(place: Place) -> bool:
    where, name = place
    return where == "header" and name.lower() in negotiation.IGNORED_HEADER_PARAMETERS


def _allowed_empty(given: RequestParameters, parameter: SchemaPath) -> bool:
    """Whether a query parameter with `allowEmptyValue: true` is sent once, empty."""
    if (parameter / "in").read_str() != "query":
        return False
    query: Any = given.query
    name = (parameter / "name").read_str()
    values = query.getlist(name) if hasattr(query, "getlist") else [query.get(name)]
    return values == [""] and (parameter / ALLOW_EMPTY).read_bool(default=False) is True


class ResponseStages:
    """openapi-core's response stages on one API's document, per routed operation."""

    def __init__(self, document: Mapping[str, Any], legacy: bool, readers: dict[str, Any]) -> None:
        """`legacy`: a 3.0 document (else 3.1); `readers`: media type -> body deserializer."""
        self._spec = SchemaPath.from_dict(document)
        self._validator = _openapi_core_validator(
            V30ResponseValidator if legacy else V31ResponseValidator, self._spec, readers
        )

    def response(self, operation: Operation, status: int) -> SchemaPath | ResponseNotFound:
        """The response documented for `status` (exactly, by a range such as `4XX`, or by
        `default`), or openapi-core's `ResponseNotFound` naming the documented ones."""
        spec = self._spec / "paths" / operation.path / operation.method
        try:
            found: SchemaPath = self._validator._find_operation_response(status, spec)
        except ResponseNotFound as error:
            return error
        return found

    def headers_error(
        self, response: SchemaPath, headers: Mapping[str, str]
    ) -> HeadersError | None:
        """Why openapi-core refuses the documented headers (`headers` read in any case)."""
        try:
            self._validator._get_headers(_CaselessHeaders(headers), response)
        except HeadersError as error:
            return error
        return None

    def data_error(self, response: SchemaPath, body: bytes, content_type: str) -> Exception | None:
        """Why openapi-core refuses the body: its `DataValidationError` (`MissingData` for an
        empty one), or one of `READER_FAULTS` its reader raised (None: valid)."""
        try:
            self._validator._get_data(body, content_type, response)
        except DataValidationError as error:
            return error
        except READER_FAULTS as fault:
            return fault
        return None


class _CachingFactory:
    """One of openapi-core's factories, keeping what it builds per argument list.

    What it builds depends only on the arguments (a place in this API's spec, a style), so one per
    place is enough; each stage object keeps its own, for its own spec.
    """

    def __init__(self, factory: Any) -> None:
        self._factory = factory
        self._built: dict[Any, Any] = {}

    def create(self, *args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(sorted(kwargs.items())))
        try:
            return self._built[key]
        except KeyError:
            built = self._built[key] = self._factory.create(*args, **kwargs)
            return built
        except TypeError:  # an argument that is no key (a dict of extra validators)
            return self._factory.create(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._factory, name)


_V = TypeVar("_V")


def _openapi_core_validator(
    validator_cls: Callable[..., _V], spec: SchemaPath, readers: dict[str, Any]
) -> _V:
    """An openapi-core validator of `spec` whose schema validators and parameter readers are
    kept, reading bodies with `readers` (media type -> deserializer) and parameters with
    `StyleReaders`."""
    validator = validator_cls(spec, extra_media_type_deserializers=readers)
    casters = _text_booleans(getattr(validator, "schema_casters_factory"))  # noqa: B009
    media_types = getattr(validator, "media_type_deserializers_factory")  # noqa: B009
    bodies = _TypedPartsFactory.from_schema_casters_factory(
        casters, media_type_deserializers=media_types.media_type_deserializers
    )
    setattr(validator, "schema_casters_factory", casters)  # noqa: B010
    setattr(validator, "media_type_deserializers_factory", bodies)  # noqa: B010
    readers_of_styles = StyleReaders(casters)
    setattr(validator, "style_deserializers_factory", readers_of_styles)  # noqa: B010
    wrappers: dict[str, Callable[[Any], Any]] = {
        "schema_validators_factory": lambda factory: _CachingFactory(EcmaPatterns(factory)),
        "style_deserializers_factory": _CachingFactory,
    }
    for name, wrap in wrappers.items():
        setattr(validator, name, wrap(getattr(validator, name)))
    return validator


_FIELD_READERS: dict[str, Callable[..., Any]] = {
    negotiation.FORM: urlencoded_form_loads,
    "multipart": data_form_loads,
}


def _media_parameters(content_type: str) -> dict[str, str]:
    """A media type's parameters by lower-case name (`boundary`, `charset`), unquoted."""
    found = {}
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        found[name.strip().lower()] = value.strip().strip('"')
    return found


def _documented(operation: SchemaPath, content_type: str) -> str:
    """The media type to hand openapi-core for a body: the documented key itself where that key
    has parameters (`application/json;version=2`), which openapi-core finds only by its exact
    text; else the request's own (its parameters, like a multipart boundary, are needed)."""
    content = operation / "requestBody" / "content"
    if "requestBody" not in operation or "content" not in operation / "requestBody":
        return content_type
    key = negotiation.documented_type(content_type, [str(k) for k in content.keys()])  # noqa: SIM118
    return key if key is not None and ";" in key else content_type


class TextBoolean(BooleanCaster):
    """A boolean written as text (a parameter, a form field) is `true` or `false`, as JSON writes
    it. openapi-core also reads `1`, `yes`, `on`, `t`, `y` and their opposites, which a schema's
    `type: boolean` does not admit: `?flag=0` is a string, and refused like one."""

    def validate(self, value: Any) -> None:
        if not isinstance(value, bool) and value not in ("true", "false"):
            raise ValueError(f"{value!r} is not a boolean: write true or false")


def _text_booleans(factory: SchemaCastersFactory) -> SchemaCastersFactory:
    given = factory.types_caster
    casters = {**given.casters, "boolean": TextBoolean}
    types = TypesCaster(casters, given.default, multi=given.multi)
    return SchemaCastersFactory(factory.schema_validators_factory, types)


class _TypedParts(MediaTypeDeserializer):
    """A multipart body whose text parts are read by their schema's type, as a form's fields are:
    a part `n` of `1` under `type: integer` is 1. OpenAPI writes a primitive part as text/plain,
    and openapi-core leaves it a string, which its own schema then refuses (`'1' is not of type
    'integer'`). A part its type cannot read stays text, refused as such; `null` is a nullable
    one's null."""

    def decode_property_content_type(
        self,
        prop_name: str,
        prop_schema: SchemaPath,
        location: Mapping[str, Any],
        prop_encoding: SchemaPath | None = None,
    ) -> Any:
        value = super().decode_property_content_type(
            prop_name, prop_schema, location, prop_encoding
        )
        typed = (prop_schema / "type").read_str("") in _TEXT_TYPED
        if self.schema_caster is None or not typed or not isinstance(value, str):
            return value
        if value == "null" and (prop_schema / "nullable").read_bool(default=False):
            return None  # a 3.0 nullable number's null, written as JSON writes it
        try:
            return self.schema_caster.evolve(prop_schema).cast(value)
        except (CastError, ValueError, TypeError):
            return value


_TEXT_TYPED = frozenset({"integer", "number", "boolean"})


class _TypedPartsFactory(MediaTypeDeserializersFactory):
    """openapi-core's body readers, multipart ones reading their text parts by type."""

    def create(self, *args: Any, **kwargs: Any) -> MediaTypeDeserializer:
        built = super().create(*args, **kwargs)
        if not built.mimetype.startswith("multipart"):
            return built
        return _TypedParts(
            built.spec,
            built.style_deserializers_factory,
            built.media_types_deserializer,
            built.mimetype,
            schema=built.schema,
            schema_validator=built.schema_validator,
            schema_caster=built.schema_caster,
            encoding=built.encoding,
            **built.parameters,
        )


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
