"""Body validators compared on petstore's Order: why specmock compiles with jsonschema-rs.

Prints microseconds per check of one valid Order body for: openapi-core's own validator class
(OAS30WriteValidator, built once), specmock's compiled check (jsonschema-rs with the authority's
pattern and format functions called back), plain jsonschema-rs, and fastjsonschema when it is
installed (it is not a dependency). `python bench/validators.py`
"""

from __future__ import annotations

import json
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema_rs
from openapi_schema_validator import OAS30WriteValidator

from specmock.validation.documents import request_compiler

PETSTORE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "petstore.json"
ORDER = {
    "id": 10,
    "petId": 198772,
    "quantity": 7,
    "shipDate": "2024-01-15T09:30:00Z",
    "status": "approved",
    "complete": True,
}
COUNT = 20_000


def per_call(check: Callable[[], Any]) -> float:
    """Microseconds per call, after one call to warm it."""
    check()
    return timeit.timeit(check, number=COUNT) / COUNT * 1e6


def main() -> None:
    document = json.loads(PETSTORE.read_text(encoding="utf-8"))
    schema = document["components"]["schemas"]["Order"]
    core = OAS30WriteValidator(schema, format_checker=OAS30WriteValidator.FORMAT_CHECKER)
    compiled = request_compiler(document, legacy=True).check(schema)
    assert compiled is not None and compiled(ORDER) and core.is_valid(ORDER)
    plain = jsonschema_rs.Draft4Validator(schema)
    rows = [
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
    for label, check in rows:
        print(f"{label:55} {per_call(check):8.2f} us")


if __name__ == "__main__":
    main()
