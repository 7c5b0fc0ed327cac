import json
import uuid

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from specmock.errors import SpecmockError
from specmock.mock import store
from specmock.mock import store as store_module
from specmock.mock.redis_store import RedisStore
from specmock.mock.server_fields import ServerFields
from specmock.mock.storage import Address
from specmock.mock.store import Store, new_id
from tests.redis_server import RedisServer

SEED = {"pets": {"/pets/1": {"name": "Rex"}}}


@pytest.fixture(params=["memory", "redis"])
def make_store(request):
    """Stores of either backend (a Redis one under a key prefix of its own), for the tests of
    what every backend promises."""
    if request.param == "memory":
        return Store
    server: RedisServer = request.getfixturevalue("redis_server")
    prefix = f"t{uuid.uuid4().hex[:8]}"
    return lambda seed=None: RedisStore(server.url, seed, prefix=prefix)


def test_store_sessions_start_from_seed_and_stay_apart(make_store):
    store = make_store(SEED)
    store.session("a").put("pets", "/pets/1", {"name": "A"})
    assert store.session("b").get("pets", "/pets/1").record == {"name": "Rex"}
    assert store.session("a").get("pets", "/pets/1").record == {"name": "A"}
    store.reset("a", "pets")
    assert store.session("a").get("pets", "/pets/1").record == {"name": "Rex"}
    assert SEED["pets"]["/pets/1"] == {"name": "Rex"}  # the seed itself is never written
    assert sorted(store.session_names(10)) == ["a", "b"]
    store.end("a")
    assert store.session_names(10) == ["b"]


def test_store_revisions_make_etags_and_children_are_direct_only(make_store):
    state = make_store().session()
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


def test_store_string_ids_once_issued_are_never_given_out_again(make_store, monkeypatch):
    state = make_store().session()
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


def test_store_write_applies_the_server_fields_and_keeps_what_the_server_wrote(make_store):
    fields = {
        "id": {"type": "integer", "readOnly": True},
        "name": {"type": "string"},
        "created_at": {"type": "string"},
        "version": {"type": "integer"},
    }
    server = ServerFields(fields, frozenset({"id", "created_at", "version"}), "id")
    session = make_store().session()
    address = Address("/pets/7", "/pets", "7")
    first = session.write("pets", address, {"name": "a"}, server).record
    assert (first["id"], first["name"], first["version"]) == (7, "a", 1)
    session.put("pets", "/pets/7", {**first, "created_at": "2020-01-01T00:00:00Z"})
    second = session.write("pets", address, {"name": "b"}, server).record
    assert second["created_at"] == "2020-01-01T00:00:00Z"  # kept from the stored record
    assert (second["name"], second["version"]) == ("b", 2)


def test_store_write_gives_an_own_id_where_the_path_names_records_otherwise(make_store):
    fields = {"id": {"type": "integer"}, "username": {"type": "string"}}
    server = ServerFields(fields, frozenset({"id", "username"}), "username")
    session = make_store().session()
    one = session.write("u", Address("/user/ann", "/user", "ann"), {}, server).record
    two = session.write("u", Address("/user/bob", "/user", "bob"), {}, server).record
    assert (one, two) == ({"id": 1, "username": "ann"}, {"id": 2, "username": "bob"})
    again = session.write("u", Address("/user/ann", "/user", "ann"), {"id": 9}, server).record
    assert again["id"] == 1  # an id once given stays


def _nested(depth):
    value: dict = {}
    leaf = value
    for _ in range(depth):
        leaf["a"] = {}
        leaf = leaf["a"]
    return value


def test_store_save_keeps_a_deep_record_and_reports_one_too_deep_to_write(tmp_path):
    path = tmp_path / "state.json"
    store = Store()
    session = store.session("s")
    session.put("pets", "/pets/1", {"name": "Kept"})
    session.put("pets", "/pets/2", {"deep": _nested(985)})  # indent=1 used to raise here
    session.put("pets", "/pets/3", {"deeper": _nested(100_000)})
    unsaved = store.save(path)
    assert len(unsaved) == 1
    assert unsaved[0].startswith("session 's', API 'pets', record /pets/3 cannot be saved: Recur")
    again = Store()
    assert again.load(path) == []
    assert again.session("s").get("pets", "/pets/1").record == {"name": "Kept"}
    assert again.session("s").get("pets", "/pets/2").record == {"deep": _nested(985)}
    assert again.session("s").get("pets", "/pets/3") is None
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary file left


