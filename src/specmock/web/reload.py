"""Hot reload: the specs folder watched (watchfiles) while serving, and the served APIs swapped.

A change to a spec, a file it `$ref`s, a documentation page or a seed file loads the whole folder
again in a worker thread, so requests keep being answered meanwhile; the new routes and APIs then
replace the old in one step on the event loop. An API whose files still exist but no longer load
keeps its last good version serving, and its error is reported on stderr and at
`/__specmock/apis`. Records are kept per collection: a collection whose records' schemas (every
schema its operations read and write records by, `$ref`s followed, descriptions, summaries and
examples set aside) and seed data did not change keeps them; one whose did starts again from its
(new) seed data and made-up records (`--records`), as on a fresh start, and stderr names it and
says why. An edit to `User` leaves the pets and orders as they were.

The config file the server started with (`Config.settings_file`) is watched too: its per-API and
per-operation settings (delay, fault, status, example, tokens) apply from the next request; a
broken edit keeps the last good settings, and a changed option (`port`, `host`...) is reported as
needing a restart.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import sys
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TextIO

from watchfiles import Change, DefaultFilter, awatch

from specmock import settings
from specmock.config import Config
from specmock.errors import SpecError, SpecmockError
from specmock.mock.binding import Bindings
from specmock.mock.population import populate
from specmock.mock.seeds import load_seed
from specmock.mock.served_api import ServedApi, serve
from specmock.mock.storage import SessionStore
from specmock.spec.api import Api, Catalog, Operation, served_folder
from specmock.spec.refs import distinct_refs, follow
from specmock.spec.routing import Router
from specmock.web.stubs import Stubs, with_overrides

# Milliseconds watchfiles groups changes over (an editor's save is several events).
_DEBOUNCE = 400
# Keys that document a value rather than shape it: editing them keeps the records.
_DOCUMENTING = frozenset({"description", "summary", "example", "examples", "externalDocs", "title"})
# Keys whose members are named by the API (a property called `title`), never documenting keys.
_NAMED = frozenset({"properties", "patternProperties", "paths", "schemas", "parameters"})
_PARAMETER = re.compile(r"\{[^}/]+\}")


class Holder(Protocol):
    """What shows the catalog (the admin API): its `catalog` is replaced on a reload."""

    catalog: Catalog


@dataclass(frozen=True, slots=True)
class Loaded:
    """A reload's result before the swap: everything built off the event loop."""

    catalog: Catalog
    router: Router
    served: dict[str, ServedApi]
    seed: dict[str, dict[str, dict[str, Any]]]  # each API's seed data files
    errors: list[SpecError]
    restarted: dict[str, Restart]
    shapes: dict[str, dict[str, str]]  # each served API's record shapes (`record_shapes`)


@dataclass(frozen=True, slots=True)
class Restart:
    """An API whose records start again, in part: the records a fresh session of it starts from
    (seed data, then made-up records where it leaves room) and, by item template (`/pets/{}`),
    why each collection starts again; `WHOLE` names the API as a whole (a new API)."""

    records: dict[str, dict[str, Any]]
    reasons: dict[str, str]


WHOLE = ""


