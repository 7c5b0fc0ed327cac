"""A small API of books on a shelf, built inline: the action, binding, listing and answer tests
act on it. Books are named by the server (`id`), authors by the client (`name`)."""

from __future__ import annotations

from typing import Any

from specmock.mock.actions import ActionRequest, Actions
from specmock.mock.answers import Prefer, Reply, Responder, encode
from specmock.mock.store import Store
from specmock.spec.api import Api, Operation
from specmock.validation.requests import ApiValidator

BOOK = {
    "type": "object",
    "required": ["title"],
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "title": {"type": "string", "maxLength": 40},
        "shelf": {"type": "string", "default": "main"},
        "created_at": {"type": "string", "format": "date-time", "readOnly": True},
        "version": {"type": "integer", "readOnly": True},
    },
    "additionalProperties": False,
}
AUTHOR = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string", "pattern": "^[a-z]+$"}, "born": {"type": "integer"}},
}


def _json(schema: Any) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _answer(description: str, schema: Any = None) -> dict[str, Any]:
    return {"description": description, **({"content": _json(schema)} if schema else {})}


SHELF: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Shelf", "version": "1"},
    "paths": {
        "/books": {
            "post": {
                "requestBody": {"required": True, "content": _json(BOOK)},
                "responses": {"201": _answer("made", BOOK)},
            },
            "get": {
                "parameters": [
                    {"name": n, "in": "query", "schema": {"type": t}}
                    for n, t in (("limit", "integer"), ("offset", "integer"), ("shelf", "string"))
                ],
                "responses": {
                    "200": _answer(
                        "page",
                        {
                            "type": "object",
                            "required": ["data"],
                            "properties": {"data": {"type": "array", "items": BOOK}},
                        },
                    )
                },
            },
        },
        "/books/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "get": {"responses": {"200": _answer("one", BOOK), "404": _answer("none")}},
            "put": {
                "requestBody": {"required": True, "content": _json(BOOK)},
                "responses": {
                    "200": _answer("kept", BOOK),
                    "404": _answer("none"),
                    "412": _answer("stale"),
                },
            },
            "patch": {
                "requestBody": {"required": True, "content": _json({"type": "object"})},
                "responses": {"200": _answer("patched", BOOK), "409": _answer("conflict")},
            },
            "delete": {"responses": {"204": _answer("gone")}},
        },
        "/authors": {
            "post": {
                "requestBody": {"required": True, "content": _json(AUTHOR)},
                "responses": {"201": _answer("made", AUTHOR), "400": _answer("bad")},
            }
        },
        "/authors/{name}": {
            "parameters": [
                {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "get": {"responses": {"200": _answer("one", AUTHOR)}},
        },
        "/ping": {
            "get": {"responses": {"200": _answer("pong", {"type": "string"})}},
            "head": {"responses": {"200": _answer("pong")}},
        },
    },
}


class Shelf:
    """The shelf API's actions and one session of a fresh store."""

    def __init__(self, document: dict[str, Any] | None = None) -> None:
        self.api = Api.from_dict("shelf", document or SHELF)
        responder = Responder(self.api)
        self.actions = Actions(self.api, responder, responder.synthesizer, "/v1")
        self.session = Store().session()
        self.validator = ApiValidator(self.api)

    def operation(self, method: str, path: str) -> Operation:
        return next(o for o in self.api.operations if (o.method, o.path) == (method, path))

    def act(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        if_match: str | None = None,
        prefer: Prefer | None = None,
        content_type: str = "application/json",
    ) -> Any:
        request = ActionRequest(params or {}, body, content_type, if_match, query or {})
        operation = self.operation(method, path)
        outcome = self.actions.act(operation, self.session, request, prefer or Prefer())
        if isinstance(outcome, Reply):  # every answer is judged against the spec by openapi-core
            body = None if outcome.media_type is None else encode(outcome.body, outcome.media_type)
            found = self.validator.response_violations(
                operation, outcome.status, outcome.headers, body, outcome.media_type
            )
            assert found == [], f"{operation.label} answered outside its spec: {found}"
        return outcome
