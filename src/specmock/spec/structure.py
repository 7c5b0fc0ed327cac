"""The structural checks of an OpenAPI document: its meta-schema, then the rules no schema states.

`flaws(document)` checks the document against the OpenAPI meta-schema of its version (with
jsonschema-rs, through openapi-spec-validator), then makes the checks of openapi-spec-validator's
keyword walk over the plain document:

- tag names and operationIds are unique;
- path parameters are declared for every `{name}` of the path, and only those;
- no parameter is declared twice in one list;
- every name in the `required` list of a schema with `allOf` is a property defined somewhere;
- each `default` is valid against its schema;
- 3.1 only: each schema passes the JSON Schema 2020-12 meta-schema (the 3.1 document schema leaves
  schemas open).

An error that still lets the document be served (a flaw inside a schema object or in a value
that only documents, see `repairs`) carries a `Fix`; `api.validate_document` makes the fixes in a
copy, checks it again and reports them as warnings. Only the others refuse the API.

Patterns are checked apart from the meta-schemas, whose `format: regex` would refuse the whole
document: each `pattern` (and `patternProperties` name) that is not an ECMA-262 regular expression
(see `regexes`) is a warning naming the pattern at its place, and the API is served without it.

Why not openapi-spec-validator's own walk: it is too slow for a spec the size of GitHub's REST
spec (slower still for 3.1), it places its findings at `/` rather than at the schema, and it
refuses a whole API for a `default` that breaks its `format` (GitHub's `default: ""` on a
`format: uri` string). Here each flaw carries the JSON pointer of its place, and a `default` that
breaks only a `format` is a warning: the document is still served, since a format is an
annotation that clients rarely send defaults for.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any
from urllib.parse import unquote

import jsonschema_rs
from jsonschema.validators import extend, validator_for  # type: ignore[import-untyped]
from openapi_schema_validator import (
    OAS30Validator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from openapi_spec_validator.schemas import schema_v30, schema_v31

from specmock.digits import is_digits
from specmock.spec import regexes, repairs
from specmock.spec.refs import HTTP_METHODS, escape, pointer, unescape

Where = tuple[str | int, ...]
_DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
_MAX_REF_HOPS = 32


@dataclass(frozen=True, slots=True)
class Flaw:
    """One way a document breaks OpenAPI: the JSON pointer of the place, and what is wrong."""

    where: str
    message: str
    served: str = ""  # for a warning: how the document is served all the same
    # for an error that still lets the document be served: how a copy is repaired (`repairs`)
    fix: repairs.Fix | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Flaws:
    """A document's errors (up to the number asked for) and its warnings (all of them)."""

    errors: tuple[Flaw, ...]
    warnings: tuple[Flaw, ...]


def flaws(document: dict[str, Any], limit: int) -> Flaws:
    """The first `limit` errors of a document, meta-schema errors first, and its warnings."""
    v31 = str(document.get("openapi", "")).startswith("3.1")
    found = _first(_openapi_meta(v31).iter_errors(document), limit)
    errors = [_meta_flaw(document, error) for error in found]
    if errors:  # the rules below assume the shapes the meta-schema guarantees
        return Flaws(tuple(errors), ())
    walk = _Walk(document, v31)
    nullable = nullable_flaws(document) if v31 else iter(())
    errors = _first(chain(walk.errors(), discriminator_flaws(document), nullable), limit)
    return Flaws(tuple(errors), (*walk.warnings, *pattern_flaws(document)))


def _meta_flaw(document: dict[str, Any], error: Any) -> Flaw:
    where, message, fix = repairs.meta_fix(document, error)
    if fix is None:  # the top error says which object breaks the document's structure
        return Flaw(pointer(tuple(error.instance_path)), str(error))
    return Flaw(pointer(where), message, fix.served, fix)


# Values that hold data or names rather than schemas: a `pattern` key in them is not a keyword.
_NOT_SCHEMAS = frozenset(("example", "examples", "default", "enum", "const", "mapping", "scopes"))
_NOT_ENFORCED = "this pattern is not enforced"


