"""JSON Schema patterns read as ECMA-262 regular expressions, the dialect JSON Schema names.

Python's `re` reads many patterns differently (`\\d` and `\\w` take any Unicode digit or letter,
`$` matches before a final newline, `\\Z` is an anchor) and refuses others outright (`(?<name>...)`,
`\\p{L}`, `[^]`, `\\cJ`, `\\u{1F600}`). Patterns are compiled here with `regress` (Rust's regress
engine, the one openapi-schema-validator itself picks when it is installed), first with the `u`
flag (as the JSON Schema test suite and most validators read them), then, for a pattern only the
web-compatible grammar accepts (`\\-` or `\\_` outside a class), without it. That grammar also
reads an unknown letter escape as the letter (`\\Z` as "Z", where Python and PCRE mean the end of
the text) and `{,2}` as those four characters (Python's "at most two"), so a pattern with either
is not read that way: it is another dialect's. A pattern neither
reading accepts has no `Regex`: callers leave it unenforced, and the structural checks warn.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

import regress
from jsonschema import ValidationError  # type: ignore[import-untyped]

# An escape of a letter that means nothing in ECMA-262 (`\\Z`, `\\A`, `\\h`, `\\z`), or a
# quantifier with no lower bound (`{,2}`): found from the start, so that an escaped backslash
# (`\\\\Z`) or brace (`\\{,2}`) is not one.
_ESCAPE = re.compile(r"\\(.)|(\{,[0-9]+\})", re.DOTALL)
_ECMA_LETTERS = frozenset("bBdDfknpPrsStuvwWxc")

# Distinct patterns kept compiled: more than a large real spec holds, so only a caller making
# patterns up ever evicts one.
_KEPT = 4096


@functools.lru_cache(maxsize=_KEPT)
def compiled(pattern: str) -> regress.Regex | None:
    """`pattern` as an ECMA-262 regular expression, or None when it is not one."""
    for flags in ("u", None):
        if flags is None and _foreign(pattern):
            break
        try:
            return regress.Regex(pattern, flags)
        except (regress.RegressError, UnicodeError):
            continue
    return None


def problem(pattern: str) -> str | None:
    """Why `pattern` is not an ECMA-262 regular expression (None when it is one)."""
    if compiled(pattern) is not None:
        return None
    foreign = _foreign(pattern)
    if foreign is not None:
        return foreign
    try:
        regress.Regex(pattern, "u")
    except regress.RegressError as error:
        return str(error) or "it does not parse"
    except UnicodeError:
        return "it holds a lone surrogate"
    return None  # pragma: no cover - compiled() would have kept it


def search(regex: regress.Regex, text: str) -> bool:
    """Whether `regex` matches anywhere in `text` (as JSON Schema's `pattern` asks)."""
    try:
        return regex.find(text) is not None
    except UnicodeError:  # a lone surrogate, which the engine cannot take: read it as U+FFFD
        return regex.find("".join(_unpaired(char) for char in text)) is not None


def searches(pattern: str, text: str) -> bool | None:
    """Whether `pattern` matches anywhere in `text`; None when `pattern` is not ECMA-262."""
    regex = compiled(pattern)
    return None if regex is None else search(regex, text)


def pattern_keyword(validator: Any, pattern: Any, instance: Any, schema: Any) -> Iterator[Any]:
    """`pattern` as a jsonschema keyword reading it as ECMA-262 (jsonschema's own reads it as
    Python's `re`, openapi-schema-validator's without the `u` flag and refusing every value for a
    pattern it cannot compile): a pattern that is not ECMA-262 is not enforced."""
    string = validator.is_type(instance, "string") and isinstance(pattern, str)
    if string and searches(pattern, instance) is False:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _foreign(pattern: str) -> str | None:
    """What in `pattern` is another dialect's (see the module doc), said in a sentence."""
    for escaped, quantifier in _ESCAPE.findall(pattern):
        if quantifier:
            return f"{quantifier} is no quantifier in ECMA-262 (write {{0{quantifier[1:]})"
        if escaped.isascii() and escaped.isalpha() and escaped not in _ECMA_LETTERS:
            return f"\\{escaped} is no escape in ECMA-262"
    return None


def _unpaired(char: str) -> str:
    return "\ufffd" if 0xD800 <= ord(char) <= 0xDFFF else char
