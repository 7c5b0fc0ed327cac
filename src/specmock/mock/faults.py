"""Latency and faults: the delay and the fault an answer gets, chosen before it is built.

In order of precedence: the request's `Prefer: delay=300, fault=reset`, the operation's settings
(`Config.operations[("petstore", "GET /pets")]`, then `Config.operations["GET /pets"]` for every
API), the API's (`Config.api_faults["petstore"]`), then the server's (`--latency`, and `--faults`,
the chance of a random fault or an injected 500/503). Each of delay and fault is taken from the
first that sets it. The admin API never gets any: only stubs ask.

Above the config file and the flags sit the dashboard's `Controls`, set at run time for one
operation or a whole API (`PUT /__specmock/controls`): a delay, a fault drawn with a chance, or
`off` (no delay and no fault from anything below; `Prefer` still asks for its own).

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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from specmock.config import FAULT_KINDS, INJECTED_STATUSES, Config, Delay
from specmock.mock.answers import Prefer, response_key
from specmock.problems import Problem
from specmock.spec.api import Operation

_KEPT_BACK = frozenset({"reset", "close", *INJECTED_STATUSES})
UNDOCUMENTED_HEADER = "X-Specmock-Undocumented"


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
WHOLE_API = ""  # a control's operation label when it is for every operation of its API


@dataclass(frozen=True, slots=True)
class Control:
    """A dashboard setting for one operation of an API (`operation` its label, `GET /pets`) or
    for all of them (`WHOLE_API`): a delay, a fault kind or injected status drawn with `chance`,
    or `off`."""

    api: str
    operation: str = WHOLE_API
    delay: Delay | None = None
    fault: str | None = None
    chance: float = 1.0
    off: bool = False

    @classmethod
    def from_dict(cls, value: Any, where: str) -> Control:
        """A control from its JSON form; ValueError naming the place (`where`) and the value."""
        if not isinstance(value, Mapping):
            raise ValueError(f"{where}: a control is an object, got {value!r}")
        unknown = sorted(set(value) - {"api", "operation", "delay", "fault", "chance", "off"})
        if unknown:
            raise ValueError(f"{where}: unknown field {unknown[0]!r}")
        api, operation = value.get("api"), value.get("operation") or WHOLE_API
        if not isinstance(api, str) or not api:
            raise ValueError(f"{where}/api: the API's name is required, got {api!r}")
        if not isinstance(operation, str):
            raise ValueError(f"{where}/operation: expected 'GET /path', got {operation!r}")
        off = value.get("off", False)
        if not isinstance(off, bool):
            raise ValueError(f"{where}/off: expected true or false, got {off!r}")
        return cls(
            api,
            _key(operation)[1] if operation else WHOLE_API,
            _delay(value.get("delay"), f"{where}/delay"),
            _fault(value.get("fault"), f"{where}/fault"),
            _chance(value.get("chance", 1.0), f"{where}/chance"),
            off,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "operation": self.operation or None,
            "delay": None if self.delay is None else str(self.delay),
            "fault": self.fault,
            "chance": self.chance,
            "off": self.off,
        }

    @property
    def key(self) -> tuple[str, str]:
        """(API, `GET /pets`), the method in capitals; (API, '') for the whole API."""
        return self.api, _key(self.operation)[1] if self.operation else WHOLE_API


class Controls:
    """The dashboard's controls by (API, operation label), shared by every `Faults` made for a
    server: a config file reloaded keeps them."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], Control] = {}
        self.version = 0  # counts the changes: what was worked out from older ones is stale

    def replace(self, controls: Iterable[Control]) -> None:
        self.by_key = {control.key: control for control in controls}
        self.version += 1

    def set(self, control: Control) -> None:
        self.by_key[control.key] = control
        self.version += 1

    def clear(self, api: str, operation: str = WHOLE_API) -> None:
        self.by_key.pop((api, operation), None)
        self.version += 1

    def __iter__(self) -> Iterator[Control]:
        return iter(list(self.by_key.values()))

    def get(self, api: str, operation: str) -> Control | None:
        return self.by_key.get((api, operation))


@dataclass(frozen=True, slots=True)
class Setting:
    """What an operation gets, and from where (`dashboard operation`, `config API`, `--latency`),
    before `Prefer`: the dashboard's page shows it."""

    delay: Delay | None
    delay_from: str | None
    fault: str | None
    fault_from: str | None
    chance: float


