import json
from pathlib import Path

import pytest
import yaml

from specmock.errors import SpecError
from specmock.spec.api import Api, Catalog, success_status
from tests.helpers import TESTS

SPECS = TESTS.parent / "specs"


def minimal(path: str = "/pets/{id}", method: str = "get", **extra):
    operation = {
        "operationId": f"{method}-{path}",
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
        ],
        "responses": {"200": {"description": "ok"}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Pets", "version": "1"},
        "paths": {path: {method: operation}},
        **extra,
    }


def write(folder: Path, name: str, document) -> Path:
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(document, str):
        target.write_text(document)
    elif target.suffix == ".json":
        target.write_text(json.dumps(document))
    else:
        target.write_text(yaml.safe_dump(document))
    return target


def test_spec_catalog_loads_the_shipped_specs():
    catalog = Catalog.from_path(SPECS)
    assert catalog.errors == ()
    assert sorted(api.name for api in catalog.apis) == ["aisquared", "apigateway", "polytomic"]
    labels = sorted(op.label for op in catalog.api("aisquared").operations)
    assert labels == [
        "PUT /api/v1/connectors/{id}",
        "PUT /api/v1/models/{id}",
        "PUT /api/v1/syncs/{id}",
    ]


def test_spec_folder_is_one_api_per_file_and_per_subfolder(tmp_path):
    write(tmp_path, "pets.yaml", minimal())
    write(tmp_path, "shop/orders.yaml", minimal("/orders/{id}"))
    write(tmp_path, "shop/items.json", minimal("/items/{id}"))
    catalog = Catalog.from_path(tmp_path)
    assert catalog.errors == ()
    assert {api.name for api in catalog.apis} == {"pets", "shop"}
    shop = catalog.api("shop")
    assert sorted(op.path for op in shop.operations) == ["/items/{id}", "/orders/{id}"]
    assert len(shop.sources) == 2


def test_spec_broken_file_names_file_and_line_and_others_still_load(tmp_path):
    write(tmp_path, "good.yaml", minimal())
    write(tmp_path, "bad.yaml", "openapi: 3.1.0\ninfo:\n  title: [unclosed\n")
    catalog = Catalog.from_path(tmp_path)
    assert [api.name for api in catalog.apis] == ["good"]
    (error,) = catalog.errors
    assert error.source.endswith("bad.yaml")
    assert error.where == "line 4"
    assert "invalid YAML" in error.problem


def test_spec_invalid_openapi_names_the_json_pointer(tmp_path):
    document = minimal()
    del document["paths"]["/pets/{id}"]["get"]["responses"]["200"]["description"]
    write(tmp_path, "pets.yaml", document)
    (error,) = Catalog.from_path(tmp_path).errors
    assert error.where == "/paths/~1pets~1{id}/get/responses/200"
    assert error.problem == 'invalid OpenAPI 3.1.0: "description" is a required property'


def test_spec_unresolvable_local_ref_is_an_error(tmp_path):
    document = minimal()
    document["paths"]["/pets/{id}"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
    }
    write(tmp_path, "pets.yaml", document)
    (error,) = Catalog.from_path(tmp_path).errors
    assert error.where == "/paths/~1pets~1{id}/get/responses/200/content/application~1json/schema"
    assert error.problem == "$ref '#/components/schemas/Pet' points to nothing in this document"


def test_spec_relative_file_refs_are_bundled_and_recursion_kept(tmp_path):
    document = minimal()
    document["paths"]["/pets/{id}"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "schemas/pet.yaml"}}
    }
    write(tmp_path, "api/openapi.yaml", document)
    write(
        tmp_path,
        "api/schemas/pet.yaml",
        {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "pet.yaml"}},
                "owner": {"$ref": "owner.yaml#/Owner"},
            },
        },
    )
    write(
        tmp_path,
        "api/schemas/owner.yaml",
        {"Owner": {"type": "object", "properties": {"id": {"type": "integer"}}}},
    )
    api = Catalog.from_path(tmp_path).api("api")
    schemas = api.document["components"]["schemas"]
    assert set(schemas) == {"pet", "Owner"}
    assert schemas["pet"]["properties"]["children"]["items"] == {"$ref": "#/components/schemas/pet"}
    assert schemas["pet"]["properties"]["owner"] == {"$ref": "#/components/schemas/Owner"}
    media = api.document["paths"]["/pets/{id}"]["get"]["responses"]["200"]["content"]
    assert media["application/json"]["schema"] == {"$ref": "#/components/schemas/pet"}


