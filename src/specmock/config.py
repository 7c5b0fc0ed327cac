"""`Config`: everything a server is started with, as one frozen value."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the config file's module reads Config's constants
    from specmock.settings import OperationsByApi

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
# Records each collection holds on a fresh `specmock serve` session when no seed data fills it
# (`Config` itself starts empty, as tests of a client usually want).
DEFAULT_RECORDS = 5
# Seconds `fault=timeout` holds an answer: past most clients' patience, yet bounded.
DEFAULT_FAULT_TIMEOUT = 30.0
# The longest delay a request or an option may ask for, in seconds.
MAX_DELAY = 60.0
# What a fault does to an answer; `500` and `503` are error statuses injected in its place.
FAULT_KINDS = ("reset", "close", "empty", "malformed", "timeout")
INJECTED_STATUSES = ("500", "503")
_DELAY = re.compile(r"(\d+(?:\.\d+)?)(?:\s*-\s*(\d+(?:\.\d+)?))?\s*(ms|s)?", re.ASCII)


@dataclass(frozen=True, slots=True)
class Delay:
    """A delay in seconds, drawn uniformly between `low` and `high` for each answer."""

    low: float
    high: float

    @classmethod
    def parse(cls, text: str) -> Delay:
        """`300`, `300ms`, `1s`, `200-800` or `100-400ms` (milliseconds unless `s` says seconds);
        ValueError naming the text and the expected form."""
        found = _DELAY.fullmatch(text.strip())
        if found is None:
            raise ValueError(f"{text!r} is not a delay: expected 300, 300ms, 1s or 200-800ms")
        scale = 1.0 if found.group(3) == "s" else 0.001
        low = float(found.group(1)) * scale
        high = float(found.group(2)) * scale if found.group(2) else low
        if high < low:
            raise ValueError(f"{text!r} is not a delay: the range must go from low to high")
        if high > MAX_DELAY:
            raise ValueError(f"{text!r} is over the longest delay, {MAX_DELAY:g} s")
        return cls(low, high)

    def __str__(self) -> str:
        low, high = round(self.low * 1000), round(self.high * 1000)
        return f"{low}" if low == high else f"{low}-{high}"


@dataclass(frozen=True, slots=True)
class OperationFaults:
    """Latency and a fault for one operation (`"GET /pets"` in `Config.operations`): `fault` is
    one of `FAULT_KINDS` or an injected status of `INJECTED_STATUSES`."""

    delay: Delay | None = None
    fault: str | None = None


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
    `store` keeps the records: `memory` (this process) or a Redis URL (`redis://host:port/db`)
    that several fakes share, their keys under `store_prefix`.

    `host` is the address the server is bound to, when known: bound to a loopback address, the
    admin API refuses a `Host` that is not a loopback name (DNS rebinding). `admin_token`, when
    set, is the bearer token every admin request needs. Neither token shows in `repr`.

    `records` is how many records each collection holds on a fresh session (the spec's
    examples, then made-up ones; seed data wins): none unless asked, `specmock serve` asks for 5.
    `latency` delays every answer, `faults` is the chance (0 to 1) that a request gets a random
    fault or an injected 500/503, `fault_timeout` is how long `fault=timeout` holds an answer
    (seconds), and `operations` sets latency and a fault per operation, keyed `("petstore",
    "GET /pets")` (API name, method and path template) or `"GET /pets"` for that operation in
    every API; `api_faults` are each API's defaults for all its operations (by API name; an
    operation's own settings win). `api_tokens` are the credentials one API accepts, in place of
    `tokens`, by API name.
    `operation_settings` are the config file's per-operation settings (`settings`), by API name
    and operation label (`GET /pet/{petId}`): a delay, a fault, a status and an example.
    `watch` reloads the specs when their files change (`specmock serve`, not `--no-watch`), and
    the per-API and per-operation settings when `settings_file`, the config file, changes.
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
    records: int = 0
    latency: Delay | None = None
    faults: float = 0.0
    fault_timeout: float = DEFAULT_FAULT_TIMEOUT
    operations: Mapping[str | tuple[str, str], OperationFaults] = field(
        default_factory=dict, hash=False
    )
    api_faults: Mapping[str, OperationFaults] = field(default_factory=dict, hash=False)
    api_tokens: Mapping[str, frozenset[str]] = field(default_factory=dict, hash=False, repr=False)
    operation_settings: OperationsByApi = field(default_factory=dict, hash=False)
    watch: bool = False
    settings_file: Path | None = None
    locale: str | None = None
    seed: int | None = None
    store: str = "memory"
    store_prefix: str = "specmock"


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
