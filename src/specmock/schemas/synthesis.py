"""Response bodies made up from the JSON Schemas of an OpenAPI document (3.0.x or 3.1.x).

`Synthesizer.generate` writes a value valid against a schema, the same value for the same seed;
`Synthesizer.conform` repairs a documented example so that it validates, keeping what already does.
Both write responses, so writeOnly properties are never written.

Schemas are read as views: `$ref` followed, `allOf` merged into one schema, 3.0 idioms (`nullable`,
boolean `exclusiveMinimum`) restated in 3.1 terms. What only a validator can settle (which `oneOf`
branch, which enum member) is checked with jsonschema's 2020-12 validator on the document restated
the same way, with discriminators read as openapi-core reads them.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import random
import re
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache, partial
from itertools import islice
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote, urlsplit

from jsonschema import (  # type: ignore[import-untyped]
    Draft202012Validator,
    FormatChecker,
    ValidationError,
)
from jsonschema.validators import extend  # type: ignore[import-untyped]
from referencing.exceptions import Unresolvable

from specmock.errors import SpecError
from specmock.schemas import patterns
from specmock.schemas.compiled import SchemaCompiler
from specmock.spec import refs
from specmock.spec.dialects import restate_30, restate_bounds
from specmock.spec.perobject import PerObject

View = dict[str, Any]

_ABSENT: Any = object()  # no value given: write a new one rather than repair
# The schema every value meets, shared: a new `{}` at each use would be a new key in every
# per-schema cache (compiled checks, views), kept for good.
_ANY: Mapping[str, Any] = MappingProxyType({})
# A dict is tested first: `isinstance(x, Mapping)` alone goes through the ABC machinery, which
# on GitHub's repository answer was a tenth of the time.
_MAPPINGS = (dict, Mapping)
_CHOICES = ("oneOf", "anyOf")
_ALL_TYPES = ("object", "array", "string", "integer", "number", "boolean", "null")
_TYPE_HINTS = (
    ("object", ("properties", "required", "additionalProperties", "minProperties")),
    ("array", ("items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains")),
    ("string", ("minLength", "maxLength", "pattern", "format")),
    ("number", ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")),
)
_FORMAT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
# How many values one call may write; only a cycle of required schemas comes near it.
_BUDGET = 20_000
# Beyond max_depth only required parts are written; a required cycle is cut this much deeper.
_CYCLE_SLACK = 12
# Views kept per document (see `_Schemas`): enough for GitHub's spec, bounded for any other.
_KEPT_VIEWS = 100_000


class Synthesizer:
    """Makes up response bodies from the schemas of one OpenAPI document."""

    def __init__(self, document: Mapping[str, Any], *, max_depth: int = 4) -> None:
        """Read `document` (the whole OpenAPI document) for its version and its `$ref` targets.

        Beyond `max_depth` levels of nesting only required properties and `minItems` items are
        written, which is what ends recursive schemas.
        """
        legacy = str(document.get("openapi", "3.1")).startswith("3.0")
        self._schemas = _Schemas(document, legacy)
        self._checker = _Checker(document, legacy)
        self._max_depth = max_depth

    def generate(self, schema: Mapping[str, Any], *, seed: str, dynamic: bool = False) -> Any:
        """A value valid against `schema`: the same for the same seed, or random when `dynamic`.

        An unsatisfiable schema (a required cycle, contradictory bounds) gives a value as close as
        it gets rather than an error.
        """
        return self._run(seed, dynamic).value(schema, _Spot("value"))

    def conform(self, value: Any, schema: Mapping[str, Any], *, seed: str) -> Any:
        """`value` repaired to validate against `schema`; `value` itself when it already does.

        Valid parts are kept; invalid ones (a placeholder such as `"<string>"` under a format or an
        enum, a wrong type, a missing required property) are replaced by generated values, and
        writeOnly properties are dropped.
        """
        if self._checker.fast_valid(value, schema):
            return value  # the usual case: a stored record that still fits, seen in microseconds
        return self._run(seed, False).conform(value, schema, _Spot("value"))

    def valid(self, value: Any, schema: Mapping[str, Any]) -> bool:
        """Whether `value` validates against `schema` (as a response would be checked)."""
        return self._checker.error_count(value, schema) == 0

    def problems(self, value: Any, schema: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(JSON pointer, message) for every way `value` breaks `schema`."""
        errors = self._checker.errors(value, schema)
        return [(refs.pointer(tuple(error.absolute_path)), str(error.message)) for error in errors]

    def _run(self, seed: str, dynamic: bool) -> _Run:
        rng = random.Random() if dynamic else random.Random(seed)
        return _Run(self._schemas, self._checker, rng, dynamic, self._max_depth)


