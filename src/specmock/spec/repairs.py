"""Repairs: flaws inside schemas and texts that still let an API be served, and how.

The rule: a flaw that still lets the API be served is a warning; only what cannot be served is an
error. A flaw is servable when it sits inside a schema object (a keyword of the wrong type, an
unknown keyword, a `default` its own schema refuses) or in a value that only documents (a
`description`, `summary` or `title`, an `example`, `externalDocs`, an `x-` extension): none of
them changes routing or the shape of an operation. Such a flaw carries a `Fix`, and
`structure.flaws` callers apply the fixes to a copy of the document and check it again (see
`api.validate_document`). What a fix does, by keyword:

- a text that is not a string (`description: false`) is read as its JSON text (`"false"`);
- a length or count bound that is a float (`maxLength: .inf` in YAML) is no limit when infinite,
  and its integer when whole;
- OpenAPI 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum` in a 3.1 document are restated in
  3.1 form (`dialects.restate_bounds`), as the 3.1 migration guide does;
- OpenAPI 3.0's `nullable` in a 3.1 document (3.1 dropped the keyword, and documents converted
  from 3.0 keep it) is restated as 3.1 says it: "null" joins the `type` (and a nullable `enum`),
  as `dialects.restate_30` does, or beside a lone `$ref` becomes a choice; `nullable` goes;
- a `discriminator` without a `mapping` over inline `oneOf`/`anyOf` branches (no `$ref`) names
  a branch by a component name no inline branch has, so it can pick none: it is left out, and
  the branches alone say which one a value meets;
- a subschema that is no schema (`items: 5`) is served as "anything" (`{}`);
- any other broken keyword or documentation value is left out.

A number JSON cannot carry (YAML's `.inf`, `.nan`) is left out wherever it is (`non_finite`):
an infinite bound is no bound, which is what its author meant.

What a meta-schema error means is read from its deepest cause: the OpenAPI 3.0 meta-schema says
"a schema or a $ref" (`oneOf`) at a schema's place, and the keyword at fault is found in the
error's context, by the meta-schema definition it broke (`Schema`, `XML`, `Discriminator`, ...).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from specmock.spec.dialects import restate_30, restate_bounds
from specmock.spec.keywords import SUBSCHEMA, SUBSCHEMA_LISTS, SUBSCHEMA_MAPS

Where = tuple[str | int, ...]

TEXTS = frozenset(("description", "summary", "title"))
_DOCUMENTING = frozenset(("example", "examples", "externalDocs")) | TEXTS
_BOUNDS = frozenset(
    ("maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties")
)
_EXCLUSIVE = frozenset(("exclusiveMinimum", "exclusiveMaximum"))
# Meta-schema definitions (3.0 names, then 3.1's) of objects that only a schema holds.
_SCHEMA_DEFINITIONS = frozenset(("Schema", "schema"))
_SCHEMA_PARTS = {"Discriminator": "discriminator", "XML": "xml", "xml": "xml"}
_QUOTED = 80
_HOLDERS = frozenset((*SUBSCHEMA_MAPS, *SUBSCHEMA_LISTS))  # their members are schemas


@dataclass(frozen=True, slots=True)
class Fix:
    """How a copy of the document is repaired: the value at `where` is left out (`drop`) or set
    to `value`; `served` says how the document is served then."""

    where: Where
    served: str
    drop: bool = True
    value: Any = None


def quote(value: Any) -> str:
    """A bad value as a warning quotes it: JSON, cut short."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _QUOTED else text[: _QUOTED - 3] + "..."


def non_finite(node: Any, where: Where = ()) -> Iterator[tuple[Where, float]]:
    """Every number of a document that JSON cannot carry, with its place."""
    if isinstance(node, float) and not math.isfinite(node):
        yield where, node
    elif isinstance(node, (dict, list)):
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            yield from non_finite(value, (*where, key))


def non_finite_fix(where: Where, value: float) -> tuple[str, Fix]:
    """The message and fix of a number JSON cannot carry."""
    text = ".nan" if math.isnan(value) else ".inf" if value > 0 else "-.inf"
    keyword = where[-1] if where else None
    bound = isinstance(keyword, str) and (keyword in _BOUNDS or keyword.startswith(("max", "min")))
    served = "with no limit" if bound and not math.isnan(value) else _value_fix(value, where).served
    return f"{text} is a number JSON cannot carry", Fix(where, served)


