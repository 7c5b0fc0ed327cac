"""The contract suite: Schemathesis against a base URL, with every check and every phase.

`run_suite` drives Schemathesis' engine (examples, coverage, fuzzing, then stateful sequences
over the spec's links and the ones it infers) and folds its events into a `SuiteResult`: test
cases and findings per operation, each finding with the curl line that reproduces it. The same
suite serves `specmock fuzz` (our stubs, effective specs) and `specmock verify` (a real server,
source specs); how results are printed is `summary`'s business.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.baseline import failure_identity
from schemathesis.config._checks import NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES
from schemathesis.core.failures import Failure
from schemathesis.engine import StopReason, events, from_schema
from schemathesis.engine.recorder import ScenarioRecorder

from specmock.config import DEFAULT_MAX_EXAMPLES
from specmock.spec.api import HTTP_METHODS
from specmock.spec.routing import check_target, upstream_url

# Schemathesis' statuses that reject invalid data, plus 413: a body over the size limit is refused
# unread, before its schema can be judged (Schemathesis generates 30 MB bodies for a 400 KB
# maxLength). The request is still rejected, which is what the check is about.
REJECTIONS = [*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "413"]
RUN_LABEL = "(whole run)"


@dataclass(frozen=True, slots=True)
class SuiteOptions:
    """How hard and how long to test.

    `max_time` is a hard deadline in seconds: the run stops when it passes and says so.
    `auth` maps security scheme names to Schemathesis' `auth.openapi` entries
    (`{"bearer": ...}`, `{"username": ..., "password": ...}`, `{"api_key": ...}`).
    """

    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int | None = None
    workers: int = 1
    max_time: float | None = None
    request_timeout: float = 10.0
    headers: Mapping[str, str] = field(default_factory=dict)
    auth: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(slots=True)
class Finding:
    """One distinct failure: an operation broke a check, with the request that shows it."""

    operation: str
    check: str
    code: str
    title: str
    message: str
    status: int | None
    curl: str
    count: int = 1


@dataclass(slots=True)
class OperationResult:
    """One operation's share of a run: test cases that got an answer, and their statuses."""

    label: str
    cases: int = 0
    seconds: float = 0.0
    findings: dict[tuple[str, ...], Finding] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def only_refused(self) -> bool:
        """Every answer was 401 or 403 (or 405 to a method sent on purpose): the credentials
        were missing or wrong, so nothing past the security check was tested."""
        return bool({401, 403} & set(self.statuses)) and set(self.statuses) <= {401, 403, 405}


@dataclass(slots=True)
class SuiteResult:
    """What one API's run found: per operation (in the spec's order), plus run-level errors."""

    api: str
    base_url: str
    seed: int
    operations: dict[str, OperationResult] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    stopped: str = "completed"
    seconds: float = 0.0

    def error(self, message: str) -> None:
        """Record a run error once; repeats (one per test case) only add to its count."""
        if message not in self.errors:
            self.errors.append(message)

    @property
    def findings(self) -> list[Finding]:
        return [f for result in self.operations.values() for f in result.findings.values()]

    @property
    def cases(self) -> int:
        return sum(result.cases for result in self.operations.values())

    @property
    def tested(self) -> int:
        """Operations that got at least one test case."""
        return sum(1 for result in self.operations.values() if result.cases)

    @property
    def failures_per_check(self) -> Counter[str]:
        return Counter(finding.check for finding in self.findings)

    @property
    def passed(self) -> bool:
        return not self.findings and not self.errors and self.stopped != "interrupted"

    @property
    def complete(self) -> bool:
        return self.stopped == "completed"

    def operation(self, label: str) -> OperationResult:
        return self.operations.setdefault(label, OperationResult(label))


def run_suite(
    name: str, document: Mapping[str, Any], base_url: str, options: SuiteOptions
) -> SuiteResult:
    """Run every check and phase of Schemathesis against `base_url` for `document`."""
    seed = options.seed if options.seed is not None else random.getrandbits(32)
    schema = schemathesis.openapi.from_dict(
        dict(document), config=schemathesis.Config.from_dict(_settings(base_url, seed, options))
    )
    result = SuiteResult(name, base_url, seed)
    for label in _labels(document):
        result.operation(label)
    started = time.monotonic()
    stream = from_schema(schema).execute()
    timer = None
    if options.max_time is not None:
        timer = threading.Timer(options.max_time, stream.stop)
        timer.daemon = True
        timer.start()
    try:
        for event in stream:
            _fold(result, event)
    finally:
        if timer is not None:
            timer.cancel()
    result.seconds = time.monotonic() - started
    timed_out = options.max_time is not None and result.seconds >= options.max_time
    if result.stopped == "interrupted" and timed_out:
        result.stopped = "time limit reached"
    refused = [label for label, op in result.operations.items() if op.only_refused]
    if refused:
        result.error(
            f"every answer to {', '.join(refused)} was 401 or 403: the credentials are missing "
            "or refused (pass them with -H), so nothing behind the security check was tested"
        )
    return result