def pattern_flaws(document: Any) -> list[Flaw]:
    """Each `pattern` and `patternProperties` name of a document that is not an ECMA-262 regular
    expression, as a warning at its place (extensions, examples and defaults are not read)."""
    if all(regexes.compiled(pattern) is not None for pattern, _ in _patterns(document, False)):
        return []  # the common case, found without building every place on the way
    found = (_pattern_flaw(pattern, where) for pattern, where in _patterns(document, True))
    return [flaw for flaw in found if flaw is not None]


def _patterns(document: Any, placed: bool) -> Iterator[tuple[str, Where]]:
    """Every pattern string of a document, with its place when `placed` (else an empty one)."""
    stack: list[tuple[Any, Where]] = [(document, ())]
    while stack:
        node, where = stack.pop()
        items = enumerate(node) if isinstance(node, list) else node.items()
        for key, value in items:
            if isinstance(value, (dict, list)):
                skipped = isinstance(key, str) and (key in _NOT_SCHEMAS or key.startswith("x-"))
                if not skipped:
                    stack.append((value, (*where, key) if placed else where))
                if key == "patternProperties" and isinstance(value, dict):
                    names = (name for name in value if isinstance(name, str))
                    yield from ((name, (*where, key, name) if placed else where) for name in names)
            elif key == "pattern" and isinstance(value, str):
                yield value, (*where, key) if placed else where


def _pattern_flaw(pattern: Any, where: Where) -> Flaw | None:
    reason = regexes.problem(pattern) if isinstance(pattern, str) else None
    if reason is None:
        return None
    message = f"pattern {pattern!r} is not an ECMA-262 regular expression: {reason}"
    return Flaw(pointer(where), message, _NOT_ENFORCED)


def discriminator_flaws(document: Any) -> Iterator[Flaw]:
    """Each discriminator whose `mapping` names no schema of the document (a file a bundler left
    behind, a misspelt name). The validators judge a value by its mapped schema alone and refuse
    every value it cannot find, so the discriminator is left out (a repair): the schema's
    `oneOf`/`anyOf` then judge alone, as they would without it."""
    if not any(_unmapped(document, mapping) for mapping, _ in _mappings(document, False)):
        return  # the common case, found without building every place on the way
    for mapping, where in _mappings(document, True):
        for value in _unmapped(document, mapping)[:1]:
            message = f"discriminator mapping {value!r}: {mapping[value]!r} names no schema here"
            fix = repairs.Fix(where, "without the discriminator: its oneOf/anyOf judge alone")
            yield Flaw(pointer((*where, "mapping", value)), message, fix.served, fix)


def nullable_flaws(document: Any) -> Iterator[Flaw]:
    """Each 3.0 `nullable` in a 3.1 document, wherever a schema is (components, parameters,
    request and response bodies): 3.1 has no such keyword (its validators ignore it and refuse
    null), but its author meant null to be a value, as clients and Schemathesis read it; served
    as 3.1 says it (see `repairs.nullable_fixes`)."""
    stack: list[tuple[Any, Where]] = [(document, ())]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict) and isinstance(node.get("nullable"), bool):
            for at, said, fix in repairs.nullable_fixes(node, where):
                yield Flaw(pointer(at), said, fix.served, fix)
        items = enumerate(node) if isinstance(node, list) else node.items()
        for key, value in items:
            skipped = isinstance(key, str) and (key in _NOT_SCHEMAS or key.startswith("x-"))
            if isinstance(value, (dict, list)) and not skipped:
                stack.append((value, (*where, key)))


def _mappings(document: Any, placed: bool) -> Iterator[tuple[dict[str, Any], Where]]:
    """Every discriminator `mapping` of a document, with the discriminator's place when `placed`
    (else an empty one)."""
    stack: list[tuple[Any, Where]] = [(document, ())]
    while stack:
        node, where = stack.pop()
        items = enumerate(node) if isinstance(node, list) else node.items()
        for key, value in items:
            if not isinstance(value, (dict, list)):
                continue
            if isinstance(key, str) and (key in _NOT_SCHEMAS or key.startswith("x-")):
                continue
            at = (*where, key) if placed else where
            if key == "discriminator" and isinstance(value, dict):
                if isinstance(value.get("mapping"), dict):
                    yield value["mapping"], at
                continue
            stack.append((value, at))


