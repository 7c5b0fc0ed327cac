"""Latency and faults: the delay and the fault an answer gets, chosen before it is built.

In order of precedence: the request's `Prefer: delay=300, fault=reset`, the operation's settings
(`Config.operations[("petstore", "GET /pets")]`, then `Config.operations["GET /pets"]` for every
API), the API's (`Config.api_faults["petstore"]`), then the server's (`--latency`, and `--faults`,
the chance of a random fault or an injected 500/503). Each of delay and fault is taken from the
first that sets it. The admin API never gets any: only stubs ask.

The kinds, with what other mocks call them: `reset` (WireMock's CONNECTION_RESET_BY_PEER,
Mockoon's "destroy socket"), `close` (a close without an answer, Microcks' and Counterfact's
dropped connection), `empty` (WireMock's EMPTY_RESPONSE, though here the status line still comes),
`malformed` (MALFORMED_RESPONSE_CHUNK, RANDOM_DATA_THEN_CLOSE: a cut JSON body) and `timeout`
(WireMock's fixed delay past the client's read timeout). Prism has none (stoplightio/prism#1003).

`Prefer: code=500` where the operation documents no 500 is an injection too: the error status is
answered as problem+json, marked in the journal, and named in the `X-Specmock-Undocumented`
header, since the effective spec cannot list every status a client may ask for. (Prism refuses
such a request with a 404 of its own, which a client cannot tell from a real one.) A success or
redirect status the operation does not document is still refused: no body could be right.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from specmock.config import FAULT_KINDS, INJECTED_STATUSES, Config, Delay, OperationFaults
from specmock.mock.answers import Prefer, response_key
from specmock.problems import Problem
from specmock.spec.api import Operation

_KEPT_BACK = frozenset({"reset", "close", *INJECTED_STATUSES})
UNDOCUMENTED_HEADER = "X-Specmock-Undocumented"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Injection:
    """What an answer gets: a delay in seconds and a fault kind or injected status (or none);
    `code` is an error status `Prefer` asked for that the operation does not document."""

    delay: float = 0.0
    fault: str | None = None
    code: int | None = None

    @property
    def label(self) -> str | None:
        """How the journal marks the answer (`delay=300`, `fault=reset`), None when plain."""
        parts = [f"delay={round(self.delay * 1000)}"] if self.delay > 0 else []
        parts += [f"fault={self.fault}"] if self.fault else []
        parts += [f"code={self.code} (undocumented)"] if self.code is not None else []
        return ", ".join(parts) or None

    @property
    def status(self) -> int | None:
        """The error status injected in place of the answer, if that is the fault."""
        if self.code is not None:
            return self.code
        return int(self.fault) if self.fault in INJECTED_STATUSES else None

    @property
    def acts(self) -> bool:
        """Whether the request still reaches the store: not when no answer, or an injected error
        in its place, could tell the client that it did."""
        return self.fault not in _KEPT_BACK and self.code is None

    def problem(self, operation: Operation) -> Problem:
        """The injected error status's answer: problem+json where the operation documents none,
        saying so in `X-Specmock-Undocumented`."""
        status = self.status
        assert status is not None, "only an injected status has a problem"
        if self.code is None:
            return Problem(status, f"{self.label} (injected by specmock)", injected=True)
        asked = "sent because Prefer or the config file asked"
        detail = f"{operation.label} documents no {status} answer; {asked}"
        headers = {UNDOCUMENTED_HEADER: f"{status} is not documented for {operation.label}"}
        return Problem(status, f"{detail} (injected by specmock)", headers=headers, injected=True)


NO_INJECTION = Injection()


class Faults:
    """The server's latency and fault settings, and the draws made from them."""

    def __init__(self, config: Config, rng: random.Random | None = None) -> None:
        self._latency = config.latency
        self._chance = config.faults
        self._operations = {_key(key): value for key, value in config.operations.items()}
        self._apis = dict(config.api_faults)
        self._forced = {  # error statuses the config file answers in place of a success
            found.status
            for by_label in config.operation_settings.values()
            for found in by_label.values()
            if found.status is not None and found.status >= 400
        }
        self._rng = rng or random.Random()

    @property
    def injected_statuses(self) -> tuple[int, ...]:
        """The error statuses this server may inject, so the effective spec documents them: the
        faults' 500 and 503, and the error statuses the config file forces on an operation."""
        settings = [*self._operations.values(), *self._apis.values()]
        configured = {v.fault or "" for v in settings} & set(INJECTED_STATUSES)
        if self._chance > 0:
            configured |= set(INJECTED_STATUSES)
        return tuple(sorted({int(status) for status in configured} | self._forced))

    def choose(self, operation: Operation, prefer: Prefer | None) -> Injection:
        """The delay and fault of one answer to `operation`."""
        every_api, label = _key(f"{operation.method} {operation.path}")
        own = [
            self._operations.get((operation.api, label), _NONE),
            self._operations.get((every_api, label), _NONE),
            self._apis.get(operation.api, _NONE),
        ]
        delay = (prefer.delay if prefer else None) or _first(o.delay for o in own) or self._latency
        fault = (prefer.fault if prefer else None) or _first(o.fault for o in own)
        fault = fault or self._random_fault()
        code = undocumented_error(operation, prefer.code if prefer else None)
        if delay is None and fault is None and code is None:
            return NO_INJECTION
        return Injection(self._draw(delay), fault, code)

    def _draw(self, delay: Delay | None) -> float:
        return 0.0 if delay is None else self._rng.uniform(delay.low, delay.high)

    def _random_fault(self) -> str | None:
        if self._chance <= 0 or self._rng.random() >= self._chance:
            return None
        return self._rng.choice((*FAULT_KINDS, *INJECTED_STATUSES))


def undocumented_error(operation: Operation, code: int | None) -> int | None:
    """`code` when it is an error status (4xx, 5xx) that `operation` documents no answer for."""
    if code is None or code < 400 or response_key(operation, code) is not None:
        return None
    return code


_NONE = OperationFaults()


def _first(values: Iterable[T | None]) -> T | None:
    return next((value for value in values if value is not None), None)


def _key(key: str | tuple[str, str]) -> tuple[str, str]:
    """An operation's key as ("", "GET /pets") for every API, or ("petstore", "GET /pets")."""
    api, label = ("", key) if isinstance(key, str) else key
    method, _, path = label.strip().partition(" ")
    return api, f"{method.upper()} {path.strip()}"
