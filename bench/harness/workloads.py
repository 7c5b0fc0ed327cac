"""What is sent to the servers: the scenarios of each spec, with bodies derived from its schemas.

Valid bodies are built from the operation's request schema (a property's `example`, else its
`default`, else its first `enum` value, else a plain value of its type; `readOnly` properties left
out); invalid ones break one field's type. `check` asks openapi-core whether each request is valid
and stops the benchmark when a request is not what its scenario claims.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.install import HarnessError
from harness.load import Request

JSON = "application/json"
FORMATS = {
    "date-time": "2024-01-15T09:30:00Z",
    "date": "2024-01-15",
    "uri": "https://example.com/",
    "email": "bench@example.com",
    "uuid": "248df4b7-aa70-47b8-a036-33ac447e668d",
}


@dataclass(frozen=True, slots=True)
class Seed:
    """A record specmock must hold before a scenario (Prism is stateless and needs none)."""

    item_path: str
    record: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    request: Request
    valid: bool
    seed: Seed | None = None


@dataclass(frozen=True, slots=True)
class Workload:
    """One spec and its scenarios; `server_url` is the spec's own, `mount` where specmock serves."""

    api: str
    spec: Path
    server_url: str
    mount: str
    scenarios: tuple[Scenario, ...]
    patched: bool = False

    @property
    def label(self) -> str:
        return f"{self.api} (patched)" if self.patched else self.api


def load_document(path: Path) -> dict[str, Any]:
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise HarnessError(f"{path} is not an OpenAPI document")
    return document


def petstore(path: Path) -> Workload:
    """Swagger's petstore (OpenAPI 3.0, @readme/oas-examples)."""
    document = load_document(path)
    pet = body_for(document, "/pet", "put")
    order = body_for(document, "/store/order", "post")
    key = (("api_key", "bench"), ("Accept", JSON))
    bearer = (("Authorization", "Bearer bench"), ("Accept", JSON), ("Content-Type", JSON))
    plain = (("Accept", JSON), ("Content-Type", JSON))
    seed = Seed("/pet/1", {**pet, "id": 1})
    return Workload(
        api="petstore",
        spec=path,
        server_url=str(document["servers"][0]["url"]),
        mount="/v2",
        scenarios=(
            Scenario("GET pet by id", Request("GET", "/pet/1", key), True, seed),
            Scenario(
                "POST valid order", Request("POST", "/store/order", plain, _json(order)), True
            ),
            Scenario(
                "PUT valid pet (no 2xx documented)",
                Request("PUT", "/pet", bearer, _json(pet)),
                True,
            ),
            Scenario(
                "POST invalid body (order.quantity)",
                Request("POST", "/store/order", plain, _json({**order, "quantity": "many"})),
                False,
            ),
            Scenario("GET invalid path param (/pet/abc)", Request("GET", "/pet/abc", key), False),
        ),
    )


def github(path: Path, patched: bool = False) -> Workload:
    """GitHub's REST API (api.github.com.json from @octokit/openapi): no security schemes."""
    document = load_document(path)
    repo = body_for(document, "/user/repos", "post")
    issue_path = "/repos/octocat/Hello-World/issues/1347"
    accept = (("Accept", JSON),)
    posting = (("Accept", JSON), ("Content-Type", JSON))
    # specmock checks a stored issue against the issue's request schema (the shape it is written
    # in), which GitHub's response example does not fit: the seed is a created issue's body.
    seed = Seed(issue_path, body_for(document, "/repos/{owner}/{repo}/issues", "post"))
    return Workload(
        api="github",
        spec=path,
        server_url=str(document["servers"][0]["url"]),
        mount="",
        scenarios=(
            Scenario("GET an issue", Request("GET", issue_path, accept), True, seed),
            Scenario("POST valid repo", Request("POST", "/user/repos", posting, _json(repo)), True),
            Scenario(
                "POST invalid body (repo.name)",
                Request("POST", "/user/repos", posting, _json({**repo, "name": 42})),
                False,
            ),
        ),
        patched=patched,
    )


