"""OpenAPI versions: which one a document is, and restating 3.0 in 3.1 terms.

`restate_30` is the one restatement of a 3.0 schema object in 3.1 terms: `nullable` becomes a
`"null"` type, boolean `exclusiveMinimum`/`exclusiveMaximum` become numbers. Whole documents are
lifted with it (pages of one API may mix versions, a 3.0.1 document beside operations rendered as
3.1, and one API must be one document), and so are rendered pages and the schema views.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from specmock.digits import is_digits
from specmock.errors import SpecError
from specmock.spec.keywords import DATA

OPENAPI_31 = "3.1.0"
_EXCLUSIVE_BOUNDS = (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum"))
_CHOICES_AND_REFS = ("$ref", "allOf", "oneOf", "anyOf")


def version_of(document: dict[str, Any], source: str) -> tuple[int, int]:
    """The (major, minor) OpenAPI version; SpecError for unknown versions (a Swagger 2.0 document
    is converted before it is asked, see `swagger2`)."""
    raw = document.get("openapi")
    if not isinstance(raw, str):
        raise SpecError(source, "/openapi", f"expected an OpenAPI version string, got {raw!r}")
    parts = raw.split(".")
    if len(parts) < 2 or not all(is_digits(p) for p in parts[:2]):
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


def restate_30(schema: Mapping[str, Any], *, null_in_enum: bool = False) -> dict[str, Any]:
    """One schema object restated from OpenAPI 3.0 to 3.1 terms, as a new dict. Only its own
    keywords are read: its subschemas are left as they are (a walk restates each one it meets).

    - `nullable` (a boolean) goes; when true, "null" joins the `type`: a string type becomes a
      list (`"string"` -> `["string", "null"]`) and a list gains "null" when it lacks it.
    - A boolean `exclusiveMinimum`/`exclusiveMaximum` (see `restate_bounds`) becomes a number.
    - With `null_in_enum`, a nullable schema's `enum` list gains `None` too: in 3.1 `enum` is
      checked apart from `type`, so a document served as 3.1 lists null there. openapi-core's 3.0
      validators check `enum` without `nullable`, so whoever restates to agree with them (the
      schema views of `schemas`) keeps the default.

    Left to callers, which differ and say why where they do it: a nullable schema with no `type`
    (3.0.3 gives `nullable` meaning only beside a type; `_upgrade_schema` makes null a choice beside
    a `$ref` or combination, `rendering` beside any untyped schema), and a string `type` that is not
    nullable (it stays a string; the schema views make every `type` a list).

    `validation.documents._restate_30_write` (the request side of the compiled checks) is written
    with it: its own refusals first (a list `type`, a bound flag that is not a boolean, which this
    leaves as they are), then this on the keywords openapi-core's 3.0 validators read.
    """
    view = restate_bounds(schema)
    nullable = view.get("nullable")
    if not isinstance(nullable, bool):
        return view
    del view["nullable"]
    if not nullable:
        return view
    kind = view.get("type")
    if isinstance(kind, str):
        view["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        view["type"] = [*kind, "null"]
    if null_in_enum and isinstance(view.get("enum"), list) and None not in view["enum"]:
        view["enum"] = [*view["enum"], None]
    return view


def restate_bounds(schema: Mapping[str, Any]) -> dict[str, Any]:
    """One schema object, as a new dict, with 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum`
    as 3.1's numbers: a true flag takes the number of `minimum`/`maximum` (which goes); a false
    one, or a true one with no bound beside it, goes. This is the part of `restate_30` that does
    not depend on `nullable`, which 3.1 does not know."""
    view = dict(schema)
    for flag, bound in _EXCLUSIVE_BOUNDS:
        if isinstance(view.get(flag), bool) and view.pop(flag) and bound in view:
            view[flag] = view.pop(bound)
    return view


def _upgrade_node(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _upgrade_node(item)
        return
    if not isinstance(node, dict):
        return
    upgraded = _upgrade_schema(node)
    node.clear()
    node.update(upgraded)
    for key, value in node.items():
        if key not in DATA and not str(key).startswith("x-"):
            _upgrade_node(value)


def _upgrade_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """One object of a 3.0 document in 3.1 terms (objects that are no schema come out equal)."""
    view = restate_30(schema, null_in_enum=True)
    if schema.get("nullable") is True and any(key in view for key in _CHOICES_AND_REFS):
        # A `type` beside them would not widen a `$ref` or a combination in 3.1 either.
        return null_choice(view)
    return view


def nullable_choice(schema: Mapping[str, Any]) -> bool:
    """Whether a 3.0 schema says `nullable: true` beside a `$ref` or a combination (`oneOf`,
    `anyOf`, `allOf`) with no `type` for it to widen. 3.0.3 gives it no meaning there, but 3.0
    authors write it so to mean "or null" (OpenAI's `stop`: `nullable`, `oneOf`, `default: null`),
    and Schemathesis reads it so: specmock reads it so everywhere."""
    return (
        schema.get("nullable") is True
        and "type" not in schema
        and any(key in schema for key in _CHOICES_AND_REFS)
    )


def null_choice(view: dict[str, Any]) -> dict[str, Any]:
    """A restated schema's `$ref` and combinations made one choice, null the other."""
    inner = {key: view.pop(key) for key in list(view) if key in _CHOICES_AND_REFS}
    view["anyOf"] = [inner, {"type": "null"}]
    return view
