"""Security requirements: is a credential of a declared scheme present (and, with tokens, right)?

Prism checks only that a credential is there; with `--token` we also check its value, so that
Schemathesis' `ignored_auth` check has something to catch. A requirement is met when every scheme
in it is met; an operation passes when any one of its requirements is met (OpenAPI's OR of ANDs).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specmock.violations import Violation


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a request carries that security schemes look at."""

    headers: Mapping[str, str]
    query: Mapping[str, str]
    cookies: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Scheme:
    """One security scheme of a document, reduced to where its credential is and how it reads."""

    name: str
    kind: str  # "http", "apiKey", "oauth2", "openIdConnect", "mutualTLS"
    location: str  # "header", "query", "cookie"
    key: str  # the header, query or cookie name
    http_scheme: str  # "bearer", "basic", ... for kind "http"; "bearer" for oauth2/openIdConnect

    @classmethod
    def from_dict(cls, name: str, spec: Mapping[str, Any]) -> Scheme:
        kind = str(spec.get("type", ""))
        if kind == "apiKey":
            return cls(name, kind, str(spec.get("in", "header")), str(spec.get("name", "")), "")
        scheme = str(spec.get("scheme", "bearer")).lower() if kind == "http" else "bearer"
        return cls(name, kind, "header", "Authorization", scheme)

    @property
    def challenge(self) -> str:
        """A WWW-Authenticate challenge for this scheme."""
        if self.kind == "apiKey":
            return f'ApiKey realm="specmock", {self.location}="{self.key}"'
        return f'{self.http_scheme.capitalize()} realm="specmock"'

    @property
    def expects(self) -> str:
        if self.kind == "apiKey":
            return f"an API key in {self.location} {self.key!r}"
        if self.kind == "mutualTLS":
            return "a client certificate"
        return f"'{self.key}: {self.http_scheme.capitalize()} <credentials>'"

    def credential(self, given: Credentials) -> str | None:
        """The credential this scheme reads from a request, or None when absent."""
        if self.kind == "mutualTLS":
            return ""
        source = {"header": given.headers, "query": given.query, "cookie": given.cookies}
        raw = source.get(self.location, {}).get(
            self.key.lower() if self.location == "header" else self.key
        )
        if not raw:
            return None
        if self.kind == "apiKey":
            return raw
        word, _, rest = raw.partition(" ")
        if word.lower() != self.http_scheme or not rest.strip():
            return None
        return rest.strip()

    def accepts(self, credential: str, tokens: frozenset[str]) -> bool:
        """Whether a present credential passes; any value passes when no tokens are configured."""
        if not tokens or self.kind == "mutualTLS":
            return True
        if self.kind == "http" and self.http_scheme == "basic":
            return _basic_pair(credential) in tokens or credential in tokens
        if credential in tokens:
            return True
        if self.kind != "apiKey" or self.key.lower() != "authorization":
            return False
        # A key sent in Authorization often carries a scheme word ("AWS4-HMAC-SHA256 ...").
        word, _, after = credential.partition(" ")
        return bool(word) and " " not in after.strip() and after.strip() in tokens


@dataclass(frozen=True, slots=True)
class Requirements:
    """The security requirements of one operation (empty: anonymous access)."""

    alternatives: tuple[tuple[Scheme, ...], ...]

    @classmethod
    def for_operation(
        cls, document: Mapping[str, Any], operation: Mapping[str, Any]
    ) -> Requirements:
        declared = operation.get("security", document.get("security")) or []
        schemes = (document.get("components") or {}).get("securitySchemes") or {}
        alternatives: list[tuple[Scheme, ...]] = []
        for requirement in declared:
            if not requirement:
                return cls(())  # {} means "no credential needed" is one of the options
            alternatives.append(
                tuple(Scheme.from_dict(name, schemes.get(name) or {}) for name in requirement)
            )
        return cls(tuple(alternatives))

    @property
    def challenges(self) -> list[str]:
        seen: dict[str, None] = {}
        for alternative in self.alternatives:
            for scheme in alternative:
                seen.setdefault(scheme.challenge)
        return list(seen)

    def check(self, given: Credentials, tokens: frozenset[str]) -> list[Violation]:
        """No violations when some requirement is met; else one per missing or wrong credential."""
        if not self.alternatives:
            return []
        found: list[Violation] = []
        for alternative in self.alternatives:
            problems = [p for s in alternative if (p := _problem(s, given, tokens)) is not None]
            if not problems:
                return []
            found.extend(p for p in problems if p not in found)
        return found


def _problem(scheme: Scheme, given: Credentials, tokens: frozenset[str]) -> Violation | None:
    credential = scheme.credential(given)
    if credential is None:
        return Violation(
            scheme.location,
            scheme.key,
            f"missing credential for security scheme {scheme.name!r}: expected {scheme.expects}",
        )
    if not scheme.accepts(credential, tokens):
        return Violation(
            scheme.location,
            scheme.key,
            f"credential {_masked(credential)!r} is not accepted by "
            f"security scheme {scheme.name!r}",
        )
    return None


def _basic_pair(credential: str) -> str:
    try:
        return base64.b64decode(credential, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ""


def _masked(credential: str) -> str:
    return credential if len(credential) <= 8 else credential[:4] + "…"
