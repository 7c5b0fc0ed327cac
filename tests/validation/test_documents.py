"""Documents prepared for openapi-core: single types for 3.1 type lists, the readOnly/writeOnly
views, strict JSON readers, and compiled checks as openapi-core's request validators judge."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from jsonschema_path import SchemaPath
from openapi_core.validation.schemas import (
    oas30_write_schema_validators_factory,
    oas31_schema_validators_factory,
)
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue

from specmock.spec.api import Api
from specmock.validation.core import RequestStages
from specmock.validation.documents import (
    EcmaPatterns,
    json_deserializers,
    not_required,
    request_compiler,
    single_type,
    validator_document,
)
from specmock.validation.requests import ApiValidator, RequestData
from specmock.violations import Violation

NULLABLE_INTEGER = {"type": ["integer", "null"], "minimum": 1}


def typed_document(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` in each place openapi-core reads as a parameter: a path item's and an operation's
    parameter, a form field, a response header (behind a `$ref`)."""
    return {
        "openapi": "3.1.0",
        "paths": {
            "/items": {
                "parameters": [{"name": "a", "in": "query", "schema": dict(schema)}],
                "post": {
                    "parameters": [{"$ref": "#/components/parameters/B"}],
                    "requestBody": {
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {"type": "object", "properties": {"c": dict(schema)}}
                            }
                        }
                    },
                    "responses": {
                        "200": {"description": "ok", "headers": {"D": {"schema": dict(schema)}}}
                    },
                },
            }
        },
        "components": {"parameters": {"B": {"name": "b", "in": "header", "schema": dict(schema)}}},
    }


def test_validator_document_gives_each_parameter_its_one_non_null_type():
    given = typed_document(NULLABLE_INTEGER)
    before = copy.deepcopy(given)
    prepared = validator_document(given)
    single = {"minimum": 1, "type": "integer"}
    item = prepared["paths"]["/items"]
    assert item["parameters"][0]["schema"] == single
    assert prepared["components"]["parameters"]["B"]["schema"] == single
    form = item["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert form["properties"]["c"] == single
    assert item["post"]["responses"]["200"]["headers"]["D"]["schema"] == single
    assert given == before  # rewritten on a copy


def test_validator_document_drops_the_type_of_a_list_with_several_types():
    prepared = validator_document(typed_document({"type": ["integer", "string", "null"]}))
    assert prepared["paths"]["/items"]["parameters"][0]["schema"] == {}


def test_validator_document_uses_a_document_without_type_lists_as_it_is():
    given = typed_document({"type": "integer"})
    prepared = validator_document(given)
    assert prepared == given and prepared["paths"] is given["paths"]


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        pytest.param({"type": ["string", "null"]}, {"type": "string"}, id="one-and-null"),
        pytest.param({"type": ["string", "integer"]}, {}, id="several"),
        pytest.param({"type": "string"}, {"type": "string"}, id="one"),
        pytest.param(True, True, id="not-a-dict"),
    ],
)
def test_single_type_keeps_the_one_non_null_type(schema, expected):
    assert single_type(schema) == expected


def test_not_required_lets_marked_properties_be_left_out():
    document = {
        "components": {
            "schemas": {
                "Secret": {"type": "string", "writeOnly": True},
                "User": {
                    "type": "object",
                    "required": ["id", "name", "password"],
                    "properties": {
                        "id": {"type": "integer", "readOnly": True},
                        "name": {"type": "string"},
                        "password": {"$ref": "#/components/schemas/Secret"},
                    },
                },
            }
        }
    }
    before = copy.deepcopy(document)
    user = ("components", "schemas", "User", "required")
    assert _at(not_required(document, "readOnly"), user) == ["name", "password"]
    assert _at(not_required(document, "writeOnly"), user) == ["id", "name"]
    assert document == before


def _at(node: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        node = node[key]
    return node


def test_json_deserializers_read_every_json_type_strictly():
    document: dict[str, Any] = {
        "paths": {
            "/a": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/problem+json; charset=utf-8": {
                                    "examples": {"x": {"content": {"text/x+json": {}}}}
                                },
                                "text/plain": {},
                            }
                        }
                    }
                }
            }
        }
    }
    readers = json_deserializers(document)
    assert sorted(readers) == ["application/json", "application/problem+json; charset=utf-8"]
    assert readers["application/json"](b'{"a": 1}') == {"a": 1}
    with pytest.raises(ValueError):
        readers["application/json"](b'{"a": NaN}')


PET = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "name": {"type": "string", "nullable": True},
        "age": {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
    },
}


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        pytest.param({"name": "Rex"}, True, id="read-only-left-out"),
        pytest.param({"name": None}, True, id="nullable"),
        pytest.param({"name": "Rex", "id": 1}, False, id="read-only-sent"),
        pytest.param({"name": "Rex", "age": 0}, False, id="exclusive-minimum"),
        pytest.param({"name": "Rex", "age": 1.0}, False, id="float-for-integer"),
        pytest.param({"name": "Rex", "age": 1}, True, id="integer"),
    ],
)
def test_request_compiler_reads_30_schemas_as_openapi_core_writes_them(value, valid):
    check = request_compiler({"components": {"schemas": {"Pet": PET}}}, legacy=True).check(PET)
    assert check is not None
    assert check(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        pytest.param(None, True, id="null"),
        pytest.param(5, True, id="integer"),
        pytest.param(0, False, id="exclusive-minimum"),
        pytest.param("5", False, id="string"),
    ],
)
def test_request_compiler_reads_31_schemas_as_they_are(value, valid):
    schema = {"type": ["integer", "null"], "exclusiveMinimum": 0}
    check = request_compiler({}, legacy=False).check(schema)
    assert check is not None
    assert check(value) is valid


