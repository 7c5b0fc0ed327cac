"""Tests for specmock.spec.docpages: OpenAPI documents found in documentation pages."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from specmock.errors import SpecError
from specmock.spec.docpages import PAGE_SUFFIXES, documents_from_page
from tests.helpers import TESTS

PAGES = TESTS / "pages"
SEEDS = TESTS.parents[1] / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"no seed pages at {SEEDS}")


def seed(prefix: str) -> tuple[str, str]:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8"), str(path)


def fixture(name: str) -> tuple[str, str]:
    path = PAGES / name
    return path.read_text(encoding="utf-8"), str(path)


def only_document(text: str, source: str = "page.md") -> dict[str, Any]:
    (document,) = documents_from_page(text, source)
    return document


def fenced(body: str, info: str = "yaml", title: str = "Do Thing") -> str:
    return f"# {title}\n\n## OpenAPI\n\n````{info}\n{body}````\n"


def rendering(
    *,
    method: str = "put",
    path: str = "/things",
    request: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
    components: dict[str, Any] | None = None,
    title: str = "Do Thing",
) -> str:
    """A page holding a documentation-site rendering of one operation."""
    view = {
        "path": path,
        "method": method,
        "servers": [{"url": "https://api.example.test"}],
        "request": request or {},
        "response": response or {"200": {"application/json": {"description": "OK"}}},
        "deprecated": False,
        "type": "path",
    }
    block = yaml.safe_dump({"paths": view, "components": components or {"schemas": {}}})
    return fenced(block, info=f"yaml {method.upper()} {path}", title=title)


def operation_of(document: dict[str, Any]) -> dict[str, Any]:
    ((_, item),) = document["paths"].items()
    ((_, operation),) = item.items()
    return operation


def booleans_named_required(node: Any) -> list[Any]:
    if isinstance(node, dict):
        own = [node["required"]] if isinstance(node.get("required"), bool) else []
        return own + [found for value in node.values() for found in booleans_named_required(value)]
    if isinstance(node, list):
        return [found for value in node for found in booleans_named_required(value)]
    return []


def test_pages_suffixes_are_the_markdown_and_text_ones() -> None:
    assert frozenset({".md", ".mdx", ".txt"}) == PAGE_SUFFIXES


# -- the seed pages, read unchanged ------------------------------------------------------------


@needs_seeds
@pytest.mark.parametrize("prefix", ["000", "001", "003"])
def test_pages_seed_documents_are_valid_openapi(prefix: str) -> None:
    for document in documents_from_page(*seed(prefix)):
        validate(document)


@needs_seeds
def test_pages_seed_000_rendering_is_normalised() -> None:
    document = only_document(*seed("000"))

    operation = document["paths"]["/api/v1/models/{id}"]["put"]
    assert document["openapi"] == "3.1.0"
    assert document["info"] == {
        "title": "Update Model",
        "version": "0.0.0",
        "x-specmock-rendering": True,
    }
    assert document["servers"] == [{"url": "https://api.squared.ai"}]
    assert operation["operationId"] == "put_api_v1_models_id"
    assert operation["summary"] == "Update Model"
    assert operation["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
    ]
    body = operation["requestBody"]
    assert "required" not in body
    model = body["content"]["application/json"]["schema"]["properties"]["model"]
    assert model["type"] == "object"
    assert model["required"] == ["connector_id", "name", "query_type"]
    assert (
        body["content"]["application/json"]["examples"]["example"]["value"]["model"]["connector_id"]
        == 123
    )
    ok = operation["responses"]["200"]
    assert ok["description"] == "Model updated"
    assert (
        ok["content"]["application/json"]["examples"]["example"]["value"]["data"]["attributes"][
            "created_at"
        ]
        == "2023-11-07T05:31:56Z"
    )
    assert operation["security"] == [{"bearerAuth": []}]
    assert document["components"] == {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}
    }


@needs_seeds
def test_pages_seed_003_body_is_required_and_boolean_required_is_gone() -> None:
    document = only_document(*seed("003"))

    operation = document["paths"]["/api/v1/syncs/{id}"]["put"]
    body = operation["requestBody"]
    assert body["required"] is True
    schema = body["content"]["application/json"]["schema"]
    assert schema["properties"]["sync"]["type"] == "object"
    assert booleans_named_required(operation["requestBody"]["content"]) == []
    assert booleans_named_required(operation["responses"]) == []
    success = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert success["properties"]["success"] == {"type": "boolean"}


@needs_seeds
def test_pages_seed_001_gives_back_its_openapi_301_document() -> None:
    text, source = seed("001")
    block = text.split("````yaml PUT /api/v1/connectors/{id}\n")[1].split("````")[0]

    document = only_document(text, source)

    assert document == yaml.safe_load(block)
    assert document["openapi"] == "3.0.1"


# -- the fixture pages -----------------------------------------------------------------------


def test_pages_rendering_fixture_normalises_to_the_expected_document() -> None:
    expected = yaml.safe_load((PAGES / "rendering_orders.expected.yaml").read_text())

    document = only_document(*fixture("rendering_orders.mdx"))

    validate(document)
    assert document == expected


def test_pages_openapi_fixture_gives_each_document_in_page_order() -> None:
    documents = documents_from_page(*fixture("pets_openapi.md"))

    for document in documents:
        validate(document)
    assert [document["info"]["title"] for document in documents] == ["Pets", "Pets (legacy)"]
    maximum = documents[0]["paths"]["/pets/{id}"]["get"]["parameters"][0]["schema"]["maximum"]
    assert maximum == 1e6  # read as JSON: YAML 1.1 would have kept "1e6" as text
    legacy = documents[1]
    assert legacy["x-usage"].startswith("```\ncurl -X POST")  # ``` inside a ```` block
    assert legacy["components"]["schemas"]["NewPet"]["properties"]["born"]["example"] == (
        "2020-01-31"
    )


# -- blocks and pages ------------------------------------------------------------------------


def test_pages_swagger_2_is_returned_as_is() -> None:
    page = fenced('swagger: "2.0"\ninfo: {title: Old, version: "1"}\npaths: {}\n')

    assert only_document(page) == {
        "swagger": "2.0",
        "info": {"title": "Old", "version": "1"},
        "paths": {},
    }


def test_pages_aliased_values_are_not_shared_between_places() -> None:
    body = "openapi: 3.1.0\ninfo: &info {title: T, version: '1'}\npaths: {}\nx-copy: *info\n"

    document = only_document(fenced(body))
    document["info"]["title"] = "changed"

    assert document["x-copy"] == {"title": "T", "version": "1"}


def test_pages_documents_are_fresh_on_every_call() -> None:
    text, source = fixture("pets_openapi.md")
    first = documents_from_page(text, source)
    first[0]["info"]["title"] = "changed"

    assert documents_from_page(text, source)[0]["info"]["title"] == "Pets"


@pytest.mark.parametrize(
    "page",
    [
        pytest.param("```\nopenapi: 3.1.0\ninfo: {title: T, version: '1'}\n", id="unclosed"),
        pytest.param("~~~yaml\nopenapi: 3.1.0\ninfo: {title: T, version: '1'}\n~~~\n", id="tilde"),
        pytest.param(
            "  ```yml\n  openapi: 3.1.0\n  info: {title: T, version: '1'}\n  ```\n", id="indented"
        ),
        pytest.param(
            '```json\n{\n\t"openapi": "3.1.0",\n\t"info": {"title": "T", "version": "1"}\n}\n```\n',
            id="json-with-tabs",
        ),
    ],
)
def test_pages_fence_forms(page: str) -> None:
    assert only_document(page) == {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}}


def test_pages_blocks_in_other_languages_are_never_parsed() -> None:
    page = (
        "# Setup\n\n```bash\npaths: [unbalanced\n```\n\n"
        "```yaml\nopenapi: 3.1.0\ninfo: {title: T, version: '1'}\n```\n"
    )

    assert only_document(page)["info"] == {"title": "T", "version": "1"}


def test_pages_broken_yaml_not_meant_as_openapi_is_skipped() -> None:
    page = "```yaml\nname: [unbalanced\n```\n\n```yaml\nopenapi: 3.1.0\n```\n"

    assert only_document(page) == {"openapi": "3.1.0"}


def test_pages_broken_openapi_yaml_names_the_page_line() -> None:
    page = (
        "# Broken\n\nSome prose.\n\n```yaml\nopenapi: 3.1.0\ninfo:\n  title: Broken\n"
        "   version: 1.0.0\npaths: {}\n```\n"
    )

    with pytest.raises(SpecError) as raised:
        documents_from_page(page, "specs/broken.md")

    assert str(raised.value) == (
        "specs/broken.md: line 9: the fenced block opened at line 5 looks like OpenAPI but is not "
        "valid YAML: mapping values are not allowed here"
    )


@pytest.mark.parametrize(
    "page",
    [
        pytest.param("# Update Model\n\nNo blocks at all.\n", id="no-blocks"),
        pytest.param("```bash\ncurl https://api.example.test\n```\n", id="curl"),
        pytest.param('```json\n{"data": {"id": "1"}}\n```\n', id="response-sample"),
        pytest.param("```yaml\npaths:\n  /pets: {}\n```\n", id="paths-without-openapi"),
    ],
)
def test_pages_without_a_document_raise(page: str) -> None:
    blocks = page.count("```") // 2

    with pytest.raises(SpecError) as raised:
        documents_from_page(page, "specs/page.md")

    assert str(raised.value) == (
        "specs/page.md: no OpenAPI document or operation rendering found in this page: looked in "
        f"its {blocks} fenced block(s) for YAML or JSON with an 'openapi' (or 'swagger') key, or a "
        "documentation-site rendering 'paths: {path, method, request, response}'"
    )


def test_pages_self_containing_aliases_raise() -> None:
    page = "# X\n\n```yaml\nopenapi: 3.1.0\ninfo: &info\n  title: *info\n```\n"

    with pytest.raises(SpecError) as raised:
        documents_from_page(page, "specs/x.md")

    assert str(raised.value) == (
        "specs/x.md: line 5: the fenced block opened at line 3 looks like OpenAPI but is not "
        "valid YAML: found unconstructable recursive node"
    )


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        pytest.param(
            rendering(method="fetch"),
            "paths.method is 'fetch'; expected one of get, put, post, delete, options, head, "
            "patch, trace",
            id="method",
        ),
        pytest.param(
            rendering(path="things"),
            "paths.path is 'things'; expected a URL path starting with '/'",
            id="path",
        ),
        pytest.param(
            rendering(request={"parameters": {"query": ["limit"]}}),
            "paths.request.parameters.query is a list; expected a mapping",
            id="parameters",
        ),
        pytest.param(
            rendering(request={"security": {"title": "bearerAuth"}}),
            "paths.request.security is a dict; expected a list",
            id="security",
        ),
    ],
)
def test_pages_malformed_renderings_raise(page: str, problem: str) -> None:
    with pytest.raises(SpecError) as raised:
        documents_from_page(page, "specs/thing.md")

    assert (
        str(raised.value)
        == f"specs/thing.md: line 5: the operation rendering is malformed: {problem}"
    )


# -- the page title --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "title"),
    [
        pytest.param(
            "# Source: https://x.test/a.md\n\n# Update Model\n", "Update Model", id="source"
        ),
        pytest.param("# C# SDK ##\n", "C# SDK", id="closing-hashes"),
        pytest.param(
            "---\ntitle: 'Update Model'\nopenapi: PUT /x\n---\n", "Update Model", id="front"
        ),
        pytest.param("```md\n# Not A Title\n```\n", "PUT /things", id="fenced-heading"),
        pytest.param("## Only A Subheading\n", "PUT /things", id="none"),
    ],
)
def test_pages_title_comes_from_the_first_heading(head: str, title: str) -> None:
    block = rendering().split("## OpenAPI\n", 1)[1]

    document = only_document(head + "\n" + block)

    assert document["info"]["title"] == title
    assert operation_of(document).get("summary", "PUT /things") == title


@pytest.mark.parametrize(
    ("method", "path", "operation_id"),
    [
        pytest.param("put", "/api/v1/models/{id}", "put_api_v1_models_id", id="seed"),
        pytest.param("GET", "/v1/users/{userId}/keys", "get_v1_users_userId_keys", id="case"),
        pytest.param("delete", "/", "delete", id="root"),
        pytest.param("post", "/a.b/c-d", "post_a_b_c_d", id="punctuation"),
    ],
)
def test_pages_operation_id_comes_from_method_and_path(
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
def test_pages_rendered_schemas_become_json_schema(rendered: Any, schema: Any) -> None:
    assert response_schema([rendered]) == schema


def test_pages_several_schema_variants_become_any_of() -> None:
    assert response_schema([{"type": "string"}, {"type": "null"}]) == {
        "anyOf": [{"type": "string"}, {"type": "null"}]
    }


def test_pages_components_schemas_are_kept_and_normalised() -> None:
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
def test_pages_parameters_are_normalised(
    rendered: dict[str, Any], parameter: dict[str, Any]
) -> None:
    assert parameters_of(rendered) == [parameter]


def test_pages_parameters_keep_their_locations_in_order() -> None:
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
def test_pages_body_is_required_only_when_marked(variants: list[Any], required: bool) -> None:
    page = rendering(
        request={"body": {"application/json": {"schemaArray": variants, "examples": {}}}}
    )

    document = only_document(page)

    validate(document)
    body = operation_of(document)["requestBody"]
    assert body.get("required", False) is required
    assert booleans_named_required(body) == ([True] if required else [])


def test_pages_body_examples_become_example_objects() -> None:
    examples = {"plain": {"value": {"a": 1}, "summary": "One"}, "bare": {"a": 2}}
    page = rendering(
        request={"body": {"application/json": {"schemaArray": [OBJECT], "examples": examples}}}
    )

    body = operation_of(only_document(page))["requestBody"]

    assert body["content"]["application/json"]["examples"] == {
        "plain": {"value": {"a": 1}, "summary": "One"},
        "bare": {"value": {"a": 2}},
    }


def test_pages_empty_body_gives_no_request_body() -> None:
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
def test_pages_responses_always_have_a_description(
    rendered: dict[str, Any], response: dict[str, Any]
) -> None:
    document = only_document(rendering(response={"404": rendered}))

    validate(document)
    assert operation_of(document)["responses"] == {"404": response}


def test_pages_unknown_status_gets_a_generic_description() -> None:
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
def test_pages_security_requirements_build_schemes(
    entries: list[Any], security: Any, schemes: Any
) -> None:
    assert security_of(entries) == (security, schemes)


def test_pages_servers_and_deprecation_are_kept() -> None:
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


def test_pages_webhook_renderings_become_webhooks() -> None:
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
