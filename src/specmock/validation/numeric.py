"""Numeric parameters: a number on the wire is written as JSON writes numbers.

openapi-core casts with Python's `int()` and `float()`, which also take `1_000`, ` 7 `, full-width
digits and `NaN`; a real API would refuse those, so they are refused here before openapi-core reads
the parameter. A `label` or `matrix` path value is judged after its prefix (`.5`, `;id=5`); one
without it is left to `validation.styles`, which says what it lacks.
"""

from __future__ import annotations

from typing import Any

from openapi_core.datatypes import RequestParameters

from specmock.spec.api import Operation
from specmock.spec.parsing import INTEGER, MAX_DIGITS, NUMBER
from specmock.spec.refs import follow
from specmock.validation.documents import single_type
from specmock.validation.fastpath import values_of
from specmock.violations import Violation

_LOCATIONS = ("path", "query", "header", "cookie")


class NumericParameters:
    """The scalar numeric parameters of one API's operations, each operation's found once."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document
        self._found: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {}

    def violations(self, operation: Operation, given: RequestParameters) -> list[Violation]:
        """One violation per value of a numeric parameter not written as a JSON number."""
        found = []
        for where, name, kind, prefix in self._of(operation):
            pattern = INTEGER if kind == "integer" else NUMBER
            for value in values_of(given, where, name):
                if not isinstance(value, str) or not value.startswith(prefix):
                    continue
                if not pattern.fullmatch(value[len(prefix) :]):
                    found.append(Violation(where, name, _not_a_number(value, kind)))
        return found

    def in_path(self, operation: Operation) -> set[str]:
        """The names of the operation's numeric path parameters."""
        return {name for where, name, _, _ in self._of(operation) if where == "path"}

    def _of(self, operation: Operation) -> list[tuple[str, str, str, str]]:
        key = (operation.path, operation.method)
        if key not in self._found:
            self._found[key] = _numeric_parameters(self._document, operation)
        return self._found[key]


def _numeric_parameters(
    document: dict[str, Any], operation: Operation
) -> list[tuple[str, str, str, str]]:
    """(in, name, integer|number, the prefix of its style) of the operation's scalar numeric
    parameters."""
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for parameter in operation.parameters:
        parameter = follow(document, parameter)
        if not isinstance(parameter, dict):
            continue
        schema = single_type(follow(document, parameter.get("schema") or {}))
        kind = schema.get("type") if isinstance(schema, dict) else None
        key = (str(parameter.get("in")), str(parameter.get("name")))
        found.pop(key, None)  # an operation's parameter overrides the path item's
        if kind in ("integer", "number") and key[0] in _LOCATIONS:
            style = parameter.get("style")
            prefix = {"label": ".", "matrix": f";{key[1]}="}.get(str(style), "")
            found[key] = (str(kind), prefix)
    return [(where, name, kind, prefix) for (where, name), (kind, prefix) in found.items()]


def _not_a_number(value: str, kind: str) -> str:
    if len(value) > MAX_DIGITS and value.lstrip("-")[:1].isdigit():
        digits = f"no {kind} over {MAX_DIGITS} digits is read"
        return f"{value[:20]!r}… has {len(value)} characters: {digits}"
    return f"{value!r} is not a valid {kind}"
