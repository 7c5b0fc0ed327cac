"""Whether a value is valid against a schema, as openapi-core checks a response body.

The document is restated in JSON Schema 2020-12 terms one level at a time (the schema views'
restatement, with writeOnly schemas false, since a response never holds them) and checked with
jsonschema's 2020-12 validator, its discriminators read as openapi-core reads them, its patterns
as ECMA-262 (`regexes`: one that is not ECMA-262 is not enforced) and OpenAPI's formats added.
A compiled check (`SchemaCompiler`) answers "valid" first where it can.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from jsonschema import (  # type: ignore[import-untyped]
    Draft202012Validator,
    FormatChecker,
    ValidationError,
)
from jsonschema.validators import extend  # type: ignore[import-untyped]
from referencing.exceptions import Unresolvable

from specmock.schemas.bounds import FORMAT_RANGES
from specmock.schemas.compiled import Compiled, SchemaCompiler
from specmock.schemas.views import CHOICES, View, as_mapping, level_view
from specmock.spec import regexes


class Checker:
    """Validity as openapi-core sees it in a response, on the document restated in 2020-12 terms."""

    def __init__(self, document: Mapping[str, Any], legacy: bool) -> None:
        """Check against the schemas of `document` (`legacy`: OpenAPI 3.0, restated)."""
        self._legacy = legacy
        formats = _format_checker()
        # The root only matters where a $ref lands: translated as it is read, not all at once
        # (translating a whole spec, examples included, would hold up the start of a large one).
        self._root = _VALIDATOR(_Translated(document, legacy), format_checker=formats)
        # The compiled check answers "valid" fast; this checker decides everything else.
        self._compiled = SchemaCompiler(document, partial(_restated, legacy=legacy), formats)

    def valid(self, value: Any, schema: Any) -> bool:
        """Whether `value` is valid: the compiled check's verdict when there is one (it reads
        this checker's restatement with the same format and pattern functions, so it agrees
        both ways), else jsonschema's."""
        fast = self._compiled.check(schema)
        if fast is not None:
            return fast(value)
        return self.error_count(value, schema) == 0

    def fast_valid(self, value: Any, schema: Any) -> bool:
        """Whether the compiled check vouches for `value` (False: ask `error_count`)."""
        fast = self._compiled.check(schema)
        return fast is not None and fast(value)

    def failing(self, value: Any, schema: Any) -> frozenset[str] | None:
        """The declared properties of the object `value` that hold every violation of `schema`
        the compiled check finds (every other member is valid as it is); None when it finds one
        elsewhere, or has no compiled check."""
        fast = self._compiled.check(schema)
        return fast.failing(value) if isinstance(fast, Compiled) else None

    def error_count(self, value: Any, schema: Any) -> int:
        """How many errors (0 when the compiled check passes it); RecursionError for a schema
        that is its own oneOf branch."""
        if self.fast_valid(value, schema):
            return 0
        return len(self.errors(value, schema))

    def errors(self, value: Any, schema: Any) -> list[ValidationError]:
        """jsonschema's errors for `value`: each with its place and message."""
        validator = self._root.evolve(schema=_translate(schema, self._legacy))
        return list(validator.iter_errors(value))


def _discriminating(keyword: str) -> Callable[..., Iterator[ValidationError]]:
    """`keyword` (allOf, anyOf, oneOf) read as OpenAPI validators do: a discriminator names the one
    schema to check."""
    plain = Draft202012Validator.VALIDATORS[keyword]

    def check(validator: Any, subschemas: Any, instance: Any, schema: Any) -> Iterator[Any]:
        discriminator = as_mapping(schema.get("discriminator"))
        if not isinstance(discriminator.get("propertyName"), str):
            yield from plain(validator, subschemas, instance, schema)
            return
        tag = instance.get(discriminator["propertyName"]) if isinstance(instance, dict) else None
        if not tag or not isinstance(tag, str):
            yield ValidationError(f"{instance!r} has no discriminator value")
            return
        target = as_mapping(discriminator.get("mapping")).get(tag, f"#/components/schemas/{tag}")
        try:
            yield from validator.descend(instance, {"$ref": target})
        except Unresolvable:
            yield ValidationError(f"the discriminator value {tag!r} names no schema")

    return check


