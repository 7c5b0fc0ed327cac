"""JSON Schema keywords by what their value holds: one subschema, a list or a map of them, or data.

The one table that every walk over schemas reads: the cleaning of rendered schemas (`rendering`),
the compiled checks' restatement (`schemas.compiled`) and the search for schema-level examples
(`contract.audit`). A walk that needs fewer keywords derives its subset from these, where it is
written, and says why. The tables are tuples so that a walk visits keywords in a fixed order.
"""

from __future__ import annotations

#: Keywords whose value is one schema (`items` may also be a draft 4 list of schemas).
SUBSCHEMA = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "additionalItems",
    "contentSchema",
    "unevaluatedItems",
    "unevaluatedProperties",
)
#: Keywords whose value is a list of schemas.
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
#: Keywords whose value maps names (property names, patterns, definition names) to schemas.
SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
#: Keywords whose value is data (an instance, or a list of them), never a schema.
DATA = ("example", "examples", "default", "enum", "const")
