"""`ApiValidator.check` on small specs built inline, in OpenAPI 3.0 and 3.1: what it accepts, and
the exact violations of what it refuses (each part of a request, and the numeric rule)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from starlette.datastructures import Headers, QueryParams

from specmock.spec.api import Api, Operation
from specmock.validation.requests import Accepted, ApiValidator, RequestData

VERSIONS = [pytest.param("3.0.3", id="3.0"), pytest.param("3.1.0", id="3.1")]
TRACE = {"X-Trace": "ab12"}
UNDOCUMENTED = "'text/plain' is not a documented media type (expected one of application/json)"


def document(version: str) -> dict[str, Any]:
    """A pet by id (a parameter in each place) and a pet created from a JSON body."""
    v31 = version.startswith("3.1")
    tag = {"type": ["string", "null"]} if v31 else {"type": "string", "nullable": True}
    pet = {
        "type": "object",
        "required": ["id", "name"],  # a request may leave the readOnly id out
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "name": {"type": "string", "maxLength": 10},
            "tag": tag,
        },
    }
    pet_id = {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
    return {
        "openapi": version,
        "info": {"title": "Pets", "version": "1"},
        "paths": {
            "/pets/{petId}": {
                "parameters": [{**pet_id, "schema": {"type": "integer", "minimum": 1}}],
                "get": {
                    "parameters": [
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "maximum": 9},
                        },
                        {"name": "weight", "in": "query", "schema": {"type": "number"}},
                        {
                            "name": "X-Trace",
                            "in": "header",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[a-f0-9]+$"},
                        },
                        {"name": "session", "in": "cookie", "schema": {"minLength": 3}},
                    ],
                    "responses": {"200": {"description": "the pet"}},
                },
                "delete": {
                    "parameters": [pet_id],
                    "responses": {"204": {"description": "gone"}, "400": {"description": "bad"}},
                },
            },
            "/pets": {
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                        },
                    },
                    "responses": {"201": {"description": "made"}},
                }
            },
        },
        "components": {"schemas": {"Pet": pet}},
    }


def validator_and_operations(version: str) -> tuple[ApiValidator, dict[str, Operation]]:
    api = Api.from_dict("pets", document(version))
    return ApiValidator(api), {operation.method: operation for operation in api.operations}


def request(
    method: str,
    *,
    pet: str = "7",
    query: str = "",
    headers: dict[str, str] | None = None,
    cookies: dict[str, str] | None = None,
    body: bytes | None = None,
    content_type: str = "application/json",
) -> RequestData:
    """A request as the stubs read it off the wire (Starlette's query and header maps)."""
    return RequestData.of(
        method,
        "/pets" if method == "post" else f"/pets/{pet}",
        query=QueryParams(query),
        headers=Headers(headers or {}),
        cookies=cookies or {},
        path_params={} if method == "post" else {"petId": pet},
        body=body,
        content_type=content_type,
    )


def refusals(version: str, method: str, **parts: Any) -> list[tuple[str, str, str]]:
    """The (in, name, message) of each violation `check` finds (none when it accepts)."""
    validator, operations = validator_and_operations(version)
    checked = validator.check(operations[method], request(method, **parts))
    if isinstance(checked, Accepted):
        return []
    return [(v.location, v.name, v.message) for v in checked]


@pytest.mark.parametrize("version", VERSIONS)
def test_api_validator_check_accepts_every_part_valid_and_returns_the_parsed_body(version):
    validator, operations = validator_and_operations(version)
    given = request("get", query="limit=5&weight=1.5e3", headers=TRACE, cookies={"session": "abc"})
    assert validator.check(operations["get"], given) == Accepted(None)
    created = request("post", body=b'{"name": "Rex", "tag": null}')
    assert validator.check(operations["post"], created) == Accepted({"name": "Rex", "tag": None})


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        pytest.param(
            {"pet": "abc", "headers": TRACE},
            [("path", "petId", "'abc' is not a valid integer")],
            id="path-not-its-type",
        ),
        pytest.param(
            {"pet": "0", "headers": TRACE},
            [("path", "petId", "0 is less than the minimum of 1")],
            id="path-against-its-schema",
        ),
        pytest.param(
            {"query": "limit=50", "headers": TRACE},
            [("query", "limit", "50 is greater than the maximum of 9")],
            id="query",
        ),
        pytest.param(
            {"headers": {"X-Trace": "XYZ"}},
            [("header", "X-Trace", "'XYZ' does not match '^[a-f0-9]+$'")],
            id="header",
        ),
        pytest.param(
            {},
            [("header", "X-Trace", "required header parameter 'X-Trace' is missing")],
            id="missing",
        ),
        pytest.param(
            {"headers": TRACE, "cookies": {"session": "ab"}},
            [("cookie", "session", "'ab' is too short")],
            id="cookie",
        ),
        pytest.param(
            {"pet": "0", "query": "limit=50"},
            [  # the operation's parameters first, then the path item's, as openapi-core reads
                ("query", "limit", "50 is greater than the maximum of 9"),
                ("header", "X-Trace", "required header parameter 'X-Trace' is missing"),
                ("path", "petId", "0 is less than the minimum of 1"),
            ],
            id="all-at-once",
        ),
    ],
)
def test_api_validator_check_refuses_a_parameter_with_its_place_and_why(version, parts, expected):
    assert refusals(version, "get", **parts) == expected


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        pytest.param(
            None, "application/json", [("body", "", "a request body is required")], id="missing"
        ),
        pytest.param(
            b'{"tag": "x"}',
            "application/json",
            [("body", "/name", "'name' is a required property")],
            id="required-property",
        ),
        pytest.param(
            b'{"name": "' + b"x" * 200 + b'"}',
            "application/json",
            [("body", "/name", f"{'x' * 40!r}… (200 characters) is too long")],
            id="long-value-quoted-short",
        ),
        pytest.param(
            b'{"name": ',
            "application/json",
            [
                (
                    "body",
                    "",
                    "the body is not valid JSON: Expecting value: line 1 column 10 (char 9)",
                )
            ],
            id="not-json",
        ),
        pytest.param(
            b"\xff\xfe",
            "application/json",
            [("body", "", "the body is not UTF-8 text: byte 0xff at 0")],
            id="not-utf8",
        ),
        pytest.param(
            b"name=Rex",
            "text/plain",
            [("header", "Content-Type", UNDOCUMENTED)],
            id="undocumented-type",
        ),
    ],
)
def test_api_validator_check_refuses_a_body_with_where_and_why(
    version, body, content_type, expected
):
    assert refusals(version, "post", body=body, content_type=content_type) == expected


