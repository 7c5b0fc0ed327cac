"""The config file: `specmock.yaml` (or `--config FILE`, or `[tool.specmock]` in `pyproject.toml`).

Its top-level keys are the options of `specmock serve`, named as the flags are (`max-body` or
`max_body`), and `apis`, the settings of each API and of its operations:

    port: 4010
    token: [bearer=T]
    apis:
      petstore:
        token: [bearer=P]     # the credentials this API accepts, in place of the server's
        delay: 100-300        # every operation's, unless its own says otherwise
        fault: 503
        operations:
          "GET /pet/{petId}": {delay: 300, fault: empty, status: 404, example: name}

Every value is read as the flag's own text would be, so a bad value is refused with the flag's
message, prefixed with the file and the key. Flags given on the command line win.
"""

from __future__ import annotations

import argparse
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from specmock.config import FAULT_KINDS, INJECTED_STATUSES, Delay, OperationFaults
from specmock.digits import is_digits
from specmock.errors import ConfigError

FILE_NAME = "specmock.yaml"
FAULTS = (*FAULT_KINDS, *INJECTED_STATUSES)  # a fault, or an injected 500/503
_OPERATION_KEYS = ("delay", "fault", "status", "example", "x-specmock")
# What an operation's `x-specmock` may say (`mock.resources` reads it; a test keeps the roles
# the same as its `ROLES`, which this root module may not import).
OVERRIDE_KEYS = ("role", "resource", "id")
OVERRIDE_ROLES = ("create", "list", "read", "replace", "update", "delete", "other")
_DELAY = re.compile(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?(?:ms)?\s*")
_LABEL = re.compile(r"[A-Z]+ /\S*")


@dataclass(frozen=True, slots=True)
class OperationSettings:
    """What the config file sets for one operation: a delay in milliseconds (a range, bounds
    included), a fault, and a status and a named example answered as if `Prefer` asked for them;
    `overrides` are its `x-specmock` extension (role, resource, id), as if the spec said it."""

    delay: tuple[int, int] | None = None
    fault: str | None = None
    status: int | None = None
    example: str | None = None
    overrides: tuple[tuple[str, str], ...] = ()


#: API name -> operation label (`GET /pet/{petId}`) -> its settings.
OperationsByApi = Mapping[str, Mapping[str, OperationSettings]]
_API_KEYS = ("token", "delay", "fault", "operations")


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """What the config file sets for a whole API: the credentials it accepts (in place of the
    server's `token`), and a delay and a fault for every operation that sets none itself."""

    tokens: frozenset[str] | None = field(default=None, repr=False)
    delay: tuple[int, int] | None = None
    fault: str | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    """A config file read: its options (flag name in snake_case -> raw value), and its per-API
    operation settings, and the settings of each API as a whole. `source` names the file (and
    table) in every error."""

    source: str
    options: dict[str, Any] = field(default_factory=dict)
    operations: dict[str, dict[str, OperationSettings]] = field(default_factory=dict)
    apis: dict[str, ApiSettings] = field(default_factory=dict)
    path: Path | None = None

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.source}: {key}: {problem}")

    def config_fields(self) -> dict[str, Any]:
        """The per-API and per-operation settings as `Config` fields: the forced statuses and
        examples, delays and faults as the fault injector reads them (by API name and operation
        label), each API's own tokens, and the file they came from (watched while serving)."""
        operations: dict[str | tuple[str, str], OperationFaults] = {}
        for name, by_label in self.operations.items():
            for label, setting in by_label.items():
                if setting.delay is not None or setting.fault is not None:
                    operations[name, label] = OperationFaults(
                        _seconds(setting.delay), setting.fault
                    )
        return {
            "operation_settings": self.operations,
            "operations": operations,
            "api_faults": {
                name: OperationFaults(_seconds(api.delay), api.fault)
                for name, api in self.apis.items()
                if api.delay is not None or api.fault is not None
            },
            "api_tokens": {n: a.tokens for n, a in self.apis.items() if a.tokens is not None},
            "settings_file": self.path,
        }


def _seconds(milliseconds: tuple[int, int] | None) -> Delay | None:
    return None if milliseconds is None else Delay(milliseconds[0] / 1000, milliseconds[1] / 1000)


def load(path: Path) -> Settings:
    """The settings of one named file: a YAML file, or the `[tool.specmock]` table of a TOML one."""
    if path.suffix == ".toml":
        found = from_pyproject(path, required=True)
        assert found is not None, "a required table is found or refused"
        return found
    return from_yaml(path)


