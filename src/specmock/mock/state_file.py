"""The state file (`--state-file`): every session's records on disk, never half written.

`StateFile.write` encodes each record on its own, so one that cannot be written (nested deeper
than a JSON reader takes back) is reported by session, API and path and the rest are written. The
text goes to a temporary file in the same folder, which is flushed, fsynced and renamed over the
old file, and the folder is fsynced: a crash at any moment leaves the old file or the new one.

`Saver` keeps the file within about a second of the store: on the event loop it takes a snapshot
(the records are shared, not copied) when something changed, and writes it in a worker thread. A
failing write is reported once per distinct error and tried again a second later.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, Protocol

from specmock.errors import ConfigError, SpecError, SpecmockError

logger = logging.getLogger("specmock")

#: session -> API -> item path -> record
Snapshot = dict[str, dict[str, dict[str, dict[str, Any]]]]
#: (API, item path, record) -> what is wrong with the record, or None
RecordCheck = Callable[[str, str, dict[str, Any]], str | None]

# A record whose text is this long or longer (and so may be nested half as deep) is encoded
# again `_DEPTH_MARGIN` levels down, so that one the encoder takes is one the reader takes back
# with the file's own four levels around it and the caller's frames below. A shorter one is
# nested too shallow to matter, and encoding every record twice would double the save.
_DEPTH_MARGIN = 64
_MAY_BE_DEEP = 1000
_ENCODER = json.JSONEncoder()
SAVE_INTERVAL = 1.0  # seconds between checks for changes to save


class StateFile:
    """One state file: checked at start, read once, written whole and atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def check(self) -> None:
        """ConfigError, naming the path, unless a file can be written there."""
        path = self.path
        if path.is_dir():
            raise ConfigError(f"--state-file {str(path)!r} is a folder; give a file path in it")
        folder = path.absolute().parent
        if not folder.is_dir():
            raise ConfigError(f"--state-file {str(path)!r}: no folder {str(folder)!r} to write in")
        try:
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as error:
            raise ConfigError(f"--state-file {str(path)!r} cannot be written: {error}") from None

    def write(self, snapshot: Snapshot) -> list[str]:
        """Write `snapshot` atomically; the records left out, one sentence each."""
        text, unsaved = encode(snapshot)
        folder = self.path.absolute().parent
        handle, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with suppress(OSError):
                os.unlink(temporary)
            raise
        _fsync_folder(folder)
        return unsaved

    def read(self, check: RecordCheck | None = None) -> tuple[Snapshot, list[SpecError]]:
        """The saved sessions (none when the file does not exist), less the records `check`
        refuses, which come back as errors naming the file and the record. SpecmockError when
        the file cannot be read at all."""
        if not self.path.exists():
            return {}, []
        try:
            sessions = _sessions(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError, RecursionError) as error:
            raise SpecmockError(f"state file {str(self.path)!r} cannot be read: {error}") from None
        refused: list[SpecError] = []
        for name, apis in sessions.items():
            for api, records in apis.items():
                for item, record in list(records.items()):
                    problem = _problem(check, api, item, record)
                    if problem is not None:
                        where = f"session {name!r}, API {api!r}, record {item}"
                        refused.append(SpecError(self.path, where, f"not loaded: {problem}"))
                        del records[item]
        return sessions, refused


def _problem(check: RecordCheck | None, api: str, item: str, record: Any) -> str | None:
    if not isinstance(record, dict):
        return f"a record must be an object, got {record!r}"
    return None if check is None else check(api, item, record)


def _sessions(data: Any) -> Snapshot:
    """The file's sessions, ValueError naming the first level that is not an object."""
    sessions = data.get("sessions") if isinstance(data, dict) else None
    if not isinstance(sessions, dict):
        raise ValueError('expected {"sessions": {session: {api: {path: record}}}}')
    for name, apis in sessions.items():
        if not isinstance(apis, dict):
            raise ValueError(f"session {name!r} is not an object of APIs: {apis!r}")
        for api, records in apis.items():
            if not isinstance(records, dict):
                raise ValueError(f"API {api!r} of session {name!r} is not an object of records")
    return sessions


def encode(snapshot: Snapshot) -> tuple[str, list[str]]:
    """The file's text, and one sentence per record that cannot be encoded (left out)."""
    unsaved: list[str] = []
    wrapper, inner = _wrapper()
    sessions = []
    for name, apis in snapshot.items():
        encoded_apis = []
        for api, records in apis.items():
            lines = []
            for item, record in records.items():
                try:
                    text = _ENCODER.encode(record)
                    if len(text) >= _MAY_BE_DEEP:
                        inner[0] = record
                        _ENCODER.encode(wrapper)
                except (RuntimeError, ValueError, TypeError) as error:  # RecursionError included
                    where = f"session {name!r}, API {api!r}, record {item}"
                    unsaved.append(f"{where} cannot be saved: {type(error).__name__}: {error}")
                    continue
                lines.append(f"   {_key(item)}: {text}")
            encoded_apis.append(f"  {_key(api)}: {{\n" + ",\n".join(lines) + "}")
        sessions.append(f" {_key(name)}: {{\n" + ",\n".join(encoded_apis) + "}")
    inner[0] = None
    return '{"sessions": {\n' + ",\n".join(sessions) + "}}\n", unsaved


def _wrapper() -> tuple[list[Any], list[Any]]:
    """Lists nested `_DEPTH_MARGIN` deep, the outermost and the innermost (made once a save)."""
    inner: list[Any] = [None]
    outer = inner
    for _ in range(_DEPTH_MARGIN - 1):
        outer = [outer]
    return outer, inner


def _key(name: str) -> str:
    return _ENCODER.encode(name)


def _describe(error: Exception) -> str:
    """An error without the temporary file's random name, so that a repeat reads the same."""
    if isinstance(error, OSError) and error.strerror:
        return f"{type(error).__name__}: {error.strerror}"
    return f"{type(error).__name__}: {error}"


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (where a folder can be opened, as on Linux and macOS)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


class Saved(Protocol):
    """What the saver reads of a store."""

    @property
    def changes(self) -> int: ...

    def snapshot(self) -> Snapshot: ...


class Saver:
    """Saves the store to its state file about once a second while it changes, until `stop`."""

    def __init__(self, store: Saved, file: StateFile, interval: float = SAVE_INTERVAL) -> None:
        self.store, self.file, self.interval = store, file, interval
        self.saved = store.changes
        self._reported: set[str] = set()
        self._stopping: asyncio.Event | None = None

    async def run(self) -> None:
        """Save every `interval` seconds when there is something new, then once more at stop."""
        self._stopping = stopping = asyncio.Event()
        while not stopping.is_set():
            with suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), self.interval)
            await self.save()

    def stop(self) -> None:
        """Ask `run` to make its last save and end."""
        if self._stopping is not None:
            self._stopping.set()

    async def save(self) -> bool:
        """Write what changed since the last save (nothing when nothing did); False on failure,
        which is reported once and tried again at the next save."""
        changes = self.store.changes
        if changes == self.saved:
            return True
        snapshot = self.store.snapshot()
        try:
            unsaved = await asyncio.to_thread(self.file.write, snapshot)
        except Exception as error:
            self._report(
                f"cannot save the stored records to {str(self.file.path)!r}, retrying:"
                f" {_describe(error)}"
            )
            return False
        self.saved = changes
        self._reported = {line for line in self._reported if not line.startswith("cannot save")}
        for line in unsaved:
            self._report(f"{self.file.path}: {line}; the other records are saved")
        return True

    def _report(self, message: str) -> None:
        if message not in self._reported:
            self._reported.add(message)
            logger.error("%s", message)
