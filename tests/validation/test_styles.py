"""Parameters as OpenAPI serialises them, through the stubs: for each style, explode and location,
a value written on the wire as the specification's style tables write it is accepted, and a wrong
one is a 400 naming the parameter (`styles.yaml` documents every case)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis

from specmock.config import Config
from specmock.spec.api import Api, Catalog
from specmock.violations import VIOLATIONS_HEADER
from specmock.web.app import create_app
from specmock.web.testing import LiveServer
from tests.helpers import response_errors, schemathesis_settings

STYLES = Path(__file__).parent / "styles.yaml"
API = Api.from_path(STYLES)

LABEL = {"scalar": ".5", "array": ".1", "arrayx": ".1", "object": ".a,1", "objectx": ".a=1"}
MATRIX = {
    "scalar": ";scalar=5",
    "array": ";array=1",
    "arrayx": ";arrayx=1",
    "object": ";object=a,1",
    "objectx": ";a=1",
}


def label(**values: str) -> str:
    """A /label/ path: every parameter valid unless given."""
    return "/label/" + "/".join({**LABEL, **values}.values())


def matrix(**values: str) -> str:
    """A /matrix/ path: every parameter valid unless given."""
    return "/matrix/" + "/".join({**MATRIX, **values}.values())


def case(name: str, good: Any, bad: Any, where: str, parameter: str) -> Any:
    """The request that is valid, one that is not, and the parameter that one names: `a` is an
    integer and `b` lower-case letters in every object; every array holds integers."""
    return pytest.param(good, bad, (where, parameter), id=name)


CASES = [
    case("simple array", "/simple/1,2/a,1,b,x/a=1,b=x", "/simple/1,x/a,1/a=1", "path", "array"),
    case("simple object", "/simple/1/a,1,b,x/a=1", "/simple/1/a,1,b/a=1", "path", "object"),
    case("simple exploded", "/simple/1/a,1/b=x,a=2", "/simple/1/a,1/a,1", "path", "exploded"),
    case("label scalar", label(), label(scalar="5"), "path", "scalar"),
    case("label array", label(array=".1,2,3"), label(array=".1,2,x"), "path", "array"),
    case("label array exploded", label(arrayx=".1.2"), label(arrayx=".1,2"), "path", "arrayx"),
    case("label object", label(object=".a,1,b,x"), label(object=".a,1,c,x"), "path", "object"),
    case(
        "label object exploded",
        label(objectx=".a=1.b=x"),
        label(objectx=".a=1,b=x"),
        "path",
        "objectx",
    ),
    case("matrix scalar", matrix(), matrix(scalar=";scalar=x"), "path", "scalar"),
    case("matrix array", matrix(array=";array=1,2"), matrix(array=";arr=1,2"), "path", "array"),
    case(
        "matrix array exploded",
        matrix(arrayx=";arrayx=1;arrayx=2"),
        matrix(arrayx=";arrayx=1;other=2"),
        "path",
        "arrayx",
    ),
    case(
        "matrix object",
        matrix(object=";object=a,1,b,x"),
        matrix(object=";object=a,x"),
        "path",
        "object",
    ),
    case(
        "matrix object exploded",
        matrix(objectx=";a=1;b=x"),
        matrix(objectx=";a=1;c=x"),
        "path",
        "objectx",
    ),
    case(
        "form array exploded",
        "/query?exploded=1&exploded=2",
        "/query?exploded=x",
        "query",
        "exploded",
    ),
    case("form array", "/query?joined=1,2", "/query?joined=1,,2", "query", "joined"),
    case("form object", "/query?pairs=a,1,b,x", "/query?pairs=a,1,b", "query", "pairs"),
    case(
        "form object exploded", "/query/exploded?a=1&b=x", "/query/exploded?b=X", "query", "point"
    ),
    case("form object unknown key", "/query/exploded?b=x", "/query/exploded?c=2", "query", "point"),
    case("spaceDelimited", "/query?spaced=1%202%203", "/query?spaced=1%20x", "query", "spaced"),
    case("pipeDelimited", "/query?piped=1|2|3", "/query?piped=1|2|", "query", "piped"),
    case(
        "deepObject",
        "/query/deep?filter[a]=1&filter[b]=x",
        "/query/deep?filter[a]=x",
        "query",
        "filter",
    ),
    case(
        "deepObject unknown key",
        "/query/deep?filter[b]=x",
        "/query/deep?filter[c]=1",
        "query",
        "filter",
    ),
    case("allowReserved", "/query?reserved=a/b:c?d", "/query?reserved=A", "query", "reserved"),
    case("empty string", "/query?cursor=", "/query?token=", "query", "token"),
    case("empty integer", "/query?cursor=", "/query?small=", "query", "small"),
    case("allowEmptyValue", "/query?page=", "/query?page=0", "query", "page"),
    case(
        "int32",
        "/query?small=-2147483648&big=2147483647",
        "/query?small=2147483648",
        "query",
        "small",
    ),
    case(
        "int64", "/query?big=-9223372036854775808", "/query?big=9223372036854775808", "query", "big"
    ),
    case("float", "/query?ratio=3.4028234663852886e38", "/query?ratio=1e", "query", "ratio"),
    case("int64 path", "/orders/9223372036854775806", "/orders/0", "path", "orderId"),
    case(
        "header array",
        ("/headers", {"X-Numbers": "1,2"}),
        ("/headers", {"X-Numbers": "1,x"}),
        "header",
        "X-Numbers",
    ),
    case(
        "header object",
        ("/headers", {"X-Point": "a,1,b,x"}),
        ("/headers", {"X-Point": "a,1,b"}),
        "header",
        "X-Point",
    ),
    case(
        "header object exploded",
        ("/headers", {"X-Exploded": "a=1,b=x"}),
        ("/headers", {"X-Exploded": "a=1,c=x"}),
        "header",
        "X-Exploded",
    ),
    case(
        "header int64",
        ("/headers", {"X-Big": "9223372036854775807"}),
        ("/headers", {"X-Big": "9223372036854775808"}),
        "header",
        "X-Big",
    ),
    case(
        "cookie scalar",
        ("/cookies", {"Cookie": "scalar=5"}),
        ("/cookies", {"Cookie": "scalar=x"}),
        "cookie",
        "scalar",
    ),
    case(
        "cookie array",
        ("/cookies", {"Cookie": "array=1,2"}),
        ("/cookies", {"Cookie": "array=1,b"}),
        "cookie",
        "array",
    ),
    case(
        "cookie object",
        ("/cookies", {"Cookie": "object=a,1"}),
        ("/cookies", {"Cookie": "object=c,1"}),
        "cookie",
        "object",
    ),
]


async def _get(request: str | tuple[str, dict[str, str]], method: str = "GET") -> httpx.Response:
    url, headers = (request, {}) if isinstance(request, str) else request
    app = create_app(Config(), Catalog((API,), ()))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.request(method, url, headers=headers)


@pytest.mark.anyio
@pytest.mark.parametrize(("good", "bad", "names"), CASES)
async def test_styles_values_on_the_wire_are_read_as_openapi_writes_them(
    good: Any, bad: Any, names: tuple[str, str]
) -> None:
    accepted = await _get(good)
    assert accepted.status_code == 200, accepted.text
    assert response_errors(API.document, accepted) == []
    refused = await _get(bad)
    assert refused.status_code == 400, refused.text
    errors = json.loads(refused.headers[VIOLATIONS_HEADER])
    assert {(e["in"], e["name"]) for e in errors} == {names}, errors


@pytest.mark.anyio
async def test_styles_templates_differing_in_parameter_names_serve_each_method() -> None:
    assert (await _get("/orders/7")).status_code == 200
    deleted = await _get("/orders/7", "DELETE")
    assert deleted.status_code in (200, 204), deleted.text


SERVER = LiveServer(Config(specs=STYLES))
SETTINGS = schemathesis_settings(20)


@pytest.fixture(scope="module", autouse=True)
def running_server() -> Iterator[None]:
    """The live server the Schemathesis runs call (started for every test here: its socket is
    bound when the module loads, and closed only by a run)."""
    with SERVER:
        yield


def _cross_check(mode: str, *, skip: tuple[str, ...] = (), lossy: tuple[str, ...] = ()) -> Any:
    """Schemathesis serialises every style its own way: each operation, every check but `skip`,
    no failure. In negative mode, `lossy` operations are left out: there Schemathesis writes an
    invalid value as text that is a valid one (a `null` or empty list it drops from an object, a
    label array `.0.5` for the number 0.5, a matrix `;array=5` for the integer 5, an object cookie
    or header left empty)."""
    served = SERVER.app.state.specmock.served["styles"]
    generation = {**SETTINGS["generation"], "mode": mode}
    checks = {**SETTINGS["checks"], **{name: {"enabled": False} for name in skip}}
    settings = {**SETTINGS, "generation": generation, "checks": checks}
    config = schemathesis.Config.from_dict({**settings, "base-url": SERVER.url + served.mount})
    schema = schemathesis.openapi.from_dict(served.effective, config=config)
    selected = schema.exclude(path=list(lossy)) if lossy else schema

    @selected.parametrize()
    def test(case: Any, running_server: None) -> None:
        case.call_and_validate()

    return test


# Schemathesis takes /orders/{orderId} (GET) and /orders/{id} (DELETE) for two resources, so no
# answer can satisfy it: one URL has one set of methods, both, which `Allow` lists and DELETE
# reaches (it expects 405 for DELETE on the first and an `Allow` of GET alone).
ONE_ROUTE = ("allow_header_conformance", "unsupported_method")
test_styles_schemathesis_positive_finds_nothing = _cross_check("positive", skip=ONE_ROUTE)
test_styles_schemathesis_negative_finds_nothing = _cross_check(
    "negative",
    skip=ONE_ROUTE,
    lossy=(
        "/label/{scalar}/{array}/{arrayx}/{object}/{objectx}",
        "/matrix/{scalar}/{array}/{arrayx}/{object}/{objectx}",
        "/query/exploded",
        "/query/deep",
        "/headers",
        "/cookies",
    ),
)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param(
            label(scalar="5"),
            "value '5' cannot be read: '5' does not start with '.', as a label-style value does",
            id="label",
        ),
        pytest.param(
            matrix(array=";arr=1"),
            "value ';arr=1' cannot be read: ';arr=1' does not start with ';array=', "
            "as a matrix-style value does",
            id="matrix",
        ),
        pytest.param(
            "/query?pairs=a,1,b",
            "value 'a,1,b' cannot be read: 'a,1,b' is not a list of name and value pairs",
            id="pairs",
        ),
        pytest.param(
            "/query/deep?filter[c]=1",
            "Additional properties are not allowed ('c' was unexpected)",
            id="deepObject",
        ),
        pytest.param("/query?token=", "'' should be non-empty", id="empty"),
    ],
)
async def test_styles_a_value_not_written_in_its_style_says_what_it_lacks(
    url: str, message: str
) -> None:
    refused = await _get(url)
    assert refused.status_code == 400
    assert [e["message"] for e in json.loads(refused.headers[VIOLATIONS_HEADER])] == [message]
