"""XML bodies read and written by their schema's `xml` object (OpenAPI's XML Object: `name`,
`namespace`, `prefix`, `attribute`, `wrapped`).

A value is written as an element named by the schema's `xml.name`, else by the component its
`$ref` names, else by the caller's default; properties become child elements (or attributes where
`xml.attribute` says so) named by their own `xml.name` or their property name; an array is one
element per item, inside a wrapper element where `xml.wrapped` says so. Reading does the reverse,
and types text by the schema (`integer`, `number`, `boolean`, `null`): XML itself has only text.

Untrusted text is parsed with defusedxml with DTDs forbidden, so entity expansion ("billion
laughs"), external entities and external DTDs are refused before anything is expanded or fetched.
Reading is lenient where a writer may differ (the root's name, namespaces, unknown attributes);
what the schema says about the value is left to the validator that judges it after reading.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from specmock.schemas.views import CHOICES, Views, as_list, as_mapping, as_strings
from specmock.spec.parsing import INTEGER, NUMBER
from specmock.spec.perobject import PerObject

DEFAULT_ROOT = "data"  # the root's name when neither `xml.name` nor a component names it
_MAX_DEPTH = 200  # elements nested deeper than this are refused (the reader recurses)
_KEPT_LAYOUTS = 10_000  # object schemas' layouts kept per document
_DECLARATION = re.compile(rb"\s*<\?xml[^>]*\?>")
_FRAGMENT = "specmock-fragment"  # wraps the sibling items of an unwrapped root array
_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.\-]")
_XML_TEXT = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Why an XML body cannot be read, with where the parser stopped when it says."""

    reason: str
    line: int | None = None
    column: int | None = None

    @property
    def message(self) -> str:
        place = f" at line {self.line}, column {self.column}" if self.line is not None else ""
        return f"the XML body cannot be read{place}: {self.reason}"


class _TooDeep(Exception):
    """An element nested deeper than `_MAX_DEPTH` (caught in `read`)."""


@dataclass(frozen=True, slots=True)
class _Member:
    """How one property of an object schema is written in XML."""

    name: str  # the property's name in the value
    schema: Any
    view: Mapping[str, Any]
    tag: str  # its element's or attribute's local name
    kind: list[str]  # the types its view admits
    wrapped: bool
    items: Any  # the items' schema, for an array property

    @property
    def options(self) -> Mapping[str, Any]:
        return _options(self.view)


@dataclass(frozen=True, slots=True)
class _Layout:
    """An object schema's properties by name, and by the XML name they are written under."""

    members: dict[str, _Member]
    by_tag: dict[str, _Member]