def _unmapped(document: Any, mapping: dict[str, Any]) -> list[str]:
    """The values of a mapping whose target is neither a local reference nor a schema's name that
    points at something."""
    found = []
    for value, target in mapping.items():
        if not isinstance(target, str):
            continue  # the meta-schema says so
        if not target.startswith("#/"):
            if "/" in target or "#" in target:
                found.append(value)
                continue
            target = f"#/components/schemas/{escape(target)}"
        try:
            _target(document, target)
        except (KeyError, IndexError, TypeError):
            found.append(value)
    return found


def _first(found: Iterator[Any], count: int) -> list[Any]:
    taken = []
    for item in found:
        taken.append(item)
        if len(taken) >= count:
            break
    return taken


def _target(document: Any, ref: str) -> tuple[Any, Where]:
    """The node a local `$ref` (`#/...`) points at, and its place; KeyError, IndexError or
    TypeError when it points nowhere (the reference checks come first and say so)."""
    target: Any = document
    parts: list[str | int] = []
    for raw in ref[2:].split("/"):
        token = unescape(unquote(raw))  # a URI fragment may percent-encode (RFC 6901, 6)
        if isinstance(target, list) and is_digits(token):
            target = target[int(token)]
            parts.append(int(token))
        else:
            target = target[token]
            parts.append(token)
    return target, tuple(parts)


