"""What the command line prints: what loaded, warnings, and a closed pipe met quietly."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from specmock.config import is_loopback
from specmock.mock.effective import gaps
from specmock.spec.api import Api, Catalog


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
