"""Updates to a stored record: JSON Merge Patch, JSON Patch and API Gateway's `patchOperations`.

A record is a JSON object (a `dict`). Every function here returns a new record and never changes
its arguments; an update is atomic, so on any error nothing is applied and `PatchError` says which
operation failed, at which path, and why, quoting the bad value.

- `merge_patch`: RFC 7396. Members of the patch replace the record's, objects merge recursively,
  `null` removes a member.
- `json_patch`: RFC 6902, applied with the `jsonpatch` library. The shape of the whole list is
  checked first, then the operations run in order, each in one piece.
- `aws_patch_operations`: Amazon API Gateway's `patchOperations` (the list, not the body holding
  it). The same six operations on JSON pointers, but `value` is always a string on the wire: where
  the current value is not a string, the string is read as JSON of the same type (`"true"` for a
  boolean), and `test` compares it that way.
- `touched_paths`: the pointers a list of operations writes to, so that the caller can refuse
  writes to read-only members before applying anything.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import jsonpatch
import jsonpointer

from specmock.errors import SpecmockError
from specmock.spec.parsing import MAX_DEPTH, depth_of, strict_json

_OPS = ("add", "remove", "replace", "move", "copy", "test")

_NEEDS_VALUE = frozenset({"add", "replace", "test"})
_NEEDS_FROM = frozenset({"move", "copy"})
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")
_QUOTE_LIMIT = 60
#: The most operations one JSON Patch or `patchOperations` list may hold.
MAX_OPERATIONS = 100
#: How large a record a patch may leave (JSON bytes): `copy` from "" doubles a record, so each
#: operation's growth is counted before it is applied.
MAX_RECORD_BYTES = 1024 * 1024


#: The absence of a member, which `None` (JSON null) cannot stand for.
_MISSING: Any = object()


class PatchError(SpecmockError):
    """An update that cannot be applied, as a client would want to read it.

    `index` is the failing operation's place in the list (None for a merge patch or a list that is
    not one), `op` its op when known, `pointer` its `path` when that is a valid JSON pointer
    (otherwise ""), and `message` what is wrong, quoting the bad value. `str()` puts them together:
    `operation 1 (replace /colour): the path does not exist in the resource`.
    """

    def __init__(
        self, message: str, *, index: int | None = None, op: str = "", pointer: str = ""
    ) -> None:
        self.message = message
        self.index = index
        self.op = op
        self.pointer = pointer
        super().__init__(self.text)

    @property
    def text(self) -> str:
        """The whole message, placed at the operation: what `str()` gives."""
        if self.index is None:
            return f"{self.pointer}: {self.message}" if self.pointer else self.message
        what = " ".join(part for part in (self.op, self.pointer) if part)
        head = f"operation {self.index} ({what})" if what else f"operation {self.index}"
        return f"{head}: {self.message}"


@dataclass(frozen=True, slots=True)
class _Operation:
    """One checked operation: `value` and `source` (the `from` member) are _MISSING when absent."""

    index: int
    op: str
    path: str
    value: Any = _MISSING
    source: str = ""

    def error(self, message: str) -> PatchError:
        return PatchError(message, index=self.index, op=self.op, pointer=self.path)

    def as_json(self, value: Any) -> dict[str, Any]:
        """The operation as the `jsonpatch` library reads it, with `value` in place of its own."""
        operation: dict[str, Any] = {"op": self.op, "path": self.path}
        if self.op in _NEEDS_VALUE:
            operation["value"] = value
        if self.op in _NEEDS_FROM:
            operation["from"] = self.source
        return operation


def merge_patch(record: dict[str, Any], patch: Any) -> dict[str, Any]:
    """The record updated by a JSON Merge Patch (RFC 7396), which must be an object."""
    if not isinstance(patch, dict):
        raise PatchError(f"a merge patch must be a JSON object, not {_quote(patch)}")
    result: dict[str, Any] = _merge(copy.deepcopy(record), patch)
    return result


def _merge(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = target if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = _merge(merged.get(name), value)
    return merged


def json_patch(record: dict[str, Any], operations: Any) -> dict[str, Any]:
    """The record updated by a JSON Patch (RFC 6902): a list of operations, applied in order."""
    checked = _read_operations(operations, "a JSON patch", strings=False)
    growth = _Growth(record)
    document = copy.deepcopy(record)
    for operation in checked:
        growth.admit(document, operation, operation.value)
        document = _apply(document, operation, operation.value)
    return document


def aws_patch_operations(record: dict[str, Any], operations: Any) -> dict[str, Any]:
    """The record updated by API Gateway `patchOperations` (the list itself).

    `value` must be a string. It is stored as it is, unless the member it replaces holds another
    JSON type: then it must be that type written as JSON (`"true"`, `"42"`, `"[1]"`), and is
    stored as such. `test` compares a string with a string, and otherwise the value read as JSON.
    """
    checked = _read_operations(operations, "patchOperations", strings=True)
    growth = _Growth(record)
    document = copy.deepcopy(record)
    for operation in checked:
        value = _typed_value(document, operation)
        growth.admit(document, operation, value)
        document = _apply(document, operation, value)
    return document


class _Growth:
    """Upper bounds of a record's size (JSON bytes) and depth while operations apply to it, so
    that an operation that would make it too large or too deep is refused before it runs."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.size = _size(record)
        self.depth = depth_of(record)

    def admit(self, document: dict[str, Any], operation: _Operation, value: Any) -> None:
        if operation.op == "copy":
            value = _resolve(document, operation.source)
        elif operation.op not in ("add", "replace"):
            return  # remove, move and test add nothing
        if value is _MISSING:
            return  # the operation fails on its own, saying why
        self.size += _size(value)
        self.depth = max(self.depth, operation.path.count("/") + depth_of(value))
        if self.size > MAX_RECORD_BYTES:
            raise operation.error(
                f"the record would grow past {MAX_RECORD_BYTES} bytes, the most a patch may leave"
            )
        if self.depth > MAX_DEPTH:
            raise operation.error(f"the record would nest more than {MAX_DEPTH} levels deep")


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=repr))


