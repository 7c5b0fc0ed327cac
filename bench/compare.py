"""specmock against Stoplight Prism on the same requests, one table from one run (`make bench`).

Installs Prism, wrk and the two specs into a cache outside the repo (~/.cache/specmock-bench, or
$SPECMOCK_BENCH_CACHE), starts each server on a free loopback port, times it to its first answer,
sends every scenario's request once to each server (warning when the statuses differ), then drives
each with wrk for a fixed time and reads requests/s, p50/p99 latency and the peak RSS of its
process group. Also: a bare Starlette route on uvicorn (the ceiling of specmock's stack) and
specmock's in-memory store with 100,000 records, and specmock on a Redis store of its own (the
`redis` part: GET pet and POST order, one worker and two). Every server is stopped by its process
group in a `finally`. Exits non-zero only when the harness itself fails, never on slow figures.

`bench/throughput.py` is the older quick figure for the seed specs alone (no Prism).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from harness import report
from harness.install import HarnessError, Toolchain, default_cache, prepare
from harness.load import Answer, Load, LoadError, PythonLoad, Request, Wrk, send
from harness.redis_rows import SCALING, pipelined, redis_server, round_trips
from harness.report import Row
from harness.servers import HOST, Launch, Running, StartFailure, start
from harness.workloads import (
    Scenario,
    Workload,
    check,
    drop_empty_uri_defaults,
    github,
    load_document,
    petstore,
)

REPO = Path(__file__).resolve().parents[1]
SPECMOCK = REPO / ".venv" / "bin" / "specmock"
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
PARTS = ("petstore", "github", "ceiling", "logging", "store", "redis")
LOGGED = "GET pet by id, request log at info"


@dataclass
class Settings:
    duration: float
    warmup: float
    startup_timeout: float
    records: int
    prism_log: str
    parts: tuple[str, ...]


@dataclass
class Bench:
    """One run: the settings, the load generator, and what was found so far."""

    settings: Settings
    load: Load
    tools: Toolchain
    logs: Path
    rows: list[Row] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    redis_costs: dict[str, float] = field(default_factory=dict)
    redis_pipelined: dict[str, float] = field(default_factory=dict)

    # -- Prism against specmock on one spec --------------------------------------------------------

    def compare(self, workload: Workload) -> None:
        print(f"\n== {workload.label}: {workload.spec} ({len(workload.scenarios)} scenarios)")
        launches = (self._prism(workload), self._specmock(workload.spec, workload.mount))
        failed: dict[str, str] = {}
        with self._servers() as running:
            for launch in launches:
                server = self._start(launch, workload.scenarios[0].request, workload.api, running)
                if isinstance(server, str):
                    failed[launch.server] = server
            self._seed(running, workload)
            for scenario in workload.scenarios:
                self._scenario(workload.label, scenario, running, failed)

    def _scenario(
        self, api: str, scenario: Scenario, running: Sequence[Running], failed: dict[str, str]
    ) -> None:
        answers = {server.server: self._once(server, scenario.request) for server in running}
        self._same_status(api, scenario.name, answers)
        for server in running:
            answer = answers[server.server]
            status = str(answer.status) if answer else "no answer"
            self.rows.append(self._measure(api, scenario.name, server, [scenario.request], status))
        for name, reason in failed.items():
            self.rows.append(Row(api, scenario.name, name, "failed", note=reason))

    def _same_status(self, api: str, scenario: str, answers: dict[str, Answer | None]) -> None:
        statuses = {server: answer.status for server, answer in answers.items() if answer}
        if len(set(statuses.values())) <= 1:
            return
        told = ", ".join(f"{server} {status}" for server, status in statuses.items())
        line = f"WARNING status mismatch: {api} '{scenario}': {told}"
        print(line)
        for server, answer in answers.items():
            if answer is not None:
                print(f"    {server} answered: {answer.body[:300].decode(errors='replace')}")
        self.mismatches.append(line.removeprefix("WARNING "))

    # -- the ceiling and the store ----------------------------------------------------------------

    def ceiling(self, reference: Workload) -> None:
        """A bare Starlette route on uvicorn, sent the first scenario's request of `reference`."""
        print("\n== ceiling: a bare Starlette route on uvicorn returning a fixed JSON body")
        command = (str(VENV_PYTHON), str(REPO / "bench" / "ceiling.py"), "--port", "{port}")
        request = reference.scenarios[0].request
        with self._servers() as running:
            server = self._start(Launch("starlette", command), request, "ceiling", running)
            if isinstance(server, str):
                self.rows.append(Row("-", "GET fixed JSON", "starlette", "failed", note=server))
                return
            answer = self._once(server, request)
            status = str(answer.status) if answer else "no answer"
            self.rows.append(self._measure("-", "GET fixed JSON", server, [request], status))

    def logging(self, reference: Workload) -> None:
        """specmock at --log-level info (one log line per request, to its log file) on the first
        scenario: compare with the same scenario's row at warning."""
        print(f"\n== logging: {LOGGED}")
        scenario = reference.scenarios[0]
        launch = self._specmock(reference.spec, reference.mount, level="info")
        with self._servers() as running:
            server = self._start(launch, scenario.request, reference.api, running)
            if isinstance(server, str):
                self.rows.append(Row(reference.api, LOGGED, "specmock", "failed", note=server))
                return
            self._seed(running, reference)
            answer = self._once(server, scenario.request)
            status = str(answer.status) if answer else "no answer"
            self.rows.append(
                self._measure(reference.api, LOGGED, server, [scenario.request], status)
            )

    def store(self, reference: Workload, records: int) -> None:
        """specmock's store: PUT a pet (admin API) then GET it (the API), `records` pets stored.

        Petstore has no PUT on /pet/{petId} (its PUT /pet answers only 400/404/405), so the write
        goes through the admin records endpoint; wrk counts the PUTs and the GETs alike.
        """
        print(f"\n== store: PUT then GET one pet in specmock, {records:,} records stored")
        scenario = f"store PUT+GET pet, {records:,} record{'s' if records != 1 else ''}"
        pet = reference.scenarios[0].seed
        if pet is None:
            raise HarnessError(f"{reference.api}: the first scenario seeds no record to copy")
        state = self.logs / f"state-{records}.json"
        middle = max(1, records // 2)
        _write_state(state, reference.api, {**pet.record}, records)
        key = reference.scenarios[0].request.headers
        body = json.dumps({**pet.record, "id": middle, "name": "renamed"}).encode()
        admin = f"/__specmock/apis/{reference.api}/records/pet/{middle}"
        pair = [
            Request("PUT", admin, (("Content-Type", "application/json"),), body),
            Request("GET", f"{reference.mount}/pet/{middle}", key),
        ]
        launch = self._specmock(reference.spec, "", "--state-file", str(state))
        with self._servers() as running:
            server = self._start(launch, pair[1], reference.api, running)
            if isinstance(server, str):
                self.rows.append(Row(reference.api, scenario, "specmock", "failed", note=server))
                return
            answers = [self._once(server, request) for request in pair]
            status = "/".join(str(answer.status) if answer else "none" for answer in answers)
            self.rows.append(self._measure(reference.api, scenario, server, pair, status))

    # -- the Redis store --------------------------------------------------------------------------

    def redis(self, reference: Workload) -> None:
        """specmock on a Redis store of its own, one worker and two, on the first two scenarios
        (GET pet by id, POST order): each row placed under the same scenario's rows."""
        print(f"\n== redis: {reference.label} on a Redis store, 1 and 2 workers")
        with redis_server(self.logs) as url:
            if url is None:
                return
            self.redis_costs = round_trips(url)
            self.redis_pipelined = pipelined(url)
            for workers in (1, 2):
                if workers > 1 and not _serves_workers():
                    print("2 workers: not available (serve --workers missing)")
                    continue
                self._redis_rows(reference, url, workers)

    def _redis_rows(self, reference: Workload, url: str, workers: int) -> None:
        name = "specmock+redis" + (f" x{workers}" if workers > 1 else "")
        store: tuple[str, ...] = ("--store", url, "--store-prefix", f"bench{workers}")
        store += ("--workers", str(workers)) if workers > 1 else ()
        launch = replace(self._specmock(reference.spec, reference.mount, *store), server=name)
        scenarios = reference.scenarios[:2]
        with self._servers() as running:
            server = self._start(launch, scenarios[0].request, reference.api, running)
            if isinstance(server, str):
                for scenario in scenarios:
                    row = Row(reference.api, scenario.name, name, "failed", note=server)
                    _beside(self.rows, row)
                return
            self._seed(running, replace(reference, scenarios=scenarios))
            for scenario in scenarios:
                answer = self._once(server, scenario.request)
                status = str(answer.status) if answer else "no answer"
                measured = self._measure(
                    reference.api, scenario.name, server, [scenario.request], status
                )
                _beside(self.rows, measured)

    # -- servers ----------------------------------------------------------------------------------

    def _prism(self, workload: Workload) -> Launch:
        node, prism = str(self.tools.node), str(self.tools.prism)
        command = (node, prism, "mock", str(workload.spec), "--host", HOST, "--port", "{port}")
        return Launch("prism", (*command, "--verboseLevel", self.settings.prism_log))

    def _specmock(self, spec: Path, mount: str, *extra: str, level: str = "warning") -> Launch:
        command = (str(SPECMOCK), "serve", str(spec), "--host", HOST, "--port", "{port}")
        return Launch("specmock", (*command, "--log-level", level, *extra), prefix=mount)

    @contextmanager
    def _servers(self) -> Iterator[list[Running]]:
        """The servers started inside; every one is stopped by its process group on the way out."""
        running: list[Running] = []
        try:
            yield running
        finally:
            for server in running:
                server.stop()

    def _start(
        self, launch: Launch, probe: Request, api: str, running: list[Running]
    ) -> Running | str:
        """A started server (added to `running` at once), or why it failed.

        specmock also fails when the spec did not load: it still answers, with no API.
        """
        try:
            server = start(launch, probe, self.logs, self.settings.startup_timeout)
        except StartFailure as failure:
            print(f"{launch.server}: failed to start: {failure}")
            return f"{launch.server}: failed to start: {failure}"
        running.append(server)
        if launch.server == "specmock":
            problem = _load_problem(server, api)
            if problem:
                running.remove(server)
                server.stop()
                reason = f"specmock: failed to load the spec ({server.startup:.1f} s): {problem}"
                print(reason)
                return reason
        print(f"{launch.server}: answered after {server.startup:.2f} s (pid {server.process.pid})")
        return server

    def _seed(self, running: Sequence[Running], workload: Workload) -> None:
        """Records specmock must hold for a scenario to succeed (Prism answers from examples)."""
        for server in running:
            if not server.server.startswith("specmock"):
                continue
            for scenario in workload.scenarios:
                if scenario.seed is None:
                    continue
                path = f"/__specmock/apis/{workload.api}/records{scenario.seed.item_path}"
                body = json.dumps(scenario.seed.record).encode()
                answer = self._once(server, Request("PUT", path, (), body), under=False)
                if answer is None or answer.status >= 300:
                    got = f"{answer.status} {answer.body[:300]!r}" if answer else "no answer"
                    print(f"WARNING specmock did not take the seed record {path}: {got}")

    def _once(self, server: Running, request: Request, under: bool = True) -> Answer | None:
        try:
            return send(HOST, server.port, server.request(request) if under else request)
        except OSError as error:
            print(
                f"WARNING {server.server} did not answer {request.method} {request.path}: {error}"
            )
            return None

    # -- load -------------------------------------------------------------------------------------

    def _measure(
        self, api: str, scenario: str, server: Running, requests: Sequence[Request], status: str
    ) -> Row:
        if server.process.poll() is not None:
            note = f"{server.server} exited: {server.log_tail(4)}"
            return Row(api, scenario, server.server, status, server.startup, note=note)
        sent = [server.request(request) for request in requests]
        try:
            if self.settings.warmup > 0:
                self.load.run(HOST, server.port, sent, self.settings.warmup)
            measured = self.load.run(HOST, server.port, sent, self.settings.duration)
        except LoadError as error:
            self.faults.append(f"{api} '{scenario}' on {server.server}: {error}")
            note = f"load generator failed: {error}"
            return Row(api, scenario, server.server, status, server.startup, note=note)
        rss = server.peak_rss_mib()
        print(
            f"  {scenario:38} {server.server:9} {status:>7} {measured.rate:9.0f} req/s"
            f"  p50 {measured.p50_ms:8.1f} ms  p99 {measured.p99_ms:8.1f} ms  {rss or 0:6.0f} MiB"
        )
        trouble = _consistency(status, measured.requests, measured.non_2xx, measured.errors)
        return Row(api, scenario, server.server, status, server.startup, measured, rss, trouble)


def _beside(rows: list[Row], row: Row) -> None:
    """`row` after the last row of its spec and scenario (at the end when there is none)."""
    key = (row.spec, row.scenario)
    same = [i for i, other in enumerate(rows) if (other.spec, other.scenario) == key]
    rows.insert(same[-1] + 1 if same else len(rows), row)


def _serves_workers() -> bool:
    """Whether this specmock has `serve --workers` (added alongside the Redis store)."""
    try:
        done = subprocess.run([str(SPECMOCK), "serve", "--help"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return b"--workers" in done.stdout


def _redis_summary(bench: Bench) -> str:
    """The Redis rows against the in-memory ones, the round trip's cost, and how it scales."""
    rows = {(row.scenario, row.server): row.measurement for row in bench.rows}
    lines = ["\nRedis store against in memory (req/s, p99):"]
    for scenario, server in rows:
        ours, memory = rows[(scenario, server)], rows.get((scenario, "specmock"))
        if not server.startswith("specmock+redis") or ours is None or memory is None:
            continue
        lines.append(
            f"  {scenario:22} {server:17} {ours.rate:7.0f} vs {memory.rate:7.0f} req/s"
            f" ({memory.rate / ours.rate:.2f}x the cost),"
            f" p99 {ours.p99_ms:.1f} vs {memory.p99_ms:.1f} ms"
        )
    if bench.redis_costs:
        costs = ", ".join(f"{what} {us:.0f} us" for what, us in bench.redis_costs.items())
        lines.append(f"one call to Redis from Python, measured here, one at a time: {costs}")
    if bench.redis_pipelined:
        lines.append(
            "one read as the stubs send it (the event loop's pipelined connection, 16 in"
            f" flight): {bench.redis_pipelined['wall']:.0f} us apart,"
            f" {bench.redis_pipelined['cpu']:.0f} us of this process's CPU"
        )
    return "\n".join([*lines, SCALING])


def _consistency(status: str, requests: int, non_2xx: int, errors: int) -> str | None:
    """Say when the answers under load were not all of the class of the first one."""
    problems = []
    first_ok = all(part.isdigit() and int(part) < 400 for part in status.split("/"))
    expected = 0 if first_ok else requests
    if non_2xx != expected and "/" not in status:
        problems.append(f"{non_2xx} of {requests} answers under load were non-2xx/3xx")
    if errors:
        problems.append(f"{errors} socket errors or timeouts")
    return "; ".join(problems) or None


def _load_problem(server: Running, api: str) -> str | None:
    """Why specmock did not load the API (its admin listing), or None when it did."""
    try:
        answer = send(HOST, server.port, Request("GET", "/__specmock/apis"))
        listing = json.loads(answer.body)
    except (OSError, ValueError) as error:
        return f"cannot read /__specmock/apis: {error}"
    if any(entry.get("name") == api for entry in listing.get("apis", [])):
        return None
    problems = [f"{e.get('where')}: {e.get('problem')}" for e in listing.get("errors", [])]
    return "; ".join(problems) or f"no API named {api!r} among {listing.get('apis')}"


def _write_state(path: Path, api: str, pet: dict[str, object], records: int) -> None:
    """A specmock state file (the default session) with `records` pets, /pet/1 to /pet/N."""
    pets = {f"/pet/{n}": {**pet, "id": n} for n in range(1, records + 1)}
    path.write_text(json.dumps({"sessions": {"": {api: pets}}}), encoding="utf-8")


# -- the run --------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    settings = Settings(
        duration=args.duration,
        warmup=args.warmup,
        startup_timeout=args.startup_timeout,
        records=args.records,
        prism_log=args.prism_log,
        parts=tuple(args.only or PARTS),
    )
    _plan(settings)
    try:
        return _run(settings, args)
    except HarnessError as error:
        print(f"\nbenchmark failed: {error}", file=sys.stderr)
        return 2


def _run(settings: Settings, args: argparse.Namespace) -> int:
    if not SPECMOCK.is_file():
        raise HarnessError(f"{SPECMOCK} is missing: build the virtualenv first (make bench does)")
    tools = prepare(args.cache, use_wrk=not args.python_load)
    logs = tools.cache / "runs" / "latest"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    load: Load = (
        Wrk(tools.wrk, logs, threads=args.threads, connections=args.connections)
        if tools.wrk
        else PythonLoad(connections=args.connections)
    )
    machine = _machine(tools, load, args)
    load_before = _loadavg()
    print(f"{machine} Load average: {load_before}.")
    workloads = {"petstore": petstore(tools.petstore), "github": _github(tools, args.patch_github)}
    for workload in workloads.values():
        check(workload, load_document(workload.spec))
    print("request bodies checked with openapi-core: valid ones accepted, invalid ones rejected")
    bench = Bench(settings, load, tools, logs)
    for name in ("petstore", "github"):
        if name in settings.parts:
            bench.compare(workloads[name])
    if "ceiling" in settings.parts:
        bench.ceiling(workloads["petstore"])
    if "logging" in settings.parts:
        bench.logging(workloads["petstore"])
    if "store" in settings.parts:
        for records in (1, settings.records):
            bench.store(workloads["petstore"], records)
    if "redis" in settings.parts:
        bench.redis(workloads["petstore"])
    _summary(bench, f"{machine} Load average before: {load_before}, after: {_loadavg()}.")
    return 1 if bench.faults else 0


def _github(tools: Toolchain, patch: bool) -> Workload:
    if not patch:
        return github(tools.github)
    target = tools.cache / "specs-patched" / "github.json"
    dropped = drop_empty_uri_defaults(tools.github, target)
    print(f"--patch-github: both servers get {target}, {dropped} empty uri defaults dropped")
    return github(target, patched=True)


def _summary(bench: Bench, machine: str) -> None:
    print("\n" + report.text(bench.rows))
    print(report.ceiling(bench.rows))
    print(report.logging_cost(bench.rows, LOGGED))
    if "redis" in bench.settings.parts:
        print(_redis_summary(bench))
    print("\nstatus mismatches between Prism and specmock (same request, first answer):")
    for line in bench.mismatches or ["none"]:
        print(f"  {line}")
    for fault in bench.faults:
        print(f"harness fault: {fault}")
    print(f"\nserver logs and wrk scripts: {bench.logs}")
    print("\n<!-- Markdown, for the README -->\n")
    print(report.markdown(bench.rows))
    print(f"\n{machine}")


def _plan(settings: Settings) -> None:
    runs = {"petstore": 10, "github": 6, "ceiling": 1, "logging": 1, "store": 2, "redis": 4}
    count = sum(runs[part] for part in settings.parts)
    seconds = count * (settings.duration + settings.warmup) + 60
    bound = seconds + 8 * settings.startup_timeout
    print(
        f"specmock vs Prism: {count} timed runs of {settings.duration:g} s "
        f"(+{settings.warmup:g} s warm-up): about {max(1, round(seconds / 60))} min, "
        f"at most {bound / 60:.0f} min if servers hang (a first run also installs: about 1 min)"
    )


def _machine(tools: Toolchain, load: Load, args: argparse.Namespace) -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo") if "model name" in line),
        platform.machine(),
    )
    node = _version([str(tools.node), "--version"])
    if isinstance(load, Wrk):
        driver = f"wrk ({_version([str(load.executable), '--version'])}), {args.threads} thread"
    else:
        driver = "Python threads (no wrk)"
    return (
        f"Machine: {os.cpu_count()} cores ({cpu}), Linux {platform.release()}, "
        f"Python {platform.python_version()}, Node {node}, Prism {tools.prism_version} "
        f"(--verboseLevel {args.prism_log}), specmock --log-level warning. "
        f"Load: {driver}, {args.connections} connections, {args.duration:g} s per run after "
        f"{args.warmup:g} s warm-up, on the same cores as the servers."
    )


def _loadavg() -> str:
    """The 1, 5 and 15 minute load averages: other work on the same cores skews every figure."""
    return " ".join((_read("/proc/loadavg") or ["? ? ?"])[0].split()[:3])


def _read(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def _version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return ((done.stdout or done.stderr).strip().splitlines() or ["?"])[0].split(" Copyright")[0]


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per timed run")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before each run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--startup-timeout", type=float, default=120.0)
    parser.add_argument("--records", type=int, default=100_000, help="records for the store run")
    parser.add_argument("--only", action="append", choices=PARTS, help="repeatable")
    parser.add_argument("--cache", type=Path, default=default_cache())
    parser.add_argument("--prism-log", default="silent", help="Prism's --verboseLevel")
    parser.add_argument("--python-load", action="store_true", help="use Python, not wrk")
    parser.add_argument(
        "--patch-github",
        action="store_true",
        help='serve GitHub\'s spec without its three `default: ""` on uri strings (both servers)',
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
