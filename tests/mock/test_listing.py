"""`Listing`: the stored records of a collection, filtered and paginated as the spec's query
parameters say, in the documented list shape (judged against the spec by openapi-core)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from specmock.mock.answers import Reply
from specmock.mock.listing import Query
from tests.mock.shelf import BOOK, SHELF, Shelf


@pytest.fixture
def shelf() -> Shelf:
    shelf = Shelf()
    for title, where in (("a", "top"), ("b", "main"), ("c", "top"), ("d", "top")):
        shelf.act("post", "/books", {"title": title, "shelf": where})
    return shelf


@pytest.mark.parametrize(
    ("query", "titles", "total"),
    [
        pytest.param({}, ["a", "b", "c", "d"], "4", id="all"),
        pytest.param({"limit": "2", "offset": "1"}, ["b", "c"], "4", id="offset"),
        pytest.param({"shelf": "top"}, ["a", "c", "d"], "3", id="filter"),
        pytest.param({"shelf": "top", "limit": "1", "offset": "2"}, ["d"], "3", id="both"),
        pytest.param({"offset": "9"}, [], "4", id="past-the-end"),
    ],
)
def test_listing_pages_and_filters_the_stored_records(shelf, query, titles, total):
    listed = shelf.act("get", "/books", query=query)
    assert isinstance(listed, Reply)
    assert [book["title"] for book in listed.body["data"]] == titles
    assert listed.headers["X-Total-Count"] == total


def test_listing_follows_deletes(shelf):
    shelf.act("delete", "/books/{id}", params={"id": "2"})
    listed = shelf.act("get", "/books")
    assert [book["id"] for book in listed.body["data"]] == [1, 3, 4]


THINGS = Path(__file__).resolve().parent / "specs" / "things.yaml"


@pytest.fixture
def things() -> Shelf:
    shelf = Shelf(yaml.safe_load(THINGS.read_text()))
    for name, status, tags, owner in (
        ("a", "new", ["x"], 0),
        ("b", "sold", ["y", "x"], 1),
        ("c", "sold", [], 0),
        ("d", "lost", ["z"], 1),
    ):
        body = {"name": name, "status": status, "tags": tags, "owner_id": owner}
        if name == "c":
            body["colour"] = "red"
        shelf.act("post", "/things", body)
    return shelf


@pytest.mark.parametrize(
    ("query", "names"),
    [
        pytest.param({"status": "sold"}, ["b", "c"], id="enum"),
        pytest.param({"owner_id": "1"}, ["b", "d"], id="integer"),
        pytest.param({"tags": "x"}, ["a", "b"], id="array-field-holds-one"),
        pytest.param(Query([("tags", "z"), ("tags", "y")]), ["b", "d"], id="exploded-array"),
        pytest.param({"colour": "blue|red"}, ["c"], id="pipe-delimited"),
        pytest.param({"colour": "blue"}, [], id="no-record-without-the-field"),
        pytest.param({"sort": "name"}, ["a", "b", "c", "d"], id="not-a-field-ignored"),
        pytest.param({"status": "", "colour": ""}, ["a", "b", "c", "d"], id="empty-filters-none"),
        pytest.param({"statuses": "lost,new"}, ["a", "d"], id="plural-names-the-field"),
        pytest.param({"status": "sold", "owner_id": "0"}, ["c"], id="both"),
    ],
)
def test_listing_filters_by_query_parameters_named_after_record_fields(things, query, names):
    listed = things.act("get", "/things", query=query)
    assert [thing["name"] for thing in listed.body["data"]] == names
    assert (listed.body["total"], listed.body["meta"]["total_count"]) == (len(names),) * 2


@pytest.mark.parametrize(
    ("query", "names", "facts"),
    [
        pytest.param({"limit": "3"}, ["a", "b", "c"], (4, True, 1, 3, "3"), id="first"),
        pytest.param({"limit": "3", "page": "2"}, ["d"], (4, False, 2, 3, None), id="last"),
        pytest.param({"limit": "1", "status": "sold"}, ["b"], (2, True, 1, 1, "2"), id="filtered"),
    ],
)
def test_listing_an_all_of_page_envelope_tells_the_truth_about_the_page(
    things, query, names, facts
):
    body = things.act("get", "/things", query=query).body
    assert [thing["name"] for thing in body["data"]] == names
    told = (body["total"], body["has_more"], body["page"], body["per_page"])
    assert (*told, body["meta"]["next_cursor"]) == facts


def test_listing_a_list_one_object_deep_pages_by_cursor_and_filters(things):
    thing = {"thing_id": "2"}
    for part, kind in (("p1", "bolt"), ("p2", "nut"), ("p3", "bolt")):
        things.act(
            "post", "/things/{thing_id}/parts", {"part_id": part, "kind": kind}, params=thing
        )
    parts = "/things/{thing_id}/parts"
    first = things.act("get", parts, params=thing, query={"limit": "2"}).body["data"]
    assert ([p["part_id"] for p in first["items"]], first["has_more"]) == (["p1", "p2"], True)
    cursor = {"limit": "2", "cursor": first["next_cursor"]}
    rest = things.act("get", parts, params=thing, query=cursor).body["data"]
    assert (rest["items"], rest["has_more"], rest["next_cursor"]) == (
        [{"part_id": "p3", "kind": "bolt"}],
        False,
        None,
    )
    bolts = things.act("get", parts, params=thing, query={"kind": "bolt"}).body["data"]
    assert [p["part_id"] for p in bolts["items"]] == ["p1", "p3"]
    other = things.act("get", parts, params={"thing_id": "1"}).body["data"]
    assert other["items"] == []


@pytest.mark.parametrize(
    "envelope",
    ["entries", "records", "elements", "list", "stuff"],
)
def test_listing_finds_the_list_under_its_usual_names_or_as_the_only_array(envelope):
    document = copy.deepcopy(SHELF)
    page = document["paths"]["/books"]["get"]["responses"]["200"]["content"]["application/json"]
    page["schema"] = {
        "type": "object",
        "required": [envelope, "count"],
        "properties": {
            "count": {"type": "integer"},
            "next": {"type": ["string", "null"], "format": "uri"},
            envelope: {"type": "array", "items": BOOK},
        },
    }
    shelf = Shelf(document)
    for title in ("a", "b", "c"):
        shelf.act("post", "/books", {"title": title})
    body = shelf.act("get", "/books", query={"limit": "5"}).body
    assert [book["title"] for book in body[envelope]] == ["a", "b", "c"]
    assert (body["count"], body["next"]) == (3, None)


def test_listing_each_page_tells_its_own_facts(things):
    told = [
        things.act("get", "/things", query=query).body["meta"]
        for query in ({"limit": "1"}, {"limit": "5"}, {"limit": "1"})
    ]
    assert told == [
        {"total_count": 4, "next_cursor": "1"},
        {"total_count": 4, "next_cursor": None},
        {"total_count": 4, "next_cursor": "1"},
    ]


def test_listing_finds_a_hal_list_under_embedded():
    document = copy.deepcopy(SHELF)
    page = document["paths"]["/books"]["get"]["responses"]["200"]["content"]["application/json"]
    page["schema"] = {
        "type": "object",
        "required": ["_embedded"],
        "properties": {
            "_embedded": {
                "type": "object",
                "properties": {"books": {"type": "array", "items": BOOK}},
            },
            "page": {"type": "object", "properties": {"totalElements": {"type": "integer"}}},
        },
    }
    shelf = Shelf(document)
    for title in ("a", "b"):
        shelf.act("post", "/books", {"title": title})
    body = shelf.act("get", "/books", query={"limit": "1"}).body
    assert [book["title"] for book in body["_embedded"]["books"]] == ["a"]
    assert body["page"]["totalElements"] == 2
