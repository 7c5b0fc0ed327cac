"""What the command line prints: the start banner and a contract run's progress."""

from __future__ import annotations

import io

from specmock.config import Config
from specmock.console import banner, progress
from specmock.contract.suite import Finding, OperationResult, SuiteResult
from specmock.spec.api import Catalog
from specmock.web.stubs import Stubs
from tests.conftest import SPECS


def test_console_banner_lists_each_api_url_operations_warnings_and_the_admin_api():
    catalog = Catalog.from_path(SPECS)
    stubs = Stubs(list(catalog.apis), Config(specs=SPECS))
    out = io.StringIO()
    banner(stubs.served, "127.0.0.1", 4010, out)
    text = out.getvalue()
    assert "\033[" not in text  # plain when not a terminal
    lines = [line.split() for line in text.splitlines()]
    assert ["aisquared", "AI", "Squared", "API", "http://127.0.0.1:4010", "3", "0"] in lines
    assert text.endswith(
        "dashboard: http://127.0.0.1:4010/__specmock/\n"
        "admin API: http://127.0.0.1:4010/__specmock/apis\n"
    )


def test_console_progress_gives_a_line_per_api_and_each_finding():
    result = SuiteResult("notes", "http://127.0.0.1:1", 7, seconds=1.25)
    operation = OperationResult("GET /notes")
    operation.findings[("k",)] = Finding(
        "GET /notes", "status_code_conformance", "c", "Undocumented HTTP status code", "m", 418, ""
    )
    result.operations["GET /notes"] = operation
    out = io.StringIO()
    progress("fuzz", result, out)
    assert out.getvalue().startswith("fuzz: notes: FAILED, ")
    assert "1 finding, 0 errors (completed, 1.2s)\n" in out.getvalue()
    assert out.getvalue().endswith("  GET /notes: Undocumented HTTP status code\n")


def test_console_banner_never_cuts_a_url():
    catalog = Catalog.from_path(SPECS)
    stubs = Stubs(list(catalog.apis), Config(specs=SPECS, prefix=True))
    out = io.StringIO()
    banner(stubs.served, "127.0.0.1", 43210, out)
    for api in stubs.served.values():
        assert f"http://127.0.0.1:43210{api.mount}" in out.getvalue().split(), out.getvalue()
