"""Tests for specmock.spec.rendering: a documentation site's rendering of one operation, read
from a page, as an OpenAPI 3.1.0 document."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from tests.spec.pages import (
    PAGES,
    booleans_named_required,
    fenced,
    fixture,
    only_document,
    operation_of,
    rendering,
)


def test_rendering_fixture_normalises_to_the_expected_document() -> None:
    expected = yaml.safe_load((PAGES / "rendering_orders.expected.yaml").read_text())

    document = only_document(*fixture("rendering_orders.mdx"))

    validate(document)
    assert document == expected


@pytest.mark.parametrize(
    ("method", "path", "operation_id"),
    [
        pytest.param("put", "/api/v1/models/{id}", "put_api_v1_models_id", id="seed"),
        pytest.param("GET", "/v1/users/{userId}/keys", "get_v1_users_userId_keys", id="case"),
        pytest.param("delete", "/", "delete", id="root"),
        pytest.param("post", "/a.b/c-d", "post_a_b_c_d", id="punctuation"),
    ],
)
def test_rendering_operation_id_comes_from_method_and_path(
    method: str, path: str, operation_id: str
) -> None:
    document = only_document(rendering(method=method, path=path))

    assert operation_of(document)["operationId"] == operation_id


# -- normalising the rendering ---------------------------------------------------------------


def response_schema(variants: list[Any], components: dict[str, Any] | None = None) -> Any:
    page = rendering(
        response={"200": {"application/json": {"schemaArray": variants, "description": "OK"}}},
        components=components,
    )
    document = only_document(page)
    validate(document)
    return operation_of(document)["responses"]["200"]["content"]["application/json"]["schema"]


OBJECT = {"type": "object"}


@pytest.mark.parametrize(
    ("rendered", "schema"),
    [
        pytest.param(
            {"allOf": [{"type": "boolean"}]}, {"type": "boolean"}, id="single-allOf-unwrapped"
        ),
        pytest.param(
            {"allOf": [{"type": "string"}], "description": "Why"},
            {"type": "string", "description": "Why"},
            id="single-allOf-with-description",
        ),
        pytest.param(
            {"allOf": [{"type": "string"}], "title": "Kept"},
            {"allOf": [{"type": "string"}], "title": "Kept"},
            id="single-allOf-with-siblings-kept",
        ),
        pytest.param(
            {"allOf": [OBJECT, {"required": ["a"]}]},
            {"allOf": [OBJECT, {"required": ["a"]}]},
            id="two-member-allOf-kept",
        ),
        pytest.param(
            {"type": "object", "properties": {"a": {"type": "string", "required": True}}},
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            id="property-marked-required",
        ),
        pytest.param(
            {
                "type": "object",
                "properties": {"a": {"allOf": [{"type": "string", "required": True}]}},
            },
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            id="property-marked-inside-allOf",
        ),
        pytest.param(
            {"type": "object", "properties": {"a": {"type": "string", "required": False}}},
            {"type": "object", "properties": {"a": {"type": "string"}}},
            id="property-marked-not-required",
        ),
        pytest.param(
            {
                "type": "object",
                "required": ["a"],
                "requiredProperties": ["a", "b"],
                "properties": {"b": {"type": "string"}},
            },
            {"type": "object", "required": ["a", "b"], "properties": {"b": {"type": "string"}}},
            id="requiredProperties-merged",
        ),
        pytest.param(
            {"type": "any", "description": "Anything"}, {"description": "Anything"}, id="type-any"
        ),
        pytest.param(
            {"type": "object", "refIdentifier": "#/components/schemas/X"},
            OBJECT,
            id="refIdentifier",
        ),
        pytest.param(
            {"type": "string", "nullable": True}, {"type": ["string", "null"]}, id="nullable"
        ),
        pytest.param(
            {"type": "string", "enum": ["a"], "nullable": True},
            {"type": ["string", "null"], "enum": ["a", None]},
            id="nullable-enum",
        ),
        pytest.param({"type": "string", "nullable": False}, {"type": "string"}, id="not-nullable"),
        pytest.param(
            {"items": {"type": "integer"}, "nullable": True},
            {"anyOf": [{"items": {"type": "integer"}}, {"type": "null"}]},
            id="nullable-without-type",
        ),
        pytest.param(
            {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 9},
            {"type": "number", "exclusiveMinimum": 0, "maximum": 9},
            id="exclusive-minimum",
        ),
        pytest.param(
            {"type": "number", "maximum": 9, "exclusiveMaximum": False},
            {"type": "number", "maximum": 9},
            id="inclusive-maximum",
        ),
        pytest.param(
            {"type": "array", "items": {"type": "object", "properties": {"b": {"required": True}}}},
            {
                "type": "array",
                "items": {"type": "object", "properties": {"b": {}}, "required": ["b"]},
            },
            id="nested-in-items",
        ),
        pytest.param(
            {"type": "object", "default": {"required": True}, "example": {"nullable": True}},
            {"type": "object", "default": {"required": True}, "example": {"nullable": True}},
            id="data-keywords-untouched",
        ),
    ],
)
def test_rendering_schemas_become_json_schema(rendered: Any, schema: Any) -> None:
    assert response_schema([rendered]) == schema


def test_rendering_several_schema_variants_become_any_of() -> None:
    assert response_schema([{"type": "string"}, {"type": "null"}]) == {
        "anyOf": [{"type": "string"}, {"type": "null"}]
    }


def test_rendering_components_schemas_are_kept_and_normalised() -> None:
    components = {
        "schemas": {
            "Pet": {"type": "object", "properties": {"tag": {"type": "string", "nullable": True}}}
        }
    }

    schema = response_schema([{"$ref": "#/components/schemas/Pet"}], components)

    assert schema == {"$ref": "#/components/schemas/Pet"}
    document = only_document(rendering(components=components))
    assert document["components"]["schemas"]["Pet"]["properties"]["tag"] == {
        "type": ["string", "null"]
    }


def parameters_of(parameters: dict[str, Any]) -> list[dict[str, Any]]:
    path = "/things/{id}" if parameters.get("path") else "/things"
    document = only_document(rendering(path=path, request={"parameters": parameters}))
    validate(document)
    return operation_of(document)["parameters"]


@pytest.mark.parametrize(
    ("rendered", "parameter"),
    [
        pytest.param(
            {"path": {"id": {"schema": [{"type": "integer", "required": True}]}}},
            {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
            id="path",
        ),
        pytest.param(
            {"path": {"id": {"schema": [{"type": "string"}]}}},
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
            id="path-always-required",
        ),
        pytest.param(
            {
                "query": {
                    "limit": {"schema": [{"type": "integer", "required": False, "default": 10}]}
                }
            },
            {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 10}},
            id="query-optional",
        ),
        pytest.param(
            {
                "header": {
                    "X-Key": {
                        "schema": [{"type": "string", "required": True, "description": "Key"}]
                    }
                }
            },
            {
                "name": "X-Key",
                "in": "header",
                "description": "Key",
                "required": True,
                "schema": {"type": "string"},
            },
            id="description-moved-out",
        ),
        pytest.param(
            {"query": {"tag": {"schema": [{"type": "string"}, {"type": "null"}], "explode": True}}},
            {
                "name": "tag",
                "in": "query",
                "explode": True,
                "schema": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            },
            id="several-variants",
        ),
        pytest.param(
            {"cookie": {"session": {"schema": [{"enum": ["a", "b"], "format": "x"}]}}},
            {"name": "session", "in": "cookie", "schema": {"enum": ["a", "b"], "format": "x"}},
            id="cookie",
        ),
    ],
)
def test_rendering_parameters_are_normalised(
    rendered: dict[str, Any], parameter: dict[str, Any]
) -> None:
    assert parameters_of(rendered) == [parameter]


def test_rendering_parameters_keep_their_locations_in_order() -> None:
    rendered = {
        "cookie": {"c": {"schema": [{"type": "string"}]}},
        "header": {"h": {"schema": [{"type": "string"}]}},
        "query": {"q": {"schema": [{"type": "string"}]}},
        "path": {"id": {"schema": [{"type": "string"}]}},
    }

    assert [p["in"] for p in parameters_of(rendered)] == ["path", "query", "header", "cookie"]


@pytest.mark.parametrize(
    ("variants", "required"),
    [
        pytest.param([{"type": "object", "required": True}], True, id="marked"),
        pytest.param([{"type": "object", "required": False}], False, id="marked-false"),
        pytest.param([{"type": "object", "required": ["a"]}], False, id="list-is-not-a-mark"),
        pytest.param([OBJECT, {"type": "array", "required": True}], True, id="one-variant-marked"),
    ],
)
def test_rendering_body_is_required_only_when_marked(variants: list[Any], required: bool) -> None:
    page = rendering(
        request={"body": {"application/json": {"schemaArray": variants, "examples": {}}}}
    )

    document = only_document(page)

    validate(document)
    body = operation_of(document)["requestBody"]
    assert body.get("required", False) is required
    assert booleans_named_required(body) == ([True] if required else [])


def test_rendering_body_examples_become_example_objects() -> None:
    examples = {"plain": {"value": {"a": 1}, "summary": "One"}, "bare": {"a": 2}}
    page = rendering(
        request={"body": {"application/json": {"schemaArray": [OBJECT], "examples": examples}}}
    )

    body = operation_of(only_document(page))["requestBody"]

    assert body["content"]["application/json"]["examples"] == {
        "plain": {"value": {"a": 1}, "summary": "One"},
        "bare": {"value": {"a": 2}},
    }


def test_rendering_empty_body_gives_no_request_body() -> None:
    assert "requestBody" not in operation_of(only_document(rendering(request={"body": {}})))


@pytest.mark.parametrize(
    ("rendered", "response"),
    [
        pytest.param({}, {"description": "Not Found"}, id="empty"),
        pytest.param(
            {"application/json": {"description": ""}},
            {"description": "Not Found", "content": {"application/json": {}}},
            id="empty-description",
        ),
        pytest.param(
            {"_mintlify/placeholder": {"schemaArray": [{"type": "any"}], "description": "Gone"}},
            {"description": "Gone"},
            id="placeholder",
        ),
        pytest.param(
            {"text/plain": {"schemaArray": [{"type": "string"}], "description": "Missing"}},
            {"description": "Missing", "content": {"text/plain": {"schema": {"type": "string"}}}},
            id="content",
        ),
    ],
)
def test_rendering_responses_always_have_a_description(
    rendered: dict[str, Any], response: dict[str, Any]
) -> None:
    document = only_document(rendering(response={"404": rendered}))

    validate(document)
    assert operation_of(document)["responses"] == {"404": response}


def test_rendering_unknown_status_gets_a_generic_description() -> None:
    document = only_document(rendering(response={"default": {}, "299": {}}))

    assert operation_of(document)["responses"] == {
        "default": {"description": "default response"},
        "299": {"description": "299 response"},
    }


def security_of(entries: list[Any]) -> tuple[Any, Any]:
    document = only_document(rendering(request={"security": entries}))
    validate(document)
    schemes = document.get("components", {}).get("securitySchemes")
    return operation_of(document).get("security"), schemes


def credential(location: str, name: str, **described: Any) -> dict[str, Any]:
    parameters: dict[str, Any] = {"query": {}, "header": {}, "cookie": {}}
    parameters[location] = {name: described}
    return parameters


@pytest.mark.parametrize(
    ("entries", "security", "schemes"),
    [
        pytest.param(
            [
                {
                    "title": "bearerAuth",
                    "parameters": credential(
                        "header", "Authorization", type="http", scheme="bearer"
                    ),
                }
            ],
            [{"bearerAuth": []}],
            {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            id="bearer",
        ),
        pytest.param(
            [
                {
                    "title": "basic",
                    "parameters": credential(
                        "header", "Authorization", type="http", scheme="basic"
                    ),
                }
            ],
            [{"basic": []}],
            {"basic": {"type": "http", "scheme": "basic"}},
            id="basic",
        ),
        pytest.param(
            [{"title": "key", "parameters": credential("query", "api_key", type="apiKey")}],
            [{"key": []}],
            {"key": {"type": "apiKey", "in": "query", "name": "api_key"}},
            id="api-key-query",
        ),
        pytest.param(
            [{"title": "session", "parameters": credential("cookie", "sid", type="apiKey")}],
            [{"session": []}],
            {"session": {"type": "apiKey", "in": "cookie", "name": "sid"}},
            id="api-key-cookie",
        ),
        pytest.param(
            [
                {
                    "title": "OAuth2PasswordBearer",
                    "parameters": credential("header", "Authorization", type="oauth2"),
                }
            ],
            [{"OAuth2PasswordBearer": []}],
            {"OAuth2PasswordBearer": {"type": "http", "scheme": "bearer"}},
            id="oauth2-as-bearer",
        ),
        pytest.param(
            [
                {
                    "title": "API ID & API Secret",
                    "parameters": {
                        "header": {"x-id": {"type": "apiKey"}, "x-secret": {"type": "apiKey"}}
                    },
                }
            ],
            [{"API_ID": [], "API_Secret": []}],
            {
                "API_ID": {"type": "apiKey", "in": "header", "name": "x-id"},
                "API_Secret": {"type": "apiKey", "in": "header", "name": "x-secret"},
            },
            id="two-schemes-together",
        ),
        pytest.param(
            [
                {"title": "key", "parameters": credential("header", "X-Key", type="apiKey")},
                {"title": "", "parameters": credential("header", "X-Other", type="apiKey")},
                {"title": "", "parameters": {"query": {}, "header": {}, "cookie": {}}},
            ],
            [{"key": []}, {"X-Other": []}, {}],
            {
                "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
                "X-Other": {"type": "apiKey", "in": "header", "name": "X-Other"},
            },
            id="untitled-and-optional",
        ),
        pytest.param([], None, None, id="none"),
        pytest.param(
            [{"title": "", "parameters": {"query": {}, "header": {}, "cookie": {}}}],
            None,
            None,
            id="only-anonymous",
        ),
    ],
)
def test_rendering_security_requirements_build_schemes(
    entries: list[Any], security: Any, schemes: Any
) -> None:
    assert security_of(entries) == (security, schemes)


def test_rendering_servers_and_deprecation_are_kept() -> None:
    block = yaml.safe_dump(
        {
            "paths": {
                "path": "/x",
                "method": "get",
                "servers": ["https://a.test", {"url": "https://b.test", "description": "B"}],
                "deprecated": True,
                "response": {"200": {}},
            }
        }
    )

    document = only_document(fenced(block))

    validate(document)
    assert document["servers"] == [
        {"url": "https://a.test"},
        {"url": "https://b.test", "description": "B"},
    ]
    assert operation_of(document)["deprecated"] is True


def test_rendering_webhook_operations_become_webhooks() -> None:
    block = yaml.safe_dump(
        {
            "paths": {
                "path": "order.paid",
                "method": "post",
                "type": "webhook",
                "response": {"200": {}},
            }
        }
    )

    document = only_document(fenced(block))

    validate(document)
    assert list(document["webhooks"]) == ["order.paid"]
    assert "paths" not in document
