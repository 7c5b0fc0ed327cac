"""Tests for specmock.schemas.patterns: strings are checked with an ECMA-262 search, as JSON
Schema reads `pattern`."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specmock.schemas.patterns import matching, searches


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        pytest.param(r"^abc$", "abc", id="literal"),
        pytest.param(r"^[A-Z]{3}-\d{4}$", "DAQ-7206", id="class-and-digits"),
        pytest.param(r"^\w+@\w+\.com$", "h0YG@Cj.com", id="words"),
        pytest.param(r"^\s\S$", " r", id="spaces"),
        pytest.param(r"^[^a-z0-9]{2}$", "GD", id="negated-class"),
        pytest.param(r"^(foo|bar)\1$", "barbar", id="alternation-and-backreference"),
        pytest.param(r"^(?<x>a|b)\k<x>$", "bb", id="named-group"),
        pytest.param(r"^a*?b+?$", "aaabb", id="lazy-repeats"),
        pytest.param(r"^.{2,4}$", "mhL", id="any"),
        pytest.param(r"^(?:x|y){0}z$", "z", id="zero-repeat"),
        pytest.param(r"\bword\b", "word", id="boundaries"),
        pytest.param(r"^[^\d\s]$", "D", id="negated-categories"),
    ],
)
def test_patterns_exact_strings(pattern: str, expected: str) -> None:
    text = matching(pattern, random.Random("pets/1"))
    assert text == expected
    assert searches(pattern, text)


@pytest.mark.parametrize(
    ("pattern", "low", "high"),
    [
        pytest.param(r"^[a-z]+$", 20, None, id="long"),
        pytest.param(r"^[a-z]*$", 0, 0, id="empty"),
        pytest.param(r"^\d{2,10}$", 9, 10, id="narrow"),
    ],
)
def test_patterns_meet_length_bounds(pattern: str, low: int, high: int | None) -> None:
    text = matching(pattern, random.Random(1), min_length=low, max_length=high)
    assert searches(pattern, text)
    assert low <= len(text) <= (len(text) if high is None else high)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        pytest.param(r"[", "aaa", id="does-not-compile"),
        pytest.param(r"^(a)?(?(1)b|c)$", "aaa", id="python-only"),
        pytest.param(r"^(?!x)x$", "aaa", id="unsatisfiable"),
    ],
)
def test_patterns_give_up_quietly(pattern: str, expected: str) -> None:
    assert matching(pattern, random.Random(1), min_length=3) == expected


def test_patterns_a_lookahead_is_met_by_trying_again() -> None:
    pattern = r"^(?=.*\d)[a-z\d]{4}$"
    assert searches(pattern, matching(pattern, random.Random(1)))


ATOMS = st.sampled_from(
    ["a", "Z", r"\d", r"\w", r"\s", ".", "[a-f]", "[^a-f]", r"[\d_]", r"\.", "-", "[xyz0-3]"]
)


def _repeated(atom: str, bounds: tuple[int, int | None], lazy: bool) -> str:
    low, high = bounds
    return f"{atom}{{{low},{'' if high is None else high}}}{'?' if lazy else ''}"


REPEATS = st.tuples(st.integers(0, 3), st.none() | st.integers(3, 5))
PIECES = st.recursive(
    ATOMS,
    lambda inner: st.one_of(
        st.builds(_repeated, inner.map(lambda p: f"(?:{p})"), REPEATS, st.booleans()),
        st.lists(inner, min_size=1, max_size=3).map("".join),
        st.lists(inner, min_size=2, max_size=3).map(lambda ps: f"({'|'.join(ps)})"),
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(PIECES, st.booleans(), st.integers(0, 2**32))
def test_patterns_generated_strings_match(piece: str, anchored: bool, seed: int) -> None:
    pattern = f"^{piece}$" if anchored else piece
    assert searches(pattern, matching(pattern, random.Random(seed)))


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(r"^(?<year>[0-9]{4})-\k<year>$", id="named-group"),
        pytest.param(r"^\p{L}{3}$", id="unicode-property"),
        pytest.param(r"^a[^]b$", id="any-character-class"),
        pytest.param(r"^\cJ$", id="control-escape"),
        pytest.param(r"^\u{1F600}$", id="code-point-escape"),
        pytest.param(r"^(?<=a)b|(?<=c)d$", id="lookbehind"),
        pytest.param(r"^x\\p{L}$", id="escaped-backslash"),
    ],
)
def test_patterns_ecma_only_spellings_are_written(pattern: str) -> None:
    text = matching(pattern, random.Random(1))
    assert searches(pattern, text), text


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        pytest.param(r"^\d+$", "\u0661\u0662", False, id="digits-are-ascii"),
        pytest.param(r"^\w+$", "h\u00e9llo", False, id="word-is-ascii"),
        pytest.param(r"^abc$", "abc\n", False, id="dollar-is-the-end"),
        pytest.param(r"^\s$", "\ufeff", True, id="bom-is-space"),
        pytest.param(r"^.$", "\U0001f600", True, id="dot-takes-a-code-point"),
        pytest.param(r"^a\-b$", "a-b", True, id="web-grammar-escape"),
        pytest.param(r"^a\Z", "a", False, id="python-anchor-is-no-pattern"),
        pytest.param(r"[", "a", False, id="broken"),
    ],
)
def test_patterns_searches_as_ecma(pattern: str, text: str, expected: bool) -> None:
    assert searches(pattern, text) is expected
