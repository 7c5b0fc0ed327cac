import io
import json
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
import yaml

from specmock.cli import main
from specmock.config import Delay, OperationFaults
from specmock.console import warn_if_exposed
from tests.conftest import SPECS


def test_cli_check_lists_apis_operations_and_gaps(capsys):
    assert main(["check", str(SPECS)]) == 0
    out = capsys.readouterr().out
    assert "loaded aisquared: AI Squared API (OpenAPI 3.1.0), 3 operations from " in out
    assert "  PATCH /restapis/{restapi_id}/models/{model_name}  [updateModel]\n" in out
    # Amazon documents 400 and 401 itself; the server adds only what is missing.
    amazon = out.split("loaded apigateway")[1].split("loaded ")[0]
    assert (
        "answers 406 (no documented media type fits Accept), 413 (body over the size limit), "
        in amazon
    )
    assert "400 (" not in amazon


def test_cli_check_exits_1_and_names_the_broken_file(tmp_path, capsys):
    (tmp_path / "broken.yaml").write_text("openapi: 3.1.0\npaths: [\n")
    (tmp_path / "ok.yaml").write_text(
        yaml.safe_dump({"openapi": "3.1.0", "info": {"title": "Ok", "version": "1"}, "paths": {}})
    )
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "loaded ok: Ok (OpenAPI 3.1.0), 0 operations" in out
    assert f"error: {tmp_path / 'broken.yaml'}: line 3: invalid YAML" in out


