"""Where a value goes during a walk over a schema (`Place`), and what the writers of objects and
arrays need of that walk (`Walker`): the containers write their members through it without
knowing the walk itself, so `synthesis` and `containers` do not import each other."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Protocol

from specmock.schemas.fakes import Options
from specmock.schemas.views import View, Views


@dataclass(frozen=True, slots=True)
class Place:
    """Where a value goes: its name, how deep it sits, which `$ref` led to its schema and which of
    several distinct values is wanted (variant 0 is the usual one)."""

    label: str
    depth: int = 0
    variant: int = 0
    pointer: str | None = None

    def inner(self, label: str, variant: int = 0, pointer: str | None = None) -> Place:
        """The place of a member (property or item) of the value here."""
        return Place(label, self.depth + 1, variant, pointer)

    def led_by(self, pointer: str | None, variant: int | None = None) -> Place:
        """This place with its schema reached through `pointer` (and another variant)."""
        return Place(self.label, self.depth, self.variant if variant is None else variant, pointer)


class Walker(Protocol):
    """One walk of generate or conform, as the writers of members use it."""

    views: Views
    dynamic: bool
    options: Options

    @property
    def rng(self) -> random.Random:
        """The walk's random source."""

    def value(self, schema: Any, place: Place) -> Any:
        """A value valid against `schema`, as far as one exists."""

    def conform(self, value: Any, schema: Any, place: Place) -> Any:
        """`value` when valid against `schema`, else a repaired copy."""

    def write(self, view: View, place: Place, given: Any = ...) -> Any:
        """A value valid against `view`: `given` repaired, or a new one."""

    def valid(self, value: Any, schema: Any) -> bool:
        """Whether `value` is valid against `schema`."""

    def deep(self, place: Place) -> bool:
        """Whether the walk is deep enough that optional members are left out."""
