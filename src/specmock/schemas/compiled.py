"""Compiled schema checks (jsonschema-rs): a fast yes, never a looser one.

openapi-core stays the authority on what a request may hold, and synthesis' checker on what an
answer may hold. A compiled check is built so that it is never more lenient than its authority:
when it says valid, the authority would too; when it says invalid, the caller asks the authority,
which decides and explains. A check may be stricter than needed (that costs a slow path, never a
wrong answer). Schemas it cannot restate faithfully (a discriminator, `patternProperties`, a
`$schema` switch, a `$ref` outside the document) get no check at all: None, and every value goes
to the authority.

Each schema is restated in JSON Schema 2020-12 by the caller's one-level `restate` (OpenAPI 3.0's
`nullable`, boolean exclusive bounds, readOnly or writeOnly by direction); the targets of local
`$ref`s are copied in beside it. `pattern` is matched as ECMA-262 (`regexes`, as every check of
specmock's reads it: a pattern that is not ECMA-262 is not enforced) and `format` by the
authority's own format checker (called from Rust), so those two agree by construction. Checks are
compiled on first use and kept, per schema object.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import jsonschema_rs
from jsonschema import FormatChecker  # type: ignore[import-untyped]
from openapi_schema_validator import _format as oas_format  # its check functions, to recognise

from specmock.spec import regexes
from specmock.spec.keywords import SUBSCHEMA, SUBSCHEMA_LISTS, SUBSCHEMA_MAPS
from specmock.spec.perobject import PerObject
from specmock.spec.refs import resolve_pointer

Check = Callable[[Any], bool]
Restate = Callable[[Mapping[str, Any]], "Mapping[str, Any] | bool"]


class Unsupported(Exception):
    """A schema the compiled check cannot restate faithfully."""


# The subschema keywords a 2020-12 validator applies, walked to restate what they hold:
# `additionalItems` (gone from 2020-12) and `contentSchema` (an annotation) apply nothing, so they
# are passed on as they are. (`patternProperties` is refused before it is looked up.)
_ONE = tuple(key for key in SUBSCHEMA if key not in ("additionalItems", "contentSchema"))
# Keywords the authority reads its own way, or that would change how the rest is read.
_REFUSED = frozenset(
    (
        "discriminator",
        "patternProperties",
        "$schema",
        "$id",
        "$anchor",
        "$dynamicRef",
        "$dynamicAnchor",
        "$recursiveRef",
        "$recursiveAnchor",
        "$vocabulary",
    )
)
_PATTERN = "x-specmock-pattern"
_FORMAT = "x-specmock-format"
# For a restate to use: an integer that is written as one (`1`, not `1.0`), as draft 4 and
# OpenAPI 3.0's type checker have it; 2020-12 alone takes `1.0`.
WHOLE = "x-specmock-whole"
_DEFS = "x-specmock-defs"  # where `$ref` targets go (not `$defs`: a schema may have its own)


class _Pattern:
    """`pattern` as the authorities read it: an ECMA-262 search on strings (none for a pattern
    that is not ECMA-262)."""

    def __init__(self, parent: Any, value: Any, schema: Any) -> None:
        if not isinstance(value, str):
            raise Unsupported(f"pattern {value!r} is not a string")
        self._source = value
        self._regex = regexes.compiled(value)

    def validate(self, instance: Any) -> None:
        regex = self._regex
        if regex is not None and isinstance(instance, str) and not regexes.search(regex, instance):
            raise ValueError(f"{instance!r} does not match {self._source!r}")


class _Whole:
    def __init__(self, parent: Any, value: Any, schema: Any) -> None:
        self._on = value is True

    def validate(self, instance: Any) -> None:
        if self._on and isinstance(instance, float):
            raise ValueError(f"{instance!r} is not an integer")


def _format_keyword(checker: FormatChecker) -> type:
    """`format` as the authority reads it: its own check function, on values of every type, so
    jsonschema-rs's own format checks never come into it."""

    class Format:
        def __init__(self, parent: Any, value: Any, schema: Any) -> None:
            self._name = str(value)
            self._function, self._raises = checker.checkers[self._name]

        def validate(self, instance: Any) -> None:
            if instance is None:
                return
            try:
                valid = self._function(instance)
            except self._raises:
                valid = False
            if not valid:
                raise ValueError(f"{instance!r} is not a {self._name!r}")

    return Format