def test_cli_two_apis_on_one_route_stop_the_start_with_a_hint(tmp_path, capsys):
    document = {
        "openapi": "3.1.0",
        "info": {"title": "A", "version": "1"},
        "paths": {"/x": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(yaml.safe_dump(document))
    assert main(["serve", str(tmp_path), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "specmock: GET /x is served by both API 'a' and API 'b'; start with --prefix" in err


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        pytest.param({}, "no OpenAPI spec found in {folder}", id="empty-folder"),
        pytest.param(
            {"broken.yaml": "openapi: 3.1.0\npaths: [\n"},
            "no spec in {folder} loaded ({folder}/broken.yaml: line 3: invalid YAML",
            id="only-broken",
        ),
    ],
)
def test_cli_serve_with_nothing_to_serve_stops_with_the_reason(tmp_path, capsys, files, reason):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert main(["serve", str(tmp_path), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert f"specmock: nothing to serve: {reason.format(folder=tmp_path)}" in err


def test_cli_serve_without_the_specs_folder_stops(tmp_path, capsys):
    missing = tmp_path / "specs"
    assert main(["serve", str(missing), "--port", "0"]) == 2
    assert capsys.readouterr().err.endswith(
        f"specmock: nothing to serve: no spec in {missing} loaded ({missing}: no such file or "
        "folder)\n"
    )


def test_cli_serve_of_one_api_folder_serves_one_api_with_its_seed_data(monkeypatch, capsys):
    served = []
    monkeypatch.setattr("specmock.cli._run", lambda app, args, **options: served.append(app))
    assert main(["serve", str(SPECS / "aisquared")]) == 0
    err = capsys.readouterr().err
    assert "loaded aisquared: AI Squared API (OpenAPI 3.1.0), 3 operations" in err
    stubs = served[0].state.specmock
    assert list(stubs.served) == ["aisquared"]
    assert stubs.errors == []
    assert stubs.store.session("s").records("aisquared")


def test_cli_python_dash_m_works():
    result = subprocess.run(
        [sys.executable, "-m", "specmock", "check", str(SPECS)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "loaded polytomic" in result.stdout


def test_cli_check_reports_bad_seed_data_naming_file_and_record(tmp_path, capsys):
    (tmp_path / "notes.yaml").write_text(
        (SPECS.parent / "tests" / "specs" / "notes.yaml").read_text()
    )
    (tmp_path / "notes.data.yaml").write_text("/notes/1:\n  title: 5\n/elsewhere/2: {}\n")
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert (
        f"error: {tmp_path / 'notes.data.yaml'}: /notes/1: body /title: 5 is not of type 'string'"
        in out
    )


def test_cli_proxy_refuses_a_target_that_is_not_http(capsys):
    assert main(["proxy", str(SPECS), "--target", "localhost:9000"]) == 2
    assert capsys.readouterr().err == (
        "specmock: --target 'localhost:9000' is not an http(s) base URL such as http://host:8000\n"
    )


def test_cli_check_reports_contract_gaps_in_text_and_json(capsys):
    assert main(["check", str(SPECS)]) == 0
    out = capsys.readouterr().out
    assert "\ncontract gaps:\naisquared: 3 findings (no-error-response 3)\n" in out
    assert main(["check", str(SPECS), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [api["name"] for api in report["apis"]] == ["aisquared", "apigateway", "polytomic"]
    assert report["totals"]["no-error-response"] == 3 and report["errors"] == []
    gaps = report["apis"][2]["undocumented_statuses"]
    assert {
        "operation": "PUT /api/models/{id}",
        "status": 413,
        "reason": "body over the size limit",
    } in gaps


def test_cli_allow_ref_dir_lets_check_read_a_folder_outside_the_specs(tmp_path, capsys):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "pet.yaml").write_text("type: string\n")
    (tmp_path / "specs").mkdir()
    content = {"application/json": {"schema": {"$ref": "../shared/pet.yaml"}}}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "Pets", "version": "1"},
        "paths": {
            "/pets": {"get": {"responses": {"200": {"description": "ok", "content": content}}}}
        },
    }
    (tmp_path / "specs" / "pets.yaml").write_text(yaml.safe_dump(document))
    assert main(["check", str(tmp_path / "specs")]) == 1
    out = capsys.readouterr().out
    assert "is outside the folders references may read" in out
    shared = str(tmp_path / "shared")
    assert main(["check", str(tmp_path / "specs"), "--allow-ref-dir", shared]) == 0
    assert "loaded pets: Pets (OpenAPI 3.1.0), 1 operation from " in capsys.readouterr().out


def test_cli_allow_ref_dir_must_be_a_folder(tmp_path, capsys):
    missing = str(tmp_path / "nowhere")
    for command in ("serve", "check", "proxy", "fuzz", "verify"):
        with pytest.raises(SystemExit):
            main([command, str(tmp_path), "--allow-ref-dir", missing, "--target", "http://x"])
        assert f"--allow-ref-dir: {missing!r} is not a folder" in capsys.readouterr().err


NOTES_SPEC = SPECS.parent / "tests" / "specs" / "notes.yaml"
_BOUND = 30  # seconds any wait in these tests may take at most; none is a timing assertion


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(state, *extra):
    """`specmock serve` in a subprocess with a state file, once it answers; and its base URL."""
    port = _free_port()
    command = [sys.executable, "-m", "specmock", "serve", str(NOTES_SPEC), "--port", str(port)]
    command += ["--state-file", str(state), "--log-level", "warning", "--records", "0", *extra]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + _BOUND
    while time.monotonic() < deadline and process.poll() is None:
        try:
            httpx.get(f"{url}/__specmock/apis", timeout=1)
            return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    process.wait(_BOUND)
    raise AssertionError(f"the server did not start: {' '.join(command)}")


def _saved(state, text):
    """Wait (bounded) until the state file holds `text`."""
    deadline = time.monotonic() + _BOUND
    while time.monotonic() < deadline:
        if state.is_file() and text in state.read_text():
            return True
        time.sleep(0.05)
    return False


def test_cli_a_write_survives_sigkill_once_saved(tmp_path):
    state = tmp_path / "state.json"
    process, url = _serve(state)
    try:
        assert httpx.post(f"{url}/notes", json={"title": "kept"}).status_code == 201
        assert _saved(state, "kept")  # within about a second, with no shutdown at all
    finally:
        process.kill()
        process.wait(_BOUND)
    process, url = _serve(state)
    try:
        assert httpx.get(f"{url}/notes/1").json()["title"] == "kept"
    finally:
        process.kill()
        process.wait(_BOUND)


def test_cli_serve_populates_and_resets_a_connection_through_its_request_log(tmp_path):
    process, url = _serve(tmp_path / "state.json", "--records", "2", "--log-level", "info")
    try:
        with pytest.raises(httpx.ReadError):
            httpx.get(f"{url}/notes", headers={"Prefer": "fault=reset"})
        assert httpx.get(f"{url}/notes/2").status_code == 200
    finally:
        process.kill()
        process.wait(_BOUND)


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=["term", "hup"])
def test_cli_shutdown_ends_in_bounded_time_past_a_stalled_body_and_saves(tmp_path, number):
    state = tmp_path / "state.json"
    process, url = _serve(state, "--shutdown-timeout", "1", "--body-timeout", "600")
    try:
        assert httpx.post(f"{url}/notes", json={"title": "before"}).status_code == 201
        with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), 5) as stalled:
            head = "PUT /notes/1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            stalled.sendall(f"{head}Content-Length: 100\r\n\r\n{{".encode())
            time.sleep(0.2)  # let the server start reading the body: not an assertion
            process.send_signal(number)
            assert process.wait(_BOUND) in (0, -signal.SIGTERM)
    finally:
        process.kill()
        process.wait(_BOUND)
    assert "before" in state.read_text()


def test_cli_shutdown_ends_the_dashboards_open_event_streams(tmp_path):
    process, url = _serve(tmp_path / "state.json", "--shutdown-timeout", "600")
    try:
        with httpx.stream("GET", f"{url}/__specmock/requests/stream", timeout=_BOUND) as stream:
            lines = stream.iter_lines()
            assert next(lines) == "retry: 1000"
            process.send_signal(signal.SIGTERM)
            # within the bound, not after the 600 s an open stream would hold the shutdown back
            assert process.wait(_BOUND) in (0, -signal.SIGTERM)
            assert "event: entry" not in list(lines)  # the stream ended
    finally:
        process.kill()
        process.wait(_BOUND)


def test_cli_a_state_file_that_cannot_be_written_stops_the_start(tmp_path, capsys):
    assert main(["serve", str(NOTES_SPEC), "--state-file", str(tmp_path)]) == 2
    assert capsys.readouterr().err.endswith(
        f"specmock: --state-file '{tmp_path}' is a folder; give a file path in it\n"
    )


@pytest.mark.parametrize(
    ("token", "error"),
    [
        pytest.param(
            "basic=s3cret",
            "the basic token is not user:password (basic=user:password)",
            id="basic-without-colon",
        ),
        pytest.param("bearer=", "the bearer token must not be empty", id="empty-bearer"),
        pytest.param(
            "apiKey=s3cret\x01",
            "the apiKey token has a control character, which no request carries",
            id="control-character",
        ),
    ],
)
def test_cli_serve_refuses_a_malformed_token_without_quoting_it(monkeypatch, capsys, token, error):
    monkeypatch.setattr("specmock.cli._run", lambda app, args, **options: None)
    with pytest.raises(SystemExit):
        main(["serve", str(SPECS), "--token", token])
    err = capsys.readouterr().err
    assert err.endswith(f"argument --token: {error}\n")
    assert "s3cret" not in err


def test_cli_serve_passes_host_tokens_and_the_admin_token_from_the_environment(monkeypatch):
    served = []
    monkeypatch.setattr("specmock.cli._run", lambda app, args, **options: served.append(app))
    monkeypatch.setenv("SPECMOCK_ADMIN_TOKEN", "from-env")
    argv = ["serve", str(SPECS), "--host", "::1", "--token", "bearer=T", "--token", "K"]
    assert main(argv) == 0
    config = served[0].state.specmock.config
    assert (config.host, config.admin_token, config.tokens) == (
        "::1",
        "from-env",
        frozenset({"bearer=T", "K"}),
    )
    assert "from-env" not in repr(config) and "bearer=T" not in repr(config)


@pytest.mark.parametrize(
    ("host", "admin_token", "warning"),
    [
        pytest.param("127.0.0.1", None, "", id="loopback"),
        pytest.param("localhost", None, "", id="localhost"),
        pytest.param("::1", None, "", id="ipv6-loopback"),
        pytest.param(
            "0.0.0.0",
            None,
            "warning: bound to 0.0.0.0, so the fake API and its admin API (/__specmock/: read, "
            "change and reset every record) are reachable from the network; protect the admin "
            "API with --admin-token\n",
            id="every-address",
        ),
        pytest.param(
            "192.168.1.5",
            "T",
            "warning: bound to 192.168.1.5, so the fake API and its admin API (/__specmock/: "
            "read, change and reset every record) are reachable from the network\n",
            id="with-admin-token",
        ),
    ],
)
def test_cli_warns_when_bound_beyond_loopback(host, admin_token, warning):
    out = io.StringIO()
    warn_if_exposed(host, admin_token, out)
    assert out.getvalue() == warning


def test_cli_version_comes_from_the_package_metadata(capsys):
    from importlib import metadata

    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"specmock {metadata.version('specmock')}\n"


@pytest.mark.parametrize("command", ["serve", "check", "proxy", "fuzz", "verify"])
def test_cli_help_of_each_command_shows_an_example(capsys, command):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert f"example:\n  specmock {command} specs" in capsys.readouterr().out


def test_cli_a_closed_pipe_ends_quietly(tmp_path):
    reader, writer = socket.socketpair()  # a pipe whose reader is gone before anything is written
    reader.close()
    result = subprocess.run(
        [sys.executable, "-m", "specmock", "check", str(SPECS), "--format", "json"],
        stdout=writer.fileno(),
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )
    writer.close()
    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr
    assert result.returncode == 1


def test_cli_ctrl_c_ends_without_a_traceback(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr("specmock.cli._check", interrupted)
    assert main(["check", str(SPECS)]) == 130
    assert capsys.readouterr().err == "specmock: interrupted\n"


def _notes_with_config(tmp_path, text):
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "notes.yaml").write_text(NOTES_SPEC.read_text())
    (tmp_path / "specmock.yaml").write_text(text)
    return tmp_path / "specs"


def test_cli_config_file_beside_the_specs_sets_options_and_flags_win(tmp_path, monkeypatch):
    specs = _notes_with_config(tmp_path, "port: 4999\nmax_body: 2KiB\nno-cors: true\ntoken: [T]\n")
    apps = []
    monkeypatch.setattr("specmock.cli._run", lambda app, args, **options: apps.append((app, args)))
    assert main(["serve", str(specs), "--port", "4998"]) == 0
    app, args = apps[0]
    config = app.state.specmock.config
    assert (args.port, config.max_body, config.cors, config.tokens) == (
        4998,
        2048,
        False,
        frozenset({"T"}),
    )


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param("port: soon\n", "port: expected an integer, got 'soon'", id="int"),
        pytest.param(
            "body-timeout: -1\n",
            "body-timeout: '-1' is not a positive number of seconds",
            id="type",
        ),
        pytest.param(
            "log-level: loud\n",
            "log-level: expected one of critical, error, warning, info, debug, got 'loud'",
            id="choices",
        ),
        pytest.param("prefix: 1\n", "prefix: expected true or false, got 1", id="flag"),
        pytest.param(
            'apis: {notes: {operations: {"GET /nope": {status: 404}}}}\n',
            "apis.notes.operations.\"GET /nope\": the API 'notes' has no such operation",
            id="operation",
        ),
        pytest.param(
            'apis: {notes: {operations: {"GET /notes/{noteId}": {example: nosuch}}}}\n',
            'apis.notes.operations."GET /notes/{noteId}".example: expected the name of one of'
            " its responses' examples (it documents none), got 'nosuch'",
            id="example",
        ),
    ],
)
def test_cli_config_file_mistakes_name_file_and_key(tmp_path, monkeypatch, capsys, text, error):
    specs = _notes_with_config(tmp_path, text)
    monkeypatch.setattr("specmock.cli._run", lambda app, args, **options: None)
    assert main(["serve", str(specs)]) == 2
    assert capsys.readouterr().err.endswith(f"specmock: {tmp_path / 'specmock.yaml'}: {error}\n")


def test_cli_config_file_unknown_option_lists_the_known_ones(tmp_path, monkeypatch, capsys):
    specs = _notes_with_config(tmp_path, "colour: red\n")
    assert main(["serve", str(specs)]) == 2
    err = capsys.readouterr().err
    path = tmp_path / "specmock.yaml"
    assert f"specmock: {path}: colour: unknown option; expected one of " in err
    assert "max-body" in err and "no-cors" in err
    assert " h," not in err  # -h is no option a file can hold


def test_cli_config_file_forces_an_operation_status_a_prefer_header_still_overrides(
    tmp_path, monkeypatch
):
    text = 'apis: {notes: {operations: {"GET /notes/{noteId}": {status: 404}}}}\n'
    specs = _notes_with_config(tmp_path, text)
    apps = []
    monkeypatch.setattr("specmock.cli._run", lambda app, args, **options: apps.append(app))
    assert main(["serve", str(specs), "--log-level", "warning"]) == 0
    from specmock.web.testing import LiveServer

    with LiveServer(app=apps[0]) as server:
        created = httpx.post(f"{server.url}/notes", json={"title": "a"})
        assert created.status_code == 201
        item = created.headers["location"]
        assert httpx.get(f"{server.url}{item}").status_code == 404
        asked = httpx.get(f"{server.url}{item}", headers={"Prefer": "code=200"})
        assert asked.status_code == 200


@pytest.mark.parametrize(("flags", "watch"), [([], True), (["--no-watch"], False)])
def test_cli_serve_watches_the_specs_unless_no_watch(monkeypatch, flags, watch):
    served = []
    monkeypatch.setattr("specmock.cli._run", lambda app, args, **options: served.append(app))
    assert main(["serve", str(SPECS), *flags]) == 0
    assert served[0].state.specmock.config.watch is watch
    assert (served[0].state.reloader is not None) is watch


def test_cli_config_file_delays_and_faults_reach_the_fault_injector(tmp_path, monkeypatch):
    text = (
        'apis: {notes: {operations: {"GET /notes/{noteId}": {delay: "200-300"},'
        ' "DELETE /notes/{noteId}": {fault: "503"}}}}\n'
    )
    specs = _notes_with_config(tmp_path, text)
    apps = []
    monkeypatch.setattr("specmock.cli._run", lambda app, args, **options: apps.append(app))
    assert main(["serve", str(specs), "--records", "0"]) == 0
    operations = apps[0].state.specmock.config.operations
    assert operations["notes", "GET /notes/{noteId}"] == OperationFaults(Delay(0.2, 0.3), None)
    assert operations["notes", "DELETE /notes/{noteId}"] == OperationFaults(None, "503")


def test_cli_config_file_api_settings_reach_the_config(tmp_path, monkeypatch):
    text = "apis: {notes: {token: [bearer=N], delay: 100, fault: empty}}\n"
    specs = _notes_with_config(tmp_path, text)
    apps = []
    monkeypatch.setattr("specmock.cli._run", lambda app, args, **options: apps.append(app))
    assert main(["serve", str(specs), "--records", "0"]) == 0
    config = apps[0].state.specmock.config
    assert config.api_faults == {"notes": OperationFaults(Delay(0.1, 0.1), "empty")}
    assert config.api_tokens == {"notes": frozenset({"bearer=N"})}


def test_cli_serve_refuses_a_store_that_is_no_redis_url(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["serve", str(SPECS), "--store", "mysql://db/1"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.endswith(
        "argument --store: 'mysql://db/1' is not a store: 'memory', or a Redis URL such as"
        " redis://127.0.0.1:6379/0\n"
    )


def test_cli_serve_says_a_bad_store_came_from_specmock_store(monkeypatch, capsys):
    monkeypatch.setenv("SPECMOCK_STORE", "mysql://db/1")
    with pytest.raises(SystemExit) as exited:
        main(["serve", str(SPECS)])
    assert exited.value.code == 2
    assert capsys.readouterr().err.endswith(
        "'mysql://db/1' is not a store: 'memory', or a Redis URL such as"
        " redis://127.0.0.1:6379/0 (from $SPECMOCK_STORE)\n"
    )


def test_cli_serve_reads_the_store_from_specmock_store(monkeypatch):
    from specmock.cli import _parser as parser

    monkeypatch.setenv("SPECMOCK_STORE", "redis://127.0.0.1:6399/2")
    args = parser().parse_args(["serve", str(SPECS)])
    assert (args.store, args.store_prefix) == ("redis://127.0.0.1:6399/2", "specmock")


def test_cli_serve_checks_the_store_of_the_config_file(tmp_path, capsys):
    config = tmp_path / "specmock.yaml"
    config.write_text("store: mysql://db/1\n")
    assert main(["serve", str(SPECS), "--config", str(config), "--port", "0"]) == 2
    assert "store: 'mysql://db/1' is not a store: 'memory', or a Redis URL" in (
        capsys.readouterr().err
    )


def test_cli_serve_warns_at_startup_of_a_redis_store_that_does_not_answer(
    redis_server, monkeypatch, capsys
):
    monkeypatch.setattr("specmock.cli._run", lambda app, args, **options: None)
    url = f"redis://:wrong@127.0.0.1:{redis_server.port}/0"  # a Redis with no password set
    assert main(["serve", str(SPECS), "--store", url, "--records", "0"]) == 0
    warned = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert warned == [
        f"warning: the store redis://127.0.0.1:{redis_server.port}/0 failed: AUTH <password>"
        " called without any password configured for the default user. Are you sure your"
        " configuration is correct? (until it answers, requests that need it get 503)"
    ]
    assert main(["serve", str(SPECS), "--store", redis_server.url, "--records", "0"]) == 0
    assert "warning:" not in capsys.readouterr().err
