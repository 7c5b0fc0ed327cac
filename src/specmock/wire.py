"""Values as they come on the wire: JSON text read strictly, numbers written as JSON writes them."""

from __future__ import annotations

import json
import re
from typing import Any

# A numeric parameter must be written as JSON writes numbers: Python's `int()` and `float()` (what
# openapi-core casts with) also take `1_000`, ` 7 `, full-width digits and `NaN`.
INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?", re.ASCII)


def strict_json(data: bytes | str) -> Any:
    """JSON as RFC 8259 has it: `NaN` and `Infinity` are not numbers there."""
    return json.loads(data, parse_constant=_refuse_constant)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")
