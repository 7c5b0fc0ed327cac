"""Which delay and fault an answer gets: Prefer first, then the operation, then the server."""

from __future__ import annotations

import random

import pytest

from specmock.config import Config, Delay, OperationFaults
from specmock.mock.answers import Prefer
from specmock.mock.faults import NO_INJECTION, Control, Controls, Faults, Injection, Setting
from specmock.settings import OperationSettings
from specmock.spec.api import Api

API = Api.from_dict(
    "t",
    {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/pets": {
                "get": {"responses": {"200": {"description": "ok"}}},
                "post": {"responses": {"201": {"description": "ok"}}},
            }
        },
    },
)
GET, POST = sorted(API.operations, key=lambda o: o.method)


def test_faults_none_by_default() -> None:
    assert Faults(Config()).choose(GET, Prefer()) is NO_INJECTION


def test_faults_prefer_wins_over_operation_and_server() -> None:
    config = Config(
        latency=Delay(1, 1), operations={"get /pets": OperationFaults(Delay(2, 2), "close")}
    )
    faults = Faults(config)
    prefer = Prefer(delay=Delay(0.3, 0.3), fault="empty")
    assert faults.choose(GET, prefer) == Injection(0.3, "empty")
    assert faults.choose(GET, Prefer()) == Injection(2, "close")
    assert faults.choose(POST, None) == Injection(1, None)


def test_faults_random_draws_every_kind_and_injected_status() -> None:
    faults = Faults(Config(faults=1.0), random.Random(7))
    drawn = {faults.choose(GET, None).fault for _ in range(200)}
    assert drawn == {"reset", "close", "empty", "malformed", "timeout", "500", "503"}
    assert faults.injected_statuses == (500, 503)


def test_faults_injected_statuses_only_while_injecting() -> None:
    assert Faults(Config()).injected_statuses == ()
    one = Config(operations={"GET /pets": OperationFaults(fault="500")})
    assert Faults(one).injected_statuses == (500,)


@pytest.mark.parametrize(
    ("injection", "label", "acts"),
    [
        pytest.param(Injection(0.3), "delay=300", True, id="delay"),
        pytest.param(Injection(0, "reset"), "fault=reset", False, id="reset"),
        pytest.param(Injection(0.2, "empty"), "delay=200, fault=empty", True, id="both"),
        pytest.param(Injection(0, "503"), "fault=503", False, id="status"),
    ],
)
def test_injection_label_and_whether_it_acts(injection: Injection, label: str, acts: bool) -> None:
    assert (injection.label, injection.acts) == (label, acts)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        pytest.param("300", 0.3, 0.3, id="ms"),
        pytest.param("300ms", 0.3, 0.3, id="ms-unit"),
        pytest.param("1s", 1.0, 1.0, id="seconds"),
        pytest.param("100-400ms", 0.1, 0.4, id="range"),
    ],
)
def test_delay_parse(text: str, low: float, high: float) -> None:
    assert Delay.parse(text) == Delay(low, high)


def test_delay_parse_refuses_a_reversed_range() -> None:
    with pytest.raises(ValueError, match="'800-200' is not a delay: the range must go from low"):
        Delay.parse("800-200")


def test_faults_prefer_undocumented_error_code_is_injected() -> None:
    faults, operation = Faults(Config()), GET
    assert faults.choose(operation, Prefer(code=500)) == Injection(code=500)
    assert faults.choose(operation, Prefer(code=200)) is NO_INJECTION
    assert faults.choose(operation, Prefer(code=201)) is NO_INJECTION  # refused by the answer
    assert Injection(code=500).label == "code=500 (undocumented)"
    assert not Injection(code=500).acts


@pytest.mark.parametrize(
    ("injection", "detail"),
    [
        pytest.param(
            Injection(fault="500"), "fault=500 (injected by specmock)", id="a drawn or set fault"
        ),
        pytest.param(
            Injection(code=500),
            "GET /pets documents no 500 answer; sent because Prefer or the config file asked"
            " (injected by specmock)",
            id="an undocumented code",
        ),
    ],
)
def test_injection_problem_says_it_was_injected(injection: Injection, detail: str) -> None:
    assert injection.problem(GET).as_dict() == {
        "type": "urn:specmock:problem:injected",
        "title": "An error status specmock injected on purpose, as asked; not a failure",
        "status": 500,
        "detail": detail,
    }


def test_faults_operation_keyed_by_api_wins_over_every_api_and_api_defaults() -> None:
    config = Config(
        operations={
            ("t", "GET /pets"): OperationFaults(fault="close"),
            ("other", "GET /pets"): OperationFaults(fault="reset"),
            "GET /pets": OperationFaults(Delay(2, 2), "empty"),
        },
        api_faults={
            "t": OperationFaults(Delay(3, 3), "503"),
            "other": OperationFaults(Delay(4, 4)),
        },
    )
    faults = Faults(config)
    assert faults.choose(GET, None) == Injection(2.0, "close")
    assert faults.choose(POST, None) == Injection(3.0, "503")
    assert faults.injected_statuses == (503,)


