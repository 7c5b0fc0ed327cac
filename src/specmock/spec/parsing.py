"""Reading YAML and JSON text as JSON data: spec files (`parse_file`), and JSON on the wire.

PyYAML's safe loader turns `2023-11-07T05:31:56Z` into a datetime and `200:` into an integer key,
neither of which is JSON; OpenAPI is JSON data, so dates stay text and keys become strings. A key
given twice in one mapping is an error (YAML would silently keep the last, losing the first), and
so is a number JSON cannot carry (`.inf`, `.nan`).

A YAML alias repeats the node it names, and aliases of aliases multiply: 767 bytes of "billion
laughs" stand for 10^9 values that every later walk of the document would visit. The composed
nodes of a document with anchors are measured before they become data, and a document whose
aliases repeat more than `MAX_ALIAS_NODES` nodes, or an alias inside the node it names, is refused.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from specmock.errors import SpecError
from specmock.spec.refs import pointer

# Nodes that aliases may add to a document, beyond those written out: far more than anchors
# shared by hand ever repeat, far fewer than an alias bomb's.
MAX_ALIAS_NODES = 1_000_000


class DuplicateKeyError(yaml.MarkedYAMLError):
    """A mapping that names the same key twice."""


class AliasError(yaml.MarkedYAMLError):
    """Aliases that repeat too many nodes, or an alias inside the node it names."""


class JsonDataLoader(yaml.SafeLoader):
    """`yaml.safe_load` without timestamps, with string keys and no duplicate keys."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def compose_document(self) -> yaml.Node | None:
        """The root node, its aliases measured (see `check_aliases`) when it has anchors."""
        anchors = self.anchors  # filled while composing, replaced by an empty one at the end
        node = super().compose_document()
        if anchors and node is not None:  # without an anchor there is no alias
            check_aliases(node)
        return node

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            key = _json_key(key)
            if key in mapping:
                raise DuplicateKeyError(
                    "while reading a mapping",
                    node.start_mark,
                    f"key {key!r} appears twice",
                    key_node.start_mark,
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


JsonDataLoader.add_constructor(
    "tag:yaml.org,2002:map",
    JsonDataLoader.construct_mapping,
)


def check_aliases(root: yaml.Node, limit: int = MAX_ALIAS_NODES) -> None:
    """Raise AliasError at the first node whose aliases repeat more than `limit` nodes, or at an
    alias inside the node it names. Each distinct node is visited once, however often repeated.
    """
    sizes: dict[int, int] = {}  # node id -> the number of nodes it stands for, aliases expanded
    open_nodes: set[int] = set()  # the ids of the nodes being measured: the current one's parents
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, measured = stack.pop()
        key = id(node)
        if measured:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            # Each distinct node seen so far is written once: the rest are repeats.
            if sizes[key] - len(sizes) > limit:
                raise AliasError(
                    None,
                    None,
                    f"its aliases repeat more than {limit:,} nodes (the limit); use a $ref instead",
                    node.start_mark,
                )
        elif key in open_nodes:
            raise AliasError(
                None,
                None,
                "an alias inside the node it names (a value cannot hold itself)",
                node.start_mark,
            )
        elif key not in sizes:
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        yield from node.value
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value


def _json_key(key: Any) -> Any:
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int | float) or key is None:
        return "null" if key is None else str(key)
    return key


def load_yaml(text: str) -> Any:
    """YAML (or JSON) text as JSON data; raises yaml.YAMLError."""
    return yaml.load(text, Loader=JsonDataLoader)


def load_json(text: str) -> tuple[Any, bool]:
    """JSON text as data, and whether it holds a number JSON cannot carry (`NaN`, `Infinity`,
    `1e999`): Python's reader takes them; noticing them while reading spares a clean document
    (nearly all of them) a second walk. Raises json.JSONDecodeError."""
    odd = False

    def constant(text: str) -> float:
        nonlocal odd
        odd = True
        return float(text)

    def number(text: str) -> float:
        nonlocal odd
        value = float(text)
        odd = odd or not math.isfinite(value)
        return value

    return json.loads(text, parse_constant=constant, parse_float=number), odd


