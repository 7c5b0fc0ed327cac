"""A small API of notes, built inline: the stub and admin tests serve it."""

from __future__ import annotations

from typing import Any

NOTE = {
    "type": "object",
    "required": ["title"],
    "properties": {"id": {"type": "integer", "readOnly": True}, "title": {"type": "string"}},
    "additionalProperties": False,
}
NOTES: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Notes", "version": "1"},
    "paths": {
        "/notes": {
            "post": {
                "operationId": "addNote",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": NOTE}},
                },
                "responses": {
                    "201": {
                        "description": "made",
                        "content": {"application/json": {"schema": NOTE}},
                    }
                },
            },
        },
        "/notes/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "get": {
                "operationId": "getNote",
                "responses": {
                    "200": {
                        "description": "one",
                        "content": {"application/json": {"schema": NOTE}},
                    },
                    "404": {"description": "no such note"},
                },
            },
        },
    },
}