def test_spec_missing_ref_file_names_the_ref_in_a_warning(tmp_path):
    document = minimal()
    document["paths"]["/pets/{id}"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "nowhere.yaml"}}
    }
    write(tmp_path, "pets.yaml", document)
    (api,) = Catalog.from_path(tmp_path).apis
    (warning,) = api.warnings
    assert warning.source.endswith("pets.yaml")
    assert "$ref 'nowhere.yaml': file" in warning.problem and "not found" in warning.problem


def test_spec_same_operation_in_two_files_names_both(tmp_path):
    write(tmp_path, "shop/a.yaml", minimal())
    write(tmp_path, "shop/b.yaml", minimal())
    (error,) = Catalog.from_path(tmp_path).errors
    assert error.source.endswith("b.yaml")
    assert error.problem.startswith("GET /pets/{id} is also defined in ")
    assert error.problem.endswith("a.yaml")


def test_spec_merge_lifts_30_documents_to_31(tmp_path):
    old = minimal("/a/{id}")
    old["openapi"] = "3.0.3"
    old["components"] = {"schemas": {"N": {"type": "string", "nullable": True}}}
    write(tmp_path, "shop/a.yaml", old)
    write(
        tmp_path,
        "shop/b.yaml",
        minimal(
            "/b/{id}",
            security=[{"key": []}],
            components={
                "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}
            },
        ),
    )
    api = Catalog.from_path(tmp_path).api("shop")
    assert api.version == "3.1.0"
    assert api.document["components"]["schemas"]["N"] == {"type": ["string", "null"]}
    assert api.document["paths"]["/b/{id}"]["get"]["security"] == [{"key": []}]
    assert "security" not in api.document["paths"]["/a/{id}"]["get"]


def test_spec_from_dict_validates():
    with pytest.raises(SpecError, match=r"invalid OpenAPI 3\.1\.0"):
        Api.from_dict("x", {"openapi": "3.1.0", "info": {}, "paths": {}})


def test_spec_base_path_comes_from_the_first_server():
    api = Api.from_dict(
        "x",
        minimal(
            servers=[{"url": "https://h.example/{v}/api", "variables": {"v": {"default": "v2"}}}]
        ),
    )
    assert api.base_path == "/v2/api"


def test_spec_referenced_responses_parameters_and_examples_are_inlined_with_their_origin():
    document = minimal()
    document["components"] = {
        "responses": {
            "NotFound": {
                "description": "gone",
                "content": {
                    "application/json": {
                        "schema": {"type": "object"},
                        "examples": {"one": {"$ref": "#/components/examples/Gone"}},
                    }
                },
            }
        },
        "examples": {"Gone": {"value": {"message": "gone"}}},
        "parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}},
    }
    operation = document["paths"]["/pets/{id}"]["get"]
    operation["responses"]["404"] = {"$ref": "#/components/responses/NotFound"}
    operation["parameters"].append({"$ref": "#/components/parameters/Limit"})
    spec = Api.from_dict("pets", document).operations[0].spec
    not_found = spec["responses"]["404"]
    assert not_found["x-specmock-ref"] == "#/components/responses/NotFound"
    assert not_found["content"]["application/json"]["examples"]["one"] == {
        "value": {"message": "gone"},
        "x-specmock-ref": "#/components/examples/Gone",
    }
    assert spec["parameters"][1]["name"] == "limit"


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        pytest.param(["404", "201", "200"], ("200", 200), id="lowest-2xx"),
        pytest.param(["2XX", "default"], ("2XX", 200), id="range"),
        pytest.param(["default", "404"], ("default", 200), id="default"),
        pytest.param(["405"], ("405", 405), id="only-an-error"),
        pytest.param(["4XX"], ("4XX", 400), id="only-an-error-range"),
        pytest.param([], ("default", 200), id="none"),
    ],
)
def test_api_success_status_is_what_an_operation_answers_unasked(keys, expected):
    assert success_status({key: {"description": key} for key in keys}) == expected


