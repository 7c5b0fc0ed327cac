import base64

import pytest

from specmock.validation.security import Credentials, Requirements

DOCUMENT = {
    "components": {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "basic": {"type": "http", "scheme": "basic"},
            "sigv4": {"type": "apiKey", "in": "header", "name": "Authorization"},
            "key": {"type": "apiKey", "in": "query", "name": "api_key"},
        }
    }
}


def creds(headers=None, query=None, cookies=None):
    return Credentials(
        {k.lower(): v for k, v in (headers or {}).items()}, query or {}, cookies or {}
    )


def requirements(*alternatives):
    return Requirements.for_operation(DOCUMENT, {"security": list(alternatives)})


def test_security_missing_bearer_names_the_header_and_scheme():
    (violation,) = requirements({"bearer": []}).check(creds(), frozenset())
    assert violation.location == "header" and violation.name == "Authorization"
    assert violation.message == (
        "missing credential for security scheme 'bearer': "
        "expected 'Authorization: Bearer <credentials>'"
    )


def test_security_any_value_passes_without_tokens_and_only_tokens_pass_with_them():
    bearer = requirements({"bearer": []})
    assert bearer.check(creds({"Authorization": "Bearer anything"}), frozenset()) == []
    assert bearer.check(creds({"Authorization": "Bearer T"}), frozenset({"T"})) == []
    (violation,) = bearer.check(creds({"Authorization": "Bearer wrong"}), frozenset({"T"}))
    assert violation.message == "credential 'wrong' is not accepted by security scheme 'bearer'"


def test_security_one_alternative_is_enough():
    either = requirements({"bearer": []}, {"basic": []})
    pair = base64.b64encode(b"user:pw").decode()
    assert either.check(creds({"Authorization": f"Basic {pair}"}), frozenset({"user:pw"})) == []
    assert len(either.check(creds(), frozenset())) == 2


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        pytest.param("T", True, id="bare"),
        pytest.param("AWS4-HMAC-SHA256 T", True, id="after-scheme-word"),
        pytest.param("AWS4-HMAC-SHA256 other", False, id="wrong"),
    ],
)
def test_security_key_in_authorization_counts_after_a_scheme_word(value, ok):
    result = requirements({"sigv4": []}).check(creds({"Authorization": value}), frozenset({"T"}))
    assert (result == []) is ok


def test_security_empty_requirement_allows_anonymous_and_query_keys_are_read():
    assert requirements({}, {"bearer": []}).check(creds(), frozenset()) == []
    assert requirements({"key": []}).check(creds(query={"api_key": "k"}), frozenset()) == []
