"""The store's state file and ids: how long a save of 10,000 records takes (snapshot on the
event loop, encode and write in the worker thread), and the memory 20,000 string-id creates keep.

    .venv/bin/python bench/state.py
"""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from pathlib import Path

from specmock.mock.state_file import StateFile, encode
from specmock.mock.store import Store

RECORD = {
    "id": 0,
    "petId": 7,
    "quantity": 1,
    "shipDate": "2024-01-01T00:00:00Z",
    "status": "placed",
}


def save_times(count: int = 10_000) -> None:
    store = Store()
    session = store.session()
    for n in range(count):
        session.put("petstore", f"/store/order/{n}", {**RECORD, "id": n})
    with tempfile.TemporaryDirectory() as folder:
        file = StateFile(Path(folder) / "state.json")
        started = time.perf_counter()
        snapshot = store.snapshot()
        taken = time.perf_counter()
        encode(snapshot)
        encoded = time.perf_counter()
        file.write(snapshot)
        written = time.perf_counter()
    print(f"{count} records: snapshot {1000 * (taken - started):.1f} ms on the loop,")
    print(
        f"  encode {1000 * (encoded - taken):.1f} ms,"
        f" whole write {1000 * (written - encoded):.1f} ms"
    )


def issued_memory(count: int = 20_000) -> None:
    session = Store().session()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for _ in range(count):
        identifier = str(session.new_id("a", "/things", {"type": "string"}))
        session.issue("a", "/things", identifier)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    print(f"{count} string ids issued, none stored: {grown / 1024:.0f} KiB kept")


if __name__ == "__main__":
    save_times()
    issued_memory()
