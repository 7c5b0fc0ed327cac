"""PerObject: one value per object (and extra key), by identity, bounded when asked."""

from __future__ import annotations

from specmock.spec.perobject import PerObject


def test_a_value_is_made_once_per_object_and_extra_key():
    made: list[str] = []
    kept: PerObject[str] = PerObject()
    schema, twin = {"type": "string"}, {"type": "string"}

    def make(label: str) -> str:
        made.append(label)
        return label

    assert kept.get(schema, lambda: make("a")) == "a"
    assert kept.get(schema, lambda: make("again")) == "a"
    assert kept.get(twin, lambda: make("twin")) == "twin"  # equal content, another object
    assert kept.get(schema, lambda: make("other key"), "x") == "other key"
    assert made == ["a", "twin", "other key"]


def test_beyond_its_limit_values_are_made_each_time():
    kept: PerObject[int] = PerObject(limit=1)
    first: dict[str, int] = {}
    second: dict[str, int] = {}
    calls = iter(range(10))
    assert kept.get(first, lambda: next(calls)) == 0
    assert kept.get(second, lambda: next(calls)) == 1
    assert kept.get(second, lambda: next(calls)) == 2
    assert kept.get(first, lambda: next(calls)) == 0
