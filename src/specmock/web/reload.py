"""Hot reload: the specs folder watched (watchfiles) while serving, and the served APIs swapped.

A change to a spec, a file it `$ref`s, a documentation page or a seed file loads the whole folder
again in a worker thread, so requests keep being answered meanwhile; the new routes and APIs then
replace the old in one step on the event loop. An API whose files still exist but no longer load
keeps its last good version serving, and its error is reported on stderr and at
`/__specmock/apis`. Records are kept per API when its data shapes did not change (its components
and the paths it had are the same once descriptions, summaries and examples are set aside; new
paths are fine) and its seed data files are the same; otherwise that API starts again from its (new)
seed data and made-up records (`--records`), as on a fresh start, and stderr says so.

The config file the server started with (`Config.settings_file`) is watched too: its per-API and
per-operation settings (delay, fault, status, example, tokens) apply from the next request; a
broken edit keeps the last good settings, and a changed option (`port`, `host`...) is reported as
needing a restart.
"""

from __future__ import annotations

import asyncio
import json
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
from specmock.mock.population import populate
from specmock.mock.seeds import load_seed
from specmock.mock.served_api import ServedApi, serve
from specmock.spec.api import Api, Catalog, served_folder
from specmock.spec.routing import Router
from specmock.web.stubs import Stubs, with_overrides

# Milliseconds watchfiles groups changes over (an editor's save is several events).
_DEBOUNCE = 400
# Keys that document a value rather than shape it: editing them keeps the records.
_DOCUMENTING = frozenset({"description", "summary", "example", "examples", "externalDocs", "title"})
# Keys whose members are named by the API (a property called `title`), never documenting keys.
_NAMED = frozenset({"properties", "patternProperties", "paths", "schemas", "parameters"})


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
    # the APIs whose records start again, why, and the records they start from (seed data, then
    # made-up records where it leaves room, as on a fresh start)
    restarted: dict[str, tuple[str, dict[str, dict[str, Any]]]]


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
        except SpecmockError as error:
            self._say(f"config not reloaded, still using the last good settings: {error}")
            return False
        overridden = _overrides(self.stubs.config.operation_settings)
        config = replace(self.stubs.config, **found.config_fields())
        self.stubs.configure(config)
        self.config = config
        self._say(f"reloaded the per-API and per-operation settings of {found.source}")
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
        restarted = {
            name: (reason, self._populated(served[name], seed[name]))
            for name in served
            if (reason := self._restart_reason(name, served[name], seed[name]))
        }
        catalog = Catalog(tuple(apis), fresh.errors)
        return Loaded(catalog, router, served, seed, errors, restarted)

    def _restart_reason(self, name: str, new: ServedApi, seed: dict[str, Any]) -> str:
        """Why an API's records start again on this reload, or "" when they are kept."""
        old = self.stubs.served.get(name)
        if old is None:
            return "it is gone or new"
        if not _same_shapes(old.api, new.api):
            return "its schemas changed"
        return "" if self._seeds.get(name, {}) == seed else "its seed data changed"

    def _populated(self, served: ServedApi, seed: dict[str, Any]) -> dict[str, dict[str, Any]]:
        made = populate(served.actions, self.config.records, seed)
        return {**made, **seed}

    def _swap(self, loaded: Loaded) -> None:
        """One step on the event loop: no request sees half a reload."""
        store = self.stubs.store
        old_served = self.stubs.served
        sessions = list(store.snapshot())
        gone: dict[str, tuple[str, dict[str, dict[str, Any]]]] = {
            name: ("it is gone or new", {}) for name in old_served if name not in loaded.served
        }
        for name, (reason, records) in sorted({**loaded.restarted, **gone}.items()):
            store.seed[name] = records
            if name not in loaded.served:
                store.seed.pop(name, None)
            for session in sessions:
                store.reset(session, name)
            if sessions and name in old_served:
                self._say(f"the records of {name} start again from its seed data: {reason}")
        self._seeds = loaded.seed
        self.stubs.router, self.stubs.served = loaded.router, loaded.served
        self.stubs.errors[:] = loaded.errors
        self.catalog = loaded.catalog
        for holder in self.holders:
            holder.catalog = loaded.catalog

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


def _files_exist(api: Api) -> bool:
    return all(Path(source).exists() for source in api.sources)


def _same_shapes(old: Api, new: Api) -> bool:
    """Whether a new version of an API shapes the values of the old one alike: its components
    and every path the old one had are the same with documenting keys set aside (new paths and
    new text are fine)."""
    before, after = old.document, new.document
    if _shape(before.get("components")) != _shape(after.get("components")):
        return False
    paths = after.get("paths") or {}
    return all(
        _shape(item) == _shape(paths.get(path))
        for path, item in (before.get("paths") or {}).items()
    )


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
