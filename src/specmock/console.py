"""What the command line prints: what loaded, warnings, the start banner, a contract run's
progress, and a closed pipe met quietly."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from specmock.config import is_loopback
from specmock.mock.effective import gaps
from specmock.mock.served_api import ServedApi
from specmock.spec.api import Api, Catalog

if TYPE_CHECKING:  # Schemathesis is imported by fuzz and verify only
    from specmock.contract.suite import SuiteResult


def closed_pipe() -> int:
    """A reader that stopped early (`specmock check --format json | head`) is not an error worth
    a traceback: what is still buffered goes nowhere, as Python's documentation advises."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 1


def warn_if_exposed(host: str, admin_token: str | None, out: TextIO) -> None:
    """A warning when the server is reachable from other machines, not only this one."""
    if is_loopback(host):
        return
    print(
        f"warning: bound to {host}, so the fake API and its admin API (/__specmock/: read, "
        "change and reset every record) are reachable from the network"
        + ("" if admin_token else "; protect the admin API with --admin-token"),
        file=out,
    )


def _gaps_by_operation(api: Api) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for gap in gaps(api):
        found.setdefault(gap.operation, []).append(f"{gap.status} ({gap.reason})")
    return found


def report(catalog: Catalog, out: TextIO, with_gaps: bool = False) -> None:
    """What was loaded (API, title, operations), every warning and every problem, one line each."""
    for api in catalog.apis:
        operations = api.operations
        print(
            f"loaded {api.name}: {api.title} (OpenAPI {api.version}), "
            f"{len(operations)} operation{'s' if len(operations) != 1 else ''} "
            f"from {', '.join(api.sources)}",
            file=out,
        )
        missing = _gaps_by_operation(api) if with_gaps else {}
        for operation in operations:
            print(f"  {operation.label}  [{operation.operation_id}]", file=out)
            if missing.get(operation.label):
                statuses = ", ".join(missing[operation.label])
                print(f"    answers {statuses} that the spec does not document", file=out)
    for api in catalog.apis:
        for warning in api.warnings:
            print(f"warning: {warning}", file=out)
    for error in catalog.errors:
        print(f"error: {error}", file=out)
    if not catalog.apis and not catalog.errors:
        print("no API found", file=out)


def banner(served: Mapping[str, ServedApi], host: str, port: int, out: TextIO) -> None:
    """The start banner: each API served with its URL, operation count and warnings, and where
    the dashboard and the admin API are; coloured on a terminal, plain text otherwise."""
    base = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    console = Console(file=out, highlight=False, soft_wrap=True)
    named = max((len(f"{name} {api.api.title}") for name, api in served.items()), default=0)
    widest = max((len(base + api.mount) for api in served.values()), default=0)
    if not console.is_terminal:  # a log file or a pipe has no width to keep to: nothing is cut
        console.width = max(console.width, named + widest + 30)
    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
    table.add_column("API")
    table.add_column("URL", no_wrap=True, min_width=widest)  # a URL is copied whole, never cut
    table.add_column("operations", justify="right")
    table.add_column("warnings", justify="right")
    for name, api in served.items():
        warnings = len(api.api.warnings)
        table.add_row(
            f"[bold]{escape(name)}[/] {escape(api.api.title)}",
            f"[cyan]{escape(base + api.mount)}[/]",
            str(len(api.api.operations)),
            f"[yellow]{warnings}[/]" if warnings else "0",
        )
    console.print(table)
    console.print(f"dashboard: [cyan]{escape(base)}/__specmock/[/]")
    console.print(f"admin API: [cyan]{escape(base)}/__specmock/apis[/]")


def progress(command: str, result: SuiteResult, out: TextIO) -> None:
    """One line as an API's contract run finishes: its counts, and each finding's operation."""
    found = len(result.findings)
    verdict = "passed" if result.passed else "FAILED"
    out.write(
        f"{command}: {result.api}: {verdict}, {result.tested} operations, {result.cases} cases, "
        f"{found} finding{'s' if found != 1 else ''}, {len(result.errors)} errors "
        f"({result.stopped}, {result.seconds:.1f}s)\n"
    )
    for label, operation in result.operations.items():
        for finding in operation.findings.values():
            out.write(f"  {label}: {finding.title}\n")
    out.flush()
