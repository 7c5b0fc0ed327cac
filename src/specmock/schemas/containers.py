"""Objects and arrays written from one schema view, their members written by the walk.

With a value `given`, its valid members are kept and the others repaired (`Walk.conform`);
without one, members are made up (`Walk.value`). Either way the result is fitted to the view's
size limits, `uniqueItems`, `contains` and discriminator.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from specmock.schemas import patterns
from specmock.schemas.places import Place, Walker
from specmock.schemas.views import (
    ANY,
    MAPPINGS,
    View,
    as_list,
    as_mapping,
    as_strings,
    both,
    discriminator_tags,
    int_or,
)


def write_object(
    walk: Walker, view: View, place: Place, given: Mapping[str, Any] | None
) -> dict[str, Any]:
    """An object valid against `view` as far as one exists: `given` repaired, or a new one."""
    required = as_strings(view.get("required"))
    needed = set(required)
    body: dict[str, Any] = {}
    for name, item in (given or {}).items():
        schema = property_schema(view, name)
        if schema is not False and not walk.views.write_only(schema):
            body[name] = walk.conform(item, schema, place.inner(name))
    optional = given is None and not walk.deep(place)
    for name in [*as_mapping(view.get("properties")), *required]:
        if name in body or not (optional or name in needed):
            continue
        schema = property_schema(view, name)
        inner, pointer = walk.views.flatten(schema)
        if inner.get("writeOnly") is True:
            continue
        value = walk.write(inner, place.inner(name, place.variant, pointer))
        if name in needed or walk.valid(value, schema):
            body[name] = value  # an optional property that no value satisfies is left out
    _fit_size(walk, view, body, place)
    _discriminate(walk, view, body, place.pointer)
    return body


def property_schema(view: View, name: str) -> Any:
    """The schema the property `name` of an object must meet under `view`."""
    properties = as_mapping(view.get("properties"))
    if name in properties:
        return properties[name]
    for pattern, schema in as_mapping(view.get("patternProperties")).items():
        if patterns.searches(pattern, name):
            return schema
    extra = view.get("additionalProperties", True)
    return extra if isinstance(extra, MAPPINGS) or extra is False else ANY


def _fit_size(walk: Walker, view: View, body: dict[str, Any], place: Place) -> None:
    """Bring `body` within minProperties (optional properties first) and maxProperties."""
    missing = int_or(view.get("minProperties"), 0) - len(body)
    for name, schema in as_mapping(view.get("properties")).items():
        if missing > 0 and name not in body and not walk.views.write_only(schema):
            body[name] = walk.value(schema, place.inner(name))
            missing -= 1
    closed = view.get("additionalProperties") is False and not view.get("patternProperties")
    for index in range(1, 100):
        if missing <= 0 or closed:
            break
        name = _extra_name(walk, view, place.inner("key", index))
        if name not in body:
            body[name] = walk.value(property_schema(view, name), place.inner(name))
            missing -= 1
    limit = int_or(view.get("maxProperties"), len(body))
    if len(body) > limit:
        required = set(as_strings(view.get("required")))
        for name in [name for name in reversed(body) if name not in required]:
            if len(body) > limit:
                del body[name]


def _extra_name(walk: Walker, view: View, place: Place) -> str:
    if "propertyNames" in view:
        return str(walk.value(view["propertyNames"], place))
    pattern_properties = as_mapping(view.get("patternProperties"))
    if view.get("additionalProperties") is False and pattern_properties:
        return patterns.matching(next(iter(pattern_properties)), walk.rng)
    return f"additionalProp{place.variant}"


def _discriminate(walk: Walker, view: View, body: dict[str, Any], pointer: str | None) -> None:
    """Set the discriminator property to the value that names the schema at `pointer`."""
    discriminator = as_mapping(view.get("discriminator"))
    name = discriminator.get("propertyName")
    if pointer is None or not isinstance(name, str):
        return
    tags = discriminator_tags(discriminator, pointer)
    schema = as_mapping(view.get("properties")).get(name)
    if body.get(name) in tags or (schema is None and view.get("additionalProperties") is False):
        return
    if schema is None or walk.valid(tags[0], schema):
        body[name] = tags[0]


def write_array(walk: Walker, view: View, place: Place, given: list[Any] | None) -> list[Any]:
    """An array valid against `view` as far as one exists: `given` repaired, or a new one."""
    prefix = as_list(view.get("prefixItems"))
    low = int_or(view.get("minItems"), 0)
    unique = view.get("uniqueItems") is True
    count = len(given) if given is not None else _item_count(walk, view, place, len(prefix))
    if view.get("items") is False:
        count = min(count, max(low, len(prefix)))
    count = min(count, int_or(view.get("maxItems"), count))
    values: list[Any] = []
    for index in range(count + low):  # rounds beyond count top up what repeats left short
        if index >= count and len(values) >= low:
            break
        schema = _slot(view, prefix, len(values))
        if given is not None and index < count:
            item = walk.conform(given[index], schema, place.inner(place.label))
        else:  # step through variants ([0, 1, 2]); dynamic items do only if they must differ
            offset = index if unique or not walk.dynamic else 0
            item = _item(walk, schema, values, unique, place, offset)
        if not unique or _key(item) not in map(_key, values):
            values.append(item)
    contains = view.get("contains")
    if contains is not None and not any(walk.valid(value, contains) for value in values):
        wanted = walk.value(both(view.get("items", ANY), contains), place.inner(place.label))
        full = len(values) >= int_or(view.get("maxItems"), len(values) + 1)
        values = [*values[:-1], wanted] if full else [*values, wanted]
    return values


def _item_count(walk: Walker, view: View, place: Place, prefix: int) -> int:
    low = int_or(view.get("minItems"), 0)
    if walk.deep(place):
        return low
    count = max(low, prefix, 1)
    return walk.rng.randint(count, count + 2) if walk.dynamic else count


def _item(
    walk: Walker, schema: Any, done: list[Any], unique: bool, place: Place, offset: int
) -> Any:
    seen = {_key(value) for value in done} if unique else set()
    item = None
    for attempt in range(8):
        item = walk.value(schema, place.inner(place.label, place.variant + offset + attempt))
        if _key(item) not in seen:
            break
    return item


def _slot(view: View, prefix: list[Any], index: int) -> Any:
    return prefix[index] if index < len(prefix) else view.get("items", ANY)


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)