class Reloader:
    """Loads the specs again and swaps them into `stubs` and `holders`; `watch` runs it on every
    change under the watched folders until `stop`."""

    def __init__(
        self,
        config: Config,
        catalog: Catalog,
        stubs: Stubs,
        holders: Iterable[Holder],
        out: TextIO | None = None,
    ) -> None:
        self.config, self.catalog, self.stubs = config, catalog, stubs
        self.holders = list(holders)
        self.out = out if out is not None else sys.stderr
        self.reloads = 0
        self._stop = asyncio.Event()
        self._settings_file = config.settings_file
        self._options = self._read_options()
        # the seed data files as last loaded: the store's own seed also holds made-up records
        self._seeds = {name: dict(records) for name, records in stubs.store.seed.items()}
        self._shapes: dict[str, dict[str, str]] = {}  # worked out on the first reload

    def _read_options(self) -> dict[str, Any] | None:
        if self._settings_file is None:
            return None
        try:
            return settings.load(self._settings_file).options
        except SpecmockError:
            return None

    @property
    def folders(self) -> list[Path]:
        return [served_folder(self.config.specs), *self.config.allow_ref_dirs]

    async def watch(self) -> None:
        ignored = [str(self.config.state_file)] if self.config.state_file else []
        watched = [*self.folders]
        outside = self._settings_file is not None and not any(
            self._settings_file.is_relative_to(folder.resolve()) for folder in watched
        )
        if outside and self._settings_file is not None:
            watched.append(self._settings_file)
        changes = awatch(
            *watched,
            watch_filter=_Filter(ignored),
            debounce=_DEBOUNCE,
            stop_event=self._stop,
        )
        async for found in changes:
            await self.reload(sorted({path for _, path in found}))

    def stop(self) -> None:
        self._stop.set()

    async def reload(self, paths: list[str] | None = None) -> None:
        """Load again and swap; a load that fails as a whole keeps everything as it was."""
        if paths and self._settings_file is not None and str(self._settings_file) in paths:
            paths = [path for path in paths if path != str(self._settings_file)]
            if self.reload_settings():  # new `x-specmock` overrides: the APIs are built again
                paths.append(str(self._settings_file))
            if not paths:
                return
        shown = ", ".join(paths or []) or str(self.config.specs)
        try:
            loaded = await asyncio.to_thread(self._load)
        except SpecmockError as error:
            self._say(f"reload after {shown} failed, still serving the last good specs: {error}")
            return
        self._swap(loaded)
        self.reloads += 1
        names = ", ".join(loaded.served) or "none"
        self._say(f"reloaded after a change to {shown}: serving {names}")
        for problem in (*loaded.catalog.errors, *loaded.errors):
            self._say(f"error: {problem}")

    def reload_settings(self) -> bool:
        """Read the config file again and apply its per-API and per-operation settings; a
        broken file keeps the last good ones, and a changed option needs a restart. True when
        an operation's `x-specmock` overrides changed, which only a reload of the specs applies."""
        if self._settings_file is None:
            return False
        try:
            found = settings.load(self._settings_file)
            warnings = check_operations(found, self.catalog)
        except SpecmockError as error:
            self._say(f"config not reloaded, still using the last good settings: {error}")
            return False
        overridden = _overrides(self.stubs.config.operation_settings)
        config = replace(self.stubs.config, **found.config_fields())
        self.stubs.configure(config)
        self.config = config
        self._say(f"reloaded the per-API and per-operation settings of {found.source}")
        for warning in warnings:
            self._say(f"warning: {warning}")
        before = self._options or {}
        changed = sorted(
            k for k in {*before, *found.options} if before.get(k) != found.options.get(k)
        )
        if changed:
            names = ", ".join(name.replace("_", "-") for name in changed)
            self._say(f"{found.source}: {names} changed: restart specmock to apply")
        self._options = found.options
        return _overrides(config.operation_settings) != overridden

    def _load(self) -> Loaded:
        fresh = Catalog.from_path(self.config.specs, self.config.allow_ref_dirs)
        apis = list(fresh.apis)
        loaded = {api.name for api in apis}
        for old in self.catalog.apis:  # broken now, though its files are there: keep it
            if old.name not in loaded and fresh.errors and _files_exist(old):
                apis.append(old)
        with_overrides(apis, self.config.operation_settings)
        router, served = serve(apis, self.config.prefix, self.config.locale, self.config.seed)
        for fresh_api in served.values():  # injected statuses are documented while injection is on
            fresh_api.injected = self.stubs.faults.injected_statuses
        for name, api in served.items():  # unchanged: keep what was built for it
            previous = self.stubs.served.get(name)
            if previous is not None and previous.api.document == api.api.document:
                served[name] = previous
        seed: dict[str, dict[str, dict[str, Any]]] = {}
        errors: list[SpecError] = []
        for name, api in served.items():
            try:
                seed[name] = load_seed(api.api, api.actions)
            except SpecError as error:
                errors.append(error)
                seed[name] = self._seeds.get(name, {})
        shapes = {name: self._shapes_of(name, api) for name, api in served.items()}
        restarted: dict[str, Restart] = {}
        for name, api in served.items():
            reasons = self._restart_reasons(name, api, shapes[name], seed[name])
            if reasons:
                restarted[name] = Restart(self._populated(api, seed[name]), reasons)
        catalog = Catalog(tuple(apis), fresh.errors)
        return Loaded(catalog, router, served, seed, errors, restarted, shapes)

    def _shapes_of(self, name: str, api: ServedApi) -> dict[str, str]:
        kept = self._shapes.get(name)
        if kept is not None and self.stubs.served.get(name) is api:
            return kept
        return record_shapes(api)

    def _restart_reasons(
        self, name: str, new: ServedApi, shapes: dict[str, str], seed: dict[str, Any]
    ) -> dict[str, str]:
        """Why each collection of an API starts again on this reload, by item template; {}
        when every one keeps its records."""
        old = self.stubs.served.get(name)
        if old is None:
            return {WHOLE: "it is new"}
        before, old_seed = self._shapes_of(name, old), self._seeds.get(name, {})
        if old is new and old_seed == seed:
            return {}
        reasons: dict[str, str] = {}
        for template in sorted(before.keys() | shapes.keys()):
            if template not in shapes:
                reasons[template] = "its operations are gone"
            elif template not in before:
                reasons[template] = "it is new"
            elif before[template] != shapes[template]:
                reasons[template] = "their schema changed"
        if old_seed != seed:
            grouped_before = _by_template(old_seed, old.actions.bindings)
            grouped_after = _by_template(seed, new.actions.bindings)
            for template in grouped_before.keys() | grouped_after.keys():
                if grouped_before.get(template) != grouped_after.get(template):
                    reasons.setdefault(template, "their seed data changed")
        return reasons

    def _populated(self, served: ServedApi, seed: dict[str, Any]) -> dict[str, dict[str, Any]]:
        made = populate(served.actions, self.config.records, seed)
        return {**made, **seed}

    def _swap(self, loaded: Loaded) -> None:
        """One step on the event loop: no request sees half a reload."""
        store = self.stubs.store
        old_served = self.stubs.served
        sessions = list(store.snapshot())
        for name in sorted(old_served.keys() - loaded.served.keys()):
            store.seed.pop(name, None)
            for session in sessions:
                store.reset(session, name)
        for name, restart in sorted(loaded.restarted.items()):
            store.seed[name] = restart.records
            old = old_served.get(name)
            for session in sessions:
                if old is None or WHOLE in restart.reasons:
                    store.reset(session, name)
                else:
                    _restart_collections(
                        store.session(session), name, restart, old, loaded.served[name]
                    )
            if sessions and old is not None:
                self._report(name, restart, loaded.served[name])
        self._seeds, self._shapes = loaded.seed, loaded.shapes
        self.stubs.router, self.stubs.served = loaded.router, loaded.served
        self.stubs.errors[:] = loaded.errors
        self.catalog = loaded.catalog
        for holder in self.holders:
            holder.catalog = loaded.catalog

    def _report(self, name: str, restart: Restart, served: ServedApi) -> None:
        shown = {
            _template(t): b.resource.collection
            for t in served.actions.bindings.item_templates
            if (b := served.actions.bindings.for_template(t)) is not None
        }
        for template, reason in sorted(restart.reasons.items()):
            if reason != "it is new":
                where = shown.get(template) or template.rpartition("/")[0]
                self._say(
                    f"the records of {name} at {where} start again from the seed data: {reason}"
                )

    def _say(self, line: str) -> None:
        print(f"specmock: {line}", file=self.out, flush=True)

    @asynccontextmanager
    async def lifespan(self, app: object) -> AsyncIterator[None]:
        """Watch while the server runs; stop the watcher at shutdown."""
        task = asyncio.create_task(self.watch())
        try:
            yield
        finally:
            self.stop()
            await task


