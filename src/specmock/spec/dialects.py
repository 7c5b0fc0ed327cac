"""OpenAPI versions: which one a document is, and lifting 3.0 documents to 3.1.

Pages of one API may mix versions (a 3.0.1 document beside operations rendered as 3.1), and one
API must be one document, so the 3.0 parts are rewritten in 3.1 terms: `nullable` becomes a
`"null"` type, boolean `exclusiveMinimum`/`exclusiveMaximum` become numbers.
"""

from __future__ import annotations

import copy
from typing import Any

from specmock.errors import SpecError
from specmock.spec.keywords import DATA

OPENAPI_31 = "3.1.0"


def version_of(document: dict[str, Any], source: str) -> tuple[int, int]:
    """The (major, minor) OpenAPI version; SpecError for Swagger 2.0 and unknown versions."""
    if "swagger" in document:
        raise SpecError(
            source,
            "/swagger",
            f"Swagger {document['swagger']!r} documents are not supported yet; "
            "convert it to OpenAPI 3 (for example with swagger2openapi)",
        )
    raw = document.get("openapi")
    if not isinstance(raw, str):
        raise SpecError(source, "/openapi", f"expected an OpenAPI version string, got {raw!r}")
    parts = raw.split(".")
    if len(parts) < 2 or not all(p.isdigit() for p in parts[:2]):
        raise SpecError(source, "/openapi", f"{raw!r} is not an OpenAPI version like '3.1.0'")
    major, minor = int(parts[0]), int(parts[1])
    if major != 3 or minor not in (0, 1):
        raise SpecError(source, "/openapi", f"OpenAPI {raw!r} is not supported (3.0.x or 3.1.x)")
    return major, minor


def upgrade_to_31(document: dict[str, Any]) -> dict[str, Any]:
    """A 3.1 copy of a 3.0 document (a 3.1 document is returned as an equal copy)."""
    result = copy.deepcopy(document)
    if str(result.get("openapi", "")).startswith("3.1"):
        return result
    result["openapi"] = OPENAPI_31
    _upgrade_node(result)
    return result


def _upgrade_node(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _upgrade_node(item)
        return
    if not isinstance(node, dict):
        return
    if "nullable" in node and isinstance(node["nullable"], bool):
        _upgrade_nullable(node)
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(node.get(bound), bool) and node.pop(bound) and limit in node:
            node[bound] = node.pop(limit)
    for key, value in node.items():
        if key not in DATA and not str(key).startswith("x-"):
            _upgrade_node(value)


def _upgrade_nullable(schema: dict[str, Any]) -> None:
    if not schema.pop("nullable"):
        return
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    elif kind is None and "$ref" not in schema:
        pass  # no type: the schema already admits null
    if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    if "$ref" in schema or "allOf" in schema or "oneOf" in schema or "anyOf" in schema:
        inner = {k: schema.pop(k) for k in list(schema) if k in ("$ref", "allOf", "oneOf", "anyOf")}
        schema["anyOf"] = [inner, {"type": "null"}]
