"""Which texts are numbers written in ASCII digits.

`str.isdigit()` is also true for `²` or `①`, which `int()` refuses: a path segment of those,
taken for an integer id, was a 500. Every id, index and status read from a client or a spec goes
through `is_digits` before `int`.
"""

from __future__ import annotations


def is_digits(text: str) -> bool:
    """Whether `text` is one or more of `0`-`9` (so `int(text)` reads it)."""
    return text.isascii() and text.isdigit()
