"""Documents prepared for openapi-core, and compiled checks of their schemas as it reads them.

openapi-core validates against the document as it is given, so what it cannot read (3.1 type lists
in parameters) or reads for 3.0 only (readOnly and writeOnly) is restated here once per API, and
its JSON readers are strict. `request_compiler` compiles schemas as openapi-core's request
validators judge them, for the fast path, and `ecma_patterns` has openapi-core read `pattern` as
every other check of specmock's does (ECMA-262, see `regexes`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from jsonschema.validators import extend  # type: ignore[import-untyped]
from jsonschema_path import SchemaPath
from openapi_core.validation.schemas.factories import SchemaValidatorsFactory
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator
from openapi_schema_validator.validators import OAS30_VALIDATORS

from specmock.schemas.compiled import WHOLE, SchemaCompiler, Unsupported
from specmock.spec import regexes
from specmock.spec.dialects import null_choice, nullable_choice, restate_30
from specmock.spec.parsing import strict_json
from specmock.spec.refs import follow
from specmock.validation import negotiation

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Where `allowEmptyValue` is kept in the validator's document (see `validator_document`).
ALLOW_EMPTY = "x-specmock-allowEmptyValue"
# Parameter keywords openapi-core only warns about (a DeprecationWarning on every request that
# has them), and the extension each is kept under (None: dropped).
_WARNED = {"allowEmptyValue": ALLOW_EMPTY, "deprecated": None}


def validator_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document as openapi-core's parameter readers can take it.

    They read a parameter's (or a form field's) `type` as one string and fail on 3.1 type lists
    such as `["integer", "null"]`; a value on the wire is never JSON null, so such a schema
    becomes its one non-null type (or no `type` when there are several). A multipart part's
    `style` is dropped (see `_part_styles`). A parameter's
    `allowEmptyValue` and `deprecated` only make it warn on every request, so the first is kept
    under `ALLOW_EMPTY` (`validation.core` reads it) and the second dropped. A document with none
    of these (most 3.0 documents) is used as it is, not copied: a large spec's deep copy would
    slow the start. A 3.0 `nullable` beside a `oneOf`/`anyOf` is restated first (see
    `nullable_choices`).
    """
    document = nullable_choices(document)
    if not _single_types(document, apply=False):
        return dict(document)
    result = copy.deepcopy(dict(document))
    _single_types(result, apply=True)
    return result


def nullable_choices(document: Mapping[str, Any]) -> dict[str, Any]:
    """A 3.0 document where `nullable: true` beside an `allOf`/`anyOf`/`oneOf` and no `type`
    admits null: the schema becomes "null, or the schema without `nullable`"; only the
    containers on the way to such schemas are copied.

    OpenAPI 3.0.3 says `nullable` adds null only to an explicit `type`, but specs write it
    beside a choice or a composition to mean "null or this" (GitHub's `milestone`, Asana's
    `current_status`), and clients and Schemathesis send null there; openapi-core refused it."""
    if not str(document.get("openapi", "")).startswith("3.0"):
        return dict(document)
    return dict(_nullable_restated(document))


def _nullable_restated(node: Any) -> Any:
    """`node` with its nullable choices restated (see `nullable_choices`); the node itself where
    nothing in it is, so that only the containers on the way to one are copied."""
    if isinstance(node, list):
        items = [_nullable_restated(item) for item in node]
        changed = any(new is not old for new, old in zip(items, node, strict=True))
        return items if changed else node
    if not isinstance(node, dict):
        return node
    result = node
    for key, value in node.items():
        skipped = isinstance(key, str) and (key in _NOT_SCHEMAS or key.startswith("x-"))
        if skipped or not isinstance(value, (dict, list)):
            continue
        restated = _nullable_restated(value)
        if restated is not value:
            result = dict(result) if result is node else result
            result[key] = restated
    wrapped = _null_branch(result)
    return result if wrapped is None else wrapped


_NOT_SCHEMAS = frozenset(("example", "examples", "default", "enum", "const", "mapping"))


def _null_branch(schema: dict[str, Any]) -> dict[str, Any] | None:
    """`schema` as "null, or `schema` without `nullable`", where `nullable` asks for it."""
    if schema.get("nullable") is not True or "type" in schema:
        return None
    if not any(isinstance(schema.get(keyword), list) for keyword in _CHOICES):
        return None
    rest = {key: value for key, value in schema.items() if key != "nullable"}
    return {"anyOf": [rest, {"enum": [None]}]}


_CHOICES = ("allOf", "anyOf", "oneOf")


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


