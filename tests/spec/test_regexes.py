"""Tests for specmock.spec.regexes: JSON Schema patterns read as ECMA-262, where Python's `re`
reads them otherwise (each verdict below is what a JavaScript engine answers with the `u` flag)."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.validators import extend  # type: ignore[import-untyped]

from specmock.spec import regexes


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        pytest.param(r"^\d+$", "\u0661\u0662\u0663", False, id="digits-are-ascii"),
        pytest.param(r"^\D$", "\u0663", True, id="not-digit-takes-other-digits"),
        pytest.param(r"^abc$", "abc\n", False, id="dollar-before-a-final-newline"),
        pytest.param(r"^\w+$", "h\u00e9llo", False, id="word-is-ascii"),
        pytest.param(r"^\s$", "\ufeff", True, id="bom-is-space"),
        pytest.param(r"^\s$", "\x1c", False, id="file-separator-is-no-space"),
        pytest.param(r"^(?<year>[0-9]{4})-\k<year>$", "2024-2024", True, id="named-group"),
        pytest.param(r"^\cJ$", "\n", True, id="control-escape"),
        pytest.param(r"^a[^]b$", "a\nb", True, id="class-of-everything"),
        pytest.param(r"^[]$", "x", False, id="class-of-nothing"),
        pytest.param(r"^\u{1F600}$", "\U0001f600", True, id="code-point-escape"),
        pytest.param(r"^.$", "\U0001f600", True, id="dot-takes-a-code-point"),
        pytest.param(r"^.$", "\u2028", False, id="dot-stops-at-line-separators"),
        pytest.param(r"(?<=a)b", "ab", True, id="lookbehind"),
        pytest.param(r"(?<=a)b", "cb", False, id="lookbehind-refuses"),
        pytest.param(r"^\p{Lu}", "\u00c9lan", True, id="unicode-property"),
        pytest.param(r"^\bé", "é", False, id="word-boundary-is-ascii"),
        pytest.param(r"^a\-b$", "a-b", True, id="web-grammar-escape"),
        pytest.param(r"^[\w-.]+$", "a.b", True, id="web-grammar-class"),
        pytest.param(r"^a\\Z$", "a\\Z", True, id="escaped-backslash-then-letter"),
        pytest.param(r"^1\{,2}\-$", "1{,2}-", True, id="escaped-brace-in-web-grammar"),
    ],
)
def test_regexes_search_as_ecma(pattern: str, text: str, expected: bool) -> None:
    assert regexes.searches(pattern, text) is expected


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        pytest.param(r"^a\Z", r"\Z is no escape in ECMA-262", id="python-end-anchor"),
        pytest.param(r"\Aabc", r"\A is no escape in ECMA-262", id="python-start-anchor"),
        pytest.param(
            r"1[0-9]{,2}-\-",
            "{,2} is no quantifier in ECMA-262 (write {0,2})",
            id="python-quantifier",
        ),
        pytest.param(r"(?P<n>a)", "Invalid group modifier", id="python-named-group"),
        pytest.param(r"(?i)abc", "Invalid group modifier", id="inline-flag"),
        pytest.param(r"^a++$", "Invalid atom character", id="possessive"),
        pytest.param("[", "Unbalanced bracket", id="unbalanced"),
        pytest.param("\ud83d", "it holds a lone surrogate", id="lone-surrogate"),
    ],
)
def test_regexes_a_pattern_that_is_not_ecma_is_named_and_not_compiled(
    pattern: str, problem: str
) -> None:
    assert regexes.compiled(pattern) is None
    assert regexes.problem(pattern) == problem
    assert regexes.searches(pattern, "abc") is None


def test_regexes_an_ecma_pattern_has_no_problem() -> None:
    assert regexes.problem(r"^(?<id>\p{L}+)$") is None


def test_regexes_a_lone_surrogate_in_the_text_is_read_as_a_replacement() -> None:
    assert regexes.searches(r"^a.$", "a\ud800") is True
    assert regexes.searches(r"^ab$", "a\ud800") is False


VALIDATOR = extend(Draft202012Validator, {"pattern": regexes.pattern_keyword})


@pytest.mark.parametrize(
    ("pattern", "value", "errors"),
    [
        pytest.param(r"^\d+$", "\u0661", ["'\u0661' does not match '^\\\\d+$'"], id="refuses"),
        pytest.param(r"^\d+$", "12", [], id="accepts"),
        pytest.param(r"^a\Z", "b", [], id="not-ecma-not-enforced"),
        pytest.param(r"^\d+$", 12, [], id="not-a-string"),
    ],
)
def test_regexes_pattern_keyword_reads_ecma(pattern: str, value: object, errors: list[str]) -> None:
    found = VALIDATOR({"pattern": pattern}).iter_errors(value)
    assert [error.message for error in found] == errors
    assert re.search(r"^\d+$", "\u0661")  # what jsonschema's own keyword would have accepted