class _Schemas:
    """The document's schemas, read as views.

    A view depends only on its schema (the document is never changed) and on the `$ref`s already
    followed, so each is worked out once and kept: writing one GitHub repository answer asked for
    about 200 views, most of them the same few. Views are read, never changed, by their users.
    """

    def __init__(self, document: Mapping[str, Any], legacy: bool) -> None:
        self._document = document
        self._legacy = legacy
        self._views: PerObject[tuple[View, str | None]] = PerObject(limit=_KEPT_VIEWS)

    def flatten(self, schema: Any, trail: frozenset[str] = frozenset()) -> tuple[View, str | None]:
        """The view of `schema` and the pointer of the `$ref` it names, if it names one."""
        if not isinstance(schema, _MAPPINGS):
            return self._flatten(schema, trail)
        return self._views.get(schema, lambda: self._flatten(schema, trail), trail)

    def _flatten(self, schema: Any, trail: frozenset[str]) -> tuple[View, str | None]:
        if not isinstance(schema, Mapping):
            return ({"not": {}} if schema is False else {}), None
        if isinstance(schema.get("$ref"), str):
            return self._follow(schema, trail)
        view = _normalize(schema, self._legacy)
        members = view.pop("allOf", None)
        if not isinstance(members, list):
            return view, None
        return merge([*(self.flatten(member, trail)[0] for member in members), view]), None

    def write_only(self, schema: Any) -> bool:
        return self.flatten(schema)[0].get("writeOnly") is True

    def _follow(self, schema: Mapping[str, Any], trail: frozenset[str]) -> tuple[View, str]:
        pointer: str = schema["$ref"]
        if pointer in trail:
            return {}, pointer  # a cycle with no nesting in between constrains nothing
        view, _ = self.flatten(self._lookup(pointer), trail | {pointer})
        siblings = {key: value for key, value in schema.items() if key != "$ref"}
        if siblings:
            view = merge([view, self.flatten(siblings, trail)[0]])
        return view, pointer

    def _lookup(self, pointer: str) -> Any:
        if not pointer.startswith("#"):
            raise SpecError("document", pointer, "only local $ref pointers ('#/...') are supported")
        node: Any = self._document
        for token in unquote(pointer[1:]).split("/")[1:]:
            token = refs.unescape(token)
            try:
                node = node[int(token)] if isinstance(node, list) else node[token]
            except (KeyError, IndexError, ValueError, TypeError):
                raise SpecError("document", pointer, "the $ref points at nothing") from None
        return node


class _Checker:
    """Validity as openapi-core sees it in a response, on the document restated in 2020-12 terms."""

    def __init__(self, document: Mapping[str, Any], legacy: bool) -> None:
        self._legacy = legacy
        formats = _format_checker()
        # The root only matters where a $ref lands: translated as it is read, not all at once
        # (translating GitHub's whole spec, examples included, took 1.3 s at start).
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

    def error_count(self, value: Any, schema: Any) -> int:
        """How many errors (0 when the compiled check passes it); RecursionError for a schema
        that is its own oneOf branch."""
        if self.fast_valid(value, schema):
            return 0
        return len(self.errors(value, schema))

    def errors(self, value: Any, schema: Any) -> list[ValidationError]:
        validator = self._root.evolve(schema=_translate(schema, self._legacy))
        return list(validator.iter_errors(value))


