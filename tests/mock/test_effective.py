"""The effective contract: what the fake answers is documented there, whatever the source lacks."""

from __future__ import annotations

from specmock.mock.effective import effective_document
from specmock.spec.api import Api


def test_effective_an_operation_documenting_no_response_gets_the_empty_200_it_answers():
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"post": {}}, "/y": {"get": {"responses": {"204": {"description": "ok"}}}}},
    }
    effective = effective_document(Api.from_dict("t", document), "/t")
    posted = effective["paths"]["/x"]["post"]["responses"]
    assert posted["200"] == {"description": "No response is documented (added by specmock)"}
    assert "200" not in effective["paths"]["/y"]["get"]["responses"]  # documented: left alone
