"""Content negotiation: does a request's `Content-Type` fit, which response type fits `Accept`.

Media ranges follow RFC 9110: `*/*`, `type/*`, parameters ignored when matching, `q=0` excludes.
Structured-syntax suffixes count: `application/problem+json` is acceptable where JSON is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from specmock.problems import Problem
from specmock.violations import Violation

FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True, slots=True)
class MediaRange:
    kind: str
    subtype: str
    quality: float

    @classmethod
    def parse(cls, text: str) -> MediaRange | None:
        essence, *params = (part.strip() for part in text.split(";"))
        kind, slash, subtype = essence.lower().partition("/")
        if not slash or not kind or not subtype:
            return None
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        return cls(kind, subtype, quality)

    def covers(self, media_type: str, suffixes: bool = True) -> bool:
        """Whether this range admits a media type (`application/json` admits `+json` types,
        unless `suffixes` is off)."""
        kind, _, subtype = essence(media_type).partition("/")
        if self.kind == "*":
            return True
        if self.kind != kind:
            return False
        return self.subtype in ("*", subtype) or (suffixes and _suffix(subtype) == self.subtype)


# Header parameters OpenAPI says are ignored: `Accept` and `Content-Type` are negotiation's, and
# `Authorization` the security requirement's (see `security.authorization_parameter`).
IGNORED_HEADER_PARAMETERS = frozenset({"accept", "content-type", "authorization"})


def is_ignored_header(parameter: Any) -> bool:
    """Whether a (resolved) parameter is a header OpenAPI says is ignored."""
    return (
        isinstance(parameter, dict)
        and parameter.get("in") == "header"
        and str(parameter.get("name", "")).lower() in IGNORED_HEADER_PARAMETERS
    )


def essence(media_type: str) -> str:
    """`Application/JSON; charset=utf-8` -> `application/json`."""
    return media_type.split(";", 1)[0].strip().lower()


def _normal(media_type: str) -> str:
    """`Application/JSON; Version=2` -> `application/json;version=2`."""
    return ";".join(part.strip() for part in media_type.lower().split(";"))


def _suffix(subtype: str) -> str:
    return subtype.rsplit("+", 1)[1] if "+" in subtype else ""


_ANY = MediaRange("*", "*", 1.0)  # no Accept, or none readable: anything goes


def is_json(media_type: str) -> bool:
    kind = essence(media_type)
    return kind == "application/json" or kind.endswith("+json") or kind == "*/*"


def is_xml(media_type: str) -> bool:
    """`application/xml`, `text/xml` and `+xml` types (`application/atom+xml`)."""
    if "xml" not in media_type.lower():
        return False  # asked of every JSON request and answer: the common answer at once
    subtype = essence(media_type).partition("/")[2]
    return subtype == "xml" or subtype.endswith("+xml")


def documented_type(content_type: str, documented: Iterable[str]) -> str | None:
    """The documented request media type (maybe a range like `*/*`) that a body's type matches:
    the one written exactly so (parameters too: `application/json;version=2`) first."""
    documented = list(documented)
    exact = _normal(content_type)
    for media in documented:
        if _normal(media) == exact:
            return media
    given = essence(content_type)
    covering = None
    for media in documented:
        declared = MediaRange.parse(media)
        if essence(media) == given:
            return media
        if covering is None and declared is not None and declared.covers(given, suffixes=False):
            covering = media
    return covering


def acceptable(accept: str | None, offered: Iterable[str]) -> str | None:
    """The offered media type the `Accept` header admits with the best quality; among equals,
    JSON first (a browser's `*/*` gets JSON where a spec lists XML first), then the spec's order."""
    offered = list(offered)
    ranges = [r for r in (MediaRange.parse(p) for p in (accept or "").split(",")) if r is not None]
    if not ranges:
        ranges = [_ANY]
    best: tuple[float, bool, int, str] | None = None
    for index, media in enumerate(offered):
        quality = max((r.quality for r in ranges if r.covers(media) or _wild(media, r)), default=0)
        key = (quality, _is_concrete_json(media), -index, media)
        if quality > 0 and (best is None or key[:3] > best[:3]):
            best = key
    return best[3] if best else None


def _is_concrete_json(media_type: str) -> bool:
    return is_json(media_type) and essence(media_type) != "*/*"


def _wild(offered: str, wanted: MediaRange) -> bool:
    """An offered range (`*/*`, `text/*`) satisfies any concrete type within it."""
    declared = MediaRange.parse(offered)
    return (
        declared is not None
        and "*" in (declared.kind, declared.subtype)
        and declared.covers(f"{wanted.kind}/{wanted.subtype}", suffixes=False)
    )


def choose(accept: str | None, content: Mapping[str, Any]) -> str | Problem:
    """The documented media type an answer is written in for `Accept`, or the 406 problem."""
    chosen = acceptable(accept, content)
    return chosen if chosen is not None else not_acceptable(accept, content)


def not_acceptable(accept: str | None, content: Mapping[str, Any]) -> Problem:
    """The 406 problem for an `Accept` that admits none of the documented media types."""
    return Problem(
        406,
        f"Accept {accept!r} admits none of the documented types: {', '.join(content)}",
        (Violation("header", "Accept", f"{accept!r} is not acceptable"),),
    )


def unterminated_multipart(content_type: str, body: bytes | None) -> str | None:
    """Why a multipart body is cut short (no closing `--boundary--` delimiter), or None; Python's
    reader takes such a body as it is, but RFC 2046 ends every multipart body with one."""
    if not body or not essence(content_type).startswith("multipart/"):
        return None
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "boundary":
            boundary = value.strip().strip('"')
            closing = f"--{boundary}--"
            if boundary and closing.encode("latin-1", "replace") not in body:
                return f"the multipart body never ends: no closing {closing!r} delimiter"
    return None
