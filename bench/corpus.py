"""specmock on a corpus of public real-world specs, one table from one run (`make corpus`).

The specs are listed in corpus/manifest.yaml, each pinned by npm package@version, its path inside
the package and the sha256 of its text. Tarballs come from the npm registry through `npm pack` and
are kept, with the extracted specs, in a cache outside the repo (~/.cache/specmock-corpus, or
$SPECMOCK_CORPUS_CACHE). For each spec: `specmock serve` as a subprocess on a free loopback port
with a token of every kind, its effective spec read from `/__specmock/apis/<name>/openapi.json`,
then the contract suite (every check, every phase including the stateful one) run against it with
credentials, in a child process bounded by time. Every process is stopped by its process group.

It is a measurement: failing specs are rows of the table, not a failed run. The exit status is
non-zero only when the harness itself breaks (npm missing, a pinned file changed).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO / "corpus" / "manifest.yaml"
HOST = "127.0.0.1"
TOKEN = "corpus-token"
ADMIN = "/__specmock/apis"
# The checks of Schemathesis 4 by a short column name, in the order the table shows them.
CHECKS = {
    "not_a_server_error": "5xx",
    "status_code_conformance": "status",
    "content_type_conformance": "ctype",
    "response_headers_conformance": "headers",
    "response_schema_conformance": "schema",
    "negative_data_rejection": "neg",
    "positive_data_acceptance": "pos",
    "missing_required_header": "reqhdr",
    "unsupported_method": "method",
    "use_after_free": "uaf",
    "ensure_resource_availability": "avail",
    "ignored_auth": "auth",
}


class HarnessError(Exception):
    """The harness cannot go on: a tool is missing, a download failed, a pinned file changed."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One spec of the manifest."""

    name: str
    package: str
    version: str
    path: str
    sha256: str
    openapi: str
    size: int

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        fields = ("name", "package", "version", "path", "sha256", "openapi", "size")
        return cls(**{key: data[key] for key in fields})

    @property
    def file_name(self) -> str:
        """The spec's file in the cache: specmock names the API after its stem."""
        suffix = Path(self.path.removesuffix(".gz")).suffix
        return f"{self.name}{suffix}"


@dataclass(slots=True)
class Row:
    """What one spec's run found."""

    entry: Entry
    operations: int = 0
    load_errors: int = 0
    cases: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    server_errors: int = 0
    seconds: float = 0.0
    note: str = ""

    @property
    def total_failures(self) -> int:
        return sum(self.failures.values())


def read_manifest(path: Path) -> list[Entry]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Entry.from_dict(item) for item in data["specs"]]


