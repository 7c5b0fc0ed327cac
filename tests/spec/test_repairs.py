"""Flaws that still let an API be served: each one repaired in the served document, with a warning
naming the file, the place and the value, and requests judged as the repaired schema says."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from specmock.cli import main
from specmock.config import Config
from specmock.spec.api import Api, Catalog
from specmock.spec.repairs import Fix, apply
from specmock.web.testing import LiveServer
from tests.helpers import response_errors
from tests.spec.test_api import write

FLAWED = """\
openapi: {version}
info: {{title: Flaws, version: "1"}}
paths:
  /notes:
    get:
      description: false
      parameters:
        - name: text
          in: query
          schema: {{type: string, maxLength: .inf, description: 12}}
        - name: count
          in: query
          schema: {{type: integer, minimum: 10, exclusiveMinimum: true}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  n: {{type: integer, default: many}}
                  kind: {{type: {{type: string}}}}
              example: {{n: 1, kind: 5}}
"""
TEXT = "/paths/~1notes/get/parameters/0/schema"
BODY = "/paths/~1notes/get/responses/200/content/application~1json/schema"
WARNINGS = {
    f"{TEXT}/maxLength": ".inf is a number JSON cannot carry (served anyway: with no limit)",
    "/paths/~1notes/get/description": (
        "false is not of type \"string\" (served anyway: as the text 'false')"
    ),
    f"{TEXT}/description": "12 is not of type \"string\" (served anyway: as the text '12')",
    f"{BODY}/properties/n/default": (
        "default \"many\": 'many' is not of type 'integer' (served anyway: without this default)"
    ),
}
TYPE_30 = '{"type":"string"} is not of type "string" (served anyway: without \'type\')'
TYPE_31 = (
    '{"type":"string"} is not one of "array", "boolean" or 5 other candidates '
    "(served anyway: without 'type')"
)
BOUND_31 = 'true is not of type "number" (served anyway: restated in 3.1 form (a number))'


@pytest.mark.parametrize(
    ("version", "more"),
    [
        pytest.param("3.0.3", {f"{BODY}/properties/kind/type": TYPE_30}, id="3.0"),
        pytest.param(
            "3.1.0",
            {
                f"{BODY}/properties/kind/type": TYPE_31,
                "/paths/~1notes/get/parameters/1/schema/exclusiveMinimum": BOUND_31,
            },
            id="3.1",
        ),
    ],
)
def test_repairs_each_flaw_is_a_warning_naming_the_file_the_place_and_the_value(
    tmp_path, version, more
):
    spec = tmp_path / "notes.yaml"
    spec.write_text(FLAWED.format(version=version))
    catalog = Catalog.from_path(spec)
    assert catalog.errors == ()
    (api,) = catalog.apis
    assert {w.source for w in api.warnings} == {str(spec)}
    assert {w.where: w.problem for w in api.warnings} == WARNINGS | more
    get = api.document["paths"]["/notes"]["get"]
    assert get["description"] == "false"
    assert get["parameters"][0]["schema"] == {"type": "string", "description": "12"}
    body = get["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["properties"] == {"n": {"type": "integer"}, "kind": {}}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_repairs_requests_are_judged_by_the_repaired_schema(tmp_path, version):
    (tmp_path / "notes.yaml").write_text(FLAWED.format(version=version))
    with LiveServer(Config(specs=tmp_path)) as server, httpx.Client(base_url=server.url) as client:
        long = client.get("/notes", params={"text": "x" * 5000, "count": 11})
        assert long.status_code == 200, long.text  # maxLength .inf: no limit
        effective = client.get("/__specmock/apis/notes/openapi.json").json()
        assert response_errors(effective, long) == []
        at_bound = client.get("/notes", params={"count": 10})
        assert at_bound.status_code == 400  # exclusiveMinimum: 10 is out in both versions
        assert "count" in at_bound.text


def test_repairs_check_lists_the_warnings_and_passes(tmp_path, capsys):
    spec = tmp_path / "notes.yaml"
    spec.write_text(FLAWED.format(version="3.1.0"))
    assert main(["check", str(spec)]) == 0
    out = capsys.readouterr().out
    assert f"warning: {spec}: {TEXT}/maxLength: .inf is a number JSON cannot carry" in out


def test_repairs_unknown_30_keyword_is_left_out_naming_its_value():
    document = {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Id": {"type": "integer", "const": 3}}},
    }
    api = Api.from_dict("t", document)
    (warning,) = api.warnings
    assert (warning.where, warning.problem) == (
        "/components/schemas/Id/const",
        "'const' (here 3) is no schema keyword of this version (served anyway: without 'const')",
    )
    assert api.document["components"]["schemas"]["Id"] == {"type": "integer"}


def test_repairs_missing_file_leaves_out_what_needs_it_and_serves_the_rest(tmp_path):
    (tmp_path / "pets.yaml").write_text(
        """\
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "gone/pet.yaml"}
  /owners:
    get:
      parameters: [{$ref: "gone/parameters.yaml#/owner"}]
      responses: {"200": {description: ok}}