def test_api_validator_check_refuses_a_wrong_type_in_each_property_in_its_dialect():
    body = b'{"name": 5, "tag": 3}'
    assert refusals("3.0.3", "post", body=body) == [
        ("body", "/name", "5 is not of type 'string'"),
        ("body", "/tag", "3 is not of type 'string'"),
    ]
    assert refusals("3.1.0", "post", body=body) == [
        ("body", "/name", "5 is not of type 'string'"),
        ("body", "/tag", "3 is not of type 'string', 'null'"),
    ]


def test_api_validator_check_refuses_a_read_only_property_sent_in_30_only():
    # openapi-core honours readOnly in 3.0 requests only; 3.1 lets it be sent (and left out).
    body = b'{"name": "Rex", "id": 3}'
    assert refusals("3.0.3", "post", body=body) == [
        ("body", "/id", "Tried to write read-only property with 3")
    ]
    assert refusals("3.1.0", "post", body=body) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        pytest.param(
            {"query": "limit=1_000"},
            [("query", "limit", "'1_000' is not a valid integer")],
            id="underscore",
        ),
        pytest.param(
            {"query": "limit=%207%20"},
            [("query", "limit", "' 7 ' is not a valid integer")],
            id="spaces",
        ),
        pytest.param(
            {"query": "weight=NaN"}, [("query", "weight", "'NaN' is not a valid number")], id="nan"
        ),
        pytest.param(
            {"pet": "1_000"}, [("path", "petId", "'1_000' is not a valid integer")], id="in-path"
        ),
    ],
)
def test_api_validator_check_refuses_numbers_json_would_not_write(version, parts, expected):
    assert refusals(version, "get", headers=TRACE, **parts) == expected


