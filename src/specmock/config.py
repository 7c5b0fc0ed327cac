"""`Config`: everything a server is started with, as one frozen value."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

# Large enough that a body breaking a documented maxLength (up to 400 KB in the Amazon spec, each
# character escaped in up to 12 bytes) is judged by its schema; API Gateway also stops at 10 MB.
DEFAULT_MAX_BODY = 10 * 1024 * 1024
# Test cases per operation and phase in a contract run (`specmock fuzz` and `verify`).
DEFAULT_MAX_EXAMPLES = 50
# Seconds a session is idle before it may make room for a new one, past the cap of sessions.
DEFAULT_SESSION_TTL = 30 * 60.0
# Seconds a client may send nothing in the middle of a body before it is answered 408.
DEFAULT_BODY_TIMEOUT = 10.0
# Seconds open connections get to finish at shutdown before they are closed.
DEFAULT_SHUTDOWN_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class Config:
    """Options of `create_app` and `specmock serve`.

    `specs` is a folder of specs or one spec file. `prefix` mounts each API under `/{name}`.
    `tokens`, when given, are the only credential values accepted: `bearer=T`, `basic=user:pw`
    or `apiKey=K` for one kind of security scheme, a plain `T` for every kind (a bearer token, an
    API key, or `user:password` for basic auth). `state_file` keeps the stored records across
    restarts. `max_body` bounds stub and admin bodies alike.
    `allow_ref_dirs` are folders outside `specs` whose files a `$ref` may read (by default a `$ref`
    reads only inside `specs`, or inside the folder of the one spec file).
    `session_ttl`, `body_timeout` and `shutdown_timeout` are in seconds.

    `host` is the address the server is bound to, when known: bound to a loopback address, the
    admin API refuses a `Host` that is not a loopback name (DNS rebinding). `admin_token`, when
    set, is the bearer token every admin request needs. Neither token shows in `repr`.

    `locale` is the Faker locale of made-up values (`de_DE`); `seed` changes every made-up value,
    the same seed giving the same data on every run.
    """

    specs: Path = Path("specs")
    prefix: bool = False
    cors: bool = True
    max_body: int = DEFAULT_MAX_BODY
    tokens: frozenset[str] = field(default=frozenset(), repr=False)
    state_file: Path | None = None
    allow_ref_dirs: tuple[Path, ...] = ()
    session_ttl: float = DEFAULT_SESSION_TTL
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT
    host: str | None = None
    admin_token: str | None = field(default=None, repr=False)
    locale: str | None = None
    seed: int | None = None


def is_loopback(host: str) -> bool:
    """Whether a host name or address (`[::1]` brackets allowed) names this machine only:
    `localhost`, `*.localhost` (RFC 6761) or a loopback address."""
    name = host.strip().removeprefix("[").removesuffix("]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
