"""Objects and arrays written from one schema view, their members written by the walk.

With a value `given`, its valid members are kept and the others repaired (`Walk.conform`);
without one, members are made up (`Walk.value`). Either way the result is fitted to the view's
size limits, `uniqueItems`, `contains` and discriminator.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
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
    merge_views,
)

# Keywords of a view that the walk settles before an object is written.
_CHOOSING = ("oneOf", "anyOf", "if", "not")
# Keywords by which `write_object` may change more of an object than its invalid members.
_WHOLE = (
    *_CHOOSING,
    "const",
    "enum",
    "discriminator",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "dependentRequired",
    "dependentSchemas",
)


def write_object(
    walk: Walker, view: View, place: Place, given: Mapping[str, Any] | None
) -> dict[str, Any]:
    """An object valid against `view` as far as one exists: `given` repaired, or a new one."""
    body = _members(walk, view, place, given)
    rounds = 3 if "dependentRequired" in view or "dependentSchemas" in view else 0
    for _ in range(rounds):  # a property present may ask for more (dependentRequired, -Schemas)
        wider = _dependencies(walk, view, body)
        if wider is view:
            break
        if any(key in wider for key in _CHOOSING):  # what was imposed is a choice: walk it
            chosen = walk.write(wider, place, body)
            return chosen if isinstance(chosen, dict) else body
        view = wider
        body = _members(walk, view, place, body)
    _fit_size(walk, view, body, place)
    _discriminate(walk, view, body, place.pointer)
    return body


def repair_members(
    walk: Walker, view: View, place: Place, given: Any, failing: frozenset[str]
) -> dict[str, Any] | None:
    """What `write_object` makes of `given` when its only invalid members are `failing`: those
    repaired (or left out where the view writes them never), the rest kept as they are, without
    walking them again; None where the view also judges the object as a whole."""
    kinds = as_strings(view.get("type"))
    if not isinstance(given, dict) or (kinds and "object" not in kinds):
        return None
    if any(key in view for key in _WHOLE):
        return None
    body: dict[str, Any] = {}
    for name, item in given.items():
        if name not in failing:
            body[name] = item
            continue
        schema = property_schema(view, name)
        if schema is not False and not walk.views.write_only(schema):
            body[name] = walk.conform(item, schema, place.inner(name))
    return body


def _members(
    walk: Walker, view: View, place: Place, given: Mapping[str, Any] | None
) -> dict[str, Any]:
    required = as_strings(view.get("required"))
    needed = set(required)
    named = "propertyNames" in view  # then an optional property must have a name it allows
    body: dict[str, Any] = {}
    for name, item in (given or {}).items():
        schema = property_schema(view, name)
        if schema is False or walk.views.write_only(schema):
            continue
        if not named or name in needed or walk.valid(name, view["propertyNames"]):
            body[name] = walk.conform(item, schema, place.inner(name))
    optional = given is None and not walk.deep(place)
    for name in [*as_mapping(view.get("properties")), *required]:
        if name in body or not (optional or name in needed):
            continue
        if named and name not in needed and not walk.valid(name, view["propertyNames"]):
            continue
        schema = property_schema(view, name)
        inner, pointer = walk.views.flatten(schema)
        if inner.get("writeOnly") is True:
            continue
        value = walk.write(inner, place.inner(name, place.variant, pointer))
        if name in needed or walk.valid(value, schema):
            body[name] = value  # an optional property that no value satisfies is left out
    return body


def _dependencies(walk: Walker, view: View, body: dict[str, Any]) -> View:
    """`view` with what the properties present in `body` bring in: the names they require
    (`dependentRequired`) and the schemas they impose (`dependentSchemas`); `view` itself when
    they bring in nothing new."""
    wanted = as_strings(view.get("required"))
    extra = [
        name
        for trigger, names in as_mapping(view.get("dependentRequired")).items()
        if trigger in body
        for name in as_strings(names)
        if name not in wanted
    ]
    schemas = as_mapping(view.get("dependentSchemas"))
    imposed = [walk.views.flatten(schemas[name])[0] for name in schemas if name in body]
    if not extra and not imposed:
        return view
    wider = merge_views([{k: v for k, v in view.items() if k != "dependentSchemas"}, *imposed])
    wider["required"] = [*as_strings(wider.get("required")), *extra]
    return wider


def object_variations(
    walk: Walker, view: View, body: dict[str, Any], other: View, place: Place
) -> Iterator[dict[str, Any]]:
    """Copies of `body` (valid against `view`) changed where `other`, another schema, looks: a
    property `other` requires left out, one it types differently written against its schema,
    one it does not allow added."""
    other_view, _ = walk.views.flatten(other)
    required = set(as_strings(view.get("required")))
    for name in as_strings(other_view.get("required")):
        if name in body and name not in required:
            yield {key: value for key, value in body.items() if key != name}
    for name, schema in as_mapping(other_view.get("properties")).items():
        own = property_schema(view, name)
        if own is False or walk.views.write_only(own):
            continue
        unlike = merge_views([walk.views.flatten(own)[0], {"not": schema}])
        yield {**body, name: walk.write(unlike, place.inner(name))}
    if other_view.get("additionalProperties") is False or "unevaluatedProperties" in other_view:
        known = as_mapping(other_view.get("properties"))
        for index in range(1, 4):
            name = _extra_name(walk, view, place.inner("key", index), body)
            if name not in known and name not in body:
                yield {**body, name: walk.value(property_schema(view, name), place.inner(name))}
                break


def property_schema(view: View, name: str) -> Any:
    """The schema the property `name` of an object must meet under `view`."""
    properties = as_mapping(view.get("properties"))
    if name in properties:
        return properties[name]
    for pattern, schema in as_mapping(view.get("patternProperties")).items():
        if patterns.searches(pattern, name):
            return schema
    extra = view.get("additionalProperties", view.get("unevaluatedProperties", True))
    return extra if isinstance(extra, MAPPINGS) or extra is False else ANY


def _fit_size(walk: Walker, view: View, body: dict[str, Any], place: Place) -> None:
    """Bring `body` within minProperties (optional properties first) and maxProperties."""
    missing = int_or(view.get("minProperties"), 0) - len(body)
    for name, schema in as_mapping(view.get("properties")).items():
        if missing > 0 and name not in body and not walk.views.write_only(schema):
            body[name] = walk.value(schema, place.inner(name))
            missing -= 1
    closed = (
        missing > 0 and property_schema(view, "") is False and not view.get("patternProperties")
    )
    for index in range(1, 100):
        if missing <= 0 or closed:
            break
        name = _extra_name(walk, view, place.inner("key", index), body)
        if name not in body and property_schema(view, name) is not False:
            body[name] = walk.value(property_schema(view, name), place.inner(name))
            missing -= 1
    limit = int_or(view.get("maxProperties"), len(body))
    if len(body) > limit:
        required = set(as_strings(view.get("required")))
        for name in [name for name in reversed(body) if name not in required]:
            if len(body) > limit:
                del body[name]


def _extra_name(walk: Walker, view: View, place: Place, body: Mapping[str, Any]) -> str:
    """A property name not in `body` that `view` allows, as far as a few tries find one."""
    name = f"additionalProp{place.variant}"
    pattern_properties = list(as_mapping(view.get("patternProperties")))
    for attempt in range(8):
        where = place.led_by(place.pointer, place.variant + attempt)
        if "propertyNames" in view:
            name = str(walk.value(both(view["propertyNames"], {"type": "string"}), where))
        elif pattern_properties and property_schema(view, name) is False:
            pattern = pattern_properties[(place.variant + attempt) % len(pattern_properties)]
            name = _unused(pattern, patterns.matching(pattern, walk.rng), body)
        if name not in body:
            break
    return name


def _unused(pattern: str, name: str, body: Mapping[str, Any]) -> str:
    """`name`, or when `body` has it, `name` with a number after it that `pattern` still finds."""
    if name not in body:
        return name
    longer = (f"{name}{number}" for number in range(1, 100))
    return next((n for n in longer if n not in body and patterns.searches(pattern, n)), name)


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
    if _slot(view, prefix, len(prefix)) is False:
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
    return _fit_contains(walk, view, values, place)


def _fit_contains(walk: Walker, view: View, values: list[Any], place: Place) -> list[Any]:
    """`values` with between minContains (1 by default) and maxContains items matching
    `contains`: matching items added or put in place of others, or others put in their place."""
    contains = view.get("contains")
    if contains is None:
        return values
    low = int_or(view.get("minContains"), 1)
    high = int_or(view.get("maxContains"), len(values) + low)
    matching = [index for index, value in enumerate(values) if walk.valid(value, contains)]
    prefix = as_list(view.get("prefixItems"))
    room = int_or(view.get("maxItems"), len(values) + low) - len(values)
    others = [index for index in range(len(values)) if index not in matching]
    unique = view.get("uniqueItems") is True
    for offset in range(low - len(matching)):
        index = len(values) if room > 0 and _slot(view, prefix, len(values)) is not False else None
        index = others.pop() if index is None and others else index
        if index is None:
            break  # no room left: the schema asks for more than it allows
        wanted = _item(
            walk, both(_slot(view, prefix, index), contains), values, unique, place, offset
        )
        if index == len(values):
            values, room = [*values, wanted], room - 1
        else:
            values[index] = wanted
    for offset, index in enumerate(matching[high:]):
        unlike = {"allOf": [_slot(view, prefix, index)], "not": contains}
        values[index] = _item(walk, unlike, values, unique, place, offset + 1)
    return values


def _item_count(walk: Walker, view: View, place: Place, prefix: int) -> int:
    """How many items to write: `x-count` (Prism's), else the document's default lengths
    (`x-json-schema-faker` minItems/maxItems), else one or a few; within the schema's limits."""
    low = int_or(view.get("minItems"), 0)
    if walk.deep(place):
        return low
    high = int_or(view.get("maxItems"), -1)
    wanted = int_or(view.get("x-count"), -1)
    options = walk.options
    if wanted >= 0:
        wanted = max(wanted, low)
    elif options.min_items is not None or options.max_items is not None:
        least = max(low, prefix, options.min_items or 0)
        most = max(least, least + 2 if options.max_items is None else options.max_items)
        wanted = walk.rng.randint(least, most)
    else:
        least = max(low, prefix, 1)
        wanted = walk.rng.randint(least, least + 2) if walk.dynamic else least
    return min(wanted, high) if high >= 0 else wanted


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
    if index < len(prefix):
        return prefix[index]
    return view.get("items", view.get("unevaluatedItems", ANY))


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)
