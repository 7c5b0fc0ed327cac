"""Strings that match a regular expression, for schemas with a `pattern`.

Patterns are ECMA-262 (`regexes`): every candidate is checked with an ECMA-262 search, and a few
candidates are tried before giving up. Candidates are written by walking the pattern's parse tree
as Python's own regex parser reads it, once ECMA-262's own spellings (named groups, `\\p{L}`,
`[^]`, `\\cJ`, `\\u{1F600}`) are written its way: literals, classes (ranges, negation, `\\d` `\\w`
`\\s`), repeats (unbounded ones capped), groups, back-references and alternation; a lookbehind
writes its text, anchors and other lookarounds write nothing. A pattern Python still cannot parse
gets candidates of letters and digits, which the check then sorts.
"""

from __future__ import annotations

import importlib
import random
import re
import string
from collections.abc import Callable, Sequence
from typing import Any

from specmock.spec import regexes

# The parser has no public name or type stubs; `sre_parse` is its deprecated alias.
_PARSER: Any = importlib.import_module("re._parser")

_ALPHABET = string.ascii_letters + string.digits + "_-. "
_REPEAT_SPREADS = (0, 1, 2, 4, 8, 16, 32, 64)
_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
}


def matching(
    pattern: str,
    rng: random.Random,
    *,
    min_length: int = 0,
    max_length: int | None = None,
    attempts: int = 32,
) -> str:
    """A string that `pattern` (ECMA-262) finds a match in, with a length within the bounds.

    Best effort: when no candidate fits the bounds, the first one that matches is returned; when
    none matches (or the pattern is not ECMA-262), a string of `min_length` letters.
    """
    regex = regexes.compiled(pattern)
    if regex is None:
        return "a" * min_length
    tree = _python_tree(pattern)
    fallback: str | None = None
    for attempt in range(attempts):
        spread = 3 if attempt == 0 else rng.choice(_REPEAT_SPREADS)
        text = _Writer(rng, spread).write(tree)
        if not regexes.search(regex, text):
            continue
        if min_length <= len(text) and (max_length is None or len(text) <= max_length):
            return text
        fallback = text if fallback is None else fallback
    return fallback if fallback is not None else "a" * min_length


def searches(pattern: str, text: str) -> bool:
    """Whether `pattern` (ECMA-262) finds a match in `text` (as `pattern` and `patternProperties`
    read it); False for a pattern that is not ECMA-262."""
    return regexes.searches(pattern, text) is True


# ECMA-262 spellings Python's parser does not read, and a Python spelling of what they match (or
# of a superset: the ECMA-262 check sorts the candidates). An escaped backslash is kept whole.
_SPELLINGS = re.compile(
    r"(?P<escaped>\\\\)|\(\?<(?P<group>(?![=!]))|\\k<(?P<reference>[^>]*)>"
    r"|\\[pP]\{[^}]*\}|(?P<everything>\[\^\])|\\u\{(?P<code>[0-9A-Fa-f]{1,6})\}"
    r"|\\c(?P<control>[A-Za-z])"
)


def _python_spelling(match: re.Match[str]) -> str:
    if match["escaped"] is not None:
        return match[0]
    if match["group"] is not None:
        return "(?P<"
    if match["reference"] is not None:
        return f"(?P={match['reference']})"
    if match["everything"] is not None:
        return r"[\s\S]"
    if match["code"] is not None:
        return re.escape(chr(min(int(match["code"], 16), 0x10FFFF)))
    if match["control"] is not None:
        return re.escape(chr(ord(match["control"]) % 32))
    return r"\w"  # a Unicode property: letters and digits, mostly


def _python_tree(pattern: str) -> Any:
    """The parse tree Python's parser makes of `pattern` spelled its way; for a pattern it still
    cannot parse, the tree of `[A-Za-z0-9]*` (a candidate the ECMA-262 check then sorts)."""
    try:
        return _PARSER.parse(_SPELLINGS.sub(_python_spelling, pattern))
    except (re.error, RecursionError, OverflowError):
        return _PARSER.parse("[A-Za-z0-9]*")


class _Writer:
    """One walk over a parse tree, remembering what each group wrote for back-references."""

    def __init__(self, rng: random.Random, spread: int) -> None:
        self._rng = rng
        self._spread = spread
        self._groups: dict[int, str] = {}

    def write(self, items: Sequence[tuple[Any, Any]]) -> str:
        return "".join(self._item(op.name, value) for op, value in items)

    def _item(self, name: str, value: Any) -> str:
        if name == "LITERAL":
            return chr(value)
        if name == "NOT_LITERAL":
            return self._pick(lambda char: char != chr(value))
        if name == "ANY":
            return self._pick(str.isalnum)
        if name == "IN":
            return self._class(value)
        if name == "BRANCH":
            return self.write(self._rng.choice(value[1]))
        if name == "SUBPATTERN":
            return self._group(value[0], value[3])
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            return self._repeat(*value)
        if name == "ATOMIC_GROUP":
            return self.write(value)
        if name == "GROUPREF":
            return self._groups.get(value, "")
        if name == "GROUPREF_EXISTS":
            group, yes, no = value
            return self.write(yes if group in self._groups else no or [])
        if name == "ASSERT":  # a lookbehind's text is written where it must stand before the rest
            direction, items = value
            return self.write(items) if direction < 0 else ""
        return ""  # anchors and other lookarounds constrain the text around them but write nothing

    def _group(self, group: int | None, items: Sequence[tuple[Any, Any]]) -> str:
        text = self.write(items)
        if group is not None:
            self._groups[group] = text
        return text

    def _repeat(self, low: int, high: int, items: Sequence[tuple[Any, Any]]) -> str:
        count = self._rng.randint(low, min(high, low + self._spread))
        return "".join(self.write(items) for _ in range(count))

    def _class(self, items: list[tuple[Any, Any]]) -> str:
        if items and items[0][0].name == "NEGATE":
            rest = items[1:]
            return self._pick(lambda char: not any(_in_item(char, op.name, v) for op, v in rest))
        op, value = self._rng.choice(items)
        if op.name == "LITERAL":
            return chr(value)
        if op.name == "RANGE":
            return chr(self._rng.randint(*value))
        return self._pick(lambda char: _in_item(char, op.name, value))

    def _pick(self, accepts: Callable[[str], bool]) -> str:
        choices = [char for char in _ALPHABET if accepts(char)]
        return self._rng.choice(choices) if choices else "~"


def _in_item(char: str, name: str, value: Any) -> bool:
    if name == "LITERAL":
        return char == chr(value)
    if name == "RANGE":
        low, high = value
        return bool(low <= ord(char) <= high)
    if name == "CATEGORY":
        expression = _CATEGORIES.get(value.name)
        return expression is not None and re.fullmatch(expression, char) is not None
    return False