class _Walk:
    """One pass over a document; each schema is visited once (by identity), however reached."""

    def __init__(self, document: dict[str, Any], v31: bool) -> None:
        self.document, self.v31 = document, v31
        validator, formats = (
            (OAS31Validator, oas31_format_checker)
            if v31
            else (OAS30Validator, oas30_format_checker)
        )
        patterns = extend(validator, {"pattern": regexes.pattern_keyword})
        self.root = patterns(document, format_checker=formats)  # `evolve` keeps its $ref resolver
        self.visited: set[int] = set()
        self.meta_checked: set[int] = set()
        self.operation_ids: set[Any] = set()
        self.warnings: list[Flaw] = []
        self.targets: dict[str, tuple[Any, Where]] = {}  # GitHub: 60,000 hops to 1,500 places

    def follow(self, node: Any, where: Where) -> tuple[Any, Where]:
        """A node with its local `$ref`s followed, and the place it was found at."""
        for _ in range(_MAX_REF_HOPS):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not isinstance(ref, str) or not ref.startswith("#/"):
                return node, where
            found = self.targets.get(ref)
            if found is None:
                found = self.targets[ref] = _target(self.document, ref)
            node, where = found
        return node, where

    def errors(self) -> Iterator[Flaw]:
        document = self.document
        if "jsonSchemaDialect" in document and not _known(document["jsonSchemaDialect"]):
            yield _unknown_dialect(document["jsonSchemaDialect"], ("jsonSchemaDialect",))
        seen: set[Any] = set()
        for index, tag in enumerate(document.get("tags") or ()):
            if tag.get("name") in seen:  # only documents: the first one is shown
                message = f"Duplicate tag name '{tag.get('name')}'"
                self.warnings.append(Flaw(pointer(("tags", index)), message, "as it is"))
            seen.add(tag.get("name"))
        for url, item in (document.get("paths") or {}).items():
            yield from self.path(url, *self.follow(item, ("paths", url)))
        schemas = (document.get("components") or {}).get("schemas") or {}
        for name, schema in schemas.items():
            yield from self.schema(schema, ("components", "schemas", name))

    def path(self, url: str, item: dict[str, Any], where: Where) -> Iterator[Flaw]:
        shared = item.get("parameters")
        if shared is not None:
            yield from self.parameters(shared, (*where, "parameters"))
        for method, operation in item.items():
            if method in HTTP_METHODS:
                found, at = self.follow(operation, (*where, method))
                yield from self.operation(url, method, found, at, shared)

    def operation(
        self, url: str, method: str, operation: dict[str, Any], where: Where, shared: Any
    ) -> Iterator[Flaw]:
        if "operationId" in operation:
            operation_id = operation["operationId"]
            if operation_id is not None and operation_id in self.operation_ids:
                message = f"Operation ID '{operation_id}' for '{method}' in '{url}' is not unique"
                yield Flaw(pointer((*where, "operationId")), message)
            self.operation_ids.add(operation_id)
        for code, response in (operation.get("responses") or {}).items():
            response, at = self.follow(response, (*where, "responses", code))
            for media_type, media in (response.get("content") or {}).items():
                media, at_media = self.follow(media, (*at, "content", media_type))
                if "schema" in media:
                    yield from self.schema(media["schema"], (*at_media, "schema"))
        names: list[Any] = []
        if "parameters" in operation:
            yield from self.parameters(operation["parameters"], (*where, "parameters"))
            names += self.path_names(operation["parameters"])
        names += self.path_names(shared or ())
        yield from self.path_parameters(url, method, set(names), where)

    def path_parameters(
        self, url: str, method: str, declared: set[Any], where: Where
    ) -> Iterator[Flaw]:
        try:
            in_url = {field for _, field, _, _ in string.Formatter().parse(url) if field}
        except ValueError as error:
            yield Flaw(pointer(where), f"path {url!r} cannot be read: {error}")
            return
        for name in sorted(in_url - declared) + sorted(declared - in_url, key=str):
            message = (
                f"Path parameter '{name}' for '{method}' operation in '{url}' was not resolved"
            )
            yield Flaw(pointer(where), message)

    def path_names(self, parameters: Any) -> list[Any]:
        found = []
        for parameter in parameters:
            parameter, _ = self.follow(parameter, ())
            if parameter.get("in") == "path":
                found.append(parameter.get("name"))
        return found

    def parameters(self, parameters: list[Any], where: Where) -> Iterator[Flaw]:
        seen = set()
        for index, parameter in enumerate(parameters):
            parameter, at = self.follow(parameter, (*where, index))
            if "schema" in parameter:
                yield from self.schema(parameter["schema"], (*at, "schema"))
            key = (parameter.get("name"), parameter.get("in"))
            if key in seen:
                yield Flaw(pointer(at), f"Duplicate parameter '{parameter.get('name')}'")
            seen.add(key)

    def schema(
        self, schema: Any, where: Where, require: bool = True, meta_checked: bool = False
    ) -> Iterator[Flaw]:
        schema, where = self.follow(schema, where)
        if not isinstance(schema, (dict, bool)):
            message = f"{repairs.quote(schema)} is not of type 'object', 'boolean'"
            fix = repairs.Fix(where, "as any value", drop=False, value={})
            yield Flaw(pointer(where), message, fix.served, fix)
            return
        key = id(schema)
        if isinstance(schema, dict) and "$schema" in schema and not _known(schema["$schema"]):
            yield _unknown_dialect(schema["$schema"], (*where, "$schema"))
            return
        if self.v31 and not meta_checked and key not in self.meta_checked:
            self.meta_checked.add(key)
            for error in _meta_2020_12().iter_errors(schema):
                leaf = repairs.deepest(error)
                inside = repairs.placed(schema, leaf.instance_path)
                fix = repairs.schema_fix(schema, where, inside, leaf.message)
                place = pointer((*where, *inside))
                yield Flaw(place, leaf.message, fix.served, fix)
                return
        if isinstance(schema, bool) or key in self.visited:
            return
        self.visited.add(key)
        if self.v31 and schema.get("type") == "null":
            yield from self.null_beside_choice(schema, where)
        if isinstance(schema.get("discriminator"), dict):
            for at, said, fix in repairs.blind_discriminator(schema, where):
                yield Flaw(pointer(at), said, fix.served, fix)
        yield from self.subschemas(schema, where, require)
        if "default" in schema:
            yield from self.default(schema, where)

    def null_beside_choice(self, schema: dict[str, Any], where: Where) -> Iterator[Flaw]:
        """`type: "null"` beside a `oneOf`/`anyOf` none of whose branches admits null: a schema
        no value meets, written for "null or one of these" (a 3.0 `nullable` restated by hand).
        Served as that: null becomes one more branch."""
        for keyword in ("oneOf", "anyOf"):
            branches = schema.get(keyword)
            if not isinstance(branches, list) or not all(map(self.not_null, branches)):
                continue
            value = {k: v for k, v in schema.items() if k != "type"}
            value[keyword] = [*branches, {"type": "null"}]
            message = f'type "null" beside a {keyword} none of whose branches is null: no value'
            fix = repairs.Fix(where, f"as null or one of its {keyword}", drop=False, value=value)
            yield Flaw(pointer(where), message, fix.served, fix)
            return

    def not_null(self, branch: Any) -> bool:
        """Whether a schema says by its `type` that null is not among its values."""
        branch, _ = self.follow(branch, ())
        kinds = branch.get("type") if isinstance(branch, dict) else None
        if isinstance(kinds, str):
            return kinds != "null"
        return isinstance(kinds, list) and bool(kinds) and "null" not in kinds

    def subschemas(self, schema: dict[str, Any], where: Where, require: bool) -> Iterator[Flaw]:
        nested: set[Any] = set()
        for keyword in ("allOf", "anyOf", "oneOf"):
            for index, inner in enumerate(schema.get(keyword) or ()):
                yield from self.schema(inner, (*where, keyword, index), False, True)
                if keyword == "allOf":
                    nested |= self.properties(inner)
        for keyword in ("not", "items"):
            if keyword in schema:
                yield from self.schema(schema[keyword], (*where, keyword), False, True)
        properties = schema.get("properties") or {}
        for name, inner in properties.items():
            yield from self.schema(inner, (*where, "properties", name), False, True)
        if "allOf" in schema and require:
            extra = list(set(schema.get("required") or ()) - set(properties) - nested)
            if extra:
                yield Flaw(pointer(where), f"Required list has not defined properties: {extra}")

    def default(self, schema: dict[str, Any], where: Where) -> Iterator[Flaw]:
        value = schema["default"]
        if value is None and schema.get("nullable") is True:
            return
        for error in self.root.evolve(schema=schema).iter_errors(value):
            if error.validator == "format":
                place = pointer((*where, "default", *error.path))
                self.warnings.append(Flaw(place, error.message, "only the format is broken"))
            else:  # a default only documents: the schema is served without it
                message = f"default {repairs.quote(value)}: {error.message}"
                fix = repairs.Fix((*where, "default"), "without this default")
                yield Flaw(pointer(fix.where), message, fix.served, fix)
                return

    def properties(self, schema: Any, seen: frozenset[int] = frozenset()) -> set[Any]:
        """Every property name a schema defines, through its combinators and items."""
        schema, _ = self.follow(schema, ())
        if not isinstance(schema, dict) or id(schema) in seen:
            return set()
        seen = seen | {id(schema)}  # a schema may contain itself through a $ref
        found = set(schema.get("properties") or {})
        for keyword in ("allOf", "anyOf", "oneOf"):
            for inner in schema.get(keyword) or ():
                found |= self.properties(inner, seen)
        for keyword in ("items", "not"):
            if keyword in schema:
                found |= self.properties(schema[keyword], seen)
        return found


