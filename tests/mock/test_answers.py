import json

import pytest

from specmock.mock.answers import Prefer, Reply, Responder
from specmock.problems import Problem
from specmock.spec.api import Api
from specmock.violations import Violation


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param(None, Prefer(), id="absent"),
        pytest.param("code=404", Prefer(code=404), id="code"),
        pytest.param("code=409, example=conflict", Prefer(409, "conflict"), id="comma"),
        pytest.param('example="a b"; dynamic=true', Prefer(None, "a b", True), id="quoted"),
        pytest.param("respond-async, wait=5", Prefer(), id="other-preferences"),
    ],
)
def test_responses_prefer_parse(header, expected):
    assert Prefer.parse(header) == expected


def test_responses_prefer_bad_code_is_a_violation():
    assert Prefer.parse("code=abc") == Violation(
        "header", "Prefer", "code='abc' is not an HTTP status code"
    )


def api(responses):
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"get": {"responses": responses}}},
    }
    return Api.from_dict("t", document)


@pytest.mark.parametrize(
    ("responses", "expected"),
    [
        pytest.param({"404": {}, "204": {}, "201": {}}, ("201", 201), id="lowest-2xx"),
        pytest.param({"2XX": {}, "400": {}}, ("2XX", 200), id="range"),
        pytest.param({"default": {}}, ("default", 200), id="default"),
        pytest.param({"302": {}, "404": {}}, ("302", 302), id="no-success"),
    ],
)
def test_responses_default_status(responses, expected):
    described = {k: {"description": "d"} for k in responses}
    target = api(described)
    assert Responder(target).choose_status(target.operations[0], None) == expected


def test_responses_preferred_code_falls_back_to_range_then_default():
    target = api({"200": {"description": "d"}, "4XX": {"description": "d"}})
    responder = Responder(target)
    assert responder.choose_status(target.operations[0], 418) == ("4XX", 418)
    problem = responder.choose_status(target.operations[0], 503)
    assert isinstance(problem, Problem) and problem.status == 400
    assert problem.detail == "Prefer code=503 is not documented for GET /x; documented: 200, 4XX"


def test_responses_example_placeholders_are_repaired_but_valid_parts_kept():
    media = {
        "schema": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "at": {"type": "string", "format": "date-time"},
                "kind": {"type": "string", "enum": ["syncs"]},
            },
        },
        "example": {"id": "<string>", "at": "<string>", "kind": "<string>"},
    }
    target = api({"200": {"description": "d", "content": {"application/json": media}}})
    reply = Responder(target).reply(target.operations[0], Prefer(), None)
    assert isinstance(reply, Reply)
    assert reply.body["id"] == "<string>"
    assert reply.body["kind"] == "syncs"
    assert reply.body["at"] != "<string>"


def test_responses_a_problem_in_the_documented_shape_lists_what_is_wrong_in_a_header():
    target = api({"200": {"description": "d"}, "default": {"description": "no body"}})
    responder = Responder(target)
    violation = Violation("query", "limit", "'x' is not a valid integer")
    found = responder.problem_reply(target.operations[0], Problem(400, "1 problem", (violation,)))
    assert (found.status, found.body) == (400, None)
    assert json.loads(found.headers["X-Specmock-Violations"]) == [violation.as_dict()]
    # a problem with no violations of its own is listed by its detail
    bare = responder.problem_reply(target.operations[0], Problem(501, "cannot be sent"))
    assert json.loads(bare.headers["X-Specmock-Violations"]) == [
        {"in": "request", "name": "", "message": "cannot be sent"}
    ]


def test_responses_an_operation_without_a_success_answers_its_documented_status_saying_why():
    target = api({"405": {"description": "Invalid input"}})
    answer = Responder(target).reply(target.operations[0], Prefer(), None)
    message = "the spec documents no success response for GET /x, only 405"
    assert answer == Problem(405, message, (Violation("operation", "GET /x", message),))
    asked = Responder(target).reply(target.operations[0], Prefer(code=405), None)
    assert isinstance(asked, Reply) and asked.status == 405  # asked for: nothing to explain


