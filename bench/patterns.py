"""JSON Schema patterns: how often Python's `re` disagrees with ECMA-262, and what an ECMA-262
match costs specmock.

Prints, for a table of patterns whose ECMA-262 verdict (`u` flag) was taken from a JavaScript
engine: how many verdicts `specmock.spec.regexes` (regress) and Python's `re.search` get right.
Then microseconds per match of one IBAN-like pattern: regress called directly, through
`regexes.search`, Python's `re`, and specmock's compiled check of `{"type": "string", "pattern"}`
(jsonschema-rs calling the pattern back) beside jsonschema-rs's own pattern keyword.
`python bench/patterns.py`
"""

from __future__ import annotations

import re
import timeit
from collections.abc import Callable
from typing import Any

import jsonschema_rs

from specmock.spec import regexes
from specmock.validation.documents import request_compiler

# (pattern, text, the ECMA-262 verdict with the `u` flag: a match, none, or not a pattern)
TABLE: list[tuple[str, str, bool | None]] = [
    (r"^\d+$", "\u0661\u0662\u0663", False),
    (r"^abc$", "abc\n", False),
    (r"^\w+$", "h\u00e9llo", False),
    (r"^\s$", "\ufeff", True),
    (r"^\s$", "\x1c", False),
    (r"^(?<year>[0-9]{4})-\k<year>$", "2024-2024", True),
    (r"^\cJ$", "\n", True),
    (r"^a[^]b$", "a\nb", True),
    (r"^\u{1F600}$", "\U0001f600", True),
    (r"^.$", "\U0001f600", True),
    (r"^.$", "\u2028", False),
    (r"(?<=a)b", "ab", True),
    (r"^\p{L}+$", "h\u00e9llo", True),
    (r"^\bé", "é", False),
    (r"^a\Z", "a", None),
    (r"\Aabc", "abc", None),
    (r"(?P<n>a)", "a", None),
    (r"(?i)abc", "ABC", None),
    (r"^[^\d]$", "\u0663", True),
    (r"^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$", "DE44500105175407324931", True),
]
IBAN = r"^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$"
TEXT = "DE44500105175407324931"
COUNT = 100_000


def python_verdict(pattern: str, text: str) -> bool | None:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return None


def per_call(check: Callable[[], Any]) -> float:
    """Microseconds per call, after one call to warm it."""
    check()
    return timeit.timeit(check, number=COUNT) / COUNT * 1e6


def main() -> None:
    ecma = sum(regexes.searches(p, t) is expected for p, t, expected in TABLE)
    python = sum(python_verdict(p, t) is expected for p, t, expected in TABLE)
    print(f"verdicts right on {len(TABLE)} patterns (ECMA-262 with the u flag):")
    print(f"  {'specmock.spec.regexes (regress)':45} {ecma:4}")
    print(f"  {'Python re.search':45} {python:4}")
    regex = regexes.compiled(IBAN)
    assert regex is not None
    python_regex = re.compile(IBAN)
    schema = {"type": "string", "pattern": IBAN}
    compiled = request_compiler({"openapi": "3.0.3"}, legacy=True).check(schema)
    native = jsonschema_rs.Draft4Validator(schema)
    assert compiled is not None and compiled(TEXT) and native.is_valid(TEXT)
    rows: list[tuple[str, Callable[[], Any]]] = [
        ("regress Regex.find", lambda: regex.find(TEXT)),
        ("regexes.search", lambda: regexes.search(regex, TEXT)),
        ("Python re.search (compiled)", lambda: python_regex.search(TEXT)),
        ("specmock compiled check (pattern called back)", lambda: compiled(TEXT)),
        ("jsonschema-rs, its own pattern keyword", lambda: native.is_valid(TEXT)),
    ]
    print("one match of an IBAN-like pattern:")
    for label, check in rows:
        print(f"  {label:45} {per_call(check):8.2f} us")


if __name__ == "__main__":
    main()
