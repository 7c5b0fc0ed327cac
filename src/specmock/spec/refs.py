"""`$ref` resolution: JSON pointers, and bundling relative-file references into one document.

A served spec must be self-contained, so every reference to another file is brought into the
root document: schemas and other component-like targets are hoisted under `components` (so a
recursive schema spread over files stays recursive, not infinitely inlined), anything else is
inlined in place. A reference may only read files inside the folders it is allowed
(`Bundler.ref_dirs`: the folder being served and those the user adds), so that a spec cannot
publish `/etc/passwd` or `../secret.yaml`; a file outside is refused before it is read.

A reference to a file that is missing or cannot be read leaves out only what needs it, with a
warning (`Bundler.warnings`) naming the file and the place: inside a schema (or a value that only
documents, such as a `default`) it is served as "anything" (`{}`), which accepts what the missing
part might have said; in an operation, the operation is left out, and in a path item's shared
parts, the path. Anywhere else (a component other than a schema) it is still an error.

Once bundled, every reference is checked to be local, to point somewhere and to reach a value
that is not another reference; a broken one is a `SpecError` naming the file and the pointer of
the `$ref`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from specmock.digits import is_digits
from specmock.errors import SpecError

#: Reads a file into a document (parsed YAML/JSON); raises SpecError on failure.
Reader = Callable[[Path], Any]

_COMPONENT_KINDS = frozenset(
    {
        "schemas",
        "responses",
        "parameters",
        "examples",
        "requestBodies",
        "headers",
        "securitySchemes",
        "links",
        "callbacks",
        "pathItems",
    }
)


def escape(token: str) -> str:
    """One JSON pointer token, escaped (RFC 6901): `a/b~c` -> `a~1b~0c`."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """One escaped JSON pointer token as the key it names (RFC 6901): `a~1b~0c` -> `a/b~c`."""
    return token.replace("~1", "/").replace("~0", "~")


def pointer(parts: list[str | int] | tuple[str | int, ...]) -> str:
    """A JSON pointer for a path of keys and indexes."""
    return "".join("/" + escape(str(part)) for part in parts)


def split_pointer(text: str) -> list[str]:
    """The tokens of a JSON pointer (`/a/b~1c` -> `['a', 'b/c']`)."""
    if not text:
        return []
    if not text.startswith("/"):
        raise ValueError(f"JSON pointer {text!r} must start with '/'")
    return [unescape(unquote(token)) for token in text[1:].split("/")]


def resolve_pointer(document: Any, text: str) -> Any:
    """The value at a JSON pointer; raises KeyError naming the first missing token."""
    node = document
    for token in split_pointer(text):
        if isinstance(node, list) and is_digits(token) and int(token) < len(node):
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            raise KeyError(token)
    return node


def follow(document: Any, node: Any) -> Any:
    """`node` with its chain of local `$ref`s followed (kept as is where a ref points nowhere)."""
    return follow_to(document, node)[0]


def follow_to(document: Any, node: Any) -> tuple[Any, str | None]:
    """`node` with its chain of local `$ref`s followed, and the last `$ref` taken (None when
    `node` is no reference). The chain stops where a ref points nowhere."""
    origin = None
    for _ in range(32):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str) or not ref.startswith("#"):
            break
        try:
            node, origin = resolve_pointer(document, ref[1:]), ref
        except (KeyError, ValueError):
            break
    return node, origin


HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Marks an inlined object with the reference it replaced, so reports can name the component.
INLINED_FROM = "x-specmock-ref"


def inline_objects(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with the `$ref`s of its operations' parameters, request bodies, responses,
    headers, examples and links replaced by what they point at (schemas keep their refs, which
    may be recursive). Every stage can then read an operation without the document at hand.

    A reference's own `summary` and `description` (OpenAPI 3.1) win over the target's.

    Only the containers that change are copied; the rest (schemas, examples, inlined targets'
    members) is shared with `document`, so the result is read-only: a deep copy of a spec the
    size of GitHub's would hold up the start. Whoever needs to change it copies it first
    (`effective_document`).
    """
    result = dict(document)
    paths = result["paths"] = dict(result.get("paths") or {})
    for key, item in paths.items():
        if not isinstance(item, dict) or "$ref" in item:
            continue
        item = paths[key] = dict(item)
        _inline_list(result, item, "parameters")
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                item[method] = operation = dict(item[method])
                _inline_operation(result, operation)
    return result


