import json
from pathlib import Path
from typing import Any

import pytest

from specmock.errors import SpecError
from specmock.spec.parsing import parse_file
from specmock.spec.refs import (
    INLINED_FROM,
    Bundler,
    check_local_refs,
    distinct_refs,
    escape,
    follow,
    follow_to,
    inline_objects,
    iter_refs,
    pointer,
    resolve_pointer,
    split_pointer,
    unescape,
)

# -- pointers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "escaped"),
    [
        pytest.param("pets", "pets", id="plain"),
        pytest.param("/pets/{id}", "~1pets~1{id}", id="slash"),
        pytest.param("a~b", "a~0b", id="tilde"),
        pytest.param("~1", "~01", id="tilde-before-one"),
        pytest.param("", "", id="empty"),
    ],
)
def test_refs_escape_and_unescape_are_inverse(token, escaped):
    assert escape(token) == escaped
    assert unescape(escaped) == token


def test_refs_unescape_reads_tilde_one_before_tilde_zero():
    # `~01` is an escaped `~` followed by `1`, not an escaped `/`
    assert unescape("~01") == "~1"
    assert unescape("a~1b~0c") == "a/b~c"


def test_refs_pointer_escapes_each_part():
    assert (
        pointer(("paths", "/pets/{id}", "get", "parameters", 0))
        == "/paths/~1pets~1{id}/get/parameters/0"
    )
    assert pointer([]) == ""


def test_refs_split_pointer_unescapes_and_unquotes_tokens():
    assert split_pointer("/paths/~1pets~1{id}/get") == ["paths", "/pets/{id}", "get"]
    assert split_pointer("/components/schemas/Pet%20Owner") == [
        "components",
        "schemas",
        "Pet Owner",
    ]
    assert split_pointer("") == []


def test_refs_split_pointer_refuses_a_pointer_without_a_slash():
    with pytest.raises(ValueError, match="JSON pointer 'pets' must start with '/'"):
        split_pointer("pets")


DOCUMENT: dict[str, Any] = {
    "paths": {"/pets": {"get": {"parameters": [{"name": "limit"}, {"$ref": "#/p/Offset"}]}}},
    "p": {
        "Offset": {"name": "offset"},
        "Alias": {"$ref": "#/p/Offset"},
        "Loop": {"$ref": "#/p/Loop"},
    },
    "a~b": {"c/d": 7},
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", DOCUMENT, id="whole"),
        pytest.param("/paths/~1pets/get/parameters/0/name", "limit", id="index"),
        pytest.param("/a~0b/c~1d", 7, id="escaped"),
    ],
)
def test_refs_resolve_pointer_finds_the_value(text, expected):
    assert resolve_pointer(DOCUMENT, text) == expected


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        pytest.param("/paths/~1dogs", "/dogs", id="key"),
        pytest.param("/paths/~1pets/get/parameters/2", "2", id="index-past-the-end"),
        pytest.param("/paths/~1pets/get/parameters/-1", "-1", id="negative-index"),
        pytest.param("/a~0b/c~1d/e", "e", id="inside-a-number"),
    ],
)
def test_refs_resolve_pointer_names_the_first_missing_token(text, missing):
    with pytest.raises(KeyError) as caught:
        resolve_pointer(DOCUMENT, text)
    assert caught.value.args == (missing,)


def test_refs_follow_takes_the_whole_chain():
    assert follow(DOCUMENT, {"$ref": "#/p/Alias"}) == {"name": "offset"}
    assert follow_to(DOCUMENT, {"$ref": "#/p/Alias"}) == ({"name": "offset"}, "#/p/Offset")


def test_refs_follow_keeps_what_is_no_local_reference():
    plain = {"name": "limit"}
    assert follow_to(DOCUMENT, plain) == (plain, None)
    remote = {"$ref": "other.yaml#/p/Offset"}
    assert follow_to(DOCUMENT, remote) == (remote, None)
    assert follow(DOCUMENT, "text") == "text"


def test_refs_follow_stops_where_a_reference_points_nowhere():
    broken = {"$ref": "#/p/Nothing"}
    assert follow_to(DOCUMENT, broken) == (broken, None)
    assert follow_to(DOCUMENT, {"$ref": "#/p/Loop"}) == ({"$ref": "#/p/Loop"}, "#/p/Loop")


# -- finding and checking local references ---------------------------------------------------

WITH_DATA: dict[str, Any] = {
    "components": {
        "schemas": {
            "Pet": {
                "properties": {"owner": {"$ref": "#/components/schemas/Owner"}},
                "example": {"$ref": "#/not/a/reference"},
                "x-note": {"$ref": "#/not/one/either"},
            },
            "Owner": {"items": [{"$ref": "#/components/schemas/Pet"}]},
        }
    },
    "paths": {"/pets": {"get": {"$ref": "#/components/schemas/Pet"}}},
}


