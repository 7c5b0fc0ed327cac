import pytest

from specmock.digits import is_digits


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", True), ("0042", True), ("", False), ("-1", False), ("²", False), ("١٢", False)],
)
def test_is_digits_is_ascii_digits_only(text, expected):
    assert is_digits(text) is expected
    if expected:
        assert int(text) >= 0
