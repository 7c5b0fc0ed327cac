"""Tests for specmock.spec.docpages: OpenAPI documents found in documentation pages."""

from __future__ import annotations

import pytest
import yaml
from openapi_spec_validator import validate

from specmock.errors import SpecError
from specmock.spec.docpages import PAGE_SUFFIXES, documents_from_page
from tests.helpers import TESTS
from tests.spec.pages import (
    booleans_named_required,
    fenced,
    fixture,
    only_document,
    operation_of,
    rendering,
)

SEEDS = TESTS.parents[1] / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"no seed pages at {SEEDS}")


def seed(prefix: str) -> tuple[str, str]:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8"), str(path)


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
        "valid YAML: an alias inside the node it names (a value cannot hold itself)"
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