def _settings(base_url: str, seed: int, options: SuiteOptions) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "base-url": base_url,
        "seed": seed,
        "workers": options.workers,
        "request-timeout": options.request_timeout,
        "generation": {"max-examples": options.max_examples, "database": "none"},
        "checks": {
            "enabled": True,
            "negative_data_rejection": {"expected-statuses": REJECTIONS},
        },
        "phases": {
            name: {"enabled": True} for name in ("examples", "coverage", "fuzzing", "stateful")
        },
        "suppress-health-check": ["all"],
        # No state kept between runs (Schemathesis replays cached crashes otherwise): a run is
        # what its options and seed say, and nothing is written to the working directory.
        "cache": {"enabled": False},
    }
    if options.headers:
        settings["headers"] = dict(options.headers)
    if options.auth:
        settings["auth"] = {"openapi": {k: dict(v) for k, v in options.auth.items()}}
    return settings


def _labels(document: Mapping[str, Any]) -> Iterable[str]:
    for path, item in (document.get("paths") or {}).items():
        for method in item or {}:
            if method in HTTP_METHODS:
                yield f"{method.upper()} {path}"


def _fold(result: SuiteResult, event: events.EngineEvent) -> None:
    if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
        _fold_scenario(result, event.recorder, event.elapsed_time)
    elif isinstance(event, events.NonFatalError):
        result.error(f"{event.label}: {event.info.title}: {event.info.message}".strip())
    elif isinstance(event, events.FatalError):
        result.error(f"Schemathesis failed: {event.exception!r}")
    elif isinstance(event, events.EngineFinished):
        result.stopped = _stopped(event.stop_reason)
        for failure in event.failures:
            _add(result.operation(RUN_LABEL), failure, failure.operation or "", None, "")


def _stopped(reason: StopReason) -> str:
    if reason is StopReason.COMPLETED:
        return "completed"
    return str(reason.skip_explanation or reason.value).lower()


def _fold_scenario(result: SuiteResult, recorder: ScenarioRecorder, elapsed: float) -> None:
    labels = {node.value.operation.label for node in recorder.cases.values()}
    for case_id, node in recorder.cases.items():
        interaction = recorder.interactions.get(case_id)
        if interaction is None or interaction.response is None:
            continue  # never answered (a network error, reported as a run error)
        operation = result.operation(node.value.operation.label)
        operation.cases += 1
        status = interaction.response.status_code
        operation.statuses[status] += 1
        for check in recorder.checks.get(case_id, []):
            if check.failure_info is not None:
                info = check.failure_info
                _add(operation, info.failure, check.name, status, info.code_sample)
    for label in labels:
        result.operation(label).seconds += elapsed / len(labels)


def _add(
    operation: OperationResult, failure: Failure, check: str, status: int | None, curl: str
) -> None:
    key = failure_identity(failure, check)
    found = operation.findings.get(key)
    if found is None:
        operation.findings[key] = Finding(
            operation.label,
            check,
            failure.code,
            failure.title,
            failure.message,
            status,
            curl,
        )
        return
    found.count += 1
    if _better_reproduction(curl, found.curl):
        found.curl, found.status, found.message = curl, status, failure.message


def _better_reproduction(candidate: str, current: str) -> bool:
    """A sequence before a lone request (one that creates what it then reads stands on its own
    against a fresh server; a lone read of a record made earlier may not), then fewer requests,
    then the shorter text."""

    def rank(curl: str) -> tuple[bool, int, int]:
        steps = sum(1 for line in curl.splitlines() if line.startswith("curl "))
        return steps <= 1, steps, len(curl)

    return rank(candidate) < rank(current)


def base_url_for(target: str, base_path: str) -> str:
    """Where an API's paths hang off on `target` (the proxy's rule: `routing.upstream_url`).

    A target with no path (`http://127.0.0.1:8000`) keeps the spec's own base path
    (`/api/v1`); a target with a path (`http://host/v2`) replaces it.
    """
    return upstream_url(check_target(target), base_path, base_path).rstrip("/")


def credentials_for(document: Mapping[str, Any], token: str) -> dict[str, dict[str, str]]:
    """Schemathesis `auth.openapi` entries that give every security scheme `token`.

    Basic auth sends `specmock:<token>`; bearer, OAuth 2 and OpenID Connect send the token as a
    bearer token; API keys send it as the key.
    """
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    auth: dict[str, dict[str, str]] = {}
    for name, scheme in schemes.items():
        kind = scheme.get("type")
        if kind == "apiKey":
            auth[name] = {"api_key": token}
        elif kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
            auth[name] = {"username": "specmock", "password": token}
        elif kind in ("http", "oauth2", "openIdConnect"):
            auth[name] = {"bearer": token}
    return auth
