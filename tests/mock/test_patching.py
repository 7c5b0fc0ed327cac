"""Tests for specmock.mock.patching: the examples of RFC 7396 and RFC 6902, API Gateway's
patchOperations, and properties that hold for any document."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonpatch
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specmock.errors import SpecmockError
from specmock.mock.patching import (
    MAX_OPERATIONS,
    MAX_RECORD_BYTES,
    PatchError,
    aws_patch_operations,
    json_patch,
    merge_patch,
    touched_paths,
)

# RFC 7396, Appendix A: original, patch, result.
MERGE_EXAMPLES = [
    pytest.param({"a": "b"}, {"a": "c"}, {"a": "c"}, id="replace-member"),
    pytest.param({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}, id="add-member"),
    pytest.param({"a": "b"}, {"a": None}, {}, id="remove-member"),
    pytest.param({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}, id="remove-one-of-two"),
    pytest.param({"a": ["b"]}, {"a": "c"}, {"a": "c"}, id="array-by-string"),
    pytest.param({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}, id="string-by-array"),
    pytest.param(
        {"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}, id="nested-object"
    ),
    pytest.param({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}, id="array-replaced-whole"),
    pytest.param(["a", "b"], ["c", "d"], ["c", "d"], id="array-by-array"),
    pytest.param({"a": "b"}, ["c"], ["c"], id="object-by-array"),
    pytest.param({"a": "foo"}, None, None, id="object-by-null"),
    pytest.param({"a": "foo"}, "bar", "bar", id="object-by-string"),
    pytest.param({"e": None}, {"a": 1}, {"e": None, "a": 1}, id="null-member-kept"),
    pytest.param([1, 2], {"a": "b", "c": None}, {"a": "b"}, id="array-by-object"),
    pytest.param({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}, id="nested-null-dropped"),
]


@pytest.mark.parametrize(("original", "patch", "result"), MERGE_EXAMPLES)
def test_patching_merge_patch_rfc7396_examples_as_members(original, patch, result):
    # A record is an object, so each example is played one level down, where any JSON value can
    # be a target or a patch; a null member patch removes the member.
    expected = {"keep": 1} if patch is None else {"keep": 1, "x": result}
    assert merge_patch({"keep": 1, "x": original}, {"x": patch}) == expected


@pytest.mark.parametrize(
    ("original", "patch", "result"),
    [p for p in MERGE_EXAMPLES if isinstance(p.values[0], dict) and isinstance(p.values[1], dict)],
)
def test_patching_merge_patch_rfc7396_examples(original, patch, result):
    assert merge_patch(original, patch) == result


@pytest.mark.parametrize(
    ("patch", "text"),
    [
        pytest.param(["c"], 'a merge patch must be a JSON object, not ["c"]', id="array"),
        pytest.param(None, "a merge patch must be a JSON object, not null", id="null"),
        pytest.param("bar", "a merge patch must be a JSON object, not 'bar'", id="string"),
    ],
)
def test_patching_merge_patch_refuses_a_non_object(patch, text):
    with pytest.raises(PatchError) as caught:
        merge_patch({"a": "foo"}, patch)
    assert str(caught.value) == text
    assert (caught.value.index, caught.value.pointer) == (None, "")


def test_patching_merge_patch_shares_nothing_with_its_arguments():
    record = {"a": {"b": [1]}, "c": {"d": 1}}
    patch = {"c": {"e": [2]}}
    result = merge_patch(record, patch)
    result["a"]["b"].append(3)
    result["c"]["e"].append(3)
    assert record == {"a": {"b": [1]}, "c": {"d": 1}}
    assert patch == {"c": {"e": [2]}}


# RFC 6902, Appendix A: the examples that succeed.
@pytest.mark.parametrize(
    ("document", "patch", "result"),
    [
        pytest.param(
            {"foo": "bar"},
            [{"op": "add", "path": "/baz", "value": "qux"}],
            {"baz": "qux", "foo": "bar"},
            id="A.1-add-object-member",
        ),
        pytest.param(
            {"foo": ["bar", "baz"]},
            [{"op": "add", "path": "/foo/1", "value": "qux"}],
            {"foo": ["bar", "qux", "baz"]},
            id="A.2-add-array-element",
        ),
        pytest.param(
            {"baz": "qux", "foo": "bar"},
            [{"op": "remove", "path": "/baz"}],
            {"foo": "bar"},
            id="A.3-remove-object-member",
        ),
        pytest.param(
            {"foo": ["bar", "qux", "baz"]},
            [{"op": "remove", "path": "/foo/1"}],
            {"foo": ["bar", "baz"]},
            id="A.4-remove-array-element",
        ),
        pytest.param(
            {"baz": "qux", "foo": "bar"},
            [{"op": "replace", "path": "/baz", "value": "boo"}],
            {"baz": "boo", "foo": "bar"},
            id="A.5-replace",
        ),
        pytest.param(
            {"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}},
            [{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}],
            {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}},
            id="A.6-move",
        ),
        pytest.param(
            {"foo": ["all", "grass", "cows", "eat"]},
            [{"op": "move", "from": "/foo/1", "path": "/foo/3"}],
            {"foo": ["all", "cows", "eat", "grass"]},
            id="A.7-move-array-element",
        ),
        pytest.param(
            {"baz": "qux", "foo": ["a", 2, "c"]},
            [
                {"op": "test", "path": "/baz", "value": "qux"},
                {"op": "test", "path": "/foo/1", "value": 2},
            ],
            {"baz": "qux", "foo": ["a", 2, "c"]},
            id="A.8-test-success",
        ),
        pytest.param(
            {"foo": "bar"},
            [{"op": "add", "path": "/child", "value": {"grandchild": {}}}],
            {"foo": "bar", "child": {"grandchild": {}}},
            id="A.10-add-nested-object",
        ),
        pytest.param(
            {"foo": "bar"},
            [{"op": "add", "path": "/baz", "value": "qux", "xyz": 123}],
            {"foo": "bar", "baz": "qux"},
            id="A.11-unrecognized-members-ignored",
        ),
        pytest.param(
            {"/": 9, "~1": 10},
            [{"op": "test", "path": "/~01", "value": 10}],
            {"/": 9, "~1": 10},
            id="A.14-escape-ordering",
        ),
        pytest.param(
            {"foo": ["bar"]},
            [{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}],
            {"foo": ["bar", ["abc", "def"]]},
            id="A.16-add-array-value",
        ),
    ],
)
def test_patching_json_patch_rfc6902_examples(document, patch, result):
    assert json_patch(document, patch) == result


# RFC 6902, Appendix A: the examples that fail. A.13's duplicate "op" cannot survive parsing into
# a dict: the parser keeps the last one, and that `remove` finds nothing to remove.
@pytest.mark.parametrize(
    ("document", "patch", "text"),
    [
        pytest.param(
            {"baz": "qux"},
            [{"op": "test", "path": "/baz", "value": "bar"}],
            "operation 0 (test /baz): expected 'bar', found 'qux'",
            id="A.9-test-failure",
        ),
        pytest.param(
            {"foo": "bar"},
            [{"op": "add", "path": "/baz/bat", "value": "qux"}],
            "operation 0 (add /baz/bat): /baz does not exist in the resource",
            id="A.12-add-to-nonexistent-target",
        ),
        pytest.param(
            {"foo": "bar"},
            json.loads('[{"op": "add", "path": "/baz", "value": "qux", "op": "remove"}]'),
            "operation 0 (remove /baz): the path does not exist in the resource",
            id="A.13-duplicate-op",
        ),
        pytest.param(
            {"/": 9, "~1": 10},
            [{"op": "test", "path": "/~01", "value": "10"}],
            "operation 0 (test /~01): expected '10', found 10",
            id="A.15-string-is-not-number",
        ),
    ],
)
def test_patching_json_patch_rfc6902_failures(document, patch, text):
    with pytest.raises(PatchError) as caught:
        json_patch(document, patch)
    assert str(caught.value) == text


@pytest.mark.parametrize(
    ("patch", "text"),
    [
        pytest.param(
            {"op": "add", "path": "/a", "value": 1},
            'a JSON patch must be a list of operations, not {"op": "add", "path": "/a", '
            '"value": 1}',
            id="not-a-list",
        ),
        pytest.param(
            [{"op": "test", "path": "/name", "value": "a"}, "add"],
            "operation 1: an operation must be an object with 'op' and 'path', not 'add'",
            id="not-an-object",
        ),
        pytest.param([{"path": "/a"}], "operation 0: 'op' is missing", id="no-op"),
        pytest.param(
            [
                {"op": "test", "path": "/name", "value": "a"},
                {"op": "remove", "path": "/tags"},
                {"op": "frobnicate", "path": "/a"},
            ],
            "operation 2: 'frobnicate' is not a patch op (add, remove, replace, move, copy, test)",
            id="unknown-op",
        ),
        pytest.param(
            [{"op": "Add", "path": "/a", "value": 1}],
            "operation 0: 'Add' is not a patch op (add, remove, replace, move, copy, test)",
            id="op-case-sensitive",
        ),
        pytest.param([{"op": "remove"}], "operation 0 (remove): 'path' is missing", id="no-path"),
        pytest.param(
            [{"op": "remove", "path": ["a"]}],
            "operation 0 (remove): 'path' must be a JSON pointer string, not [\"a\"]",
            id="path-not-a-string",
        ),
        pytest.param(
            [{"op": "remove", "path": "name"}],
            "operation 0 (remove): 'path' 'name' is not a JSON pointer: it must be empty or start "
            "with '/'",
            id="path-not-a-pointer",
        ),
        pytest.param(
            [{"op": "remove", "path": "/a~2b"}],
            "operation 0 (remove): 'path' '/a~2b' is not a JSON pointer: '~' must be followed by "
            "'0' or '1'",
            id="path-bad-escape",
        ),
        pytest.param(
            [{"op": "replace", "path": "/name"}],
            "operation 0 (replace /name): 'value' is missing",
            id="no-value",
        ),
        pytest.param(
            [{"op": "copy", "path": "/name"}],
            "operation 0 (copy /name): 'from' is missing",
            id="no-from",
        ),
        pytest.param(
            [{"op": "move", "path": "/name", "from": "name"}],
            "operation 0 (move /name): 'from' 'name' is not a JSON pointer: it must be empty or "
            "start with '/'",
            id="from-not-a-pointer",
        ),
    ],
)
def test_patching_json_patch_refuses_a_malformed_list(patch, text):
    with pytest.raises(PatchError) as caught:
        json_patch({"name": "a", "tags": []}, patch)
    assert str(caught.value) == text


def test_patching_json_patch_checks_the_whole_list_before_applying():
    # The first operation would fail when applied; the malformed third is reported instead.
    patch = [
        {"op": "remove", "path": "/nothing"},
        {"op": "add", "path": "/a", "value": 1},
        {"op": "frobnicate", "path": "/a"},
    ]
    with pytest.raises(PatchError) as caught:
        json_patch({}, patch)
    assert caught.value.index == 2


RECORD = {"name": "a", "colours": ["red", "green"], "size": {"width": 2}, "label": "x"}


@pytest.mark.parametrize(
    ("patch", "text"),
    [
        pytest.param(
            [
                {"op": "test", "path": "/name", "value": "a"},
                {"op": "replace", "path": "/colour", "value": "blue"},
            ],
            "operation 1 (replace /colour): the path does not exist in the resource",
            id="replace-missing",
        ),
        pytest.param(
            [{"op": "remove", "path": "/size/height"}],
            "operation 0 (remove /size/height): the path does not exist in the resource",
            id="remove-missing",
        ),
        pytest.param(
            [{"op": "test", "path": "/name", "value": "b"}],
            "operation 0 (test /name): expected 'b', found 'a'",
            id="test-failure",
        ),
        pytest.param(
            [{"op": "test", "path": "/size", "value": {"width": "2"}}],
            'operation 0 (test /size): expected {"width": "2"}, found {"width": 2}',
            id="test-failure-object",
        ),
        pytest.param(
            [{"op": "test", "path": "/missing", "value": None}],
            "operation 0 (test /missing): the path does not exist in the resource",
            id="test-missing",
        ),
        pytest.param(
            [{"op": "add", "path": "/colours/3", "value": "blue"}],
            "operation 0 (add /colours/3): index 3 is out of range: the array at /colours has 2 "
            "items",
            id="add-past-the-end",
        ),
        pytest.param(
            [{"op": "replace", "path": "/colours/2", "value": "blue"}],
            "operation 0 (replace /colours/2): index 2 is out of range: the array at /colours "
            "has 2 items",
            id="replace-past-the-end",
        ),
        pytest.param(
            [{"op": "add", "path": "/colours/01", "value": "blue"}],
            "operation 0 (add /colours/01): '01' is not an array index, and /colours is an array",
            id="leading-zero",
        ),
        pytest.param(
            [{"op": "remove", "path": "/colours/-"}],
            "operation 0 (remove /colours/-): '-' names no item: it is the end of the array at "
            "/colours",
            id="remove-end-of-array",
        ),
        pytest.param(
            [{"op": "add", "path": "/name/first", "value": "b"}],
            "operation 0 (add /name/first): /name is a string, not an object or array",
            id="through-a-string",
        ),
        pytest.param(
            [{"op": "move", "from": "/size", "path": "/size/inner"}],
            "operation 0 (move /size/inner): /size cannot be moved into itself",
            id="move-into-itself",
        ),
        pytest.param(
            [{"op": "move", "from": "/shape", "path": "/form"}],
            "operation 0 (move /form): the 'from' path /shape does not exist in the resource",
            id="move-from-missing",
        ),
        pytest.param(
            [{"op": "copy", "from": "/colours/9", "path": "/first"}],
            "operation 0 (copy /first): the 'from' path /colours/9: index 9 is out of range: the "
            "array at /colours has 2 items",
            id="copy-from-past-the-end",
        ),
        pytest.param(
            [{"op": "move", "from": "/colours/0", "path": "/colours/2"}],
            "operation 0 (move /colours/2): index 2 is out of range: the array at /colours has 1 "
            "item",
            id="move-target-after-removal",
        ),
        pytest.param(
            [{"op": "remove", "path": ""}],
            "operation 0 (remove): the whole resource cannot be removed",
            id="remove-root",
        ),
        pytest.param(
            [{"op": "replace", "path": "", "value": ["a"]}],
            'operation 0 (replace): the resource must stay a JSON object, not ["a"]',
            id="root-not-an-object",
        ),
        pytest.param(
            [{"op": "copy", "from": "/name", "path": ""}],
            "operation 0 (copy): the resource must stay a JSON object, not 'a'",
            id="copy-onto-root",
        ),
    ],
)
def test_patching_json_patch_errors_name_the_operation(patch, text):
    record = copy.deepcopy(RECORD)
    with pytest.raises(PatchError) as caught:
        json_patch(record, patch)
    assert str(caught.value) == text
    assert record == RECORD


def test_patching_error_fields():
    with pytest.raises(PatchError) as caught:
        json_patch(RECORD, [{"op": "test", "path": "/name", "value": "b"}])
    error = caught.value
    assert isinstance(error, SpecmockError)
    assert (error.index, error.op, error.pointer) == (0, "test", "/name")
    assert error.message == "expected 'b', found 'a'"


def test_patching_long_values_are_cut_in_messages():
    with pytest.raises(PatchError) as caught:
        json_patch(RECORD, [{"op": "test", "path": "/name", "value": "z" * 100}])
    assert str(caught.value) == (
        "operation 0 (test /name): expected '" + "z" * 56 + "..., found 'a'"
    )


def test_patching_json_patch_is_atomic():
    record = copy.deepcopy(RECORD)
    patch = [
        {"op": "add", "path": "/colours/-", "value": "blue"},
        {"op": "remove", "path": "/size/width"},
        {"op": "test", "path": "/name", "value": "b"},
    ]
    with pytest.raises(PatchError):
        json_patch(record, patch)
    assert record == RECORD


def test_patching_json_patch_shares_nothing_with_its_arguments():
    value = {"tags": ["x"]}
    patch = [{"op": "add", "path": "/meta", "value": value}]
    record = copy.deepcopy(RECORD)
    result = json_patch(record, patch)
    result["meta"]["tags"].append("y")
    result["size"]["width"] = 3
    assert value == {"tags": ["x"]}
    assert record == RECORD


@pytest.mark.parametrize(
    ("patch", "result"),
    [
        pytest.param(
            [{"op": "replace", "path": "", "value": {"b": 1}}], {"b": 1}, id="replace-root"
        ),
        pytest.param(
            [{"op": "test", "path": "", "value": {"a": [1, True]}}],
            {"a": [1, True]},
            id="test-root",
        ),
        pytest.param(
            [{"op": "test", "path": "/a", "value": [1.0, True]}],
            {"a": [1, True]},
            id="numbers-by-value",
        ),
        pytest.param(
            [{"op": "copy", "from": "/a", "path": "/b"}, {"op": "add", "path": "/b/0", "value": 0}],
            {"a": [1, True], "b": [0, 1, True]},
            id="copy-is-deep",
        ),
        pytest.param(
            [{"op": "move", "from": "/a", "path": "/a"}], {"a": [1, True]}, id="move-onto-itself"
        ),
    ],
)
def test_patching_json_patch_edge_cases(patch, result):
    assert json_patch({"a": [1, True]}, patch) == result


def test_patching_json_patch_test_tells_booleans_from_numbers():
    with pytest.raises(PatchError) as caught:
        json_patch({"a": 1}, [{"op": "test", "path": "/a", "value": True}])
    assert str(caught.value) == "operation 0 (test /a): expected true, found 1"


# Amazon API Gateway patchOperations, on a model as UpdateModel stores it.
SCHEMA = json.dumps(
    {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": "Output",
        "type": "object",
        "properties": {"result": {"type": "number"}, "tags": {"type": "array"}},
    }
)
MODEL = {
    "id": "3kxs1e",
    "name": "output",
    "description": "Calc output",
    "schema": SCHEMA,
    "contentType": "application/json",
}


@pytest.mark.parametrize(
    ("operations", "changes"),
    [
        pytest.param(
            [{"op": "replace", "path": "/description", "value": "Calculator output"}],
            {"description": "Calculator output"},
            id="replace-description",
        ),
        pytest.param(
            [{"op": "replace", "path": "/schema", "value": SCHEMA.replace("number", "integer")}],
            {"schema": SCHEMA.replace("number", "integer")},
            id="replace-schema",
        ),
        pytest.param(
            [{"op": "add", "path": "/note", "value": "new"}], {"note": "new"}, id="add-member"
        ),
        pytest.param(
            [{"op": "add", "path": "/description", "value": "Other"}],
            {"description": "Other"},
            id="add-replaces-member",
        ),
        pytest.param(
            [{"op": "remove", "path": "/description"}], {"description": None}, id="remove"
        ),
        pytest.param(
            [{"op": "remove", "path": "/description", "value": "ignored"}],
            {"description": None},
            id="remove-ignores-value",
        ),
        pytest.param(
            [{"op": "move", "from": "/description", "path": "/summary"}],
            {"description": None, "summary": "Calc output"},
            id="move",
        ),
        pytest.param(
            [{"op": "copy", "from": "/name", "path": "/description"}],
            {"description": "output"},
            id="copy",
        ),
        pytest.param(
            [
                {"op": "test", "path": "/schema", "value": SCHEMA},
                {"op": "replace", "path": "/name", "value": "result"},
            ],
            {"name": "result"},
            id="test-then-replace",
        ),
        pytest.param([], {}, id="no-operations"),
    ],
)
def test_patching_aws_patch_operations(operations, changes):
    expected = {**MODEL, **changes}
    expected = {key: value for key, value in expected.items() if value is not None}
    assert aws_patch_operations(MODEL, operations) == expected


@pytest.mark.parametrize(
    ("record", "operations", "result"),
    [
        pytest.param(
            {"tracingEnabled": True},
            [{"op": "replace", "path": "/tracingEnabled", "value": "false"}],
            {"tracingEnabled": False},
            id="boolean",
        ),
        pytest.param(
            {"size": 0.5},
            [{"op": "replace", "path": "/size", "value": "6.1"}],
            {"size": 6.1},
            id="number",
        ),
        pytest.param(
            {"tags": ["a"]},
            [{"op": "add", "path": "/tags", "value": '["a", "b"]'}],
            {"tags": ["a", "b"]},
            id="array-member",
        ),
        pytest.param(
            {"tags": [1]},
            [{"op": "add", "path": "/tags/0", "value": "2"}],
            {"tags": ["2", 1]},
            id="array-item-stays-string",
        ),
        pytest.param(
            {"note": None},
            [{"op": "replace", "path": "/note", "value": "1"}],
            {"note": "1"},
            id="null-takes-string",
        ),
        pytest.param(
            {"size": 5, "vars": {"a": "1"}},
            [
                {"op": "test", "path": "/size", "value": "5.0"},
                {"op": "test", "path": "/vars", "value": '{"a":"1"}'},
                {"op": "test", "path": "/vars/a", "value": "1"},
            ],
            {"size": 5, "vars": {"a": "1"}},
            id="test-reads-json",
        ),
    ],
)
def test_patching_aws_patch_operations_keep_json_types(record, operations, result):
    assert aws_patch_operations(record, operations) == result


@pytest.mark.parametrize(
    ("operations", "text"),
    [
        pytest.param(
            [{"op": "test", "path": "/schema", "value": "{}"}],
            "operation 0 (test /schema): expected '{}', found '{\"$schema\": "
            '"http://json-schema.org/draft-04/schema#", "...',
            id="test-failure",
        ),
        pytest.param(
            [{"op": "test", "path": "/size", "value": "six"}],
            "operation 0 (test /size): expected 'six', found 5",
            id="test-failure-not-json",
        ),
        pytest.param(
            [{"op": "replace", "path": "/colour", "value": "red"}],
            "operation 0 (replace /colour): the path does not exist in the resource",
            id="replace-missing",
        ),
        pytest.param(
            [{"op": "remove", "path": "/colour"}],
            "operation 0 (remove /colour): the path does not exist in the resource",
            id="remove-missing",
        ),
        pytest.param(
            [
                {"op": "replace", "path": "/name", "value": "input"},
                {"op": "frobnicate", "path": "/name"},
            ],
            "operation 1: 'frobnicate' is not a patch op (add, remove, replace, move, copy, test)",
            id="invalid-op",
        ),
        pytest.param(
            [{"op": "replace", "path": "/description"}],
            "operation 0 (replace /description): 'value' is missing",
            id="missing-value",
        ),
        pytest.param(
            [{"op": "add", "path": "/size", "value": 6}],
            "operation 0 (add /size): 'value' must be a string, not 6",
            id="value-not-a-string",
        ),
        pytest.param(
            [{"op": "replace", "path": "/size", "value": "large"}],
            "operation 0 (replace /size): 'large' is not a number like the current value",
            id="value-of-another-type",
        ),
        pytest.param(
            [{"op": "move", "path": "/summary"}],
            "operation 0 (move /summary): 'from' is missing",
            id="move-without-from",
        ),
        pytest.param(
            [{"op": "copy", "from": "/summary", "path": "/description"}],
            "operation 0 (copy /description): the 'from' path /summary does not exist in the "
            "resource",
            id="copy-from-missing",
        ),
        pytest.param(
            {"patchOperations": []},
            'patchOperations must be a list of operations, not {"patchOperations": []}',
            id="body-not-list",
        ),
    ],
)
def test_patching_aws_patch_operations_errors(operations, text):
    record = {**MODEL, "size": 5}
    with pytest.raises(PatchError) as caught:
        aws_patch_operations(record, operations)
    assert str(caught.value) == text
    assert record == {**MODEL, "size": 5}


@pytest.mark.parametrize(
    ("operations", "paths"),
    [
        pytest.param(
            [
                {"op": "replace", "path": "/description", "value": "x"},
                {"op": "test", "path": "/id", "value": "x"},
                {"op": "remove", "path": "/schema"},
                {"op": "add", "path": "/description", "value": "y"},
            ],
            ["/description", "/schema"],
            id="writes-not-tests",
        ),
        pytest.param(
            [{"op": "move", "from": "/id", "path": "/name"}], ["/name", "/id"], id="move-both"
        ),
        pytest.param(
            [{"op": "copy", "from": "/id", "path": "/name"}], ["/name"], id="copy-target-only"
        ),
        pytest.param(
            [{"op": "replace", "path": "", "value": {}}], [""], id="root-is-the-empty-pointer"
        ),
        pytest.param(
            [5, {"op": "frobnicate", "path": "/a"}, {"op": "add", "path": 3}, {"path": "/b"}],
            [],
            id="malformed-skipped",
        ),
        pytest.param({"op": "add", "path": "/a"}, [], id="not-a-list"),
    ],
)
def test_patching_touched_paths(operations, paths):
    assert touched_paths(operations) == paths


# Properties over any document. Keys use '~' and '/' often, to exercise pointer escaping.
KEYS = st.text(alphabet="ab~/0", max_size=3)
NON_NULL_SCALARS = st.booleans() | st.integers(-3, 3) | st.text(alphabet="xy", max_size=2)


def json_values(scalars: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
        max_leaves=6,
    )


OBJECTS = st.dictionaries(KEYS, json_values(st.none() | NON_NULL_SCALARS), max_size=4)
OBJECTS_WITHOUT_NULLS = st.dictionaries(KEYS, json_values(NON_NULL_SCALARS), max_size=4)
PROPERTY_SETTINGS = settings(max_examples=50, deadline=None)


def deep_merged(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    merged = dict(target)
    for key, value in patch.items():
        both_objects = isinstance(target.get(key), dict) and isinstance(value, dict)
        merged[key] = deep_merged(target[key], value) if both_objects else value
    return merged


def pointers(value: Any, prefix: str = "") -> list[str]:
    """Every JSON pointer into `value`, the root included."""
    if isinstance(value, dict):
        items = [(key.replace("~", "~0").replace("/", "~1"), v) for key, v in value.items()]
    elif isinstance(value, list):
        items = [(str(index), v) for index, v in enumerate(value)]
    else:
        items = []
    return [prefix] + [p for token, v in items for p in pointers(v, f"{prefix}/{token}")]


@PROPERTY_SETTINGS
@given(OBJECTS, OBJECTS_WITHOUT_NULLS)
def test_patching_merge_patch_without_nulls_deep_merges(record, patch):
    before = (copy.deepcopy(record), copy.deepcopy(patch))
    assert merge_patch(record, patch) == deep_merged(record, patch)
    assert (record, patch) == before


@PROPERTY_SETTINGS
@given(OBJECTS, OBJECTS)
def test_patching_merge_patch_is_idempotent(record, patch):
    once = merge_patch(record, patch)
    assert merge_patch(once, patch) == once


@PROPERTY_SETTINGS
@given(OBJECTS, st.data())
def test_patching_json_patch_test_of_any_current_value_succeeds(record, data):
    path = data.draw(st.sampled_from(pointers(record)))
    value = jsonpatch.JsonPointer(path).resolve(record)
    before = copy.deepcopy(record)
    assert json_patch(record, [{"op": "test", "path": path, "value": value}]) == before
    assert record == before


@PROPERTY_SETTINGS
@given(OBJECTS, OBJECTS)
def test_patching_json_patch_applies_a_generated_diff(record, target):
    operations = jsonpatch.make_patch(record, target).patch
    before = (copy.deepcopy(record), copy.deepcopy(operations))
    assert json_patch(record, operations) == target
    assert (record, operations) == before


@PROPERTY_SETTINGS
@given(OBJECTS, OBJECTS)
def test_patching_never_mutates_or_aliases_the_record(record, target):
    before = copy.deepcopy(record)
    operations = jsonpatch.make_patch(record, target).patch
    for result in (json_patch(record, operations), merge_patch(record, target)):
        for path in reversed(pointers(result)[1:]):
            jsonpatch.RemoveOperation({"op": "remove", "path": path}).apply(result)
        assert record == before


DOUBLINGS = [{"op": "copy", "from": "", "path": f"/c{n}"} for n in range(24)]


@pytest.mark.parametrize(
    ("apply", "operations"),
    [
        pytest.param(json_patch, DOUBLINGS, id="json-patch"),
        pytest.param(aws_patch_operations, DOUBLINGS, id="patch-operations"),
    ],
)
def test_patching_a_record_doubled_by_copies_stops_at_the_size_limit(apply, operations):
    record = {"text": "x" * 2000}
    with pytest.raises(PatchError, match=f"would grow past {MAX_RECORD_BYTES} bytes") as caught:
        apply(record, operations)
    assert caught.value.index is not None and caught.value.index < 10  # long before 24 copies
    assert record == {"text": "x" * 2000}


def test_patching_a_copy_into_itself_stops_at_the_depth_limit():
    into_itself = [{"op": "copy", "from": "", "path": "/a"} for _ in range(100)]
    with pytest.raises(PatchError, match="would nest more than 64 levels deep"):
        json_patch({"a": {}}, into_itself)


def test_patching_a_value_added_too_deep_is_refused():
    with pytest.raises(PatchError, match="would nest more than 64 levels deep"):
        json_patch(
            {"a": {}}, [{"op": "add", "path": "/a/b", "value": json.loads("[" * 64 + "]" * 64)}]
        )


def test_patching_too_many_operations_are_refused_before_any_is_applied():
    operations = [{"op": "add", "path": f"/n{n}", "value": n} for n in range(MAX_OPERATIONS + 1)]
    with pytest.raises(PatchError, match=f"has {MAX_OPERATIONS + 1} operations, over the limit"):
        json_patch({}, operations)
    assert len(json_patch({}, operations[:MAX_OPERATIONS])) == MAX_OPERATIONS
