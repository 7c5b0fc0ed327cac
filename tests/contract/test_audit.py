import io
from typing import Any

import pytest

from specmock.contract.audit import KINDS, ContractGap, as_json, audit, render_text
from specmock.spec.api import Api, Catalog
from tests.conftest import SPECS

BODY = "/paths/~1pets/post/requestBody/content/application~1json"
OK = "/paths/~1pets/post/responses/201/content/application~1json"

PET = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
}


def document(version: str = "3.1.0", **operation: Any) -> dict[str, Any]:
    """One well-documented POST /pets; `operation` replaces or adds to its fields."""
    post = {
        "operationId": "createPet",
        "requestBody": {"content": {"application/json": {"schema": PET}}},
        "responses": {
            "201": {"description": "made", "content": {"application/json": {"schema": PET}}},
            "400": {"description": "bad"},
        },
    }
    return {
        "openapi": version,
        "info": {"title": "Pets", "version": "1"},
        "servers": [{"url": "/"}],
        "paths": {"/pets": {"post": post | operation}},
    }


def with_body(media: dict[str, Any], version: str = "3.1.0") -> dict[str, Any]:
    return document(version, requestBody={"content": {"application/json": media}})


def with_response(media: dict[str, Any]) -> dict[str, Any]:
    response = {"description": "made", "content": {"application/json": media}}
    return document(responses={"201": response, "400": {"description": "bad"}})


def messages(doc: dict[str, Any]) -> list[str]:
    return [f"{f.kind}  {f.where}: {f.message}" for f in audit(Api.from_dict("pets", doc))]


def test_audit_well_documented_operation_has_no_findings():
    assert messages(document()) == []


def test_audit_request_body_example_that_breaks_its_schema():
    doc = with_body({"schema": PET, "example": {"name": 5}})
    assert messages(doc) == [
        "invalid-example  POST /pets: requestBody application/json example at /name: "
        f"5 is not of type 'string' [#{BODY}/example]"
    ]


def test_audit_named_example_gives_one_finding_per_violation():
    doc = with_body({"schema": PET, "examples": {"basic": {"value": {"age": -1}}}})
    assert messages(doc) == [
        "invalid-example  POST /pets: requestBody application/json example 'basic': "
        f"'name' is a required property [#{BODY}/examples/basic]",
        "invalid-example  POST /pets: requestBody application/json example 'basic' at /age: "
        f"-1 is less than the minimum of 0 [#{BODY}/examples/basic]",
    ]


def test_audit_response_example_that_breaks_its_schema():
    doc = with_response({"schema": PET, "examples": {"made": {"value": ["Rex"]}}})
    assert messages(doc) == [
        "invalid-example  POST /pets: response 201 application/json example 'made': "
        f"['Rex'] is not of type 'object' [#{OK}/examples/made]"
    ]


def test_audit_parameter_examples_that_break_their_schema():
    limit = {
        "name": "limit",
        "in": "query",
        "schema": {"type": "integer", "maximum": 100},
        "example": 500,
        "examples": {"many": {"value": "lots"}},
    }
    doc = document(parameters=[limit])
    where = "/paths/~1pets/post/parameters/0"
    assert messages(doc) == [
        "invalid-example  POST /pets: query parameter 'limit' example: "
        f"500 is greater than the maximum of 100 [#{where}/example]",
        "invalid-example  POST /pets: query parameter 'limit' example 'many': "
        f"'lots' is not of type 'integer' [#{where}/examples/many]",
    ]


def test_audit_response_header_example_that_breaks_its_schema():
    header = {"schema": {"type": "integer"}, "example": "ten"}
    response = {"description": "made", "headers": {"X-Rate-Limit": header}}
    doc = document(responses={"201": response, "400": {"description": "bad"}})
    assert messages(doc) == [
        "invalid-example  POST /pets: response 201 header 'X-Rate-Limit' example: "
        "'ten' is not of type 'integer' "
        "[#/paths/~1pets/post/responses/201/headers/X-Rate-Limit/example]"
    ]


def test_audit_follows_refs_to_component_examples_and_schemas():
    doc = with_body(
        {
            "schema": {"$ref": "#/components/schemas/Pet"},
            "examples": {"cat": {"$ref": "#/components/examples/Cat"}},
        }
    )
    doc["components"] = {
        "schemas": {"Pet": PET},
        "examples": {"Cat": {"value": {"name": "Tom", "age": "three"}}},
    }
    assert messages(doc) == [
        "invalid-example  POST /pets: requestBody application/json example 'cat' at /age: "
        "'three' is not of type 'integer' [#/components/examples/Cat]"
    ]


def test_audit_valid_examples_are_not_flagged():
    doc = with_body(
        {
            "schema": {"$ref": "#/components/schemas/Pet"},
            "example": {"name": "Rex"},
            "examples": {"full": {"value": {"name": "Rex", "age": 3}}},
        }
    )
    doc["components"] = {"schemas": {"Pet": PET | {"example": {"name": "Tom"}}}}
    assert messages(doc) == []