def _inline_operation(document: dict[str, Any], operation: dict[str, Any]) -> None:
    _inline_list(document, operation, "parameters")
    if "requestBody" in operation:
        operation["requestBody"] = _inlined(document, operation["requestBody"])
        _inline_content(document, operation["requestBody"])
    responses = operation.get("responses")
    if not isinstance(responses, dict):
        return
    responses = operation["responses"] = dict(responses)
    for key in list(responses):
        response = responses[key] = _inlined(document, responses[key])
        if isinstance(response, dict):
            _inline_content(document, response)
            _inline_map(document, response, "links")
            _inline_map(document, response, "headers")
            for header in response.get("headers", {}).values():
                _inline_content(document, header)


def _inline_list(document: dict[str, Any], holder: dict[str, Any], key: str) -> None:
    if isinstance(holder.get(key), list):
        holder[key] = [_inlined(document, node) for node in holder[key]]
        for parameter in holder[key]:
            _inline_content(document, parameter)


def _inline_map(document: dict[str, Any], holder: Any, key: str) -> None:
    if isinstance(holder, dict) and isinstance(holder.get(key), dict):
        holder[key] = {name: _inlined(document, node) for name, node in holder[key].items()}


def _inline_content(document: dict[str, Any], holder: Any) -> None:
    """Examples of a parameter, header or body, and of each media type in its content; `holder`
    is already a copy, and each media type it changes is copied here."""
    if not isinstance(holder, dict):
        return
    _inline_map(document, holder, "examples")
    content = holder.get("content")
    if isinstance(content, dict):
        holder["content"] = {
            name: dict(media) if isinstance(media, dict) else media
            for name, media in content.items()
        }
        for media in holder["content"].values():
            _inline_map(document, media, "examples")


def _inlined(document: dict[str, Any], node: Any) -> Any:
    """The object a reference points at (a new dict sharing its members), marked with where it
    came from (`INLINED_FROM`); any other object as a new dict, so the caller may change it."""
    target, origin = follow_to(document, node)
    if origin is None or not isinstance(target, dict):
        return dict(node) if isinstance(node, dict) else node
    overrides = {k: v for k, v in node.items() if k in ("summary", "description")}
    return {**target, **overrides, INLINED_FROM: origin}


