"""XML bodies end to end (`tests/specs_xml`): read by their schema, stored, and answered in XML or
JSON as `Accept` asks; hostile XML refused with a 400 naming why, never a hang or a 500."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import fromstring

import httpx
import pytest

from specmock.config import Config
from specmock.web.testing import LiveServer
from tests.helpers import TESTS, response_errors

XML = {"Content-Type": "application/xml"}
PET = (
    b'<?xml version="1.0" encoding="UTF-8"?><pet><name>Rex</name>'
    b"<photoUrl><photoUrl>a.png</photoUrl><photoUrl>b.png</photoUrl></photoUrl>"
    b"<tags><tag><name>good</name></tag></tags><vaccinated>true</vaccinated></pet>"
)


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(Config(specs=TESTS / "specs_xml", max_body=4096)) as running:
        yield running


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def document(server: LiveServer) -> dict[str, Any]:
    with httpx.Client(base_url=server.url) as client:
        found: dict[str, Any] = client.get("/__specmock/apis/petxml/openapi.json").json()
        return found


def violations(response: httpx.Response) -> list[dict[str, str]]:
    found: list[dict[str, str]] = json.loads(response.headers["x-specmock-violations"])
    return found


def test_stubs_xml_created_as_xml_reads_back_as_json_and_xml(client, document):
    created = client.post("/pet", content=PET, headers=XML)
    assert (created.status_code, created.headers["content-type"]) == (200, "application/json")
    assert response_errors(document, created) == []
    pet = created.json()
    assert pet == {
        "id": pet["id"],
        "name": "Rex",
        "photoUrls": ["a.png", "b.png"],
        "tags": [{"name": "good"}],
        "vaccinated": True,
    }
    as_json = client.get(f"/pet/{pet['id']}")
    assert (as_json.json(), response_errors(document, as_json)) == (pet, [])
    as_xml = client.get(f"/pet/{pet['id']}", headers={"Accept": "application/xml"})
    assert as_xml.headers["content-type"] == "application/xml"
    assert as_xml.content == PET.replace(b"</pet>", f"<id>{pet['id']}</id></pet>".encode())


def test_stubs_xml_created_as_json_reads_back_as_xml(client):
    body = {"name": "Tom", "photoUrls": ["t.png"], "category": {"id": 3, "name": "cats"}}
    created = client.post("/pet", json=body, headers={"Accept": "application/xml"})
    assert created.headers["content-type"] == "application/xml"
    root = fromstring(created.content)
    pet_id = root.findtext("id")
    assert (root.tag, root.findtext("name"), root.findtext("category/name")) == (
        "pet",
        "Tom",
        "cats",
    )
    read = client.get(f"/pet/{pet_id}", headers={"Accept": "application/json"})
    assert read.json() == {**body, "id": int(str(pet_id))}


def test_stubs_xml_only_operation_answers_xml_for_any_accept(client):
    created = client.post(
        "/tags", content=b"<tag><name>new</name></tag>", headers={"Content-Type": "text/xml"}
    )
    assert (created.status_code, created.headers["content-type"]) == (
        201,
        "text/xml; charset=utf-8",
    )
    tag_id = fromstring(created.content).findtext("id")
    read = client.get(f"/tags/{tag_id}", headers={"Accept": "*/*"})
    written = f"<tag><name>new</name><id>{tag_id}</id></tag>"
    assert read.text == f'<?xml version="1.0" encoding="UTF-8"?>{written}'


def test_stubs_xml_writes_namespaces_prefixes_and_attributes(client):
    response = client.get("/catalog")
    assert response.headers["content-type"] == "application/atom+xml"
    root = fromstring(response.content)
    assert root.tag == "{urn:example:catalog}catalog"
    assert response.text.split("?>", 1)[1].startswith(
        '<cat:catalog xmlns:cat="urn:example:catalog" xmlns:xml2="urn:example:lang" version="'
    )
    assert int(root.attrib["version"]) >= 0 and "{urn:example:lang}lang" in root.attrib


def test_stubs_xml_example_written_as_xml_is_served_as_it_is(client):
    response = client.get("/greeting")
    assert response.text == "<tag><id>1</id><name>hello</name></tag>"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(
                f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">'.encode() for n in range(1, 10)
            ).replace(b"&lol0;", b"&lol;")
            + b"]><pet><name>&lol9;</name></pet>",
            "the XML body cannot be read: it declares a DTD (<!DOCTYPE>), which is refused",
            id="billion-laughs",
        ),
        pytest.param(
            b'<!DOCTYPE pet [<!ENTITY x SYSTEM "file:///etc/passwd">]><pet><name>&x;</name></pet>',
            "the XML body cannot be read: it declares a DTD (<!DOCTYPE>), which is refused",
            id="external-entity",
        ),
        pytest.param(
            b"<pet><name>Rex</name>\n<photoUrl></pet>",
            "the XML body cannot be read at line 2, column 13: mismatched tag",
            id="malformed",
        ),
        pytest.param(
            b"<pet><name>Rex</name><photoUrl><photoUrl>a</photoUrl></photoUrl>"
            b"<vaccinated>maybe</vaccinated></pet>",
            "'maybe' is not of type 'boolean'",
            id="schema",
        ),
    ],
)
def test_stubs_xml_refuses_hostile_or_invalid_bodies_with_a_400(client, body, message):
    response = client.post("/pet", content=body, headers=XML)
    assert response.status_code == 400
    assert [v["message"] for v in violations(response)] == [message]


def test_stubs_xml_body_over_the_limit_is_a_413(client):
    big = b"<pet><name>" + b"x" * 5000 + b"</name></pet>"
    assert client.post("/pet", content=big, headers=XML).status_code == 413
