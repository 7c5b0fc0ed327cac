"""Checking answers against a spec with openapi-core, not by eye."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from specmock.validation.documents import json_deserializers

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiSchema

    from specmock.mock.served_api import ServedApi
    from specmock.web.testing import LiveServer

TESTS = Path(__file__).resolve().parent
"""The tests folder: shared fixtures (`specs/`, `fixtures/`, `pages/`) live here."""


def schemathesis_settings(max_examples: int = 40) -> dict[str, Any]:
    """Schemathesis as the referee runs it: every phase and check, bounded and deterministic."""
    from specmock.contract.suite import REJECTIONS  # only the tests that run Schemathesis

    return {
        "request-timeout": 10,
        "generation": {
            "max-examples": max_examples,
            "deterministic": True,
            "database": "none",
            "mode": "all",
        },
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
        },
        "checks": {"enabled": True, "negative_data_rejection": {"expected-statuses": REJECTIONS}},
    }


def resolved(document: dict[str, Any], schema: Any) -> dict[str, Any]:
    """`schema` with its `#/components/schemas/...` references followed in `document`."""
    while isinstance(schema, dict) and "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema if isinstance(schema, dict) else {}


def body_schema(case: Any) -> Any:
    """The schema a Schemathesis case's body is drawn from: its operation's, for its media type."""
    content = case.operation.definition.raw.get("requestBody", {}).get("content", {})
    return content.get(case.media_type, {}).get("schema", {})


def served_schema(
    server: LiveServer, api: str, max_examples: int = 40
) -> tuple[ServedApi, OpenApiSchema]:
    """An API `server` serves, and Schemathesis' schema of its effective spec at its URL, with
    the referee's settings (`schemathesis_settings`)."""
    import schemathesis

    served = server.app.state.specmock.served[api]
    base = {**schemathesis_settings(max_examples), "base-url": server.url + served.mount}
    config = schemathesis.Config.from_dict(base)
    return served, schemathesis.openapi.from_dict(served.effective, config=config)


def stateful_test(
    schema: OpenApiSchema, headers: dict[str, str], *, steps: int, examples: int = 40
) -> Any:
    """Schemathesis' stateful phase on `schema` as a pytest class: calls in random orders,
    following the links, with `headers`; each example in a session of its own, so that a replayed
    example answers alike. Bounded and deterministic."""
    import hypothesis

    from specmock.web.request import SESSION_HEADER

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        session = ""

        def setup(self) -> None:
            self.session = uuid.uuid4().hex

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {**headers, SESSION_HEADER: self.session}}

    test = Workflow.TestCase
    test.settings = hypothesis.settings(
        max_examples=examples,
        stateful_step_count=steps,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    return test


@dataclass
class CoreRequest:
    host_url: str
    path: str
    method: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters = field(default_factory=RequestParameters)

    @property
    def full_url_pattern(self) -> str:
        return self.host_url + self.path


@dataclass
class CoreResponse:
    status_code: int
    data: bytes
    headers: Headers
    content_type: str


def core_request(response: httpx.Response) -> CoreRequest:
    request = response.request
    return CoreRequest(
        host_url=f"{request.url.scheme}://{request.url.netloc.decode()}",
        path=request.url.path,
        method=request.method.lower(),
        body=request.content or None,
        content_type=request.headers.get("content-type", "application/json"),
        parameters=RequestParameters(
            query=ImmutableMultiDict(list(request.url.params.multi_items())),
            header=Headers(list(request.headers.items())),
        ),
    )


def core_response(response: httpx.Response) -> CoreResponse:
    return CoreResponse(
        status_code=response.status_code,
        data=response.content,
        headers=Headers(list(response.headers.items())),
        content_type=response.headers.get("content-type", ""),
    )


def response_errors(document: dict[str, Any], response: httpx.Response) -> list[str]:
    """Every way openapi-core finds an answer breaking the spec (empty: it conforms)."""
    extra = {"application/problem+json": json.loads} | json_deserializers(document)
    openapi = OpenAPI.from_dict(document, config=Config(extra_media_type_deserializers=extra))
    errors = openapi.iter_response_errors(core_request(response), core_response(response))
    return [f"{type(e).__name__}: {e} {getattr(e, '__cause__', '')}" for e in errors]