def single_type(schema: Any) -> Any:
    """A schema whose `type` list names one type besides "null", with that one type (with several,
    no `type`); any other schema as it is."""
    if not isinstance(schema, dict) or not isinstance(schema.get("type"), list):
        return schema
    kinds = [kind for kind in schema["type"] if kind != "null"]
    rewritten = {key: value for key, value in schema.items() if key != "type"}
    if len(kinds) == 1:
        rewritten["type"] = kinds[0]
    return rewritten


def _single_types(document: Mapping[str, Any], apply: bool) -> bool:
    """Whether any parameter, header or form field has a type list, or a parameter a keyword
    openapi-core warns about (rewritten when `apply`)."""
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
    if not isinstance(parameter, dict):
        return False
    warned = sorted(_WARNED.keys() & parameter.keys())
    if apply:
        for keyword in warned:
            value = parameter.pop(keyword)
            if _WARNED[keyword]:
                parameter[_WARNED[keyword]] = value
    if not isinstance(parameter.get("schema"), dict):
        return bool(warned)
    schema = follow(document, parameter["schema"])
    value, marked = _without_access(document, schema)
    if apply:
        parameter["schema"] = single_type(value)
    return _has_type_list(schema) or bool(warned) or marked


_ACCESS = frozenset(("readOnly", "writeOnly"))
_VALUE_PARTS = ("allOf", "anyOf", "oneOf")


def _without_access(document: Mapping[str, Any], schema: Any, depth: int = 0) -> tuple[Any, bool]:
    """A parameter's schema without `readOnly`/`writeOnly` on the value itself (through its
    combinators and their references), and whether it had any. OpenAPI 3.0 gives them meaning on
    properties only, but openapi-core's 3.0 request validator refuses any value under a
    `readOnly`: a path parameter whose schema `$ref`s a record's read-only `id` (DigitalOcean)
    refused every id."""
    schema = follow(document, schema)
    if not isinstance(schema, dict) or depth > _MAX_ACCESS_DEPTH:
        return schema, False
    marked = bool(_ACCESS & schema.keys())
    result = {key: value for key, value in schema.items() if key not in _ACCESS}
    for keyword in _VALUE_PARTS:
        if isinstance(schema.get(keyword), list):
            parts = [_without_access(document, part, depth + 1) for part in schema[keyword]]
            result[keyword] = [part for part, _ in parts]
            marked |= any(found for _, found in parts)
    return (result, True) if marked else (schema, False)


_MAX_ACCESS_DEPTH = 8  # combinators nest a few levels; a cycle of references stops here


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
        if negotiation.essence(media_type) == "multipart/form-data":
            found |= _part_styles(media, apply)
        schema = follow(document, media.get("schema")) if isinstance(media, dict) else None
        if negotiation.essence(media_type) in _FORM_TYPES and isinstance(schema, dict):
            properties = schema.get("properties") or {}
            for name, field in list(properties.items()):
                resolved = follow(document, field)
                found |= _has_type_list(resolved)
                if apply:
                    properties[name] = single_type(resolved)
    return found


def _part_styles(media: Any, apply: bool) -> bool:
    """Whether a multipart body's `encoding` gives a part a `style`, `explode` or
    `allowReserved` (dropped when `apply`): each part is read by its content type instead.

    OpenAPI 3.0 says these SHALL be ignored outside `application/x-www-form-urlencoded`; 3.1
    lets them apply to `multipart/form-data` without saying how a part is written, and clients
    (Schemathesis among them) send each part in its content type, as openapi-core reads parts
    without the style (with it, its readers fail on a part's bytes)."""
    encoding = media.get("encoding") if isinstance(media, dict) else None
    found = False
    for part in encoding.values() if isinstance(encoding, dict) else ():
        styled = _PART_STYLE.intersection(part) if isinstance(part, dict) else ()
        found |= bool(styled)
        for keyword in styled if apply else ():
            del part[keyword]
    return found


_PART_STYLE = frozenset(("style", "explode", "allowReserved"))


def _has_type_list(schema: Any) -> bool:
    return isinstance(schema, dict) and isinstance(schema.get("type"), list)


def json_deserializers(document: Mapping[str, Any]) -> dict[str, Any]:
    """Strict JSON readers for `application/json` and the document's `+json` media types (which
    openapi-core would otherwise leave as bytes)."""
    return request_readers(document)[0]


