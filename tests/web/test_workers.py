"""Several specmock processes on one real Redis: `serve --workers N` on one port, and replicas on
several ports with 32 concurrent writers spread over them; nothing written is lost. Every wait
is bounded, and every process started is stopped by its PID."""

import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from specmock import cli
from specmock.cli import main
from tests.redis_server import RedisServer, free_port

NOTES = Path(__file__).resolve().parents[1] / "specs" / "notes.yaml"
BOUND = 30  # seconds any wait here may take at most; none is a timing assertion
WRITERS, CREATES, PATCHES = 32, 3, 5
RETRIES = 50

BOARDS = """
openapi: 3.1.0
info: {title: Boards, version: "1"}
paths:
  /boards:
    post:
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/Board"}}}
      responses:
        "201":
          description: made
          content: {application/json: {schema: {$ref: "#/components/schemas/Board"}}}
  /boards/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200":
          description: found
          content: {application/json: {schema: {$ref: "#/components/schemas/Board"}}}
        "404": {description: none}
    patch:
      requestBody:
        required: true
        content: {application/merge-patch+json: {schema: {$ref: "#/components/schemas/Board"}}}
      responses:
        "200":
          description: patched
          content: {application/json: {schema: {$ref: "#/components/schemas/Board"}}}
        "404": {description: none}
components:
  schemas:
    Board:
      type: object
      properties:
        id: {type: integer, readOnly: true}
        name: {type: string}
        counts: {type: object, additionalProperties: {type: integer}}
"""


