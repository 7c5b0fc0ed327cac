"""The `specmock` command: `serve` a folder of specs, `check` what loads and what is missing,
`fuzz` the stubs and `verify` a real server with the contract suite."""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import re
import secrets
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from starlette.types import ASGIApp

from specmock.config import (
    DEFAULT_BODY_TIMEOUT,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_EXAMPLES,
    DEFAULT_SESSION_TTL,
    DEFAULT_SHUTDOWN_TIMEOUT,
    Config,
    is_loopback,
)
from specmock.errors import SpecmockError
from specmock.mock.effective import gaps
from specmock.mock.store import MAX_SESSIONS
from specmock.spec.api import Api, Catalog
from specmock.validation.security import split_token

if TYPE_CHECKING:  # the contract suite (Schemathesis) is imported by fuzz and verify only
    from specmock.contract.suite import SuiteOptions, SuiteResult

DEFAULT_MAX_TIME = 600
ADMIN_TOKEN_VARIABLE = "SPECMOCK_ADMIN_TOKEN"


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
    _ref_dir_argument(serve)
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
        type=_token,
        help="a credential accepted, the only ones once given (repeatable): bearer=T, "
        "basic=user:password or apiKey=K for one kind of security scheme; a plain T for any",
    )
    _admin_token_argument(serve)
    serve.add_argument(
        "--state-file",
        type=Path,
        help="keep stored records here across restarts (JSON, saved about once a second)",
    )
    serve.add_argument(
        "--session-ttl",
        default=DEFAULT_SESSION_TTL,
        type=_seconds,
        help=f"seconds idle before a session may give way to a new one past {MAX_SESSIONS}"
        f" (default {DEFAULT_SESSION_TTL:g})",
    )
    _time_limits(serve)
    serve.add_argument("--locale", type=_locale, help="Faker locale of made-up data (en_US)")
    serve.add_argument("--seed", type=int, help="another seed, other made-up data (same each run)")
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    serve.set_defaults(run=_serve)

    check = commands.add_parser("check", help="load specs and report what loaded and every problem")
    check.add_argument("specs", nargs="?", default="specs", type=Path, help="folder or spec file")
    _ref_dir_argument(check)
    check.add_argument(
        "--format", choices=["text", "json"], default="text", help="text (default) or json"
    )
    check.set_defaults(run=_check)

    proxy = commands.add_parser("proxy", help="forward to a real server, validating both sides")
    proxy.add_argument("specs", nargs="?", default="specs", type=Path, help="folder or spec file")
    _ref_dir_argument(proxy)
    proxy.add_argument(
        "--target",
        required=True,
        help="the real server's base URL (its own base path kept if none)",
    )
    proxy.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    proxy.add_argument("--port", default=4010, type=int, help="port to bind (default 4010)")
    proxy.add_argument(
        "--strict", action="store_true", help="refuse bad requests (4xx) and bad answers (502)"
    )
    proxy.add_argument(
        "--timeout", default=10.0, type=_seconds, help="seconds per upstream exchange (default 10)"
    )
    proxy.add_argument(
        "--max-body", default=DEFAULT_MAX_BODY, type=_size, help="body limit in bytes (or 2MiB)"
    )
    _time_limits(proxy)
    proxy.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    _admin_token_argument(proxy)
    proxy.set_defaults(run=_proxy)

    fuzz = commands.add_parser(
        "fuzz", help="run the contract suite against specmock's own stubs (effective specs)"
    )
    fuzz.add_argument("specs", nargs="?", default="specs", type=Path, help="folder or spec file")
    _ref_dir_argument(fuzz)
    _suite_arguments(fuzz)
    fuzz.set_defaults(run=_fuzz)

    verify = commands.add_parser(
        "verify", help="run the contract suite against a real server (source specs)"
    )
    verify.add_argument("specs", nargs="?", default="specs", type=Path, help="folder or spec file")
    _ref_dir_argument(verify)
    verify.add_argument(
        "--target", required=True, help="the server's base URL (its own base path kept if none)"
    )
    verify.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        type=_header,
        help="a header sent with every request, such as 'Authorization: Bearer T' (repeatable)",
    )
    _suite_arguments(verify)
    verify.set_defaults(run=_verify)
    return parser