def find(specs: Path, given: Path | None, cwd: Path) -> Settings | None:
    """The settings in force: `given`, else `specmock.yaml` beside the specs (beside the specs
    folder, or beside the one spec file), else `[tool.specmock]` in `cwd/pyproject.toml`."""
    if given is not None:
        return load(given)
    beside = specs.resolve().parent / FILE_NAME
    if beside.is_file():
        return from_yaml(beside)
    pyproject = cwd / "pyproject.toml"
    return from_pyproject(pyproject) if pyproject.is_file() else None


def from_yaml(path: Path) -> Settings:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot read the config file {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise ConfigError(f"{path}: {where}not valid YAML") from None
    return replace(parse(str(path), {} if data is None else data), path=path.resolve())


def from_pyproject(path: Path, required: bool = False) -> Settings | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot read the config file {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    table = data.get("tool", {}).get("specmock")
    if table is None:
        if required:
            raise ConfigError(f"{path}: has no [tool.specmock] table")
        return None
    return replace(parse(f"{path} [tool.specmock]", table), path=path.resolve())


def parse(source: str, data: Any) -> Settings:
    """Settings from a file's data: options kept raw (the command line reads them), `apis`
    checked here."""
    settings = Settings(source)
    if not isinstance(data, dict):
        raise settings.error("(top level)", f"expected a mapping of options, got {_shown(data)}")
    for key, value in data.items():
        if not isinstance(key, str):
            raise settings.error(str(key), "expected an option name")
        if key == "apis":
            _apis(settings, value)
        else:
            settings.options[key.replace("-", "_")] = value
    return settings


def _apis(settings: Settings, data: Any) -> None:
    if not isinstance(data, dict):
        raise settings.error("apis", f"expected a mapping of API names, got {_shown(data)}")
    for name, api in data.items():
        place = f"apis.{name}"
        if not isinstance(api, dict):
            raise settings.error(place, f"expected a mapping of {', '.join(_API_KEYS)}")
        unknown = [key for key in api if key not in _API_KEYS]
        if unknown:
            raise settings.error(
                f"{place}.{unknown[0]}", f"unknown setting; expected one of {', '.join(_API_KEYS)}"
            )
        operations = api.get("operations") or {}
        if not isinstance(operations, dict):
            raise settings.error(f"{place}.operations", "expected a mapping of operations")
        settings.operations[str(name)] = {
            label: _operation(settings, f'{place}.operations."{label}"', label, value)
            for label, value in operations.items()
        }
        settings.apis[str(name)] = ApiSettings(
            tokens=_tokens(settings, f"{place}.token", api.get("token")),
            delay=_delay(settings, f"{place}.delay", api.get("delay")),
            fault=_fault(settings, f"{place}.fault", api.get("fault")),
        )


def _tokens(settings: Settings, place: str, value: Any) -> frozenset[str] | None:
    """An API's tokens, in `--token`'s forms (`bearer=T`, `basic=user:pw`, `apiKey=K`, `T`);
    a value is never quoted back."""
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, str) and item.strip() for item in items):
        raise settings.error(place, "expected a token or a list of tokens (each a string)")
    if any(ord(c) < 32 or ord(c) == 127 for item in items for c in item):
        raise settings.error(place, "a token has a control character, which no request carries")
    return frozenset(items)


def _operation(settings: Settings, place: str, label: Any, data: Any) -> OperationSettings:
    if not isinstance(label, str) or not _LABEL.fullmatch(label):
        raise settings.error(place, 'expected an operation such as "GET /pet/{petId}"')
    if not isinstance(data, dict):
        raise settings.error(place, f"expected a mapping of {', '.join(_OPERATION_KEYS)}")
    unknown = [key for key in data if key not in _OPERATION_KEYS]
    if unknown:
        raise settings.error(
            f"{place}.{unknown[0]}",
            f"unknown setting; expected one of {', '.join(_OPERATION_KEYS)}",
        )
    return OperationSettings(
        delay=_delay(settings, f"{place}.delay", data.get("delay")),
        fault=_fault(settings, f"{place}.fault", data.get("fault")),
        status=_status(settings, f"{place}.status", data.get("status")),
        example=_example(settings, f"{place}.example", data.get("example")),
        overrides=_overrides(settings, f"{place}.x-specmock", data.get("x-specmock")),
    )


