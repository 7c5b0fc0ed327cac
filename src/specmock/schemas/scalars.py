"""Strings and numbers written from one schema view.

A string is first what its name and format suggest (`fakes`: `email` -> `kim23@example.org`,
`city` -> `Lake Susan`) where that fits its lengths and pattern; else one made for its format, to
match its `pattern`, or from its name, fitted to its lengths. A number is first what its name
suggests (`price`, `age`) where its bounds admit it; else the `variant`-th one its bounds and
`multipleOf` admit, counted from 0 or the nearest admitted number (from a random one when values
are dynamic). Numbers stay within JavaScript's exact integers unless the bounds ask for more.
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
from specmock.schemas.fakes import Fakes
from specmock.schemas.views import View, int_or

_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
# Fakes tried per kind before the next kind (or plain generation) is tried.
_FAKE_TRIES = 3


def write_string(
    view: View, label: str, rng: random.Random, fakes: Fakes | None = None, variant: int = 0
) -> str:
    """A string valid against `view` (a string schema), made for the value named `label`;
    with `fakes`, one that looks like what the name and format call for where one fits."""
    low = int_or(view.get("minLength"), 0)
    high = view.get("maxLength") if int_or(view.get("maxLength"), -1) >= 0 else None
    pattern = view.get("pattern")
    if fakes is not None:
        for kind in fakes.kinds(label, "string", str(view.get("format") or "")):
            for _ in range(_FAKE_TRIES):
                text = fakes.string(kind, rng)
                fits = text is not None and low <= len(text) <= (
                    high if high is not None else len(text)
                )
                if fits and (not isinstance(pattern, str) or patterns.searches(pattern, str(text))):
                    return str(text)
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
    view: View,
    integer: bool,
    variant: int,
    source: Callable[[], random.Random],
    dynamic: bool,
    fakes: Fakes | None = None,
    label: str = "",
) -> int | float:
    """The `variant`-th number (an integer if `integer`) that `view` admits, as far as one exists;
    a dynamic first variant starts from a random number. With `fakes`, the first variant is what
    the name `label` calls for (a price, an age) where the bounds admit it. `source` gives the
    random source, asked only for a number drawn (most are counted, and the same for any seed)."""
    bounds = Bounds.of(view).safe()
    step = view.get("multipleOf")
    if fakes is not None and variant == 0:
        for kind in fakes.kinds(label, "integer" if integer else "number", ""):
            for _ in range(_FAKE_TRIES):
                made = fakes.number(kind, source(), integer)
                if made is not None and bounds.admits(made) and multiple_ok(made, step):
                    return made
    spacing = unit(step, integer)
    own = Bounds.of(view, formats=False).safe()  # a format's range is no range to draw from
    start = bounds.nearest(own.draw(source()) if dynamic and variant == 0 else 0)
    if spacing is None:
        return tidy(bounds.nearest(own.spread(start, variant)))
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
