"""The numbers a schema admits: its range (bounds, exclusive ones, integer formats) and its
multiples, worked out exactly (fractions, least common multiples) so that a number chosen here
passes jsonschema's own float checks."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

# The integer formats OpenAPI adds, as the ranges they allow.
FORMAT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
# The integers JavaScript holds exactly (Number.MAX_SAFE_INTEGER): what a made-up number keeps to.
SAFE_INTEGER = 2**53 - 1


@dataclass(frozen=True, slots=True)
class Bounds:
    """The range a number must fall in; an open end excludes its own value."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    @classmethod
    def of(cls, view: Mapping[str, Any], formats: bool = True) -> Bounds:
        """The range of a schema view: its bounds (exclusive ones as numbers) and, with
        `formats`, its format's range."""
        limits = FORMAT_RANGES.get(str(view.get("format"))) if formats else None
        lows: list[tuple[float, bool]] = [(limits[0], False)] if limits else []
        highs: list[tuple[float, bool]] = [(limits[1], False)] if limits else []
        for key, edges, is_open in (
            ("minimum", lows, False),
            ("exclusiveMinimum", lows, True),
            ("maximum", highs, False),
            ("exclusiveMaximum", highs, True),
        ):
            if is_number(view.get(key)):
                edges.append((view[key], is_open))
        low, low_open = max(lows, default=(None, False))
        high, high_open = min(highs, key=lambda edge: (edge[0], not edge[1]), default=(None, False))
        return cls(low, high, low_open, high_open)

    def safe(self) -> Bounds:
        """This range within JavaScript's exact integers, unless it lies wholly outside them."""
        if (self.low is not None and self.low > SAFE_INTEGER) or (
            self.high is not None and self.high < -SAFE_INTEGER
        ):
            return self
        low = max(self.low, -SAFE_INTEGER) if self.low is not None else None
        high = min(self.high, SAFE_INTEGER) if self.high is not None else None
        low_open = self.low_open and low == self.low
        high_open = self.high_open and high == self.high
        return Bounds(low, high, low_open, high_open)

    def admits(self, value: float) -> bool:
        """Whether `value` lies in the range."""
        above = self.low is None or value > self.low or (value == self.low and not self.low_open)
        below = (
            self.high is None or value < self.high or (value == self.high and not self.high_open)
        )
        return above and below

    def nearest(self, value: float) -> float:
        """`value` if admitted, else an admitted number close to it (when there is one)."""
        if self.admits(value):
            return value
        if self.low is not None and value <= self.low:
            return self.low if not self.low_open else self._inside(self.low, self.high, 1)
        if self.high is not None:
            return self.high if not self.high_open else self._inside(self.high, self.low, -1)
        return value

    def spread(self, start: float, variant: int) -> float:
        """The `variant`-th of a row of admitted numbers beginning at `start`."""
        if variant == 0:
            return start
        if self.low is not None and self.high is not None:  # golden-ratio steps fill the range
            return self.low + (self.high - self.low) * ((variant * 0.618034) % 1)
        return self.nearest(start + variant * (1.5 if self.high is None else -1.5))

    def draw(self, rng: random.Random) -> float:
        """A random number near the range (within it when both ends are given)."""
        default_low = 0 if self.high is None else self.high - 100
        low = self.low if self.low is not None else default_low
        high = self.high if self.high is not None else low + 100
        return round(rng.uniform(low, high), 2)

    @staticmethod
    def _inside(edge: float, other: float | None, direction: int) -> float:
        return edge + direction if other is None else (edge + other) / 2


def lcm(first: Any, second: Any) -> Any:
    """The least common multiple of two `multipleOf` values, fractions included (0.5, 0.75 ->
    1.5): a number is a multiple of both exactly when it is a multiple of this."""
    one, other = Fraction(str(first)), Fraction(str(second))
    numerator = math.lcm(one.numerator, other.numerator)
    common = Fraction(numerator, math.gcd(one.denominator, other.denominator))
    return common.numerator if common.denominator == 1 else float(common)


def unit(step: Any, integer: bool) -> Fraction | None:
    """The spacing of the allowed values: None for any number, 1 for any integer."""
    if not is_number(step) or step <= 0:
        return Fraction(1) if integer else None
    spacing = Fraction(str(step))
    return Fraction(spacing.numerator) if integer else spacing


def multiple_ok(value: float, step: Any) -> bool:
    """jsonschema's own multipleOf test, whose float division the chosen value has to survive."""
    if not is_number(step):
        return True
    if isinstance(step, float):
        quotient = value / step
        try:
            return int(quotient) == quotient
        except OverflowError:
            return False
    return bool(value % step == 0)


def tidy(value: Fraction | float) -> int | float:
    """Whole numbers as ints (JSON `3`, not `3.0`), the rest as floats."""
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def is_number(value: Any) -> bool:
    """Whether `value` is a JSON number (a bool is not one)."""
    return isinstance(value, int | float) and not isinstance(value, bool)
