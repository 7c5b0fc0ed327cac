import base64

import pytest

from specmock.validation.security import Credentials, Requirements, Tokens

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
    assert violation.message == (
        "the credential sent is not accepted by security scheme 'bearer' "
        "(credential values are never shown)"
    )


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


PAIR = base64.b64encode(b"alice:pw").decode()


@pytest.mark.parametrize(
    ("scheme", "sent", "tokens", "ok"),
    [
        pytest.param(
            "basic",
            {"headers": {"Authorization": f"Basic {PAIR}"}},
            "basic=alice:pw",
            True,
            id="basic-pair-as-basic",
        ),
        pytest.param(
            "bearer",
            {"headers": {"Authorization": "Bearer alice:pw"}},
            "basic=alice:pw",
            False,
            id="basic-pair-not-as-bearer",
        ),
        pytest.param(
            "key",
            {"query": {"api_key": "alice:pw"}},
            "basic=alice:pw",
            False,
            id="basic-pair-not-as-api-key",
        ),
        pytest.param(
            "bearer",
            {"headers": {"Authorization": "Bearer T"}},
            "bearer=T",
            True,
            id="bearer-as-bearer",
        ),
        pytest.param(
            "key", {"query": {"api_key": "T"}}, "bearer=T", False, id="bearer-not-as-api-key"
        ),
        pytest.param(
            "key", {"query": {"api_key": "K"}}, "APIKEY=K", True, id="api-key-kind-in-any-case"
        ),
        pytest.param(
            "sigv4",
            {"headers": {"Authorization": "AWS4-HMAC-SHA256 K"}},
            "apiKey=K",
            True,
            id="api-key-after-a-scheme-word",
        ),
        pytest.param(
            "bearer",
            {"headers": {"Authorization": "Bearer K"}},
            "apiKey=K",
            False,
            id="api-key-not-as-bearer",
        ),
        pytest.param("key", {"query": {"api_key": "T"}}, "T", True, id="plain-as-api-key"),
        pytest.param(
            "bearer", {"headers": {"Authorization": "Bearer T"}}, "T", True, id="plain-as-bearer"
        ),
        pytest.param(
            "basic",
            {"headers": {"Authorization": "Basic !!"}},
            "basic=",
            False,
            id="empty-accepts-no-undecodable-pair",
        ),
    ],
)
def test_security_tokens_are_per_kind_and_plain_ones_for_every_kind(scheme, sent, tokens, ok):
    result = requirements({scheme: []}).check(creds(**sent), frozenset({tokens}))
    assert (result == []) is ok


def test_security_tokens_parse_kinds_and_keep_other_equals_signs_plain():
    parsed = Tokens.parse(["bearer=T", "Basic=a:b=c", "apiKey=K", "dG9rZW4=", "T2"])
    assert parsed == Tokens(
        frozenset({"dG9rZW4=", "T2"}),
        frozenset({("bearer", "T"), ("basic", "a:b=c"), ("apiKey", "K")}),
    )
    assert sorted(parsed.of_kind("apiKey")) == ["K", "T2", "dG9rZW4="]


@pytest.mark.parametrize(
    ("scheme", "sent"),
    [
        pytest.param("bearer", {"headers": {"Authorization": "Bearer s3cr3t-value"}}, id="bearer"),
        pytest.param("basic", {"headers": {"Authorization": "Basic czNjcjN0LXZhbHVl"}}, id="basic"),
        pytest.param("key", {"query": {"api_key": "s3cr3t-value"}}, id="query-key"),
        pytest.param("sigv4", {"headers": {"Authorization": "s3cr3t-value"}}, id="header-key"),
    ],
)
def test_security_wrong_credentials_are_never_quoted(scheme, sent):
    (violation,) = requirements({scheme: []}).check(creds(**sent), frozenset({"bearer=T"}))
    assert "s3cr" not in str(violation) and "czNj" not in str(violation)
    assert "is not accepted by security scheme" in violation.message


def authorization(schema, required=True):
    return {"name": "Authorization", "in": "header", "required": required, "schema": schema}


@pytest.mark.parametrize(
    ("schema", "kind", "sent"),
    [
        ({"type": "string", "example": "Bearer <TOKEN>"}, "bearer", "Bearer t"),
        ({"type": "string", "pattern": "^Bearer\\s[\\w-]+$"}, "bearer", "Bearer t"),
        ({"type": "string", "example": "Basic YTpi"}, "basic", "Basic YTpi"),
        ({"type": "string"}, "apiKey", "HMAC abc"),
    ],
)
def test_security_a_required_authorization_parameter_stands_for_its_credential(schema, kind, sent):
    implied = Requirements.for_operation({}, {}, [authorization(schema)])
    ((scheme,),) = implied.alternatives
    assert scheme.token_kind == kind
    (missing,) = implied.check(creds(), frozenset())
    assert (missing.location, missing.name) == ("header", "Authorization")
    assert implied.check(creds({"Authorization": sent}), frozenset()) == []


def test_security_an_authorization_parameter_yields_to_declared_security_or_when_optional():
    parameter = authorization({"type": "string", "example": "Bearer x"})
    declared = Requirements.for_operation(DOCUMENT, {"security": [{"key": []}]}, [parameter])
    assert [s.name for (s,) in declared.alternatives] == ["key"]
    optional = authorization({"type": "string"}, required=False)
    assert not Requirements.for_operation({}, {}, [optional]).alternatives
    assert not Requirements.for_operation({}, {}, []).alternatives
