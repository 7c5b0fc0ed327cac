import json
import uuid

import pytest

from specmock.errors import SpecmockError
from specmock.mock import store
from specmock.mock.server_fields import ServerFields
from specmock.mock.storage import Address
from specmock.mock.store import Store, new_id

SEED = {"pets": {"/pets/1": {"name": "Rex"}}}


def test_store_sessions_start_from_seed_and_stay_apart():
    store = Store(SEED)
    store.session("a").put("pets", "/pets/1", {"name": "A"})
    assert store.session("b").get("pets", "/pets/1").record == {"name": "Rex"}
    assert store.session("a").get("pets", "/pets/1").record == {"name": "A"}
    store.reset("a", "pets")
    assert store.session("a").get("pets", "/pets/1").record == {"name": "Rex"}
    assert SEED["pets"]["/pets/1"] == {"name": "Rex"}  # the seed itself is never written


def test_store_revisions_make_etags_and_children_are_direct_only():
    state = Store().session()
    first = state.put("pets", "/pets/1", {"name": "a"})
    second = state.put("pets", "/pets/1", {"name": "b"})
    assert (first.revision, second.revision) == (1, 2)
    assert first.etag != second.etag  # the tag follows the content...
    assert state.put("pets", "/other/9", {"name": "b"}).etag == second.etag  # ...and only it
    state.put("pets", "/pets/1/toys/3", {"name": "ball"})
    assert [path for path, _ in state.children("pets", "/pets")] == ["/pets/1"]


def test_store_records_share_their_field_names_up_to_a_bound(monkeypatch):
    state = Store().session()
    one = state.put("a", "/x/1", json.loads('{"name": "a", "tags": [{"label": "t"}]}')).record
    two = state.put("a", "/x/2", json.loads('{"name": "b", "tags": [{"label": "u"}]}')).record
    assert (one, two) == (
        {"name": "a", "tags": [{"label": "t"}]},
        {"name": "b", "tags": [{"label": "u"}]},
    )
    assert next(iter(one)) is next(iter(two))
    monkeypatch.setattr(store, "_KEPT_NAMES", 2)  # "name" and "tags" are in
    late = [state.put("a", f"/x/{n}", json.loads(f'{{"late": {n}}}')).record for n in (3, 4)]
    assert late == [{"late": 3}, {"late": 4}]  # past the bound, names are kept as they came
    assert next(iter(late[0])) is not next(iter(late[1]))


def test_store_string_ids_once_issued_are_never_given_out_again(monkeypatch):
    state = Store().session()
    made = iter(["1234567890", "abcdef0123", "abcdef0123", "fedcba9876"])
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(next(made) + "0" * 22))
    first = state.new_id("a", "/things", {"type": "string"})
    assert first == "abcdef0123"  # all digits could be an integer id issued before: passed over
    state.issue("a", "/things", str(first))
    state.put("a", f"/things/{first}", {})
    state.delete("a", f"/things/{first}")
    assert state.new_id("a", "/things", {"type": "string"}) == "fedcba9876"


@pytest.mark.parametrize(
    ("schema", "taken", "expected"),
    [
        pytest.param({"type": "integer"}, {"1", "7"}, 8, id="integer"),
        pytest.param({"type": "string", "format": "uuid"}, set(), 36, id="uuid"),
    ],
)
def test_store_new_ids_follow_the_id_schema(schema, taken, expected):
    made = new_id(schema, taken)
    assert (
        made == expected
        if isinstance(expected, int) and schema["type"] == "integer"
        else len(str(made)) == expected
    )


def test_store_state_file_round_trip_and_bad_file(tmp_path):
    path = tmp_path / "state.json"
    store = Store()
    store.session("s").put("pets", "/pets/2", {"name": "Kept"})
    store.save(path)
    again = Store()
    again.load(path)
    assert again.session("s").get("pets", "/pets/2").record == {"name": "Kept"}
    path.write_text(json.dumps({"nope": 1}))
    with pytest.raises(SpecmockError, match="cannot be read"):
        Store().load(path)


def test_store_write_applies_the_server_fields_and_keeps_what_the_server_wrote():
    fields = {
        "id": {"type": "integer", "readOnly": True},
        "name": {"type": "string"},
        "created_at": {"type": "string"},
        "version": {"type": "integer"},
    }
    server = ServerFields(fields, frozenset({"id", "created_at", "version"}), "id")
    session = Store().session()
    address = Address("/pets/7", "/pets", "7")
    first = session.write("pets", address, {"name": "a"}, server).record
    assert (first["id"], first["name"], first["version"]) == (7, "a", 1)
    session.put("pets", "/pets/7", {**first, "created_at": "2020-01-01T00:00:00Z"})
    second = session.write("pets", address, {"name": "b"}, server).record
    assert second["created_at"] == "2020-01-01T00:00:00Z"  # kept from the stored record
    assert (second["name"], second["version"]) == ("b", 2)


def test_store_write_gives_an_own_id_where_the_path_names_records_otherwise():
    fields = {"id": {"type": "integer"}, "username": {"type": "string"}}
    server = ServerFields(fields, frozenset({"id", "username"}), "username")
    session = Store().session()
    one = session.write("u", Address("/user/ann", "/user", "ann"), {}, server).record
    two = session.write("u", Address("/user/bob", "/user", "bob"), {}, server).record
    assert (one, two) == ({"id": 1, "username": "ann"}, {"id": 2, "username": "bob"})
    again = session.write("u", Address("/user/ann", "/user", "ann"), {"id": 9}, server).record
    assert again["id"] == 1  # an id once given stays
