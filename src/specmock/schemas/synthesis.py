"""Response bodies made up from the JSON Schemas of an OpenAPI document (3.0.x or 3.1.x).

`Synthesizer.generate` writes a value valid against a schema, the same value for the same seed;
`Synthesizer.conform` repairs a documented example so that it validates, keeping what already does.
Both write responses, so writeOnly properties are never written.

Schemas are read as views (`views`: `$ref` followed, `allOf` merged, 3.0 idioms restated). The
walk here picks what kind of value a view asks for and which branch of a choice to take; objects
and arrays are written by `containers`, strings and numbers by `scalars`. What only a validator
can settle (which `oneOf` branch, which enum member) is asked of the `Checker`. A value that
fits two `oneOf` branches is changed where the other branch looks (a property left out, typed
otherwise or added, a bound crossed) until only its own admits it.

A walk seeds its random source only when it first draws from it (seeding costs more than taking
an example), so a value made without a draw is the same for every seed: `generate` makes such a
value once per schema and variant and hands out copies (GitHub's repository answer makes up dozens
of example-valued fields per record).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import logging
import random
from collections.abc import Callable, Iterator, Mapping
from itertools import islice
from typing import Any

from specmock.schemas.bounds import is_number
from specmock.schemas.checker import Checker
from specmock.schemas.containers import (
    object_variations,
    repair_members,
    write_array,
    write_object,
)
from specmock.schemas.fakes import Fakes, Options, unknown_fakers
from specmock.schemas.places import Place
from specmock.schemas.scalars import write_number, write_string
from specmock.schemas.views import (
    ANY,
    CHOICES,
    View,
    Views,
    as_mapping,
    as_strings,
    discriminator_tags,
    int_or,
    merge_views,
)
from specmock.spec import refs

_ABSENT: Any = object()  # no value given: write a new one rather than repair
_ALL_TYPES = ("object", "array", "string", "integer", "number", "boolean", "null")
_TYPE_HINTS = (
    ("object", ("properties", "required", "additionalProperties", "minProperties")),
    ("array", ("items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains")),
    ("string", ("minLength", "maxLength", "pattern", "format")),
    ("number", ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")),
)
# How many values one call may write; only a cycle of required schemas comes near it.
_BUDGET = 20_000
# Beyond max_depth only required parts are written; a required cycle is cut this much deeper.
_CYCLE_SLACK = 12
# Views whose valid examples are remembered (the rest are judged again when met).
_OFFERS_KEPT = 20_000
# How many variations of a value are tried to tell one `oneOf` branch from another.
_TRIES = 8
_CONDITION = ("if", "then", "else")
# A bound of another schema, and the bound (shifted so) that keeps a value outside it.
_OPPOSITES = {
    "minLength": ("maxLength", -1),
    "maxLength": ("minLength", 1),
    "minItems": ("maxItems", -1),
    "maxItems": ("minItems", 1),
    "minProperties": ("maxProperties", -1),
    "maxProperties": ("minProperties", 1),
    "minimum": ("exclusiveMaximum", 0),
    "maximum": ("exclusiveMinimum", 0),
    "exclusiveMinimum": ("maximum", 0),
    "exclusiveMaximum": ("minimum", 0),
}


_LOG = logging.getLogger("specmock")


class Synthesizer:
    """Makes up response bodies from the schemas of one OpenAPI document."""

    def __init__(
        self,
        document: Mapping[str, Any],
        *,
        max_depth: int = 4,
        locale: str | None = None,
        seed: str | int | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        """Read `document` (the whole OpenAPI document) for its version and its `$ref` targets.

        Beyond `max_depth` levels of nesting only required properties and `minItems` items are
        written, which is what ends recursive schemas. Values look like what their names call
        for (`fakes`) in `locale` (else the one the document's `x-json-schema-faker` names, else
        en_US); `seed` changes every made-up value, the same seed giving the same values; dates
        are laid around `now` (by default the start of this month).
        ValueError for a locale Faker does not have.
        """
        legacy = str(document.get("openapi", "3.1")).startswith("3.0")
        self._views = Views(document, legacy)
        self._checker = Checker(document, legacy)
        self._max_depth = max_depth
        self.options = Options.of(document)
        try:
            self.fakes = Fakes(locale or self.options.locale, now)
        except ValueError:
            if locale:
                raise
            _LOG.warning(
                "x-json-schema-faker: %r is no Faker locale; using en_US", self.options.locale
            )
            self.fakes = Fakes(None, now)
        self._seed = "" if seed is None else f"{seed}:"
        self._offers: dict[int, tuple[View, list[tuple[int, Any]]]] = {}
        # (schema id, variant) -> (schema, its value) for values no seed changes (examples,
        # enums, consts, variant-picked booleans and numbers): made once, copied after
        self._fixed: dict[tuple[int, int], tuple[Any, Any]] = {}
        self.warnings = [
            f"{pointer}: x-faker {name!r} names no faker.js method specmock knows; "
            "the value is made up from the schema"
            for name, pointer in unknown_fakers(document)
        ]
        for warning in self.warnings:
            _LOG.warning("%s", warning)

    def generate(
        self, schema: Mapping[str, Any], *, seed: str, dynamic: bool = False, variant: int = 0
    ) -> Any:
        """A value valid against `schema`: the same for the same seed, or random when `dynamic`.
        `variant` n takes the n-th of a schema's own examples, so values after the first (the
        records of a populated collection) do not all repeat a property's one `example`.

        An unsatisfiable schema (a required cycle, contradictory bounds) gives a value as close as
        it gets rather than an error: `problems` says where it falls short, which is how the
        answers tell a client that no valid body exists rather than send an invalid one.
        """
        if dynamic:
            return self._walk(seed, dynamic).value(schema, Place("value", variant=variant))
        fixed = self._fixed.get((id(schema), variant))
        if fixed is not None and fixed[0] is schema:
            return _copied(fixed[1])
        walk = self._walk(seed, dynamic)
        value = walk.value(schema, Place("value", variant=variant))
        if not walk.source.drew:  # no draw from the seed: every seed gives this value
            if len(self._fixed) > _OFFERS_KEPT:
                self._fixed.clear()
            self._fixed[(id(schema), variant)] = (schema, _copied(value))
        return value

    def conform(self, value: Any, schema: Mapping[str, Any], *, seed: str) -> Any:
        """`value` repaired to validate against `schema`; `value` itself when it already does.

        Valid parts are kept; invalid ones (a placeholder such as `"<string>"` under a format or an
        enum, a wrong type, a missing required property) are replaced by generated values, and
        writeOnly properties are dropped.
        """
        if self._checker.fast_valid(value, schema):
            return (
                value  # the usual case: a stored record that still fits, answered by the fast check
            )
        return self._walk(seed, False).conform(value, schema, Place("value"))

    def problems(self, value: Any, schema: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(JSON pointer, message) for every way `value` breaks `schema`."""
        if self._checker.fast_valid(value, schema):
            return []
        errors = self._checker.errors(value, schema)
        return [(refs.pointer(tuple(error.absolute_path)), str(error.message)) for error in errors]

    def _walk(self, seed: str, dynamic: bool) -> Walk:
        seeded = self._seed + seed
        rng = random.Random if dynamic else functools.partial(random.Random, seeded)
        if len(self._offers) > _OFFERS_KEPT:
            self._offers.clear()
        return Walk(
            self._views,
            self._checker,
            rng,
            dynamic,
            self._max_depth,
            self.fakes,
            self.options,
            self._offers,
        )


