"""The config file: its options kept for the command line, its per-operation settings checked,
each mistake named by file, key and what is expected."""

from __future__ import annotations

import pytest

from specmock.errors import ConfigError
from specmock.mock.resources import ROLES
from specmock.settings import OVERRIDE_ROLES, ApiSettings, OperationSettings, find, parse

OPERATION = 'apis.petstore.operations."GET /pet/{petId}"'


def test_settings_reads_options_and_operations():
    data = {
        "max-body": "2MiB",
        "port": 4011,
        "apis": {
            "petstore": {
                "operations": {
                    "GET /pet/{petId}": {
                        "delay": "200-800",
                        "fault": "empty",
                        "status": 404,
                        "example": "name",
                    },
                    "POST /pet": {"delay": 300},
                }
            }
        },
    }
    settings = parse("specmock.yaml", data)
    assert settings.options == {"max_body": "2MiB", "port": 4011}
    assert settings.operations == {
        "petstore": {
            "GET /pet/{petId}": OperationSettings((200, 800), "empty", 404, "name"),
            "POST /pet": OperationSettings(delay=(300, 300)),
        }
    }


@pytest.mark.parametrize(
    ("setting", "error"),
    [
        pytest.param(
            {"delay": "soon"},
            f'{OPERATION}.delay: expected milliseconds (an integer or "200-800"), got "soon"',
            id="delay",
        ),
        pytest.param(
            {"delay": "800-200"},
            f'{OPERATION}.delay: expected milliseconds (an integer or "200-800"), got "800-200"',
            id="delay-backwards",
        ),
        pytest.param(
            {"fault": "boom"},
            f"{OPERATION}.fault: expected one of reset, close, empty, malformed, timeout, "
            '500, 503, got "boom"',
            id="fault",
        ),
        pytest.param(
            {"status": "404"},
            f'{OPERATION}.status: expected an HTTP status from 200 to 599, got "404"',
            id="status",
        ),
        pytest.param(
            {"colour": "red"},
            f"{OPERATION}.colour: unknown setting; expected one of delay, fault, status, example,"
            " x-specmock",
            id="unknown",
        ),
    ],
)
def test_settings_bad_operation_setting_names_file_key_and_expectation(setting, error):
    data = {"apis": {"petstore": {"operations": {"GET /pet/{petId}": setting}}}}
    with pytest.raises(ConfigError) as raised:
        parse("specmock.yaml", data)
    assert str(raised.value) == f"specmock.yaml: {error}"


def test_settings_bad_operation_label_is_named():
    data: dict = {"apis": {"petstore": {"operations": {"get pets": {}}}}}
    with pytest.raises(ConfigError) as raised:
        parse("specmock.yaml", data)
    assert str(raised.value) == (
        'specmock.yaml: apis.petstore.operations."get pets": expected an operation such as '
        '"GET /pet/{petId}"'
    )


def test_settings_found_beside_the_specs_then_in_pyproject(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.specmock]\nport = 4020\n")
    found = find(specs, None, tmp_path)
    assert found is not None and found.options == {"port": 4020}
    assert found.source == f"{tmp_path / 'pyproject.toml'} [tool.specmock]"
    (tmp_path / "specmock.yaml").write_text("port: 4030\n")
    found = find(specs, None, tmp_path)
    assert found is not None and found.options == {"port": 4030}


def test_settings_unreadable_yaml_names_the_line(tmp_path):
    path = tmp_path / "specmock.yaml"
    path.write_text("port: 1\napis: [\n")
    with pytest.raises(ConfigError) as raised:
        find(tmp_path, path, tmp_path)
    assert str(raised.value) == f"{path}: line 3: not valid YAML"


def test_settings_reads_api_settings():
    data = {"apis": {"petstore": {"token": ["bearer=P", "K"], "delay": "100-200", "fault": "503"}}}
    settings = parse("specmock.yaml", data)
    assert settings.apis == {
        "petstore": ApiSettings(frozenset({"bearer=P", "K"}), (100, 200), "503")
    }
    assert settings.operations == {"petstore": {}}
    assert parse("f", {"apis": {"p": {"token": "T"}}}).apis["p"].tokens == frozenset({"T"})


@pytest.mark.parametrize(
    ("api", "error"),
    [
        pytest.param(
            {"color": 1},
            "apis.petstore.color: unknown setting; expected one of token, delay, fault, operations",
            id="unknown",
        ),
        pytest.param(
            {"token": [1]},
            "apis.petstore.token: expected a token or a list of tokens (each a string)",
            id="token-type",
        ),
        pytest.param(
            {"token": "T\u0007"},
            "apis.petstore.token: a token has a control character, which no request carries",
            id="token-control",
        ),
        pytest.param(
            {"delay": "soon"},
            'apis.petstore.delay: expected milliseconds (an integer or "200-800"), got "soon"',
            id="delay",
        ),
        pytest.param(
            {"fault": "boom"},
            "apis.petstore.fault: expected one of reset, close, empty, malformed, timeout, 500,"
            ' 503, got "boom"',
            id="fault",
        ),
    ],
)
def test_settings_api_mistakes_name_file_and_key(api, error):
    with pytest.raises(ConfigError) as raised:
        parse("specmock.yaml", {"apis": {"petstore": api}})
    assert str(raised.value) == f"specmock.yaml: {error}"


def test_settings_reads_an_operations_x_specmock_overrides():
    data = {"apis": {"p": {"operations": {"GET /a/{id}": {"x-specmock": {"role": "other"}}}}}}
    found = parse("specmock.yaml", data).operations["p"]["GET /a/{id}"]
    assert found.overrides == (("role", "other"),)


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        pytest.param(
            {"kind": "x"},
            "x-specmock.kind: unknown key; expected a mapping of role, resource, id",
            id="key",
        ),
        pytest.param(
            {"role": "fetch"},
            "x-specmock.role: expected one of create, list, read, replace, update, delete, other,"
            ' got "fetch"',
            id="role",
        ),
        pytest.param({"id": 3}, "x-specmock.id: expected a name, got 3", id="type"),
    ],
)
def test_settings_x_specmock_mistakes_name_file_and_key(overrides, error):
    data = {"apis": {"petstore": {"operations": {"GET /pet/{petId}": {"x-specmock": overrides}}}}}
    with pytest.raises(ConfigError) as raised:
        parse("specmock.yaml", data)
    assert str(raised.value) == f"specmock.yaml: {OPERATION}.{error}"


def test_settings_override_roles_are_the_resources_roles():
    assert OVERRIDE_ROLES == ROLES
