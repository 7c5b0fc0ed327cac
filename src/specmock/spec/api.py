"""Loading specs: files and folders into `Api` values, each one self-contained OpenAPI document.

A folder of specs is a catalog: each top-level file is one API, each top-level subfolder one API
whose files are merged, and documentation pages (`.md`, `.mdx`, `.txt`) at the top level that
share a server URL are merged too. A broken file becomes a `SpecError` in the catalog and the
other APIs still load.

A `$ref` reads files only inside the folder being served (the folder given, or the folder of the
file given) and the `ref_dirs` the caller adds.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from specmock.errors import SpecError
from specmock.spec import dialects, refs, rendering, repairs, structure, swagger2
from specmock.spec import docpages as pages
from specmock.spec.parsing import NON_JSON_NUMBER, parse_file

SPEC_SUFFIXES = frozenset({".yaml", ".yml", ".json"})
HTTP_METHODS = refs.HTTP_METHODS
MAX_REPORTED = 5
# A flaw fixed may hide one in the same schema: each round checks the copy again.
MAX_REPAIR_ROUNDS = 16
REPAIRED_PER_ROUND = 1000


@dataclass(frozen=True, slots=True)
class Operation:
    """One documented operation: where it lives in its API's document and what it declares."""

    api: str
    method: str
    path: str
    operation_id: str
    spec: dict[str, Any] = field(repr=False, compare=False)
    path_item: dict[str, Any] = field(repr=False, compare=False)
    # Worked out once: both are read on every request.
    pointer: str = field(init=False, repr=False, compare=False)
    # the declared responses by key, ranges written upper case (`4xx` -> `4XX`)
    responses: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pointer", refs.pointer(("paths", self.path, self.method)))
        declared = self.spec.get("responses")
        responses = {
            str(key).upper() if str(key)[1:] in ("xx", "XX") else str(key): value
            for key, value in (declared.items() if isinstance(declared, dict) else ())
        }
        object.__setattr__(self, "responses", responses)

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def success(self) -> tuple[str, int]:
        """(response key, status) the operation answers when nothing else is asked for."""
        return success_status(self.responses)

    @property
    def parameters(self) -> list[Any]:
        """The path item's parameters, then the operation's (which override them), unresolved."""
        return [*(self.path_item.get("parameters") or []), *(self.spec.get("parameters") or [])]


def success_status(responses: dict[str, Any]) -> tuple[str, int]:
    """(response key, status) of the success among declared responses: the lowest 2xx, else
    `2XX`, `default`, the lowest documented status, the lowest range."""
    exact = sorted(int(k) for k in responses if k.isdigit() and k.isascii())
    for status in exact:
        if 200 <= status < 300:
            return str(status), status
    if "2XX" in responses:
        return "2XX", 200
    if "default" in responses:
        return "default", 200
    if exact:
        return str(exact[0]), exact[0]
    ranges = sorted(k for k in responses if k.endswith("XX"))
    return (ranges[0], int(ranges[0][0]) * 100) if ranges else ("default", 200)


