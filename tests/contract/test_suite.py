"""The contract suite (`specmock verify`, `specmock fuzz`) judged on servers we know the truth of:
one that keeps tasks.yaml, one per planted fault, and specmock's own stub of the same spec."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest

from specmock.cli import main
from specmock.config import Config
from specmock.contract.suite import SuiteOptions, base_url_for, credentials_for, run_suite
from specmock.errors import SpecmockError
from specmock.spec.api import Api
from specmock.web.testing import LiveServer
from tests.conftest import SPECS
from tests.contract.servers import FAULTS, SPEC, TOKEN, TasksServer

TASKS = Api.from_path(SPEC)
# Bounded: a handful of cases per operation and phase, fixed seed, so each run takes seconds.
OPTIONS = SuiteOptions(max_examples=10, seed=1, headers={"Authorization": f"Bearer {TOKEN}"})


@pytest.fixture
def conforming() -> Iterator[LiveServer]:
    with LiveServer(app=TasksServer().app, log_level="critical") as server:
        yield server


def test_contract_a_conforming_server_passes(conforming):
    result = run_suite("tasks", TASKS.document, conforming.url + "/v1", OPTIONS)
    assert (result.findings, result.errors, result.stopped) == ([], [], "completed")
    assert result.tested == 3 and result.cases > 30
    assert result.passed


@pytest.mark.parametrize(("fault", "check"), FAULTS.items(), ids=list(FAULTS))
def test_contract_each_planted_fault_is_caught_by_its_check(fault, check):
    with LiveServer(app=TasksServer(fault).app, log_level="critical") as server:
        result = run_suite("tasks", TASKS.document, server.url + "/v1", OPTIONS)
    assert set(result.failures_per_check) == {check}
    assert not result.passed
    finding = result.findings[0]
    assert finding.curl.startswith("curl -X ") and server.url in finding.curl


def test_contract_the_stub_of_a_spec_documenting_its_errors_passes_verify_against_it():
    config = Config(specs=SPEC.parent, tokens=frozenset({TOKEN}))
    with LiveServer(config, log_level="critical") as server:
        result = run_suite("tasks", TASKS.document, server.url + "/v1", OPTIONS)
    assert (result.findings, result.errors) == ([], [])


def test_contract_verify_cli_reports_per_operation_and_check_with_a_curl_line(tmp_path, capsys):
    junit = tmp_path / "verify.xml"
    with LiveServer(app=TasksServer("forgets-deletion").app, log_level="critical") as server:
        status = main(
            [
                "verify",
                str(SPEC),
                "--target",
                server.url,
                "-H",
                f"Authorization: Bearer {TOKEN}",
                "--max-examples",
                "10",
                "--seed",
                "1",
                "--junit",
                str(junit),
            ]
        )
    out = capsys.readouterr().out
    assert status == 1
    assert f"tasks  {server.url}/v1  (seed 1)\n" in out
    expected = (
        "\n  GET /tasks/{taskId}\n    use_after_free [ST301] Deleted resource still available"
    )
    assert expected in out
    # The reproduction is the whole sequence: create, delete, read again.
    steps = out.split("reproduce:\n")[1].splitlines()[:3]
    assert [step.split()[2] for step in steps] == ["POST", "DELETE", "GET"]
    # Credentials given with -H are masked: reports end up in CI logs.
    assert f"curl -X DELETE -H 'Authorization: [Filtered]' {server.url}/v1/tasks/" in out
    assert "specmock verify FAILED: 1 API, 3 operations, " in out
    failures = ET.parse(junit).getroot().findall(".//testcase/failure")
    assert [failure.get("type") for failure in failures] == ["use_after_free"]


def test_contract_verify_cli_exits_0_for_a_conforming_server(conforming, capsys):
    target = conforming.url + "/v1"  # a target with a path replaces the spec's base path
    argv = ["verify", str(SPEC), "--target", target, "-H", f"Authorization: Bearer {TOKEN}"]
    assert main([*argv, "--max-examples", "5", "--seed", "2"]) == 0
    assert "specmock verify passed: 1 API, 3 operations, " in capsys.readouterr().out


def test_contract_fuzz_cli_runs_the_stubs_with_a_table_and_totals(tmp_path, capsys):
    junit = tmp_path / "fuzz.xml"
    argv = ["fuzz", str(SPEC.parent), "--max-examples", "5", "--seed", "3", "--junit", str(junit)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "  operation                cases  failed checks\n  POST /tasks  " in out
    assert "3 of 3 operations tested, " in out and "failures per check: none" in out
    assert "specmock fuzz passed: 1 API, 3 operations, " in out
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and (suite.get("name"), suite.get("tests")) == ("tasks", "3")


def test_contract_fuzz_passes_every_shipped_api(capsys):
    """`specmock fuzz specs/`: every phase, stateful included, every check; zero failures."""
    assert main(["fuzz", str(SPECS), "--max-examples", "20", "--seed", "1"]) == 0, (
        capsys.readouterr().out
    )


def test_contract_unknown_api_is_a_usage_error(capsys):
    assert main(["fuzz", str(SPEC.parent), "--api", "nope"]) == 2
    assert "specmock: no API named 'nope'; loaded: tasks" in capsys.readouterr().err


def test_contract_an_unreachable_target_is_a_usage_error_before_any_test(capsys):
    with LiveServer(app=TasksServer().app, log_level="critical") as server:
        url = server.url  # a port just freed: nothing listens there any more
    assert main(["verify", str(SPEC), "--target", url]) == 2
    assert (
        f"\nspecmock: cannot reach --target at {url}/v1: ConnectError: " in capsys.readouterr().err
    )


def test_contract_missing_credentials_fail_the_run_instead_of_passing_on_401s(conforming):
    # Every answer a 401 (documented) would pass every check while testing nothing else.
    options = SuiteOptions(max_examples=5, seed=1)
    result = run_suite("tasks", TASKS.document, conforming.url + "/v1", options)
    assert result.findings == [] and not result.passed
    assert result.errors == [
        "every answer to POST /tasks, GET /tasks/{taskId}, DELETE /tasks/{taskId} was 401 or "
        "403: the credentials are missing or refused (pass them with -H), so nothing behind the "
        "security check was tested"
    ]


def test_contract_a_spec_that_did_not_load_fails_the_run_and_the_report(tmp_path, capsys):
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "tasks.yaml").write_text(SPEC.read_text())
    (specs / "broken.yaml").write_text("openapi: 3.1.0\npaths: [\n")
    junit = tmp_path / "out" / "fuzz.xml"
    argv = ["fuzz", str(specs), "--max-examples", "3", "--seed", "1", "--junit", str(junit)]
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "specs that did not load (not tested):\n  error: " in out
    assert "specmock fuzz FAILED: 1 API, 3 operations, " in out
    errors = ET.parse(junit).getroot().findall("./testsuite[@name='specs']/testcase/error")
    assert len(errors) == 1 and "broken.yaml" in (errors[0].text or "")


def test_contract_the_time_limit_stops_the_run_and_says_so(capsys):
    argv = ["fuzz", str(SPECS), "--max-examples", "50", "--seed", "1", "--max-time", "2"]
    assert main(argv) == 0  # what ran found nothing; the line says the run was cut short
    out = capsys.readouterr().out
    assert "stopped early (time limit reached): " in out
    assert "specmock fuzz passed (stopped early: " in out


def test_contract_an_unwritable_report_path_is_refused_before_the_run(capsys):
    assert main(["fuzz", str(SPEC.parent), "--junit", "/proc/nope/report.xml"]) == 2
    assert "specmock: cannot write the JUnit report to '/proc/nope/report.xml': " in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("Authorization Bearer T", id="no-colon"),
        pytest.param("Bad Name: x", id="space-in-name"),
        pytest.param("X-A: b\nc", id="newline"),
    ],
)
def test_contract_a_malformed_header_is_a_usage_error(header, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["verify", str(SPEC), "--target", "http://127.0.0.1:1", "-H", header])
    assert exited.value.code == 2
    assert "is not a header such as 'Name: value'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("target", "base"),
    [
        pytest.param("http://127.0.0.1:8000", "http://127.0.0.1:8000/v1", id="origin"),
        pytest.param("http://127.0.0.1:8000/", "http://127.0.0.1:8000/v1", id="slash"),
        pytest.param("http://h/api/v2/", "http://h/api/v2", id="own-path"),
    ],
)
def test_contract_base_url_keeps_or_replaces_the_spec_base_path(target, base):
    assert base_url_for(target, "/v1") == base


def test_contract_base_url_refuses_what_is_not_http():
    with pytest.raises(SpecmockError, match="--target 'localhost:8000' is not an http"):
        base_url_for("localhost:8000", "/v1")


def test_contract_credentials_cover_each_kind_of_scheme():
    document = {
        "components": {
            "securitySchemes": {
                "b": {"type": "http", "scheme": "bearer"},
                "basic": {"type": "http", "scheme": "Basic"},
                "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
                "o": {"type": "oauth2", "flows": {}},
                "tls": {"type": "mutualTLS"},
            }
        }
    }
    assert credentials_for(document, "t") == {
        "b": {"bearer": "t"},
        "basic": {"username": "specmock", "password": "t"},
        "key": {"api_key": "t"},
        "o": {"bearer": "t"},
    }
