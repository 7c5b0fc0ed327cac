"""openapi-core's private stages, as `validation.core` calls them: what each returns for a valid
part, an absent one and a broken one. A new openapi-core that moves one of them fails here first."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema_path import SchemaPath
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.request.exceptions import (
    MissingRequiredParameter,
    MissingRequiredRequestBody,
    ParameterValidationError,
    RequestBodyValidationError,
)
from openapi_core.validation.response.exceptions import (
    DataValidationError,
    HeadersError,
    MissingData,
    MissingRequiredHeader,
)
from starlette.datastructures import Headers, QueryParams

from specmock.spec.api import Api, Operation
from specmock.validation.core import (
    READER_FAULTS,
    RequestStages,
    ResponseStages,
    _CachingFactory,
)
from specmock.validation.documents import json_deserializers

BODY = {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}
DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Items", "version": "1"},
    "paths": {
        "/items/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                {"name": "q", "in": "query", "schema": {"type": "integer"}},
            ],
            "post": {
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string"}},
                    {
                        "name": "X-Key",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": BODY},
                        "multipart/form-data": {"schema": BODY},
                    },
                },
                "responses": {
                    "201": {
                        "description": "made",
                        "headers": {"X-Rate": {"required": True, "schema": {"type": "integer"}}},
                        "content": {"application/json": {"schema": BODY}},
                    },
                    "4XX": {"description": "the client's fault"},
                },
            },
            "get": {"responses": {"200": {"description": "ok"}}},
        }
    },
}


@pytest.fixture(scope="module")
def api() -> Api:
    return Api.from_dict("items", DOCUMENT)


def operation(api: Api, method: str) -> Operation:
    return next(o for o in api.operations if o.method == method)


def request_stages(api: Api) -> RequestStages:
    return RequestStages(api.document, legacy=True, readers=json_deserializers(api.document))


def response_stages(api: Api) -> ResponseStages:
    return ResponseStages(api.document, legacy=True, readers=json_deserializers(api.document))


def given(query: str = "", headers: dict[str, str] | None = None) -> RequestParameters:
    return RequestParameters(
        query=QueryParams(query), header=Headers(headers or {}), cookie={}, path={"id": "1"}
    )


def test_request_stages_parameters_are_the_operations_first_each_place_once(api):
    places = [place for place, _ in request_stages(api).parameters(operation(api, "post"))]
    assert places == [("query", "q"), ("header", "X-Key"), ("path", "id")]


def test_request_stages_parameter_error_is_none_for_a_valid_or_absent_optional_value(api):
    stages = request_stages(api)
    parameters = dict(stages.parameters(operation(api, "post")))
    assert stages.parameter_error(given("q=x"), parameters[("query", "q")]) is None
    assert stages.parameter_error(given(), parameters[("query", "q")]) is None
    assert stages.parameter_error(given(), parameters[("path", "id")]) is None


def test_request_stages_parameter_error_says_what_is_wrong(api):
    stages = request_stages(api)
    parameters = dict(stages.parameters(operation(api, "post")))
    missing = stages.parameter_error(given(), parameters[("header", "X-Key")])
    assert isinstance(missing, MissingRequiredParameter) and missing.name == "X-Key"
    wrong = stages.parameter_error(RequestParameters(path={"id": "x"}), parameters[("path", "id")])
    assert isinstance(wrong, ParameterValidationError)
    assert (wrong.location, wrong.name) == ("path", "id")
    assert wrong.__cause__ is not None


def test_request_stages_body_error_for_a_valid_a_missing_and_an_unreadable_body(api):
    stages, post = request_stages(api), operation(api, "post")
    assert stages.body_error(post, b'{"n": 1}', "application/json") is None
    assert stages.body_error(operation(api, "get"), None, "application/json") is None
    assert isinstance(stages.body_error(post, None, "application/json"), MissingRequiredRequestBody)
    nameless = b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n"
    fault = stages.body_error(post, nameless, "multipart/form-data; boundary=b")
    assert isinstance(fault, READER_FAULTS)


def test_request_stages_body_schema_is_openapi_cores_jsonschema_validator_built_once(api):
    stages, post = request_stages(api), operation(api, "post")
    validator = stages.body_schema(post, "application/json")
    assert stages.body_schema(post, "application/json") is validator
    assert [e.message for e in validator.iter_errors({"n": "x"})] == [
        "'x' is not of type 'integer'"
    ]


def test_response_stages_response_is_the_documented_one_or_says_which_are(api):
    stages, post = response_stages(api), operation(api, "post")
    assert isinstance(stages.response(post, 201), SchemaPath)
    assert isinstance(stages.response(post, 404), SchemaPath)
    missing = stages.response(post, 500)
    assert isinstance(missing, ResponseNotFound)
    assert list(missing.availableresponses) == ["201", "4XX"]


def test_response_stages_headers_error_reads_names_in_any_case(api):
    stages = response_stages(api)
    made = stages.response(operation(api, "post"), 201)
    assert isinstance(made, SchemaPath)
    assert stages.headers_error(made, {"x-rate": "5"}) is None
    refused = stages.headers_error(made, {})
    assert isinstance(refused, HeadersError)
    (problem,) = refused.context
    assert isinstance(problem, MissingRequiredHeader) and problem.name == "X-Rate"


def test_response_stages_data_error_for_a_valid_a_missing_and_a_wrong_body(api):
    stages = response_stages(api)
    made = stages.response(operation(api, "post"), 201)
    assert isinstance(made, SchemaPath)
    assert stages.data_error(made, b'{"n": 1}', "application/json") is None
    assert isinstance(stages.data_error(made, b"", "application/json"), MissingData)
    wrong = stages.data_error(made, b'{"n": "x"}', "application/json")
    assert isinstance(wrong, DataValidationError) and not isinstance(wrong, MissingData)


class CountingFactory:
    """A factory that makes a new object on each call, and counts them."""

    def __init__(self) -> None:
        self.made = 0
        self.extra = "passed through"

    def create(self, *args: Any, **kwargs: Any) -> object:
        self.made += 1
        return object()


def test_caching_factory_keeps_what_it_built_per_argument_list():
    factory = CountingFactory()
    caching = _CachingFactory(factory)
    first = caching.create("a", style="form")
    assert caching.create("a", style="form") is first
    assert caching.create("b", style="form") is not first
    assert factory.made == 2
    assert caching.extra == "passed through"


def test_caching_factory_builds_anew_for_arguments_that_are_no_key():
    factory = CountingFactory()
    caching = _CachingFactory(factory)
    assert caching.create("a", extra={"x": 1}) is not caching.create("a", extra={"x": 1})
    assert factory.made == 2


FLAGS: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Flags", "version": "1"},
    "paths": {
        "/flags": {
            "post": {
                "parameters": [{"name": "on", "in": "query", "schema": {"type": "boolean"}}],
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {"type": "object", "properties": {"f": {"type": "boolean"}}}
                        }
                    }
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}


@pytest.mark.parametrize("text", ["0", "1", "yes", "off", "True", "t"])
def test_request_stages_a_boolean_written_as_text_is_true_or_false_only(text):
    api = Api.from_dict("flags", FLAGS)
    stages, post = request_stages(api), api.operations[0]
    (_place, parameter), *_ = stages.parameters(post)
    form = "application/x-www-form-urlencoded"
    query = RequestParameters(query=QueryParams(f"on={text}"), header=Headers({}), cookie={})
    assert stages.parameter_error(query, parameter) is not None
    assert stages.body_error(post, f"f={text}".encode(), form) is not None
    for valid in ("true", "false"):
        query = RequestParameters(query=QueryParams(f"on={valid}"), header=Headers({}), cookie={})
        assert stages.parameter_error(query, parameter) is None
        assert stages.body_error(post, f"f={valid}".encode(), form) is None


@pytest.mark.parametrize(
    ("documented", "sent"),
    [
        ("application/json;version=2018-01-01", "application/json;version=2018-01-01"),
        ("application/json;version=2018-01-01", "application/json"),
        ("application/json", "application/json; charset=utf-8"),
        ("application/json", "application/json; version=2"),
    ],
)
def test_request_stages_read_json_whatever_the_media_types_parameters(documented, sent):
    operation = {
        "requestBody": {"content": {documented: {"schema": BODY}}},
        "responses": {"200": {"description": "ok"}},
    }
    document = {**FLAGS, "paths": {"/things": {"post": operation}}}
    api = Api.from_dict("things", document)
    stages, post = request_stages(api), api.operations[0]
    assert stages.body_error(post, b'{"n": 1}', sent) is None
    assert stages.body_value(post, b'{"n": 1}', sent) == {"n": 1}
    assert isinstance(stages.body_error(post, b'{"n": "one"}', sent), RequestBodyValidationError)
