"""Strings and numbers written from one schema view.

A string is made for its name and format (`email` -> `home-page-466@example.com`), to match its
`pattern`, or from its name, and fitted to its lengths; a number is the `variant`-th one its bounds
and `multipleOf` admit, counted from 0 or the nearest admitted number (from a random one when
values are dynamic).
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import re
import uuid
from collections.abc import Callable
from fractions import Fraction
from functools import lru_cache
from itertools import islice

from specmock.schemas import patterns
from specmock.schemas.bounds import Bounds, multiple_ok, tidy, unit
from specmock.schemas.views import View, int_or

_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def write_string(view: View, label: str, rng: random.Random) -> str:
    """A string valid against `view` (a string schema), made for the value named `label`."""
    low = int_or(view.get("minLength"), 0)
    high = view.get("maxLength") if int_or(view.get("maxLength"), -1) >= 0 else None
    pattern = view.get("pattern")
    make = _FORMATS.get(str(view.get("format")))
    made = make(_slug(label), rng) if make else None
    # a format's value in its other letter cases too: `^[0-9A-F-]{36}$` beside `format: uuid`
    for text in (made, made.upper(), made.lower()) if made is not None else ():
        fits = low <= len(text) <= (len(text) if high is None else high)
        if fits and (not isinstance(pattern, str) or patterns.searches(pattern, text)):
            return text
    if isinstance(pattern, str):
        return patterns.matching(pattern, rng, min_length=low, max_length=high)
    text = f"{label}-{rng.randint(1, 999)}"[:high]
    return text + "x" * (low - len(text))


def write_number(
    view: View, integer: bool, variant: int, rng: random.Random, dynamic: bool
) -> int | float:
    """The `variant`-th number (an integer if `integer`) that `view` admits, as far as one exists;
    a dynamic first variant starts from a random number."""
    bounds = Bounds.of(view)
    step = view.get("multipleOf")
    spacing = unit(step, integer)
    start = bounds.nearest(bounds.draw(rng) if dynamic and variant == 0 else 0)
    if spacing is None:
        return tidy(bounds.spread(start, variant))
    if variant == 0 and step is None and type(start) is int and bounds.admits(start):
        return start  # what the walk below finds first, without its 128 Fractions
    base = round(Fraction(start) / spacing)
    reach = 64 + variant
    steps = (*range(base, base + reach), *range(base - 1, base - reach, -1))
    candidates = (tidy(k * spacing) for k in steps)
    admitted = (n for n in candidates if bounds.admits(n) and multiple_ok(n, step))
    found = list(islice(admitted, variant + 1))  # short when the range runs out: wrap round
    return found[variant % len(found)] if found else (round(start) if integer else start)


@lru_cache(maxsize=4096)
def _slug(label: str) -> str:
    """A property name as it may stand in a made-up address: `Full Name` -> `full-name`."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:40] or "value"


def _moment(rng: random.Random) -> dt.datetime:
    return _EPOCH + dt.timedelta(seconds=rng.randrange(366 * 86400))


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


_FORMATS: dict[str, Callable[[str, random.Random], str]] = {
    "date-time": lambda slug, rng: _moment(rng).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "date": lambda slug, rng: _moment(rng).strftime("%Y-%m-%d"),
    "time": lambda slug, rng: _moment(rng).strftime("%H:%M:%S"),
    "duration": lambda slug, rng: f"P{rng.randint(1, 30)}D",
    "uuid": lambda slug, rng: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    "email": lambda slug, rng: f"{slug}-{rng.randint(1, 999)}@example.com",
    "uri": lambda slug, rng: f"https://example.com/{slug}/{rng.randint(1, 999)}",
    "uri-reference": lambda slug, rng: f"/{slug}/{rng.randint(1, 999)}",
    "hostname": lambda slug, rng: f"{slug}-{rng.randint(1, 999)}.example.com",
    "ipv4": lambda slug, rng: f"192.0.2.{rng.randint(1, 254)}",
    "ipv6": lambda slug, rng: f"2001:db8::{rng.randint(1, 0xFFFF):x}",
    "byte": lambda slug, rng: _b64(f"{slug}-{rng.randint(1, 999)}"),
    "password": lambda slug, rng: f"secret-{rng.randint(1, 999)}",
    "regex": lambda slug, rng: "^[a-z]+$",
}
_FORMATS |= {
    alias: _FORMATS[original]
    for alias, original in {
        "idn-email": "email",
        "url": "uri",
        "iri": "uri",
        "iri-reference": "uri-reference",
        "json-pointer": "uri-reference",
        "idn-hostname": "hostname",
        "binary": "byte",
    }.items()
}