def unshared(value: Any) -> Any:
    """A fresh copy of parsed data, keys as text: a YAML alias puts one object in several places,
    and a change made in one place must not show in the others."""
    if isinstance(value, dict):
        return {str(key): unshared(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unshared(item) for item in value]
    return value


def non_json_number(node: Any, path: tuple[str | int, ...] = ()) -> tuple[str | int, ...] | None:
    """The path of the first infinite or NaN number in a document, if any."""
    if isinstance(node, float) and not math.isfinite(node):
        return path
    if isinstance(node, dict):
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return None
    for key, value in items:
        found = non_json_number(value, (*path, key))
        if found is not None:
            return found
    return None


def parse_file(path: Path, non_finite: bool = False) -> Any:
    """A YAML or JSON file parsed; SpecError with the line of a syntax error. A UTF-8 byte order
    mark before the text (some Windows tools write one) is read past. With `non_finite`, numbers
    JSON cannot carry are kept (whoever asks removes them)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(path, "", f"cannot read the file: {error}") from None
    return parse_text(text, str(path), json_only=path.suffix == ".json", non_finite=non_finite)


NON_JSON_NUMBER = "a number JSON cannot carry (.inf or .nan)"


def parse_text(text: str, source: str, json_only: bool = False, non_finite: bool = False) -> Any:
    """YAML (or, with `json_only`, strict-syntax JSON) text as JSON data; SpecError naming
    `source` and the line of a syntax error, or (unless `non_finite`) the place of a number JSON
    cannot carry."""
    document, odd = _parse(text, source, json_only)
    where = non_json_number(document) if odd and not non_finite else None
    if where is not None:
        raise SpecError(source, pointer(where), NON_JSON_NUMBER)
    return document


def _parse(text: str, source: str, json_only: bool) -> tuple[Any, bool]:
    """The data, and whether it may hold a number JSON cannot carry (then it is searched)."""
    try:
        return load_json(text) if json_only else (load_yaml(text), True)
    except json.JSONDecodeError as error:
        raise SpecError(source, f"line {error.lineno}", f"invalid JSON: {error.msg}") from None
    except AliasError as error:
        raise SpecError(source, _line(error), f"YAML refused: {error.problem}") from None
    except yaml.MarkedYAMLError as error:
        raise SpecError(source, _line(error), f"invalid YAML: {error.problem or error}") from None
    except RecursionError:
        raise SpecError(source, "", "nested too deeply to read") from None
    except yaml.YAMLError as error:
        raise SpecError(source, "", f"invalid YAML: {error}") from None


def _line(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    return f"line {mark.line + 1}" if mark else ""


# A numeric parameter must be written as JSON writes numbers: Python's `int()` and `float()` (what
# openapi-core casts with) also take `1_000`, ` 7 `, full-width digits and `NaN`. Longer numbers
# than MAX_DIGITS are not read at all (Python refuses to read integers over 4,300 digits).
MAX_DIGITS = 400
INTEGER = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}", re.ASCII)
NUMBER = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}(\.[0-9]+)?([eE][-+]?[0-9]+)?", re.ASCII)

#: How deep a request body may nest: deeper values are refused before anything copies, checks
#: or stores them (each of which walks them recursively).
MAX_DEPTH = 64
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class RefusedJSON(ValueError):
    """Well-formed JSON that specmock still refuses: it could not be stored and written back."""


def strict_json(data: bytes | str) -> Any:
    """JSON as RFC 8259 has it, and as specmock can store and write back; ValueError otherwise.

    UTF-8 text without a byte order mark; no `NaN` or `Infinity`, written or by overflow (`1e400`);
    no key twice in one object; no lone surrogate (`"\\ud800"`); at most MAX_DEPTH levels deep.
    """
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    if text.startswith("\ufeff"):
        raise RefusedJSON("the text starts with a byte order mark (U+FEFF), which JSON leaves out")
    try:
        value = json.loads(
            text, parse_constant=_refuse_constant, parse_float=_finite, object_pairs_hook=_unique
        )
    except RecursionError:  # far deeper than the limit: Python's reader gave up
        raise RefusedJSON(f"the value nests more than {MAX_DEPTH} levels deep") from None
    except ValueError as error:
        if str(error).startswith("Exceeds the limit"):  # Python's own, with advice for programmers
            raise RefusedJSON("an integer has more than 4,300 digits, too many to read") from None
        raise
    if text.count("[") + text.count("{") > MAX_DEPTH:  # too few brackets to nest too deep
        _refuse_deep(value)
    if _SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(value)
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise RefusedJSON(f"{text[:40]} is too large a number to be read back (it overflows)")
    return value


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise RefusedJSON(f"the key {key!r} appears twice in one object")
            seen.add(key)
    return found


def _refuse_deep(value: Any) -> None:
    """ValueError naming where `value` nests deeper than MAX_DEPTH (walked without recursion)."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        if len(path) > MAX_DEPTH:
            where = pointer(path[:3])
            raise RefusedJSON(f"the value nests more than {MAX_DEPTH} levels deep (under {where})")
        if isinstance(node, dict):
            stack.extend((item, (*path, key)) for key, item in node.items())
        elif isinstance(node, list):
            stack.extend((item, (*path, index)) for index, item in enumerate(node))


def depth_of(value: Any, stop: int = MAX_DEPTH + 1) -> int:
    """How many levels of arrays and objects `value` nests (a scalar is 0), counted without
    recursion and no further than `stop`."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list) and level < stop:
            deepest = max(deepest, level + 1)
            stack.extend(
                (item, level + 1) for item in (node.values() if isinstance(node, dict) else node)
            )
    return deepest


def _refuse_lone_surrogates(value: Any) -> None:
    """ValueError naming a string (or key) holding half a UTF-16 surrogate pair, which no UTF-8
    text can hold: such a value could be stored but never written back."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        texts = [node] if isinstance(node, str) else list(node) if isinstance(node, dict) else []
        for text in texts:
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as error:
                half = f"\\u{ord(text[error.start]):04x}"
                raise RefusedJSON(
                    f"{half} at {pointer(path) or '/'} is half a surrogate pair, not a character"
                ) from None
        if isinstance(node, dict):
            stack.extend((item, (*path, key)) for key, item in node.items())
        elif isinstance(node, list):
            stack.extend((item, (*path, index)) for index, item in enumerate(node))