def _discriminating(keyword: str) -> Callable[..., Iterator[ValidationError]]:
    """`keyword` (allOf, anyOf, oneOf) read as OpenAPI validators do: a discriminator names the one
    schema to check."""
    plain = Draft202012Validator.VALIDATORS[keyword]

    def check(validator: Any, subschemas: Any, instance: Any, schema: Any) -> Iterator[Any]:
        discriminator = _mapping(schema.get("discriminator"))
        if not isinstance(discriminator.get("propertyName"), str):
            yield from plain(validator, subschemas, instance, schema)
            return
        tag = instance.get(discriminator["propertyName"]) if isinstance(instance, dict) else None
        if not tag or not isinstance(tag, str):
            yield ValidationError(f"{instance!r} has no discriminator value")
            return
        target = _mapping(discriminator.get("mapping")).get(tag, f"#/components/schemas/{tag}")
        try:
            yield from validator.descend(instance, {"$ref": target})
        except Unresolvable:
            yield ValidationError(f"the discriminator value {tag!r} names no schema")

    return check


_VALIDATOR = extend(Draft202012Validator, {k: _discriminating(k) for k in ("allOf", *_CHOICES)})


@dataclass(frozen=True, slots=True)
class _Spot:
    """Where a value goes: its name, how deep it sits, which `$ref` led to its schema and which of
    several distinct values is wanted (variant 0 is the usual one)."""

    label: str
    depth: int = 0
    variant: int = 0
    pointer: str | None = None

    def inner(self, label: str, variant: int = 0, pointer: str | None = None) -> _Spot:
        return _Spot(label, self.depth + 1, variant, pointer)

    def led_by(self, pointer: str | None, variant: int | None = None) -> _Spot:
        """This spot with its schema reached through `pointer` (and another variant)."""
        return _Spot(self.label, self.depth, self.variant if variant is None else variant, pointer)


