"""`Actions.act`: what the store does and answers for each CRUD role, and when it says it does
not handle a request. Answers are checked against the spec's response schemas."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from specmock.mock.actions import ActionRequest
from specmock.mock.answers import NotHandled, Prefer, Reply
from specmock.mock.effective import effective_document
from specmock.problems import Problem
from tests.mock.shelf import Shelf


@pytest.fixture
def shelf() -> Shelf:
    return Shelf()


def test_actions_create_names_the_record_stamps_it_and_says_where(shelf):
    reply = shelf.act("post", "/books", {"title": "Dune", "id": 99})
    assert isinstance(reply, Reply) and reply.status == 201
    assert reply.body["id"] == 1  # the server names books, whatever the client sent
    assert (reply.body["shelf"], reply.body["version"]) == ("main", 1)
    assert reply.headers["Location"] == "/v1/books/1"
    assert reply.headers["ETag"] == shelf.session.get("shelf", "/books/1").etag
    second = shelf.act("post", "/books", {"title": "Emma"})
    assert second.body["id"] == 2


def test_actions_read_answers_the_stored_record_and_a_documented_404(shelf):
    shelf.act("post", "/books", {"title": "Dune"})
    read = shelf.act("get", "/books/{id}", params={"id": "001"})  # `001` and `1` are one book
    assert isinstance(read, Reply) and read.body["title"] == "Dune"
    missing = shelf.act("get", "/books/{id}", params={"id": "5"})
    assert isinstance(missing, Problem) and missing.status == 404
    assert [(v.location, v.name) for v in missing.errors] == [("path", "id")]


def test_actions_say_why_they_do_not_handle_a_request(shelf):
    no_resource = shelf.act("head", "/ping")
    no_array = shelf.act("get", "/ping")  # a collection by its path, but no list is answered
    no_404 = shelf.act("get", "/authors/{name}", params={"name": "ann"})
    preferred = shelf.act("get", "/books/{id}", params={"id": "1"}, prefer=Prefer(code=404))
    reasons = [
        o.reason for o in (no_resource, no_array, no_404, preferred) if isinstance(o, NotHandled)
    ]
    assert reasons == [
        "HEAD /ping acts on no stored resource",
        "the list answer is neither an array nor holds one",
        "nothing is stored at /authors/ann and no 404 is documented",
        "Prefer asks for a documented answer",
    ]


def test_actions_delete_answers_the_documented_success_itself(shelf):
    shelf.act("post", "/books", {"title": "Dune"})
    gone = shelf.act("delete", "/books/{id}", params={"id": "1"})
    assert isinstance(gone, Reply) and (gone.status, gone.body) == (204, None)
    assert shelf.session.get("shelf", "/books/1") is None


def test_actions_replace_resets_omitted_fields_and_keeps_the_servers(shelf):
    made = shelf.act("post", "/books", {"title": "Dune", "shelf": "top"}).body
    kept = shelf.act("put", "/books/{id}", {"title": "Dune II"}, params={"id": "1"})
    assert isinstance(kept, Reply)
    assert kept.body["shelf"] == "main"  # omitted: back to its default
    assert (kept.body["id"], kept.body["created_at"]) == (made["id"], made["created_at"])
    assert kept.body["version"] == 2


def test_actions_a_stale_if_match_is_refused_with_the_documented_412(shelf):
    etag = shelf.act("post", "/books", {"title": "Dune"}).headers["ETag"]
    shelf.act("put", "/books/{id}", {"title": "B"}, params={"id": "1"}, if_match=etag)
    stale = shelf.act("put", "/books/{id}", {"title": "C"}, params={"id": "1"}, if_match=etag)
    assert isinstance(stale, Problem) and stale.status == 412
    assert shelf.session.get("shelf", "/books/1").record["title"] == "B"


@pytest.mark.parametrize(
    ("patch", "where"),
    [
        pytest.param({"id": 5}, "/id", id="owned-field"),
        pytest.param({"title": "x" * 41}, "/title", id="breaks-the-written-schema"),
    ],
)
def test_actions_an_update_that_cannot_apply_is_a_409_and_stores_nothing(shelf, patch, where):
    shelf.act("post", "/books", {"title": "Dune"})
    refused = shelf.act("patch", "/books/{id}", patch, params={"id": "1"})
    assert isinstance(refused, Problem) and refused.status == 409
    assert [v.name for v in refused.errors] == [where]
    assert shelf.session.get("shelf", "/books/1").record["title"] == "Dune"


def test_actions_a_merge_patch_changes_only_what_it_names(shelf):
    shelf.act("post", "/books", {"title": "Dune", "shelf": "top"})
    patched = shelf.act("patch", "/books/{id}", {"title": "Emma"}, params={"id": "1"})
    assert isinstance(patched, Reply)
    assert (patched.body["title"], patched.body["shelf"], patched.body["version"]) == (
        "Emma",
        "top",
        2,
    )


def test_actions_a_client_named_record_is_kept_under_its_name_or_named_by_the_server(shelf):
    made = shelf.act("post", "/authors", {"name": "ann", "born": 1900})
    assert isinstance(made, Reply) and made.headers["Location"] == "/v1/authors/ann"
    assert shelf.session.get("shelf", "/authors/ann").record == {"name": "ann", "born": 1900}
    for unusable in ("a/b", ""):  # schema-valid, but no path segment: the server names it
        named = shelf.act("post", "/authors", {"name": unusable})
        assert isinstance(named, Reply) and named.status == 201
        location = named.headers["Location"]
        assert location != "/v1/authors/ann" and location.startswith("/v1/authors/")
        key = location.removeprefix("/v1")
        assert shelf.session.get("shelf", key).record["name"] == key.rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    ("method", "status"),
    [
        pytest.param("delete", 412, id="nothing-documented"),
        pytest.param("patch", 409, id="409-documented-not-412"),
        pytest.param("get", 412, id="read"),
    ],
)
def test_actions_an_if_match_is_always_honoured(shelf, method, status):
    shelf.act("post", "/books", {"title": "Dune"})
    body = {"title": "B"} if method == "patch" else None
    refused = shelf.actions.act(
        shelf.operation(method, "/books/{id}"),
        shelf.session,
        ActionRequest({"id": "1"}, body, "application/json", '"stale"'),
        Prefer(),
    )
    assert isinstance(refused, Problem) and refused.status == status
    assert shelf.session.get("shelf", "/books/1").record["title"] == "Dune"


@pytest.mark.parametrize(
    ("title", "why"),
    [
        pytest.param(float("inf"), "Out of range float values are not JSON compliant", id="inf"),
        pytest.param("\ud800", "surrogates not allowed", id="lone-surrogate"),
    ],
)
def test_actions_a_record_that_cannot_be_written_back_is_refused(shelf, title, why):
    binding = shelf.actions.bindings.get(shelf.operation("put", "/books/{id}"))
    found = shelf.actions.check_record(binding, {"title": "ok", "note": title})
    assert [(v.location, v.name) for v in found] == [("body", "")]
    assert (
        found[0].message.startswith("the record cannot be written as JSON")
        and why in found[0].message
    )


WIDGET_IN = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
REASON = {"type": "object", "properties": {"reason": {"type": "string"}}}


def _json(schema):
    return {"application/json": {"schema": schema}}


def _widget_param():
    return [{"name": "widget_id", "in": "path", "required": True, "schema": {"type": "integer"}}]


WIDGETS = {
    "openapi": "3.1.0",
    "info": {"title": "Widgets", "version": "1"},
    "paths": {
        "/widgets": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": _json({"$ref": "#/components/schemas/In"}),
                },
                "responses": {
                    "201": {
                        "description": "made",
                        "content": _json({"$ref": "#/components/schemas/Widget"}),
                    }
                },
            }
        },
        "/widgets/{widget_id}": {
            "parameters": _widget_param(),
            "get": {
                "responses": {
                    "200": {
                        "description": "one",
                        "content": _json({"$ref": "#/components/schemas/Widget"}),
                    },
                    "404": {"description": "none"},
                }
            },
        },
        "/widgets/{widget_id}/lock": {
            "parameters": _widget_param(),
            "put": {
                "requestBody": {"required": True, "content": _json(REASON)},
                "responses": {"200": {"description": "locked", "content": _json(REASON)}},
            },
            "get": {
                "responses": {
                    "200": {"description": "lock", "content": _json(REASON)},
                    "404": {"description": "none"},
                }
            },
            "delete": {"responses": {"204": {"description": "unlocked"}}},
        },
    },
    "components": {
        "schemas": {
            "In": WIDGET_IN,
            "Widget": {
                "allOf": [
                    {"$ref": "#/components/schemas/In"},
                    {
                        "required": ["id"],
                        "properties": {"id": {"type": "integer", "readOnly": True}},
                    },
                ]
            },
        }
    },
}


def test_actions_a_record_composed_with_all_of_says_the_id_its_location_says():
    widgets = Shelf(WIDGETS)
    made = [widgets.act("post", "/widgets", {"name": name}) for name in ("a", "b")]
    assert [(m.body["id"], m.headers["Location"]) for m in made] == [
        (1, "/v1/widgets/1"),
        (2, "/v1/widgets/2"),
    ]
    read = widgets.act("get", "/widgets/{widget_id}", params={"widget_id": "2"})
    assert read.body == {"name": "b", "id": 2}


def test_actions_a_singleton_under_an_item_is_stored_read_and_deleted():
    widgets = Shelf(WIDGETS)
    lock, params = "/widgets/{widget_id}/lock", {"widget_id": "1"}
    widgets.act("post", "/widgets", {"name": "a"})
    unwritten = widgets.act("get", lock, params=params)  # it exists with its item: examples
    assert unwritten == NotHandled(
        "/widgets/1/lock has not been written: its item's examples answer"
    )
    assert widgets.act("put", lock, {"reason": "audit"}, params=params).body == {"reason": "audit"}
    assert widgets.act("get", lock, params=params).body == {"reason": "audit"}
    assert widgets.act("delete", lock, params=params).status == 204
    gone = widgets.act("get", lock, params=params)
    assert isinstance(gone, Problem) and gone.status == 404
    assert widgets.act("put", lock, {"reason": "again"}, params=params).status == 200
    assert widgets.act("get", lock, params=params).body == {"reason": "again"}


def test_actions_leave_an_answer_that_holds_no_json_record_to_the_responder():
    pdf = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    document: dict[str, Any] = copy.deepcopy(WIDGETS)
    document["paths"]["/widgets/{widget_id}/preview"] = {
        "parameters": _widget_param(),
        "put": {
            "requestBody": {"required": True, "content": _json(REASON)},
            "responses": {"200": {"description": "the preview", "content": pdf}},
        },
    }
    widgets = Shelf(document)
    preview = widgets.act(
        "put", "/widgets/{widget_id}/preview", {"reason": "x"}, params={"widget_id": "1"}
    )
    assert isinstance(preview, NotHandled)
    assert (
        preview.reason == "PUT /widgets/{widget_id}/preview answers no JSON body to hold a record"
    )


def test_actions_a_singleton_never_written_can_be_deleted_and_is_then_gone():
    widgets = Shelf(WIDGETS)
    lock, params = "/widgets/{widget_id}/lock", {"widget_id": "1"}
    widgets.act("post", "/widgets", {"name": "a"})
    assert widgets.act("delete", lock, params=params).status == 204
    gone = widgets.act("get", lock, params=params)
    assert isinstance(gone, Problem) and gone.status == 404


THINGS = Path(__file__).resolve().parent / "specs" / "things.yaml"
THING, PART = {"thing_id": "1"}, {"thing_id": "1", "part_id": "p1"}


@pytest.fixture
def things() -> Shelf:
    shelf = Shelf(yaml.safe_load(THINGS.read_text()))
    shelf.act("post", "/things", {"name": "a", "size": {"w": 1, "h": 2}})
    shelf.act("post", "/things/{thing_id}/parts", {"part_id": "p1", "kind": "bolt"}, params=THING)
    shelf.act("put", "/things/{thing_id}/lock", {"reason": "audit"}, params=THING)
    return shelf


@pytest.mark.parametrize(
    ("path", "params", "body", "content_type", "after"),
    [
        pytest.param(
            "/things/{thing_id}/parts/{part_id}",
            PART,
            {"detail": {"weight": 3}},
            "application/json",
            {"part_id": "p1", "kind": "bolt", "detail": {"weight": 3}},
            id="merge-a-sub-resource-whose-key-the-client-chose",
        ),
        pytest.param(
            "/things/{thing_id}",
            THING,
            {"size": {"w": None}, "status": "sold"},
            "application/merge-patch+json",
            {"name": "a", "size": {"h": 2}, "status": "sold", "thing_id": 1},
            id="merge-an-all-of-record",
        ),
        pytest.param(
            "/things/{thing_id}",
            THING,
            [{"op": "replace", "path": "/size/h", "value": 5}, {"op": "remove", "path": "/size/w"}],
            "application/json-patch+json",
            {"name": "a", "size": {"h": 5}, "status": "new", "thing_id": 1},
            id="json-patch-an-all-of-record",
        ),
    ],
)
def test_actions_patch_items_of_real_shapes(things, path, params, body, content_type, after):
    patched = things.act("patch", path, body, params=params, content_type=content_type)
    assert (patched.status, patched.body) == (200, after)
    assert things.act("get", path, params=params).body == after


def test_actions_deleting_an_item_deletes_its_sub_resources(things):
    assert things.act("delete", "/things/{thing_id}", params=THING).status == 204
    for path, params in (
        ("/things/{thing_id}/lock", THING),
        ("/things/{thing_id}/parts/{part_id}", PART),
    ):
        gone = things.act("get", path, params=params)
        assert isinstance(gone, Problem) and gone.status == 404, path
    listed = things.act("get", "/things/{thing_id}/parts", params=THING)
    assert isinstance(listed, Problem) and listed.status == 404


def test_actions_nothing_is_made_under_an_item_that_is_not_stored(things):
    nine = {"thing_id": "9"}
    made = things.act(
        "post", "/things/{thing_id}/parts", {"part_id": "p", "kind": "k"}, params=nine
    )
    locked = things.act("put", "/things/{thing_id}/lock", {"reason": "r"}, params=nine)
    for refused in (made, locked):
        assert isinstance(refused, Problem)
        assert (refused.status, refused.detail) == (404, "no record at /things/9")
    assert things.session.get("shelf", "/things/9/lock") is None


def test_actions_a_write_under_a_missing_item_without_a_404_is_answered_from_examples():
    widgets = Shelf(WIDGETS)
    outcome = widgets.act(
        "put", "/widgets/{widget_id}/lock", {"reason": "r"}, params={"widget_id": "3"}
    )
    assert isinstance(outcome, NotHandled)
    assert outcome.reason == "nothing is stored at /widgets/3 and no 404 is documented"


def test_actions_a_deleted_record_is_a_404_even_where_none_is_documented():
    document: dict[str, Any] = copy.deepcopy(WIDGETS)
    item = document["paths"]["/widgets/{widget_id}"]
    del item["get"]["responses"]["404"]
    item["delete"] = {"responses": {"204": {"description": "gone"}}}
    widgets = Shelf(document)
    widgets.act("post", "/widgets", {"name": "a"})
    params = {"widget_id": "1"}
    assert widgets.act("delete", "/widgets/{widget_id}", params=params).status == 204
    gone = widgets.act("get", "/widgets/{widget_id}", params=params)
    assert isinstance(gone, Problem) and gone.status == 404
    never = widgets.act("get", "/widgets/{widget_id}", params={"widget_id": "7"})
    assert isinstance(never, NotHandled)  # an id never issued: the examples answer
    effective = effective_document(widgets.api, "/v1")
    assert "404" in effective["paths"]["/widgets/{widget_id}"]["get"]["responses"]
