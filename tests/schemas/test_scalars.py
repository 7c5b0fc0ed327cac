import datetime as dt
import random
import uuid

import pytest

from specmock.schemas.fakes import Fakes
from specmock.schemas.scalars import write_number, write_string


def rng() -> random.Random:
    return random.Random("s")


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        pytest.param({"format": "email"}, "home-page-489@example.com", id="format"),
        pytest.param({"pattern": "^[0-9]{3}$"}, "506", id="pattern"),
        pytest.param({"minLength": 14}, "Home Page-489x", id="minLength"),
        pytest.param({"maxLength": 3}, "Hom", id="maxLength"),
        pytest.param({"format": "date-time", "maxLength": 5}, "Home ", id="format-too-long"),
    ],
)
def test_scalars_write_string(view, expected):
    assert write_string(view, "Home Page", rng()) == expected


@pytest.mark.parametrize(
    ("view", "integer", "expected"),
    [
        pytest.param({"minimum": 5, "multipleOf": 3}, True, [6, 9, 12, 15], id="multiples"),
        pytest.param(
            {"exclusiveMinimum": 0, "maximum": 1},
            False,
            [0.5, 0.618034, 0.23606799999999994, 0.8541019999999999],
            id="spread-in-range",
        ),
        # 0.3, 0.6 and 0.7 fail jsonschema's float test for multipleOf 0.1
        pytest.param({"multipleOf": 0.1, "minimum": 0.25}, False, [0.4, 0.5, 0.8, 0.9], id="float"),
        pytest.param({"minimum": 1, "maximum": 2}, True, [1, 2, 1, 2], id="wraps-round"),
    ],
)
def test_scalars_write_number_variants(view, integer, expected):
    assert [write_number(view, integer, variant, rng, False) for variant in range(4)] == expected


def test_scalars_write_string_tries_a_formats_value_in_the_case_its_pattern_wants():
    upper = "^[{(]?[0-9A-F]{8}[-]?([0-9A-F]{4}[-]?){3}[0-9A-F]{12}[)}]?$"
    for seed in range(20):
        text = write_string({"format": "uuid", "pattern": upper}, "id", random.Random(seed))
        assert uuid.UUID(text) and text == text.upper() and len(text) == 36


def test_scalars_write_number_asks_for_the_random_source_only_to_draw() -> None:
    asked: list[str] = []

    def source() -> random.Random:
        asked.append("asked")
        return rng()

    fakes = Fakes(now=dt.datetime(2024, 7, 1, tzinfo=dt.UTC))
    assert write_number({"type": ["integer"]}, True, 0, source, False, fakes, "forks") == 0
    assert asked == []
    assert write_number({"type": ["number"]}, False, 0, source, False, fakes, "price") == 477.07
    assert asked == ["asked"]
