"""Requests per second and latency of specmock's stubs for the seed APIs (a quick local figure).

Starts `specmock serve` as its own process on a free loopback port (stopped by its PID at the end),
sends a fixed number of requests per scenario from one sequential client and prints a table.
Bounded: `--requests` per scenario (default 500) and a 60 s cap per scenario. The comparison
against Prism belongs to the performance issue's benchmark.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

SPECS = Path(__file__).resolve().parents[1] / "specs"
BEARER = {"Authorization": "Bearer T"}
MODEL = {"model": {"name": "Churn", "query_type": "raw_sql", "connector_id": 3}}
PATCH = {"patchOperations": [{"op": "replace", "path": "/description", "value": "x"}]}
AWS = {"Authorization": "AWS4-HMAC-SHA256 Credential=x"}
CAP_SECONDS = 60.0

Scenario = Callable[[httpx.Client], httpx.Response]

SCENARIOS: dict[str, tuple[int, Scenario]] = {
    "aisquared PUT model (valid)": (
        200,
        lambda c: c.put("/api/v1/models/7", headers=BEARER, json=MODEL),
    ),
    "aisquared PUT model (invalid body)": (
        400,
        lambda c: c.put("/api/v1/models/7", headers=BEARER, json={"model": {"connector_id": "x"}}),
    ),
    "aisquared PUT model (invalid path id)": (
        404,
        lambda c: c.put("/api/v1/models/abc", headers=BEARER, json=MODEL),
    ),
    "apigateway PATCH model (valid)": (
        200,
        lambda c: c.patch("/restapis/uojnr9hd57/models/output", headers=AWS, json=PATCH),
    ),
    "unknown path": (404, lambda c: c.get("/nowhere")),
}


def run(client: httpx.Client, scenario: Scenario, expected: int, count: int) -> list[float]:
    timings = []
    deadline = time.monotonic() + CAP_SECONDS
    for _ in range(count):
        start = time.perf_counter()
        response = scenario(client)
        timings.append(time.perf_counter() - start)
        if response.status_code != expected:
            raise SystemExit(f"expected {expected}, got {response.status_code}: {response.text}")
        if time.monotonic() > deadline:
            break
    return timings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(port: int) -> tuple[subprocess.Popen[bytes], float]:
    """`specmock serve` on a port, and the seconds until it answered its first request."""
    command = [sys.executable, "-m", "specmock", "serve", str(SPECS), "--port", str(port)]
    started = time.perf_counter()
    process = subprocess.Popen([*command, "--log-level", "warning"], stderr=subprocess.DEVNULL)
    while time.perf_counter() - started < CAP_SECONDS:
        try:
            httpx.get(f"http://127.0.0.1:{port}/__specmock/apis", timeout=1)
            return process, time.perf_counter() - started
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("specmock did not start")


def table(client: httpx.Client, startup: float, count: int) -> None:
    print(f"startup (process start to first answer): {startup:.2f} s")
    print(f"{'scenario':40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for name, (expected, scenario) in SCENARIOS.items():
        run(client, scenario, expected, 20)  # warm up: first-use caches
        timings = run(client, scenario, expected, count)
        p50 = statistics.median(timings) * 1000
        p99 = statistics.quantiles(timings, n=100)[98] * 1000
        rate = len(timings) / sum(timings)
        print(f"{name:40} {rate:8.0f} {p50:8.2f} {p99:8.2f}")
    print("one sequential httpx client, server in its own process, same 2-core machine")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    port = free_port()
    process, startup = start(port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            table(client, startup, args.requests)
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