def leaves(error: Any) -> Iterator[Any]:
    """The deepest causes of a jsonschema-rs error (its own self when it has no context)."""
    context = getattr(error.kind, "context", None)
    if not context:
        yield error
        return
    for branch in context:
        for inner in branch:
            yield from leaves(inner)


def deepest(error: Any) -> Any:
    """The cause of an error placed deepest in the document (the first of equals)."""
    return max(leaves(error), key=lambda leaf: len(leaf.instance_path))


def meta_fix(document: Any, error: Any) -> tuple[Where, str, Fix | None]:
    """The place, message and fix (None when it cannot be served) of an OpenAPI meta-schema
    error, read from its deepest cause."""
    leaf = deepest(error)
    at = placed(document, leaf.instance_path)
    path = list(leaf.schema_path)
    starts = [i for i, part in enumerate(path[:-1]) if part in ("definitions", "$defs")]
    definition, rest = (path[starts[-1] + 1], path[starts[-1] + 2 :]) if starts else ("", [])
    keyword = rest[1] if rest[:1] == ["properties"] and len(rest) > 1 else None
    if definition in _SCHEMA_DEFINITIONS:
        if rest[:1] == ["additionalProperties"]:
            unexpected = list(getattr(leaf.kind, "unexpected", ()))[:1]
            if unexpected:
                place = (*at, unexpected[0])
                value = quote(_at(document, place))
                message = f"{unexpected[0]!r} (here {value}) is no schema keyword of this version"
                return place, message, Fix(place, f"without {unexpected[0]!r}")
        if keyword is None:  # the schema itself is not an object
            return at, leaf.message, Fix(at, "as any value", drop=False, value={})
        return _keyword_fix(document, at, keyword, leaf.message)
    if definition in _SCHEMA_PARTS and _SCHEMA_PARTS[definition] in at:
        index = len(at) - 1 - at[::-1].index(_SCHEMA_PARTS[definition])
        place = at[: index + 1]
        return place, leaf.message, Fix(place, f"without this {place[-1]}")
    if keyword in _DOCUMENTING or (isinstance(keyword, str) and keyword.startswith("x-")):
        return _keyword_fix(document, at, keyword, leaf.message)
    return at, leaf.message, None


def _keyword_fix(document: Any, at: Where, keyword: str, message: str) -> tuple[Where, str, Fix]:
    """The fix of one keyword whose value breaks the meta-schema at `at` (the keyword or inside
    its value)."""
    index = len(at) - 1 - at[::-1].index(keyword) if keyword in at else len(at) - 1
    place = at[: index + 1]
    return place, message, value_fix(document, place)


def schema_fix(schema: Any, where: Where, inside: Sequence[str | int], message: str) -> Fix:
    """The fix of a JSON Schema 2020-12 meta-schema error at `inside` a schema found at `where`."""
    place = (*where, *inside)
    bound = inside[0] if len(inside) == 1 and inside[0] in _EXCLUSIVE else None
    if bound is not None and isinstance(schema, dict) and isinstance(schema.get(bound), bool):
        restated = restate_bounds(schema)
        served = "restated in 3.1 form (a number)"
        if "$schema" in restated:  # a draft 4 schema: its restated bounds are 2020-12's
            served += f", as JSON Schema 2020-12 rather than {quote(restated.pop('$schema'))}"
        return Fix(where, served, drop=False, value=restated)
    holder = inside[-2] if len(inside) > 1 else None
    if holder in _HOLDERS or (inside and inside[-1] in SUBSCHEMA):
        return Fix(place, "as any value", drop=False, value={})
    return _value_fix(_at(schema, inside), place)