def touched_paths(operations: Any) -> list[str]:
    """The JSON pointers a JSON Patch or `patchOperations` list writes to, first seen first.

    That is every `path` but a `test`'s, and the `from` of a `move`; "" stands for the whole
    record. Entries that are not well-formed are skipped: applying the list reports them.
    """
    paths: list[str] = []
    if not isinstance(operations, list):
        return paths
    for item in operations:
        if not isinstance(item, dict) or item.get("op") not in _OPS or item["op"] == "test":
            continue
        written = [item.get("path"), item.get("from") if item["op"] == "move" else None]
        paths.extend(p for p in written if isinstance(p, str) and p not in paths)
    return paths


def _quote(value: Any) -> str:
    """A value as an error message shows it: strings quoted, the rest as JSON, long ones cut."""
    text = repr(value) if isinstance(value, str) else json.dumps(value, default=repr)
    return text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 3] + "..."


def _read_operations(operations: Any, name: str, *, strings: bool) -> list[_Operation]:
    """Every operation checked for shape, before any is applied."""
    if not isinstance(operations, list):
        raise PatchError(f"{name} must be a list of operations, not {_quote(operations)}")
    if len(operations) > MAX_OPERATIONS:
        raise PatchError(
            f"{name} has {len(operations)} operations, over the limit of {MAX_OPERATIONS}"
        )
    return [_read_operation(index, item, strings) for index, item in enumerate(operations)]


def _read_operation(index: int, item: Any, strings: bool) -> _Operation:
    if not isinstance(item, dict):
        raise PatchError(
            f"an operation must be an object with 'op' and 'path', not {_quote(item)}", index=index
        )
    if "op" not in item:
        raise PatchError("'op' is missing", index=index)
    op = item["op"]
    if op not in _OPS:
        raise PatchError(f"{_quote(op)} is not a patch op ({', '.join(_OPS)})", index=index)
    path = _read_pointer(item, "path", partial(PatchError, index=index, op=op))
    value, source = _MISSING, ""
    if op in _NEEDS_VALUE:
        value = item.get("value", _MISSING)
        if value is _MISSING:
            raise _Operation(index, op, path).error("'value' is missing")
        if strings and not isinstance(value, str):
            message = f"'value' must be a string, not {_quote(value)}"
            raise _Operation(index, op, path).error(message)
    if op in _NEEDS_FROM:
        source = _read_pointer(item, "from", _Operation(index, op, path).error)
    return _Operation(index, op, path, value, source)


def _read_pointer(item: dict[str, Any], member: str, error: Callable[[str], PatchError]) -> str:
    """The JSON pointer in `item[member]`; `error` builds the error placed at the operation."""
    if member not in item:
        raise error(f"{member!r} is missing")
    text = item[member]
    if not isinstance(text, str):
        raise error(f"{member!r} must be a JSON pointer string, not {_quote(text)}")
    if text and not text.startswith("/"):
        problem = "it must be empty or start with '/'"
    elif re.search(r"~[^01]|~$", text):
        problem = "'~' must be followed by '0' or '1'"
    else:
        return text
    raise error(f"{member!r} {_quote(text)} is not a JSON pointer: {problem}")


