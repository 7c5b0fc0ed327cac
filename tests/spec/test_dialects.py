import pytest

from specmock.errors import SpecError
from specmock.spec.dialects import upgrade_to_31, version_of


def test_dialects_upgrade_rewrites_nullable_and_exclusive_bounds():
    document = {
        "openapi": "3.0.3",
        "components": {
            "schemas": {
                "A": {"type": "integer", "minimum": 0, "exclusiveMinimum": True, "nullable": True},
                "B": {"$ref": "#/components/schemas/A", "nullable": True},
                "C": {
                    "type": "string",
                    "enum": ["x"],
                    "nullable": True,
                    "example": {"nullable": True},
                },
                "D": {"type": "number", "maximum": 5, "exclusiveMaximum": False},
            }
        },
    }
    schemas = upgrade_to_31(document)["components"]["schemas"]
    assert schemas["A"] == {"type": ["integer", "null"], "exclusiveMinimum": 0}
    assert schemas["B"] == {"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}
    assert schemas["C"] == {
        "type": ["string", "null"],
        "enum": ["x", None],
        "example": {"nullable": True},
    }
    assert schemas["D"] == {"type": "number", "maximum": 5}
    assert document["openapi"] == "3.0.3"  # the source is not changed


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        pytest.param({"openapi": 3.1}, "expected an OpenAPI version string, got 3.1", id="number"),
        pytest.param(
            {"openapi": "2.0"}, "OpenAPI '2.0' is not supported (3.0.x or 3.1.x)", id="old"
        ),
        pytest.param(
            {"openapi": "three"}, "'three' is not an OpenAPI version like '3.1.0'", id="word"
        ),
    ],
)
def test_dialects_version_errors(document, problem):
    with pytest.raises(SpecError) as caught:
        version_of(document, "x.yaml")
    assert caught.value.problem == problem
    assert caught.value.where == "/openapi"
