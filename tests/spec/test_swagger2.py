"""Swagger 2.0 documents read as OpenAPI 3.0.3 (`specmock.spec.swagger2`), and served."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from specmock.config import Config
from specmock.spec.api import Api, Catalog
from specmock.spec.swagger2 import as_openapi
from specmock.web.request import SESSION_HEADER
from specmock.web.testing import LiveServer
from tests.helpers import TESTS, response_errors

FIXTURES = TESTS / "specs_swagger2"


def swagger(paths: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    return {"swagger": "2.0", "info": {"title": "Old", "version": "1"}, "paths": paths or {}} | top


def operation(*parameters: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"parameters": list(parameters), "responses": {"200": {"description": "ok"}}} | fields


def converted(document: dict[str, Any]) -> dict[str, Any]:
    """The document as loaded (and checked) by `Api.from_dict`."""
    return Api.from_dict("old", document).document


def test_swagger2_fixture_loads_as_openapi_303_under_its_base_path() -> None:
    api = Api.from_path(FIXTURES / "petshop.yaml")
    assert (api.version, api.base_path, api.warnings) == ("3.0.3", "/v1", ())
    assert [op.label for op in api.operations] == [
        "GET /pets",
        "POST /pets",
        "GET /pets/by-tags",
        "GET /pets/{petId}",
        "POST /pets/{petId}",
        "DELETE /pets/{petId}",
        "POST /pets/{petId}/photo",
        "GET /stock",
    ]
    assert api.document["info"]["x-audience"] == "tests"


@pytest.mark.parametrize(
    ("top", "servers"),
    [
        pytest.param(
            {"host": "h.example", "basePath": "/v2", "schemes": ["https", "http"]},
            [{"url": "https://h.example/v2"}, {"url": "http://h.example/v2"}],
            id="one-per-scheme",
        ),
        pytest.param({"host": "h.example"}, [{"url": "//h.example"}], id="no-scheme"),
        pytest.param({"basePath": "/api/"}, [{"url": "/api"}], id="no-host"),
        pytest.param({"basePath": "/"}, None, id="root"),
    ],
)
def test_swagger2_host_base_path_and_schemes_become_servers(
    top: dict[str, Any], servers: list[dict[str, str]] | None
) -> None:
    assert as_openapi(swagger(**top), "old").get("servers") == servers


def test_swagger2_body_becomes_a_request_body_per_consumed_media_type() -> None:
    body = {"name": "pet", "in": "body", "required": True, "schema": {"$ref": "#/definitions/P"}}
    document = swagger(
        {"/pets": {"post": operation(body, consumes=["application/json", "text/json"])}},
        consumes=["application/xml"],
        definitions={"P": {"type": "object", "x-kind": "pet"}},
    )
    post = converted(document)["paths"]["/pets"]["post"]
    schema = {"$ref": "#/components/schemas/P"}
    assert post["requestBody"] == {
        "required": True,
        "content": {"application/json": {"schema": schema}, "text/json": {"schema": schema}},
    }
    assert "parameters" not in post
    assert converted(document)["components"]["schemas"] == {
        "P": {"type": "object", "x-kind": "pet"}
    }


def test_swagger2_form_fields_become_an_urlencoded_object() -> None:
    fields: list[dict[str, Any]] = [
        {"name": "name", "in": "formData", "required": True, "type": "string", "maxLength": 9},
        {"name": "ids", "in": "formData", "type": "array", "items": {"type": "integer"}},
    ]
    post = converted(swagger({"/f": {"post": operation(*fields)}}))["paths"]["/f"]["post"]
    assert post["requestBody"] == {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "maxLength": 9},
                        "ids": {"type": "array", "items": {"type": "integer"}},
                    },
                    "required": ["name"],
                },
                "encoding": {"ids": {"style": "form", "explode": False}},
            }
        },
    }


def test_swagger2_a_file_field_makes_the_form_multipart() -> None:
    fields = [
        {"name": "photo", "in": "formData", "type": "file"},
        {"name": "caption", "in": "formData", "type": "string", "description": "Shown below."},
    ]
    document = swagger({"/f": {"post": operation(*fields)}}, consumes=["application/json"])
    body = converted(document)["paths"]["/f"]["post"]["requestBody"]
    assert body == {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "photo": {"type": "string", "format": "binary"},
                        "caption": {"type": "string", "description": "Shown below."},
                    },
                }
            }
        }
    }


def test_swagger2_path_level_payload_reaches_each_operation_and_yields_to_its_own() -> None:
    shared = {"name": "a", "in": "body", "schema": {"type": "string"}}
    own = {"name": "b", "in": "body", "schema": {"type": "integer"}}
    item = {"parameters": [shared], "put": operation(), "post": operation(own)}
    paths = converted(swagger({"/x": item}))["paths"]["/x"]
    assert "parameters" not in paths
    assert paths["put"]["requestBody"]["content"]["application/json"]["schema"] == {
        "type": "string"
    }
    assert paths["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "type": "integer"
    }


@pytest.mark.parametrize(
    ("place", "written", "serialised"),
    [
        pytest.param("query", None, {"style": "form", "explode": False}, id="query-default-csv"),
        pytest.param("query", "csv", {"style": "form", "explode": False}, id="query-csv"),
        pytest.param("query", "ssv", {"style": "spaceDelimited", "explode": False}, id="query-ssv"),
        pytest.param(
            "query", "pipes", {"style": "pipeDelimited", "explode": False}, id="query-pipes"
        ),
        pytest.param("query", "multi", {"style": "form", "explode": True}, id="query-multi"),
        pytest.param(
            "query",
            "tsv",
            {"style": "form", "explode": False, "x-collectionFormat": "tsv"},
            id="query-tsv-read-as-csv",
        ),
        pytest.param("header", "csv", {}, id="header-csv-is-simple"),
        pytest.param("path", "csv", {}, id="path-csv-is-simple"),
    ],
)
def test_swagger2_collection_format_becomes_style_and_explode(
    place: str, written: str | None, serialised: dict[str, Any]
) -> None:
    parameter: dict[str, Any] = {"name": "v", "in": place, "type": "array"}
    parameter |= {"items": {"type": "string"}, "required": True}
    if written:
        parameter["collectionFormat"] = written
    path = "/x/{v}" if place == "path" else "/x"
    (converted_parameter,) = as_openapi(swagger({path: {"get": operation(parameter)}}), "old")[
        "paths"
    ][path]["get"]["parameters"]
    expected = {"name": "v", "in": place, "required": True}
    expected["schema"] = {"type": "array", "items": {"type": "string"}}
    assert converted_parameter == expected | serialised


def test_swagger2_parameter_keywords_move_into_its_schema() -> None:
    parameter = {
        "name": "size",
        "in": "query",
        "description": "Page size.",
        "allowEmptyValue": True,
        "type": "integer",
        "format": "int32",
        "default": 10,
        "enum": [10, 20],
        "maximum": 20,
        "exclusiveMaximum": False,
        "x-note": "kept",
    }
    header = {"name": "X-Flag", "in": "header", "type": "string", "allowEmptyValue": True}
    got = converted(swagger({"/x": {"get": operation(parameter, header)}}))["paths"]["/x"]["get"]
    assert got["parameters"] == [
        {
            "name": "size",
            "in": "query",
            "description": "Page size.",
            "allowEmptyValue": True,
            "schema": {
                "type": "integer",
                "format": "int32",
                "default": 10,
                "maximum": 20,
                "exclusiveMaximum": False,
                "enum": [10, 20],
            },
            "x-note": "kept",
        },
        {"name": "X-Flag", "in": "header", "schema": {"type": "string"}},
    ]


def test_swagger2_responses_have_content_per_produced_type_examples_and_headers() -> None:
    response = {
        "description": "A pet.",
        "schema": {"type": "object"},
        "headers": {"X-Rate": {"type": "integer", "description": "Calls left."}},
        "examples": {"application/json": {"id": 1}, "text/plain": "pet 1"},
        "x-cache": "none",
    }
    get = operation(responses={"200": response}, produces=["application/json", "text/yaml"])
    got = converted(swagger({"/p": {"get": get}}))["paths"]["/p"]["get"]["responses"]["200"]
    assert got == {
        "description": "A pet.",
        "headers": {"X-Rate": {"schema": {"type": "integer"}, "description": "Calls left."}},
        "content": {
            "application/json": {"schema": {"type": "object"}, "example": {"id": 1}},
            "text/yaml": {"schema": {"type": "object"}},
            "text/plain": {"schema": {"type": "object"}, "example": "pet 1"},
        },
        "x-cache": "none",
    }


def test_swagger2_a_response_without_schema_has_no_content() -> None:
    get = operation(responses={"204": {"description": "Gone."}})
    got = converted(swagger({"/p": {"delete": get}}))["paths"]["/p"]["delete"]["responses"]
    assert got == {"204": {"description": "Gone."}}


def test_swagger2_shared_parameters_and_responses_are_components_and_refs_follow() -> None:
    document = swagger(
        {
            "/p/{id}": {
                "parameters": [{"$ref": "#/parameters/Id"}],
                "get": operation(responses={"404": {"$ref": "#/responses/Missing"}}),
            }
        },
        parameters={"Id": {"name": "id", "in": "path", "required": True, "type": "string"}},
        responses={"Missing": {"description": "No.", "schema": {"$ref": "#/definitions/E"}}},
        definitions={"E": {"type": "object"}},
    )
    result = as_openapi(document, "old")
    assert result["paths"]["/p/{id}"]["parameters"] == [{"$ref": "#/components/parameters/Id"}]
    assert result["paths"]["/p/{id}"]["get"]["responses"]["404"] == {
        "$ref": "#/components/responses/Missing"
    }
    assert result["components"]["parameters"]["Id"]["schema"] == {"type": "string"}
    assert result["components"]["responses"]["Missing"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/E"}}
    }
    assert Api.from_dict("old", document).warnings == ()


def test_swagger2_a_shared_body_parameter_is_read_where_it_is_used() -> None:
    document = swagger(
        {"/p": {"post": operation({"$ref": "#/parameters/Body"})}},
        parameters={"Body": {"name": "b", "in": "body", "schema": {"type": "object"}}},
    )
    result = converted(document)
    assert result["paths"]["/p"]["post"]["requestBody"] == {
        "content": {"application/json": {"schema": {"type": "object"}}}
    }
    assert "parameters" not in result.get("components", {})


@pytest.mark.parametrize(
    ("definition", "scheme"),
    [
        pytest.param({"type": "basic"}, {"type": "http", "scheme": "basic"}, id="basic"),
        pytest.param(
            {"type": "apiKey", "in": "query", "name": "key", "description": "A key."},
            {"type": "apiKey", "name": "key", "in": "query", "description": "A key."},
            id="apiKey",
        ),
        pytest.param(
            {"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a/x"},
            {
                "type": "oauth2",
                "flows": {"implicit": {"authorizationUrl": "https://a/x", "scopes": {}}},
            },
            id="implicit",
        ),
        pytest.param(
            {"type": "oauth2", "flow": "password", "tokenUrl": "https://a/t", "scopes": {"r": ""}},
            {
                "type": "oauth2",
                "flows": {"password": {"tokenUrl": "https://a/t", "scopes": {"r": ""}}},
            },
            id="password",
        ),
        pytest.param(
            {"type": "oauth2", "flow": "application", "tokenUrl": "https://a/t", "x-v": 1},
            {
                "type": "oauth2",
                "flows": {"clientCredentials": {"tokenUrl": "https://a/t", "scopes": {}}},
                "x-v": 1,
            },
            id="application",
        ),
        pytest.param(
            {
                "type": "oauth2",
                "flow": "accessCode",
                "authorizationUrl": "https://a/x",
                "tokenUrl": "https://a/t",
            },
            {
                "type": "oauth2",
                "flows": {
                    "authorizationCode": {
                        "authorizationUrl": "https://a/x",
                        "tokenUrl": "https://a/t",
                        "scopes": {},
                    }
                },
            },
            id="accessCode",
        ),
    ],
)
def test_swagger2_security_definitions_become_security_schemes(
    definition: dict[str, Any], scheme: dict[str, Any]
) -> None:
    document = swagger(securityDefinitions={"s": definition}, security=[{"s": []}])
    result = converted(document)
    assert result["components"]["securitySchemes"] == {"s": scheme}
    assert result["security"] == [{"s": []}]


def test_swagger2_schemas_nullable_file_discriminator_and_extensions() -> None:
    definitions = {
        "Animal": {
            "type": "object",
            "discriminator": "kind",
            "required": ["kind"],
            "x-table": "animals",
            "properties": {
                "kind": {"type": "string"},
                "name": {"type": "string", "x-nullable": True},
                "default": {"$ref": "#/definitions/Tag"},
                "scan": {"type": "file"},
                "tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}},
            },
            "example": {"kind": "x", "$ref": "#/definitions/Tag"},
        },
        "Tag": {"type": "string", "x-nullable": False},
    }
    schemas = converted(swagger(definitions=definitions))["components"]["schemas"]
    assert schemas == {
        "Animal": {
            "type": "object",
            "discriminator": {"propertyName": "kind"},
            "required": ["kind"],
            "x-table": "animals",
            "properties": {
                "kind": {"type": "string"},
                "name": {"type": "string", "nullable": True},
                "default": {"$ref": "#/components/schemas/Tag"},
                "scan": {"type": "string", "format": "binary"},
                "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
            },
            "example": {"kind": "x", "$ref": "#/definitions/Tag"},
        },
        "Tag": {"type": "string"},
    }


def test_swagger2_a_ref_to_nothing_names_its_place(tmp_path: Path) -> None:
    get = operation(
        responses={"200": {"description": "ok", "schema": {"$ref": "#/definitions/No"}}}
    )
    (tmp_path / "old.json").write_text(json.dumps(swagger({"/p": {"get": get}})))
    (error,) = Catalog.from_path(tmp_path).errors
    assert error.where == "/paths/~1p/get/responses/200/content/application~1json/schema"
    assert error.problem == "$ref '#/components/schemas/No' points to nothing in this document"


@pytest.mark.parametrize("version", ["1.2", "3.0", 2])
def test_swagger2_other_swagger_versions_are_a_clear_error(tmp_path: Path, version: Any) -> None:
    (tmp_path / "old.json").write_text(json.dumps(swagger() | {"swagger": version}))
    (error,) = Catalog.from_path(tmp_path).errors
    assert (error.where, error.problem) == (
        "/swagger",
        f"Swagger {version!r} is not supported (2.0 is)",
    )


def test_swagger2_unquoted_version_in_yaml_is_read(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text(
        "swagger: 2.0\ninfo: {title: Old, version: '1'}\npaths: {}\n"
    )
    assert Catalog.from_path(tmp_path).apis[0].version == "3.0.3"


def test_swagger2_in_a_folder_with_refs_to_another_file(tmp_path: Path) -> None:
    api_folder = tmp_path / "shop"
    api_folder.mkdir()
    get = operation(
        responses={"200": {"description": "ok", "schema": {"$ref": "models.yaml#/Pet"}}}
    )
    (api_folder / "shop.json").write_text(json.dumps(swagger({"/pets": {"get": get}})))
    (api_folder / "models.yaml").write_text(
        "Pet: {type: object, properties: {name: {type: string, x-nullable: true}}}\n"
    )
    catalog = Catalog.from_path(tmp_path)
    assert catalog.errors == ()
    document = catalog.api("shop").document
    content = document["paths"]["/pets"]["get"]["responses"]["200"]["content"]
    assert content == {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}
    assert document["components"]["schemas"]["Pet"]["properties"]["name"] == {
        "type": "string",
        "nullable": True,
    }


def test_swagger2_in_a_documentation_page(tmp_path: Path) -> None:
    block = json.dumps(swagger({"/pets": {"get": operation()}}, basePath="/v3"))
    (tmp_path / "guide.md").write_text(f"# Our API\n\n```json\n{block}\n```\n")
    (api,) = Catalog.from_path(tmp_path).apis
    assert (api.version, api.base_path, [op.label for op in api.operations]) == (
        "3.0.3",
        "/v3",
        ["GET /pets"],
    )


BASIC = "Basic " + base64.b64encode(b"clerk:pw").decode()
CREDENTIALS = {"Authorization": "Bearer T", "X-Api-Key": "T"}


def test_swagger2_pages_sharing_host_and_base_path_are_one_api(tmp_path: Path) -> None:
    for page, path in (("pets", "/pets"), ("stock", "/stock")):
        document = swagger({path: {"get": operation()}}, host="shop.example", basePath="/v1")
        (tmp_path / f"{page}.md").write_text(f"```json\n{json.dumps(document)}\n```\n")
    (api,) = Catalog.from_path(tmp_path).apis
    assert [op.label for op in api.operations] == ["GET /pets", "GET /stock"]
    assert api.base_path == "/v1"


@pytest.fixture(scope="module")
def petshop() -> Iterator[httpx.Client]:
    tokens = frozenset({"T", "basic=clerk:pw"})
    with (
        LiveServer(Config(specs=FIXTURES, tokens=tokens)) as server,
        httpx.Client(base_url=server.url, timeout=10, headers=CREDENTIALS) as client,
    ):
        yield client


def effective(client: httpx.Client) -> dict[str, Any]:
    response = client.get("/__specmock/apis/petshop/openapi.json")
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def conforming(client: httpx.Client, response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    response.request.read()  # a multipart body is streamed: read it for openapi-core
    assert response_errors(effective(client), response) == []


def test_swagger2_served_publishes_openapi_3(petshop: httpx.Client) -> None:
    document = effective(petshop)
    assert document["openapi"] == "3.0.3"
    assert "swagger" not in document
    assert document["servers"][0]["url"] == "/v1"


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/v1/pets?species=cat&species=dog&colours=red,tan&limit=5", id="multi-csv"),
        pytest.param("/v1/pets/by-tags?tags=a|b", id="pipes"),
        pytest.param("/v1/stock", id="api-key"),
    ],
)
def test_swagger2_served_reads_answer_as_documented(petshop: httpx.Client, path: str) -> None:
    conforming(petshop, petshop.get(path), 200)


def test_swagger2_served_body_form_and_multipart_requests(petshop: httpx.Client) -> None:
    session = {SESSION_HEADER: "swagger2"}
    pet = {"name": "Rex", "species": "dog", "nickname": None, "tags": [{"label": "good"}]}
    created = petshop.post("/v1/pets", json=pet, headers=session)
    conforming(petshop, created, 201)
    item = f"/v1/pets/{created.json()['id']}"
    conforming(petshop, petshop.get(item, headers=session), 200)
    form = {"name": "Max", "nickname": "M"}
    conforming(
        petshop, petshop.post(item, data=form, headers=session | {"Authorization": BASIC}), 200
    )
    photo = {"photo": ("rex.png", b"\x89PNG")}
    upload = petshop.post(f"{item}/photo", files=photo, data={"caption": "Rex"}, headers=session)
    conforming(petshop, upload, 200)
    conforming(petshop, petshop.delete(item, headers=session), 204)


@pytest.mark.parametrize(
    ("request_", "status", "detail"),
    [
        pytest.param(("GET", "/pets"), 404, "", id="outside-base-path"),
        pytest.param(("GET", "/v1/pets?limit=0"), 400, "limit", id="parameter-bound"),
        pytest.param(("POST", "/v1/pets/7/photo"), 400, "a request body is required", id="no-form"),
    ],
)
def test_swagger2_served_refuses_bad_requests(
    petshop: httpx.Client, request_: tuple[str, str], status: int, detail: str
) -> None:
    response = petshop.request(*request_)
    assert response.status_code == status, response.text
    assert detail in response.text