class Source:
    """A walk's random source, seeded when first asked for: seeding takes longer than writing a
    value from an example, and a walk that never asks made a value no seed changes."""

    __slots__ = ("_make", "_rng")

    def __init__(self, rng: random.Random | Callable[[], random.Random]) -> None:
        self._rng = rng if isinstance(rng, random.Random) else None
        self._make = rng if not isinstance(rng, random.Random) else None

    def __call__(self) -> random.Random:
        if self._rng is None:
            assert self._make is not None
            self._rng = self._make()
        return self._rng

    @property
    def drew(self) -> bool:
        """Whether the source was asked for: if not, the seed changed nothing."""
        return self._rng is not None


class Walk:
    """One call of generate or conform: the random source, the mode and what is left to spend.

    Writing and repairing are one walk: with a value `given`, its valid parts are kept.
    """

    def __init__(
        self,
        views: Views,
        checker: Checker,
        rng: random.Random | Callable[[], random.Random],
        dynamic: bool,
        max_depth: int,
        fakes: Fakes | None = None,
        options: Options | None = None,
        offers: dict[int, tuple[View, list[tuple[int, Any]]]] | None = None,
    ) -> None:
        self.views = views
        self.source = Source(rng)
        self.dynamic = dynamic
        self.fakes = fakes
        self.options = options or Options()
        # view id -> (view, its valid offers); the view is kept so that its id is not reused
        self._offers: dict[int, tuple[View, list[tuple[int, Any]]]] = (
            offers if offers is not None else {}
        )
        self._checker = checker
        self._max_depth = max_depth
        self._budget = _BUDGET
        self._choosing: set[tuple[str, int]] = set()

    @property
    def rng(self) -> random.Random:
        """The walk's random source, seeded on first use."""
        return self.source()

    def value(self, schema: Any, place: Place) -> Any:
        """A value valid against `schema`, as far as one exists."""
        view, pointer = self.views.flatten(schema)
        return self.write(view, place.led_by(pointer))

    def conform(self, value: Any, schema: Any, place: Place) -> Any:
        """`value` when valid against `schema`, else a repaired copy."""
        if self.valid(value, schema):
            return value
        view, pointer = self.views.flatten(schema)
        where = place.led_by(pointer)
        # members the compiled check alone blames are all to repair (unless a write stops here)
        writes = self._budget > 0 and where.depth <= self._max_depth + _CYCLE_SLACK
        blamed = self._checker.failing(value, schema) if writes else None
        repaired = repair_members(self, view, where, value, blamed) if blamed else None
        if repaired is None:
            return self.write(view, where, value)
        self._budget -= 1  # as the write of the object would have spent
        return repaired

    def write(self, view: View, place: Place, given: Any = _ABSENT) -> Any:
        """A value valid against `view` as far as one exists: `given` repaired, or a new one."""
        self._budget -= 1
        if place.depth > self._max_depth + _CYCLE_SLACK or self._budget < 0:
            return None  # a required cycle cannot be satisfied: stop with what there is
        if "const" in view:
            return view["const"]
        if given is _ABSENT:
            documented = self._documented(view, place)
            if documented is not _ABSENT:
                return documented
        if isinstance(view.get("enum"), list) and view["enum"]:
            options = [item for item in view["enum"] if self.valid(item, view)] or view["enum"]
            return options[self._pick(len(options), place.variant)]
        if "if" in view:
            return self._conditional(view, place, given)
        for key in CHOICES:
            if isinstance(view.get(key), list) and view[key]:
                return self._choose(view, key, place, given)
        if "not" in view:
            return self._negated(view, place)
        kind = _kind(view, given, self.deep(place), place.variant)
        if kind == "object":
            return write_object(self, view, place, given if isinstance(given, dict) else None)
        if kind == "array":
            return write_array(self, view, place, given if isinstance(given, list) else None)
        if kind == "string":
            return write_string(view, place.label, self.rng, self.fakes, place.variant)
        if kind in ("integer", "number"):
            integer = kind == "integer"
            return write_number(
                view, integer, place.variant, self.source, self.dynamic, self.fakes, place.label
            )
        return self._pick(2, place.variant) == 0 if kind == "boolean" else None

    def _documented(self, view: View, place: Place) -> Any:
        """What the schema itself offers, where valid: its `x-faker` method's value, else (not
        for dynamic values) its `example`, an `examples` member or, if asked, its `default`.
        Object examples are left to the properties, so that records do not all read alike."""
        if "x-faker" in view and self.fakes is not None:
            made = _typed(self.fakes.by_faker_js(view["x-faker"], self.rng), view)
            if made is not None and self.valid(made, view):
                return made
        if self.dynamic or not ("example" in view or "examples" in view or "default" in view):
            return _ABSENT
        offered = self._offers.get(id(view))
        if offered is None or offered[0] is not view:
            offered = self._offers[id(view)] = (view, _valid_offers(self, view))
        for index, value in offered[1]:
            if index == place.variant:
                return copy.deepcopy(value)
        return _ABSENT

    def valid(self, value: Any, schema: Any) -> bool:
        """Whether `value` is valid against `schema` (False for a schema that never ends)."""
        try:
            return self._checker.valid(value, schema)
        except RecursionError:  # the schema never ends, so neither would the search: give up
            self._budget = -1
            return False

    def deep(self, place: Place) -> bool:
        """Whether `place` lies beyond max_depth, where only required parts are written."""
        return place.depth > self._max_depth

    def _error_count(self, value: Any, schema: Any) -> int:
        try:
            return self._checker.error_count(value, schema)
        except RecursionError:  # the schema never ends, so neither would the search: give up
            self._budget = -1
            return 1

    def _pick(self, count: int, variant: int) -> int:
        """An index below `count`: the variant's own, or a random one for a dynamic first pick."""
        return self.rng.randrange(count) if self.dynamic and variant == 0 else variant % count

    def _choose(self, view: View, key: str, place: Place, given: Any) -> Any:
        choosing = (place.pointer or "", place.depth)
        if place.pointer and choosing in self._choosing:
            return None  # a branch led back here with no nesting in between: nothing comes of it
        branches = self._branches(view, key, place, given)
        rest = {name: value for name, value in view.items() if name != key}
        candidates: list[tuple[Any, View, int, Place]] = []
        self._choosing.add(choosing)
        try:
            for attempt in range(1 if given is not _ABSENT else 2):
                for index, (branch, pointer) in enumerate(branches):
                    where = place.led_by(pointer, place.variant + attempt)
                    target = merge_views([rest, branch])
                    candidate = self.write(target, where, given)
                    if self._budget < 0 or self.valid(candidate, view):
                        return candidate
                    candidates.append((candidate, target, index, where))
            if key == "oneOf":  # each valid under another branch too: tell them apart
                for candidate, target, index, where in candidates[: len(branches)]:
                    others = [other for other, _ in branches[:index] + branches[index + 1 :]]
                    separated = self._separate(candidate, target, others, where)
                    if self._budget < 0 or self.valid(separated, view):
                        return separated
        finally:
            self._choosing.discard(choosing)
        return candidates[0][0]

    def _separate(self, candidate: Any, target: View, others: list[View], place: Place) -> Any:
        """`candidate` (valid against `target`) changed until no branch of `others` admits it,
        as far as a few changes get: a value valid under two `oneOf` branches is valid under
        none of the choice. Bounded: a share of what is left to spend."""
        floor = self._budget - max(self._budget // 8, 1)
        for other in others:
            if self._budget < floor or not self.valid(candidate, other):
                continue
            for option in islice(self._variations(candidate, target, other, place), _TRIES):
                if self._budget < floor:
                    break
                if self.valid(option, target) and not self.valid(option, other):
                    candidate = option
                    break
        return candidate

    def _variations(self, candidate: Any, target: View, other: View, place: Place) -> Iterator[Any]:
        """Values meant for `target` that may differ from `candidate` where `other` looks."""
        if isinstance(candidate, dict):
            yield from object_variations(self, target, candidate, other, place)
        other_view, _ = self.views.flatten(other)
        for bound, (opposite, shift) in _OPPOSITES.items():
            if is_number(other_view.get(bound)):
                outside = {opposite: other_view[bound] + shift}
                yield self.write(merge_views([target, outside]), place)
        for offset in range(1, _TRIES):
            yield self.write(target, place.led_by(place.pointer, place.variant + offset))
        for kind in as_strings(target.get("type")) or _ALL_TYPES:
            yield self.write({**target, "type": [kind]}, place)

    def _conditional(self, view: View, place: Place, given: Any) -> Any:
        """`if`/`then`/`else`: a value that meets `if` and `then`, else one that meets `else`."""
        rest = {name: value for name, value in view.items() if name not in _CONDITION}
        condition, then, otherwise = (self.views.flatten(view.get(k, ANY))[0] for k in _CONDITION)
        options = [merge_views([rest, condition, then]), merge_views([rest, otherwise])]
        if given is not _ABSENT and not self.valid(given, view.get("if", ANY)):
            options.reverse()
        candidates = []
        for option in options:
            candidate = self.write(option, place, given)
            if self._budget < 0 or self.valid(candidate, view):
                return candidate
            candidates.append(candidate)
        return candidates[0]

    def _branches(
        self, view: View, key: str, place: Place, given: Any
    ) -> list[tuple[View, str | None]]:
        """The branches of `view[key]` in the order to try them."""
        branches = [self.views.flatten(branch) for branch in view[key]]
        if given is not _ABSENT:
            return sorted(branches, key=lambda branch: self._distance(given, view, *branch))
        if self.dynamic:
            self.rng.shuffle(branches)
        if self.deep(place):  # the branch asking least is the one that ends a recursion
            return sorted(branches, key=lambda branch: _demand(branch[0]))
        # higher up, null is the last resort
        return sorted(branches, key=lambda branch: as_strings(branch[0].get("type")) == ["null"])

    def _distance(
        self, given: Any, view: View, branch: View, pointer: str | None
    ) -> tuple[bool, int]:
        """How far `given` is from a branch: claimed by its discriminator first, then errors."""
        discriminator = as_mapping(view.get("discriminator"))
        tag = given.get(discriminator.get("propertyName")) if isinstance(given, dict) else None
        claimed = pointer is not None and tag in discriminator_tags(discriminator, pointer)
        return not claimed, self._error_count(given, branch)

    def _negated(self, view: View, place: Place) -> Any:
        rest = {name: value for name, value in view.items() if name != "not"}
        first = self.write(rest, place)
        if self.valid(first, view):
            return first
        separated = self._separate(first, rest, [view["not"]], place)
        if self.valid(separated, view):
            return separated
        kinds = as_strings(rest.get("type")) or _ALL_TYPES
        options = [rest] * 2 + [{**rest, "type": [kind]} for kind in kinds]
        for offset, option in enumerate(options, start=1):
            candidate = self.write(option, place.led_by(place.pointer, place.variant + offset))
            if self.valid(candidate, view):
                return candidate
        return first


def _kind(view: View, given: Any, deep: bool, variant: int) -> str:
    """The JSON type to write for `view`: a given container's own where the view allows it;
    null only where it is the one type, or `deep` (past max_depth) for the first variant."""
    declared = as_strings(view.get("type"))
    if isinstance(given, dict | list):
        kind = "object" if isinstance(given, dict) else "array"
        if kind in (declared or _ALL_TYPES):
            return kind
    kinds = declared or [kind for kind, hints in _TYPE_HINTS if any(h in view for h in hints)]
    if "null" in kinds and ((deep and variant == 0) or kinds == ["null"]):
        return "null"
    for kind in kinds:
        if kind != "null":
            return kind
    return "object"


def _valid_offers(walk: Walk, view: View) -> list[tuple[int, Any]]:
    """(variant, value) of what the view offers that it admits: `examples` by their place,
    `example` (and, if asked, `default`) for the first variant."""
    offers: list[tuple[int, Any]] = []
    if walk.options.use_examples:
        examples = view.get("examples")
        offers += enumerate(examples) if isinstance(examples, list) else []
        offers += [(0, view["example"])] if "example" in view else []
    if walk.options.use_defaults and "default" in view:
        offers.append((0, view["default"]))
    return [(i, v) for i, v in offers if not isinstance(v, dict) and walk.valid(v, view)]


def _copied(value: Any) -> Any:
    """`value` as a caller may change it: containers copied, scalars as they are."""
    return copy.deepcopy(value) if isinstance(value, dict | list) else value


def _typed(value: Any, view: View) -> Any:
    """A faked value in the type its schema asks (a number as text, text as a number)."""
    kinds = as_strings(view.get("type"))
    if value is None or not kinds or isinstance(value, bool):
        return value
    if "string" in kinds and not isinstance(value, str):
        return str(value)
    if "integer" in kinds and is_number(value):
        return round(value)
    if "number" in kinds and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _demand(view: View) -> int:
    """How many members a view requires: the branch asking least ends a recursion soonest."""
    return len(as_strings(view.get("required"))) + int_or(view.get("minItems"), 0)
