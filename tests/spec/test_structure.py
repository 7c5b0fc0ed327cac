import copy
import json

import pytest

from specmock.cli import main
from specmock.spec.api import Api, Catalog
from tests.spec.test_api import write


def document(version: str = "3.1.0", **extra):
    """Two operations on pets, with a component schema; each test breaks one thing."""
    pet = {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string"}, "site": {"type": "string", "format": "uri"}},
    }
    return {
        "openapi": version,
        "info": {"title": "Pets", "version": "1"},
        "tags": [{"name": "pets"}, {"name": "owners"}],
        "paths": {
            "/pets/{id}": {
                "get": {
                    "operationId": "getPet",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                            },
                        }
                    },
                }
            },
            "/pets": {
                "post": {"operationId": "addPet", "responses": {"201": {"description": "ok"}}}
            },
        },
        "components": {"schemas": {"Pet": pet}},
        **extra,
    }


def get_pet(doc):
    return doc["paths"]["/pets/{id}"]["get"]


def duplicate_tag(doc):
    doc["tags"].append({"name": "pets", "description": "again"})


def duplicate_operation_id(doc):
    doc["paths"]["/pets"]["post"]["operationId"] = "getPet"


def undeclared_path_parameter(doc):
    get_pet(doc)["parameters"] = []


def path_parameter_not_in_the_path(doc):
    get_pet(doc)["parameters"].append(
        {"name": "kind", "in": "path", "required": True, "schema": {"type": "string"}}
    )


def duplicate_parameter(doc):
    again = copy.deepcopy(get_pet(doc)["parameters"][0])
    again["description"] = "again"
    get_pet(doc)["parameters"].append(again)


def all_of_requires_an_undefined_property(doc):
    doc["components"]["schemas"]["Cat"] = {
        "allOf": [{"$ref": "#/components/schemas/Pet"}],
        "required": ["name", "claws"],
    }


def default_of_the_wrong_type(doc):
    doc["components"]["schemas"]["Pet"]["properties"]["name"]["default"] = 7


def parameter_default_of_the_wrong_type(doc):
    get_pet(doc)["parameters"][0]["schema"]["default"] = "seven"


def parameter_in_the_body(doc):
    get_pet(doc)["parameters"][0]["in"] = "body"


CASES = [
    pytest.param(
        duplicate_operation_id,
        "/paths/~1pets~1{id}/get/operationId",  # the YAML file has its paths sorted
        "Operation ID 'getPet' for 'get' in '/pets/{id}' is not unique",
        id="duplicate-operation-id",
    ),
    pytest.param(
        undeclared_path_parameter,
        "/paths/~1pets~1{id}/get",
        "Path parameter 'id' for 'get' operation in '/pets/{id}' was not resolved",
        id="undeclared-path-parameter",
    ),
    pytest.param(
        path_parameter_not_in_the_path,
        "/paths/~1pets~1{id}/get",
        "Path parameter 'kind' for 'get' operation in '/pets/{id}' was not resolved",
        id="path-parameter-not-in-the-path",
    ),
    pytest.param(
        duplicate_parameter,
        "/paths/~1pets~1{id}/get/parameters/1",
        "Duplicate parameter 'id'",
        id="duplicate-parameter",
    ),
    pytest.param(
        all_of_requires_an_undefined_property,
        "/components/schemas/Cat",
        "Required list has not defined properties: ['claws']",
        id="all-of-required-undefined",
    ),
]

WARNED = [
    pytest.param(duplicate_tag, "/tags/2", "Duplicate tag name 'pets'", "as it is", id="tag"),
    pytest.param(
        default_of_the_wrong_type,
        "/components/schemas/Pet/properties/name/default",
        "default 7: 7 is not of type 'string'",
        "without this default",
        id="default-of-the-wrong-type",
    ),
    pytest.param(
        parameter_default_of_the_wrong_type,
        "/paths/~1pets~1{id}/get/parameters/0/schema/default",
        "default \"seven\": 'seven' is not of type 'integer'",
        "without this default",
        id="parameter-default-of-the-wrong-type",
    ),
]


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize(("breaks", "where", "problem"), CASES)
def test_structure_each_check_names_the_file_and_the_place(
    tmp_path, version, breaks, where, problem
):
    doc = document(version)
    breaks(doc)
    write(tmp_path, "pets.yaml", doc)
    (error,) = Catalog.from_path(tmp_path).errors
    assert (error.source, error.where) == (str(tmp_path / "pets.yaml"), where)
    assert error.problem == f"invalid OpenAPI {version}: {problem}"