_VALIDATOR = extend(
    Draft202012Validator,
    {"pattern": regexes.pattern_keyword, **{k: _discriminating(k) for k in ("allOf", *CHOICES)}},
)


def _translate(node: Any, legacy: bool) -> Any:
    """`node` restated for a 2020-12 validator checking a response (writeOnly schemas are false)."""
    if isinstance(node, list):
        return [_translate(item, legacy) for item in node]
    if not isinstance(node, Mapping):
        return node
    view = _restated(node, legacy)
    if isinstance(view, bool):
        return view
    return {key: _translate(value, legacy) for key, value in view.items()}


class _Translated(dict[str, Any]):
    """`_translate(node)` one level at a time: a real dict (jsonschema's `is_type(x, "object")`
    is `isinstance(x, dict)`) that fills itself on first use, its children wrapped the same way,
    so only the parts a `$ref` reaches are ever translated. Read-only."""

    __slots__ = ("_filled", "_legacy", "_node")

    def __init__(self, node: Mapping[str, Any], legacy: bool) -> None:
        super().__init__()
        self._node, self._legacy, self._filled = node, legacy, False

    def _fill(self) -> _Translated:
        if not self._filled:
            self._filled = True
            view = _restated(self._node, self._legacy)
            assert isinstance(view, dict)  # `_lazily` answers False for writeOnly nodes itself
            for key, value in view.items():
                kept = key in ("type", "required") and isinstance(value, list)
                dict.__setitem__(self, key, value if kept else _lazily(value, self._legacy))
        return self

    def __getitem__(self, key: str) -> Any:
        return dict.__getitem__(self._fill(), key)

    def get(self, key: str, default: Any = None) -> Any:
        return dict.get(self._fill(), key, default)

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self._fill(), key)

    def __iter__(self) -> Iterator[str]:
        return dict.__iter__(self._fill())

    def __len__(self) -> int:
        return dict.__len__(self._fill())

    def keys(self) -> Any:
        return dict.keys(self._fill())

    def values(self) -> Any:
        return dict.values(self._fill())

    def items(self) -> Any:
        return dict.items(self._fill())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Translated):
            other._fill()
        return dict.__eq__(self._fill(), other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = None

    def __repr__(self) -> str:
        return dict.__repr__(self._fill())

    def __bool__(self) -> bool:
        return len(self) > 0


def _lazily(value: Any, legacy: bool) -> Any:
    """`_translate(value)`, with each mapping translated when it is first read."""
    if isinstance(value, list):
        return [_lazily(item, legacy) for item in value]
    if isinstance(value, Mapping) and not isinstance(value, _Translated):
        return False if value.get("writeOnly") is True else _Translated(value, legacy)
    return value


def _restated(schema: Mapping[str, Any], legacy: bool) -> View | bool:
    """One schema object (not its subschemas) in 2020-12 terms, as a response is checked."""
    if schema.get("writeOnly") is True:
        return False
    view = level_view(schema, legacy)
    properties = schema.get("properties")
    if isinstance(view.get("required"), list) and isinstance(properties, Mapping):
        hidden = {name for name, s in properties.items() if as_mapping(s).get("writeOnly") is True}
        view["required"] = [name for name in view["required"] if name not in hidden]
    return view


def _format_checker() -> FormatChecker:
    """jsonschema's format checks with those OpenAPI adds, and a URI needing a scheme."""
    checker = FormatChecker()
    for name, (low, high) in FORMAT_RANGES.items():
        checker.checks(name)(lambda v, lo=low, hi=high: type(v) is not int or lo <= v <= hi)
    checker.checks("byte")(_is_base64)
    for name in ("uri", "url"):
        checker.checks(name)(lambda v: not isinstance(v, str) or bool(urlsplit(v).scheme))
    return checker


def _is_base64(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        base64.b64decode(value, validate=True)
    except ValueError:
        return False
    return True