def request_readers(document: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """`json_deserializers`, and strict JSON readers for the document's XML types (and
    `application/xml`, `text/xml`): an XML request body reaches openapi-core already read by its
    schema as JSON (see `ApiValidator.check`), never as XML text; with them, `read_octets` for
    the types whose bodies are octets. One walk finds them all."""
    types: dict[str, None] = {}
    _collect_media_types(document, types)
    json_types = [m for m in types if negotiation.essence(m).endswith("+json")]
    xml_types = ["application/xml", "text/xml", *(m for m in types if negotiation.is_xml(m))]
    octet_types = [m for m in types if _octets(m)]
    return (
        dict.fromkeys(("application/json", *json_types), read_json),
        dict.fromkeys(("application/octet-stream", *octet_types), read_octets)
        | dict.fromkeys(xml_types, read_json),
    )


def _octets(media_type: str) -> bool:
    """Whether a body of this media type is taken as it comes (no JSON, XML, form or text; not
    a media range, which a JSON body may be sent under)."""
    essence = negotiation.essence(media_type)
    return not (
        "*" in essence
        or essence == "application/json"
        or essence.endswith("+json")
        or negotiation.is_xml(media_type)
        or essence in _FORM_TYPES
        or essence.startswith(("text/", "multipart/"))
    )


def read_octets(data: bytes | str, **_parameters: str) -> str:
    """A body (or a multipart part) of octets as the string its schema judges, one character per
    octet so that `maxLength` counts octets: a JSON Schema `type: string` (3.1's validators, and
    3.0's without `format: binary`) refuses Python bytes, so an image sent to an operation that
    documents `type: string, format: binary` would be refused."""
    return data.decode("latin-1") if isinstance(data, bytes) else data


def read_json(data: bytes | str, **_parameters: str) -> Any:
    """`strict_json`, called as openapi-core calls a reader: with the media type's parameters
    (`charset=utf-8`, `version=2`). JSON is UTF-8 whatever they say (RFC 8259)."""
    return strict_json(data)


_NOT_CONTENT = frozenset(("schema", "schemas", "example", "examples"))


def _collect_media_types(node: Any, found: dict[str, None]) -> None:
    """Media types of every `content` map, skipping schemas and examples (none is there)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "content" and isinstance(value, dict):
                found.update(dict.fromkeys(value))
            if key not in _NOT_CONTENT:
                _collect_media_types(value, found)
    elif isinstance(node, list):
        for item in node:
            _collect_media_types(item, found)


class EcmaPatterns(SchemaValidatorsFactory):
    """One of openapi-core's schema validator factories, whose validators read `pattern` as
    ECMA-262 with the `u` flag, as specmock's compiled checks do (openapi-schema-validator reads it
    without the flag, and refuses every value for a pattern it cannot compile: that pattern is
    left unenforced here, as the structural checks' warning says)."""

    def __init__(self, factory: SchemaValidatorsFactory) -> None:
        super().__init__(factory.schema_validator_cls, factory.format_checker)
        self._factory = factory
        self._classes: dict[type, type] = {}

    def get_validator_cls(self, spec: SchemaPath, schema: SchemaPath) -> Any:
        chosen = self._factory.get_validator_cls(spec, schema)
        found = self._classes.get(chosen)
        if found is None:
            keywords = {"pattern": regexes.pattern_keyword}
            if chosen.VALIDATORS.get("type") is OAS30_VALIDATORS["type"]:
                given = chosen.VALIDATORS
                keywords |= {key: _or_null(given[key]) for key in _CHOICES_AND_REFS if key in given}
            found = self._classes[chosen] = extend(chosen, keywords)
        return found


_CHOICES_AND_REFS = ("$ref", "allOf", "oneOf", "anyOf")


def _or_null(keyword: Any) -> Any:
    """A 3.0 validator's `$ref` or combination keyword that admits null where the schema is a
    `dialects.nullable_choice` (openapi-core reads `nullable` only beside a `type`)."""

    def check(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
        if instance is None and nullable_choice(schema):
            return iter(())
        return keyword(validator, value, instance, schema)

    return check


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
    """One 3.0 schema object in 2020-12 terms, as a request is checked against it: the shared
    restatement (`dialects.restate_30`) of the keywords openapi-core's 3.0 validators read, after
    refusing what it would leave as is (a list `type`, a bound flag that is not a boolean)."""
    if schema.get("readOnly"):
        return False  # openapi-core refuses any value for a readOnly schema in a request
    kind = schema.get("type")
    if kind is not None and not isinstance(kind, str):
        raise Unsupported(f"type {kind!r} in an OpenAPI 3.0 schema")
    for flag in ("exclusiveMinimum", "exclusiveMaximum"):
        if not isinstance(schema.get(flag, False), bool):
            raise Unsupported(f"{flag} {schema[flag]!r} in an OpenAPI 3.0 schema")
    read = {key: value for key, value in schema.items() if key in _OAS30_KEYWORDS}
    if isinstance(schema.get("nullable"), bool):
        read["nullable"] = schema["nullable"]  # not a validator keyword: restate_30 reads it
    view = restate_30(read)
    if nullable_choice(schema):
        view = null_choice(view)
    if kind == "integer":
        view[WHOLE] = True  # the 3.0 type checker takes no float for an integer, not even 1.0
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
