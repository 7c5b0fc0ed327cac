"""`Listing`: the stored records of a collection, filtered and paginated as the spec's query
parameters say, in the documented list shape (judged against the spec by openapi-core)."""

from __future__ import annotations

import pytest

from specmock.mock.answers import Reply
from tests.mock.shelf import Shelf


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