"""
    )
    (api,) = Catalog.from_path(tmp_path).apis
    assert [op.label for op in api.operations] == ["GET /pets"]
    missing = tmp_path / "gone"
    assert [(w.where, w.problem) for w in api.warnings] == [
        (
            "/paths/~1pets/get/responses/200/content/application~1json/schema",
            f"$ref 'gone/pet.yaml': file '{missing / 'pet.yaml'}' not found "
            "(served anyway: as any value)",
        ),
        (
            "/paths/~1owners/get/parameters/0",
            f"$ref 'gone/parameters.yaml#/owner': file '{missing / 'parameters.yaml'}' not found "
            "(served anyway: without GET /owners)",
        ),
    ]
    with LiveServer(Config(specs=tmp_path)) as server, httpx.Client(base_url=server.url) as client:
        assert client.get("/pets").status_code == 200
        assert client.get("/owners").status_code == 404


def test_repairs_apply_copies_only_the_way_to_each_fix_and_drops_list_items_from_the_last():
    document: dict[str, Any] = {"a": {"list": [1, 2, 3, 4]}, "b": {"kept": True}}
    fixes = [Fix(("a", "list", 1), ""), Fix(("a", "list", 3), ""), Fix(("a", "x", "gone"), "")]
    repaired = apply(document, fixes)
    assert repaired == {"a": {"list": [1, 3]}, "b": {"kept": True}}
    assert document["a"]["list"] == [1, 2, 3, 4]
    assert repaired["b"] is document["b"]


def dialect_document(schema: dict[str, Any]) -> dict[str, Any]:
    parameter = {"name": "n", "in": "query", "schema": schema}
    operation = {"parameters": [parameter], "responses": {"204": {"description": "none"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {"/n": {"get": operation}},
    }


def test_repairs_unknown_schema_dialect_is_left_out_so_the_schema_is_served():
    draft_5 = "https://json-schema.org/draft-05/schema#"
    document = dialect_document({"$schema": draft_5, "type": "integer", "maximum": 5})
    api = Api.from_dict("t", document)
    (warning,) = api.warnings
    assert (warning.where, warning.problem) == (
        "/paths/~1n/get/parameters/0/schema/$schema",
        f'"{draft_5}" is no JSON Schema dialect specmock knows '
        "(served anyway: as the document's own dialect)",
    )
    served = api.document["paths"]["/n"]["get"]["parameters"][0]["schema"]
    assert served == {"type": "integer", "maximum": 5}


def test_repairs_draft_4_exclusive_bound_is_restated_as_2020_12(tmp_path):
    draft_4 = "http://json-schema.org/draft-04/schema#"
    schema = {"$schema": draft_4, "type": "integer", "minimum": 10, "exclusiveMinimum": True}
    api = Api.from_dict("t", dialect_document(schema))
    (warning,) = api.warnings
    assert warning.problem.endswith(
        "(served anyway: restated in 3.1 form (a number), "
        f'as JSON Schema 2020-12 rather than "{draft_4}")'
    )
    served = api.document["paths"]["/n"]["get"]["parameters"][0]["schema"]
    assert served == {"type": "integer", "exclusiveMinimum": 10}
    write(tmp_path, "t.json", dialect_document(schema))
    with LiveServer(Config(specs=tmp_path)) as server, httpx.Client(base_url=server.url) as client:
        assert client.get("/n", params={"n": 10}).status_code == 400
        assert client.get("/n", params={"n": 11}).status_code == 204


def test_repairs_a_30_nullable_in_a_31_document_lets_null_join_the_type():
    """Documents converted from 3.0 to 3.1 keep `nullable` (Codat's `supplierName`), which 3.1
    validators ignore while Schemathesis reads it: it is restated as 3.1 says it."""
    name = {"type": "string", "nullable": True, "enum": ["a", "b"]}
    parent = {"$ref": "#/components/schemas/Ref", "nullable": True, "description": "d"}
    properties = {"name": name, "parent": parent}
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Ref": {"type": "object", "properties": properties}}},
    }
    api = Api.from_dict("t", document)
    place = "/components/schemas/Ref/properties"
    assert sorted(warning.where for warning in api.warnings) == [
        f"{place}/name/enum",
        f"{place}/name/nullable",
        f"{place}/name/type",
        f"{place}/parent",
    ]
    served = api.document["components"]["schemas"]["Ref"]["properties"]
    assert served["name"] == {"type": ["string", "null"], "enum": ["a", "b", None]}
    assert served["parent"] == {
        "anyOf": [{"$ref": "#/components/schemas/Ref"}, {"type": "null"}],
        "description": "d",
    }


def test_repairs_a_discriminator_that_can_name_no_inline_branch_is_left_out():
    """Mailchimp's segment conditions: a discriminator without a mapping over inline branches,
    which have no component name; validators reading it refused every condition."""
    branch = {"type": "object", "properties": {"kind": {"enum": ["Age"]}}}
    condition = {"discriminator": {"propertyName": "kind"}, "oneOf": [branch]}
    document = {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Condition": condition}},
    }
    api = Api.from_dict("t", document)
    (warning,) = api.warnings
    assert warning.where == "/components/schemas/Condition/discriminator"
    assert "discriminator" not in api.document["components"]["schemas"]["Condition"]