@pytest.mark.parametrize("version", VERSIONS)
def test_api_validator_names_no_resource_for_a_numeric_path_value_unless_400_is_documented(version):
    validator, operations = validator_and_operations(version)
    path = validator.check(operations["get"], request("get", pet="abc", headers=TRACE))
    query = validator.check(operations["get"], request("get", query="limit=x", headers=TRACE))
    assert isinstance(path, list) and isinstance(query, list)
    assert validator.names_no_resource(operations["get"], path) is True
    assert validator.names_no_resource(operations["get"], query) is False
    documented = validator.check(operations["delete"], request("delete", pet="abc"))
    assert isinstance(documented, list) and [v.name for v in documented] == ["petId"]
    assert validator.names_no_resource(operations["delete"], documented) is False


@pytest.mark.parametrize("version", VERSIONS)
def test_api_validator_check_returns_a_url_encoded_forms_fields_typed(version):
    spec = document(version)
    content = spec["paths"]["/pets"]["post"]["requestBody"]["content"]
    content["application/x-www-form-urlencoded"] = content.pop("application/json")
    api = Api.from_dict("pets", spec)
    form = "application/x-www-form-urlencoded"
    created = request("post", body=b"name=Rex&tag=good", content_type=form)
    assert ApiValidator(api).check(api.operations[-1], created) == Accepted(
        {"name": "Rex", "tag": "good"}
    )
    refused = ApiValidator(api).check(
        api.operations[-1], request("post", body=b"name=" + b"x" * 11, content_type=form)
    )
    assert [(v.location, v.name) for v in refused] == [("body", "/name")]


