import pytest

from specmock.errors import ConfigError
from specmock.spec.api import Operation
from specmock.spec.routing import Router


def op(path: str, method: str = "get", api: str = "pets") -> Operation:
    return Operation(api, method, path, f"{method}{path}", {}, {})


def test_routing_literal_segments_win_over_parameters():
    router = Router()
    router.add("", [op("/pets/{id}"), op("/pets/mine")])
    match = router.match("/pets/mine")
    assert match is not None and match.route.template == "/pets/mine"
    other = router.match("/pets/42")
    assert other is not None and other.params == {"id": "42"}


def test_routing_parameters_are_percent_decoded_and_names_may_hold_punctuation():
    router = Router()
    router.add("/v1", [op("/files/{file-name}.{ext_type}")])
    match = router.match("/v1/files/a%20b.tar")
    assert match is not None
    assert match.params == {"file-name": "a b", "ext_type": "tar"}


def test_routing_unknown_path_is_none_and_allow_lists_declared_methods():
    router = Router()
    router.add("", [op("/pets/{id}", "put"), op("/pets/{id}", "delete")])
    assert router.match("/owners/1") is None
    assert router.match("/pets/1/extra") is None
    match = router.match("/pets/1")
    assert match is not None and match.route.allow == ["PUT", "DELETE"]


def test_routing_two_apis_on_one_method_and_path_is_an_error_naming_both():
    router = Router()
    router.add("", [op("/models/{id}", api="a")])
    with pytest.raises(ConfigError) as caught:
        router.add("", [op("/models/{name}", api="b")])
    assert str(caught.value) == (
        "GET /models/{name} is served by both API 'a' and API 'b'; "
        "start with --prefix to mount each API under /<name>"
    )


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/repos/octocat/issues", "/repos/{owner}/issues"),
        ("/repos/mine/issues", "/repos/mine/issues"),
        ("/octocat/x/issues", "/{owner}/x/issues"),
        ("/repos/x/issues", "/repos/x/issues"),
        ("/repos/x", "/repos/{id}"),
        ("/", "/"),
        # the most literal segments win even when a parameter comes first
        ("/a/b/c/d", "/a/{x}/c/d"),
        ("/a/b/e/d", "/a/b/{y}/{z}"),
        # a segment holding a parameter and text is tried first, and passed over when it fails
        ("/files/report.json", "/files/{name}.json"),
        ("/files/report", "/files/{id}"),
    ],
)
def test_routing_among_many_routes_the_most_specific_still_wins(path, template):
    router = Router()
    filler = [op(f"/area{n}/{{id}}/items") for n in range(500)]
    router.add(
        "",
        [
            *filler,
            op("/repos/{owner}/issues"),
            op("/repos/mine/issues"),
            op("/{owner}/x/issues"),
            op("/repos/x/issues"),
            op("/repos/{id}"),
            op("/"),
            op("/a/b/{y}/{z}"),
            op("/a/{x}/c/d"),
            op("/files/{id}"),
            op("/files/{name}.json"),
        ],
    )
    match = router.match(path)
    assert match is not None and match.route.template == template
    assert router.match("/repos/a/b/c") is None
    assert router.match("/repos//issues") is None  # a parameter is never empty


def test_routing_templates_differing_only_in_parameter_names_are_one_route():
    router = Router()
    router.add("", [op("/pets/{petId}", "get"), op("/pets/{id}", "delete")])
    match = router.match("/pets/7")
    assert match is not None and match.route.allow == ["GET", "DELETE"]
    assert match.params == {"petId": "7", "id": "7"}
    get, delete = match.route.operation_for("GET"), match.route.operation_for("DELETE")
    assert get is not None and get.path == "/pets/{petId}"
    assert delete is not None and delete.path == "/pets/{id}"
