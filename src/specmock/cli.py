"""The `specmock` command: `serve` a folder of specs, `check` what loads and what is missing,
`fuzz` the stubs and `verify` a real server with the contract suite."""

from __future__ import annotations

import argparse
import gc
import json
import math
import secrets
import signal
import sys
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp

from specmock import options, settings
from specmock.config import DEFAULT_MAX_BODY, DEFAULT_SESSION_TTL, Config
from specmock.console import banner, closed_pipe, progress, report, warn_if_exposed
from specmock.errors import SpecmockError
from specmock.mock.effective import gaps
from specmock.mock.store import MAX_SESSIONS
from specmock.spec.api import Api, Catalog

if TYPE_CHECKING:  # the contract suite (Schemathesis) is imported by fuzz and verify only
    from specmock.contract.suite import SuiteOptions, SuiteResult


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            args = _with_settings(args, argv)
        return int(args.run(args))
    except SpecmockError as error:
        print(f"specmock: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("specmock: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return closed_pipe()


def _version() -> str:
    try:
        return metadata.version("specmock")
    except metadata.PackageNotFoundError:
        return "unknown"


# One example per subcommand, shown by its --help.
EXAMPLES = {
    "serve": "example:\n  specmock serve specs --port 4010\n  curl -H 'Authorization: Bearer T'"
    " http://127.0.0.1:4010/api/v1/models/7",
    "check": "example:\n  specmock check specs --format json",
    "proxy": "example:\n  specmock proxy specs/aisquared --target https://staging.example.com"
    " --strict",
    "fuzz": "example:\n  specmock fuzz specs --api polytomic --max-examples 20 --seed 7",
    "verify": "example:\n  specmock verify specs/aisquared --target http://127.0.0.1:3000"
    ' -H "Authorization: Bearer $TOKEN"',
}


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help: str
) -> argparse.ArgumentParser:
    return commands.add_parser(
        name,
        help=help,
        description=help[0].upper() + help[1:] + ".",
        epilog=EXAMPLES[name],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="specmock",
        description="Validating mock servers for OpenAPI specs.",
        epilog="examples:\n"
        + "\n".join(EXAMPLES.values()).replace("example:\n", "")
        + "\n\n`specmock COMMAND --help` tells more.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"specmock {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = _command(commands, "serve", "serve every operation of the specs as a stub")
    serve.add_argument("specs", nargs="?", default="specs", type=Path, help="folder or spec file")
    serve.add_argument(
        "--config",
        type=Path,
        help=f"the config file (default: {settings.FILE_NAME} beside the specs, else"
        " [tool.specmock] in ./pyproject.toml); flags win over it",
    )
    options.ref_dir_argument(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", default=4010, type=int, help="port to bind (default 4010)")
    serve.add_argument("--prefix", action="store_true", help="mount each API under /<name>")
    serve.add_argument("--no-cors", dest="cors", action="store_false", help="turn CORS off")
    serve.add_argument(
        "--no-watch",
        dest="watch",
        action="store_false",
        help="do not reload the specs, their $ref'd files and seed data when they change",
    )
    serve.add_argument(
        "--max-body",
        default=DEFAULT_MAX_BODY,
        type=settings.size,
        help="body limit in bytes (or 2MiB)",
    )
    serve.add_argument(
        "--token",
        action="append",
        default=[],
        type=options.token,
        help="a credential accepted, the only ones once given (repeatable): bearer=T, "
        "basic=user:password or apiKey=K for one kind of security scheme; a plain T for any",
    )
    options.admin_token_argument(serve)
    serve.add_argument(
        "--state-file",
        type=Path,
        help="keep stored records here across restarts (JSON, saved about once a second)",
    )
    serve.add_argument(
        "--session-ttl",
        default=DEFAULT_SESSION_TTL,
        type=settings.seconds,
        help=f"seconds idle before a session may give way to a new one past {MAX_SESSIONS}"
        f" (default {DEFAULT_SESSION_TTL:g})",
    )
    options.store_arguments(serve)
    serve.add_argument(
        "--workers",
        type=settings.positive,
        default=1,
        help="processes answering on the port (default 1); more than one needs a Redis --store",
    )
    options.time_limits(serve)
    options.faults(serve)
    serve.add_argument("--locale", type=options.locale, help="Faker locale of made-up data (en_US)")
    serve.add_argument("--seed", type=int, help="another seed, other made-up data (same each run)")
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    serve.set_defaults(run=_serve)

    check = _command(commands, "check", "load specs and report what loaded and every problem")
    check.add_argument("specs", nargs="?", default="specs", type=Path, help="folder or spec file")
    options.ref_dir_argument(check)
    check.add_argument(
        "--format", choices=["text", "json"], default="text", help="text (default) or json"
    )
    check.set_defaults(run=_check)

    proxy = _command(commands, "proxy", "forward to a real server, validating both sides")
    proxy.add_argument("specs", nargs="?", default="specs", type=Path, help="folder or spec file")
    options.ref_dir_argument(proxy)
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
        "--timeout",
        default=10.0,
        type=settings.seconds,
        help="seconds per upstream exchange (default 10)",
    )
    proxy.add_argument(
        "--max-body",
        default=DEFAULT_MAX_BODY,
        type=settings.size,
        help="body limit in bytes (or 2MiB)",
    )
    options.time_limits(proxy)
    proxy.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    options.admin_token_argument(proxy)
    proxy.set_defaults(run=_proxy)

    fuzz = _command(
        commands, "fuzz", "run the contract suite against specmock's own stubs (effective specs)"
    )
    fuzz.add_argument("specs", nargs="?", default="specs", type=Path, help="folder or spec file")
    options.ref_dir_argument(fuzz)
    options.suite_arguments(fuzz)
    fuzz.set_defaults(run=_fuzz)

    verify = _command(
        commands, "verify", "run the contract suite against a real server (source specs)"
    )
    verify.add_argument("specs", nargs="?", default="specs", type=Path, help="folder or spec file")
    options.ref_dir_argument(verify)
    verify.add_argument(
        "--target", required=True, help="the server's base URL (its own base path kept if none)"
    )
    verify.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        type=options.header,
        help="a header sent with every request, such as 'Authorization: Bearer T' (repeatable)",
    )
    options.suite_arguments(verify)
    verify.set_defaults(run=_verify)
    return parser


def _with_settings(args: argparse.Namespace, argv: Sequence[str] | None) -> argparse.Namespace:
    """`serve`'s options with the config file's values as defaults: flags given still win."""
    found = settings.find(args.specs, args.config, Path.cwd())
    if found is None:
        args.settings = None
        return args
    print(f"config: {found.source}", file=sys.stderr)
    parser = _parser()
    serve = _subcommand(parser, "serve")
    serve.set_defaults(**settings.parser_defaults(serve, found))
    args = parser.parse_args(argv)
    args.settings = found
    return args


def _subcommand(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[name]  # type: ignore[no-any-return]
    raise KeyError(name)


def _serve(args: argparse.Namespace) -> int:
    from specmock.web.app import create_app
    from specmock.web.reload import check_operations
    from specmock.web.workers import check_workers

    check_workers(args.workers, args.store)
    found = getattr(args, "settings", None)
    config, catalog = _served(
        args,
        prefix=args.prefix,
        watch=args.watch,
        cors=args.cors,
        tokens=frozenset(args.token),
        state_file=args.state_file,
        session_ttl=args.session_ttl,
        store=args.store,
        store_prefix=args.store_prefix,
        records=args.records,
        latency=args.latency,
        faults=args.faults,
        fault_timeout=args.fault_timeout,
        **(found.config_fields() if found is not None else {}),
        locale=args.locale,
        seed=args.seed,
    )
    if found is not None:
        for warning in check_operations(found, catalog):
            print(f"warning: {warning}", file=sys.stderr)
    app = create_app(config, catalog)
    banner(app.state.specmock.served, args.host, args.port, sys.stderr)
    warn_if_unanswered(app.state.specmock.store)
    if args.workers > 1:
        print(f"workers: {args.workers} processes on port {args.port}", file=sys.stderr)
    return _run(app, args) or 0


def warn_if_unanswered(store: object) -> None:
    """A warning on stderr when the Redis store does not answer now. Serving goes on: Redis
    may start later (it recovers by itself), and until then each request gets a 503."""
    from specmock.mock.redis_store import RedisStore

    problem = store.unanswered() if isinstance(store, RedisStore) else None
    if problem is not None:
        print(
            f"warning: {problem} (until it answers, requests that need it get 503)", file=sys.stderr
        )


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
    from specmock.web.app import require_apis

    catalog = Catalog.from_path(config.specs, config.allow_ref_dirs)
    report(catalog, sys.stderr)
    require_apis(catalog, config.specs)
    return config, catalog


def _run(app: ASGIApp, args: argparse.Namespace, **options: Any) -> int:
    """Serve `app` with uvicorn on `--host`/`--port`: with our request log at info and debug
    (uvicorn's own access log stays off), and everything built at start moved out of the garbage
    collector's sight. SIGHUP ends it as SIGTERM and SIGINT do (the lifespan's last save runs),
    and open connections get `--shutdown-timeout` seconds to finish.

    A full collection walks every object of the loaded specs (79 ms on GitHub's), which showed
    as p99 spikes under load; `gc.freeze` leaves them to the permanent generation.
    """
    import uvicorn

    from specmock.web.faults import with_connection
    from specmock.web.requestlog import RequestLog

    warn_if_exposed(args.host, args.admin_token, sys.stderr)
    gc.collect()
    gc.freeze()
    logged = with_connection(RequestLog(app) if args.log_level in ("info", "debug") else app)
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
    dashboard = getattr(getattr(app, "state", None), "dashboard", None)
    if dashboard is not None:  # its open event streams end at once, not after the timeout
        exit_server = server.handle_exit

        def handle_exit(number: int, frame: FrameType | None) -> None:
            dashboard.close()
            exit_server(number, frame)

        server.handle_exit = handle_exit  # type: ignore[method-assign,assignment]
    workers = getattr(args, "workers", 1)
    if workers > 1:
        from specmock.web.workers import run_workers

        return run_workers(server, workers)
    signal.signal(signal.SIGHUP, lambda number, frame: server.handle_exit(signal.SIGTERM, frame))
    server.run()
    return 0


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
            progress("fuzz", results[-1], sys.stderr)
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
        progress("verify", results[-1], sys.stderr)
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