def test_audit_skips_external_examples_and_serialised_text():
    doc = document(
        requestBody={
            "content": {
                "application/json": {
                    "schema": PET,
                    "examples": {"far": {"externalValue": "https://example.com/pet.json"}},
                },
                "application/xml": {"schema": PET, "example": "<pet><name>Rex</name></pet>"},
            }
        }
    )
    assert messages(doc) == []


@pytest.mark.parametrize(
    ("version", "schema", "value", "expected"),
    [
        pytest.param("3.0.3", {"type": "string", "nullable": True}, None, [], id="3.0-nullable"),
        pytest.param(  # served as type [string, null], with a warning (`spec.structure`)
            "3.1.0", {"type": "string", "nullable": True}, None, [], id="3.1-restates-nullable"
        ),
        pytest.param("3.1.0", {"type": ["string", "null"]}, None, [], id="3.1-null-type"),
        pytest.param(
            "3.0.3",
            {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
            0,
            ["0 is less than or equal to the minimum of 0"],
            id="3.0-boolean-exclusive",
        ),
        pytest.param(
            "3.1.0",
            {"type": "string", "format": "uuid"},
            "not-a-uuid",
            ["'not-a-uuid' is not a 'uuid'"],
            id="format",
        ),
    ],
)
def test_audit_reads_examples_in_the_documents_dialect(version, schema, value, expected):
    doc = with_body({"schema": schema, "example": value}, version)
    prefix = "invalid-example  POST /pets: requestBody application/json example: "
    assert messages(doc) == [f"{prefix}{text} [#{BODY}/example]" for text in expected]


ACCOUNT = {
    "type": "object",
    "required": ["id", "password", "name"],
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "password": {"type": "string", "writeOnly": True},
        "name": {"type": "string"},
    },
}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_audit_lets_requests_omit_read_only_and_responses_write_only(version):
    response = {
        "description": "made",
        "content": {"application/json": {"schema": ACCOUNT, "example": {"id": "a", "name": "x"}}},
    }
    doc = document(
        version,
        requestBody={
            "content": {
                "application/json": {"schema": ACCOUNT, "example": {"password": "p", "name": "x"}}
            }
        },
        responses={"201": response, "400": {"description": "bad"}},
    )
    assert messages(doc) == []


def test_audit_flags_read_only_in_requests_and_write_only_in_responses():
    response = {
        "description": "made",
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Account"},
                "example": {"id": "a", "password": "p", "name": "x"},
            }
        },
    }
    doc = document(
        requestBody={
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/Account"},
                    "example": {"id": "a", "password": "p", "name": "x"},
                }
            }
        },
        responses={"201": response, "400": {"description": "bad"}},
    )
    doc["components"] = {"schemas": {"Account": ACCOUNT}}
    assert messages(doc) == [
        "invalid-example  POST /pets: requestBody application/json example at /id: "
        f"'a' is readOnly, which a request must not carry [#{BODY}/example]",
        "invalid-example  POST /pets: response 201 application/json example at /password: "
        f"'p' is writeOnly, which a response must not carry [#{OK}/example]",
    ]


def test_audit_reads_a_property_named_example_as_a_schema():
    schema = {
        "type": "object",
        "required": ["example"],
        "properties": {"example": {"type": "string", "readOnly": True}},
    }
    doc = with_body({"schema": schema, "examples": {"a": {"value": {"example": "x"}}}})
    assert messages(doc) == [
        "invalid-example  POST /pets: requestBody application/json example 'a' at /example: "
        f"'x' is readOnly, which a request must not carry [#{BODY}/examples/a]"
    ]


def test_audit_checks_schema_level_examples_inline_and_in_components():
    inline = {
        "type": "object",
        "properties": {"tags": {"type": "array", "items": {"type": "string", "example": 7}}},
    }
    doc = with_body({"schema": inline})
    doc["components"] = {
        "schemas": {
            "Account": ACCOUNT | {"example": {"name": "x"}},
            "Pet": PET | {"examples": [{"name": "Rex"}, {"name": False}]},
        }
    }
    assert messages(doc) == [
        "invalid-example  POST /pets: requestBody application/json schema example: "
        f"7 is not of type 'string' [#{BODY}/schema/properties/tags/items/example]",
        "invalid-example  #/components/schemas/Pet: schema example at /name: "
        "False is not of type 'string' [#/components/schemas/Pet/examples/1]",
    ]


def test_audit_missing_operation_id_names_the_one_specmock_made_up():
    doc = document()
    del doc["paths"]["/pets"]["post"]["operationId"]
    assert messages(doc) == [
        "missing-operation-id  POST /pets: no operationId (specmock calls it 'post_pets')"
    ]