class Faults:
    """The server's latency and fault settings, and the draws made from them."""

    def __init__(
        self, config: Config, rng: random.Random | None = None, controls: Controls | None = None
    ) -> None:
        self.controls = controls if controls is not None else Controls()
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
        # (API, label) -> the controls' version and the setting worked out from them: a request
        # asks for it, and it changes only with the controls (a new config makes a new Faults)
        self._settings: dict[tuple[str, str], tuple[int, Setting]] = {}

    @property
    def injected_statuses(self) -> tuple[int, ...]:
        """The error statuses this server may inject, so the effective spec documents them: the
        faults' 500 and 503, and the error statuses the config file forces on an operation."""
        settings = [*self._operations.values(), *self._apis.values()]
        configured = {v.fault or "" for v in settings} & set(INJECTED_STATUSES)
        configured |= {c.fault or "" for c in self.controls if not c.off} & set(INJECTED_STATUSES)
        if self._chance > 0:
            configured |= set(INJECTED_STATUSES)
        return tuple(sorted({int(status) for status in configured} | self._forced))

    def choose(self, operation: Operation, prefer: Prefer | None) -> Injection:
        """The delay and fault of one answer to `operation`."""
        key, version = (operation.api, operation.label), self.controls.version
        kept = self._settings.get(key)
        if kept is not None and kept[0] == version:
            setting = kept[1]
        else:
            setting = self.setting(*key)
            self._settings[key] = (version, setting)
        delay = (prefer.delay if prefer else None) or setting.delay
        fault = prefer.fault if prefer else None
        if fault is None and setting.fault is not None:
            fault = self._drawn(setting.fault, setting.chance)
        code = undocumented_error(operation, prefer.code if prefer else None)
        if delay is None and fault is None and code is None:
            return NO_INJECTION
        return Injection(self._draw(delay), fault, code)

    def setting(self, api: str, label: str) -> Setting:
        """The delay and fault an operation's answers get before `Prefer` (the API's own with
        `WHOLE_API`), and where each comes from: the dashboard's controls, the config file, then
        the flags; each of delay and fault from the first that sets it, and nothing below a
        control that is `off`."""
        every_api, label = _key(label) if label else ("", WHOLE_API)
        found: list[tuple[str, Delay | None, str | None, float]] = []
        dashboard = [(self.controls.get(api, WHOLE_API), "dashboard API")]
        if label:
            dashboard.insert(0, (self.controls.get(api, label), "dashboard operation"))
        for control, source in dashboard:
            if control is not None and control.off:
                return _chosen([*found, (f"{source} (off)", None, "", 1.0)])
            if control is not None:
                found.append((source, control.delay, control.fault, control.chance))
        configured = [(self._apis.get(api), "config API")]
        if label:
            configured[:0] = [
                (self._operations.get((api, label)), "config operation"),
                (self._operations.get((every_api, label)), "config operation (every API)"),
            ]
        for setting, source in configured:
            if setting is not None:
                found.append((source, setting.delay, setting.fault, 1.0))
        found.append(("--latency", self._latency, None, 1.0))
        if self._chance > 0:
            found.append(("--faults", None, _RANDOM, self._chance))
        return _chosen(found)

    def _drawn(self, fault: str, chance: float) -> str | None:
        if chance < 1.0 and self._rng.random() >= chance:
            return None
        return self._rng.choice((*FAULT_KINDS, *INJECTED_STATUSES)) if fault == _RANDOM else fault

    def _draw(self, delay: Delay | None) -> float:
        return 0.0 if delay is None else self._rng.uniform(delay.low, delay.high)


_RANDOM = "random"  # the fault `--faults` draws: any kind or injected status


def _chosen(found: list[tuple[str, Delay | None, str | None, float]]) -> Setting:
    """The first delay and the first fault of `found` (source, delay, fault, chance); a fault of
    '' (a control that is off) stops the search with none."""
    delay = next(((s, d) for s, d, _, _ in found if d is not None), None)
    fault = next(((s, f, c) for s, _, f, c in found if f is not None), None)
    return Setting(
        delay[1] if delay else None,
        delay[0] if delay else None,
        fault[1] or None if fault else None,  # '' is a control that is off: no fault
        fault[0] if fault else None,
        fault[2] if fault else 1.0,
    )


def _delay(value: Any, where: str) -> Delay | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"{where}: expected 300, 300ms, 1s or 200-800ms, got {value!r}")
    try:
        return Delay.parse(str(value))
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None


def _fault(value: Any, where: str) -> str | None:
    kinds = (*FAULT_KINDS, *INJECTED_STATUSES)
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value not in kinds:
        raise ValueError(f"{where}: {value!r} is not one of {', '.join(kinds)}")
    return str(value)


def _chance(value: Any, where: str) -> float:
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise ValueError(f"{where}: {value!r} is not a number from 0 to 1") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"{where}: {value!r} is not a number from 0 to 1")
    return float(value)


def undocumented_error(operation: Operation, code: int | None) -> int | None:
    """`code` when it is an error status (4xx, 5xx) that `operation` documents no answer for."""
    if code is None or code < 400 or response_key(operation, code) is not None:
        return None
    return code


def _key(key: str | tuple[str, str]) -> tuple[str, str]:
    """An operation's key as ("", "GET /pets") for every API, or ("petstore", "GET /pets")."""
    api, label = ("", key) if isinstance(key, str) else key
    method, _, path = label.strip().partition(" ")
    return api, f"{method.upper()} {path.strip()}"