def _ref_dir_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-ref-dir",
        dest="ref_dirs",
        action="append",
        default=[],
        type=_folder,
        metavar="DIR",
        help="a folder outside the specs folder whose files a $ref may read (repeatable)",
    )


def _folder(text: str) -> Path:
    if not Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is not a folder")
    return Path(text)


def _time_limits(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--body-timeout",
        default=DEFAULT_BODY_TIMEOUT,
        type=_seconds,
        help=f"seconds a body may stall before a 408 (default {DEFAULT_BODY_TIMEOUT:g})",
    )
    parser.add_argument(
        "--shutdown-timeout",
        default=DEFAULT_SHUTDOWN_TIMEOUT,
        type=_seconds,
        help="seconds open connections get to finish at shutdown"
        f" (default {DEFAULT_SHUTDOWN_TIMEOUT:g})",
    )


def _admin_token_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--admin-token",
        type=_admin_token,
        default=os.environ.get(ADMIN_TOKEN_VARIABLE) or None,
        help="every /__specmock/ request then needs 'Authorization: Bearer TOKEN' "
        f"(default: ${ADMIN_TOKEN_VARIABLE}, which keeps it out of the process list)",
    )


def _suite_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--api", action="append", default=[], help="only this API (repeatable)")
    parser.add_argument(
        "--max-examples",
        type=_positive,
        default=DEFAULT_MAX_EXAMPLES,
        help=f"test cases per operation and phase (default {DEFAULT_MAX_EXAMPLES})",
    )
    parser.add_argument("--seed", type=int, help="seed for a reproducible run (printed if not set)")
    parser.add_argument(
        "--workers", type=_positive, default=1, help="concurrent workers (default 1)"
    )
    parser.add_argument(
        "--max-time",
        type=_positive,
        default=DEFAULT_MAX_TIME,
        help=f"stop after this many seconds in all (default {DEFAULT_MAX_TIME})",
    )
    parser.add_argument(
        "--request-timeout", type=_seconds, default=10.0, help="seconds per request (default 10)"
    )
    parser.add_argument("--junit", type=Path, help="also write a JUnit XML report here")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def _header(text: str) -> tuple[str, str]:
    name, colon, value = text.partition(":")
    token = re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name.strip())
    if not colon or token is None or any(ord(c) < 32 and c != "\t" for c in value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a header such as 'Name: value'")
    return name.strip(), value.strip()


def _token(text: str) -> str:
    """A `--token` as given; its value is never quoted back, even in a usage error."""
    kind, value = split_token(text)
    if not value.strip():
        raise argparse.ArgumentTypeError(f"the {kind or 'plain'} token must not be empty")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise argparse.ArgumentTypeError(
            f"the {kind or 'plain'} token has a control character, which no request carries"
        )
    if kind == "basic" and ":" not in value:
        raise argparse.ArgumentTypeError(
            "the basic token is not user:password (basic=user:password)"
        )
    return text


def _admin_token(text: str) -> str:
    if not text or any(ord(c) < 33 or ord(c) > 126 for c in text):
        raise argparse.ArgumentTypeError(
            "the admin token must be printable ASCII without spaces, and not empty"
        )
    return text


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def _size(text: str) -> int:
    units = {"kib": 1024, "kb": 1000, "mib": 1024**2, "mb": 1000**2, "b": 1}
    lowered = text.strip().lower()
    for unit, factor in units.items():
        if lowered.endswith(unit) and lowered[: -len(unit)].strip().isdigit():
            return int(lowered[: -len(unit)]) * factor
    if lowered.isdigit():
        return int(lowered)
    raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 1048576 or 1MiB")


def _locale(text: str) -> str:
    from specmock.schemas.fakes import Fakes

    try:
        return Fakes(text).locale
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _serve(args: argparse.Namespace) -> int:
    from specmock.web.app import create_app

    config, catalog = _served(
        args,
        prefix=args.prefix,
        cors=args.cors,
        tokens=frozenset(args.token),
        state_file=args.state_file,
        session_ttl=args.session_ttl,
        locale=args.locale,
        seed=args.seed,
    )
    _run(create_app(config, catalog), args)
    return 0


def _served(args: argparse.Namespace, **fields: Any) -> tuple[Config, Catalog]:
    """The config of a server (`serve` or `proxy`) from its options, and its specs loaded and
    reported on stderr."""
    config = Config(
        specs=args.specs,
        max_body=args.max_body,
        allow_ref_dirs=tuple(args.ref_dirs),
        body_timeout=args.body_timeout,
        shutdown_timeout=args.shutdown_timeout,
        host=args.host,
        admin_token=args.admin_token,
        **fields,
    )
    catalog = Catalog.from_path(config.specs, config.allow_ref_dirs)
    report(catalog, sys.stderr)
    return config, catalog


def _run(app: ASGIApp, args: argparse.Namespace, **options: Any) -> None:
    """Serve `app` with uvicorn on `--host`/`--port`: with our request log at info and debug
    (uvicorn's own access log stays off), and everything built at start moved out of the garbage
    collector's sight. SIGHUP ends it as SIGTERM and SIGINT do (the lifespan's last save runs),
    and open connections get `--shutdown-timeout` seconds to finish.

    A full collection walks every object of the loaded specs (79 ms on GitHub's), which showed
    as p99 spikes under load; `gc.freeze` leaves them to the permanent generation.
    """
    import uvicorn

    from specmock.web.requestlog import RequestLog

    warn_if_exposed(args.host, args.admin_token, sys.stderr)
    gc.collect()
    gc.freeze()
    logged = RequestLog(app) if args.log_level in ("info", "debug") else app
    settings = uvicorn.Config(
        logged,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=False,
        timeout_graceful_shutdown=math.ceil(args.shutdown_timeout),
        **options,
    )
    server = uvicorn.Server(settings)
    signal.signal(signal.SIGHUP, lambda number, frame: server.handle_exit(signal.SIGTERM, frame))
    server.run()


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


def _proxy(args: argparse.Namespace) -> int:
    from specmock.web.proxy import ProxyOptions, create_proxy_app
    from specmock.web.timeouts import BodyTimeout

    options = ProxyOptions(args.target, strict=args.strict, timeout=args.timeout)
    config, catalog = _served(args, cors=False)
    app = BodyTimeout(create_proxy_app(config, options, catalog), config.body_timeout)
    # The proxy is the edge: a client's X-Forwarded-For is extended, not trusted. The upstream's
    # own Date and Server headers pass through, so uvicorn adds none of its own.
    _run(app, args, proxy_headers=False, server_header=False, date_header=False)
    return 0


def _check(args: argparse.Namespace) -> int:
    from specmock.contract.audit import as_json, audit, render_text
    from specmock.web.stubs import Stubs

    catalog = Catalog.from_path(args.specs, args.ref_dirs)
    seeded = Stubs(list(catalog.apis), Config(specs=args.specs, prefix=True))
    errors = [*catalog.errors, *seeded.errors]
    findings = [finding for api in catalog.apis for finding in audit(api)]
    if args.format == "json":
        document = as_json(catalog.apis, findings)
        for described, api in zip(document["apis"], catalog.apis, strict=True):
            described["undocumented_statuses"] = [
                {"operation": gap.operation, "status": gap.status, "reason": gap.reason}
                for gap in gaps(api)
            ]
        document["warnings"] = [w.as_dict() for api in catalog.apis for w in api.warnings]
        document["errors"] = [e.as_dict() for e in errors]
        json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        report(catalog, sys.stdout, with_gaps=True)
        for error in seeded.errors:
            print(f"error: {error}", file=sys.stdout)
        print("\ncontract gaps:")
        render_text(findings, sys.stdout, [api.name for api in catalog.apis])
    return 1 if errors else 0


def _fuzz(args: argparse.Namespace) -> int:
    from specmock.contract import suite as contract
    from specmock.web.app import create_app
    from specmock.web.testing import LiveServer

    _check_report_path(args.junit)
    catalog = Catalog.from_path(args.specs, args.ref_dirs)
    report(catalog, sys.stderr)
    apis = _chosen(catalog, args.api, args.specs)
    token = secrets.token_hex(8)
    kinds = {f"bearer={token}", f"apiKey={token}", f"basic=specmock:{token}"}
    config = Config(specs=args.specs, tokens=frozenset(kinds), allow_ref_dirs=tuple(args.ref_dirs))
    results = []
    with LiveServer(app=create_app(config, catalog), log_level="critical") as server:
        served = server.app.state.specmock.served
        deadline = time.monotonic() + args.max_time
        for api in apis:
            document = served[api.name].effective
            url = server.url + served[api.name].mount
            auth = contract.credentials_for(document, token)
            results.append(_suite(api.name, document, url, _options(args, deadline, auth=auth)))
    return _finish(results, args, "fuzz", catalog)


def _verify(args: argparse.Namespace) -> int:
    from specmock.contract import suite as contract

    _check_report_path(args.junit)
    catalog = Catalog.from_path(args.specs, args.ref_dirs)
    report(catalog, sys.stderr)
    apis = _chosen(catalog, args.api, args.specs)
    deadline = time.monotonic() + args.max_time
    results = []
    for api in apis:
        base = contract.base_url_for(args.target, api.base_path)
        _reachable(base, args.request_timeout)
        options = _options(args, deadline, headers=dict(args.header))
        results.append(_suite(api.name, api.document, base, options))
    return _finish(results, args, "verify", catalog)


def _suite(name: str, document: dict[str, Any], url: str, options: SuiteOptions) -> SuiteResult:
    """The API's run, or a result saying it was not run when no time is left."""
    from specmock.contract import suite as contract

    if options.max_time is not None and options.max_time <= 0:
        return contract.SuiteResult(name, url, options.seed or 0, stopped="time limit reached")
    return contract.run_suite(name, document, url, options)


def _reachable(url: str, timeout: float) -> None:
    """A usage error, before any test, when nothing answers at the target."""
    import httpx

    try:
        httpx.request("HEAD", url, timeout=timeout)
    except httpx.HTTPError as error:
        raise SpecmockError(
            f"cannot reach --target at {url}: {type(error).__name__}: {error}"
        ) from None


def _check_report_path(path: Path | None) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    except OSError as error:
        raise SpecmockError(f"cannot write the JUnit report to {str(path)!r}: {error}") from None


def _chosen(catalog: Catalog, names: list[str], source: Path) -> list[Api]:
    known = {api.name: api for api in catalog.apis}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SpecmockError(
            f"no API named {', '.join(map(repr, unknown))}; loaded: {', '.join(known) or 'none'}"
        )
    if not known:
        raise SpecmockError(f"no API loaded from {source}")
    return [known[name] for name in names] if names else list(catalog.apis)


def _options(args: argparse.Namespace, deadline: float, **extra: Any) -> SuiteOptions:
    from specmock.contract.suite import SuiteOptions

    return SuiteOptions(
        max_examples=args.max_examples,
        seed=args.seed,
        workers=args.workers,
        max_time=deadline - time.monotonic(),
        request_timeout=args.request_timeout,
        **extra,
    )


def _finish(
    results: list[SuiteResult], args: argparse.Namespace, command: str, catalog: Catalog
) -> int:
    from specmock.contract.summary import passed, render, write_junit

    load_errors = [str(error) for error in catalog.errors]
    sys.stdout.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    render(results, sys.stdout, command=command, load_errors=load_errors)
    if args.junit is not None:
        write_junit(results, args.junit, load_errors)
        print(f"JUnit report: {args.junit}")
    return 0 if passed(results, load_errors) else 1


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
