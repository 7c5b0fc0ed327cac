import pytest

from specmock.errors import SpecError
from specmock.spec.parsing import parse_file, parse_text, strict_json


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
