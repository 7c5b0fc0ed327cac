import pytest

from specmock.spec.parsing import strict_json


def test_parsing_strict_json_refuses_nan():
    with pytest.raises(ValueError, match="NaN is not a JSON value"):
        strict_json("[NaN]")