VERSIONED: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Logos", "version": "1"},
    "paths": {
        "/logo": {
            "get": {
                "parameters": [
                    {
                        "name": "Accept",
                        "in": "header",
                        "schema": {"type": "string", "example": "application/json;version=1"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "the logo",
                        "content": {"image/png": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/photo": {
            "get": {
                "responses": {
                    "200": {
                        "description": "a photo",
                        "content": {"image/png": {"schema": {"type": "string"}}},
                    }
                }
            }
        },
    },
}


def test_api_validator_disregards_accept_where_the_operation_declares_it_as_a_parameter():
    api = Api.from_dict("logos", VERSIONED)
    validator = ApiValidator(api)
    logo, photo = (next(o for o in api.operations if o.path == p) for p in ("/logo", "/photo"))
    versioned = "application/json;version=1"
    assert validator.negotiated_accept(logo, versioned) is None
    assert validator.negotiated_accept(logo, "image/*") == "image/*"
    assert validator.negotiated_accept(photo, versioned) == versioned
    assert validator.unacceptable(photo, versioned) is not None


ANYTHING: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Events", "version": "1"},
    "paths": {
        "/events": {
            "post": {
                "requestBody": {
                    "content": {
                        "*/*": {
                            "schema": {
                                "type": "object",
                                "properties": {"type": {"type": "string"}},
                            }
                        }
                    }
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}


def body_validator(content: dict[str, Any], required: bool = False) -> Any:
    """A `check(body, content_type)` for an operation taking a body of `content`."""
    document = copy.deepcopy(ANYTHING)
    document["paths"]["/events"]["post"]["requestBody"] = {"content": content, "required": required}
    api = Api.from_dict("events", document)
    validator = ApiValidator(api)

    def check(body: bytes, content_type: str) -> Any:
        given = RequestData.of(
            "post",
            "/events",
            query=QueryParams(""),
            headers=Headers({}),
            cookies={},
            path_params={},
            body=body,
            content_type=content_type,
        )
        return validator.check(api.operations[0], given)

    return check


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b'{"type": "Normal"}', "application/json", []),
        (b'{"type": {}}', "application/json", [("body", "/type")]),
        (b'{"type": 5}', "application/merge-patch+json", [("body", "/type")]),
        (b"{nope", "application/json", [("body", "")]),
    ],
)
def test_api_validator_reads_a_json_body_documented_under_a_range_as_json(
    body, content_type, expected
):
    content = ANYTHING["paths"]["/events"]["post"]["requestBody"]["content"]
    checked = body_validator(content)(body, content_type)
    found = [] if isinstance(checked, Accepted) else [(v.location, v.name) for v in checked]
    assert found == expected


def test_api_validator_an_empty_url_encoded_body_is_a_form_without_fields():
    form = "application/x-www-form-urlencoded"
    schema = {"type": "object", "required": ["To"], "properties": {"To": {"type": "string"}}}
    check = body_validator({form: {"schema": schema}})

    (missing,) = check(b"", form)
    assert (missing.location, missing.name) == ("body", "/To")
    assert isinstance(check(b"To=me", form), Accepted)
    assert isinstance(check(b"", ""), Accepted)  # no body at all: it is optional


def xml_validator(version: str) -> tuple[ApiValidator, Operation]:
    spec = document(version)
    content = spec["paths"]["/pets"]["post"]["requestBody"]["content"]
    content["application/xml"] = content.pop("application/json")
    spec["components"]["schemas"]["Pet"]["xml"] = {"name": "pet"}
    api = Api.from_dict("pets", spec)
    return ApiValidator(api), api.operations[-1]


@pytest.mark.parametrize("version", VERSIONS)
def test_api_validator_check_reads_an_xml_body_by_its_schema(version):
    validator, operation = xml_validator(version)
    body = b'<?xml version="1.0"?><pet><name>Rex</name><tag>good</tag></pet>'
    created = request("post", body=body, content_type="application/xml; charset=utf-8")
    assert validator.check(operation, created) == Accepted({"name": "Rex", "tag": "good"})
    too_long = request(
        "post", body=b"<pet><name>RexRexRexRex</name></pet>", content_type="application/xml"
    )
    assert [(v.location, v.name) for v in validator.check(operation, too_long)] == [
        ("body", "/name")
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            b"<pet><name>Rex</pet>",
            "the XML body cannot be read at line 1, column 17: mismatched tag",
            id="malformed",
        ),
        pytest.param(
            b'<!DOCTYPE p [<!ENTITY a "aa"><!ENTITY b "&a;&a;">]><pet><name>&b;</name></pet>',
            "the XML body cannot be read: it declares a DTD (<!DOCTYPE>), which is refused",
            id="entities",
        ),
    ],
)
def test_api_validator_check_refuses_xml_it_cannot_read(body, message):
    validator, operation = xml_validator("3.0.3")
    refused = validator.check(operation, request("post", body=body, content_type="application/xml"))
    assert [(v.location, v.name, v.message) for v in refused] == [("body", "", message)]


def test_api_validator_ignores_accept_content_type_and_authorization_header_parameters():
    document = copy.deepcopy(VERSIONED)
    strict = {"type": "string", "enum": ["application/json;version=1"]}
    document["paths"]["/logo"]["get"]["parameters"] = [
        {"name": name, "in": "header", "required": True, "schema": strict}
        for name in ("Accept", "Content-Type")
    ]
    api = Api.from_dict("logos", document)
    given = RequestData.of(
        "get",
        "/logo",
        query=QueryParams(""),
        headers=Headers({"Accept": "image/*"}),
        cookies={},
        path_params={},
        body=None,
        content_type="",
    )
    logo = next(o for o in api.operations if o.path == "/logo")
    assert isinstance(ApiValidator(api).check(logo, given), Accepted)


def multipart(**fields: str) -> tuple[bytes, str]:
    lines = [
        f'--b\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    ]
    return ("".join(lines) + "--b--\r\n").encode(), "multipart/form-data; boundary=b"


PARTS = {
    "type": "object",
    "properties": {
        "n": {"type": "integer"},
        "temperature": {"type": "number"},
        "echo": {"type": "boolean"},
        "user": {"type": "string"},
    },
}


def test_api_validator_check_reads_a_multipart_text_part_by_its_schema_type():
    check = body_validator({"multipart/form-data": {"schema": PARTS}})
    body, content_type = multipart(n="1", temperature="0.5", echo="true", user="7")
    assert isinstance(check(body, content_type), Accepted)
    body, content_type = multipart(n="one")
    assert [(v.location, v.name) for v in check(body, content_type)] == [("body", "/n")]
    nullable = {"type": "object", "properties": {"n": {"type": "integer", "nullable": True}}}
    check = body_validator({"multipart/form-data": {"schema": nullable}})
    assert isinstance(
        check(*multipart(n="null")), Accepted
    )  # JSON's null, as Schemathesis writes it


FIELDS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["criteria"],
    "properties": {"criteria": {"type": "string", "default": "*:*"}, "rows": {"type": "integer"}},
}


@pytest.mark.parametrize("media_type", ["application/x-www-form-urlencoded", "multipart/form-data"])
def test_api_validator_check_judges_a_forms_fields_as_sent(media_type):
    check = body_validator({media_type: {"schema": FIELDS}})

    def sent(**fields: str) -> Any:
        if media_type == "multipart/form-data":
            return check(*multipart(**fields))
        return check("&".join(f"{k}={v}" for k, v in fields.items()).encode(), media_type)

    assert isinstance(sent(criteria="a", rows="3"), Accepted)
    assert [(v.location, v.name, v.message) for v in sent(rows="3")] == [
        ("body", "/criteria", "'criteria' is a required property")
    ]
    assert [(v.location, v.name, v.message) for v in sent(criteria="a", extra="1")] == [
        ("body", "/extra", "'extra' is not a field of this body (additionalProperties: false)")
    ]
    twice = (b"criteria=a&rows=1&rows=2", "application/x-www-form-urlencoded")
    if media_type == "multipart/form-data":
        body, content_type = multipart(criteria="a", rows="1")
        twice = (
            body.replace(
                b"--b--", b'--b\r\nContent-Disposition: form-data; name="rows"\r\n\r\n2\r\n--b--'
            ),
            content_type,
        )
    assert [(v.location, v.name, v.message) for v in check(*twice)] == [
        ("body", "/rows", "'rows' is sent 2 times, but it holds one value, not an array")
    ]


def test_api_validator_check_an_empty_body_of_a_named_text_type_is_the_empty_string():
    check = body_validator(
        {"text/csv": {"schema": {"type": "string"}}, "application/json": {"schema": PARTS}},
        required=True,
    )
    assert isinstance(check(b"", "text/csv"), Accepted)
    required = [("body", "", "a request body is required")]
    assert [(v.location, v.name, v.message) for v in check(b"", "")] == required
    assert [(v.location, v.name, v.message) for v in check(b"", "application/json")] == required


@pytest.mark.parametrize("choice", ["oneOf", "anyOf", "allOf"])
def test_api_validator_check_a_30_nullable_beside_a_choice_admits_null(choice):
    """3.0 authors write `nullable` beside a combination to mean "or null" (OpenAI's `stop`),
    as Schemathesis and `dialects.upgrade_to_31` read it; openapi-core gave it no meaning."""
    stop = {"nullable": True, choice: [{"type": "string"}, {"type": "string", "maxLength": 9}]}
    schema = {"type": "object", "properties": {"stop": stop}}
    check = body_validator({"application/json": {"schema": schema}})
    assert isinstance(check(b'{"stop": null}', "application/json"), Accepted)
    assert {(v.location, v.name) for v in check(b'{"stop": 3}', "application/json")} == {
        ("body", "/stop")
    }


def test_api_validator_check_reads_a_string_body_of_a_binary_type_as_its_text():
    """Spotify's playlist image is `image/jpeg` documented as a base64 string (`format: byte`):
    its bytes are that text, judged as a string."""
    check = body_validator(
        {"image/jpeg": {"schema": {"type": "string", "format": "byte", "maxLength": 8}}}
    )
    assert isinstance(check(b"/9j/2w==", "image/jpeg"), Accepted)
    refused = check(b"/9j/2wCEABoZ", "image/jpeg")
    assert [(v.location, v.name) for v in refused] == [("body", "")]
    assert "is too long" in refused[0].message