def test_responses_a_schema_no_value_meets_is_a_501_naming_where():
    impossible = {
        "type": "object",
        "required": ["n"],
        "properties": {"n": {"type": "integer", "minimum": 5, "maximum": 1}},
    }
    media = {"schema": impossible}
    target = api({"200": {"description": "d", "content": {"application/json": media}}})
    problem = Responder(target).reply(target.operations[0], Prefer(), None)
    assert isinstance(problem, Problem) and problem.status == 501
    assert problem.detail == (
        "specmock found no body valid for GET /x 200 application/json: its schema may admit none"
    )
    assert problem.errors == (Violation("body", "/n", "5 is greater than the maximum of 1"),)


def test_responses_an_operation_documenting_no_response_at_all_answers_an_empty_200():
    """OpenAPI 3.1 lets an operation leave `responses` out; its answer is still not a 500."""
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"post": {}}},
    }
    target = Api.from_dict("t", document)
    assert Responder(target).reply(target.operations[0], Prefer(), None) == Reply(200)


XML_ERROR = {
    "type": "object",
    "xml": {"name": "error"},
    "properties": {
        "code": {"type": "integer", "xml": {"attribute": True}},
        "message": {"type": "string"},
    },
}


def test_responses_problem_in_an_xml_only_error_shape_is_written_in_xml():
    target = api(
        {
            "200": {"description": "ok"},
            "400": {"description": "bad", "content": {"text/xml": {"schema": XML_ERROR}}},
        }
    )
    found = Responder(target).problem_reply(target.operations[0], Problem(400, "bad input"))
    assert (found.media_type, found.encoded) == (
        "text/xml",
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<error code="400"><message>bad input</message></error>',
    )


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        pytest.param(None, "application/json", id="no-accept-json"),
        pytest.param("*/*", "application/json", id="any-json"),
        pytest.param("application/xml", "application/xml", id="xml"),
        pytest.param("application/xml;q=0.5, application/json", "application/json", id="quality"),
    ],
)
def test_responses_rendered_writes_a_json_reply_in_the_xml_accept_prefers(accept, media_type):
    content = {"application/json": {"schema": XML_ERROR}, "application/xml": {"schema": XML_ERROR}}
    target = api({"200": {"description": "ok", "content": content}})
    reply = Reply(200, "application/json", {"code": 7, "message": "hi"}, {"ETag": '"1"'})
    rendered = Responder(target).rendered(target.operations[0], reply, accept)
    assert (rendered.media_type, rendered.headers) == (media_type, {"ETag": '"1"'})
    if media_type == "application/xml":
        assert rendered.encoded is not None and rendered.encoded.endswith(
            b'<error code="7"><message>hi</message></error>'
        )


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param({"title": "Data"}, id="untyped"),
        pytest.param({"minLength": 4, "properties": {"a": {"type": "integer"}}}, id="untyped-long"),
    ],
)
def test_responses_a_binary_answer_whose_schema_admits_text_is_written_as_text(schema):
    """A file download documented with a schema that names no type (Codat's attachments) is
    answered with bytes, not a 501: any schema that admits a string admits its bytes."""
    media = {"schema": schema}
    target = api({"200": {"description": "d", "content": {"application/octet-stream": media}}})
    reply = Responder(target).reply(target.operations[0], Prefer(), None)
    assert isinstance(reply, Reply) and reply.media_type == "application/octet-stream"
    assert isinstance(reply.body, str)


def test_responses_an_array_whose_items_admit_no_value_is_answered_empty():
    """Spotify's top items: a discriminator without a mapping whose branches' own `type` enums
    name no schema, so no item is valid; an empty page is, and it is answered, not a 501."""
    never = {"type": "integer", "minimum": 5, "maximum": 1}
    schema = {
        "type": "object",
        "required": ["items", "total"],
        "properties": {"items": {"type": "array", "items": never}, "total": {"type": "integer"}},
    }
    target = api({"200": {"description": "d", "content": {"application/json": {"schema": schema}}}})
    reply = Responder(target).reply(target.operations[0], Prefer(), None)
    assert isinstance(reply, Reply) and reply.body["items"] == []
