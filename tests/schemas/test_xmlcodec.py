"""XML bodies by their schema's `xml` object: written, read back, and hostile text refused."""

from __future__ import annotations

from typing import Any

import pytest

from specmock.schemas.xmlcodec import XmlCodec

DOCUMENT: dict[str, Any] = {
    "components": {
        "schemas": {
            "Pet": {
                "type": "object",
                "xml": {"name": "pet"},
                "required": ["name", "photoUrls"],
                "properties": {
                    "id": {"type": "integer", "xml": {"attribute": True}},
                    "name": {"type": "string"},
                    "price": {"type": "number"},
                    "vaccinated": {"type": "boolean"},
                    "photoUrls": {
                        "type": "array",
                        "xml": {"name": "photoUrl", "wrapped": True},
                        "items": {"type": "string", "xml": {"name": "photoUrl"}},
                    },
                    "tags": {
                        "type": "array",
                        "xml": {"wrapped": True},
                        "items": {"$ref": "#/components/schemas/Tag"},
                    },
                    "aliases": {
                        "type": "array",
                        "items": {"type": "string", "xml": {"name": "alias"}},
                    },
                    "rank": {"type": "integer", "nullable": True},
                },
            },
            "Tag": {
                "type": "object",
                "xml": {"name": "tag"},
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
            "Unnamed": {"type": "object", "properties": {"a": {"type": "integer"}}},
            "Book": {
                "type": "object",
                "xml": {"name": "book", "namespace": "urn:books", "prefix": "b"},
                "properties": {
                    "lang": {
                        "type": "string",
                        "xml": {"attribute": True, "prefix": "l", "namespace": "urn:lang"},
                    },
                    "title": {"type": "string", "xml": {"prefix": "b"}},
                    "isbn": {"type": "string", "xml": {"prefix": "nowhere"}},
                },
            },
        }
    }
}
PET = {"$ref": "#/components/schemas/Pet"}
TAGS = {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}


@pytest.fixture
def codec() -> XmlCodec:
    return XmlCodec(DOCUMENT, legacy=True)


def test_xmlcodec_writes_names_attributes_and_wrapped_arrays(codec):
    value = {
        "id": 7,
        "name": "Rex & <Co>",
        "photoUrls": ["a", "b"],
        "tags": [{"id": 1, "name": "good"}],
        "aliases": ["x", "y"],
        "vaccinated": True,
    }
    assert codec.write(value, PET).decode() == (
        '<?xml version="1.0" encoding="UTF-8"?><pet id="7"><name>Rex &amp; &lt;Co&gt;</name>'
        "<photoUrl><photoUrl>a</photoUrl><photoUrl>b</photoUrl></photoUrl>"
        "<tags><tag><id>1</id><name>good</name></tag></tags>"
        "<alias>x</alias><alias>y</alias><vaccinated>true</vaccinated></pet>"
    )


def test_xmlcodec_reads_back_what_it_writes(codec):
    value = {
        "id": 7,
        "name": "Rex",
        "price": 1.5,
        "vaccinated": False,
        "photoUrls": ["a"],
        "tags": [{"id": 1, "name": "good"}, {"id": 2, "name": "bad"}],
        "aliases": ["x", "y"],
    }
    assert codec.read(codec.write(value, PET), PET) == value


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(b"<pet><name>3</name></pet>", {"name": "3", "photoUrls": []}, id="text-kept"),
        pytest.param(
            b"<pet><name>a</name><price>3</price><photoUrl/></pet>",
            {"name": "a", "price": 3, "photoUrls": []},
            id="number-and-empty-wrapper",
        ),
        pytest.param(
            b"<pet><name>a</name><rank/><photoUrl/></pet>",
            {"name": "a", "rank": None, "photoUrls": []},
            id="empty-nullable-is-null",
        ),
        pytest.param(
            b"<other><name>a</name><name>b</name><photoUrl/></other>",
            {"name": ["a", "b"], "photoUrls": []},
            id="repeated-scalar-is-a-list",
        ),
        pytest.param(
            b"<pet><name>a</name><vaccinated>maybe</vaccinated><photoUrl/><extra>1</extra></pet>",
            {"name": "a", "vaccinated": "maybe", "photoUrls": [], "extra": "1"},
            id="untyped-text-left-for-the-validator",
        ),
        pytest.param(
            b"<pet><name>a</name><photoUrl>null</photoUrl></pet>",
            {"name": "a", "photoUrls": "null"},
            id="text-in-a-wrapper-is-no-array",
        ),
    ],
)
def test_xmlcodec_types_text_by_the_schema(codec, body, expected):
    assert codec.read(body, PET) == expected


def test_xmlcodec_root_named_by_component_else_default(codec):
    assert codec.write({"a": 1}, {"$ref": "#/components/schemas/Unnamed"}).endswith(
        b"<Unnamed><a>1</a></Unnamed>"
    )
    assert codec.write({"a": 1}, {"type": "object"}).endswith(b"<data><a>1</a></data>")


def test_xmlcodec_namespaces_and_prefixes(codec):
    book = {"$ref": "#/components/schemas/Book"}
    written = codec.write({"lang": "en", "title": "T", "isbn": "1"}, book)
    assert written.endswith(
        b'<b:book xmlns:b="urn:books" xmlns:l="urn:lang" l:lang="en">'
        b"<b:title>T</b:title><isbn>1</isbn></b:book>"
    )  # a prefix no namespace binds is dropped: the text must parse
    assert codec.read(written, book) == {"lang": "en", "title": "T", "isbn": "1"}


def test_xmlcodec_root_arrays_wrapped_or_not(codec):
    assert codec.write([{"id": 1}], TAGS).endswith(b"<data><tag><id>1</id></tag></data>")
    siblings = b'<?xml version="1.0"?><tag><id>1</id></tag><tag><id>2</id></tag>'
    wrapped = b"<tags><tag><id>1</id></tag><tag><id>2</id></tag></tags>"
    assert codec.read(siblings, TAGS) == codec.read(wrapped, TAGS) == [{"id": 1}, {"id": 2}]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            b"<pet><name>x</name>",
            "the XML body cannot be read at line 1, column 20: no element found",
            id="malformed",
        ),
        pytest.param(
            b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(
                f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">'.encode() for n in range(2, 10)
            ).replace(b"&lol1;", b"&lol;")
            + b"]>\n<pet><name>&lol9;</name></pet>",
            "the XML body cannot be read: it declares a DTD (<!DOCTYPE>), which is refused",
            id="billion-laughs",
        ),
        pytest.param(
            b'<!DOCTYPE pet [<!ENTITY x SYSTEM "file:///etc/passwd">]><pet><name>&x;</name></pet>',
            "the XML body cannot be read: it declares a DTD (<!DOCTYPE>), which is refused",
            id="external-entity",
        ),
        pytest.param(
            b"<pet><name>&undefined;</name></pet>",
            "the XML body cannot be read at line 1, column 12: undefined entity",
            id="undefined-entity",
        ),
        pytest.param(
            b"<a>" * 300 + b"</a>" * 300,
            "the XML body cannot be read: elements are nested deeper than 200 levels",
            id="too-deep",
        ),
    ],
)
def test_xmlcodec_refuses_hostile_or_broken_text(codec, body, message):
    assert codec.read(body, PET).message == message