def test_store_load_leaves_out_the_records_the_check_refuses_naming_them(tmp_path):
    path = tmp_path / "state.json"
    saved = {"": {"pets": {"/pets/1": {"name": "ok"}, "/pets/2": {"name": 5}, "/pets/3": [1]}}}
    path.write_text(json.dumps({"sessions": saved}))

    def check(api, item, record):
        return None if isinstance(record["name"], str) else f"name {record['name']!r} is no string"

    store = Store()
    refused = [str(error) for error in store.load(path, check)]
    assert refused == [
        f"{path}: session '', API 'pets', record /pets/2: not loaded: name 5 is no string",
        f"{path}: session '', API 'pets', record /pets/3: not loaded: a record must be an object,"
        " got [1]",
    ]
    assert [p for p, _ in store.session().children("pets", "/pets")] == ["/pets/1"]


def test_store_changes_count_every_write_delete_and_reset():
    store = Store(SEED)
    session = store.session("a")
    seen = [store.changes]
    session.put("pets", "/pets/2", {"name": "B"})
    seen.append(store.changes)
    session.delete("pets", "/pets/2")
    seen.append(store.changes)
    store.reset("a")
    seen.append(store.changes)
    store.session("a").get("pets", "/pets/1")
    seen.append(store.changes)
    assert seen[0] < seen[1] < seen[2] < seen[3] == seen[4]  # each change counted, a read not


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_store_a_session_in_use_is_kept_and_a_new_one_refused_when_full():
    clock = Clock()
    store = Store(max_sessions=3, session_ttl=60, clock=clock)
    store.session("")  # the default session is never dropped
    store.session("a").put("pets", "/pets/1", {"name": "A"})
    store.session("b")
    clock.now += 59
    with pytest.raises(store_module.SessionRefused) as refused:
        store.session("c")
    assert str(refused.value) == (
        "session 'c' cannot start: 3 sessions are in use and none has been idle for 60 s"
        " (--session-ttl); retry in 1 s"
    )
    assert store.session("a").get("pets", "/pets/1").record == {"name": "A"}


def test_store_a_session_idle_past_the_ttl_gives_way_to_a_new_one():
    clock = Clock()
    store = Store(max_sessions=3, session_ttl=60, clock=clock)
    store.session("a").put("pets", "/pets/1", {"name": "A"})
    store.session("b")
    store.session("")
    clock.now += 30
    store.session("b")  # used again: "a" is now the one idle the longest
    clock.now += 31
    store.session("c")
    assert store.session("b") is not None and store.end("a") is False  # "a" was dropped


def test_store_string_ids_issued_are_remembered_up_to_a_bound():
    state = Store().session()
    for n in range(3 * store_module._RECENT_IDS):
        state.issue("a", "/things", f"id{n}")
    assert len(state._issued) == store_module._RECENT_IDS
    taken = store_module._Recent(("a", "/things"), state._issued)
    assert f"id{3 * store_module._RECENT_IDS - 1}" in taken and "id0" not in taken


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "pattern": "^MG[0-9a-fA-F]{32}$", "minLength": 34, "maxLength": 34},
        {"type": "string", "minLength": 12},
        {"type": "string", "maxLength": 4},
        {"type": "integer", "minimum": 1000},
    ],
)
def test_store_new_ids_meet_their_path_parameters_schema(schema):
    taken: set[str] = set()
    for _ in range(5):
        made = new_id(schema, taken)
        assert not list(Draft202012Validator(schema).iter_errors(made)), made
        assert str(made) not in taken
        taken.add(str(made))


def test_store_delete_takes_the_records_under_the_item_with_it(make_store):
    state = make_store().session()
    for path in (
        "/pets/1",
        "/pets/1/lock",
        "/pets/1/toys/3",
        "/pets/1/toys/3/parts/9",
        "/pets/1/a/b/4",
        "/pets/10",
        "/pets/10/lock",
    ):
        state.put("pets", path, {"at": path})
    assert state.delete("pets", "/pets/1")
    assert sorted(state.records("pets")) == ["/pets/10", "/pets/10/lock"]
    assert [path for path, _ in state.children("pets", "/pets/1/toys")] == []
    state.put("pets", "/pets/1", {"again": True})  # a new item at the same path starts empty
    state.put("pets", "/pets/1/toys/5", {})
    assert state.get("pets", "/pets/1/lock") is None
    assert state.delete("pets", "/pets/1")
    assert sorted(state.records("pets")) == ["/pets/10", "/pets/10/lock"]


def test_store_an_id_of_unicode_digits_is_a_string_id_not_a_number(make_store):
    """`'²'.isdigit()` is true and `int('²')` fails: Schemathesis found a 500 on `/parts/²`."""
    state = make_store(SEED).session()
    assert not state.was_issued("pets", "/pets", "²")
    state.issue("pets", "/pets", "²")
    assert state.was_issued("pets", "/pets", "²")
    assert not state.was_issued("pets", "/pets", "3")  # no integer id was counted up by it