@pytest.mark.parametrize(
    ("version", "where"),
    [
        pytest.param("3.0.3", "/paths/~1pets~1{id}/get/parameters/0", id="3.0"),
        pytest.param("3.1.0", "/paths/~1pets~1{id}/get/parameters/0/in", id="3.1"),
    ],
)
def test_structure_flaw_in_the_shape_of_an_operation_is_still_an_error(tmp_path, version, where):
    doc = document(version)
    parameter_in_the_body(doc)
    doc["components"]["schemas"]["Pet"]["properties"]["name"]["minLength"] = -1  # repaired
    write(tmp_path, "pets.yaml", doc)
    assert Catalog.from_path(tmp_path).apis == ()
    (error,) = Catalog.from_path(tmp_path).errors
    assert (error.source, error.where) == (str(tmp_path / "pets.yaml"), where)
    assert error.problem.startswith(f"invalid OpenAPI {version}: ")
    assert "body" in error.problem


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize(("breaks", "where", "problem", "served"), WARNED)
def test_structure_each_servable_flaw_is_a_warning_naming_the_file_and_the_place(
    tmp_path, version, breaks, where, problem, served
):
    doc = document(version)
    breaks(doc)
    write(tmp_path, "pets.yaml", doc)
    catalog = Catalog.from_path(tmp_path)
    assert catalog.errors == ()
    (warning,) = catalog.apis[0].warnings
    assert (warning.source, warning.where) == (str(tmp_path / "pets.yaml"), where)
    assert warning.problem == f"{problem} (served anyway: {served})"


def test_structure_unbroken_document_loads_without_warnings():
    for version in ("3.0.3", "3.1.0"):
        api = Api.from_dict("pets", document(version))
        assert api.warnings == ()


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_structure_schema_keyword_breaking_the_meta_schema_is_left_out_with_a_warning(version):
    doc = document(version)
    doc["components"]["schemas"]["Pet"]["properties"]["name"]["minLength"] = -1
    api = Api.from_dict("pets", doc)
    (warning,) = api.warnings
    assert warning.where == "/components/schemas/Pet/properties/name/minLength"
    assert warning.problem == (
        "-1 is less than the minimum of 0 (served anyway: without 'minLength')"
    )
    assert api.document["components"]["schemas"]["Pet"]["properties"]["name"] == {"type": "string"}
    assert doc["components"]["schemas"]["Pet"]["properties"]["name"]["minLength"] == -1


def test_structure_a_schema_that_contains_itself_is_checked_once():
    doc = document()
    doc["components"]["schemas"]["Node"] = {
        "allOf": [{"properties": {"next": {"$ref": "#/components/schemas/Node"}}}],
        "required": ["next"],
    }
    assert Api.from_dict("nodes", doc).warnings == ()


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_structure_default_breaking_only_its_format_is_a_warning_naming_the_schema(
    tmp_path, version
):
    doc = document(version)
    doc["components"]["schemas"]["Pet"]["properties"]["site"]["default"] = ""
    write(tmp_path, "pets.yaml", doc)
    catalog = Catalog.from_path(tmp_path)
    assert catalog.errors == ()
    (api,) = catalog.apis
    (warning,) = api.warnings
    assert warning.source == str(tmp_path / "pets.yaml")
    assert warning.where == "/components/schemas/Pet/properties/site/default"
    assert warning.problem == "'' is not a 'uri' (served anyway: only the format is broken)"


def test_structure_default_breaking_its_type_and_format_is_left_out():
    doc = document("3.0.3")
    doc["components"]["schemas"]["Pet"]["properties"]["site"]["default"] = 3
    api = Api.from_dict("pets", doc)
    (warning,) = api.warnings
    assert warning.where == "/components/schemas/Pet/properties/site/default"
    assert warning.problem == (
        "default 3: 3 is not of type 'string' (served anyway: without this default)"
    )
    assert "default" not in api.document["components"]["schemas"]["Pet"]["properties"]["site"]


def test_structure_warning_is_shown_by_check_and_check_still_passes(tmp_path, capsys):
    doc = document("3.0.3")
    doc["components"]["schemas"]["Pet"]["properties"]["site"]["default"] = ""
    write(tmp_path, "pets.yaml", doc)
    assert main(["check", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (
        f"warning: {tmp_path / 'pets.yaml'}: /components/schemas/Pet/properties/site/default: "
        "'' is not a 'uri' (served anyway: only the format is broken)\n"
    ) in out
    assert main(["check", str(tmp_path), "--format", "json"]) == 0
    (warning,) = json.loads(capsys.readouterr().out)["warnings"]
    assert warning["where"] == "/components/schemas/Pet/properties/site/default"


NOT_ECMA = "pattern '^a\\\\Z' is not an ECMA-262 regular expression: \\Z is no escape in ECMA-262"


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_structure_pattern_that_is_not_ecma_is_a_warning_naming_it(tmp_path, version):
    doc = document(version)
    doc["components"]["schemas"]["Pet"]["properties"]["name"]["pattern"] = r"^a\Z"
    write(tmp_path, "pets.yaml", doc)
    catalog = Catalog.from_path(tmp_path)
    assert catalog.errors == ()
    (api,) = catalog.apis
    (warning,) = api.warnings
    assert warning.source == str(tmp_path / "pets.yaml")
    assert warning.where == "/components/schemas/Pet/properties/name/pattern"
    assert warning.problem == f"{NOT_ECMA} (served anyway: this pattern is not enforced)"


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(r"^(?<id>[a-z]+)-\k<id>$", id="named-group"),
        pytest.param(r"^\p{L}+$", id="unicode-property"),
        pytest.param(r"^[^]\cJ\u{1F600}$", id="ecma-only-escapes"),
        pytest.param(r"^[a-z\_]+\-$", id="web-grammar"),
    ],
)
def test_structure_ecma_pattern_python_cannot_read_loads_without_warnings(pattern):
    for version in ("3.0.3", "3.1.0"):
        doc = document(version)
        doc["components"]["schemas"]["Pet"]["properties"]["name"]["pattern"] = pattern
        assert Api.from_dict("pets", doc).warnings == ()