def test_refs_iter_refs_gives_each_place_and_skips_data():
    assert list(iter_refs(WITH_DATA)) == [
        (("components", "schemas", "Pet", "properties", "owner"), "#/components/schemas/Owner"),
        (("components", "schemas", "Owner", "items", 0), "#/components/schemas/Pet"),
        (("paths", "/pets", "get"), "#/components/schemas/Pet"),
    ]


def test_refs_distinct_refs_gives_each_reference_once():
    assert distinct_refs(WITH_DATA) == {"#/components/schemas/Owner", "#/components/schemas/Pet"}


def test_refs_check_local_refs_passes_a_sound_document():
    # Pet and Owner refer to each other through their content: recursive, not circular
    check_local_refs(WITH_DATA, "pets.yaml")


def test_refs_check_local_refs_passes_a_recursive_schema_and_a_chain():
    node = {"type": "object", "properties": {"children": {"items": {"$ref": "#/Node"}}}}
    check_local_refs({"Node": node, "Alias": {"$ref": "#/Again"}, "Again": {"$ref": "#/Node"}}, "")


def operation_schema(ref: str, **schemas: Any) -> dict[str, Any]:
    content = {"application/json": {"schema": {"$ref": ref}}}
    return {
        "paths": {"/pets/{id}": {"get": {"responses": {"200": {"content": content}}}}},
        "components": {"schemas": schemas},
    }


SCHEMA_AT = "/paths/~1pets~1{id}/get/responses/200/content/application~1json/schema"


@pytest.mark.parametrize(
    ("document", "where", "problem"),
    [
        pytest.param(
            {"paths": {"/pets/{id}": {"get": {"responses": {"200": {"$ref": "#/nothing"}}}}}},
            "/paths/~1pets~1{id}/get/responses/200",
            "$ref '#/nothing' points to nothing in this document",
            id="nothing-there",
        ),
        pytest.param(
            operation_schema(
                "#/components/schemas/A",
                A={"$ref": "#/components/schemas/B"},
                B={"$ref": "#/components/schemas/A", "description": "still only a reference"},
            ),
            SCHEMA_AT,
            "$ref '#/components/schemas/A' never reaches a value: the references go round "
            "#/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A",
            id="circle",
        ),
        pytest.param(
            operation_schema(
                "#/components/schemas/Pet",
                Pet={"$ref": "#/components/schemas/Pet/allOf/0"},
            ),
            "/components/schemas/Pet",
            "$ref '#/components/schemas/Pet/allOf/0' points to nothing in this document",
            id="chain-to-nothing",
        ),
        pytest.param(
            {"components": {"schemas": {"Self": {"$ref": "#/components/schemas/Self"}}}},
            "/components/schemas/Self",
            "$ref '#/components/schemas/Self' never reaches a value: the references go round "
            "#/components/schemas/Self -> #/components/schemas/Self",
            id="itself",
        ),
        pytest.param(
            operation_schema("other.yaml#/Pet"),
            SCHEMA_AT,
            "$ref 'other.yaml#/Pet' refers to another file, which only a spec read from a file "
            "can do",
            id="other-file",
        ),
    ],
)
def test_refs_check_local_refs_names_the_place_of_a_broken_reference(document, where, problem):
    with pytest.raises(SpecError) as caught:
        check_local_refs(document, "pets.yaml")
    assert caught.value.as_dict() == {"source": "pets.yaml", "where": where, "problem": problem}


# -- inlining non-schema references ----------------------------------------------------------


def test_refs_inline_objects_replaces_operation_references_and_keeps_schema_ones():
    limit = {"name": "limit", "in": "query", "schema": {"$ref": "#/components/schemas/Limit"}}
    document: dict[str, Any] = {
        "paths": {
            "/pets": {
                "parameters": [{"$ref": "#/components/parameters/Limit"}],
                "get": {
                    "responses": {
                        "404": {"$ref": "#/components/responses/NotFound", "description": "gone"}
                    }
                },
            }
        },
        "components": {
            "parameters": {"Limit": limit},
            "responses": {"NotFound": {"description": "not found", "content": {}}},
            "schemas": {"Limit": {"type": "integer"}},
        },
    }
    inlined = inline_objects(document)
    item = inlined["paths"]["/pets"]
    assert item["parameters"] == [{**limit, INLINED_FROM: "#/components/parameters/Limit"}]
    assert item["get"]["responses"]["404"] == {
        "description": "gone",
        "content": {},
        INLINED_FROM: "#/components/responses/NotFound",
    }
    assert item["parameters"][0]["schema"] is limit["schema"]  # schemas are shared, not copied
    assert document["paths"]["/pets"]["parameters"] == [{"$ref": "#/components/parameters/Limit"}]