def _overrides(settings: Settings, place: str, value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    expected = f"expected a mapping of {', '.join(OVERRIDE_KEYS)}"
    if not isinstance(value, dict):
        raise settings.error(place, f"{expected}, got {_shown(value)}")
    for key, item in value.items():
        if key not in OVERRIDE_KEYS:
            raise settings.error(f"{place}.{key}", f"unknown key; {expected}")
        if not isinstance(item, str) or not item:
            raise settings.error(f"{place}.{key}", f"expected a name, got {_shown(item)}")
    if value.get("role", "other") not in OVERRIDE_ROLES:
        roles = ", ".join(OVERRIDE_ROLES)
        raise settings.error(
            f"{place}.role", f"expected one of {roles}, got {_shown(value['role'])}"
        )
    return tuple(sorted(value.items()))


def _delay(settings: Settings, place: str, value: Any) -> tuple[int, int] | None:
    if value is None:
        return None
    found = None if isinstance(value, bool) else _DELAY.fullmatch(str(value))
    if found is None or (found.group(2) and int(found.group(2)) < int(found.group(1))):
        raise settings.error(
            place, f'expected milliseconds (an integer or "200-800"), got {_shown(value)}'
        )
    low = int(found.group(1))
    return low, int(found.group(2) or low)


def _fault(settings: Settings, place: str, value: Any) -> str | None:
    if value is None or value in FAULTS:
        return None if value is None else str(value)
    raise settings.error(place, f"expected one of {', '.join(FAULTS)}, got {_shown(value)}")


def _status(settings: Settings, place: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 200 <= value <= 599:
        return value
    raise settings.error(place, f"expected an HTTP status from 200 to 599, got {_shown(value)}")


def _example(settings: Settings, place: str, value: Any) -> str | None:
    if value is None or (isinstance(value, str) and value):
        return None if value is None else str(value)
    raise settings.error(place, f"expected the name of an example, got {_shown(value)}")


def _shown(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def parser_defaults(parser: argparse.ArgumentParser, found: Settings) -> dict[str, Any]:
    """A config file's options as `parser`'s values, each read as its flag reads its text."""
    by_name: dict[str, argparse.Action] = {}
    for action in parser._actions:
        names = [name.lstrip("-").replace("-", "_") for name in action.option_strings]
        for name in names or [action.dest]:
            by_name[name] = action
    for name in ("help", "h", "config"):
        by_name.pop(name, None)
    values: dict[str, Any] = {}
    for key, value in found.options.items():
        if key not in by_name:
            known = ", ".join(sorted(name.replace("_", "-") for name in by_name))
            raise found.error(key, f"unknown option; expected one of {known}, or apis")
        action = by_name[key]
        values[action.dest] = _file_value(action, value, found, key.replace("_", "-"))
    return values


def _file_value(action: argparse.Action, value: Any, found: Settings, key: str) -> Any:
    if isinstance(action, argparse._StoreTrueAction | argparse._StoreFalseAction):
        if not isinstance(value, bool):
            raise found.error(key, f"expected true or false, got {value!r}")
        return action.const if value else action.default
    if isinstance(action, argparse._AppendAction):
        items = value if isinstance(value, list) else [value]
        return [_file_scalar(action, item, found, key) for item in items]
    return _file_scalar(action, value, found, key)


def _file_scalar(action: argparse.Action, value: Any, found: Settings, key: str) -> Any:
    if isinstance(value, dict | list | bool) or value is None:
        raise found.error(key, f"expected a single value, got {value!r}")
    text = str(value)
    try:
        converted = action.type(text) if callable(action.type) else text
    except argparse.ArgumentTypeError as error:
        raise found.error(key, str(error)) from None
    except (TypeError, ValueError):
        kind = getattr(action.type, "__name__", "value")
        expected = "an integer" if kind == "int" else kind
        raise found.error(key, f"expected {expected}, got {text!r}") from None
    if action.choices is not None and converted not in action.choices:
        choices = ", ".join(map(str, action.choices))
        raise found.error(key, f"expected one of {choices}, got {text!r}")
    return converted


# The flags' own readers, which the config file's values go through too.


def positive(text: str) -> int:
    if not is_digits(text) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def size(text: str) -> int:
    units = {"kib": 1024, "kb": 1000, "mib": 1024**2, "mb": 1000**2, "b": 1}
    lowered = text.strip().lower()
    for unit, factor in units.items():
        if lowered.endswith(unit) and is_digits(lowered[: -len(unit)].strip()):
            return int(lowered[: -len(unit)]) * factor
    if is_digits(lowered):
        return int(lowered)
    raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 1048576 or 1MiB")


def folder(text: str) -> Path:
    if not Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is not a folder")
    return Path(text)