class _Filter(DefaultFilter):
    """watchfiles' defaults (editor swap files, `.git`), and never the state file we write."""

    def __init__(self, ignored: list[str]) -> None:
        super().__init__()
        self._ignored = tuple(ignored)

    def __call__(self, change: Change, path: str) -> bool:
        if self._ignored and path.startswith(self._ignored):
            return False
        return bool(super().__call__(change, path))


def _overrides(by_api: settings.OperationsByApi) -> dict[tuple[str, str], Any]:
    return {
        (name, label): found.overrides
        for name, by_label in by_api.items()
        for label, found in by_label.items()
        if found.overrides
    }


def check_operations(found: settings.Settings, catalog: Catalog) -> list[str]:
    """The config file's operations against the APIs loaded, at startup and on every reload: a
    label no operation has, or an example name its responses do not document, is a ConfigError
    naming the file and the key; an API not loaded is a warning (its spec may be broken now)."""
    warnings = []
    for name, operations in found.operations.items():
        try:
            api = catalog.api(name)
        except KeyError:
            warnings.append(f"{found.source}: apis.{name}: no API of that name loaded")
            continue
        by_label = {operation.label: operation for operation in api.operations}
        for label, chosen in operations.items():
            place = f'apis.{name}.operations."{label}"'
            if label not in by_label:
                raise found.error(place, f"the API {name!r} has no such operation")
            examples = _example_names(api, by_label[label])
            if chosen.example is not None and chosen.example not in examples:
                known = ", ".join(sorted(examples)) or "it documents none"
                expected = f"expected the name of one of its responses' examples ({known})"
                raise found.error(f"{place}.example", f"{expected}, got {chosen.example!r}")
    return warnings


