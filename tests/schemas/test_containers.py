import random
from typing import Any

import pytest

from specmock.schemas.checker import Checker
from specmock.schemas.containers import property_schema, write_array, write_object
from specmock.schemas.places import Place
from specmock.schemas.synthesis import Walk
from specmock.schemas.views import ANY, Views

DOCUMENT = {"openapi": "3.1.0"}


def walk() -> Walk:
    views, checker = Views(DOCUMENT, legacy=False), Checker(DOCUMENT, legacy=False)
    return Walk(views, checker, random.Random("s"), dynamic=False, max_depth=4)


@pytest.mark.parametrize(
    ("view", "name", "expected"),
    [
        pytest.param(
            {"properties": {"a": {"type": "string"}}}, "a", {"type": "string"}, id="declared"
        ),
        pytest.param(
            {"patternProperties": {"^x-": {"type": "integer"}}},
            "x-n",
            {"type": "integer"},
            id="pattern",
        ),
        pytest.param({"additionalProperties": {"const": 1}}, "b", {"const": 1}, id="additional"),
        pytest.param({"additionalProperties": False}, "b", False, id="closed"),
        pytest.param({"additionalProperties": True}, "b", ANY, id="open"),
        pytest.param({"patternProperties": {"(": {}}}, "b", ANY, id="bad-pattern-matches-nothing"),
    ],
)
def test_containers_property_schema(view, name, expected):
    assert property_schema(view, name) == expected


@pytest.mark.parametrize(
    ("view", "given", "expected"),
    [
        pytest.param(
            {
                "type": ["object"],
                "properties": {
                    "id": {"type": "integer"},
                    "secret": {"type": "string", "writeOnly": True},
                    "name": {"type": "string"},
                },
                "required": ["id", "secret"],
                "maxProperties": 1,
            },
            None,
            {"id": 0},
            id="writeOnly-out-maxProperties-keeps-required",
        ),
        pytest.param(
            {"type": ["object"], "minProperties": 2},
            None,
            {"additionalProp1": {}, "additionalProp2": {}},
            id="minProperties",
        ),
        pytest.param(
            {"type": ["object"], "properties": {"id": {"type": "integer"}}, "required": ["id"]},
            {"id": "x", "extra": 1},
            {"id": 0, "extra": 1},
            id="repair-keeps-valid-members",
        ),
    ],
)
def test_containers_write_object(view: Any, given: Any, expected: Any) -> None:
    assert write_object(walk(), view, Place("pet"), given) == expected


@pytest.mark.parametrize(
    ("view", "given", "expected"),
    [
        pytest.param(
            {"items": {"type": "integer", "maximum": 2}, "minItems": 3, "uniqueItems": True},
            None,
            [0, 1, 2],
            id="unique",
        ),
        pytest.param(
            {"items": {"type": "integer"}, "contains": {"const": 7}}, None, [0, 7], id="contains"
        ),
        pytest.param({"items": {"type": "integer"}}, ["a", 3], [0, 3], id="repair"),
    ],
)
def test_containers_write_array(view: Any, given: Any, expected: Any) -> None:
    assert write_array(walk(), {"type": ["array"], **view}, Place("n"), given) == expected