def test_structure_pattern_property_name_and_default_beside_a_broken_pattern():
    doc = document()
    pet = doc["components"]["schemas"]["Pet"]
    pet["patternProperties"] = {"(?P<x>a)": {"type": "string"}}
    pet["properties"]["name"].update(pattern="[", default="x")
    pet["properties"]["name"]["example"] = {"pattern": "["}  # data, not a schema: not read
    warnings = Api.from_dict("pets", doc).warnings
    assert sorted((w.where, w.problem.split(":")[0]) for w in warnings) == [
        (
            "/components/schemas/Pet/patternProperties/(?P<x>a)",
            "pattern '(?P<x>a)' is not an ECMA-262 regular expression",
        ),
        (
            "/components/schemas/Pet/properties/name/pattern",
            "pattern '[' is not an ECMA-262 regular expression",
        ),
    ]


def test_structure_pattern_warning_is_shown_by_check_and_check_still_passes(tmp_path, capsys):
    doc = document("3.0.3")
    doc["components"]["schemas"]["Pet"]["properties"]["name"]["pattern"] = r"^a\Z"
    write(tmp_path, "pets.yaml", doc)
    assert main(["check", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (
        f"warning: {tmp_path / 'pets.yaml'}: /components/schemas/Pet/properties/name/pattern: "
        f"{NOT_ECMA} (served anyway: this pattern is not enforced)\n"
    ) in out


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_structure_discriminator_mapping_to_no_schema_is_left_out_with_a_warning(version):
    doc = document(version)
    doc["paths"]["/pets"]["post"]["requestBody"] = {
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [{"$ref": "#/components/schemas/Pet"}],
                    "discriminator": {
                        "propertyName": "name",
                        "mapping": {"rex": "models/pets.yml#/Pet", "tom": "Pet"},
                    },
                }
            }
        }
    }
    api = Api.from_dict("pets", doc)
    (warning,) = api.warnings
    where = "/paths/~1pets/post/requestBody/content/application~1json/schema/discriminator"
    assert warning.where == f"{where}/mapping/rex"
    assert warning.problem == (
        "discriminator mapping 'rex': 'models/pets.yml#/Pet' names no schema here"
        " (served anyway: without the discriminator: its oneOf/anyOf judge alone)"
    )
    body = api.document["paths"]["/pets"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"oneOf": [{"$ref": "#/components/schemas/Pet"}]}


def test_structure_discriminator_mapping_to_schemas_by_reference_or_name_loads_as_it_is():
    doc = document()
    mapping = {"rex": "#/components/schemas/Pet", "tom": "Pet"}
    doc["components"]["schemas"]["Any"] = {
        "oneOf": [{"$ref": "#/components/schemas/Pet"}],
        "discriminator": {"propertyName": "name", "mapping": mapping},
    }
    api = Api.from_dict("pets", doc)
    assert api.warnings == ()
    assert api.document["components"]["schemas"]["Any"]["discriminator"]["mapping"] == mapping


def test_structure_null_type_beside_a_choice_without_null_is_served_as_null_or_a_choice():
    doc = document()
    doc["components"]["schemas"]["Value"] = {
        "type": "null",
        "oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/Pet"}],
    }
    api = Api.from_dict("pets", doc)
    (warning,) = api.warnings
    assert warning.where == "/components/schemas/Value"
    assert warning.problem == (
        'type "null" beside a oneOf none of whose branches is null: no value'
        " (served anyway: as null or one of its oneOf)"
    )
    assert api.document["components"]["schemas"]["Value"] == {
        "oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/Pet"}, {"type": "null"}]
    }


def test_structure_null_type_beside_a_choice_that_admits_null_loads_as_it_is():
    doc = document()
    doc["components"]["schemas"]["Value"] = {
        "type": "null",
        "anyOf": [{"type": "string"}, {"type": ["integer", "null"]}],
    }
    assert Api.from_dict("pets", doc).warnings == ()


def test_structure_nullable_in_a_31_document_is_served_as_a_null_type():
    doc = document()
    doc["components"]["schemas"]["Pet"]["properties"]["name"]["nullable"] = True
    api = Api.from_dict("pets", doc)
    place = "/components/schemas/Pet/properties/name"
    assert sorted(w.where for w in api.warnings) == [f"{place}/nullable", f"{place}/type"]
    name = api.document["components"]["schemas"]["Pet"]["properties"]["name"]
    assert name == {"type": ["string", "null"]}
    legacy = document("3.0.3")
    legacy["components"]["schemas"]["Pet"]["properties"]["name"]["nullable"] = True
    assert Api.from_dict("pets", legacy).warnings == ()