def _example_names(api: Api, operation: Operation) -> set[str]:
    """The names of the examples an operation's responses document, in any media type."""
    names: set[str] = set()
    for response in operation.responses.values():
        content = _mapping(follow(api.document, response)).get("content")
        for media in _mapping(content).values():
            names.update(_mapping(_mapping(follow(api.document, media)).get("examples")))
    return names


def _mapping(node: Any) -> dict[str, Any]:
    return node if isinstance(node, dict) else {}


def _files_exist(api: Api) -> bool:
    return all(Path(source).exists() for source in api.sources)


def record_shapes(served: ServedApi) -> dict[str, str]:
    """Each collection's record shape by item template (`/pets/{}`): a digest of the canonical
    JSON of the schemas its operations read and write records by, with documenting keys set aside
    and every `$ref` they reach (a recursive schema's once) compared by its target's own shape."""
    bindings = served.actions.bindings
    refs = _RefShapes(served.api.document)
    found: dict[str, set[str]] = {}
    for operation in served.api.operations:
        binding = bindings.get(operation)
        if binding is None:
            continue
        schemas = {
            "role": binding.action.role,
            "write": binding.write_schema,
            "answer": binding.success.schema or {},
            "properties": dict(binding.fields),
        }
        found.setdefault(_template(binding.resource.item), set()).add(refs.shape(schemas))
    return {template: _digest(sorted(shapes)) for template, shapes in found.items()}


def _digest(shapes: list[str]) -> str:
    """A short stand-in for a collection's shapes (GitHub's are megabytes in all)."""
    return hashlib.sha256("\n".join(shapes).encode()).hexdigest()


class _RefShapes:
    """The shape of each `$ref` target of a document and the refs it holds, worked out once:
    GitHub's collections reach the same few hundred components again and again."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self._own: dict[str, tuple[str, set[str]]] = {}

    def shape(self, node: Any) -> str:
        reached: dict[str, str] = {}
        waiting = sorted(distinct_refs(node))
        while waiting:
            ref = waiting.pop()
            if ref in reached:
                continue
            own, inner = self._target(ref)
            reached[ref] = own
            waiting.extend(inner - reached.keys())
        return _shape({"schema": node, "refs": dict(sorted(reached.items()))})

    def _target(self, ref: str) -> tuple[str, set[str]]:
        if ref not in self._own:
            target = follow(self.document, {"$ref": ref})
            self._own[ref] = (_shape({"target": target}), distinct_refs(target))
        return self._own[ref]


def _template(item: str) -> str:
    """An item template with its parameters' names left out: a renamed parameter is the same
    collection."""
    return _PARAMETER.sub("{}", item)


def _by_template(records: dict[str, Any], bindings: Bindings) -> dict[str, dict[str, Any]]:
    grouped: dict[str, dict[str, Any]] = {}
    for path, record in records.items():
        binding = bindings.for_item(path)
        template = _template(binding.resource.item) if binding is not None else path
        grouped.setdefault(template, {})[path] = record
    return grouped


def _restart_collections(
    session: SessionStore, name: str, restart: Restart, old: ServedApi, new: ServedApi
) -> None:
    """One session's records of the changed collections dropped and started again from the new
    seed; what a dropped record held under it comes back from the seed as well."""
    changed = restart.reasons.keys()
    before = set(session.records(name))
    for path in sorted(before):
        binding = old.actions.bindings.for_item(path)
        if binding is not None and _template(binding.resource.item) in changed:
            session.delete(name, path)
    dropped = before - set(session.records(name))
    for path, record in restart.records.items():
        binding = new.actions.bindings.for_item(path)
        restarted = binding is not None and _template(binding.resource.item) in changed
        if (restarted or path in dropped) and session.get(name, path) is None:
            session.put(name, path, dict(record))


def _shape(node: Any) -> str:
    return json.dumps(_bare(node), sort_keys=True, default=str)


def _bare(node: Any, named: bool = False) -> Any:
    if isinstance(node, dict):
        return {
            key: _bare(value, key in _NAMED and not named)
            for key, value in node.items()
            if named or key not in _DOCUMENTING
        }
    if isinstance(node, list):
        return [_bare(item) for item in node]
    return node