class _Run:
    """One call of generate or conform: the random source, the mode and what is left to spend.

    Writing and repairing are one walk: with a value `given`, its valid parts are kept.
    """

    def __init__(
        self,
        schemas: _Schemas,
        checker: _Checker,
        rng: random.Random,
        dynamic: bool,
        max_depth: int,
    ) -> None:
        self._schemas = schemas
        self._checker = checker
        self._rng = rng
        self._dynamic = dynamic
        self._max_depth = max_depth
        self._budget = _BUDGET
        self._choosing: set[tuple[str, int]] = set()

    def value(self, schema: Any, spot: _Spot) -> Any:
        """A value valid against `schema`, as far as one exists."""
        view, pointer = self._schemas.flatten(schema)
        return self._write(view, spot.led_by(pointer))

    def conform(self, value: Any, schema: Any, spot: _Spot) -> Any:
        """`value` when valid against `schema`, else a repaired copy."""
        if self._valid(value, schema):
            return value
        view, pointer = self._schemas.flatten(schema)
        return self._write(view, spot.led_by(pointer), value)

    def _write(self, view: View, spot: _Spot, given: Any = _ABSENT) -> Any:
        self._budget -= 1
        if spot.depth > self._max_depth + _CYCLE_SLACK or self._budget < 0:
            return None  # a required cycle cannot be satisfied: stop with what there is
        if "const" in view:
            return view["const"]
        if isinstance(view.get("enum"), list) and view["enum"]:
            options = [item for item in view["enum"] if self._valid(item, view)] or view["enum"]
            return options[self._pick(len(options), spot.variant)]
        for key in _CHOICES:
            if isinstance(view.get(key), list) and view[key]:
                return self._choose(view, key, spot, given)
        if "not" in view:
            return self._negated(view, spot)
        kind = self._kind(view, spot, given)
        if kind == "object":
            return self._object(view, spot, given if isinstance(given, dict) else None)
        if kind == "array":
            return self._array(view, spot, given if isinstance(given, list) else None)
        if kind == "string":
            return self._string(view, spot.label)
        if kind in ("integer", "number"):
            return self._number(view, kind == "integer", spot.variant)
        return self._pick(2, spot.variant) == 0 if kind == "boolean" else None

    def _valid(self, value: Any, schema: Any) -> bool:
        try:
            return self._checker.valid(value, schema)
        except RecursionError:  # the schema never ends, so neither would the search: give up
            self._budget = -1
            return False

    def _errors(self, value: Any, schema: Any) -> int:
        try:
            return self._checker.error_count(value, schema)
        except RecursionError:  # the schema never ends, so neither would the search: give up
            self._budget = -1
            return 1

    def _deep(self, spot: _Spot) -> bool:
        return spot.depth > self._max_depth

    def _kind(self, view: View, spot: _Spot, given: Any) -> str:
        declared = _strings(view.get("type"))
        if isinstance(given, dict | list):
            kind = "object" if isinstance(given, dict) else "array"
            if kind in (declared or _ALL_TYPES):
                return kind
        kinds = declared or [kind for kind, hints in _TYPE_HINTS if any(h in view for h in hints)]
        if "null" in kinds and ((self._deep(spot) and spot.variant == 0) or kinds == ["null"]):
            return "null"
        for kind in kinds:
            if kind != "null":
                return kind
        return "object"

    def _pick(self, count: int, variant: int) -> int:
        """An index below `count`: the variant's own, or a random one for a dynamic first pick."""
        return self._rng.randrange(count) if self._dynamic and variant == 0 else variant % count

    def _choose(self, view: View, key: str, spot: _Spot, given: Any) -> Any:
        place = (spot.pointer or "", spot.depth)
        if spot.pointer and place in self._choosing:
            return None  # a branch led back here with no nesting in between: nothing comes of it
        branches = self._branches(view, key, spot, given)
        rest = {name: value for name, value in view.items() if name != key}
        candidates = []
        self._choosing.add(place)
        try:
            for attempt in range(1 if given is not _ABSENT else 2):
                for branch, pointer in branches:
                    where = spot.led_by(pointer, spot.variant + attempt)
                    candidate = self._write(merge([rest, branch]), where, given)
                    if self._budget < 0 or self._valid(candidate, view):
                        return candidate
                    candidates.append(candidate)
        finally:
            self._choosing.discard(place)
        return candidates[0]

    def _branches(
        self, view: View, key: str, spot: _Spot, given: Any
    ) -> list[tuple[View, str | None]]:
        """The branches of `view[key]` in the order to try them."""
        branches = [self._schemas.flatten(branch) for branch in view[key]]
        if given is not _ABSENT:
            return sorted(branches, key=lambda branch: self._distance(given, view, *branch))
        if self._dynamic:
            self._rng.shuffle(branches)
        if self._deep(spot):  # the branch asking least is the one that ends a recursion
            return sorted(branches, key=lambda branch: _demand(branch[0]))
        # higher up, null is the last resort
        return sorted(branches, key=lambda branch: _strings(branch[0].get("type")) == ["null"])

    def _distance(
        self, given: Any, view: View, branch: View, pointer: str | None
    ) -> tuple[bool, int]:
        """How far `given` is from a branch: claimed by its discriminator first, then errors."""
        discriminator = _mapping(view.get("discriminator"))
        tag = given.get(discriminator.get("propertyName")) if isinstance(given, dict) else None
        claimed = pointer is not None and tag in _discriminator_tags(discriminator, pointer)
        return not claimed, self._errors(given, branch)

    def _negated(self, view: View, spot: _Spot) -> Any:
        rest = {name: value for name, value in view.items() if name != "not"}
        kinds = _strings(rest.get("type")) or _ALL_TYPES
        options = [rest] * 3 + [{**rest, "type": [kind]} for kind in kinds]
        candidates = []
        for offset, option in enumerate(options):
            candidate = self._write(option, spot.led_by(spot.pointer, spot.variant + offset))
            if self._valid(candidate, view):
                return candidate
            candidates.append(candidate)
        return candidates[0]

    def _object(self, view: View, spot: _Spot, given: Mapping[str, Any] | None) -> dict[str, Any]:
        required = _strings(view.get("required"))
        needed = set(required)
        body: dict[str, Any] = {}
        for name, item in (given or {}).items():
            schema = self._property_schema(view, name)
            if schema is not False and not self._schemas.write_only(schema):
                body[name] = self.conform(item, schema, spot.inner(name))
        optional = given is None and not self._deep(spot)
        for name in [*_mapping(view.get("properties")), *required]:
            if name in body or not (optional or name in needed):
                continue
            schema = self._property_schema(view, name)
            inner, pointer = self._schemas.flatten(schema)
            if inner.get("writeOnly") is True:
                continue
            value = self._write(inner, spot.inner(name, spot.variant, pointer))
            if name in needed or self._valid(value, schema):
                body[name] = value  # an optional property that no value satisfies is left out
        self._fit_size(view, body, spot)
        self._discriminate(view, body, spot.pointer)
        return body

    def _property_schema(self, view: View, name: str) -> Any:
        properties = _mapping(view.get("properties"))
        if name in properties:
            return properties[name]
        for pattern, schema in _mapping(view.get("patternProperties")).items():
            if _searches(pattern, name):
                return schema
        extra = view.get("additionalProperties", True)
        return extra if isinstance(extra, _MAPPINGS) or extra is False else _ANY

    def _fit_size(self, view: View, body: dict[str, Any], spot: _Spot) -> None:
        """Bring `body` within minProperties (optional properties first) and maxProperties."""
        missing = _int(view.get("minProperties"), 0) - len(body)
        for name, schema in _mapping(view.get("properties")).items():
            if missing > 0 and name not in body and not self._schemas.write_only(schema):
                body[name] = self.value(schema, spot.inner(name))
                missing -= 1
        closed = view.get("additionalProperties") is False and not view.get("patternProperties")
        for index in range(1, 100):
            if missing <= 0 or closed:
                break
            name = self._extra_name(view, spot.inner("key", index))
            if name not in body:
                body[name] = self.value(self._property_schema(view, name), spot.inner(name))
                missing -= 1
        limit = _int(view.get("maxProperties"), len(body))
        if len(body) > limit:
            required = set(_strings(view.get("required")))
            for name in [name for name in reversed(body) if name not in required]:
                if len(body) > limit:
                    del body[name]

    def _extra_name(self, view: View, spot: _Spot) -> str:
        if "propertyNames" in view:
            return str(self.value(view["propertyNames"], spot))
        pattern_properties = _mapping(view.get("patternProperties"))
        if view.get("additionalProperties") is False and pattern_properties:
            return patterns.matching(next(iter(pattern_properties)), self._rng)
        return f"additionalProp{spot.variant}"

    def _discriminate(self, view: View, body: dict[str, Any], pointer: str | None) -> None:
        discriminator = _mapping(view.get("discriminator"))
        name = discriminator.get("propertyName")
        if pointer is None or not isinstance(name, str):
            return
        tags = _discriminator_tags(discriminator, pointer)
        schema = _mapping(view.get("properties")).get(name)
        if body.get(name) in tags or (schema is None and view.get("additionalProperties") is False):
            return
        if schema is None or self._valid(tags[0], schema):
            body[name] = tags[0]

    def _array(self, view: View, spot: _Spot, given: list[Any] | None) -> list[Any]:
        prefix = _list(view.get("prefixItems"))
        low = _int(view.get("minItems"), 0)
        unique = view.get("uniqueItems") is True
        count = len(given) if given is not None else self._item_count(view, spot, len(prefix))
        if view.get("items") is False:
            count = min(count, max(low, len(prefix)))
        count = min(count, _int(view.get("maxItems"), count))
        values: list[Any] = []
        for index in range(count + low):  # rounds beyond count top up what repeats left short
            if index >= count and len(values) >= low:
                break
            schema = _slot(view, prefix, len(values))
            if given is not None and index < count:
                item = self.conform(given[index], schema, spot.inner(spot.label))
            else:  # step through variants ([0, 1, 2]); dynamic items do only if they must differ
                offset = index if unique or not self._dynamic else 0
                item = self._item(schema, values, unique, spot, offset)
            if not unique or _key(item) not in map(_key, values):
                values.append(item)
        contains = view.get("contains")
        if contains is not None and not any(self._valid(value, contains) for value in values):
            wanted = self.value(_both(view.get("items", _ANY), contains), spot.inner(spot.label))
            full = len(values) >= _int(view.get("maxItems"), len(values) + 1)
            values = [*values[:-1], wanted] if full else [*values, wanted]
        return values

    def _item_count(self, view: View, spot: _Spot, prefix: int) -> int:
        low = _int(view.get("minItems"), 0)
        if self._deep(spot):
            return low
        count = max(low, prefix, 1)
        return self._rng.randint(count, count + 2) if self._dynamic else count

    def _item(self, schema: Any, done: list[Any], unique: bool, spot: _Spot, offset: int) -> Any:
        seen = {_key(value) for value in done} if unique else set()
        item = None
        for attempt in range(8):
            item = self.value(schema, spot.inner(spot.label, spot.variant + offset + attempt))
            if _key(item) not in seen:
                break
        return item

    def _string(self, view: View, label: str) -> str:
        low = _int(view.get("minLength"), 0)
        high = view.get("maxLength") if _int(view.get("maxLength"), -1) >= 0 else None
        pattern = view.get("pattern")
        make = _FORMATS.get(str(view.get("format")))
        text = make(_slug(label), self._rng) if make else None
        fits = text is not None and low <= len(text) <= (len(text) if high is None else high)
        if text is not None and fits and (not isinstance(pattern, str) or _searches(pattern, text)):
            return text
        if isinstance(pattern, str):
            return patterns.matching(pattern, self._rng, min_length=low, max_length=high)
        text = f"{label}-{self._rng.randint(1, 999)}"[:high]
        return text + "x" * (low - len(text))

    def _number(self, view: View, integer: bool, variant: int) -> int | float:
        bounds = _Bounds.of(view)
        step = view.get("multipleOf")
        unit = _unit(step, integer)
        start = bounds.nearest(bounds.draw(self._rng) if self._dynamic and variant == 0 else 0)
        if unit is None:
            return _tidy(bounds.spread(start, variant))
        if variant == 0 and step is None and type(start) is int and bounds.admits(start):
            return start  # what the walk below finds first, without its 128 Fractions
        base = round(Fraction(start) / unit)
        reach = 64 + variant
        steps = (*range(base, base + reach), *range(base - 1, base - reach, -1))
        candidates = (_tidy(k * unit) for k in steps)
        admitted = (n for n in candidates if bounds.admits(n) and _multiple_ok(n, step))
        found = list(islice(admitted, variant + 1))  # short when the range runs out: wrap round
        return found[variant % len(found)] if found else (round(start) if integer else start)