def default_cache() -> Path:
    """`$SPECMOCK_CORPUS_CACHE`, else `$XDG_CACHE_HOME/specmock-corpus` (`~/.cache/...`)."""
    explicit = os.environ.get("SPECMOCK_CORPUS_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "specmock-corpus"


# -- fetching --------------------------------------------------------------------------------------


def fetch(entry: Entry, cache: Path) -> Path:
    """The spec's file in the cache, downloaded and checked against its sha256 when missing."""
    target = cache / "specs" / entry.file_name
    if target.exists() and _sha256(target.read_bytes()) == entry.sha256:
        return target
    tarball = _tarball(entry.package, entry.version, cache / "tarballs")
    with tarfile.open(tarball) as archive:
        member = archive.extractfile(f"package/{entry.path}")
        if member is None:
            raise HarnessError(f"{entry.package}@{entry.version} has no file {entry.path!r}")
        raw = member.read()
    text = gzip.decompress(raw) if entry.path.endswith(".gz") else raw
    digest = _sha256(text)
    if digest != entry.sha256:
        raise HarnessError(
            f"{entry.name}: {entry.package}@{entry.version}/{entry.path} has sha256 {digest}, "
            f"the manifest pins {entry.sha256}"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    partial.write_bytes(text)
    partial.replace(target)
    return target


def _tarball(package: str, version: str, folder: Path) -> Path:
    name = f"{package.lstrip('@').replace('/', '-')}-{version}.tgz"
    path = folder / name
    if path.exists():
        return path
    npm = shutil.which("npm")
    if npm is None:
        raise HarnessError("npm is needed to fetch the corpus (Debian: apt-get install npm)")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"fetching {package}@{version} ...", file=sys.stderr, flush=True)
    done = subprocess.run(
        [npm, "pack", f"{package}@{version}", "--pack-destination", str(folder), "--silent"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0 or not path.exists():
        raise HarnessError(f"npm pack {package}@{version} failed: {done.stderr.strip()[-500:]}")
    return path


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- servers ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def spawn(command: Sequence[str], log: Path) -> subprocess.Popen[bytes]:
    """A process in its own session, so that stopping its group stops what it forked."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as sink:
        return subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen[Any], grace: float = 10.0) -> None:
    """SIGTERM to the process group, SIGKILL after `grace` seconds; always reaps the PID."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue
    if process.poll() is None:
        process.kill()
        process.wait(timeout=grace)


def get_json(url: str, timeout: float) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as answer:
        return json.loads(answer.read())


def wait_for_listing(process: subprocess.Popen[bytes], base: str, deadline: float) -> Any:
    """The server's list of APIs once it answers; None when it exits or the deadline passes."""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        try:
            return get_json(base + ADMIN, timeout=10)
        except (OSError, urllib.error.URLError, ValueError):
            time.sleep(0.25)
    return None


# -- one spec --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Limits:
    max_examples: int
    spec_time: float
    startup_time: float
    seed: int


def measure(entry: Entry, spec: Path, limits: Limits, logs: Path) -> Row:
    """Serve `spec`, run the suite against its effective spec, and stop the server."""
    row = Row(entry)
    began = time.monotonic()
    port = free_port()
    base = f"http://{HOST}:{port}"
    tokens = [f"bearer={TOKEN}", f"apiKey={TOKEN}", f"basic=specmock:{TOKEN}"]
    command = [sys.executable, "-m", "specmock", "serve", str(spec), "--host", HOST]
    command += ["--port", str(port), *(arg for t in tokens for arg in ("--token", t))]
    server = spawn(command, logs / f"{entry.name}.serve.log")
    try:
        listing = wait_for_listing(server, base, time.monotonic() + limits.startup_time)
        if listing is None:
            row.note = "server did not start" if server.poll() is not None else "start timed out"
            return row
        row.load_errors = len(listing.get("errors") or [])
        apis = listing.get("apis") or []
        row.operations = sum(len(api.get("operations") or []) for api in apis)
        if not apis:
            errors = listing.get("errors") or [{}]
            row.note = f"nothing served: {str(errors[0].get('problem', ''))[:90]}"
            return row
        api = apis[0]
        _run_suite(row, base, api, limits, logs)
    finally:
        stop(server)
        row.seconds = time.monotonic() - began
    return row


def _run_suite(row: Row, base: str, api: dict[str, Any], limits: Limits, logs: Path) -> None:
    mount = "" if api.get("mount") in (None, "/") else str(api["mount"])
    out = logs / f"{row.entry.name}.suite.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "suite", base + api["openapi"]]
    command += [base + mount, str(out), str(limits.max_examples), str(limits.spec_time)]
    command += [str(limits.seed)]
    child = spawn(command, logs / f"{row.entry.name}.suite.log")
    try:
        child.wait(timeout=limits.spec_time + 120)
    except subprocess.TimeoutExpired:
        row.note = "suite killed at its hard limit"
    finally:
        stop(child)
    if not out.exists():
        row.note = row.note or f"suite broke (see {logs / (row.entry.name + '.suite.log')})"
        return
    found = json.loads(out.read_text(encoding="utf-8"))
    row.cases = found["cases"]
    row.failures = Counter(found["failures"])
    row.server_errors = found["server_errors"]
    notes = [] if found["stopped"] == "completed" else [found["stopped"]]
    if found["errors"]:
        notes.append(f"{len(found['errors'])} run errors")
    row.note = ", ".join(notes)


def suite_child(argv: Sequence[str]) -> int:
    """The child's side: run the suite and write what it found as JSON (a file, not stdout,
    which Schemathesis and Hypothesis may write to)."""
    from specmock.contract.suite import SuiteOptions, credentials_for, run_suite

    spec_url, base_url, out, max_examples, max_time, seed = argv
    document = get_json(spec_url, timeout=120)
    options = SuiteOptions(
        max_examples=int(max_examples),
        seed=int(seed),
        max_time=float(max_time),
        request_timeout=10.0,
        auth=credentials_for(document, TOKEN),
    )
    result = run_suite(Path(out).stem, document, base_url, options)
    pairs = {(finding.operation, finding.check) for finding in result.findings}
    statuses: Counter[int] = Counter()
    for operation in result.operations.values():
        statuses.update(operation.statuses)
    found: dict[str, Any] = {
        "cases": result.cases,
        "failures": Counter(check for _, check in pairs),
        "server_errors": sum(n for status, n in statuses.items() if status >= 500),
        "stopped": result.stopped,
        "errors": result.errors,
    }
    Path(out).write_text(json.dumps(found), encoding="utf-8")
    return 0


# -- the table -------------------------------------------------------------------------------------


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"


def table(rows: Sequence[Row]) -> str:
    """One Markdown table: a row per spec, a column per check, and a total."""
    head = ["spec", "version", "size", "ops", "load err", "cases", *CHECKS.values()]
    head += ["5xx answers", "time", "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [row.entry.name, row.entry.openapi, _size(row.entry.size), str(row.operations)]
        cells += [str(row.load_errors), str(row.cases)]
        cells += [str(row.failures.get(check, 0) or "") for check in CHECKS]
        cells += [str(row.server_errors), f"{row.seconds:.0f} s", row.note]
        lines.append("| " + " | ".join(cells) + " |")
    total: Counter[str] = Counter()
    for row in rows:
        total.update(row.failures)
    served = sum(1 for row in rows if row.operations)
    cells = [f"**total ({len(rows)} specs, {served} served)**", "", ""]
    cells += [str(sum(r.operations for r in rows)), str(sum(r.load_errors for r in rows))]
    cells += [str(sum(r.cases for r in rows))]
    cells += [str(total.get(check, 0)) for check in CHECKS]
    cells += [str(sum(r.server_errors for r in rows)), f"{sum(r.seconds for r in rows):.0f} s"]
    cells += [f"{sum(total.values())} failing operation x check pairs"]
    lines.append("| " + " | ".join(cells) + " |")
    legend = ", ".join(f"{short} = {check}" for check, short in CHECKS.items())
    return "\n".join(lines) + f"\n\nColumns per check (failing operations): {legend}.\n"


# -- the run ---------------------------------------------------------------------------------------


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--cache", type=Path, default=default_cache())
    parser.add_argument("--only", action="append", default=[], help="only this spec (repeatable)")
    parser.add_argument("--max-examples", type=int, default=5)
    parser.add_argument("--spec-time", type=float, default=25.0, help="suite seconds per spec")
    parser.add_argument("--startup-time", type=float, default=120.0)
    parser.add_argument("--total-time", type=float, default=1500.0, help="seconds for the run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fetch-only", action="store_true")
    parser.add_argument("--out", type=Path, help="also write the table here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    entries = read_manifest(args.manifest)
    unknown = set(args.only) - {entry.name for entry in entries}
    if unknown:
        raise HarnessError(f"no spec named {', '.join(sorted(unknown))} in {args.manifest}")
    chosen = [entry for entry in entries if not args.only or entry.name in args.only]
    specs = {entry.name: fetch(entry, args.cache) for entry in chosen}
    if args.fetch_only:
        print(f"{len(specs)} specs in {args.cache / 'specs'}")
        return 0
    limits = Limits(args.max_examples, args.spec_time, args.startup_time, args.seed)
    logs = args.cache / "logs"
    deadline = time.monotonic() + args.total_time
    rows = []
    for entry in chosen:
        if time.monotonic() >= deadline:
            rows.append(Row(entry, note="not run: total time cap reached"))
            continue
        row = measure(entry, specs[entry.name], limits, logs)
        print(
            f"{entry.name}: {row.operations} ops, {row.total_failures} failures, "
            f"{row.server_errors} 5xx, {row.seconds:.0f} s {row.note}",
            file=sys.stderr,
            flush=True,
        )
        rows.append(row)
    text = table(rows)
    print(text)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["suite"]:
        sys.exit(suite_child(sys.argv[2:]))
    try:
        sys.exit(main())
    except HarnessError as error:
        print(f"corpus: {error}", file=sys.stderr)
        sys.exit(2)
