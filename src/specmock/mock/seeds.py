"""Seed data: records a spec folder ships, loaded at start into every session's first state.

`specs/<api>.data.yaml` (or `data.yaml` inside an API's folder) maps item paths to records:

    /api/models/248df4b7-aa70-47b8-a036-33ac447e668d:
      name: Users
      connection_id: 248df4b7-aa70-47b8-a036-33ac447e668d

Each key must be an item path of one of the API's resources and each record an object whose
fields fit the resource's record schema; errors name the file and the record.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from specmock.errors import SpecError
from specmock.mock.actions import Actions
from specmock.spec.api import Api
from specmock.spec.parsing import parse_file


def data_file(api: Api) -> Path | None:
    """Where an API's seed data lives, if the file exists."""
    if not api.sources:
        return None
    first = Path(api.sources[0])
    candidates = [first.with_name(f"{first.stem}.data.yaml")]
    for parent in first.parents:
        if parent.name == api.name:
            candidates.insert(0, parent / "data.yaml")
            break
    return next((path for path in candidates if path.is_file()), None)


def load_seed(api: Api, actions: Actions) -> dict[str, dict[str, Any]]:
    """The API's seed records by item path (empty when it ships none); SpecError when invalid."""
    path = data_file(api)
    if path is None:
        return {}
    data = parse_file(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SpecError(path, "", "seed data must map item paths to records")
    records: dict[str, dict[str, Any]] = {}
    for key, record in data.items():
        if not isinstance(record, dict):
            raise SpecError(path, str(key), f"a record must be an object, got {record!r}")
        problem = record_problem(actions, str(key), record)
        if problem is not None:
            raise SpecError(path, str(key), problem)
        records[str(key)] = record
    return records


def record_problem(actions: Actions, key: str, record: dict[str, Any]) -> str | None:
    """What is wrong with storing `record` at item path `key` (seed data, a state file), or None."""
    binding = actions.bindings.for_item(key)
    if binding is None:
        known = ", ".join(actions.bindings.item_templates) or "none"
        return f"not an item path of this API (item paths: {known})"
    problems = actions.check_record(binding, record)
    return "; ".join(str(p) for p in problems) if problems else None