@dataclass(frozen=True, slots=True)
class _Bounds:
    """The range a number must fall in; an open end excludes its own value."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    @classmethod
    def of(cls, view: View) -> _Bounds:
        limits = _FORMAT_BOUNDS.get(str(view.get("format")))
        lows: list[tuple[float, bool]] = [(limits[0], False)] if limits else []
        highs: list[tuple[float, bool]] = [(limits[1], False)] if limits else []
        for key, edges, is_open in (
            ("minimum", lows, False),
            ("exclusiveMinimum", lows, True),
            ("maximum", highs, False),
            ("exclusiveMaximum", highs, True),
        ):
            if _is_number(view.get(key)):
                edges.append((view[key], is_open))
        low, low_open = max(lows, default=(None, False))
        high, high_open = min(highs, key=lambda edge: (edge[0], not edge[1]), default=(None, False))
        return cls(low, high, low_open, high_open)

    def admits(self, value: float) -> bool:
        above = self.low is None or value > self.low or (value == self.low and not self.low_open)
        below = (
            self.high is None or value < self.high or (value == self.high and not self.high_open)
        )
        return above and below

    def nearest(self, value: float) -> float:
        """`value` if admitted, else an admitted number close to it (when there is one)."""
        if self.admits(value):
            return value
        if self.low is not None and value <= self.low:
            return self.low if not self.low_open else self._inside(self.low, self.high, 1)
        if self.high is not None:
            return self.high if not self.high_open else self._inside(self.high, self.low, -1)
        return value

    def spread(self, start: float, variant: int) -> float:
        """The `variant`-th of a row of admitted numbers beginning at `start`."""
        if variant == 0:
            return start
        if self.low is not None and self.high is not None:  # golden-ratio steps fill the range
            return self.low + (self.high - self.low) * ((variant * 0.618034) % 1)
        return self.nearest(start + variant * (1.5 if self.high is None else -1.5))

    def draw(self, rng: random.Random) -> float:
        default_low = 0 if self.high is None else self.high - 100
        low = self.low if self.low is not None else default_low
        high = self.high if self.high is not None else low + 100
        return round(rng.uniform(low, high), 2)

    @staticmethod
    def _inside(edge: float, other: float | None, direction: int) -> float:
        return edge + direction if other is None else (edge + other) / 2


def merge(views: Sequence[View]) -> View:
    """One view that asks for all that `views` ask for (the meaning of `allOf`), best effort."""
    merged: View = {}
    for view in views:
        for key, value in view.items():
            combine = _COMBINE.get(key, lambda first, _: first)
            merged[key] = combine(merged[key], value) if key in merged else value
    closed = [view for view in views if view.get("additionalProperties") is False]
    if closed and "properties" in merged:
        allowed = set.intersection(*(set(_mapping(view.get("properties"))) for view in closed))
        merged["properties"] = {k: v for k, v in merged["properties"].items() if k in allowed}
    return merged


def _both(first: Any, second: Any) -> Any:
    if first is False or second is False:
        return False
    if first is True or first == {}:
        return second
    if second is True or second == {}:
        return first
    return {"allOf": [first, second]}


def _common_kinds(first: Any, second: Any) -> list[str]:
    first, second = _strings(first), _strings(second)
    kinds = [kind for kind in first if kind in second]
    if {"integer", "number"} <= {*first, *second} and "integer" not in kinds:
        kinds.append("integer")  # an integer is a number
    return kinds


def _lcm(first: Any, second: Any) -> Any:
    one, other = Fraction(str(first)), Fraction(str(second))
    numerator = math.lcm(one.numerator, other.numerator)
    lcm = Fraction(numerator, math.gcd(one.denominator, other.denominator))
    return lcm.numerator if lcm.denominator == 1 else float(lcm)


_COMBINE: dict[str, Callable[[Any, Any], Any]] = {
    **dict.fromkeys(("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"), max),
    **dict.fromkeys(("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"), min),
    **dict.fromkeys(("items", "additionalProperties", "contains", "propertyNames"), _both),
    **dict.fromkeys(
        ("properties", "patternProperties"),
        lambda first, second: {
            **first,
            **{name: _both(first.get(name, {}), schema) for name, schema in second.items()},
        },
    ),
    # exactly one of each list holds exactly when exactly one pair holds
    **dict.fromkeys(
        _CHOICES, lambda first, second: [{"allOf": [a, b]} for a in first for b in second]
    ),
    "type": _common_kinds,
    "required": lambda first, second: [*first, *(name for name in second if name not in first)],
    "enum": lambda first, second: [item for item in first if item in second],
    "not": lambda first, second: {"anyOf": [first, second]},
    "multipleOf": _lcm,
}


def _normalize(schema: Mapping[str, Any], legacy: bool) -> View:
    """One level of `schema` in 3.1 terms (`dialects.restate_30`), its `type` always a list, so
    that the walk reads one shape. A 3.1 document keeps its `nullable`, a keyword 3.1 does not
    have, but a boolean exclusive bound can only mean what 3.0 meant by it, so it is restated."""
    view = restate_30(schema) if legacy else restate_bounds(schema)
    if isinstance(view.get("type"), str):
        view["type"] = [view["type"]]
    return view


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
    view = _normalize(schema, legacy)
    properties = schema.get("properties")
    if isinstance(view.get("required"), list) and isinstance(properties, Mapping):
        hidden = {name for name, s in properties.items() if _mapping(s).get("writeOnly") is True}
        view["required"] = [name for name in view["required"] if name not in hidden]
    return view


def _format_checker() -> FormatChecker:
    """jsonschema's format checks with those OpenAPI adds, and a URI needing a scheme."""
    checker = FormatChecker()
    for name, (low, high) in _FORMAT_BOUNDS.items():
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


