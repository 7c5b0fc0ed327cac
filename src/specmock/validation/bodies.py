"""Request bodies read as openapi-core does not: the fields of a form as sent, and bodies of types
read as text or bytes taken for the string values their schemas describe. Plain functions on the
document; `requests.ApiValidator` judges what they return."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from specmock.spec.api import Operation
from specmock.spec.refs import follow
from specmock.validation import negotiation
from specmock.violations import Violation


def text_value(
    document: Any, operation: Operation, body: bytes | None, content_type: str
) -> tuple[str, str] | None:
    """(documented media type, the string value to judge) for a body openapi-core misreads, with
    an empty media type where there is no schema to judge it by; None for any other body.

    - An empty body sent under a Content-Type read as text or bytes (`text/csv`,
      `application/octet-stream`) is the empty string, as an empty CSV file is a CSV file:
      openapi-core takes any empty body for none at all. JSON, XML and forms have their own
      empty readings.
    - A body of a type read as bytes (`image/jpeg`) documented as a string that is not binary
      (base64 under `format: byte`) is its UTF-8 text: openapi-core hands such a schema the
      bytes, which no string schema admits. Text that is no UTF-8 is left to openapi-core.
    """
    if not content_type or structured(content_type):
        return None
    if body and content_type.startswith("text/"):
        return None
    content = (operation.spec.get("requestBody") or {}).get("content") or {}
    documented = negotiation.documented_type(content_type, content)
    media = content.get(documented) if documented is not None else None
    if documented is None or structured(documented) or not isinstance(media, Mapping):
        return None
    if not body:
        return (documented, "") if "schema" in media else ("", "")
    schema = follow(document, media.get("schema"))
    if not isinstance(schema, Mapping) or schema.get("type") != "string":
        return None
    if schema.get("format") == "binary":
        return None
    try:
        return documented, body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def field_violations(
    document: Any, operation: Operation, sent: list[str] | None, content_type: str
) -> list[Violation]:
    """What a form's (or multipart body's) fields break by their names alone, as `sent` (each
    name each time it is sent): openapi-core fills in a missing field's `default` before the
    schema sees it (so a required field with a default was never required), reads one value of
    a field sent twice, and drops the fields no property names (so `additionalProperties: false`
    never refused one). None sent: the body is no form."""
    if sent is None:
        return []
    content = (operation.spec.get("requestBody") or {}).get("content") or {}
    documented = negotiation.documented_type(content_type, content)
    media = content.get(documented) if documented is not None else None
    schema = follow(document, media.get("schema")) if isinstance(media, Mapping) else None
    if not isinstance(schema, Mapping):
        return []
    properties = schema.get("properties")
    properties = properties if isinstance(properties, Mapping) else {}
    found = [
        Violation("body", f"/{name}", f"{name!r} is a required property")
        for name in schema.get("required") or ()
        if name not in sent and "default" in (follow(document, properties.get(name)) or {})
    ]
    for name, count in Counter(sent).items():
        inner = follow(document, properties.get(name))
        if count > 1 and isinstance(inner, Mapping) and inner.get("type") not in (None, "array"):
            message = f"{name!r} is sent {count} times, but it holds one value, not an array"
            found.append(Violation("body", f"/{name}", message))
    if schema.get("additionalProperties") is False and not _spread(
        document, content_type, properties
    ):
        found.extend(
            Violation(
                "body",
                f"/{name}",
                f"{name!r} is not a field of this body (additionalProperties: false)",
            )
            for name in dict.fromkeys(sent)
            if name not in properties
        )
    return found


def _spread(document: Any, content_type: str, properties: Mapping[str, Any]) -> bool:
    """Whether a form may send fields no property is named after: an object property of a
    URL-encoded form is written exploded by default, its keys as fields of their own."""
    if negotiation.essence(content_type) != negotiation.FORM:
        return False
    for schema in properties.values():
        schema = follow(document, schema)
        if isinstance(schema, Mapping) and (schema.get("type") in (None, "object")):
            return True
    return False


def structured(media_type: str) -> bool:
    """Whether a media type is read as structured data (JSON, XML, a form, multipart), where no
    bytes at all are not an empty value."""
    essence = negotiation.essence(media_type)
    return (
        negotiation.is_json(media_type)
        or negotiation.is_xml(media_type)
        or essence == negotiation.FORM
        or essence.startswith("multipart/")
    )