def iter_refs(
    node: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every `$ref` string in a document with the path of the object holding it.

    Values under `example`, `examples` (of media types) and `x-` extensions are data, not schema,
    and are not searched.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield path, ref
        for key, value in node.items():
            if _is_data(key):
                continue
            yield from iter_refs(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from iter_refs(item, (*path, index))


def distinct_refs(node: Any) -> set[str]:
    """Every `$ref` string in a document, once each (what `iter_refs` finds, without the paths:
    GitHub's spec holds 30,000 references to about 1,000 places)."""
    found: set[str] = set()
    stack = [node]
    while stack:  # only containers are stacked: most values are strings
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                found.add(ref)
            for key, value in item.items():
                if isinstance(value, dict | list) and not _is_data(key):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(value for value in item if isinstance(value, dict | list))
    return found


def check_local_refs(document: dict[str, Any], source: str) -> None:
    """Raise SpecError for the first `$ref` that is not local (a bundled document has none), points
    nowhere, or goes round a circle of references that never reaches a value (`A` -> `B` -> `A`).
    Each distinct reference is checked once; the document is walked again for the place only when
    one fails."""
    for ref in distinct_refs(document):
        if _ref_problem(document, ref) is not None:
            break
    else:
        return
    for path, ref in iter_refs(document):
        problem = _ref_problem(document, ref)
        if problem is not None:
            raise SpecError(source, pointer(path), problem)


def _ref_problem(document: dict[str, Any], ref: str) -> str | None:
    """What is wrong with one `$ref` of a bundled document, if anything."""
    if not ref.startswith("#"):
        return f"$ref {ref!r} refers to another file, which only a spec read from a file can do"
    chain = [ref]
    while True:
        try:
            node = resolve_pointer(document, chain[-1][1:])
        except (KeyError, ValueError):  # a broken link further on is named at its own place
            return f"$ref {ref!r} points to nothing in this document" if len(chain) == 1 else None
        step = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(step, str) or not step.startswith("#"):
            return None
        if step in chain:
            circle = " -> ".join([*chain[chain.index(step) :], step])
            return f"$ref {chain[0]!r} never reaches a value: the references go round {circle}"
        chain.append(step)


class Bundler:
    """Brings every relative-file `$ref` of one root document into it."""

    def __init__(self, root_file: Path, reader: Reader, ref_dirs: Sequence[Path] = ()) -> None:
        """`ref_dirs` are the folders references may read (default: the root file's own)."""
        self.root_file = root_file.resolve()
        self.reader = reader
        self.ref_dirs = _outermost(ref_dirs) or (self.root_file.parent,)
        self.files_read: set[Path] = set()
        self._documents: dict[Path, Any] = {}
        self._hoisted: dict[tuple[Path, str], str] = {}
        self._inlining: list[tuple[Path, str]] = []
        self.warnings: list[SpecError] = []
        self._left_out: set[tuple[str | int, ...]] = set()

    def bundle(self, document: dict[str, Any]) -> dict[str, Any]:
        """The document with every external reference brought in (a new object), or the document
        itself when it has none: finding that out is one walk, where bundling copies it all (and
        most large specs, GitHub's with its 30,000 references among them, are all local)."""
        if all(ref.startswith("#") for ref in distinct_refs(document)):
            return document
        self._documents[self.root_file] = document
        self._taken = {
            kind: set(names) for kind, names in (document.get("components") or {}).items()
        }
        self._extra: dict[str, dict[str, Any]] = {}
        root: dict[str, Any] = self._walk(document, self.root_file, ())
        for kind, entries in self._extra.items():
            root.setdefault("components", {}).setdefault(kind, {}).update(entries)
        for place in sorted(self._left_out, key=len, reverse=True):
            _, url, *method = place
            item = root["paths"].get(url)
            if method and isinstance(item, dict):
                item.pop(method[0], None)
            elif not method:
                root["paths"].pop(url, None)
        return root

    def _walk(self, node: Any, file: Path, path: tuple[str | int, ...]) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and (file != self.root_file or not ref.startswith("#")):
                return self._replace(node, ref, file, path)
            return {
                key: copy.deepcopy(value)
                if _is_data(key)
                else self._walk(value, file, (*path, key))
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [self._walk(item, file, (*path, index)) for index, item in enumerate(node)]
        return node

    def _replace(
        self, node: dict[str, Any], ref: str, file: Path, path: tuple[str | int, ...]
    ) -> Any:
        try:
            target_file, fragment = self._target(ref, file, path)
        except _Unreadable as error:
            return self._unavailable(error, path)
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        kind = _component_kind(fragment) or ("schemas" if _in_schema(path) else None)
        if kind is None:
            inlined = self._inline(target_file, fragment, ref, path)
            return inlined | siblings if isinstance(inlined, dict) else inlined
        name = self._hoist(target_file, fragment, kind, path)
        return {"$ref": f"#/components/{kind}/{escape(name)}"} | siblings

    def _unavailable(self, error: _Unreadable, path: tuple[str | int, ...]) -> Any:
        """What stands for a reference to a file that cannot be read (see the module's doc)."""
        if _in_schema(path) or any(_is_data(part) or part == "default" for part in path):
            served: str = "as any value"
        elif path[:1] == ("paths",) and len(path) > 2 and path[2] in HTTP_METHODS:
            self._left_out.add(path[:3])
            served = f"without {str(path[2]).upper()} {path[1]}"
        elif path[:1] == ("paths",) and len(path) > 1:
            self._left_out.add(path[:2])
            served = f"without the path {path[1]}"
        else:
            raise SpecError(error.source, error.where, error.problem) from None
        self.warnings.append(
            SpecError(error.source, error.where, f"{error.problem} (served anyway: {served})")
        )
        return {}

    def _target(self, ref: str, file: Path, path: tuple[str | int, ...]) -> tuple[Path, str]:
        address, _, fragment = ref.partition("#")
        if "://" in address:
            raise SpecError(
                self.root_file, pointer(path), f"$ref {ref!r}: remote references are not supported"
            )
        target = (file.parent / unquote(address)).resolve() if address else file
        if not any(target.is_relative_to(folder) for folder in self.ref_dirs):
            raise SpecError(self.root_file, pointer(path), self._outside(ref, target))
        self._load(target, ref, path)
        return target, fragment

    def _outside(self, ref: str, target: Path) -> str:
        """Names the refused file, never what it holds: that is what must not be published."""
        folders = ", ".join(repr(str(folder)) for folder in self.ref_dirs)
        return (
            f"$ref {ref!r}: {str(target)!r} is outside the folders references may read "
            f"({folders}); allow its folder with --allow-ref-dir"
        )

    def _load(self, target: Path, ref: str, path: tuple[str | int, ...]) -> Any:
        if target not in self._documents:
            if not target.is_file():
                raise _Unreadable(
                    self.root_file, pointer(path), f"$ref {ref!r}: file {str(target)!r} not found"
                )
            try:
                self._documents[target] = self.reader(target)
            except SpecError as error:
                at = f" at {error.where}" if error.where else ""
                problem = f"$ref {ref!r}: file {str(target)!r} cannot be read{at}: {error.problem}"
                raise _Unreadable(self.root_file, pointer(path), problem) from None
            self.files_read.add(target)
        return self._documents[target]

    def _resolve(self, target: Path, fragment: str, path: tuple[str | int, ...]) -> Any:
        try:
            return resolve_pointer(self._documents[target], fragment)
        except (KeyError, ValueError):
            raise SpecError(
                self.root_file,
                pointer(path),
                f"$ref '{target.name}#{fragment}': {fragment!r} points to nothing in {target.name}",
            ) from None

    def _inline(self, target: Path, fragment: str, ref: str, path: tuple[str | int, ...]) -> Any:
        key = (target, fragment)
        if key in self._inlining:
            raise SpecError(self.root_file, pointer(path), f"$ref {ref!r} refers back to itself")
        self._inlining.append(key)
        try:
            value = self._resolve(target, fragment, path)
            return self._walk(value, target, path)
        finally:
            self._inlining.pop()

    def _hoist(self, target: Path, fragment: str, kind: str, path: tuple[str | int, ...]) -> str:
        key = (target, fragment)
        if key in self._hoisted:
            return self._hoisted[key]
        if target == self.root_file and fragment.startswith(f"/components/{kind}/"):
            return split_pointer(fragment)[2]
        value = self._resolve(target, fragment, path)
        taken = self._taken.setdefault(kind, set())
        name = _free_name(taken, _component_name(target, fragment))
        taken.add(name)
        self._hoisted[key] = name
        bundled = self._walk(value, target, ("components", kind, name))
        self._extra.setdefault(kind, {})[name] = bundled
        return name


class _Unreadable(SpecError):
    """A referenced file that is missing or cannot be read (what needs it is left out)."""


def _outermost(folders: Sequence[Path]) -> tuple[Path, ...]:
    """The folders, resolved, without those inside another one (an API folder in the catalog's)."""
    resolved = sorted({folder.resolve() for folder in folders})
    return tuple(
        folder
        for folder in resolved
        if not any(folder != other and folder.is_relative_to(other) for other in resolved)
    )


def _is_data(key: Any) -> bool:
    return key in ("example", "value") or (isinstance(key, str) and key.startswith("x-"))


def _component_kind(fragment: str) -> str | None:
    parts = split_pointer(fragment) if fragment.startswith("/") else []
    if len(parts) == 3 and parts[0] == "components" and parts[1] in _COMPONENT_KINDS:
        return parts[1]
    return None


def _in_schema(path: tuple[str | int, ...]) -> bool:
    return "schema" in path or path[:2] == ("components", "schemas")


def _component_name(target: Path, fragment: str) -> str:
    parts = split_pointer(fragment) if fragment.startswith("/") else []
    base = str(parts[-1]) if parts else target.stem
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in base) or "Schema"


def _free_name(taken: set[str], wanted: str) -> str:
    name, counter = wanted, 2
    while name in taken:
        name, counter = f"{wanted}_{counter}", counter + 1
    return name
