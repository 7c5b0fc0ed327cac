"""Parameters read off the wire as OpenAPI serialises them: every `style` and `explode` of path,
query, header and cookie parameters, scalars, arrays and objects.

openapi-core 0.23 reads the default styles right, and several others wrong (its
`deserializing.styles.util`): `label` and `matrix` look the value up under `.name` and `;name`,
keys our path parameters never have, so they are always "missing"; `spaceDelimited` splits at a
literal `%20` where the query is already decoded; an exploded `form` object looks for the
parameter's own name, which the wire never holds (its keys are the properties'); `deepObject` is
refused unless `explode: true` is written, though real specs leave it out. An empty text is an empty
array or object, as RFC 6570 writes them. `StyleReaders` stands in
for its factory (`validation.core` hands it over): the same protocol, the wire read as the
specification's style tables write it. Values stay text; openapi-core's casters and schema
validators do the rest, as for every other parameter.

Text that is not written in its style (a label value without its `.`, an odd list of object
pairs) is a `ValueError` with a message quoting it, which openapi-core reports as a value that
cannot be read. `KeyError` means absent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jsonschema_path import SchemaPath
from openapi_core.casting.schemas.factories import SchemaCastersFactory
from openapi_core.deserializing.styles.deserializers import StyleDeserializer

# (explode, name, schema type, location) -> the value as text, a list of texts or a dict of texts
Reader = Callable[[bool, str, str, Mapping[str, Any]], Any]


def _pairs(text: str, parts: list[str]) -> dict[str, str]:
    """`R,100,G,200` -> {"R": "100", "G": "200"}: names and values alternating."""
    if len(parts) % 2:
        raise ValueError(f"{text!r} is not a list of name and value pairs")
    return dict(zip(parts[::2], parts[1::2], strict=True))


def _assignments(text: str, parts: list[str]) -> dict[str, str]:
    """`R=100`, `G=200` -> {"R": "100", "G": "200"}: each part a name=value."""
    found = {}
    for part in parts:
        name, equals, value = part.partition("=")
        if not equals:
            raise ValueError(f"{text!r} is not a list of name=value pairs: {part!r} has no '='")
        found[name] = value
    return found


def _split(text: str, separator: str, explode: bool, kind: str) -> Any:
    """A value's text after its style's prefix, as a scalar, array or object (an empty text is
    an empty array or object, as RFC 6570 writes them)."""
    if not text and kind in ("array", "object"):
        return [] if kind == "array" else {}
    if kind == "array":
        return text.split(separator)
    if kind == "object":
        parts = text.split(separator)
        return _assignments(text, parts) if explode else _pairs(text, parts)
    return text


def simple(explode: bool, name: str, kind: str, location: Mapping[str, Any]) -> Any:
    """`blue`, `blue,black`, `R,100,G,200`, exploded `R=100,G=200` (path and header)."""
    return _split(location[name], ",", explode, kind)


def label(explode: bool, name: str, kind: str, location: Mapping[str, Any]) -> Any:
    """`.blue`, `.blue,black` (`.blue.black` exploded), `.R,100,G,200` (`.R=100.G=200`)."""
    value = location[name]
    if not value.startswith("."):
        raise ValueError(f"{value!r} does not start with '.', as a label-style value does")
    return _split(value[1:], "." if explode and kind in ("array", "object") else ",", explode, kind)


def matrix(explode: bool, name: str, kind: str, location: Mapping[str, Any]) -> Any:
    """`;color=blue`, `;color=blue,black` (`;color=blue;color=black` exploded),
    `;color=R,100,G,200` (`;R=100;G=200` exploded); `;color` for an empty value."""
    value = location[name]
    if explode and kind == "object":
        if not value.startswith(";"):
            raise ValueError(f"{value!r} does not start with ';', as a matrix-style value does")
        return _assignments(value, value[1:].split(";"))
    if explode and kind == "array":
        return [_matrix_value(value, name, f";{part}") for part in value[1:].split(";")]
    return _split(_matrix_value(value, name, value), ",", False, kind)


def _matrix_value(whole: str, name: str, value: str) -> str:
    if value == f";{name}":
        return ""
    if not value.startswith(f";{name}="):
        raise ValueError(f"{whole!r} does not start with ';{name}=', as a matrix-style value does")
    return value[len(name) + 2 :]


def _every(location: Mapping[str, Any], name: str) -> list[str]:
    """Every value a query or cookie gives `name` (KeyError when it gives none)."""
    if name not in location:
        raise KeyError(name)
    getlist = getattr(location, "getlist", None)
    return list(getlist(name)) if getlist is not None else [location[name]]


def _delimited(separator: str) -> Reader:
    def read(explode: bool, name: str, kind: str, location: Mapping[str, Any]) -> Any:
        if explode and kind == "array":
            return _every(location, name)
        return _split(location[name], separator, False, kind)

    return read


def _form(others: frozenset[str]) -> Reader:
    """`form` (query and cookie): `blue`, `blue,black` (`color=blue&color=black` exploded),
    `R,100,G,200`, and an exploded object as keys of its own (`R=100&G=200`): every key that
    names no other parameter, so that unknown ones are refused where the schema forbids
    additional properties."""

    def read(explode: bool, name: str, kind: str, location: Mapping[str, Any]) -> Any:
        if explode and kind == "array":
            values = _every(location, name)
            # a cookie holds one value: its list is comma-separated whatever `explode` says
            return values[0].split(",") if not hasattr(location, "getlist") else values
        if explode and kind == "object":
            found = {key: location[key] for key in location if key not in others}
            if not found:
                raise KeyError(name)
            return found
        return _split(location[name], ",", False, kind)

    return read


def deep_object(explode: bool, name: str, kind: str, location: Mapping[str, Any]) -> Any:
    """`color[R]=100&color[G]=200`; read whatever `explode` says (real specs leave it out, and
    the style has one form). Every key inside the brackets is kept: unknown ones are then
    refused where the schema forbids additional properties."""
    if kind not in ("object", ""):
        raise ValueError(f"deepObject serialises objects, and {name!r} is a {kind}")
    start = f"{name}["
    found = {
        key[len(start) : -1]: location[key]
        for key in location
        if key.startswith(start) and key.endswith("]")
    }
    if not found:
        raise KeyError(name)
    return found


class StyleReaders:
    """Stands in for openapi-core's `StyleDeserializersFactory`: a reader of one parameter's
    style, with openapi-core's caster for its schema."""

    def __init__(self, casters: SchemaCastersFactory) -> None:
        self._casters = casters

    def create(
        self, spec: SchemaPath, schema: SchemaPath, style: str, explode: bool, name: str
    ) -> StyleDeserializer:
        kind = (schema / "type").read_str("")
        return StyleDeserializer(
            style,
            explode,
            name,
            kind,
            self._casters.create(spec, schema),
            self._reader(style, spec, schema, name),
        )

    def _reader(self, style: str, spec: SchemaPath, schema: SchemaPath, name: str) -> Reader | None:
        if style == "form":
            return _form(_other_names(spec, schema, name))
        return _READERS.get(style)


def _other_names(spec: SchemaPath, schema: SchemaPath, name: str) -> frozenset[str]:
    """The names of the other parameters on the path a parameter's schema is declared under
    (every method's: the path is all that its place in the document tells)."""
    parts = schema.parts
    if len(parts) < 2 or parts[0] != "paths":
        return frozenset()
    item = spec / "paths" / str(parts[1])
    holders = [item, *(item / method for method in _METHODS if method in item)]
    names = {
        (parameter / "name").read_str()
        for holder in holders
        if "parameters" in holder
        for parameter in holder / "parameters"
    }
    return frozenset(names - {name})


_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_READERS: dict[str, Reader] = {
    "simple": simple,
    "label": label,
    "matrix": matrix,
    "spaceDelimited": _delimited(" "),
    "pipeDelimited": _delimited("|"),
    "deepObject": deep_object,
}
