"""End to end over HTTP: every seed operation, valid and invalid requests, Prefer; each answer is
checked against the API's effective spec with openapi-core."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from specmock.config import Config
from specmock.spec.api import Catalog
from specmock.web.app import create_app
from specmock.web.testing import LiveServer
from tests.conftest import SPECS, effective
from tests.helpers import response_errors

BEARER = {"Authorization": "Bearer T"}
AWS = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKIA/20160614/us-east-1/apigateway/aws4_request"
}
MODEL = {"model": {"name": "Churn", "query_type": "raw_sql", "connector_id": 3}}
CONNECTOR = {
    "connector": {
        "name": "Warehouse",
        "connector_type": "source",
        "configuration": {"host": "db"},
        "connector_name": "Postgres",
    }
}
SYNC = {"sync": {"source_id": 1, "destination_id": 2, "model_id": 3, "schedule_type": "automated"}}
PETSTORE = SPECS.parent / "tests" / "fixtures" / "petstore.json"
POLY_ID = "248df4b7-aa70-47b8-a036-33ac447e668d"
POLY = {"configuration": {"table": "public.users"}, "connection_id": POLY_ID, "name": "Users"}
PATCH = {"patchOperations": [{"op": "replace", "path": "/description", "value": "Calc output"}]}

VALID = [
    pytest.param("aisquared", "PUT", "/api/v1/models/7", BEARER, MODEL, id="aisquared-model"),
    pytest.param(
        "aisquared", "PUT", "/api/v1/connectors/5", BEARER, CONNECTOR, id="aisquared-connector"
    ),
    pytest.param("aisquared", "PUT", "/api/v1/syncs/9", BEARER, SYNC, id="aisquared-sync"),
    pytest.param("polytomic", "PUT", f"/api/models/{POLY_ID}", BEARER, POLY, id="polytomic-bearer"),
    pytest.param(
        "apigateway", "PATCH", "/restapis/uojnr9hd57/models/output", AWS, PATCH, id="apigateway"
    ),
]


def checked(client: httpx.Client, api: str, response) -> None:
    assert response_errors(effective(client, api), response) == []


@pytest.mark.parametrize(("api", "method", "path", "headers", "body"), VALID)
def test_app_valid_request_gets_documented_success(specs_client, api, method, path, headers, body):
    response = specs_client.request(method, path, headers=headers, json=body)
    assert response.status_code == 200, response.text
    checked(specs_client, api, response)


@pytest.mark.parametrize(("api", "method", "path", "headers", "body"), VALID)
def test_app_missing_credential_is_401(specs_client, api, method, path, headers, body):
    response = specs_client.request(method, path, json=body)
    assert response.status_code == 401
    assert "www-authenticate" in response.headers
    checked(specs_client, api, response)


@pytest.mark.parametrize(("api", "method", "path", "headers", "body"), VALID)
def test_app_every_documented_status_can_be_preferred(
    specs_client, api, method, path, headers, body
):
    document = effective(specs_client, api)
    operation = next(
        spec
        for item in document["paths"].values()
        for m, spec in item.items()
        if m == method.lower()
        and spec["operationId"] in {"updateModel", "updateConnector", "updateSync"}
        and path.startswith(
            ("/api/v1/models", "/api/v1/connectors", "/api/v1/syncs", "/api/models", "/restapis")
        )
    )
    source = Catalog.from_path(SPECS).api(api)
    documented = [
        status
        for op in source.operations
        if op.method == method.lower() and _matches(op.path, path)
        for status in op.spec["responses"]
    ]
    assert documented, operation
    for status in documented:
        response = specs_client.request(
            method, path, headers={**headers, "Prefer": f"code={status}"}, json=body
        )
        assert response.status_code == int(status), response.text
        checked(specs_client, api, response)


def _matches(template: str, path: str) -> bool:
    t, p = template.strip("/").split("/"), path.strip("/").split("/")
    return len(t) == len(p) and all(a.startswith("{") or a == b for a, b in zip(t, p, strict=True))


def test_app_model_body_type_error_names_the_pointer(specs_client):
    body = {"model": {"name": "Churn", "query_type": "raw_sql", "connector_id": "three"}}
    response = specs_client.put("/api/v1/models/7", headers=BEARER, json=body)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"in": "body", "name": "/model/connector_id", "message": "'three' is not of type 'integer'"}
    ]
    checked(specs_client, "aisquared", response)


def test_app_body_errors_alone_are_400(specs_client):
    body = {"model": {"query_type": "raw_sql", "connector_id": "three"}}
    response = specs_client.put("/api/v1/models/7", headers=BEARER, json=body)
    assert response.status_code == 400
    assert len(response.json()["errors"]) == 2


def test_app_every_violation_is_reported_at_once(specs_client):
    body = {"model": {"query_type": "raw_sql", "connector_id": "three"}}
    response = specs_client.put("/api/v1/models/abc", headers=BEARER, json=body)
    assert response.status_code == 404  # a non-number where the id is a number names no model
    checked(specs_client, "aisquared", response)
    assert response.json()["errors"] == [
        {"in": "path", "name": "id", "message": "'abc' is not a valid integer"},
        {
            "in": "body",
            "name": "/model/connector_id",
            "message": "'three' is not of type 'integer'",
        },
        {"in": "body", "name": "/model/name", "message": "'name' is a required property"},
    ]


def test_app_connector_enum_violation(specs_client):
    body = {"connector": {**CONNECTOR["connector"], "connector_type": "sideways"}}
    response = specs_client.put("/api/v1/connectors/5", headers=BEARER, json=body)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error == {
        "in": "body",
        "name": "/connector/connector_type",
        "message": "'sideways' is not one of ['source', 'destination']",
    }


def test_app_polytomic_errors_use_its_documented_error_shape(specs_client):
    response = specs_client.put("/api/models/not-a-uuid", headers=BEARER, json=POLY)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["status"] == 400
    assert body["message"] == "1 problem: path id: 'not-a-uuid' is not a 'uuid'"
    checked(specs_client, "polytomic", response)


def test_app_polytomic_documented_shape_also_lists_violations_in_a_header(specs_client):
    response = specs_client.put("/api/models/not-a-uuid", headers=BEARER, json={"name": 5})
    assert response.status_code == 400
    # the body's message stops after three; the header has room for all four
    assert "; ..." in response.json()["message"]
    listed = json.loads(response.headers["x-specmock-violations"])
    assert [(v["in"], v["name"]) for v in listed] == [
        ("path", "id"),
        ("body", "/name"),
        ("body", "/configuration"),
        ("body", "/connection_id"),
    ]
    assert (
        "x-specmock-violations"
        not in specs_client.put("/api/v1/models/abc", headers=BEARER, json=MODEL).headers
    )  # problem+json says it all in the body


def test_app_an_error_documented_without_a_body_still_says_what_is_wrong():
    """Petstore documents `400 Invalid Order` and `404 Pet not found` with no content: the
    answer keeps that (empty) shape and names each violation in X-Specmock-Violations."""
    with LiveServer(Config(specs=PETSTORE)) as server:
        order = {"id": 1, "petId": 1, "quantity": "three", "status": "lost"}
        refused = httpx.post(f"{server.url}/v2/store/order", json=order)
        missing = httpx.get(f"{server.url}/v2/pet/404", headers={"api_key": "k"})
    assert refused.status_code == 400
    assert refused.content == b""
    listed = json.loads(refused.headers["x-specmock-violations"])
    assert sorted((v["in"], v["name"]) for v in listed) == [
        ("body", "/quantity"),
        ("body", "/status"),
    ]
    assert "'three' is not of type 'integer'" in listed[0]["message"] + listed[1]["message"]
    assert missing.status_code == 404
    assert missing.content == b""
    [entry] = json.loads(missing.headers["x-specmock-violations"])
    assert (entry["in"], entry["name"]) == ("path", "petId")
    assert "/pet/404 does not exist" in entry["message"]


def test_app_polytomic_accepts_basic_auth_and_checks_query_and_header(specs_client):
    basic = {"Authorization": "Basic " + base64.b64encode(b"org:key").decode()}
    ok = specs_client.put(
        f"/api/models/{POLY_ID}?async=true",
        headers={**basic, "X-Polytomic-Version": "2024-02-08"},
        json=POLY,
    )
    assert ok.status_code == 200, ok.text
    bad = specs_client.put(f"/api/models/{POLY_ID}?async=maybe", headers=basic, json=POLY)
    assert bad.status_code == 400
    assert "query async" in bad.json()["message"]


def test_app_apigateway_invalid_op_is_400_in_amazon_shape(specs_client):
    body = {"patchOperations": [{"op": "frobnicate", "path": "/description"}]}
    response = specs_client.patch("/restapis/abc/models/Output", headers=AWS, json=body)
    assert response.status_code == 400
    message = response.json()["message"]
    assert "body /patchOperations/0/op: 'frobnicate' is not one of" in message
    checked(specs_client, "apigateway", response)


def test_app_apigateway_prefer_409_is_amazon_error(specs_client):
    response = specs_client.patch(
        "/restapis/abc/models/Output", headers={**AWS, "Prefer": "code=409"}, json=PATCH
    )
    assert response.status_code == 409
    assert set(response.json()) == {"message"}
    checked(specs_client, "apigateway", response)


def test_app_undocumented_prefer_code_is_400_listing_documented(specs_client):
    response = specs_client.put(
        "/api/v1/models/7", headers={**BEARER, "Prefer": "code=202"}, json=MODEL
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Prefer code=202 is not documented for PUT /api/v1/models/{id}; documented: 200"
    )


def test_app_prefer_example_and_dynamic(specs_client):
    named = specs_client.patch(
        "/restapis/a/models/b", headers={**AWS, "Prefer": "example=replaceSchema"}, json=PATCH
    )
    assert named.status_code == 200 and named.json()["id"] == "hkhn0z"
    unknown = specs_client.patch(
        "/restapis/a/models/b", headers={**AWS, "Prefer": "example=nope"}, json=PATCH
    )
    assert unknown.status_code == 400
    assert "documented examples: replaceSchema" in unknown.json()["message"]
    dynamic = [
        specs_client.put("/api/v1/syncs/1", headers={**BEARER, "Prefer": "dynamic=true"}, json=SYNC)
        for _ in range(3)
    ]
    for response in dynamic:
        assert response.status_code == 200
        checked(specs_client, "aisquared", response)


def test_app_same_request_same_body(specs_client):
    first = specs_client.put("/api/v1/models/7", headers=BEARER, json=MODEL)
    second = specs_client.put("/api/v1/models/7", headers=BEARER, json=MODEL)
    assert first.content == second.content


@pytest.mark.parametrize(
    ("method", "path", "headers", "content", "status"),
    [
        pytest.param("GET", "/nowhere", {}, None, 404, id="unknown-path"),
        pytest.param("TRACE", "/api/v1/models/7", {}, None, 405, id="trace"),
        pytest.param("DELETE", "/api/v1/models/7", {}, None, 405, id="undeclared"),
        pytest.param(
            "PUT",
            "/api/v1/models/7",
            {**BEARER, "Content-Type": "text/plain"},
            b"hi",
            415,
            id="media-type",
        ),
        pytest.param(
            "PUT",
            "/api/v1/models/7",
            {**BEARER, "Content-Type": "application/json", "Accept": "text/html"},
            b'{"model":{"name":"a","query_type":"b","connector_id":1}}',
            406,
            id="accept",
        ),
        pytest.param(
            "PUT",
            "/api/v1/models/7",
            {**BEARER, "Content-Type": "application/json"},
            b"{",
            400,
            id="broken-json",
        ),
        pytest.param(
            "PUT",
            "/api/v1/models/7",
            {**BEARER, "Content-Type": "application/json"},
            b"",
            400,
            id="missing-body",
        ),
    ],
)
def test_app_protocol_errors(specs_client, method, path, headers, content, status):
    response = specs_client.request(method, path, headers=headers, content=content)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["detail"]
    if status == 405:
        assert response.headers["allow"] == "PUT"


def test_app_body_over_the_limit_is_413():
    with LiveServer(Config(specs=SPECS, max_body=64)) as server:
        body = {"model": {"name": "x" * 100}}
        response = httpx.put(f"{server.url}/api/v1/models/7", headers=BEARER, json=body)
    assert response.status_code == 413
    assert response.json()["detail"].endswith("over the limit of 64 bytes (--max-body)")


def test_app_cors_preflight_lists_route_methods_and_echoes_headers(specs_client):
    response = specs_client.options(
        "/api/v1/models/7",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert response.headers["access-control-allow-methods"] == "PUT"
    assert response.headers["access-control-allow-headers"] == "authorization, content-type"
    assert response.headers["access-control-allow-credentials"] == "true"
    simple = specs_client.put(
        "/api/v1/models/7", headers={**BEARER, "Origin": "http://a.test"}, json=MODEL
    )
    assert simple.headers["access-control-allow-origin"] == "http://a.test"


def test_app_no_cors_option_turns_it_off():
    preflight = {"Origin": "http://a.test", "Access-Control-Request-Method": "PUT"}
    with LiveServer(Config(specs=SPECS, cors=False)) as server:
        response = httpx.options(f"{server.url}/api/v1/models/7", headers=preflight)
    assert response.status_code == 405
    assert "access-control-allow-origin" not in response.headers


def test_app_tokens_reject_other_credentials():
    with LiveServer(Config(specs=SPECS, tokens=frozenset({"T"}))) as server:
        client = httpx.Client(base_url=server.url)
        assert client.put("/api/v1/models/7", headers=BEARER, json=MODEL).status_code == 200
        wrong = client.put("/api/v1/models/7", headers={"Authorization": "Bearer nope"}, json=MODEL)
        assert wrong.status_code == 401
        aws = {"Authorization": "AWS4-HMAC-SHA256 T"}
        model = "/restapis/uojnr9hd57/models/output"
        assert client.patch(model, headers=aws, json=PATCH).status_code == 200
        client.close()


SEEDS = SPECS.parents[1] / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the shared seed pages are not beside the repo")
def test_app_seed_pages_copied_into_a_folder_serve_the_three_operations(tmp_path):
    for prefix in ("000_", "001_", "003_"):
        (page,) = SEEDS.glob(f"{prefix}*.txt")
        (tmp_path / page.name).write_bytes(page.read_bytes())
    with LiveServer(Config(specs=tmp_path)) as server, httpx.Client(base_url=server.url) as client:
        (api,) = client.get("/__specmock/apis").json()["apis"]
        assert api["name"] == "ai-squared-api"
        document = effective(client, api["name"])
        for path, body in [
            ("/api/v1/models/7", MODEL),
            ("/api/v1/connectors/5", CONNECTOR),
            ("/api/v1/syncs/9", SYNC),
        ]:
            response = client.put(path, headers=BEARER, json=body)
            assert response.status_code == 200, response.text
            assert response_errors(document, response) == []
            assert client.put(path, json=body).status_code == 401


def test_app_prefix_mounts_each_api_under_its_name():
    with (
        LiveServer(Config(specs=SPECS, prefix=True)) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        assert client.put("/api/v1/models/7", headers=BEARER, json=MODEL).status_code == 404
        response = client.put("/aisquared/api/v1/models/7", headers=BEARER, json=MODEL)
        assert response.status_code == 200
        document = effective(client, "aisquared")
        assert document["servers"][0]["url"] == "/aisquared"
        assert response_errors(document, response) == []


def test_app_effective_spec_adds_problem_responses_only_where_missing(specs_client):
    aisquared = effective(specs_client, "aisquared")
    responses = aisquared["paths"]["/api/v1/models/{id}"]["put"]["responses"]
    assert sorted(responses) == ["200", "400", "401", "404", "406", "412", "413", "415"]
    problem = responses["400"]["content"]["application/problem+json"]["schema"]
    assert problem == {"$ref": "#/components/schemas/SpecmockProblem"}
    amazon = effective(specs_client, "apigateway")
    patch = amazon["paths"]["/restapis/{restapi_id}/models/{model_name}"]["patch"]["responses"]
    assert patch["400"]["content"].keys() == {"application/json"}  # Amazon's own shape is kept
    assert amazon["servers"] == [{"url": "/", "description": "this specmock server"}]


def test_app_admin_unknown_api_is_404_naming_the_served_ones(specs_client):
    response = specs_client.get("/__specmock/apis/nope/openapi.json")
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "no API named 'nope'; served APIs: aisquared, apigateway, polytomic"
    )


def test_app_a_fault_in_specmock_still_answers_a_problem(monkeypatch):
    app = create_app(Config(specs=SPECS))

    def broken(*args, **kwargs):
        raise RuntimeError("synthetic fault")

    monkeypatch.setattr(app.state.specmock.served["aisquared"].actions, "act", broken)
    with LiveServer(app=app) as server:
        response = httpx.put(f"{server.url}/api/v1/models/7", headers=BEARER, json=MODEL)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == (
        "specmock failed on this request: RuntimeError: synthetic fault"
    )


GOOD = {
    "openapi": "3.1.0",
    "info": {"title": "Good", "version": "1"},
    "paths": {
        "/things/{id}": {
            "get": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "a thing",
                        "content": {"application/json": {"schema": {"$ref": "SCHEMA"}}},
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {"Thing": {"type": "object", "properties": {"id": {"type": "integer"}}}}
    },
}


def hostile(folder, leak: str) -> None:
    """A good spec next to an alias bomb, a spec publishing a file outside and a $ref circle."""
    folder.mkdir()
    text = json.dumps(GOOD)
    (folder / "good.yaml").write_text(text.replace("SCHEMA", "#/components/schemas/Thing"))
    levels = ["  l0: &l0 [" + ", ".join(['"lol"'] * 10) + "]"] + [
        f"  l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]" for n in range(1, 9)
    ]
    (folder / "bomb.yaml").write_text("openapi: 3.1.0\nx-bomb:\n" + "\n".join(levels) + "\n")
    leaking = json.loads(text.replace("SCHEMA", leak).replace("/things", "/x"))
    (folder / "leak.yaml").write_text(json.dumps(leaking))
    circle = {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}
    looping = json.loads(text.replace("SCHEMA", "#/components/schemas/A"))
    looping["paths"] = {"/loop/{id}": looping["paths"]["/things/{id}"]}
    (folder / "loop.yaml").write_text(json.dumps({**looping, "components": {"schemas": circle}}))


def test_app_a_folder_with_hostile_specs_serves_the_good_one_and_lists_their_errors(tmp_path):
    (tmp_path / "secret.yaml").write_text("type: string\ndescription: 'root:x:0:0:hunter2'\n")
    served = tmp_path / "specs"
    hostile(served, "../secret.yaml")
    with LiveServer(Config(specs=served)) as server, httpx.Client(base_url=server.url) as client:
        thing = client.get("/things/7")
        listed = client.get("/__specmock/apis").json()
        loop = client.get("/loop/7")
        document = effective(client, "good")
    assert thing.status_code == 200
    assert response_errors(document, thing) == []
    assert [api["name"] for api in listed["apis"]] == ["good"]
    assert loop.status_code == 404
    secret, folder = str((tmp_path / "secret.yaml").resolve()), str(served.resolve())
    assert sorted((e["source"], e["where"], e["problem"]) for e in listed["errors"]) == [
        (
            str(served / "bomb.yaml"),
            "line 8",
            "YAML refused: its aliases repeat more than 1,000,000 nodes (the limit); "
            "use a $ref instead",
        ),
        (
            str(served.resolve() / "leak.yaml"),
            "/paths/~1x~1{id}/get/responses/200/content/application~1json/schema",
            f"$ref '../secret.yaml': {secret!r} is outside the folders references may read "
            f"({folder!r}); allow its folder with --allow-ref-dir",
        ),
        (
            str(served / "loop.yaml"),
            "/paths/~1loop~1{id}/get/responses/200/content/application~1json/schema",
            "$ref '#/components/schemas/A' never reaches a value: the references go round "
            "#/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A",
        ),
    ]


@pytest.mark.parametrize("leak", ["/etc/passwd", "../secret.yaml"])
def test_app_admin_pages_never_show_a_file_outside_the_specs(tmp_path, leak):
    (tmp_path / "secret.yaml").write_text("type: string\ndescription: 'root:x:0:0:hunter2'\n")
    hostile(tmp_path / "specs", leak)
    with LiveServer(Config(specs=tmp_path / "specs")) as server:
        listed = httpx.get(f"{server.url}/__specmock/apis")
        spec = httpx.get(f"{server.url}/__specmock/apis/good/openapi.json")
    assert listed.status_code == spec.status_code == 200
    assert "leak.yaml" in listed.text
    assert "root:x:0:0" not in listed.text + spec.text


def test_app_allow_ref_dirs_lets_a_spec_read_a_folder_outside(tmp_path):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "thing.yaml").write_text("type: object\nrequired: [name]\n")
    hostile(tmp_path / "specs", "../shared/thing.yaml")
    config = Config(specs=tmp_path / "specs", allow_ref_dirs=(tmp_path / "shared",))
    with LiveServer(config) as server:
        listed = httpx.get(f"{server.url}/__specmock/apis").json()
        thing = httpx.get(f"{server.url}/x/7")
    assert [api["name"] for api in listed["apis"]] == ["good", "leak"]
    assert thing.status_code == 200
    assert "name" in thing.json()


SECURED = {
    "openapi": "3.1.0",
    "info": {"title": "Secured", "version": "1"},
    "components": {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "basic": {"type": "http", "scheme": "basic"},
            "key": {"type": "apiKey", "in": "query", "name": "key"},
        }
    },
    "paths": {
        f"/{name}": {
            "get": {
                "security": [{name: []}],
                "responses": {"200": {"description": "ok"}},
            }
        }
        for name in ("bearer", "basic", "key")
    },
}
SECRET = "s3cret-wrong-value"


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("path", "headers"),
    [
        pytest.param("/bearer", {"Authorization": f"Bearer {SECRET}"}, id="bearer"),
        pytest.param(
            "/basic",
            {"Authorization": "Basic " + base64.b64encode(f"me:{SECRET}".encode()).decode()},
            id="basic",
        ),
        pytest.param(f"/key?key={SECRET}", {}, id="query-key"),
    ],
)
async def test_app_wrong_credentials_are_echoed_nowhere(tmp_path, caplog, path, headers):
    (tmp_path / "secured.json").write_text(json.dumps(SECURED))
    app = create_app(Config(specs=tmp_path, tokens=frozenset({"bearer=T", "basic=me:pw", "K"})))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        refused = await client.get(path, headers=headers)
        journal = await client.get("/__specmock/requests")
    encoded = headers.get("Authorization", "").partition(" ")[2]
    seen = [refused.text, *refused.headers.values(), journal.text, caplog.text]
    assert refused.status_code == 401
    assert [text for text in seen if "s3cr" in text or (encoded and encoded[:4] in text)] == []
    assert "is not accepted by security scheme" in journal.text