def with_schema(schema, **schemas):
    document = minimal(components={"schemas": schemas} if schemas else {})
    document["paths"]["/pets/{id}"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": schema}
    }
    return document


SCHEMA_AT = "/paths/~1pets~1{id}/get/responses/200/content/application~1json/schema"
SECRET = "root:x:0:0:hunter2"


@pytest.mark.parametrize(
    ("name", "ref"),
    [
        pytest.param("pets.yaml", "../secret.yaml", id="parent"),
        pytest.param("pets.yaml", "{outside}/secret.yaml", id="absolute"),
        pytest.param("pets.md", "../secret.yaml", id="page"),
        pytest.param("pets/openapi.yaml", "../../secret.yaml", id="api-folder"),
    ],
)
def test_spec_ref_outside_the_served_folder_is_refused_without_its_content(tmp_path, name, ref):
    served = tmp_path / "served"
    write(tmp_path, "secret.yaml", {"type": "string", "description": SECRET})
    ref = ref.format(outside=tmp_path)
    document = with_schema({"$ref": ref})
    if name.endswith(".md"):
        document = "# Pets\n\n```yaml\n" + yaml.safe_dump(document) + "```\n"
    file = write(served, name, document)
    write(served, "good.yaml", minimal())
    catalog = Catalog.from_path(served)
    assert [api.name for api in catalog.apis] == ["good"]
    (error,) = catalog.errors
    secret, folder = str(tmp_path.resolve() / "secret.yaml"), str(served.resolve())
    assert error.as_dict() == {
        "source": str(file.resolve()),
        "where": SCHEMA_AT,
        "problem": f"$ref {ref!r}: {secret!r} is outside the folders references may read "
        f"({folder!r}); allow its folder with --allow-ref-dir",
    }


def test_spec_ref_dirs_allow_a_folder_outside(tmp_path):
    write(tmp_path, "shared/pet.yaml", {"type": "string"})
    write(tmp_path, "served/pets.yaml", with_schema({"$ref": "../shared/pet.yaml"}))
    catalog = Catalog.from_path(tmp_path / "served", ref_dirs=(tmp_path / "shared",))
    assert catalog.errors == ()
    assert catalog.api("pets").document["components"]["schemas"] == {"pet": {"type": "string"}}
    api = Api.from_path(tmp_path / "served" / "pets.yaml", ref_dirs=(tmp_path / "shared",))
    assert api.document["components"]["schemas"] == {"pet": {"type": "string"}}


def test_spec_a_single_file_may_refer_to_its_own_folder_only(tmp_path):
    write(tmp_path, "pet.yaml", {"type": "string"})
    write(tmp_path, "api/pets.yaml", with_schema({"$ref": "../pet.yaml"}))
    write(tmp_path, "api/owner.yaml", {"type": "integer"})
    write(tmp_path, "api/owners.yaml", with_schema({"$ref": "owner.yaml"}))
    assert Catalog.from_path(tmp_path / "api" / "owners.yaml").errors == ()
    (error,) = Catalog.from_path(tmp_path / "api" / "pets.yaml").errors
    assert "is outside the folders references may read" in error.problem


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(f"a: 1\n\t{SECRET}\n", id="yaml"),
        pytest.param(f"a: 1\na: {SECRET}\n", id="key-twice"),
        pytest.param(f"{SECRET}: [\n", id="unclosed"),
    ],
)
def test_spec_a_broken_referenced_file_is_named_without_its_content(tmp_path, text):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "passwd.yaml").write_text(text)
    write(tmp_path, "served/pets.yaml", with_schema({"$ref": "../shared/passwd.yaml"}))
    catalog = Catalog.from_path(tmp_path / "served", ref_dirs=(tmp_path / "shared",))
    (warning,) = catalog.api("pets").warnings
    broken = str((tmp_path / "shared" / "passwd.yaml").resolve())
    assert f"$ref '../shared/passwd.yaml': file {broken!r} cannot be read at line " in (
        warning.problem
    )
    assert "hunter2" not in warning.message