def _moment(rng: random.Random) -> dt.datetime:
    return _EPOCH + dt.timedelta(seconds=rng.randrange(366 * 86400))


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


_FORMATS: dict[str, Callable[[str, random.Random], str]] = {
    "date-time": lambda slug, rng: _moment(rng).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "date": lambda slug, rng: _moment(rng).strftime("%Y-%m-%d"),
    "time": lambda slug, rng: _moment(rng).strftime("%H:%M:%S"),
    "duration": lambda slug, rng: f"P{rng.randint(1, 30)}D",
    "uuid": lambda slug, rng: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    "email": lambda slug, rng: f"{slug}-{rng.randint(1, 999)}@example.com",
    "uri": lambda slug, rng: f"https://example.com/{slug}/{rng.randint(1, 999)}",
    "uri-reference": lambda slug, rng: f"/{slug}/{rng.randint(1, 999)}",
    "hostname": lambda slug, rng: f"{slug}-{rng.randint(1, 999)}.example.com",
    "ipv4": lambda slug, rng: f"192.0.2.{rng.randint(1, 254)}",
    "ipv6": lambda slug, rng: f"2001:db8::{rng.randint(1, 0xFFFF):x}",
    "byte": lambda slug, rng: _b64(f"{slug}-{rng.randint(1, 999)}"),
    "password": lambda slug, rng: f"secret-{rng.randint(1, 999)}",
    "regex": lambda slug, rng: "^[a-z]+$",
}
for _alias, _original in {
    "idn-email": "email",
    "url": "uri",
    "iri": "uri",
    "iri-reference": "uri-reference",
    "json-pointer": "uri-reference",
    "idn-hostname": "hostname",
    "binary": "byte",
}.items():
    _FORMATS[_alias] = _FORMATS[_original]


