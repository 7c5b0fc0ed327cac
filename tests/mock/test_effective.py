"""The effective contract: what the fake answers is documented there, whatever the source lacks."""

from __future__ import annotations

from specmock.mock.effective import IMPLIED_SCHEME, effective_document
from specmock.spec.api import Api


def test_effective_an_operation_documenting_no_response_gets_the_empty_200_it_answers():
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"post": {}}, "/y": {"get": {"responses": {"204": {"description": "ok"}}}}},
    }
    effective = effective_document(Api.from_dict("t", document), "/t")
    posted = effective["paths"]["/x"]["post"]["responses"]
    assert posted["200"] == {"description": "No response is documented (added by specmock)"}
    assert "200" not in effective["paths"]["/y"]["get"]["responses"]  # documented: left alone


def test_effective_a_required_authorization_parameter_is_published_as_the_security_it_is():
    authorization = {
        "name": "Authorization",
        "in": "header",
        "required": True,
        "schema": {"type": "string", "pattern": "^Bearer\\s[\\w-]+$"},
    }
    trace = {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}
    ok = {"200": {"description": "ok"}}
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "parameters": [authorization],
                "get": {"parameters": [trace], "responses": ok},
                "put": {"security": [{"key": []}], "responses": ok},
            },
            "/open": {"get": {"parameters": [trace], "responses": ok}},
        },
        "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "query", "name": "k"}}},
    }
    effective = effective_document(Api.from_dict("t", document), "/t")
    schemes = effective["components"]["securitySchemes"]
    assert schemes[IMPLIED_SCHEME]["type"] == "http"
    assert schemes[IMPLIED_SCHEME]["scheme"] == "bearer"
    item = effective["paths"]["/x"]
    assert item["get"]["security"] == [{IMPLIED_SCHEME: []}]
    assert item["put"]["security"] == [{"key": []}]
    assert item["parameters"] == [] and item["get"]["parameters"] == [trace]
    assert "401" in item["get"]["responses"]
    assert "security" not in effective["paths"]["/open"]["get"]


def test_effective_header_parameters_openapi_ignores_are_left_out():
    accept = {"name": "Accept", "in": "header", "required": True, "schema": {"type": "string"}}
    trace = {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "parameters": [{"$ref": "#/components/parameters/Accept"}],
                "get": {"parameters": [trace], "responses": {"200": {"description": "ok"}}},
            }
        },
        "components": {"parameters": {"Accept": accept}},
    }
    effective = effective_document(Api.from_dict("t", document), "/t")
    item = effective["paths"]["/x"]
    assert item.get("parameters", []) == [] and item["get"]["parameters"] == [trace]


def test_effective_an_added_response_says_why_it_is_there():
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/y": {"get": {"responses": {"204": {"description": "ok"}}}}},
    }
    effective = effective_document(Api.from_dict("t", document), "/t", injected=(500, 503))
    responses = effective["paths"]["/y"]["get"]["responses"]
    injected = "An error injected by --faults or the operation's fault (added by specmock)"
    assert responses["500"]["description"] == injected
    assert responses["503"]["description"] == injected
    assert responses["400"]["description"] == (
        "The request does not match the API's spec: invalid parameters, body or Prefer header"
        " (added by specmock)"
    )
