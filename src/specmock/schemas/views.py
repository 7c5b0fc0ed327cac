"""Schemas read as views: one level of a schema with `$ref` followed, `allOf` merged into one
schema and 3.0 idioms (`nullable`, boolean `exclusiveMinimum`) restated in 3.1 terms, its `type`
always a list. The walk that writes values reads views, never raw schemas.

Also here: the readers of a view's keyword values (`as_strings`, `as_mapping`...), which take any
value a schema may hold and give the shape the walk expects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote

from specmock.errors import SpecError
from specmock.schemas.bounds import lcm
from specmock.spec import refs
from specmock.spec.dialects import restate_30, restate_bounds
from specmock.spec.perobject import PerObject

View = dict[str, Any]

# The schema every value meets, shared: a new `{}` at each use would be a new key in every
# per-schema cache (compiled checks, views), kept for good.
ANY: Mapping[str, Any] = MappingProxyType({})
# A dict is tested first: `isinstance(x, Mapping)` alone goes through the ABC machinery, which
# costs on a path taken for every value written.
MAPPINGS = (dict, Mapping)
CHOICES = ("oneOf", "anyOf")
# Views kept per document (see `Views`): enough for GitHub's spec, bounded for any other.
_KEPT_VIEWS = 100_000


class Views:
    """The schemas of one document, read as views.

    A view depends only on its schema (the document is never changed) and on the `$ref`s already
    followed, so each is worked out once and kept: writing one GitHub repository answer asked for
    about 200 views, most of them the same few. Views are read, never changed, by their users.
    """

    def __init__(self, document: Mapping[str, Any], legacy: bool) -> None:
        """`legacy`: the document is OpenAPI 3.0, whose schemas are restated."""
        self._document = document
        self._legacy = legacy
        self._views: PerObject[tuple[View, str | None]] = PerObject(limit=_KEPT_VIEWS)

    def flatten(self, schema: Any, trail: frozenset[str] = frozenset()) -> tuple[View, str | None]:
        """The view of `schema` and the pointer of the `$ref` it names, if it names one."""
        if not isinstance(schema, MAPPINGS):
            return self._flatten(schema, trail)
        return self._views.get(schema, lambda: self._flatten(schema, trail), trail)

    def write_only(self, schema: Any) -> bool:
        """Whether `schema` is writeOnly (so a response never holds it)."""
        return self.flatten(schema)[0].get("writeOnly") is True

    def _flatten(self, schema: Any, trail: frozenset[str]) -> tuple[View, str | None]:
        if not isinstance(schema, Mapping):
            return ({"not": {}} if schema is False else {}), None
        if isinstance(schema.get("$ref"), str):
            return self._follow(schema, trail)
        view = level_view(schema, self._legacy)
        members = view.pop("allOf", None)
        if not isinstance(members, list):
            return view, None
        return merge_views([*(self.flatten(member, trail)[0] for member in members), view]), None

    def _follow(self, schema: Mapping[str, Any], trail: frozenset[str]) -> tuple[View, str]:
        pointer: str = schema["$ref"]
        if pointer in trail:
            return {}, pointer  # a cycle with no nesting in between constrains nothing
        view, _ = self.flatten(self._lookup(pointer), trail | {pointer})
        siblings = {key: value for key, value in schema.items() if key != "$ref"}
        if siblings:
            view = merge_views([view, self.flatten(siblings, trail)[0]])
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


def level_view(schema: Mapping[str, Any], legacy: bool) -> View:
    """One level of `schema` in 3.1 terms (`dialects.restate_30`), its `type` always a list, so
    that the walk reads one shape. A 3.1 document keeps its `nullable`, a keyword 3.1 does not
    have, but a boolean exclusive bound can only mean what 3.0 meant by it, so it is restated."""
    view = restate_30(schema) if legacy else restate_bounds(schema)
    if isinstance(view.get("type"), str):
        view["type"] = [view["type"]]
    return view


def merge_views(views: Sequence[View]) -> View:
    """One view that asks for all that `views` ask for (the meaning of `allOf`), best effort."""
    merged: View = {}
    for view in views:
        for key, value in view.items():
            combine = _COMBINE.get(key, lambda first, _: first)
            merged[key] = combine(merged[key], value) if key in merged else value
    closed = [view for view in views if view.get("additionalProperties") is False]
    if closed and "properties" in merged:
        allowed = set.intersection(*(set(as_mapping(view.get("properties"))) for view in closed))
        merged["properties"] = {k: v for k, v in merged["properties"].items() if k in allowed}
    return merged


def both(first: Any, second: Any) -> Any:
    """A schema that holds where both schemas hold."""
    if first is False or second is False:
        return False
    if first is True or first == {}:
        return second
    if second is True or second == {}:
        return first
    return {"allOf": [first, second]}


def _common_kinds(first: Any, second: Any) -> list[str]:
    first, second = as_strings(first), as_strings(second)
    kinds = [kind for kind in first if kind in second]
    if {"integer", "number"} <= {*first, *second} and "integer" not in kinds:
        kinds.append("integer")  # an integer is a number
    return kinds


_COMBINE: dict[str, Callable[[Any, Any], Any]] = {
    **dict.fromkeys(("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"), max),
    **dict.fromkeys(("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"), min),
    **dict.fromkeys(("items", "additionalProperties", "contains", "propertyNames"), both),
    **dict.fromkeys(
        ("properties", "patternProperties"),
        lambda first, second: {
            **first,
            **{name: both(first.get(name, {}), schema) for name, schema in second.items()},
        },
    ),
    # exactly one of each list holds exactly when exactly one pair holds
    **dict.fromkeys(
        CHOICES, lambda first, second: [{"allOf": [a, b]} for a in first for b in second]
    ),
    "type": _common_kinds,
    "required": lambda first, second: [*first, *(name for name in second if name not in first)],
    "enum": lambda first, second: [item for item in first if item in second],
    "not": lambda first, second: {"anyOf": [first, second]},
    "multipleOf": lcm,
}


def discriminator_tags(discriminator: Mapping[str, Any], pointer: str) -> list[str]:
    """The discriminator values that select the schema at `pointer`, the preferred one first."""
    name = refs.unescape(unquote(pointer.rsplit("/", 1)[-1]))
    mapping = as_mapping(discriminator.get("mapping"))
    return [tag for tag, target in mapping.items() if target in (pointer, name)] or [name]


def as_strings(value: Any) -> list[str]:
    """A `type` or `required` value as a list of names."""
    names = [value] if isinstance(value, str) else as_list(value)
    return [name for name in names if isinstance(name, str)]


def as_mapping(value: Any) -> Mapping[str, Any]:
    """`value` if it is a mapping, else the empty one."""
    return value if isinstance(value, MAPPINGS) else ANY


def as_list(value: Any) -> list[Any]:
    """`value` as a new list if it is one, else an empty list."""
    return list(value) if isinstance(value, list) else []


def int_or(value: Any, default: int) -> int:
    """`value` if it is an integer (not a bool), else `default`."""
    return value if isinstance(value, int) and not isinstance(value, bool) else default