class Fake:
    """One `specmock serve` process, started and stopped by its PID."""

    def __init__(self, spec: Path, store: str, prefix: str, *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "specmock", "serve", str(spec), "--port", str(self.port)]
        command += ["--store", store, "--store-prefix", prefix, "--log-level", "warning"]
        command += ["--records", "0", "--no-watch", *extra]
        self.log = (spec.parent / f"serve-{self.port}.log").open("wb")
        self.process = subprocess.Popen(command, stderr=self.log)
        deadline = time.monotonic() + BOUND
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                httpx.get(f"{self.url}/__specmock/apis", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        errors = (spec.parent / f"serve-{self.port}.log").read_text()
        raise AssertionError(f"did not start: {' '.join(command)}\n{errors}")

    def children(self) -> list[int]:
        found = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        return [int(pid) for pid in found.split()]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(BOUND)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(BOUND)
            raise AssertionError("did not stop on SIGTERM") from None
        finally:
            self.log.close()


@pytest.fixture
def boards(tmp_path: Path) -> Path:
    path = tmp_path / "boards.yaml"
    path.write_text(BOARDS)
    return path


def journal(url: str, count: int) -> list[dict]:
    """The journal once it holds `count` entries (other processes write theirs a moment later)."""
    deadline = time.monotonic() + BOUND
    while True:
        found = httpx.get(f"{url}/__specmock/requests", timeout=BOUND).json()["requests"]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


@pytest.fixture
def replicas(redis_server: RedisServer, boards: Path) -> Iterator[list[Fake]]:
    prefix = f"r{uuid.uuid4().hex[:8]}"
    fakes: list[Fake] = []
    try:
        for _ in range(3):
            fakes.append(Fake(boards, redis_server.url, prefix))
        yield fakes
    finally:
        for fake in fakes:
            fake.stop()


def patched(client: httpx.Client, url: str, patch: dict) -> httpx.Response:
    """A merge patch, sent again while the fake answers 503 and asks for a retry: a record that
    32 writers patch at once can change under every one of a request's tries (bounded here)."""
    headers = {"Content-Type": "application/merge-patch+json"}
    for _ in range(RETRIES):
        answer = client.patch(url, json=patch, headers=headers)
        if answer.status_code != 503 or not answer.json()["detail"].endswith("; retry"):
            return answer
        time.sleep(0.01)
    return answer


def test_workers_three_replicas_and_32_writers_lose_no_write(replicas):
    urls = [fake.url for fake in replicas]
    shared = httpx.post(f"{urls[0]}/boards", json={"name": "shared", "counts": {}}).json()["id"]

    def write(writer: int) -> list[int]:
        made = []
        with httpx.Client(timeout=BOUND) as client:
            for index in range(CREATES):
                url = urls[(writer + index) % 3]
                answer = client.post(f"{url}/boards", json={"name": f"w{writer}-{index}"})
                assert answer.status_code == 201, answer.text
                made.append(answer.json()["id"])
            for step in range(1, PATCHES + 1):
                url = urls[(writer + step) % 3]
                patch = {"counts": {f"w{writer}": step}}
                answer = patched(client, f"{url}/boards/{shared}", patch)
                assert answer.status_code == 200, answer.text
        return made

    with ThreadPoolExecutor(WRITERS) as pool:
        made = [identifier for ids in pool.map(write, range(WRITERS)) for identifier in ids]
    assert len(set(made)) == WRITERS * CREATES  # no id given out twice
    served = journal(urls[1], WRITERS * (CREATES + PATCHES) + 1)  # every process's requests
    writes = [(entry["method"], entry["status"]) for entry in served]
    assert writes.count(("POST", 201)) == WRITERS * CREATES + 1
    assert writes.count(("PATCH", 200)) == WRITERS * PATCHES
    expected = {f"w{writer}": PATCHES for writer in range(WRITERS)}
    with httpx.Client(timeout=BOUND) as client:
        for url in urls:
            assert client.get(f"{url}/boards/{shared}").json()["counts"] == expected
            for identifier in made:
                read = client.get(f"{url}/boards/{identifier}")
                assert read.status_code == 200 and read.json()["name"].startswith("w")


def test_workers_two_on_one_port_share_records_and_journal(redis_server, boards):
    boards.with_name("notes.yaml").write_text(NOTES.read_text())
    fake = Fake(
        boards.with_name("notes.yaml"),
        redis_server.url,
        f"w{uuid.uuid4().hex[:8]}",
        "--workers",
        "2",
    )
    try:
        workers = fake.children()
        assert len(workers) == 2
        made = httpx.post(f"{fake.url}/notes", json={"title": "one port"})
        assert made.status_code == 201
        for _ in range(40):  # a new connection each: the kernel spreads them over the workers
            read = httpx.get(fake.url + made.headers["Location"], timeout=BOUND)
            assert read.status_code == 200 and read.json() == made.json()
        entries = journal(fake.url, 41)
        assert [entry["method"] for entry in entries].count("GET") == 40
        assert entries[-1]["method"] == "POST"
    finally:
        assert fake.stop() == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)  # every worker stopped


def never_served(app, args):
    raise AssertionError("served, not refused")


def test_workers_with_the_in_memory_store_are_refused(capsys, monkeypatch):
    monkeypatch.setattr(cli, "_run", never_served)
    assert main(["serve", str(NOTES), "--workers", "2"]) == 2
    error = capsys.readouterr().err
    assert error.startswith(
        "specmock: --workers 2 needs a shared store: with --store memory each worker process"
        " keeps its own records, so a record created through one worker would be a 404 through"
        " another; keep the records in Redis (--store redis://127.0.0.1:6379/0), or serve with"
        " one worker"
    )


def test_workers_from_the_config_file_are_refused_too(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "_run", never_served)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "notes.yaml").write_text(NOTES.read_text())
    (tmp_path / "specmock.yaml").write_text("workers: 3\n")
    assert main(["serve", str(tmp_path / "specs")]) == 2
    assert "specmock: --workers 3 needs a shared store" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["0", "two"])
def test_workers_must_be_a_whole_number_of_at_least_one(text, capsys):
    with pytest.raises(SystemExit):
        main(["serve", str(NOTES), "--workers", text])
    assert f"argument --workers: {text!r} is not a whole number of at least 1" in (
        capsys.readouterr().err
    )