# OpenAPI's numeric formats, restated without a call back into Python (a call per value): int32
# and int64 bound integers (as plain bounds they also bound floats, which only makes the check
# stricter); float, double, password and binary let every JSON value through.
_BOUNDS = {
    oas_format.is_int32: {"minimum": -(2**31), "maximum": 2**31 - 1},
    oas_format.is_int64: {"minimum": -(2**63), "maximum": 2**63 - 1},
}
_EVERYTHING = frozenset((oas_format.is_float, oas_format.is_double, oas_format.is_password)) | {
    oas_format.is_binary_pragmatic
}


# Compiled checks kept per document: more than GitHub's spec has objects outside its examples
# (72,526), so only a caller making new schema objects ever reaches it.
_KEPT_CHECKS = 100_000


class SchemaCompiler:
    """Compiled checks for the schemas of one document, each built on first use and kept.

    `restate` turns one schema object (its own keywords, not its subschemas) into 2020-12 terms;
    `formats` is the authority's format checker.
    """

    def __init__(
        self, document: Mapping[str, Any], restate: Restate, formats: FormatChecker
    ) -> None:
        self._document = document
        self._restate = restate
        self._keywords = {_PATTERN: _Pattern, _FORMAT: _format_keyword(formats), WHOLE: _Whole}
        self._format_functions = {name: entry[0] for name, entry in formats.checkers.items()}
        # bounded: a caller handing in a new schema object on every call must not grow it for good
        self._checks: PerObject[Compiled | Check | None] = PerObject(limit=_KEPT_CHECKS)
        self._names: dict[str, str] = {}  # $ref pointer -> name under $defs
        self._defs: dict[str, Any] = {}  # name -> restated schema
        self._uses: dict[str, set[str]] = {}  # name -> names its schema refers to
        self._broken: set[str] = set()  # names whose schema has no compiled check

    def check(self, schema: Any) -> Compiled | Check | None:
        """The compiled check of `schema`, or None when it has none (see the module doc)."""
        return self._checks.get(schema, lambda: self._compile(schema))

    def _compile(self, schema: Any) -> Compiled | Check | None:
        uses: set[str] = set()
        try:
            root = self._walk(schema, uses)
            needed = self._closure(uses)
        except (Unsupported, KeyError, ValueError, TypeError, RecursionError):
            return None
        if isinstance(root, bool):
            return (lambda value: True) if root else None
        properties = self._declared(root)
        if needed:
            root = {**root, _DEFS: {name: self._defs[name] for name in needed}}
        try:
            validator = jsonschema_rs.Draft202012Validator(
                root, validate_formats=False, keywords=self._keywords
            )
        except (ValueError, TypeError, Unsupported, jsonschema_rs.ValidationError):
            return None
        return Compiled(validator, properties)

    def _declared(self, root: Mapping[str, Any]) -> frozenset[str] | None:
        """The declared properties of an object schema (restated, behind `$ref`s with nothing
        beside them) whose values only their own schema judges; None for any other schema."""
        for _ in range(len(self._defs) + 1):
            if set(root) != {"$ref"}:
                break
            root = self._defs[str(root["$ref"]).rsplit("/", 1)[-1]]
            if isinstance(root, bool):
                return None
        properties = root.get("properties")
        if not isinstance(properties, Mapping) or any(key in _APPLYING for key in root):
            return None
        return frozenset(properties)

    def _walk(self, node: Any, uses: set[str]) -> Any:
        if isinstance(node, bool):
            return node
        if not isinstance(node, Mapping):
            raise Unsupported(f"a schema must be an object or a boolean, not {node!r}")
        restated = self._restate(node)
        if isinstance(restated, bool):
            return restated
        result: dict[str, Any] = {}
        bounds: list[Any] = []
        for key, value in restated.items():
            if key in _REFUSED:
                raise Unsupported(key)
            if key == "$ref":
                result[key] = f"#/{_DEFS}/{self._ref(value, uses)}"
            elif key == "pattern":
                result[_PATTERN] = value
            elif key == "format":
                function = self._format_functions.get(value)
                if function in _BOUNDS:
                    bounds.append(_BOUNDS[function])
                elif function is not None and function not in _EVERYTHING:
                    result[_FORMAT] = value  # (a format the authority does not know passes)
            elif key in _ONE:
                if key == "items" and isinstance(value, list):
                    raise Unsupported("items as a list")
                result[key] = self._walk(value, uses)
            elif key in SUBSCHEMA_LISTS:
                result[key] = [self._walk(item, uses) for item in _sequence(value)]
            elif key in SUBSCHEMA_MAPS:
                result[key] = {name: self._walk(item, uses) for name, item in _map(value).items()}
            else:
                result[key] = value
        if bounds:
            result["allOf"] = [*result.get("allOf", []), *bounds]
        return result

    def _ref(self, ref: Any, uses: set[str]) -> str:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise Unsupported(f"$ref {ref!r} is not local")
        name = self._names.get(ref)
        if name is None:
            target = resolve_pointer(self._document, ref[1:])
            name = self._names[ref] = f"s{len(self._names)}"
            own: set[str] = set()
            self._uses[name] = own
            try:
                self._defs[name] = self._walk(target, own)
            except Exception:
                self._broken.add(name)  # kept: a schema walked meanwhile may refer to it
                raise
        if name in self._broken:
            raise Unsupported(f"$ref {ref!r} leads to a schema with no compiled check")
        uses.add(name)
        return name

    def _closure(self, names: set[str]) -> list[str]:
        seen: set[str] = set()
        stack = list(names)
        while stack:
            name = stack.pop()
            if name in self._broken:
                raise Unsupported(f"{name} has no compiled check")
            if name not in seen:
                seen.add(name)
                stack.extend(self._uses[name])
        return sorted(seen)