def _known(dialect: Any) -> bool:
    """Whether a `$schema` names a JSON Schema dialect the validators know (draft 3 to 2020-12)."""
    return isinstance(dialect, str) and validator_for({"$schema": dialect}, None) is not None


def _unknown_dialect(dialect: Any, where: Where) -> Flaw:
    message = f"{repairs.quote(dialect)} is no JSON Schema dialect specmock knows"
    fix = repairs.Fix(where, "as the document's own dialect")
    return Flaw(pointer(where), message, fix.served, fix)


def _any_text(value: str) -> bool:
    """`format: regex` in a meta-schema: patterns are checked apart (see `pattern_flaws`)."""
    return True


@functools.cache
def _openapi_meta(v31: bool) -> Any:
    """The OpenAPI meta-schema of a version, compiled once."""
    schema = dict(schema_v31 if v31 else schema_v30)
    return jsonschema_rs.validator_for(schema, formats={"regex": _any_text})


@functools.cache
def _meta_2020_12() -> Any:
    """The JSON Schema 2020-12 meta-schema, formats included (but regex), compiled once."""
    return jsonschema_rs.validator_for(
        {"$schema": _DRAFT_2020_12, "$ref": _DRAFT_2020_12},
        validate_formats=True,
        formats={"regex": _any_text},
    )