@dataclass(frozen=True, slots=True)
class Api:
    """A named API: one normalised OpenAPI document, the files it came from, and the warnings
    met on the way (flaws that do not stop it being served, such as a `default` that breaks its
    `format`)."""

    name: str
    document: dict[str, Any] = field(repr=False)
    sources: tuple[str, ...]
    warnings: tuple[SpecError, ...] = field(default=(), compare=False)
    # read by several parts at start (six times for GitHub's 1,223 operations): listed once
    _operations: tuple[Operation, ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @classmethod
    def from_path(
        cls, path: str | Path, name: str | None = None, ref_dirs: Sequence[Path] = ()
    ) -> Api:
        """The API in one spec file, page or folder of files (merged); its `$ref`s may read files
        in its folder and in `ref_dirs`."""
        target = Path(path)
        files = sorted(_spec_files(target)) if target.is_dir() else [target]
        scope = (served_folder(target), *ref_dirs)
        found: list[SpecError] = []
        documents = [doc for file in files for doc in read_documents(file, scope, found)]
        if not documents:
            raise SpecError(target, "", "no OpenAPI document found in this folder")
        return cls.from_documents(name or target.stem, documents, found)

    @classmethod
    def from_dict(cls, name: str, document: dict[str, Any], source: str = "<dict>") -> Api:
        """An API from one in-memory document (validated like a file)."""
        return cls.from_documents(name, [(source, copy.deepcopy(document))])

    @classmethod
    def from_documents(
        cls,
        name: str,
        documents: list[tuple[str, dict[str, Any]]],
        found: Sequence[SpecError] = (),
    ) -> Api:
        """An API from documents read already; `found` are the warnings met reading them."""
        warnings: list[SpecError] = list(found)
        documents = [(source, swagger2.as_openapi(doc, source)) for source, doc in documents]
        served: list[tuple[str, dict[str, Any]]] = []
        for source, document in documents:
            dialects.version_of(document, source)
            refs.check_local_refs(document, source)
            document, found = validate_document(document, source)
            served.append((source, document))
            warnings += found
        documents = served
        # One document is used as it is, not copied: its files were read for this API alone,
        # and `inline_objects` copies what it changes.
        merged = merge(documents) if len(documents) > 1 else documents[0][1]
        if len(documents) > 1:
            merged, _ = validate_document(merged, " + ".join(source for source, _ in documents))
        sources = tuple(source for source, _ in documents)
        return cls(name, refs.inline_objects(merged), sources, tuple(warnings))

    @property
    def title(self) -> str:
        return str(self.document.get("info", {}).get("title", self.name))

    @property
    def version(self) -> str:
        return str(self.document.get("openapi"))

    @property
    def base_path(self) -> str:
        """The path of the first server URL (`https://x/v1` -> `/v1`), '' when at the root."""
        servers = self.document.get("servers") or [{}]
        return server_path(servers[0])

    @property
    def operations(self) -> tuple[Operation, ...]:
        operations = self._operations
        if operations is None:
            operations = tuple(_operations(self.name, self.document))
            object.__setattr__(self, "_operations", operations)
        return operations


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every API found in a folder (or one file), and every problem met on the way."""

    apis: tuple[Api, ...]
    errors: tuple[SpecError, ...]

    @classmethod
    def from_path(cls, path: str | Path, ref_dirs: Sequence[Path] = ()) -> Catalog:
        """The APIs of a folder or one file; `$ref`s may read files in that folder (the file's
        folder) and in `ref_dirs`."""
        target = Path(path)
        if not target.exists():
            return cls((), (SpecError(target, "", "no such file or folder"),))
        scope = (served_folder(target), *ref_dirs)
        if target.is_file():
            return cls._collect([(target.stem, [target])], scope)
        if _is_api_folder(target):  # `specs/aisquared`: one API's files and its seed data
            return cls._collect([(target.resolve().name, [target])], scope)
        return cls._collect(_groups(target), scope)

    @classmethod
    def _collect(
        cls, groups: Iterable[tuple[str, list[Path]]], ref_dirs: Sequence[Path]
    ) -> Catalog:
        apis: list[Api] = []
        errors: list[SpecError] = []
        for name, files in groups:
            try:
                apis.append(_load_group(name, files, ref_dirs))
            except SpecError as error:
                errors.append(error)
            except (RecursionError, TypeError, ValueError, AttributeError, KeyError) as error:
                # A shape no check above foresaw: still this API's problem, not the catalog's.
                source = files[0] if len(files) == 1 else files[0].parent
                reason = f"cannot be loaded: {type(error).__name__}: {error}"
                errors.append(SpecError(source, "", reason))
        return cls(tuple(apis), tuple(errors))

    def api(self, name: str) -> Api:
        for api in self.apis:
            if api.name == name:
                return api
        raise KeyError(name)


def _load_group(name: str, files: list[Path], ref_dirs: Sequence[Path]) -> Api:
    if len(files) == 1 and files[0].is_dir():
        return Api.from_path(files[0], name, ref_dirs)
    found: list[SpecError] = []
    documents = [doc for file in files for doc in read_documents(file, ref_dirs, found)]
    api = Api.from_documents(name, documents, found)
    if len(files) > 1 and not api.document.get("info", {}).get("x-specmock-rendering"):
        # Pages merged by their server: the API's own title names it better than a file stem.
        return Api(slug(api.title) or name, api.document, api.sources, api.warnings)
    return api


def served_folder(target: Path) -> Path:
    """The folder whose files a spec's `$ref`s may read: the one given, or the given file's."""
    return target if target.is_dir() else target.parent


def slug(text: str) -> str:
    """`AI Squared API` -> `ai-squared-api`."""
    words = "".join(ch.lower() if ch.isalnum() else " " for ch in text).split()
    return "-".join(words)


def _groups(folder: Path) -> Iterator[tuple[str, list[Path]]]:
    """(name, files) per API in a folder; top-level pages sharing a server URL form one group."""
    by_server: dict[str, list[Path]] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or _is_data_file(entry):
            continue
        if entry.is_dir():
            yield entry.name, [entry]
        elif entry.suffix in pages.PAGE_SUFFIXES:
            by_server.setdefault(_page_server(entry) or str(entry), []).append(entry)
        elif entry.suffix in SPEC_SUFFIXES:
            yield entry.stem, [entry]
    for files in by_server.values():
        yield files[0].stem, files


def _page_server(page: Path) -> str | None:
    try:
        documents = pages.documents_from_page(page.read_text(encoding="utf-8"), str(page))
    except (SpecError, OSError, UnicodeDecodeError):
        return None
    for document in documents:
        servers = swagger2.as_openapi(document, str(page)).get("servers")
        for server in servers if isinstance(servers, list) else []:
            if isinstance(server, dict) and isinstance(server.get("url"), str):
                return str(server["url"]).rstrip("/")
    return None


def _is_api_folder(folder: Path) -> bool:
    """Whether a folder is one API's (its seed data in `data.yaml`), not a folder of APIs."""
    return any((folder / name).is_file() for name in ("data.yaml", "data.yml"))


def _is_data_file(path: Path) -> bool:
    return path.name in ("data.yaml", "data.yml") or path.name.endswith(
        (".data.yaml", ".data.yml", ".data.json")
    )


def _spec_files(folder: Path) -> Iterator[Path]:
    """The files of an API folder that hold documents (not data files, not $ref fragments)."""
    for path in folder.rglob("*"):
        if not path.is_file() or _is_data_file(path) or path.name.startswith("."):
            continue
        if path.suffix in pages.PAGE_SUFFIXES or (
            path.suffix in SPEC_SUFFIXES and _declares_openapi(path)
        ):
            yield path


def _declares_openapi(path: Path) -> bool:
    """Whether a YAML/JSON file is a document, not a fragment other files `$ref`."""
    document = parse_file(path)
    return isinstance(document, dict) and ("openapi" in document or "swagger" in document)


def read_documents(
    path: Path, ref_dirs: Sequence[Path] = (), warnings: list[SpecError] | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """The OpenAPI documents in one file, each with its source name, external `$ref`s bundled
    from files in `ref_dirs` (default: the file's folder); the warnings met bundling them (a
    referenced file that cannot be read, see `refs`) are added to `warnings`."""
    found = warnings if warnings is not None else []
    source = str(path)
    if path.suffix in pages.PAGE_SUFFIXES:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise SpecError(path, "", f"cannot read the file: {error}") from None
        return [
            (source, _bundled(path, doc, ref_dirs, found))
            for doc in pages.documents_from_page(text, source)
        ]
    if path.suffix not in SPEC_SUFFIXES:
        raise SpecError(
            path, "", f"unknown kind of file {path.suffix!r} (expected .yaml, .json, .md)"
        )
    document = _parse_spec(path, found)
    if not isinstance(document, dict):
        raise SpecError(path, "", f"expected a mapping at the top, got {type(document).__name__}")
    if "openapi" not in document and "swagger" not in document:
        raise SpecError(path, "/openapi", "not an OpenAPI document: the 'openapi' field is missing")
    if swagger2.is_swagger(document):  # converted once bundled, by `Api.from_documents`
        swagger2.check_version(document, source)
    else:
        dialects.version_of(document, source)
    return [(source, _bundled(path, document, ref_dirs, found))]


def _parse_spec(path: Path, warnings: list[SpecError]) -> Any:
    """A spec file parsed; a number JSON cannot carry is left out of it with a warning."""
    try:
        return parse_file(path)
    except SpecError as error:
        if error.problem != NON_JSON_NUMBER:
            raise
    document = parse_file(path, non_finite=True)
    fixes = []
    for where, value in repairs.non_finite(document):
        message, fix = repairs.non_finite_fix(where, value)
        fixes.append(fix)
        warnings.append(
            SpecError(path, refs.pointer(where), f"{message} (served anyway: {fix.served})")
        )
    return repairs.apply(document, fixes) if isinstance(document, dict) else document


def _bundled(
    path: Path, document: dict[str, Any], ref_dirs: Sequence[Path], warnings: list[SpecError]
) -> dict[str, Any]:
    bundler = refs.Bundler(path, parse_file, ref_dirs)
    bundled = bundler.bundle(document)
    warnings += bundler.warnings
    return bundled


def validate_document(
    document: dict[str, Any], source: str
) -> tuple[dict[str, Any], tuple[SpecError, ...]]:
    """The document as it is served, and its warnings, each naming the file and the place; raise
    SpecError listing (up to five of) the ways it breaks OpenAPI that cannot be served.

    A flaw that still lets the API be served (see `repairs`) is repaired in a copy and becomes a
    warning; the copy is checked again, for a bounded number of rounds."""
    warnings: list[structure.Flaw] = []
    repaired: set[str] = set()
    for _ in range(MAX_REPAIR_ROUNDS):
        try:
            found = structure.flaws(document, REPAIRED_PER_ROUND)
        except Exception as error:  # a check can fail on odd input; say so
            raise SpecError(source, "", f"invalid OpenAPI document: {error}") from None
        fixes = [flaw for flaw in found.errors if flaw.fix and flaw.where not in repaired]
        if not fixes:
            if found.errors:
                _refuse(document, source, found.errors)
            return document, _warned(source, [*warnings, *found.warnings])
        document = repairs.apply(document, [flaw.fix for flaw in fixes if flaw.fix])
        warnings += fixes
        repaired |= {flaw.where for flaw in fixes}
    _refuse(document, source, structure.flaws(document, MAX_REPORTED).errors)
    return document, _warned(source, warnings)


def _refuse(document: dict[str, Any], source: str, errors: Sequence[structure.Flaw]) -> None:
    """Raise the SpecError naming the first errors that cannot be served (else the first ones)."""
    unserved = [flaw for flaw in errors if flaw.fix is None] or list(errors)
    if not unserved:
        return
    first, *others = unserved[:MAX_REPORTED]
    detail = _short(first.message) + "".join(
        f"; also {flaw.where or '/'}: {_short(flaw.message)}" for flaw in others
    )
    raise SpecError(source, first.where or "/", f"invalid OpenAPI {document['openapi']}: {detail}")


def _warned(source: str, flaws: Sequence[structure.Flaw]) -> tuple[SpecError, ...]:
    return tuple(
        SpecError(source, flaw.where, f"{_short(flaw.message)} (served anyway: {flaw.served})")
        for flaw in flaws
    )


def _short(message: str, limit: int = 300) -> str:
    line = message.splitlines()[0] if message else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def merge(documents: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Several documents of one API as one 3.1 document.

    Operations keep their own security (the document-level default is pushed into each
    operation first). The same operation in two files, or one component name with two different
    definitions, is a SpecError naming both files.
    """
    lifted = [(source, dialects.upgrade_to_31(_push_security(doc))) for source, doc in documents]
    first = lifted[0][1]
    merged: dict[str, Any] = {
        "openapi": dialects.OPENAPI_31,
        "info": copy.deepcopy(_best_info(doc for _, doc in lifted)),
        "paths": {},
    }
    owners: dict[str, str] = {}
    for source, document in lifted:
        _merge_servers(merged, document)
        _merge_paths(merged["paths"], document.get("paths") or {}, source, owners)
        _merge_components(merged, document.get("components") or {}, source, owners)
        _merge_tags(merged, document.get("tags") or [])
    for key in ("externalDocs", "jsonSchemaDialect"):
        if key in first:
            merged[key] = copy.deepcopy(first[key])
    return merged


def _push_security(document: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(document)
    default = result.pop("security", None)
    if default is None:
        return result
    for path_item in (result.get("paths") or {}).values():
        for method in HTTP_METHODS:
            if isinstance(path_item, dict) and isinstance(path_item.get(method), dict):
                path_item[method].setdefault("security", copy.deepcopy(default))
    return result


def _best_info(documents: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The info of the first full OpenAPI document (not a rendered page), else the first one."""
    infos = [doc.get("info") or {} for doc in documents]
    for info in infos:
        if not info.get("x-specmock-rendering"):
            return info
    return infos[0] if infos else {"title": "API", "version": "0.0.0"}


def _merge_servers(merged: dict[str, Any], document: dict[str, Any]) -> None:
    servers = merged.setdefault("servers", [])
    for server in document.get("servers") or []:
        if server not in servers:
            servers.append(copy.deepcopy(server))
    if not servers:
        merged.pop("servers")


def _merge_paths(
    paths: dict[str, Any], incoming: dict[str, Any], source: str, owners: dict[str, str]
) -> None:
    for path, item in incoming.items():
        target = paths.setdefault(path, {})
        for key, value in item.items():
            owner_key = refs.pointer(("paths", path, key))
            if key in target and (key in HTTP_METHODS or target[key] != value):
                raise SpecError(
                    source,
                    owner_key,
                    f"{key.upper()} {path} is also defined in {owners[owner_key]}"
                    if key in HTTP_METHODS
                    else f"{path} {key!r} differs from the one in {owners[owner_key]}",
                )
            target[key] = copy.deepcopy(value)
            owners[owner_key] = source


def _merge_components(
    merged: dict[str, Any], incoming: dict[str, Any], source: str, owners: dict[str, str]
) -> None:
    components = merged.setdefault("components", {})
    for kind, entries in incoming.items():
        target = components.setdefault(kind, {})
        for name, value in (entries or {}).items():
            owner_key = refs.pointer(("components", kind, name))
            if name in target and kind == "securitySchemes" and _same_scheme(target[name], value):
                value = target[name] | value  # one page may say more (bearerFormat, description)
            elif name in target and target[name] != value:
                raise SpecError(
                    source,
                    owner_key,
                    f"component {kind}/{name} differs from the one in {owners[owner_key]}",
                )
            target[name] = copy.deepcopy(value)
            owners.setdefault(owner_key, source)


def _same_scheme(first: dict[str, Any], second: dict[str, Any]) -> bool:
    """Two definitions of one security scheme that read the same credential the same way."""

    def essence(scheme: dict[str, Any]) -> tuple[Any, ...]:
        return (
            scheme.get("type"),
            str(scheme.get("scheme", "")).lower(),
            scheme.get("in"),
            scheme.get("name"),
        )

    return essence(first) == essence(second)


def _merge_tags(merged: dict[str, Any], tags: list[Any]) -> None:
    known = merged.setdefault("tags", [])
    names = {tag.get("name") for tag in known}
    for tag in tags:
        if isinstance(tag, dict) and tag.get("name") not in names:
            known.append(copy.deepcopy(tag))
            names.add(tag.get("name"))
    if not known:
        merged.pop("tags")


def _operations(api: str, document: dict[str, Any]) -> Iterator[Operation]:
    for path, item in (document.get("paths") or {}).items():
        if isinstance(item.get("$ref"), str) and item["$ref"].startswith("#"):
            shared = refs.resolve_pointer(document, item["$ref"][1:])
            item = shared | {key: value for key, value in item.items() if key != "$ref"}
        for method in HTTP_METHODS:
            spec = item.get(method)
            if isinstance(spec, dict):
                operation_id = spec.get("operationId") or rendering.operation_id(method, path)
                yield Operation(api, method, path, str(operation_id), spec, item)


def server_path(server: dict[str, Any]) -> str:
    """The path part of a server object's URL, with variables at their defaults."""
    url = str(server.get("url", ""))
    for name, variable in (server.get("variables") or {}).items():
        url = url.replace("{" + name + "}", str(variable.get("default", "")))
    return urlsplit(url).path.rstrip("/")