ECMA_CASES = [
    pytest.param(r"^\d+$", "\u0661", False, id="digits-are-ascii"),
    pytest.param(r"^\d+$", "12", True, id="digits"),
    pytest.param(r"^(?<id>[a-z]+)-\k<id>$", "ab-ab", True, id="named-group"),
    pytest.param(r"^\p{L}+$", "h\u00e9", True, id="unicode-property"),
    pytest.param(r"^a\Z", "b", True, id="not-ecma-not-enforced"),
    pytest.param("[", "b", True, id="broken-not-enforced"),
]


@pytest.mark.parametrize(
    ("version", "factory"),
    [
        pytest.param("3.0.3", oas30_write_schema_validators_factory, id="3.0"),
        pytest.param("3.1.0", oas31_schema_validators_factory, id="3.1"),
    ],
)
@pytest.mark.parametrize(("pattern", "value", "valid"), ECMA_CASES)
def test_documents_openapi_core_reads_patterns_as_ecma(
    version: str, factory: Any, pattern: str, value: str, valid: bool
) -> None:
    schemas = {"Id": {"type": "string", "pattern": pattern}}
    spec = SchemaPath.from_dict({"openapi": version, "components": {"schemas": schemas}})
    validator = EcmaPatterns(factory).create(spec, spec / "components" / "schemas" / "Id")
    if valid:
        validator.validate(value)
    else:
        with pytest.raises(InvalidSchemaValue):
            validator.validate(value)


@pytest.mark.parametrize(("pattern", "value", "valid"), ECMA_CASES)
def test_documents_request_compiler_reads_patterns_as_ecma(
    pattern: str, value: str, valid: bool
) -> None:
    for version, legacy in (("3.0.3", True), ("3.1.0", False)):
        check = request_compiler({"openapi": version}, legacy).check({"pattern": pattern})
        assert check is not None
        assert check(value) is valid


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize(("pattern", "value", "valid"), ECMA_CASES)
def test_documents_request_stages_use_ecma_patterns(
    version: str, pattern: str, value: str, valid: bool
) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "string", "pattern": pattern}}}
    body = {"content": {"application/json": {"schema": schema}}}
    document = {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {"/n": {"post": {"requestBody": body, "responses": {"204": {"description": ""}}}}},
    }
    operation = Api.from_dict("n", document).operations[0]
    stages = RequestStages(document, version == "3.0.3", json_deserializers(document))
    error = stages.body_error(operation, json.dumps({"n": value}).encode(), "application/json")
    assert (error is None) is valid, error


def multipart_document(version: str) -> dict[str, Any]:
    """A multipart body whose parts are given a `style` (as 3.1 specs do), and a form that is."""
    fields = {
        "type": "object",
        "properties": {
            "word": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "point": {"type": "object", "properties": {"x": {"type": "integer"}}},
        },
    }
    styled = {name: {"style": "form", "explode": False} for name in fields["properties"]}
    return {
        "openapi": version,
        "info": {"title": "Parts", "version": "1"},
        "paths": {
            "/parts": {
                "post": {
                    "requestBody": {
                        "content": {
                            "multipart/form-data": {"schema": fields, "encoding": styled},
                            "application/x-www-form-urlencoded": {
                                "schema": fields,
                                "encoding": copy.deepcopy(styled),
                            },
                        }
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_validator_document_reads_a_multipart_part_by_its_content_type_not_a_style(version):
    document = multipart_document(version)
    api = Api.from_dict("parts", document)
    prepared = validator_document(api.document)
    content = prepared["paths"]["/parts"]["post"]["requestBody"]["content"]
    assert content["multipart/form-data"]["encoding"] == {"word": {}, "tags": {}, "point": {}}
    assert content["application/x-www-form-urlencoded"]["encoding"]["tags"]["style"] == "form"
    stages = RequestStages(prepared, version == "3.0.3", json_deserializers(api.document))
    body = (
        b'--b\r\nContent-Disposition: form-data; name="word"\r\n\r\n\r\n'
        b'--b\r\nContent-Disposition: form-data; name="point"\r\n'
        b'Content-Type: application/json\r\n\r\n{"x": 1}\r\n--b--\r\n'
    )
    post = api.operations[0]
    assert stages.body_error(post, body, "multipart/form-data; boundary=b") is None
    assert stages.body_value(post, body, "multipart/form-data; boundary=b") == {
        "word": "",
        "tags": [],
        "point": {"x": 1},
    }
    assert stages.body_error(post, b"--b--\r\n", "multipart/form-data; boundary=b") is None


OCTETS_DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Images", "version": "1"},
    "paths": {
        "/images": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/octet-stream": {
                            "schema": {"type": "string", "format": "binary", "maxLength": 4}
                        },
                        "image/png": {"schema": {"type": "string"}},
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {"photo": {"type": "string", "format": "binary"}},
                            }
                        },
                    },
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        pytest.param("application/octet-stream", b"\x89PNG", [], id="binary"),
        pytest.param("image/png", b"\xff\x00", [], id="image"),
        pytest.param(
            "application/octet-stream",
            b"\x89PNG!",
            [Violation("body", "", "'\\x89PNG!' is too long")],
            id="octets-counted",
        ),
        pytest.param(
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; name="photo"; filename="p.png"\r\n'
            b"Content-Type: image/png\r\n\r\n\x89PNG\r\n--b--\r\n",
            [],
            id="part",
        ),
    ],
)
def test_request_readers_read_octets_as_a_string_of_octets(content_type, body, expected):
    api = Api.from_dict("images", OCTETS_DOCUMENT)
    request = RequestData.of(
        "post",
        "/images",
        query={},
        headers={"content-type": content_type},
        cookies={},
        path_params={},
        body=body,
        content_type=content_type,
    )
    found = ApiValidator(api).check(api.operations[0], request)
    assert (found if isinstance(found, list) else []) == expected