def nullable_fixes(schema: dict[str, Any], where: Where) -> list[tuple[Where, str, Fix]]:
    """The fixes of a 3.0 `nullable` in a 3.1 schema at `where`, one per keyword it changes (a fix
    of the whole schema would undo its subschemas' own fixes): beside a `type`, null joins it;
    beside a lone `$ref`, null becomes a choice beside it; anywhere else it only goes."""
    restated = restate_30(schema, null_in_enum=True)
    said = f"'nullable' (here {quote(schema['nullable'])}) is an OpenAPI 3.0 keyword, not 3.1's"
    found = [((*where, "nullable"), said, Fix((*where, "nullable"), "without it"))]
    if "type" not in schema:
        if schema["nullable"] is True and "$ref" in schema and "anyOf" not in schema:
            # the whole schema, which holds no subschema of its own to be fixed but its $ref
            choices = [{"$ref": schema["$ref"]}, {"type": "null"}]
            value = {k: v for k, v in schema.items() if k not in ("$ref", "nullable")}
            served = f"as anyOf {quote(choices)}, as the 3.0 nullable beside its $ref meant"
            return [(where, said, Fix(where, served, False, {**value, "anyOf": choices}))]
        return found
    for keyword in ("type", "enum"):
        if keyword in restated and restated[keyword] != schema.get(keyword):
            place = (*where, keyword)
            served = (
                f"with {keyword} {quote(restated[keyword])}, as the 3.0 nullable beside it meant"
            )
            found.append((place, said, Fix(place, served, drop=False, value=restated[keyword])))
    return found


def blind_discriminator(schema: dict[str, Any], where: Where) -> Iterator[Any]:
    """The flaw (place, message, fix) of a discriminator that can pick no branch: no `mapping`,
    and a branch written inline, which has no component name for a value to be."""
    discriminator = schema["discriminator"]
    branches = [*(schema.get("oneOf") or ()), *(schema.get("anyOf") or ())]
    if discriminator.get("mapping") or not branches:
        return
    if all(isinstance(branch, dict) and "$ref" in branch for branch in branches):
        return
    place = (*where, "discriminator")
    message = (
        f"the discriminator on {quote(discriminator.get('propertyName'))} has no mapping, and an "
        "inline branch has no component name for it to name"
    )
    yield place, message, Fix(place, "without the discriminator: the branches alone decide")


def value_fix(document: Any, place: Where) -> Fix:
    """How the value at `place` is served: converted where the intent is plain, else left out."""
    return _value_fix(_at(document, place), place)


def _value_fix(value: Any, place: Where) -> Fix:
    keyword = place[-1] if place else None
    if keyword in TEXTS and not isinstance(value, (str, dict, list)):
        text = value if isinstance(value, str) else json.dumps(value)
        return Fix(place, f"as the text {text!r}", drop=False, value=text)
    if keyword in _BOUNDS and isinstance(value, float):
        if math.isinf(value):
            return Fix(place, "with no limit")
        if value.is_integer() and value >= 0:
            return Fix(place, f"as {int(value)}", drop=False, value=int(value))
    name = f"{keyword!r}" if isinstance(keyword, str) else "this item"
    return Fix(place, f"without {name}")


def placed(document: Any, path: Sequence[str | int]) -> Where:
    """A jsonschema-rs instance path as keys of the document: it gives a key that looks like a
    number (a status code, `200`) as an integer."""
    place: list[str | int] = []
    node = document
    for part in path:
        key = str(part) if isinstance(node, dict) and isinstance(part, int) else part
        place.append(key)
        node = _child(node, key)
    return tuple(place)


def _at(document: Any, place: Sequence[str | int]) -> Any:
    node = document
    for part in place:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def apply(document: dict[str, Any], fixes: Sequence[Fix]) -> dict[str, Any]:
    """A copy of `document` with the fixes made; only the containers on their way are copied, so
    the original (maybe shared with the caller) is left as it is. List items are dropped from the
    last, so that one fix does not move the place of another."""
    root = dict(document)
    copied: set[Where] = {()}
    for fix in sorted(fixes, key=_order, reverse=True):
        if fix.where:
            _apply(root, fix, copied)
    return root


def _order(fix: Fix) -> list[tuple[bool, str]]:
    return [(isinstance(part, int), str(part).zfill(12)) for part in fix.where]


def _apply(root: dict[str, Any], fix: Fix, copied: set[Where]) -> None:
    node: Any = root
    for depth, part in enumerate(fix.where[:-1], start=1):
        child = _child(node, part)
        if not isinstance(child, (dict, list)):
            return  # an earlier fix took its place away
        if fix.where[:depth] not in copied:
            child = node[part] = dict(child) if isinstance(child, dict) else list(child)
            copied.add(fix.where[:depth])
        node = child
    last = fix.where[-1]
    if _child(node, last) is _MISSING:
        return
    if fix.drop:
        del node[last]
    else:
        node[last] = fix.value


_MISSING = object()


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(part, _MISSING)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return _MISSING
