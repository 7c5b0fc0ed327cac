from fractions import Fraction

import pytest

from specmock.schemas.bounds import Bounds, is_number, lcm, multiple_ok, tidy, unit


def test_bounds_of_reads_bounds_exclusive_bounds_and_formats():
    view = {"format": "int32", "minimum": -5, "exclusiveMaximum": 10}
    assert Bounds.of(view) == Bounds(low=-5, high=10, low_open=False, high_open=True)
    assert Bounds.of({"format": "int32"}) == Bounds(low=-(2**31), high=2**31 - 1)
    assert Bounds.of({"minimum": True}) == Bounds()  # a bool is no number


def test_bounds_of_keeps_the_tighter_edge():
    view = {"minimum": 3, "exclusiveMinimum": 3, "maximum": 7, "exclusiveMaximum": 8}
    assert Bounds.of(view) == Bounds(low=3, high=7, low_open=True, high_open=False)


@pytest.mark.parametrize(
    ("bounds", "value", "admitted"),
    [
        pytest.param(Bounds(0, 10), 0, True, id="closed-low"),
        pytest.param(Bounds(0, 10, low_open=True), 0, False, id="open-low"),
        pytest.param(Bounds(0, 10, high_open=True), 10, False, id="open-high"),
        pytest.param(Bounds(), -1e300, True, id="unbounded"),
    ],
)
def test_bounds_admits(bounds, value, admitted):
    assert bounds.admits(value) is admitted


@pytest.mark.parametrize(
    ("bounds", "value", "nearest"),
    [
        pytest.param(Bounds(0, 10), 4, 4, id="inside"),
        pytest.param(Bounds(0, 10), -3, 0, id="below-closed"),
        pytest.param(Bounds(0, 10, low_open=True), -3, 5.0, id="below-open-between"),
        pytest.param(Bounds(0, None, low_open=True), -3, 1, id="below-open-unbounded"),
        pytest.param(Bounds(None, 10, high_open=True), 20, 9, id="above-open"),
    ],
)
def test_bounds_nearest(bounds, value, nearest):
    assert bounds.nearest(value) == nearest


@pytest.mark.parametrize(
    ("first", "second", "common"),
    [
        pytest.param(4, 6, 12, id="integers"),
        pytest.param(0.5, 0.75, 1.5, id="fractions"),
        pytest.param(0.1, 3, 3, id="mixed"),
    ],
)
def test_bounds_lcm(first, second, common):
    assert lcm(first, second) == common


def test_bounds_multiple_ok_is_jsonschemas_float_test():
    assert multiple_ok(9, 3) is True
    assert multiple_ok(0.5, 0.1) is True
    assert multiple_ok(0.3, 0.1) is False  # 0.3 / 0.1 is 2.9999999999999996
    assert multiple_ok(7, None) is True


def test_bounds_unit_and_tidy():
    assert unit(0.5, integer=False) == Fraction(1, 2)
    assert unit(1.5, integer=True) == 3
    assert unit(None, integer=False) is None
    assert unit(-2, integer=True) == 1
    assert tidy(3.0) == 3 and isinstance(tidy(3.0), int)
    assert tidy(Fraction(3, 2)) == 1.5
    assert tidy(2.0**60) == 2.0**60 and isinstance(tidy(2.0**60), float)


def test_bounds_is_number_excludes_bools():
    assert is_number(1) and is_number(1.5)
    assert not is_number(True) and not is_number("1")
