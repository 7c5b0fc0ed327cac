import pytest

from specmock.problems import Problem
from specmock.validation.negotiation import (
    acceptable,
    choose,
    documented_type,
    is_xml,
    unterminated_multipart,
)


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


def test_negotiation_choose_names_the_type_or_the_406_with_what_is_documented():
    content: dict[str, dict[str, str]] = {"application/json": {}, "text/csv": {}}
    assert choose("text/*", content) == "text/csv"
    refused = choose("image/png", content)
    assert isinstance(refused, Problem) and refused.status == 406
    assert refused.detail == (
        "Accept 'image/png' admits none of the documented types: application/json, text/csv"
    )
    assert [(v.location, v.name) for v in refused.errors] == [("header", "Accept")]


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        pytest.param(
            "multipart/form-data; boundary=XX",
            b'--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\n1',
            "the multipart body never ends: no closing '--XX--' delimiter",
            id="cut-short",
        ),
        pytest.param(
            'multipart/form-data; boundary="X Y"',
            b'--X Y\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--X Y--\r\nepilogue',
            None,
            id="closed-quoted-with-epilogue",
        ),
        pytest.param("application/json", b"{", None, id="not-multipart"),
        pytest.param("multipart/form-data; boundary=XX", b"", None, id="no-body"),
    ],
)
def test_negotiation_unterminated_multipart_is_named(content_type, body, expected):
    assert unterminated_multipart(content_type, body) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        pytest.param("*/*", "application/json", id="browser-any"),
        pytest.param(None, "application/json", id="no-accept"),
        pytest.param("application/xml", "application/xml", id="asked-for-xml"),
        pytest.param("application/xml, */*;q=0.1", "application/xml", id="xml-preferred"),
        pytest.param("text/*", None, id="neither"),
    ],
)
def test_negotiation_json_wins_a_tie_where_a_spec_lists_xml_first(accept, expected):
    assert acceptable(accept, ["application/xml", "application/json"]) == expected


def test_negotiation_documented_type_prefers_the_type_written_with_the_same_parameters():
    documented = ["application/json;version=2018-01-01", "application/json;version=YYYY-MM-DD"]
    assert documented_type("application/json; version=YYYY-MM-DD", documented) == documented[1]
    assert documented_type("Application/JSON;version=2018-01-01", documented) == documented[0]
    assert documented_type("application/json", documented) == documented[0]


@pytest.mark.parametrize(
    ("media_type", "expected"),
    [
        pytest.param("application/xml", True, id="xml"),
        pytest.param("Text/XML; charset=utf-8", True, id="text-xml"),
        pytest.param("application/atom+xml", True, id="suffix"),
        pytest.param("application/json", False, id="json"),
        pytest.param("application/xml-dtd", False, id="not-xml"),
    ],
)
def test_negotiation_is_xml(media_type, expected):
    assert is_xml(media_type) is expected