def test_refs_inline_objects_inlines_examples_of_media_types():
    document: dict[str, Any] = {
        "paths": {
            "/pets": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "examples": {"cat": {"$ref": "#/components/examples/Cat"}}
                            }
                        }
                    }
                }
            }
        },
        "components": {"examples": {"Cat": {"value": {"name": "Tom"}}}},
    }
    body = inline_objects(document)["paths"]["/pets"]["post"]["requestBody"]
    assert body["content"]["application/json"]["examples"] == {
        "cat": {"value": {"name": "Tom"}, INLINED_FROM: "#/components/examples/Cat"}
    }


# -- bundling relative-file references -------------------------------------------------------


def files(folder: Path, **documents: Any) -> Path:
    for name, document in documents.items():
        (folder / name.replace("_", ".")).write_text(json.dumps(document))
    return folder / "root.json"


def read(path: Path) -> Any:
    return json.loads(path.read_text())


def schema_at(path: str, schema: Any) -> dict[str, Any]:
    content = {"application/json": {"schema": schema}}
    return {"paths": {path: {"get": {"responses": {"200": {"content": content}}}}}}


def test_refs_bundler_returns_a_document_with_only_local_refs_as_it_is(tmp_path):
    document = {**schema_at("/pets", {"$ref": "#/components/schemas/Pet"}), "components": {}}
    assert Bundler(tmp_path / "root.json", read).bundle(document) is document


def test_refs_bundler_hoists_a_schema_from_another_file_into_components(tmp_path):
    pet = {"Pet": {"type": "object", "properties": {"child": {"$ref": "#/Pet"}}}}
    root = files(tmp_path, pet_json=pet)
    bundler = Bundler(root, read)
    bundled = bundler.bundle(schema_at("/pets", {"$ref": "pet.json#/Pet", "description": "one"}))
    assert bundled["paths"]["/pets"]["get"]["responses"]["200"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Pet", "description": "one"}}
    }
    # the recursion stays a reference to the hoisted schema
    assert bundled["components"] == {
        "schemas": {
            "Pet": {"type": "object", "properties": {"child": {"$ref": "#/components/schemas/Pet"}}}
        }
    }
    assert bundler.files_read == {(tmp_path / "pet.json").resolve()}


