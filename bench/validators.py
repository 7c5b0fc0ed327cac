"""Validators compared on petstore's Order: why specmock compiles with jsonschema-rs, and what the
fast path saves a request.

Prints microseconds per check of one valid Order body for: openapi-core's own validator class
(OAS30WriteValidator, built once), specmock's compiled check (jsonschema-rs with the authority's
pattern and format functions called back), plain jsonschema-rs, and fastjsonschema when it is
installed (it is not a dependency). Then microseconds per whole valid `POST /store/order` request
(parameters and body): `ApiValidator.check` (the fast path), and openapi-core's request validator
alone, which finds the path, reads every part and builds its schema validators on every call.
`python bench/validators.py`
"""

from __future__ import annotations

import json
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema_path import SchemaPath
from openapi_core import V30RequestValidator
from openapi_core.datatypes import RequestParameters
from openapi_schema_validator import OAS30WriteValidator

from specmock.spec.api import Api
from specmock.validation.documents import request_compiler
from specmock.validation.requests import Accepted, ApiValidator, RequestData

PETSTORE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "petstore.json"
ORDER = {
    "id": 10,
    "petId": 198772,
    "quantity": 7,
    "shipDate": "2024-01-15T09:30:00Z",
    "status": "approved",
    "complete": True,
}
BODY_COUNT = 20_000
REQUEST_COUNT = 500


def per_call(check: Callable[[], Any], count: int) -> float:
    """Microseconds per call, after one call to warm it."""
    check()
    return timeit.timeit(check, number=count) / count * 1e6


def body_rows(document: dict[str, Any]) -> list[tuple[str, Callable[[], Any]]]:
    """One valid Order body, checked by each validator."""
    schema = document["components"]["schemas"]["Order"]
    core = OAS30WriteValidator(schema, format_checker=OAS30WriteValidator.FORMAT_CHECKER)
    compiled = request_compiler(document, legacy=True).check(schema)
    assert compiled is not None and compiled(ORDER) and core.is_valid(ORDER)
    plain = jsonschema_rs.Draft4Validator(schema)
    rows: list[tuple[str, Callable[[], Any]]] = [
        ("openapi-core's OAS30WriteValidator, built once", lambda: core.is_valid(ORDER)),
        ("specmock compiled check (jsonschema-rs + callbacks)", lambda: compiled(ORDER)),
        ("jsonschema-rs, plain draft 4 (formats unchecked)", lambda: plain.is_valid(ORDER)),
    ]
    try:
        import fastjsonschema  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        print("fastjsonschema is not installed: its row is left out")
    else:
        fast = fastjsonschema.compile(schema)
        rows.append(("fastjsonschema, draft 4", lambda: fast(ORDER)))
    return rows


def request_rows() -> list[tuple[str, Callable[[], Any]]]:
    """One valid `POST /store/order`, judged whole."""
    api = Api.from_path(PETSTORE)
    operation = next(o for o in api.operations if (o.method, o.path) == ("post", "/store/order"))
    request = RequestData(
        "post",
        "/v2/store/order",
        "http://petstore.swagger.io",
        RequestParameters(),
        json.dumps(ORDER).encode(),
        "application/json",
    )
    validator = ApiValidator(api)
    core = V30RequestValidator(SchemaPath.from_dict(api.document))
    assert isinstance(validator.check(operation, request), Accepted)
    assert not list(core.iter_errors(request))
    return [
        ("ApiValidator.check (fast path)", lambda: validator.check(operation, request)),
        ("openapi-core's V30RequestValidator alone", lambda: list(core.iter_errors(request))),
    ]


def main() -> None:
    document = json.loads(PETSTORE.read_text(encoding="utf-8"))
    print("one Order body:")
    for label, check in body_rows(document):
        print(f"  {label:55} {per_call(check, BODY_COUNT):8.2f} us")
    print("one whole POST /store/order request:")
    for label, check in request_rows():
        print(f"  {label:55} {per_call(check, REQUEST_COUNT):8.2f} us")


if __name__ == "__main__":
    main()
