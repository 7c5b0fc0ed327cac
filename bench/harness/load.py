"""Driving a server: one request at a time (checks, seeding) and under load (wrk or Python).

Under load, a scenario's requests are sent in turn on every connection for a fixed time. wrk gets
them through a generated Lua script; without wrk, threads with keep-alive connections stand in.
"""

from __future__ import annotations

import http.client
import re
import statistics
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

WRK_TIMEOUT = "10s"  # per request; Prism on GitHub's spec answers in seconds


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request, its path relative to the server's mount."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None

    def under(self, prefix: str) -> Request:
        """The same request with the path under a mount prefix (specmock's `/v2`)."""
        return Request(self.method, prefix + self.path, self.headers, self.body)


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes


@dataclass(frozen=True, slots=True)
class Measurement:
    """What one timed run gave: completed requests, their rate and latency percentiles."""

    requests: int
    rate: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int
    tool: str


class LoadError(Exception):
    """The load generator failed (not the server being slow)."""


class Load(Protocol):
    """A load generator: the scenario's requests in turn, for `seconds`, against a base URL."""

    name: str

    def run(self, host: str, port: int, requests: Sequence[Request], seconds: float) -> Measurement:
        """Drive the server and return what was measured."""
        ...


def send(host: str, port: int, request: Request, timeout: float = 30.0) -> Answer:
    """One request on a fresh connection; raises OSError when nothing answers."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request(request.method, request.path, request.body, dict(request.headers))
        response = connection.getresponse()
        return Answer(response.status, response.read())
    finally:
        connection.close()


# -- wrk ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Wrk:
    """wrk with `--latency` and a Lua script that cycles through the requests."""

    executable: Path
    scripts: Path
    threads: int = 1
    connections: int = 16
    name: str = "wrk"
    _count: int = field(default=0)

    def run(self, host: str, port: int, requests: Sequence[Request], seconds: float) -> Measurement:
        self._count += 1
        script = self.scripts / f"scenario-{self._count}.lua"
        script.write_text(lua_script(requests), encoding="utf-8")
        command = [
            str(self.executable),
            f"-t{self.threads}",
            f"-c{self.connections}",
            f"-d{seconds:g}s",
            f"--timeout={WRK_TIMEOUT}",
            "--latency",
            f"--script={script}",
            f"http://{host}:{port}{requests[0].path}",
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
        except subprocess.TimeoutExpired:
            raise LoadError(f"wrk did not finish within {seconds + 60:.0f} s") from None
        if done.returncode != 0:
            raise LoadError(f"wrk exited with {done.returncode}: {done.stderr.strip()[-500:]}")
        return parse_wrk(done.stdout)


def lua_script(requests: Sequence[Request]) -> str:
    """A wrk script sending `requests` in turn on each connection (formatted once per thread)."""
    lines = ["local requests = {}", "local n = 0", "function init(args)"]
    for index, request in enumerate(requests, start=1):
        headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in request.headers)
        body = lua_string(request.body) if request.body is not None else "nil"
        call = f"wrk.format({lua_string(request.method)}, {lua_string(request.path)}"
        lines.append(f"  requests[{index}] = {call}, {{{headers}}}, {body})")
    lines += [
        "end",
        "function request()",
        "  n = n % #requests + 1",
        "  return requests[n]",
        "end",
    ]
    return "\n".join(lines) + "\n"


def lua_string(text: str | bytes) -> str:
    """A Lua string literal for any bytes: printable ASCII as is, the rest as decimal escapes."""
    data = text.encode() if isinstance(text, str) else text
    inner = "".join(
        chr(byte) if 32 <= byte < 127 and byte not in (34, 92) else f"\\{byte:03d}" for byte in data
    )
    return f'"{inner}"'


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(output: str) -> Measurement:
    """Requests, req/s, p50/p99 (ms), non-2xx/3xx answers and socket errors from wrk's report."""

    def number(pattern: str) -> float | None:
        found = re.search(pattern, output, re.MULTILINE)
        return float(found.group(1)) if found else None

    def percentile(level: str) -> float:
        found = re.search(rf"^\s*{level}%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE)
        return float(found.group(1)) * _UNITS[found.group(2)] if found else float("nan")

    rate = number(r"^Requests/sec:\s+([\d.]+)")
    completed = number(r"^\s*(\d+) requests in ")
    if rate is None or completed is None:
        raise LoadError(f"cannot read wrk's report:\n{output[-1000:]}")
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return Measurement(
        requests=int(completed),
        rate=rate,
        p50_ms=percentile("50") if completed else float("nan"),
        p99_ms=percentile("99") if completed else float("nan"),
        non_2xx=int(number(r"Non-2xx or 3xx responses: (\d+)") or 0),
        errors=sum(int(group) for group in errors.groups()) if errors else 0,
        tool="wrk",
    )


# -- the Python stand-in --------------------------------------------------------------------------


@dataclass(slots=True)
class PythonLoad:
    """Threads with one keep-alive connection each: far slower than wrk, used only without it."""

    connections: int = 16
    name: str = "python"

    def run(self, host: str, port: int, requests: Sequence[Request], seconds: float) -> Measurement:
        latencies: list[float] = []
        statuses: list[int] = []
        errors: list[int] = []
        lock = threading.Lock()
        deadline = time.perf_counter() + seconds

        def worker() -> None:
            mine, codes, failed = _drive(host, port, requests, deadline)
            with lock:
                latencies.extend(mine)
                statuses.extend(codes)
                errors.append(failed)

        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(self.connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 60)
        return _summary(latencies, statuses, sum(errors), time.perf_counter() - started)


def _drive(
    host: str, port: int, requests: Sequence[Request], deadline: float
) -> tuple[list[float], list[int], int]:
    latencies: list[float] = []
    statuses: list[int] = []
    failed = 0
    connection = http.client.HTTPConnection(host, port, timeout=10)
    index = 0
    while time.perf_counter() < deadline:
        request = requests[index % len(requests)]
        index += 1
        start = time.perf_counter()
        try:
            connection.request(request.method, request.path, request.body, dict(request.headers))
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            failed += 1
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=10)
            continue
        latencies.append(time.perf_counter() - start)
        statuses.append(response.status)
    connection.close()
    return latencies, statuses, failed


def _summary(latencies: list[float], statuses: list[int], errors: int, took: float) -> Measurement:
    if len(latencies) < 2:
        p50 = p99 = float("nan")
    else:
        cuts = statistics.quantiles(latencies, n=100)
        p50, p99 = statistics.median(latencies) * 1000, cuts[98] * 1000
    return Measurement(
        requests=len(latencies),
        rate=len(latencies) / took if took else 0.0,
        p50_ms=p50,
        p99_ms=p99,
        non_2xx=sum(1 for status in statuses if not 200 <= status < 400),
        errors=errors,
        tool="python",
    )
