import pytest

from specmock.validation.negotiation import acceptable, documented_type


@pytest.mark.parametrize(
    ("accept", "offered", "expected"),
    [
        pytest.param(None, ["application/json"], "application/json", id="no-accept"),
        pytest.param("*/*", ["application/json"], "application/json", id="any"),
        pytest.param(
            "application/*", ["text/plain", "application/json"], "application/json", id="range"
        ),
        pytest.param("text/html", ["application/json"], None, id="refused"),
        pytest.param("application/json;q=0", ["application/json"], None, id="q-zero"),
        pytest.param(
            "text/plain;q=0.5, application/json",
            ["text/plain", "application/json"],
            "application/json",
            id="quality",
        ),
        pytest.param(
            "application/json", ["application/hal+json"], "application/hal+json", id="suffix"
        ),
        pytest.param("application/json", ["*/*"], "*/*", id="offered-wildcard"),
    ],
)
def test_negotiation_acceptable(accept, offered, expected):
    assert acceptable(accept, offered) == expected


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        pytest.param("application/json; charset=utf-8", "application/json", id="params-ignored"),
        pytest.param("APPLICATION/JSON", "application/json", id="case"),
        pytest.param("text/plain", "text/*", id="range"),
        pytest.param("image/png", None, id="undocumented"),
    ],
)
def test_negotiation_documented_type(content_type, expected):
    assert documented_type(content_type, ["application/json", "text/*"]) == expected