def test_faults_of_another_api_do_not_apply() -> None:
    faults = Faults(Config(operations={("other", "GET /pets"): OperationFaults(fault="reset")}))
    assert faults.choose(GET, None) is NO_INJECTION


def test_faults_statuses_forced_by_the_config_file_are_documented() -> None:
    forced = {
        "t": {
            "GET /pets": OperationSettings(status=418),
            "POST /pets": OperationSettings(status=201),
        }
    }
    assert Faults(Config(operation_settings=forced)).injected_statuses == (418,)


# -- the dashboard's controls ---------------------------------------------------------------------


def _controlled(*controls: Control, config: Config | None = None) -> Faults:
    faults = Faults(config or Config(), random.Random(3))
    faults.controls.replace(controls)
    return faults


def test_faults_controls_win_over_config_and_flags_prefer_over_them() -> None:
    config = Config(latency=Delay(1, 1), api_faults={"t": OperationFaults(Delay(2, 2), "close")})
    faults = _controlled(Control("t", "get /pets", delay=Delay(0.3, 0.3)), config=config)
    assert faults.choose(GET, None) == Injection(0.3, "close")
    assert faults.setting("t", "GET /pets") == Setting(
        Delay(0.3, 0.3), "dashboard operation", "close", "config API", 1.0
    )
    assert faults.choose(GET, Prefer(delay=Delay(0.1, 0.1))) == Injection(0.1, "close")
    assert faults.choose(POST, None) == Injection(2, "close")


def test_faults_every_change_of_the_controls_reaches_the_next_answer() -> None:
    """`choose` keeps each operation's setting between requests: a control set, cleared or
    replaced since must not be answered from what was kept."""
    faults = Faults(Config(latency=Delay(1, 1)))
    assert faults.choose(GET, None) == Injection(1, None)
    faults.controls.set(Control("t", "GET /pets", delay=Delay(0.3, 0.3)))
    assert faults.choose(GET, None) == Injection(0.3, None)
    faults.controls.replace([Control("t", fault="close")])
    assert faults.choose(GET, None) == Injection(1, "close")
    faults.controls.clear("t")
    assert faults.choose(GET, None) == Injection(1, None)


def test_faults_control_off_drops_everything_below_it() -> None:
    config = Config(latency=Delay(1, 1), faults=1.0)
    faults = _controlled(Control("t", off=True), config=config)
    assert faults.choose(GET, None) is NO_INJECTION
    assert faults.setting("t", "GET /pets") == Setting(None, None, None, "dashboard API (off)", 1.0)
    assert faults.choose(GET, Prefer(fault="empty")) == Injection(0.0, "empty")


def test_faults_control_fault_is_drawn_with_its_chance() -> None:
    faults = _controlled(Control("t", fault="503", chance=0.5))
    drawn = [faults.choose(GET, None).fault for _ in range(200)]
    assert set(drawn) == {"503", None}
    assert _controlled(Control("t", fault="503", chance=0.0)).choose(GET, None) is NO_INJECTION


def test_faults_controls_add_their_injected_statuses_and_survive_a_new_faults() -> None:
    faults = _controlled(Control("t", "GET /pets", fault="500"))
    assert faults.injected_statuses == (500,)
    again = Faults(Config(), controls=faults.controls)
    assert again.injected_statuses == (500,)
    faults.controls.replace([Control("t", "GET /pets", fault="500", off=True)])
    assert not again.injected_statuses


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param([], "/controls/0: a control is an object, got []", id="not-object"),
        pytest.param(
            {"operation": "GET /pets"},
            "/controls/0/api: the API's name is required, got None",
            id="no-api",
        ),
        pytest.param(
            {"api": "t", "delay": "soon"},
            "/controls/0/delay: 'soon' is not a delay: expected 300, 300ms, 1s or 200-800ms",
            id="delay",
        ),
        pytest.param(
            {"api": "t", "fault": "boom"},
            "/controls/0/fault: 'boom' is not one of "
            "reset, close, empty, malformed, timeout, 500, 503",
            id="fault",
        ),
        pytest.param(
            {"api": "t", "chance": 2},
            "/controls/0/chance: 2 is not a number from 0 to 1",
            id="chance",
        ),
        pytest.param(
            {"api": "t", "off": "yes"},
            "/controls/0/off: expected true or false, got 'yes'",
            id="off",
        ),
        pytest.param({"api": "t", "speed": 1}, "/controls/0: unknown field 'speed'", id="unknown"),
    ],
)
def test_control_from_dict_names_the_bad_field(value: object, message: str) -> None:
    with pytest.raises(ValueError) as error:
        Control.from_dict(value, "/controls/0")
    assert str(error.value) == message


def test_control_round_trips_through_its_dict() -> None:
    control = Control.from_dict(
        {"api": "t", "operation": "get /pets", "delay": "200-800ms", "fault": 500, "chance": 0.5},
        "/controls/0",
    )
    assert control == Control("t", "GET /pets", Delay(0.2, 0.8), "500", 0.5)
    assert Control.from_dict(control.as_dict(), "") == control
    assert Controls().get("t", "") is None
