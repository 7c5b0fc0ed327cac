import json
import re

import pytest
import yaml

from specmock.errors import SpecError
from specmock.spec.parsing import (
    AliasError,
    check_aliases,
    depth_of,
    parse_file,
    parse_text,
    strict_json,
)


def test_parsing_strict_json_refuses_nan():
    with pytest.raises(ValueError, match="NaN is not a JSON value"):
        strict_json("[NaN]")


@pytest.mark.parametrize(
    ("text", "json_only", "where", "problem"),
    [
        pytest.param(
            "a: 1\nb: [\n",
            False,
            "line 3",
            "invalid YAML: expected the node content, but found '<stream end>'",
            id="yaml",
        ),
        pytest.param(
            '{"a": 1,}',
            True,
            "line 1",
            "invalid JSON: Expecting property name enclosed in double quotes",
            id="json",
        ),
        pytest.param(
            "a: 1\na: 2\n", False, "line 2", "invalid YAML: key 'a' appears twice", id="twice"
        ),
        pytest.param(
            "a: [1, .inf]\n", False, "/a/1", "a number JSON cannot carry (.inf or .nan)", id="inf"
        ),
        pytest.param(
            '{"a": {"b": NaN}}', True, "/a/b", "a number JSON cannot carry (.inf or .nan)", id="nan"
        ),
    ],
)
def test_parsing_parse_text_names_the_place_of_a_fault(text, json_only, where, problem):
    with pytest.raises(SpecError) as caught:
        parse_text(text, "pets.yaml", json_only=json_only)
    assert caught.value.as_dict() == {"source": "pets.yaml", "where": where, "problem": problem}


def test_parsing_parse_text_keeps_dates_as_text_and_keys_as_strings():
    assert parse_text("when: 2023-11-07T05:31:56Z\n200: ok\n", "pets.yaml") == {
        "when": "2023-11-07T05:31:56Z",
        "200": "ok",
    }


def test_parsing_parse_file_reads_json_strictly(tmp_path):
    path = tmp_path / "pets.json"
    path.write_text("{'a': 1}")  # YAML would read it; a .json file must be JSON
    with pytest.raises(SpecError) as caught:
        parse_file(path)
    assert caught.value.where == "line 1"
    assert caught.value.problem.startswith("invalid JSON: ")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b'{"a": 1, "a": 2}', "the key 'a' appears twice in one object", id="dup-key"),
        pytest.param(b"\xef\xbb\xbf{}", "byte order mark", id="bom"),
        pytest.param('{"a": 1}'.encode("utf-16"), "can't decode byte 0xff", id="utf-16"),
        pytest.param(b'{"t": ["\\ud800"]}', "\\ud800 at /t/0 is half a surrogate pair", id="lone"),
        pytest.param(b'{"\\udc00": 1}', "\\udc00 at / is half a surrogate pair", id="lone-key"),
        pytest.param(b"[1e400]", "1e400 is too large a number to be read back", id="overflow"),
        pytest.param(b"[-1e400]", "-1e400 is too large a number", id="overflow-negative"),
        pytest.param(b"[Infinity]", "Infinity is not a JSON value", id="infinity"),
        pytest.param(b"1" * 5000, "an integer has more than 4,300 digits", id="huge-integer"),
        pytest.param(
            b'{"x": ' + b"[" * 65 + b"]" * 65 + b"}",
            "the value nests more than 64 levels deep (under /x/0/0)",
            id="too-deep",
        ),
    ],
)
def test_parsing_strict_json_refuses_what_could_not_be_stored_and_written_back(data, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        strict_json(data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b'{"t": "\\ud83d\\ude00"}', {"t": "\U0001f600"}, id="surrogate-pair"),
        pytest.param(b"[" * 64 + b"]" * 64, json.loads("[" * 64 + "]" * 64), id="64-deep"),
        pytest.param(b'[{"a": 1}, {"a": 1}]', [{"a": 1}, {"a": 1}], id="same-key-apart"),
        pytest.param(b"[1e308, 12345678901234567890]", [1e308, 12345678901234567890], id="big"),
    ],
)
def test_parsing_strict_json_takes_every_value_that_can_be_written_back(data, expected):
    assert strict_json(data) == expected


def test_parsing_depth_of_counts_levels_and_stops():
    values: list[object] = [1, [], {"a": [1, {"b": {}}]}]
    assert [depth_of(v) for v in values] == [0, 1, 4]
    assert depth_of([[[[[]]]]], stop=2) == 2


def laughs(levels: int) -> str:
    """A "billion laughs" document: each level a list of ten aliases of the level before."""
    lines = ["openapi: 3.1.0", "x-laughs:", "  l0: &l0 [" + ", ".join(['"lol"'] * 10) + "]"]
    for level in range(1, levels):
        lines.append(f"  l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_parsing_parse_text_refuses_an_alias_bomb_at_the_line_it_passes_the_limit():
    # nine levels stand for 10^9 values: refused before a single one is built
    with pytest.raises(SpecError) as caught:
        parse_text(laughs(9), "bomb.yaml")
    assert caught.value.as_dict() == {
        "source": "bomb.yaml",
        "where": "line 8",  # l5: 10^6 values
        "problem": "YAML refused: its aliases repeat more than 1,000,000 nodes (the limit); "
        "use a $ref instead",
    }


def test_parsing_parse_text_refuses_an_alias_inside_the_node_it_names():
    with pytest.raises(SpecError) as caught:
        parse_text("a: 1\nb: &b {c: [1, *b]}\n", "loop.yaml")
    assert caught.value.as_dict() == {
        "source": "loop.yaml",
        "where": "line 2",
        "problem": "YAML refused: an alias inside the node it names (a value cannot hold itself)",
    }


def test_parsing_parse_text_reads_shared_anchors_and_merge_keys():
    text = "a: &a {p: 1}\nb: [*a, *a]\nc: {<<: *a, q: 2}\nd: &d x\ne: *d\n" + laughs(5)
    document = parse_text(text, "shared.yaml")
    assert document["b"] == [{"p": 1}, {"p": 1}]
    assert document["c"] == {"p": 1, "q": 2}
    assert document["e"] == "x"
    assert len(document["x-laughs"]["l4"]) == 10  # 10^5 values: under the limit


def composed(text: str) -> yaml.Node:
    node = yaml.compose(text)
    assert node is not None
    return node


def test_parsing_check_aliases_counts_repeats_not_written_nodes():
    written = composed("[" + ", ".join(f"&n{i} {i}" for i in range(50)) + "]")
    check_aliases(written, limit=0)  # anchors but no alias: nothing repeated
    repeated = composed("a: &a [1, 2, 3]\nb: [*a, *a]\n")
    check_aliases(repeated, limit=8)  # each alias repeats the list and its three items
    with pytest.raises(AliasError, match="more than 7 nodes"):
        check_aliases(repeated, limit=7)
