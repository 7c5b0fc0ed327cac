"""Numeric parameters: a number on the wire is written as JSON writes numbers.

openapi-core casts with Python's `int()` and `float()`, which also take `1_000`, ` 7 `, full-width
digits and `NaN`; a real API would refuse those, so they are refused here before openapi-core reads
the parameter. A `label` or `matrix` path value is judged after its prefix (`.5`, `;id=5`); one
without it is left to `validation.styles`, which says what it lacks. An empty value of a parameter
with `allowEmptyValue: true` is no number, and allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openapi_core.datatypes import RequestParameters

from specmock.spec.api import Operation
from specmock.spec.parsing import INTEGER, MAX_DIGITS, NUMBER
from specmock.spec.refs import follow
from specmock.validation.documents import ALLOW_EMPTY, single_type
from specmock.validation.fastpath import values_of
from specmock.violations import Violation

_LOCATIONS = ("path", "query", "header", "cookie")


@dataclass(frozen=True, slots=True)
class _Numeric:
    """A scalar numeric parameter: where, its name, integer or number, the prefix of its style,
    and whether an empty value is allowed (`allowEmptyValue: true`)."""

    where: str
    name: str
    kind: str
    prefix: str
    empty_allowed: bool

    def violations(self, given: RequestParameters) -> list[Violation]:
        pattern = INTEGER if self.kind == "integer" else NUMBER
        found = []
        for value in values_of(given, self.where, self.name):
            if not isinstance(value, str) or not value.startswith(self.prefix):
                continue
            if value == "" and self.empty_allowed:
                continue
            if not pattern.fullmatch(value[len(self.prefix) :]):
                found.append(Violation(self.where, self.name, _not_a_number(value, self.kind)))
        return found


class NumericParameters:
    """The scalar numeric parameters of one API's operations, each operation's found once."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document
        self._found: dict[tuple[str, str], list[_Numeric]] = {}

    def violations(self, operation: Operation, given: RequestParameters) -> list[Violation]:
        """One violation per value of a numeric parameter not written as a JSON number."""
        return [found for numeric in self._of(operation) for found in numeric.violations(given)]

    def in_path(self, operation: Operation) -> set[str]:
        """The names of the operation's numeric path parameters."""
        return {numeric.name for numeric in self._of(operation) if numeric.where == "path"}

    def _of(self, operation: Operation) -> list[_Numeric]:
        key = (operation.path, operation.method)
        if key not in self._found:
            self._found[key] = _numeric_parameters(self._document, operation)
        return self._found[key]


def _numeric_parameters(document: dict[str, Any], operation: Operation) -> list[_Numeric]:
    """The operation's scalar numeric parameters."""
    found: dict[tuple[str, str], _Numeric] = {}
    for parameter in operation.parameters:
        parameter = follow(document, parameter)
        if not isinstance(parameter, dict):
            continue
        schema = single_type(follow(document, parameter.get("schema") or {}))
        kind = schema.get("type") if isinstance(schema, dict) else None
        where, name = str(parameter.get("in")), str(parameter.get("name"))
        found.pop((where, name), None)  # an operation's parameter overrides the path item's
        if kind in ("integer", "number") and where in _LOCATIONS:
            prefix = {"label": ".", "matrix": f";{name}="}.get(str(parameter.get("style")), "")
            # inline parameters are the spec's own; those behind a `$ref`, the validator's
            empty = any(parameter.get(key) is True for key in ("allowEmptyValue", ALLOW_EMPTY))
            found[(where, name)] = _Numeric(where, name, str(kind), prefix, empty)
    return list(found.values())


def _not_a_number(value: str, kind: str) -> str:
    if len(value) > MAX_DIGITS and value.lstrip("-")[:1].isdigit():
        digits = f"no {kind} over {MAX_DIGITS} digits is read"
        return f"{value[:20]!r}… has {len(value)} characters: {digits}"
    return f"{value!r} is not a valid {kind}"