def test_spec_a_circle_of_references_is_an_error_naming_the_place(tmp_path):
    a, b = "#/components/schemas/A", "#/components/schemas/B"
    write(tmp_path, "pets.yaml", with_schema({"$ref": a}, A={"$ref": b}, B={"$ref": a}))
    write(tmp_path, "good.yaml", minimal())
    catalog = Catalog.from_path(tmp_path)
    assert [api.name for api in catalog.apis] == ["good"]
    (error,) = catalog.errors
    assert error.as_dict() == {  # the first $ref met in the file: components come first there
        "source": str(tmp_path / "pets.yaml"),
        "where": "/components/schemas/A",
        "problem": f"$ref {b!r} never reaches a value: the references go round {b} -> {a} -> {b}",
    }


def test_spec_a_recursive_schema_with_content_loads(tmp_path):
    node = {
        "type": "object",
        "properties": {
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
        },
    }
    write(tmp_path, "tree.yaml", with_schema({"$ref": "#/components/schemas/Node"}, Node=node))
    catalog = Catalog.from_path(tmp_path)
    assert catalog.errors == ()
    assert catalog.api("tree").document["components"]["schemas"]["Node"] == node


def test_spec_an_alias_bomb_is_an_error_and_the_other_apis_load(tmp_path):
    lines = ["openapi: 3.1.0", "info: {title: bomb, version: '1'}", "paths: {}", "x-bomb:"]
    lines.append("  l0: &l0 [" + ", ".join(['"lol"'] * 10) + "]")
    lines += [f"  l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]" for n in range(1, 9)]
    write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    write(tmp_path, "good.yaml", minimal())
    catalog = Catalog.from_path(tmp_path)
    assert [api.name for api in catalog.apis] == ["good"]
    (error,) = catalog.errors
    assert error.as_dict() == {
        "source": str(tmp_path / "bomb.yaml"),
        "where": "line 10",
        "problem": "YAML refused: its aliases repeat more than 1,000,000 nodes (the limit); "
        "use a $ref instead",
    }


def _one_operation(path: str) -> dict:
    parameter = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Keys", "version": "1"},
        "paths": {
            path: {"get": {"parameters": [parameter], "responses": {"200": {"description": "one"}}}}
        },
    }


def test_api_a_json_spec_file_with_a_byte_order_mark_is_read(tmp_path):
    spec = tmp_path / "keys.json"
    spec.write_bytes(b"\xef\xbb\xbf" + json.dumps(_one_operation("/keys/{id}")).encode())
    assert [o.path for o in Api.from_path(spec).operations] == ["/keys/{id}"]


def test_api_a_ref_whose_pointer_is_percent_encoded_is_followed():
    """RFC 6901's URI-fragment form: `{` written `%7B` (DigitalOcean's spec does this)."""
    document = _one_operation("/keys/{id}")
    reused = {"$ref": "#/paths/~1keys~1%7Bid%7D/get/parameters/0"}
    document["paths"]["/keys/{id}"]["delete"] = {
        "parameters": [reused],
        "responses": {"204": {"description": "gone"}},
    }
    api = Api.from_dict("keys", document)
    assert sorted(o.method for o in api.operations) == ["delete", "get"]
