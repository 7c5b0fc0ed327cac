"""Security requirements: is a credential of a declared scheme present (and, with tokens, right)?

Prism checks only that a credential is there; with `--token` we also check its value, so that
Schemathesis' `ignored_auth` check has something to catch. A requirement is met when every scheme
in it is met; an operation passes when any one of its requirements is met (OpenAPI's OR of ANDs).

Tokens are per kind of scheme (`bearer=T`, `basic=user:pw`, `apiKey=K`); a plain `T` is accepted
by every scheme. No credential value is ever written into a violation: violations reach the 401
body, the `X-Specmock-Violations` header, the journal and the logs.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from specmock.spec.refs import follow
from specmock.violations import Violation

#: The kinds a `--token` can name before `=`, lowercased, and how each is spelled.
TOKEN_KINDS = {"bearer": "bearer", "basic": "basic", "apikey": "apiKey"}


@dataclass(frozen=True, slots=True)
class Tokens:
    """The credential values accepted: `plain` by every scheme, `scoped` by one kind each
    (`bearer`: HTTP bearer, OAuth 2 and OpenID Connect; `basic`: `user:password`; `apiKey`)."""

    plain: frozenset[str] = frozenset()
    scoped: frozenset[tuple[str, str]] = frozenset()  # (kind, value)

    @classmethod
    def parse(cls, values: Iterable[str]) -> Tokens:
        """`bearer=T`, `basic=user:pw`, `apiKey=K` (kind in any case) or a plain `T`.

        A value whose text before `=` is not a kind is plain: `dG9rZW4=` stays one token.
        """
        plain: set[str] = set()
        scoped: set[tuple[str, str]] = set()
        for value in values:
            kind, value_of_kind = split_token(value)
            if kind is None:
                plain.add(value)
            else:
                scoped.add((kind, value_of_kind))
        return cls(frozenset(plain), frozenset(scoped))

    def __bool__(self) -> bool:
        return bool(self.plain or self.scoped)

    def of_kind(self, kind: str) -> list[str]:
        """The values a scheme of `kind` accepts: the plain ones and those of its kind."""
        return [*self.plain, *(value for named, value in self.scoped if named == kind)]


def split_token(text: str) -> tuple[str | None, str]:
    """`('bearer', 'T')` for `bearer=T`; `(None, text)` for a plain token."""
    word, equals, value = text.partition("=")
    kind = TOKEN_KINDS.get(word.strip().lower()) if equals else None
    return (kind, value) if kind is not None else (None, text)


@lru_cache(maxsize=32)
def _tokens_of(values: frozenset[str]) -> Tokens:
    # A pure function of `Config.tokens` (a frozenset, whose hash Python keeps), parsed once.
    return Tokens.parse(values)


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

    @property
    def token_kind(self) -> str:
        """The kind of `--token` this scheme accepts: `apiKey`, or its HTTP scheme word."""
        return "apiKey" if self.kind == "apiKey" else self.http_scheme

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

    def accepts(self, credential: str, tokens: Tokens) -> bool:
        """Whether a present credential passes; any value passes when no tokens are configured.
        Once some are, a scheme accepts the plain tokens and those of its kind, no others."""
        if not tokens or self.kind == "mutualTLS":
            return True
        accepted = tokens.of_kind(self.token_kind)
        if self.kind == "http" and self.http_scheme == "basic":
            return _one_of(_basic_pair(credential), accepted) or _one_of(credential, accepted)
        if _one_of(credential, accepted):
            return True
        if self.kind != "apiKey" or self.key.lower() != "authorization":
            return False
        # A key sent in Authorization often carries a scheme word ("AWS4-HMAC-SHA256 ...").
        word, _, after = credential.partition(" ")
        return bool(word) and " " not in after.strip() and _one_of(after.strip(), accepted)


@dataclass(frozen=True, slots=True)
class Requirements:
    """The security requirements of one operation (empty: anonymous access)."""

    alternatives: tuple[tuple[Scheme, ...], ...]

    @classmethod
    def for_operation(
        cls,
        document: Mapping[str, Any],
        operation: Mapping[str, Any],
        parameters: Iterable[Any] = (),
    ) -> Requirements:
        """The operation's requirements; where it declares none, a required `Authorization`
        header among its `parameters` is read as the credential it stands for (OpenAPI says such
        a parameter is ignored: it is how some specs write their security)."""
        declared = operation.get("security", document.get("security")) or []
        if not declared:
            implied = authorization_parameter(document, parameters)
            return cls(((implied,),) if implied is not None else ())
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

    def check(self, given: Credentials, tokens: frozenset[str] | Tokens) -> list[Violation]:
        """No violations when some requirement is met; else one per missing or wrong credential.

        `tokens` are `Config.tokens` (as `Tokens.parse` reads them) or already parsed.
        """
        if not self.alternatives:
            return []
        pool = tokens if isinstance(tokens, Tokens) else _tokens_of(tokens)
        found: list[Violation] = []
        for alternative in self.alternatives:
            problems = [p for s in alternative if (p := _problem(s, given, pool)) is not None]
            if not problems:
                return []
            found.extend(p for p in problems if p not in found)
        return found


def authorization_parameter(
    document: Mapping[str, Any], parameters: Iterable[Any]
) -> Scheme | None:
    """The scheme a required `Authorization` header parameter stands for: HTTP bearer or basic
    when its example, default or pattern starts with that word, else an API key in that header."""
    for parameter in parameters:
        parameter = follow(document, parameter)
        if not isinstance(parameter, Mapping) or not parameter.get("required"):
            continue
        if (
            parameter.get("in") != "header"
            or str(parameter.get("name", "")).lower() != "authorization"
        ):
            continue
        schema = follow(document, parameter.get("schema") or {})
        schema = schema if isinstance(schema, Mapping) else {}
        hints = (
            parameter.get("example"),
            schema.get("example"),
            schema.get("default"),
            schema.get("pattern"),
        )
        words = [_first_word(hint) for hint in hints if isinstance(hint, str)]
        name = "Authorization header parameter"
        for word in ("bearer", "basic"):
            if any(found == word for found in words):
                return Scheme.from_dict(name, {"type": "http", "scheme": word})
        return Scheme.from_dict(name, {"type": "apiKey", "in": "header", "name": "Authorization"})
    return None


def _first_word(hint: str) -> str:
    """`Bearer <token>` or `^Bearer\\s[\\w-]+$` -> `bearer`."""
    found = _WORD.match(hint)
    return found.group(1).lower() if found else ""


_WORD = re.compile(r"[\^(]*([A-Za-z]+)")


def _problem(scheme: Scheme, given: Credentials, tokens: Tokens) -> Violation | None:
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
            f"the credential sent is not accepted by security scheme {scheme.name!r} "
            "(credential values are never shown)",
        )
    return None


def _basic_pair(credential: str) -> str:
    try:
        return base64.b64decode(credential, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ""


def _one_of(credential: str, accepted: list[str]) -> bool:
    """Whether `credential` is one of `accepted`, each compared in constant time. An empty value
    matches nothing (an undecodable basic pair reads as '')."""
    sent = credential.encode("utf-8", "surrogateescape")
    found = False
    for value in accepted:
        found |= hmac.compare_digest(sent, value.encode("utf-8", "surrogateescape")) and bool(value)
    return found