def test_refs_bundler_gives_a_hoisted_schema_a_free_name(tmp_path):
    root = files(tmp_path, pet_json={"type": "string"})
    document = {
        **schema_at("/pets", {"$ref": "pet.json"}),
        "components": {"schemas": {"pet": {"type": "integer"}}},
    }
    bundled = Bundler(root, read).bundle(document)
    assert bundled["components"]["schemas"] == {
        "pet": {"type": "integer"},
        "pet_2": {"type": "string"},
    }
    schema = bundled["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]
    assert schema == {"schema": {"$ref": "#/components/schemas/pet_2"}}


def test_refs_bundler_inlines_what_is_not_a_component(tmp_path):
    root = files(tmp_path, responses_json={"Gone": {"description": "gone"}})
    document = {
        "paths": {"/pets": {"get": {"responses": {"410": {"$ref": "responses.json#/Gone"}}}}}
    }
    bundled = Bundler(root, read).bundle(document)
    assert bundled == {"paths": {"/pets": {"get": {"responses": {"410": {"description": "gone"}}}}}}


@pytest.mark.parametrize(
    ("ref", "where", "problem"),
    [
        pytest.param(
            "https://example.com/pet.json",
            "/paths/~1pets/get/responses/200/content/application~1json/schema",
            "$ref 'https://example.com/pet.json': remote references are not supported",
            id="remote",
        ),
        pytest.param(
            "pet.json#/Nothing",
            "/paths/~1pets/get/responses/200/content/application~1json/schema",
            "$ref 'pet.json#/Nothing': '/Nothing' points to nothing in pet.json",
            id="nothing-there",
        ),
    ],
)
def test_refs_bundler_errors_name_the_root_file_and_the_place(tmp_path, ref, where, problem):
    root = files(tmp_path, pet_json={"Pet": {}})
    with pytest.raises(SpecError) as caught:
        Bundler(root, read).bundle(schema_at("/pets", {"$ref": ref}))
    assert caught.value.as_dict() == {
        "source": str(root.resolve()),
        "where": where,
        "problem": problem,
    }


def test_refs_bundler_serves_a_schema_in_a_missing_file_as_anything_with_a_warning(tmp_path):
    root = tmp_path / "root.json"
    bundler = Bundler(root, read)
    bundled = bundler.bundle(schema_at("/pets", {"$ref": "gone.json"}))
    assert bundled == schema_at("/pets", {})
    missing = str((tmp_path / "gone.json").resolve())
    (warning,) = bundler.warnings
    assert warning.as_dict() == {
        "source": str(root.resolve()),
        "where": "/paths/~1pets/get/responses/200/content/application~1json/schema",
        "problem": f"$ref 'gone.json': file {missing!r} not found (served anyway: as any value)",
    }


def test_refs_bundler_leaves_out_an_operation_that_needs_an_unreadable_file(tmp_path):
    root = files(tmp_path)
    (tmp_path / "broken.yaml").write_text("a: [")
    document = {
        "paths": {
            "/pets": {
                "get": {"responses": {"200": {"$ref": "broken.yaml#/Ok"}}},
                "post": {"responses": {"201": {"description": "made"}}},
            },
            "/owners": {"parameters": [{"$ref": "gone.json"}], "get": {"responses": {}}},
        }
    }
    bundler = Bundler(root, parse_file)
    bundled = bundler.bundle(document)
    assert bundled["paths"] == {"/pets": {"post": {"responses": {"201": {"description": "made"}}}}}
    assert [(w.where, w.problem.split(" (served anyway: ")[1]) for w in bundler.warnings] == [
        ("/paths/~1pets/get/responses/200", "without GET /pets)"),
        ("/paths/~1owners/parameters/0", "without the path /owners)"),
    ]
    assert "cannot be read" in bundler.warnings[0].problem


def test_refs_bundler_refuses_a_missing_file_a_component_needs(tmp_path):
    document = {"components": {"parameters": {"Id": {"$ref": "gone.json"}}}, "paths": {}}
    with pytest.raises(SpecError) as caught:
        Bundler(tmp_path / "root.json", read).bundle(document)
    assert caught.value.where == "/components/parameters/Id"
    missing = str((tmp_path / "gone.json").resolve())
    assert caught.value.problem == f"$ref 'gone.json': file {missing!r} not found"


def test_refs_bundler_refuses_an_inlined_reference_to_itself(tmp_path):
    root = files(tmp_path, loop_json={"Loop": {"$ref": "#/Loop"}})
    document = {"paths": {"/pets": {"get": {"responses": {"200": {"$ref": "loop.json#/Loop"}}}}}}
    with pytest.raises(SpecError) as caught:
        Bundler(root, read).bundle(document)
    assert caught.value.where == "/paths/~1pets/get/responses/200"
    assert caught.value.problem == "$ref '#/Loop' refers back to itself"


SECRET = {"password": "hunter2"}


@pytest.mark.parametrize(
    ("ref", "target"),
    [
        pytest.param("../secret.json", "secret.json", id="parent"),
        pytest.param("{outside}/secret.json#/password", "secret.json", id="absolute"),
        pytest.param("link.json", "secret.json", id="symlink"),
        pytest.param("nested/../../secret.json", "secret.json", id="dot-dot"),
        pytest.param("../missing.json", "missing.json", id="missing"),
    ],
)
def test_refs_bundler_refuses_a_file_outside_its_folders_without_reading_it(tmp_path, ref, target):
    served = tmp_path / "served"
    (served / "nested").mkdir(parents=True)
    (tmp_path / "secret.json").write_text(json.dumps(SECRET))
    (served / "link.json").symlink_to(tmp_path / "secret.json")
    ref = ref.format(outside=tmp_path)
    bundler = Bundler(served / "root.json", read)
    with pytest.raises(SpecError) as caught:
        bundler.bundle(schema_at("/pets", {"$ref": ref}))
    outside, folder = str(tmp_path.resolve() / target), str(served.resolve())
    assert caught.value.as_dict() == {
        "source": str(served.resolve() / "root.json"),
        "where": "/paths/~1pets/get/responses/200/content/application~1json/schema",
        "problem": f"$ref {ref!r}: {outside!r} is outside the folders references may read "
        f"({folder!r}); allow its folder with --allow-ref-dir",
    }
    assert bundler.files_read == set()


def test_refs_bundler_reads_a_file_in_a_folder_it_is_allowed(tmp_path):
    served, shared = tmp_path / "served", tmp_path / "shared"
    served.mkdir()
    shared.mkdir()
    (shared / "pet.json").write_text(json.dumps({"type": "string"}))
    bundler = Bundler(served / "root.json", read, ref_dirs=(served, shared))
    bundled = bundler.bundle(schema_at("/pets", {"$ref": "../shared/pet.json"}))
    assert bundled["components"] == {"schemas": {"pet": {"type": "string"}}}
    with pytest.raises(SpecError, match="outside the folders references may read"):
        Bundler(served / "root.json", read).bundle(
            schema_at("/pets", {"$ref": "../shared/pet.json"})
        )