def drop_empty_uri_defaults(source: Path, target: Path) -> int:
    """Copy a spec without `default: ""` on `format: uri` strings; how many were dropped.

    GitHub's spec has three (deployment-status target_url, environment_url, log_url), which
    openapi-spec-validator calls invalid, so specmock refuses the whole spec while Prism serves it.
    """
    document = load_document(source)
    dropped = _drop(document)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(document), encoding="utf-8")
    return dropped


def _drop(node: Any) -> int:
    if isinstance(node, list):
        return sum(_drop(item) for item in node)
    if not isinstance(node, dict):
        return 0
    dropped = 0
    if node.get("format") == "uri" and node.get("default") == "":
        del node["default"]
        dropped = 1
    return dropped + sum(_drop(value) for value in node.values())


def check(workload: Workload, document: Mapping[str, Any]) -> None:
    """openapi-core must accept the valid requests and reject the invalid ones (HarnessError)."""
    from jsonschema_path import SchemaPath
    from openapi_core import V30RequestValidator, V31RequestValidator

    version = str(document.get("openapi", ""))
    validator_class = V31RequestValidator if version.startswith("3.1") else V30RequestValidator
    validator = validator_class(SchemaPath.from_dict(dict(document)))
    for scenario in workload.scenarios:
        errors = _errors(validator, workload.server_url, scenario.request)
        if scenario.valid == bool(errors):
            verdict = f"rejects it: {errors}" if errors else "accepts it"
            raise HarnessError(
                f"{workload.api} '{scenario.name}' is meant to be "
                f"{'valid' if scenario.valid else 'invalid'}, but openapi-core {verdict}"
            )


def _errors(validator: Any, server_url: str, request: Request) -> list[str]:
    from openapi_core.testing import MockRequest

    headers = dict(request.headers)
    path = server_url.split("://", 1)[-1].partition("/")[2]
    mock = MockRequest(
        server_url.removesuffix("/" + path) if path else server_url,
        request.method.lower(),
        f"/{path}{request.path}" if path else request.path,
        headers=headers,
        data=request.body,
        content_type=headers.get("Content-Type", JSON),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openapi-core warns about oauth2 schemes it cannot check
        return [_describe(error) for error in validator.iter_errors(mock)]


def _describe(error: Exception) -> str:
    causes = [str(cause) for cause in getattr(error, "schema_errors", ()) or ()]
    cause = error.__cause__
    return f"{type(error).__name__}: {'; '.join(causes) or cause or error}"


# -- bodies from schemas --------------------------------------------------------------------------


def body_for(document: Mapping[str, Any], path: str, method: str) -> dict[str, Any]:
    """A valid JSON body for an operation, built from its request body schema."""
    operation = document["paths"][path][method]
    body = _resolve(document, operation["requestBody"])
    value = value_for(document, body["content"][JSON]["schema"])
    if not isinstance(value, dict):
        raise HarnessError(f"{method.upper()} {path} does not take a JSON object")
    return value


def value_for(document: Mapping[str, Any], schema: Mapping[str, Any], depth: int = 0) -> Any:
    """A value of `schema`: example, default, first enum value, or a plain value of its type."""
    schema = _resolve(document, schema)
    for key in ("example", "default"):
        if key in schema:
            return schema[key]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if kind == "object" or "properties" in schema:
        return _object_for(document, schema, depth)
    if kind == "array":
        return [value_for(document, schema.get("items", {}), depth + 1)] if depth < 4 else []
    plain: dict[str, Any] = {"integer": 1, "number": 1.5, "boolean": True, "null": None}
    if kind in plain:
        return plain[kind]
    return FORMATS.get(str(schema.get("format")), "bench")


def _object_for(document: Mapping[str, Any], schema: Mapping[str, Any], depth: int) -> Any:
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    value = {}
    for name, raw in properties.items():
        child = _resolve(document, raw)
        if child.get("readOnly") or (depth >= 3 and name not in required):
            continue
        value[name] = value_for(document, child, depth + 1)
    return value


def _resolve(document: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow local `$ref`s (`#/a/b`) until a node without one."""
    seen = 0
    while isinstance(node, Mapping) and "$ref" in node and seen < 32:
        target: Any = document
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node, seen = target, seen + 1
    return node


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()