def _apply(document: dict[str, Any], operation: _Operation, value: Any) -> dict[str, Any]:
    """The document after one operation; raises PatchError with the document unchanged."""
    patch = jsonpatch.JsonPatch([operation.as_json(value)])
    try:
        result = patch.apply(document, in_place=True, atomic=True)
    except (
        jsonpatch.JsonPatchException,
        jsonpointer.JsonPointerException,
        KeyError,
        IndexError,
        TypeError,
    ) as failure:
        raise operation.error(_explain(document, operation, value, failure)) from None
    if not isinstance(result, dict):
        raise operation.error(f"the resource must stay a JSON object, not {_quote(result)}")
    return result


def _explain(document: Any, operation: _Operation, value: Any, failure: Exception) -> str:
    """Why an operation failed on `document` (as it was before the operation)."""
    op, path, source = operation.op, operation.path, operation.source
    if op == "remove" and not path:
        return "the whole resource cannot be removed"
    if op == "move" and path.startswith(source + "/"):
        return f"{source or 'the whole resource'} cannot be moved into itself"
    target = document
    if op in _NEEDS_FROM:
        problem = _find_problem(document, source, must_exist=True)
        if problem:
            return _from_problem(source, problem)
        if op == "move":
            target = jsonpatch.RemoveOperation({"op": "remove", "path": source}).apply(
                copy.deepcopy(document)
            )
    problem = _find_problem(target, path, must_exist=op in ("remove", "replace", "test"))
    if problem:
        return problem
    if op == "test":
        return f"expected {_quote(value)}, found {_quote(_resolve(document, path))}"
    return f"cannot be applied: {failure}"


def _from_problem(source: str, problem: str) -> str:
    if problem.endswith("does not exist in the resource"):
        return f"the 'from' path {source} does not exist in the resource"
    return f"the 'from' path {source}: {problem}"


def _find_problem(document: Any, path: str, *, must_exist: bool) -> str:
    """What stops `path` from naming a value of `document` ("" when nothing does).

    With `must_exist` false the last step may name a new member or the end of an array, as the
    target of an `add` may.
    """
    tokens = jsonpointer.JsonPointer(path).parts
    node = document
    for depth, token in enumerate(tokens):
        here = _pointer(tokens[:depth])
        last = depth == len(tokens) - 1
        if isinstance(node, dict):
            if token not in node:
                if last and not must_exist:
                    return ""
                missing = "the path" if last else _pointer(tokens[: depth + 1])
                return f"{missing} does not exist in the resource"
            node = node[token]
        elif isinstance(node, list):
            problem = _array_problem(node, here, token, last and not must_exist)
            if problem or last:
                return problem
            node = node[int(token)]
        else:
            return f"{here} is {_json_type(node)}, not an object or array"
    return ""


def _array_problem(array: list[Any], here: str, token: str, may_append: bool) -> str:
    if token == "-":
        return "" if may_append else f"'-' names no item: it is the end of the array at {here}"
    if not _ARRAY_INDEX.fullmatch(token):
        return f"{token!r} is not an array index, and {here} is an array"
    index = int(token)
    if index < len(array) or (may_append and index == len(array)):
        return ""
    items = "1 item" if len(array) == 1 else f"{len(array)} items"
    return f"index {index} is out of range: the array at {here} has {items}"


def _resolve(document: Any, path: str) -> Any:
    """The value at `path`, or _MISSING."""
    if _find_problem(document, path, must_exist=True):
        return _MISSING
    return jsonpointer.resolve_pointer(document, path)


def _typed_value(document: dict[str, Any], operation: _Operation) -> Any:
    """An API Gateway value string as the value to apply, given the current one (see above)."""
    if operation.op not in _NEEDS_VALUE:
        return operation.value
    current = _resolve(document, operation.path)
    if current is _MISSING or current is None or isinstance(current, str):
        return operation.value
    if operation.op == "add" and isinstance(_parent(document, operation.path), list):
        return operation.value
    try:
        parsed = strict_json(operation.value)
    except (ValueError, RecursionError):
        parsed = _MISSING
    if operation.op == "test":
        return operation.value if parsed is _MISSING else parsed
    if parsed is _MISSING or _json_type(parsed) != _json_type(current):
        raise operation.error(
            f"{_quote(operation.value)} is not {_json_type(current)} like the current value"
        )
    return parsed


def _parent(document: Any, path: str) -> Any:
    tokens = jsonpointer.JsonPointer(path).parts
    return _resolve(document, _pointer(tokens[:-1])) if tokens else _MISSING


def _pointer(tokens: list[str]) -> str:
    return "".join("/" + jsonpointer.escape(token) for token in tokens)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"