# Keywords that judge an object's property values besides `properties` (additionalProperties
# judges only the undeclared ones).
_APPLYING = frozenset((*_ONE, *SUBSCHEMA_LISTS, *SUBSCHEMA_MAPS, "$ref")) - {
    "additionalProperties",
    "properties",
    "$defs",
    "definitions",
}


class Compiled:
    """A compiled check: called, it says whether a value is valid (no, rather than raising, on a
    value it cannot take: the authority then decides)."""

    __slots__ = ("_properties", "_validator")

    def __init__(self, validator: Any, properties: frozenset[str] | None) -> None:
        self._validator = validator
        self._properties = properties

    def __call__(self, value: Any) -> bool:
        try:
            return bool(self._validator.is_valid(value))
        except Exception:  # a float too big for Rust's numbers, a callback that failed
            return False

    def failing(self, value: Any) -> frozenset[str] | None:
        """The declared properties of an object whose values hold every violation, so that the
        authority can explain those alone; None when a violation lies anywhere else (or the
        schema has other keywords that judge property values)."""
        if self._properties is None or not isinstance(value, dict):
            return None
        names: set[str] = set()
        try:
            for error in self._validator.iter_errors(value):
                path = error.instance_path
                if not path or path[0] not in self._properties:
                    return None
                names.add(path[0])
        except Exception:
            return None
        return frozenset(names) or None


def _sequence(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise Unsupported(f"expected a list of schemas, not {value!r}")
    return value


def _map(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise Unsupported(f"expected a map of schemas, not {value!r}")
    return value