KEYS_DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Keys", "version": "1"},
    "paths": {
        "/keys/{key}": {
            "get": {
                "parameters": [
                    {
                        "name": "key",
                        "in": "path",
                        "required": True,
                        "schema": {
                            "anyOf": [
                                {"$ref": "#/components/schemas/Key/properties/id"},
                                {"$ref": "#/components/schemas/Key/properties/fingerprint"},
                            ]
                        },
                    }
                ],
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
    "components": {
        "schemas": {
            "Key": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer", "readOnly": True},
                    "fingerprint": {"type": "string", "readOnly": True, "pattern": "^[0-9a-f:]+$"},
                },
            }
        }
    },
}


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param("12", [], id="id"),
        pytest.param("3b:16", [], id="fingerprint"),
        pytest.param(
            "zz",
            [Violation("path", "key", "'zz' is not valid under any of the given schemas")],
            id="neither",
        ),
    ],
)
def test_validator_document_reads_a_parameter_under_a_read_only_schema(key, expected):
    api = Api.from_dict("keys", KEYS_DOCUMENT)
    request = RequestData.of(
        "get",
        f"/keys/{key}",
        query={},
        headers={},
        cookies={},
        path_params={"key": key},
        body=None,
        content_type="",
    )
    found = ApiValidator(api).check(api.operations[0], request)
    assert (found if isinstance(found, list) else []) == expected
    assert "readOnly" in KEYS_DOCUMENT["components"]["schemas"]["Key"]["properties"]["id"]


ISSUES_DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Issues", "version": "1"},
    "paths": {
        "/issues": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "milestone": {
                                        "oneOf": [{"type": "string"}, {"type": "integer"}],
                                        "nullable": True,
                                    },
                                    "value": {
                                        "anyOf": [
                                            {"type": "string"},
                                            {"$ref": "#/components/schemas/Count"},
                                        ],
                                        "nullable": True,
                                    },
                                    "strict": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                                    "status": {
                                        "allOf": [{"$ref": "#/components/schemas/Count"}],
                                        "nullable": True,
                                    },
                                    "nested": {
                                        "nullable": True,
                                        "oneOf": [
                                            {
                                                "type": "object",
                                                "properties": {
                                                    "inner": {
                                                        "nullable": True,
                                                        "anyOf": [{"type": "string"}],
                                                    }
                                                },
                                            },
                                            {"type": "integer"},
                                        ],
                                    },
                                },
                            }
                        }
                    },
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
    "components": {"schemas": {"Count": {"type": "integer"}}},
}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param({"milestone": None}, [], id="one-of"),
        pytest.param({"value": None}, [], id="any-of"),
        pytest.param({"milestone": 3}, [], id="a-branch"),
        pytest.param({"status": None}, [], id="all-of"),
        pytest.param({"nested": None}, [], id="outer"),
        pytest.param({"nested": {"inner": None}}, [], id="inner"),
        pytest.param(
            {"strict": None},
            [Violation("body", "/strict", "None is not valid under any of the given schemas")],
            id="not-nullable",
        ),
        pytest.param(
            {"milestone": 2.5},
            [Violation("body", "/milestone", "2.5 is not valid under any of the given schemas")],
            id="no-branch",
        ),
    ],
)
def test_validator_document_lets_a_nullable_choice_be_null(body, expected):
    given = copy.deepcopy(ISSUES_DOCUMENT)
    api = Api.from_dict("issues", given)
    request = RequestData.of(
        "post",
        "/issues",
        query={},
        headers={},
        cookies={},
        path_params={},
        body=json.dumps(body).encode(),
        content_type="application/json",
    )
    found = ApiValidator(api).check(api.operations[0], request)
    assert (found if isinstance(found, list) else []) == expected
    assert given == ISSUES_DOCUMENT