class XmlCodec:
    """Values to XML and back for one document's schemas (each schema's view read once)."""

    def __init__(self, document: Mapping[str, Any], legacy: bool) -> None:
        """`legacy`: the document is OpenAPI 3.0."""
        self._views = Views(document, legacy)
        self._layouts: PerObject[_Layout] = PerObject(limit=_KEPT_LAYOUTS)

    # -- writing ------------------------------------------------------------------------------

    def write(self, value: Any, schema: Any, default: str = DEFAULT_ROOT) -> bytes:
        """`value` as an XML document for `schema`; a root array is always wrapped (a document
        has one root element)."""
        view, pointer = self._views.flatten(schema)
        tag = _root_name(view, pointer, default)
        out: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>']
        if isinstance(value, list):
            self._write_array(out, value, tag, view, frozenset(), wrapped=True)
        else:
            self._write(out, value, tag, schema, frozenset())
        return "".join(out).encode()

    def _write(
        self, out: list[str], value: Any, tag: str, schema: Any, bound: frozenset[str]
    ) -> None:
        view, _ = self._views.flatten(schema)
        if isinstance(value, list):
            self._write_array(out, value, tag, view, bound, wrapped=True)
            return
        name, declarations, bound = _element_name(tag, _options(view), bound)
        if not isinstance(value, dict):
            out.append(f"<{name}{declarations}>{_text(value)}</{name}>")
            return
        attributes: list[str] = []
        children: list[str] = []
        members = self._layout(view).members
        for key, item in value.items():
            member = members.get(key)
            if member is None:
                extra = view.get("additionalProperties")
                self._write(children, item, _xml_name(key), extra, bound)
                continue
            options = member.options
            if options.get("attribute") is True and not isinstance(item, dict | list):
                attribute, declared, _ = _element_name(member.tag, options, bound)
                declarations += declared
                attributes.append(f' {attribute}="{_text(item)}"')
            elif isinstance(item, list):
                self._write_array(children, item, member.tag, member.view, bound, member.wrapped)
            else:
                self._write(children, item, member.tag, member.schema, bound)
        out.append(f"<{name}{declarations}{''.join(attributes)}>{''.join(children)}</{name}>")

    def _write_array(
        self,
        out: list[str],
        values: list[Any],
        tag: str,
        view: Mapping[str, Any],
        bound: frozenset[str],
        wrapped: bool,
    ) -> None:
        items = view.get("items")
        item_tag = _root_name(self._views.flatten(items)[0], None, tag)
        if not wrapped:
            for value in values:
                self._write(out, value, item_tag, items, bound)
            return
        name, declarations, inner = _element_name(tag, _options(view), bound)
        out.append(f"<{name}{declarations}>")
        for value in values:
            self._write(out, value, item_tag, items, inner)
        out.append(f"</{name}>")

    # -- reading ------------------------------------------------------------------------------

    def read(self, body: bytes, schema: Any) -> Any | Unreadable:
        """The value an XML body holds for `schema`, or why it cannot be read (malformed, a DTD
        or entity, nested too deep)."""
        view, _ = self._views.flatten(schema)
        fragment = "array" in _kinds(view) and _options(view).get("wrapped") is not True
        text = _DECLARATION.sub(b"", body, count=1) if fragment else body
        if fragment:
            text = f"<{_FRAGMENT}>".encode() + text + f"</{_FRAGMENT}>".encode()
        try:
            root = fromstring(text, forbid_dtd=True)
        except DefusedXmlException as refused:
            return Unreadable(_refusal(refused))
        except ParseError as error:
            line, column = error.position
            return Unreadable(_parse_reason(error), line, column + 1)
        try:
            if fragment:
                return self._read_root_items(root, view)
            return self._read(root, schema, 0)
        except _TooDeep:
            return Unreadable(f"elements are nested deeper than {_MAX_DEPTH} levels")

    def _read_root_items(self, root: Element, view: Mapping[str, Any]) -> list[Any]:
        """An unwrapped root array's items, or a wrapped one's (a client may wrap it anyway)."""
        children = list(root)
        items = view.get("items")
        items_view, pointer = self._views.flatten(items)
        item_tag = _root_name(items_view, pointer, "")
        if len(children) == 1 and _local(children[0].tag) != item_tag and len(children[0]):
            children = list(children[0])
        return [self._read(child, items, 1) for child in children]

    def _read(self, element: Element, schema: Any, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise _TooDeep
        view, _ = self._views.flatten(schema)
        kinds = _kinds(view)
        if len(element) or element.attrib:
            if "array" in kinds and "object" not in kinds:
                return [self._read(child, view.get("items"), depth + 1) for child in element]
            return self._read_object(element, view, depth)
        text = element.text or ""
        if "object" in kinds and not text.strip() and "string" not in kinds:
            return {}
        if "array" in kinds and not text.strip() and "string" not in kinds:
            return []
        return _typed(text, kinds)

    def _read_object(self, element: Element, view: Mapping[str, Any], depth: int) -> Any:
        layout = self._layout(view)
        members, by_tag = layout.members, layout.by_tag
        value: dict[str, Any] = {}
        repeated: set[str] = set()
        for name, text in element.attrib.items():
            member = by_tag.get(_xml_name(_local(name)))
            if member is not None:
                value[member.name] = _typed(text, member.kind)
        extra = view.get("additionalProperties")
        for child in element:
            tag = _local(child.tag)
            member = by_tag.get(tag)
            if member is not None and "array" in member.kind:
                self._read_member_array(value, member, child, depth)
            elif member is not None:
                _put(value, repeated, member.name, self._read(child, member.schema, depth + 1))
            else:
                _put(
                    value,
                    repeated,
                    tag,
                    self._read(child, extra if extra is not True else {}, depth + 1),
                )
        for name in as_strings(view.get("required")):
            member = members.get(name)
            if name not in value and member is not None and "array" in member.kind:
                value[name] = []  # an empty unwrapped array writes no element at all
        return value

    def _read_member_array(
        self, value: dict[str, Any], member: _Member, child: Element, depth: int
    ) -> None:
        if member.wrapped and (len(child) or not (child.text or "").strip()):
            value[member.name] = [self._read(item, member.items, depth + 2) for item in child]
        elif member.wrapped:  # text where items belong: left for the validator to refuse
            value[member.name] = child.text
        else:
            value.setdefault(member.name, []).append(self._read(child, member.items, depth + 1))

    # -- schemas ------------------------------------------------------------------------------

    def _layout(self, view: Mapping[str, Any]) -> _Layout:
        """The object's properties as XML writes them (an array property under its items' name
        when unwrapped: one element per item), worked out once per view."""
        return self._layouts.get(view, lambda: self._lay_out(view))

    def _lay_out(self, view: Mapping[str, Any]) -> _Layout:
        members: dict[str, _Member] = {}
        for name, schema in as_mapping(view.get("properties")).items():
            member_view, _ = self._views.flatten(schema)
            options = _options(member_view)
            tag = str(options.get("name") or name)
            kinds = _kinds(member_view)
            wrapped = options.get("wrapped") is True
            items = member_view.get("items") if "array" in kinds else None
            if items is not None and not wrapped:
                tag = str(_options(self._views.flatten(items)[0]).get("name") or tag)
            members[name] = _Member(name, schema, member_view, tag, kinds, wrapped, items)
        return _Layout(members, {_xml_name(m.tag): m for m in members.values()})


def _kinds(view: Mapping[str, Any]) -> list[str]:
    """The types a view admits, its `oneOf`/`anyOf` branches' included (`[]`: any)."""
    kinds = as_strings(view.get("type"))
    for keyword in CHOICES:
        for branch in as_list(view.get(keyword)):
            if isinstance(branch, Mapping):
                kinds.extend(k for k in as_strings(branch.get("type")) if k not in kinds)
    if not kinds and isinstance(view.get("properties"), Mapping):
        kinds.append("object")
    if not kinds and "items" in view:
        kinds.append("array")
    return kinds


def _typed(text: str, kinds: list[str]) -> Any:
    """Element or attribute text as the first of the schema's types that reads it."""
    stripped = text.strip()
    if "integer" in kinds and INTEGER.fullmatch(stripped):
        return int(stripped)
    if "number" in kinds and NUMBER.fullmatch(stripped):
        number = float(stripped)
        return int(stripped) if INTEGER.fullmatch(stripped) else number
    if "boolean" in kinds and stripped in ("true", "false"):
        return stripped == "true"
    if "null" in kinds and stripped in ("", "null") and "string" not in kinds:
        return None
    return text


def _put(value: dict[str, Any], repeated: set[str], name: str, item: Any) -> None:
    """A repeated element of a property that is not an array becomes a list: the validator then
    says it is not the one value the schema asks for."""
    if name not in value:
        value[name] = item
    elif name in repeated:
        value[name].append(item)
    else:
        value[name] = [value[name], item]
        repeated.add(name)


def _options(view: Mapping[str, Any]) -> Mapping[str, Any]:
    return as_mapping(view.get("xml"))


def _root_name(view: Mapping[str, Any], pointer: str | None, default: str) -> str:
    named = _options(view).get("name")
    if isinstance(named, str) and named:
        return named
    if pointer is not None and pointer.startswith("#/components/schemas/"):
        return pointer.rsplit("/", 1)[1]
    return default


def _element_name(
    tag: str, options: Mapping[str, Any], bound: frozenset[str]
) -> tuple[str, str, frozenset[str]]:
    """An element's (or attribute's) qualified name, the namespace declarations it needs, and the
    prefixes bound inside it. A prefix no namespace binds is dropped: the text must parse."""
    name = _xml_name(tag)
    namespace, prefix = options.get("namespace"), options.get("prefix")
    declarations = ""
    if isinstance(prefix, str) and prefix and isinstance(namespace, str):
        declarations = f' xmlns:{_xml_name(prefix)}="{_escaped(namespace)}"'
        bound = bound | {prefix}
    elif isinstance(namespace, str):
        declarations = f' xmlns="{_escaped(namespace)}"'
    if isinstance(prefix, str) and prefix in bound:
        name = f"{_xml_name(prefix)}:{name}"
    return name, declarations, bound


def _xml_name(name: str) -> str:
    """A name XML can carry: other characters become `_`, as Schemathesis writes them."""
    if not name:
        return "element"
    cleaned = _NAME_CHARS.sub("_", unicodedata.normalize("NFKC", name).replace(":", "_"))
    return cleaned if cleaned[0].isalpha() or cleaned[0] == "_" else f"x_{cleaned}"


def _local(tag: str) -> str:
    """`{namespace}name` -> `name`."""
    return tag.rsplit("}", 1)[-1]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return _escaped(str(value))


def _escaped(text: str) -> str:
    return _XML_TEXT.sub("", text).translate(_ESCAPES)


def _refusal(refused: DefusedXmlException) -> str:
    kind = type(refused).__name__
    reasons = {
        "DTDForbidden": "it declares a DTD (<!DOCTYPE>), which is refused",
        "EntitiesForbidden": "it declares entities, which are refused",
        "ExternalReferenceForbidden": "it refers to an external resource, which is refused",
    }
    return reasons.get(kind, f"{kind}: {refused}")


def _parse_reason(error: ParseError) -> str:
    """The parser's message without the place it repeats (`: line 1, column 5`)."""
    return re.sub(r": line \d+, column \d+$", "", str(error))
