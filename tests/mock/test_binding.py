"""`Bindings`: what each CRUD operation is bound to at startup, on the shelf API."""

from __future__ import annotations

import copy

from specmock.mock.binding import Bindings
from specmock.spec.api import Api
from tests.mock.shelf import BOOK, SHELF, Shelf, _answer


def test_binding_knows_the_fields_the_server_owns_and_the_defaults():
    shelf = Shelf()
    binding = shelf.actions.bindings.get(shelf.operation("put", "/books/{id}"))
    assert binding is not None
    assert binding.action.role == "replace"
    assert binding.owned == {"id", "created_at", "version"}
    assert binding.defaults == {"shelf": "main"}
    assert binding.id_schema == {"type": "integer"}
    assert (binding.success.key, binding.success.status) == ("200", 200)


def test_binding_a_client_named_resource_has_its_naming_field():
    shelf = Shelf()
    create = shelf.actions.bindings.get(shelf.operation("post", "/authors"))
    books = shelf.actions.bindings.get(shelf.operation("post", "/books"))
    assert (create.chosen, books.chosen) == ("name", None)


def test_binding_an_update_writes_under_the_full_writers_schema():
    document = copy.deepcopy(SHELF)
    document["paths"]["/books/{id}"]["patch"]["requestBody"]["content"]["application/json"] = {
        "schema": {"type": "object", "properties": {"title": {"type": "string"}}}
    }
    bindings = Bindings(Api.from_dict("shelf", document))
    patch = next(o for o in bindings.api.operations if o.method == "patch")
    put = next(o for o in bindings.api.operations if o.method == "put")
    assert bindings.get(patch).write_schema is bindings.get(put).write_schema
    assert bindings.get(patch).owned == bindings.get(put).owned


def test_binding_for_item_prefers_a_full_writer_and_names_the_item_templates():
    bindings = Shelf().actions.bindings
    found = bindings.for_item("/books/12")
    assert found is not None and found.action.role == "replace"
    assert bindings.for_item("/books/12/pages") is None
    # /ping documents no item path: its records' paths are made up under it
    assert bindings.item_templates == ["/authors/{name}", "/books/{id}", "/ping/{id}"]


def test_binding_notes_the_item_a_record_lives_under_only_where_clients_make_that_item():
    document = copy.deepcopy(SHELF)
    one = {"200": {"description": "one"}}
    document["paths"]["/shelves/{sid}"] = {"get": {"responses": one}}  # made elsewhere
    for path in ("/books/{id}/lock", "/authors/{name}/lock", "/shelves/{sid}/lock"):
        document["paths"][path] = {"put": {"responses": {"204": {"description": "kept"}}}}
    bindings = Bindings(Api.from_dict("shelf", _with_path_parameters(document)))
    parents = {
        b.operation.path: b.parent
        for b in (bindings.get(o) for o in bindings.api.operations)
        if b is not None and b.parent
    }
    assert parents == {"/books/{id}/lock": "/books/{id}", "/authors/{name}/lock": "/authors/{name}"}


def _with_path_parameters(document: dict) -> dict:
    for path, item in document["paths"].items():
        names = [part.strip("{}") for part in path.split("/") if part.startswith("{")]
        declared = {p["name"] for p in item.get("parameters", [])}
        item.setdefault("parameters", []).extend(
            {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
            for n in names
            if n not in declared
        )
    return document


def test_binding_a_search_below_a_collection_lists_that_collection():
    document = copy.deepcopy(SHELF)
    document["components"] = {"schemas": {"Book": BOOK}}
    book = {"$ref": "#/components/schemas/Book"}
    document["paths"]["/books/{id}"]["get"]["responses"]["200"] = _answer("one", book)
    answer = _answer("found", {"type": "array", "items": book})
    shelf_param = {"name": "shelf", "in": "query", "schema": {"type": "string"}}
    document["paths"]["/books/findByShelf"] = {
        "get": {"parameters": [shelf_param], "responses": {"200": answer}}
    }
    document["paths"]["/books/stats"] = {"get": {"responses": {"200": _answer("stats", BOOK)}}}
    shelf = Shelf(document)
    search = shelf.actions.bindings.get(shelf.operation("get", "/books/findByShelf"))
    stats = shelf.actions.bindings.get(shelf.operation("get", "/books/stats"))
    assert (search.action.role, search.resource.collection) == ("list", "/books")
    assert stats.resource.collection == "/books/stats"  # not a list of books: left as it was
    shelf.act("post", "/books", {"title": "Dune", "shelf": "top"})
    shelf.act("post", "/books", {"title": "Emma"})
    found = shelf.act("get", "/books/findByShelf", query={"shelf": "top"})
    assert [book["title"] for book in found.body] == ["Dune"]
