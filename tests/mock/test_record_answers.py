"""`RecordAnswers`: a stored record answered in its documented envelope, once per revision."""

from __future__ import annotations

import copy
from typing import Any

from specmock.mock.answers import Reply
from specmock.mock.record_answers import made_up_fields
from tests.mock.shelf import BOOK, SHELF, Shelf


def enveloped() -> Shelf:
    """The shelf with reads answered as `{"data": {...}, "served_by": "..."}`."""
    document = copy.deepcopy(SHELF)
    document["paths"]["/books/{id}"]["get"]["responses"]["200"]["content"]["application/json"] = {
        "schema": {
            "type": "object",
            "required": ["data", "served_by"],
            "properties": {"data": BOOK, "served_by": {"type": "string", "minLength": 3}},
        }
    }
    return Shelf(document)


def test_record_answers_wrap_the_record_in_its_envelope_made_up_once():
    shelf = enveloped()
    shelf.act("post", "/books", {"title": "Dune"})
    first = shelf.act("get", "/books/{id}", params={"id": "1"})
    assert isinstance(first, Reply)
    assert first.body["data"]["title"] == "Dune"
    assert len(first.body["served_by"]) >= 3
    shelf.act("patch", "/books/{id}", {"title": "Emma"}, params={"id": "1"})
    second = shelf.act("get", "/books/{id}", params={"id": "1"})
    assert second.body["data"]["title"] == "Emma"
    assert second.body["served_by"] == first.body["served_by"]  # kept across revisions


def test_record_answers_a_read_is_kept_for_its_revision_only():
    shelf = Shelf()
    shelf.act("post", "/books", {"title": "Dune"})
    first = shelf.act("get", "/books/{id}", params={"id": "1"})
    again = shelf.act("get", "/books/{id}", params={"id": "1"})
    assert again.encoded is first.encoded  # answered from what the first read made
    shelf.act("put", "/books/{id}", {"title": "Emma"}, params={"id": "1"})
    changed = shelf.act("get", "/books/{id}", params={"id": "1"})
    assert changed.body["title"] == "Emma" and changed.headers["ETag"] != first.headers["ETag"]


def test_record_answers_fill_the_path_id_into_a_record_seeded_without_it():
    shelf = Shelf()
    shelf.session.put("shelf", "/books/8", {"title": "Seeded"})
    read = shelf.act("get", "/books/{id}", params={"id": "8"})
    assert read.body == {"title": "Seeded", "id": 8}


def gist_like() -> Shelf:
    """The shelf whose list requires fields (`url`, `pages`) that the item only has, and whose
    item requires one (`rating`) that the list only has, as GitHub's gists do."""
    document = copy.deepcopy(SHELF)
    extra = {
        "url": {"type": "string", "format": "uri"},
        "pages": {"type": "integer", "minimum": 1},
        "rating": {"type": "integer", "minimum": 0, "maximum": 5},
    }
    listed: dict[str, Any] = copy.deepcopy(BOOK)
    listed["properties"] = {**listed["properties"], **extra}
    item = {**listed, "required": ["title", "rating"]}
    listed["required"] = ["title", "url", "pages"]
    page = document["paths"]["/books"]["get"]["responses"]["200"]["content"]["application/json"]
    page["schema"]["properties"]["data"]["items"] = listed
    read = document["paths"]["/books/{id}"]["get"]["responses"]["200"]["content"]
    read["application/json"]["schema"] = item
    return Shelf(document)


def test_record_answers_a_field_made_up_for_the_list_reads_the_same_in_the_item():
    shelf = gist_like()
    shelf.act("post", "/books", {"title": "Dune"})
    shelf.act("post", "/books", {"title": "Emma"})
    first = shelf.act("get", "/books/{id}", params={"id": "2"})  # the item before the list
    listed = shelf.act("get", "/books").body["data"]
    items = [shelf.act("get", "/books/{id}", params={"id": str(b["id"])}).body for b in listed]
    assert first.body == items[1]
    for book, item in zip(listed, items, strict=True):
        assert {"url", "pages", "rating"} <= book.keys()
        assert {name: item[name] for name in book} == book


def test_record_answers_made_up_fields_skip_writeOnly_and_undeclared_in_name_order():
    properties = {
        "url": {"type": "string"},
        "secret": {"type": "string", "writeOnly": True},
        "id": {"type": "integer"},
        "odd": True,
    }
    names = frozenset({"url", "secret", "id", "odd", "undeclared"})
    assert made_up_fields(names, properties) == (
        ("id", "field:id", {"type": "integer"}),
        ("url", "field:url", {"type": "string"}),
    )
