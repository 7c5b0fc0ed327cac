"""The `specmock` command: `serve` a folder of specs, `check` what loads and what is missing."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from specmock.config import DEFAULT_MAX_BODY, Config
from specmock.effective import gaps
from specmock.errors import SpecmockError
from specmock.spec import Api, Catalog


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except SpecmockError as error:
        print(f"specmock: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="specmock", description="Validating mock servers for OpenAPI specs."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve every operation of the specs as a stub")
    serve.add_argument("specs", nargs="?", default="specs", type=Path, help="folder or spec file")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", default=4010, type=int, help="port to bind (default 4010)")
    serve.add_argument("--prefix", action="store_true", help="mount each API under /<name>")
    serve.add_argument("--no-cors", dest="cors", action="store_false", help="turn CORS off")
    serve.add_argument(
        "--max-body", default=DEFAULT_MAX_BODY, type=_size, help="body limit in bytes (or 2MiB)"
    )
    serve.add_argument(
        "--token",
        action="append",
        default=[],
        help="the only credential accepted (repeatable): bearer token, API key or user:password",
    )
    serve.add_argument(
        "--state-file", type=Path, help="keep stored records here across restarts (JSON)"
    )
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    serve.set_defaults(run=_serve)

    check = commands.add_parser("check", help="load specs and report what loaded and every problem")
    check.add_argument("specs", nargs="?", default="specs", type=Path, help="folder or spec file")
    check.set_defaults(run=_check)
    return parser


def _size(text: str) -> int:
    units = {"kib": 1024, "kb": 1000, "mib": 1024**2, "mb": 1000**2, "b": 1}
    lowered = text.strip().lower()
    for unit, factor in units.items():
        if lowered.endswith(unit) and lowered[: -len(unit)].strip().isdigit():
            return int(lowered[: -len(unit)]) * factor
    if lowered.isdigit():
        return int(lowered)
    raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 1048576 or 1MiB")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from specmock.app import create_app

    config = Config(
        specs=args.specs,
        prefix=args.prefix,
        cors=args.cors,
        max_body=args.max_body,
        tokens=frozenset(args.token),
        state_file=args.state_file,
    )
    catalog = Catalog.from_path(config.specs)
    report(catalog, sys.stderr)
    app = create_app(config, catalog)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def _check(args: argparse.Namespace) -> int:
    from specmock.stubs import Stubs

    catalog = Catalog.from_path(args.specs)
    report(catalog, sys.stdout, with_gaps=True)
    seeded = Stubs(list(catalog.apis), Config(specs=args.specs, prefix=True))
    for error in seeded.errors:
        print(f"error: {error}", file=sys.stdout)
    return 1 if catalog.errors or seeded.errors else 0


def _gaps_by_operation(api: Api) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for gap in gaps(api):
        found.setdefault(gap.operation, []).append(f"{gap.status} ({gap.reason})")
    return found


def report(catalog: Catalog, out: TextIO, with_gaps: bool = False) -> None:
    """What was loaded (API, title, operations) and every problem, one line each."""
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
    for error in catalog.errors:
        print(f"error: {error}", file=out)
    if not catalog.apis and not catalog.errors:
        print("no API found", file=out)