def _discriminator_tags(discriminator: Mapping[str, Any], pointer: str) -> list[str]:
    """The discriminator values that select the schema at `pointer`, the preferred one first."""
    name = refs.unescape(unquote(pointer.rsplit("/", 1)[-1]))
    mapping = _mapping(discriminator.get("mapping"))
    return [tag for tag, target in mapping.items() if target in (pointer, name)] or [name]


def _unit(step: Any, integer: bool) -> Fraction | None:
    """The spacing of the allowed values: None for any number, 1 for any integer."""
    if not _is_number(step) or step <= 0:
        return Fraction(1) if integer else None
    unit = Fraction(str(step))
    return Fraction(unit.numerator) if integer else unit


def _multiple_ok(value: float, step: Any) -> bool:
    """jsonschema's own multipleOf test, whose float division the chosen value has to survive."""
    if not _is_number(step):
        return True
    if isinstance(step, float):
        quotient = value / step
        try:
            return int(quotient) == quotient
        except OverflowError:
            return False
    return bool(value % step == 0)


def _tidy(value: Fraction | float) -> int | float:
    """Whole numbers as ints (JSON `3`, not `3.0`), the rest as floats."""
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _demand(view: View) -> int:
    return len(_strings(view.get("required"))) + _int(view.get("minItems"), 0)


def _slot(view: View, prefix: list[Any], index: int) -> Any:
    return prefix[index] if index < len(prefix) else view.get("items", _ANY)


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


@lru_cache(maxsize=4096)
def _slug(label: str) -> str:
    """A property name as it may stand in a made-up address: `Full Name` -> `full-name`."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:40] or "value"


def _searches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _strings(value: Any) -> list[str]:
    """A `type` or `required` value as a list of names."""
    names = [value] if isinstance(value, str) else _list(value)
    return [name for name in names if isinstance(name, str)]


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, _MAPPINGS) else _ANY


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []
