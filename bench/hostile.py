"""What the hardening limits cost, and whether one hostile client can slow the others.

Two parts, each bounded in count and time:

1. In-process: the strict JSON reader (`strict_json`: duplicate keys, overflow, lone surrogates,
   depth) against plain `json.loads` on typical bodies, and a patch's growth accounting against
   applying the same patch unbounded.
2. Live: `specmock serve` on a free loopback port (stopped by its PID). A reader sends a normal
   request in a loop and its latency is measured alone, then while each attack runs from other
   threads: doubling patches, deep bodies, poison values, stalled bodies (a `Content-Length` and
   one byte), oversized bodies. Prints p50/p99/max per attack; no figure is asserted.

    .venv/bin/python bench/hostile.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
import timeit
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import httpx

from specmock.mock.patching import json_patch
from specmock.spec.parsing import strict_json

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
BEARER = {"Authorization": "Bearer T"}
AWS = {"Authorization": "AWS4-HMAC-SHA256 Credential=x", "Content-Type": "application/json"}
MODEL = "/api/v1/models/7"
AMAZON = "/restapis/uojnr9hd57/models/output"
VALID = {"model": {"name": "Churn", "query_type": "raw_sql", "connector_id": 3}}
TIMEOUT = 10.0


def in_process() -> None:
    small = json.dumps(VALID).encode()
    order = json.dumps(
        {"id": 1, "items": [{"sku": f"s{n}", "qty": n, "price": n * 1.5} for n in range(50)]}
    ).encode()
    deep = (b"[" * 60) + (b"]" * 60)
    print("## The strict JSON reader (us per body, best of 5)")
    print(f"{'body':<28}{'json.loads':>12}{'strict_json':>13}")
    for name, body in (("model (74 B)", small), ("order, 50 items", order), ("60 deep", deep)):
        plain = _best(partial(json.loads, body))
        strict = _best(partial(strict_json, body))
        print(f"{name:<28}{plain:>12.1f}{strict:>13.1f}")
    record = {"name": "output", "schema": "x" * 400, "nested": {"a": [1, 2, 3]}}
    patch = [{"op": "replace", "path": "/name", "value": "n"}] * 10
    print("\n## A 10-operation JSON Patch on a 500-byte record (us, best of 5)")
    print(f"json_patch with growth accounting: {_best(lambda: json_patch(record, patch)):.1f}")


def _best(call: Callable[[], object], number: int = 2000) -> float:
    return min(timeit.repeat(call, number=number, repeat=5)) / number * 1e6


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving() -> Iterator[str]:
    port = _free_port()
    command = [sys.executable, "-m", "specmock", "serve", str(SPECS), "--port", str(port)]
    process = subprocess.Popen([*command, "--log-level", "warning"], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/__specmock/apis", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)


def _doubling(client: httpx.Client) -> None:
    operations = [{"op": "copy", "from": "", "path": f"/c{n}"} for n in range(24)]
    client.patch(AMAZON, headers=AWS, json={"patchOperations": operations})


def _deep(client: httpx.Client) -> None:
    body = b'{"model": ' * 20_000 + b"1" + b"}" * 20_000
    client.put(MODEL, headers={**BEARER, "Content-Type": "application/json"}, content=body)


def _poison(client: httpx.Client) -> None:
    body = b'{"model": {"name": "\\ud800", "query_type": "a", "connector_id": 1e400}}'
    client.put(MODEL, headers={**BEARER, "Content-Type": "application/json"}, content=body)


def _oversized(client: httpx.Client) -> None:
    body = b'{"model": {"name": "' + b"x" * (12 * 1024 * 1024) + b'"}}'
    client.put(MODEL, headers={**BEARER, "Content-Type": "application/json"}, content=body)


ATTACKS: dict[str, Callable[[httpx.Client], None]] = {
    "doubling patch (24 copies)": _doubling,
    "body 20,000 deep": _deep,
    "lone surrogate + 1e400": _poison,
    "12 MiB body (limit 10)": _oversized,
}


def _stalled(url: str, stop: threading.Event) -> None:
    """Connections that announce 100 bytes and send one, renewed as the server closes them."""
    host, port = url.removeprefix("http://").split(":")
    while not stop.is_set():
        sockets = []
        for _ in range(50):
            connection = socket.create_connection((host, int(port)), timeout=TIMEOUT)
            connection.sendall(
                b"PUT /api/v1/models/7 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer T\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            )
            sockets.append(connection)
        stop.wait(2.0)
        for connection in sockets:
            connection.close()


def _latencies(url: str, seconds: float) -> list[float]:
    timings = []
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=url, timeout=TIMEOUT) as client:
        while time.monotonic() < deadline:
            start = time.perf_counter()
            response = client.put(MODEL, headers=BEARER, json=VALID)
            timings.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"the normal request got {response.status_code}: {response.text}")
    return timings


def _under(url: str, seconds: float, attack: Callable[[httpx.Client], None] | None) -> list[float]:
    stop = threading.Event()
    counts = [0]

    def hammer() -> None:
        with httpx.Client(base_url=url, timeout=TIMEOUT) as client:
            while not stop.is_set():
                assert attack is not None
                attack(client)
                counts[0] += 1

    threads = [threading.Thread(target=hammer) for _ in range(2)] if attack else []
    for thread in threads:
        thread.start()
    try:
        return _latencies(url, seconds)
    finally:
        stop.set()
        for thread in threads:
            thread.join(TIMEOUT * 2)


def live(seconds: float) -> None:
    print(f"\n## A valid PUT's latency (ms) while 2 clients attack ({seconds:g} s each)")
    print(f"{'attack':<30}{'requests':>9}{'p50':>8}{'p99':>8}{'max':>8}")
    with serving() as url:
        rows: list[tuple[str, list[float]]] = [("none", _under(url, seconds, None))]
        for name, attack in ATTACKS.items():
            rows.append((name, _under(url, seconds, attack)))
        stop = threading.Event()
        stalling = threading.Thread(target=_stalled, args=(url, stop))
        stalling.start()
        try:
            rows.append(("50 stalled bodies, renewed", _latencies(url, seconds)))
        finally:
            stop.set()
            stalling.join(TIMEOUT * 2)
    for name, timings in rows:
        ordered = sorted(timings)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        median = statistics.median(ordered)
        print(f"{name:<30}{len(ordered):>9}{median:>8.1f}{p99:>8.1f}{ordered[-1]:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per attack")
    args = parser.parse_args()
    in_process()
    live(min(args.seconds, 30.0))


if __name__ == "__main__":
    main()
