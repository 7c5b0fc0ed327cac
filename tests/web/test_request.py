import pytest
from starlette.datastructures import Headers

from specmock.web.request import HeaderTable, WireRequest, raw_path, session_of

RAW = [
    (b"accept", b"application/json"),
    (b"x-trace", b"first"),
    (b"content-type", b"application/json"),
    (b"x-trace", b"second"),
]


@pytest.mark.parametrize("name", ["accept", "Accept", "X-TRACE", "x-trace", "prefer", "If-Match"])
def test_wire_header_table_reads_as_starlette_headers_do(name):
    table, starlette = HeaderTable({"headers": RAW}), Headers(scope={"headers": RAW})
    assert table.get(name) == starlette.get(name)
    assert table.get(name, "absent") == starlette.get(name, "absent")
    assert (name in table) == (name in starlette)
    assert table.getlist(name) == starlette.getlist(name)


def test_wire_header_table_first_value_wins_and_absent_names_raise_key_error():
    table = HeaderTable({"headers": RAW})
    assert table["X-Trace"] == "first"
    with pytest.raises(KeyError):
        table["prefer"]


def test_wire_request_headers_are_one_table():
    request = WireRequest({"type": "http", "headers": RAW})
    assert isinstance(request.headers, HeaderTable)
    assert request.headers is request.headers


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        pytest.param({"path": "/a/b c", "raw_path": b"/a%2Fb%20c"}, "/a%2Fb%20c", id="as-sent"),
        pytest.param({"path": "/a/b"}, "/a/b", id="no-raw-path"),
        pytest.param({"path": "/a/b", "raw_path": b""}, "/a/b", id="empty-raw-path"),
    ],
)
def test_wire_raw_path_is_the_path_as_sent(scope, expected):
    assert raw_path(scope) == expected


@pytest.mark.parametrize(
    ("headers", "session"),
    [
        pytest.param([], "", id="shared-default"),
        pytest.param([(b"x-specmock-session", b"alice")], "alice", id="named"),
    ],
)
def test_wire_session_of_reads_the_session_header(headers, session):
    assert session_of(WireRequest({"type": "http", "headers": headers})) == session
