"""`PerObject`: values worked out once per object of a loaded spec (a schema), and kept.

Spec objects are plain dicts, which cannot be hashed, so a value is kept under the object's
`id()` together with the object itself: while it is kept its id cannot be given to another
object, and a lookup that finds a different object under the same id misses.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class PerObject(Generic[V]):
    """`get(obj, make)`: `make()` the first time for `obj` (and `extra`), the kept value after.

    With `limit`, no more than that many values are kept; beyond it values are made each time.
    """

    def __init__(self, limit: int | None = None) -> None:
        self._kept: dict[tuple[int, Hashable], tuple[Any, V]] = {}
        self._limit = limit

    def get(self, obj: Any, make: Callable[[], V], extra: Hashable = None) -> V:
        key = (id(obj), extra)
        kept = self._kept.get(key)
        if kept is not None and kept[0] is obj:
            return kept[1]
        value = make()
        if self._limit is None or len(self._kept) < self._limit:
            self._kept[key] = (obj, value)
        return value
