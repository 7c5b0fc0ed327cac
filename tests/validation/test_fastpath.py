"""The fast path against openapi-core, on Schemathesis-generated requests (differential).

For every operation of the shipped specs, the test specs, Swagger's petstore and every parameter
style (`styles.yaml`), Schemathesis writes valid and invalid requests; each is read off the wire
as the stubs read it and judged by both the fast path and `ApiValidator._violations` (openapi-core,
the authority):

- the fast path never accepts a request openapi-core refuses;
- where it refuses, openapi-core judging only the parts it named gives the same violations as
  openapi-core judging the whole request;
- where openapi-core accepts a request the fast path sends on, the fast path's reason must be one
  of `EXPLAINED` (why that request needs openapi-core), never "refused by the compiled check": a
  compiled check that says no to a valid value is a disagreement, and fails the test.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck
from openapi_core.datatypes import RequestParameters
from schemathesis.generation import GenerationMode
from starlette.datastructures import Headers, QueryParams
from starlette.requests import cookie_parser

from specmock.spec.api import Api, Catalog, Operation
from specmock.spec.routing import Router
from specmock.validation.requests import ApiValidator, RequestData
from specmock.violations import Violation
from tests.conftest import SPECS
from tests.helpers import TESTS

HERE = TESTS
PETSTORE = HERE / "fixtures" / "petstore.json"

# Why a request openapi-core accepts may still need openapi-core: the fast path reads only what it
# reads exactly as openapi-core does.
EXPLAINED = {
    r"parameter '.*': sent \d+ times$": "a repeated scalar: openapi-core picks the value it reads",
    r"query parameter '.*': empty$": "an empty query value: openapi-core applies allowEmptyValue",
    r"parameter '.*': not a scalar in its default style$": (
        "arrays, objects and explicit styles are read by openapi-core's style deserializers"
    ),
    r"parameter '.*': not written as its type$": (
        "a boolean written 'True' or '1': openapi-core's caster takes several spellings"
    ),
    r"^body: '.*' is not a documented JSON type$": "form, multipart and text bodies",
    r"^body: no compiled check$": "a schema with a discriminator or patternProperties",
    r"^body: an empty form$": "an empty URL-encoded body, read as a form without fields",
    r"parameter '.*': no compiled check$": "a parameter schema with no compiled check",
}


def _apis() -> list[Api]:
    catalog = Catalog.from_path(SPECS)
    own = Catalog.from_path(HERE / "specs")
    styles = Api.from_path(HERE / "validation" / "styles.yaml")
    return [*catalog.apis, *own.apis, Api.from_path(PETSTORE), styles]


APIS = {api.name: api for api in _apis()}
VALIDATORS: dict[str, ApiValidator] = {}
CASES = [
    (name, operation.method, operation.path)
    for name, api in APIS.items()
    for operation in api.operations
]
# Reasons seen per API, across the parametrized cases (checked by the last test).
SEEN: Counter[tuple[str, str]] = Counter()


def _validator(name: str) -> ApiValidator:
    if name not in VALIDATORS:
        VALIDATORS[name] = ApiValidator(APIS[name])
    return VALIDATORS[name]


def _operation(name: str, method: str, path: str) -> Operation:
    return next(o for o in APIS[name].operations if (o.method, o.path) == (method, path))


def _wire(case: Any, operation: Operation) -> RequestData | None:
    """The request as the stubs read it off the wire (None when it cannot be sent at all)."""
    try:
        prepared = requests.Request(**case.as_transport_kwargs(base_url="http://h")).prepare()
    except (ValueError, TypeError, UnicodeError, requests.RequestException):
        return None
    url = urlsplit(prepared.url or "")
    router = Router()
    router.add("", [operation])
    match = router.match(url.path)
    if match is None:
        return None  # a path parameter that leaves the path (`/`): no operation is routed
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in prepared.headers.items()]
    headers = Headers(raw=raw)
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    if body is not None and not isinstance(body, bytes):
        return None  # a streamed body: Schemathesis writes none
    return RequestData(
        method=operation.method,
        path=url.path,
        host_url="",
        parameters=RequestParameters(
            query=QueryParams(url.query),
            header=headers,
            cookie=cookie_parser(headers.get("cookie", "")),
            path=match.params,
        ),
        body=body or None,
        content_type=headers.get("content-type") or "application/octet-stream",
    )


def _comparable(violations: list[Violation]) -> list[Violation]:
    """Violations without object addresses (openapi-core reads an XML body into Elements)."""
    return [replace(v, message=re.sub(r" at 0x[0-9a-f]+", "", v.message)) for v in violations]


def _explained(reason: str) -> bool:
    return any(re.search(pattern, reason) for pattern in EXPLAINED)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("name", "method", "path"), CASES)
def test_fast_path_agrees_with_openapi_core(
    name: str, method: str, path: str, mode: GenerationMode
) -> None:
    api = APIS[name]
    operation = _operation(name, method, path)
    if mode is GenerationMode.NEGATIVE and not (
        operation.parameters or operation.spec.get("requestBody")
    ):
        pytest.skip("no parameter and no body: nothing can be invalid")
    validator = _validator(name)
    schema = schemathesis.openapi.from_dict(api.document)
    generated = schema[path][method.upper()]

    @hypothesis.settings(
        max_examples=25,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=generated.as_strategy(generation_mode=mode))
    def judge(case: Any) -> None:
        request = _wire(case, operation)
        if request is None:
            return  # not sendable, or not routed to this operation: nothing to judge
        judgement = validator._fast.judge(
            operation, request.parameters, request.body, request.content_type
        )
        violations = validator._violations(operation, request)
        if judgement.accepted:
            assert not violations, f"fast path accepted what openapi-core refuses: {violations}"
            return
        partial = validator._violations(operation, request, judgement)
        assert _comparable(partial) == _comparable(violations)
        if not violations:
            for reason in judgement.reasons:
                SEEN[(name, reason)] += 1
                assert _explained(reason), f"openapi-core accepts, the fast path says: {reason}"

    try:
        judge()
    except hypothesis.errors.Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise
        pytest.skip(
            "Schemathesis cannot make this operation's requests invalid and still send them"
        )


@pytest.mark.parametrize("name", ["petstore", "aisquared", "polytomic", "apigateway"])
def test_every_operation_has_compiled_checks(name: str) -> None:
    """The fast path is not a pass-through: every parameter and JSON body of petstore and of the
    shipped specs has a compiled check (what the test above relies on for its speed claims)."""
    validator = _validator(name)
    for operation in APIS[name].operations:
        check = validator._fast._build(operation)
        assert check is not None, operation.label
        for parameter in check.parameters:
            assert parameter.check is not None, f"{operation.label}: {parameter}"
        for media_type, body in check.bodies.items():
            assert body is not None, f"{operation.label}: {media_type}"
