"""Contract results as people and CI systems read them, from results built by hand."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from specmock.contract.suite import Finding, OperationResult, SuiteResult
from specmock.contract.summary import passed, render, totals, write_junit


def result(*findings: Finding, errors: tuple[str, ...] = (), stopped: str = "completed"):
    outcome = SuiteResult("tasks", "http://127.0.0.1:9/v1", seed=7, stopped=stopped)
    outcome.errors.extend(errors)
    outcome.operations["POST /tasks"] = OperationResult("POST /tasks", cases=12)
    outcome.operations["GET /tasks/{id}"] = OperationResult("GET /tasks/{id}", cases=0)
    for finding in findings:
        key = (finding.operation, finding.check)
        outcome.operations[finding.operation].findings[key] = finding
    return outcome


BROKEN = Finding(
    "POST /tasks",
    "negative_data_rejection",
    "ST201",
    "Schema-violating request accepted",
    "Invalid data should have been rejected",
    201,
    "curl -X POST -d '{\"title\": 5}' http://127.0.0.1:9/v1/tasks",
    count=3,
)


def test_summary_a_clean_run_has_a_table_and_a_passing_totals_line():
    out = io.StringIO()
    render([result()], out, command="fuzz")
    assert out.getvalue() == (
        "\ntasks  http://127.0.0.1:9/v1  (seed 7)\n"
        "  operation         cases  failed checks\n"
        "  POST /tasks          12  -\n"
        "  GET /tasks/{id}       0  -\n"
        "  1 of 2 operations tested, 12 test cases, 0.0 s; failures per check: none\n"
        "specmock fuzz passed: 1 API, 1 operation, 12 test cases, 0 failures, 0 errors in 0.0 s\n"
    )


def test_summary_findings_are_listed_per_operation_and_check_with_their_reproduction():
    out = io.StringIO()
    render([result(BROKEN)], out, command="verify")
    text = out.getvalue()
    assert "  POST /tasks          12  negative_data_rejection\n" in text
    assert (
        "\n  POST /tasks\n"
        "    negative_data_rejection [ST201] Schema-violating request accepted, answered 201, "
        "seen 3 times\n"
        "      Invalid data should have been rejected\n"
        "      reproduce:\n"
        "        curl -X POST -d '{\"title\": 5}' http://127.0.0.1:9/v1/tasks\n"
    ) in text
    assert text.endswith(
        "specmock verify FAILED: 1 API, 1 operation, 12 test cases, 1 failure, 0 errors in 0.0 s\n"
    )


def test_summary_a_run_cut_short_or_a_spec_not_loaded_is_said_in_the_totals():
    cut = result(stopped="time limit reached")
    assert passed([cut]) and not passed([cut], ["a.yaml: line 1: invalid YAML"])
    assert totals([cut], command="fuzz").startswith("specmock fuzz passed (stopped early: tasks):")
    line = totals([cut], command="fuzz", load_errors=["a.yaml: line 1: invalid YAML"])
    assert line.startswith("specmock fuzz FAILED (stopped early: tasks): ")
    assert line.endswith("0 failures, 1 error in 0.0 s")


def test_summary_junit_has_a_suite_per_api_a_case_per_operation_and_safe_text(tmp_path):
    odd = Finding(
        "POST /tasks",
        "response_schema_conformance",
        "ST102",
        "Bad \x00 body",
        "lone \udc80 surrogate",
        200,
        "curl -X POST",
    )
    path = tmp_path / "r.xml"
    write_junit([result(odd, errors=("GET /tasks/{id}: Network Error",))], path, ["x.yaml: bad"])
    root = ET.parse(path).getroot()
    assert [suite.get("name") for suite in root] == ["specs", "tasks"]
    tasks = root[1]
    assert (tasks.get("tests"), tasks.get("failures"), tasks.get("errors")) == ("3", "1", "1")
    cases = {case.get("name"): case for case in tasks}
    failure = cases["POST /tasks"].find("failure")
    assert failure is not None and failure.get("message") == "ST102 Bad \\u0000 body"
    assert "lone \\udc80 surrogate" in (failure.text or "")
    assert cases["GET /tasks/{id}"].find("skipped") is not None
    assert cases["(run)"].find("error") is not None