@pytest.mark.parametrize(
    ("servers", "expected"),
    [
        pytest.param(
            None,
            [
                "missing-servers  /servers: no servers: "
                "clients and contract tests have to guess the base URL"
            ],
            id="absent",
        ),
        pytest.param(
            [],
            [
                "missing-servers  /servers: no servers: "
                "clients and contract tests have to guess the base URL"
            ],
            id="empty",
        ),
        pytest.param([{"url": "/"}], [], id="root"),
    ],
)
def test_audit_missing_servers_once_per_api(servers, expected):
    doc = document()
    if servers is None:
        del doc["servers"]
    else:
        doc["servers"] = servers
    assert messages(doc) == expected


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        pytest.param(
            ["200"],
            ["no-error-response  POST /pets: documents no error response (no 4xx, 5xx or default)"],
            id="only-success",
        ),
        pytest.param(["200", "default"], [], id="default"),
        pytest.param(["200", "4XX"], [], id="range"),
        pytest.param(["200", "503"], [], id="server-error"),
    ],
)
def test_audit_no_error_response(statuses, expected):
    doc = document(responses={status: {"description": status} for status in statuses})
    assert messages(doc) == expected


def test_audit_missing_schema_for_json_bodies_and_success_responses():
    response = {"description": "made", "content": {"application/json": {}}}
    error = {"description": "bad", "content": {"application/json": {}}}
    doc = document(
        requestBody={"content": {"application/json": {}, "application/octet-stream": {}}},
        responses={"201": response, "400": error},
    )
    assert messages(doc) == [
        "missing-schema  POST /pets: requestBody application/json has no schema: "
        "any body is accepted",
        "missing-schema  POST /pets: response 201 application/json has no schema: "
        "no body can be checked",
    ]


def test_audit_orders_by_operation_then_kind():
    """Operations come in `Api.operations` order (methods in HTTP_METHODS order)."""
    doc = document(responses={"201": {"description": "made"}})
    del doc["servers"]
    doc["paths"]["/pets"]["post"]["requestBody"]["content"]["application/json"]["example"] = 1
    doc["paths"]["/pets"]["get"] = {"responses": {"200": {"description": "ok"}}}
    found = audit(Api.from_dict("pets", doc))
    assert [(f.where, f.kind) for f in found] == [
        ("/servers", "missing-servers"),
        ("GET /pets", "no-error-response"),
        ("GET /pets", "missing-operation-id"),
        ("POST /pets", "invalid-example"),
        ("POST /pets", "no-error-response"),
    ]


def test_render_text_groups_per_api_and_kind():
    findings = [
        ContractGap("pets", "missing-operation-id", "GET /pets", "no operationId"),
        ContractGap("pets", "invalid-example", "POST /pets", "requestBody example: bad"),
        ContractGap("shop", "missing-servers", "/servers", "no servers"),
        ContractGap("pets", "invalid-example", "PUT /pets", "requestBody example: worse"),
    ]
    out = io.StringIO()
    render_text(findings, out)
    assert out.getvalue() == (
        "pets: 3 findings (invalid-example 2, missing-operation-id 1)\n"
        "  invalid-example  POST /pets: requestBody example: bad\n"
        "  invalid-example  PUT /pets: requestBody example: worse\n"
        "  missing-operation-id  GET /pets: no operationId\n"
        "shop: 1 finding (missing-servers 1)\n"
        "  missing-servers  /servers: no servers\n"
    )


def test_render_text_without_findings():
    out = io.StringIO()
    render_text([], out)
    assert out.getvalue() == "no findings\n"


def test_as_json_lists_every_api_and_totals_every_kind():
    api = Api.from_dict("pets", document(responses={"201": {"description": "made"}}))
    findings = audit(api)
    assert as_json([api], findings) == {
        "apis": [
            {
                "name": "pets",
                "title": "Pets",
                "operations": 1,
                "findings": [
                    {
                        "api": "pets",
                        "kind": "no-error-response",
                        "where": "POST /pets",
                        "message": "documents no error response (no 4xx, 5xx or default)",
                    }
                ],
            }
        ],
        "totals": dict.fromkeys(KINDS, 0) | {"no-error-response": 1},
    }


def test_audit_shipped_specs():
    catalog = Catalog.from_path(SPECS)
    out = io.StringIO()
    findings = [finding for api in catalog.apis for finding in audit(api)]
    render_text(findings, out, [api.name for api in catalog.apis])
    assert catalog.errors == ()
    assert out.getvalue() == (
        "aisquared: 3 findings (no-error-response 3)\n"
        "  no-error-response  PUT /api/v1/connectors/{id}: "
        "documents no error response (no 4xx, 5xx or default)\n"
        "  no-error-response  PUT /api/v1/models/{id}: "
        "documents no error response (no 4xx, 5xx or default)\n"
        "  no-error-response  PUT /api/v1/syncs/{id}: "
        "documents no error response (no 4xx, 5xx or default)\n"
        "apigateway: no findings\n"
        "polytomic: no findings\n"
    )


def test_audit_an_operation_without_a_success_response_is_listed():
    doc = document(responses={"405": {"description": "Invalid input"}})
    assert messages(doc) == [
        "no-success-response  POST /pets: documents no success response: every valid request "
        "is answered 405"
    ]
