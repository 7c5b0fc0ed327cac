"""Servers under test: started as subprocesses on loopback, timed to their first answer, stopped.

Each server runs in its own session (process group), so stopping it by its PID's group also stops
whatever it forked. Peak RSS is the kernel's high-water mark (`VmHWM` in /proc/<pid>/status),
summed over the processes of that group: no sampling, nothing to install.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from harness.load import Request, send

HOST = "127.0.0.1"
STOP_GRACE = 30.0  # specmock writes its state file on the way out


class StartFailure(Exception):
    """A server did not come up: it exited, or it did not answer in time, or loaded nothing."""


@dataclass(frozen=True, slots=True)
class Launch:
    """How to start one server: `{port}` in the command is replaced by a free port."""

    server: str
    command: tuple[str, ...]
    prefix: str = ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Running:
    """A started server: its process, port, log, and the seconds it took to answer first."""

    def __init__(self, launch: Launch, process: subprocess.Popen[bytes], port: int, log: Path):
        self.launch = launch
        self.process = process
        self.port = port
        self.log = log
        self.startup = float("nan")

    @property
    def server(self) -> str:
        return self.launch.server

    def request(self, request: Request) -> Request:
        return request.under(self.launch.prefix)

    def peak_rss_mib(self) -> float | None:
        """The summed VmHWM of the server's process group, in MiB (None once it is gone)."""
        total = sum(_vm_hwm_kib(pid) for pid in _group(self.process.pid))
        return total / 1024 if total else None

    def log_tail(self, lines: int = 12) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM to the process group, SIGKILL after a grace period; always reaps the PID."""
        group = self.process.pid
        for sig, wait in ((signal.SIGTERM, STOP_GRACE), (signal.SIGKILL, 10.0)):
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
                if not _group(group):
                    break
            except subprocess.TimeoutExpired:
                continue
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def start(launch: Launch, probe: Request, logs: Path, timeout: float) -> Running:
    """Start a server and wait for any HTTP answer to `probe`; StartFailure on exit or timeout."""
    port = free_port()
    log = logs / f"{launch.server}-{port}.log"
    command = [part.replace("{port}", str(port)) for part in launch.command]
    began = time.perf_counter()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    running = Running(launch, process, port, log)
    try:
        _wait_for_answer(running, running.request(probe), began + timeout)
    except BaseException:  # a failure, or Ctrl-C while waiting: never leave the server behind
        running.stop()
        raise
    running.startup = time.perf_counter() - began
    return running


def _wait_for_answer(running: Running, probe: Request, deadline: float) -> None:
    while True:
        code = running.process.poll()
        if code is not None:
            raise StartFailure(f"exited with code {code}: {running.log_tail() or '(no output)'}")
        try:
            send(HOST, running.port, probe, timeout=max(1.0, deadline - time.perf_counter()))
            return
        except OSError:
            pass
        if time.perf_counter() > deadline:
            raise StartFailure(f"no answer within the time limit: {running.log_tail()}")
        time.sleep(0.05)


def _group(group: int) -> list[int]:
    """The PIDs whose process group is `group` (field 5 of /proc/<pid>/stat)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and fields[2] == str(group) and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _vm_hwm_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0
