"""Swagger 2.0 documents restated as OpenAPI 3.0.3, the form the rest of the loader reads.

The target is 3.0.3, not 3.1: a 2.0 schema object is the one 3.0 grew from (JSON Schema draft 4
with boolean `exclusiveMinimum`, `x-nullable` where 3.0 says `nullable`), so schemas carry over
almost word for word, and whatever needs 3.1 (merging pages, the schema views) already lifts 3.0
documents through `dialects`, the one 3.0-to-3.1 restatement.

The rules, from the 2.0 and 3.0.3 specifications:

- `host`, `basePath` and `schemes` become one server per scheme (`//host/base` when no scheme is
  given, the base path alone when there is no host), so paths are served under `basePath`.
- `definitions`, non-body `parameters` and `responses` become components; every `$ref` to them is
  rewritten. Body and form parameters (declared on the path, the operation or shared) become the
  operation's `requestBody`: a body as one entry per `consumes` media type, form fields as one
  object schema under `multipart/form-data` (when a field is a `type: file` or the operation
  consumes it) or `application/x-www-form-urlencoded`.
- A parameter's type keywords (`type`, `format`, `items`, `default`, `enum`, bounds) move into
  its `schema`; `collectionFormat` becomes `style`/`explode` (csv: form or simple, ssv:
  spaceDelimited, pipes: pipeDelimited, multi: exploded form; tsv has no 3.0 form and is read as
  csv, its origin kept in `x-collectionFormat`).
- A response's `schema` is its content for each `produces` media type; `examples` become each
  media type's `example`; headers get their schema the way parameters do.
- `securityDefinitions` become `securitySchemes`: basic is HTTP basic, oauth2's flows are renamed
  (application: clientCredentials, accessCode: authorizationCode).
- In schemas `x-nullable` becomes `nullable`, `type: file` a binary string, a string
  `discriminator` a `propertyName`. `x-` extensions are kept where they stand.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from specmock.errors import SpecError
from specmock.spec.keywords import SUBSCHEMA, SUBSCHEMA_LISTS, SUBSCHEMA_MAPS

TARGET = "3.0.3"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
_REFS = {
    "#/definitions/": "#/components/schemas/",
    "#/parameters/": "#/components/parameters/",
    "#/responses/": "#/components/responses/",
}
# The keywords of a 2.0 parameter, header or items object that describe its value: its schema.
_VALUE_KEYS = (
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
)
_STYLES = {"ssv": "spaceDelimited", "pipes": "pipeDelimited"}
_FLOWS = {
    "implicit": ("implicit", ("authorizationUrl",)),
    "password": ("password", ("tokenUrl",)),
    "application": ("clientCredentials", ("tokenUrl",)),
    "accessCode": ("authorizationCode", ("authorizationUrl", "tokenUrl")),
}


def is_swagger(document: Any) -> bool:
    """Whether a parsed document declares itself Swagger (a `swagger` field)."""
    return isinstance(document, dict) and "swagger" in document


def check_version(document: dict[str, Any], source: str) -> None:
    """SpecError unless the `swagger` field says 2.0 (YAML may read an unquoted 2.0 as a number)."""
    raw = document.get("swagger")
    if str(raw) != "2.0":
        raise SpecError(source, "/swagger", f"Swagger {raw!r} is not supported (2.0 is)")


def as_openapi(document: dict[str, Any], source: str) -> dict[str, Any]:
    """A Swagger 2.0 document as a new OpenAPI 3.0.3 document; any other document as it is."""
    if not is_swagger(document):
        return document
    check_version(document, source)
    return _Converter(document).document()


class _Converter:
    """One 2.0 document's conversion: the shared parts it reads while restating each piece."""

    def __init__(self, source: dict[str, Any]) -> None:
        self.source = source
        self.consumes = _media_types(source.get("consumes"))
        self.produces = _media_types(source.get("produces"))
        self.shared = _mapping(source.get("parameters"))

    def document(self) -> dict[str, Any]:
        source = self.source
        result: dict[str, Any] = {"openapi": TARGET, "info": source.get("info") or {}}
        servers = _servers(source)
        if servers:
            result["servers"] = servers
        for key in ("security", "tags", "externalDocs"):
            if key in source:
                result[key] = source[key]
        result["paths"] = {
            path: self.path_item(item) if isinstance(item, dict) else item
            for path, item in _mapping(source.get("paths")).items()
        }
        components = self.components()
        if components:
            result["components"] = components
        result |= _extensions(source)
        return result

    def components(self) -> dict[str, Any]:
        source = self.source
        # The bundler hoists schemas of other files under `components`: they are 2.0 schemas too.
        hoisted = _mapping(source.get("components"))
        schemas = {**_mapping(hoisted.get("schemas")), **_mapping(source.get("definitions"))}
        parameters = {
            name: self.parameter(value)
            for name, value in self.shared.items()
            if not _is_payload(value)
        }
        found = {
            "schemas": {name: schema_of(value) for name, value in schemas.items()},
            "parameters": parameters,
            "responses": {
                name: self.response(value, self.produces)
                for name, value in _mapping(source.get("responses")).items()
            },
            "securitySchemes": {
                name: security_scheme(value)
                for name, value in _mapping(source.get("securityDefinitions")).items()
            },
        }
        return {kind: entries for kind, entries in found.items() if entries}

    def path_item(self, item: dict[str, Any]) -> dict[str, Any]:
        shared = [self.resolved(p) for p in _list(item.get("parameters"))]
        result: dict[str, Any] = {}
        for key, value in item.items():
            if key in METHODS and isinstance(value, dict):
                result[key] = self.operation(value, shared)
            elif key == "parameters":
                kept = [self.parameter(p) for p, found in shared if not _is_payload(found)]
                if kept:
                    result[key] = kept
            else:
                result[key] = value
        return result

    def resolved(self, parameter: Any) -> tuple[Any, Any]:
        """(the parameter as written, the parameter it stands for once a shared `$ref` is read)."""
        ref = parameter.get("$ref") if isinstance(parameter, dict) else None
        if isinstance(ref, str) and ref.startswith("#/parameters/"):
            return parameter, self.shared.get(_unescape(ref.removeprefix("#/parameters/")), {})
        return parameter, parameter

    def operation(
        self, operation: dict[str, Any], inherited: list[tuple[Any, Any]]
    ) -> dict[str, Any]:
        own = [self.resolved(p) for p in _list(operation.get("parameters"))]
        overridden = {_identity(found) for _, found in own}
        merged = [pair for pair in inherited if _identity(pair[1]) not in overridden] + own
        consumes = _media_types(operation.get("consumes"), self.consumes)
        produces = _media_types(operation.get("produces"), self.produces)
        result: dict[str, Any] = {}
        for key, value in operation.items():
            if key in ("consumes", "produces", "schemes"):
                continue
            if key == "parameters":
                plain = [self.parameter(p) for p, found in own if not _is_payload(found)]
                if plain:
                    result[key] = plain
            elif key == "responses":
                result[key] = {
                    str(code): self.response(response, produces)
                    for code, response in _mapping(value).items()
                }
            else:
                result[key] = value
        body = request_body([found for _, found in merged if _is_payload(found)], consumes)
        if body:
            result["requestBody"] = body
        return result

    def parameter(self, parameter: Any) -> Any:
        if not isinstance(parameter, dict):
            return parameter
        if "$ref" in parameter:
            return {"$ref": rewrite_ref(parameter["$ref"])}
        result: dict[str, Any] = {}
        for key in ("name", "in", "description", "required", "allowEmptyValue"):
            if key in parameter:
                result[key] = parameter[key]
        if parameter.get("in") == "path":
            result["required"] = True
        if parameter.get("in") != "query":
            result.pop("allowEmptyValue", None)
        result["schema"] = value_schema(parameter)
        result |= _serialisation(parameter)
        return result | _extensions(parameter)

    def response(self, response: Any, produces: list[str]) -> Any:
        if not isinstance(response, dict):
            return response
        if "$ref" in response:
            return {"$ref": rewrite_ref(response["$ref"])}
        result: dict[str, Any] = {"description": response.get("description", "")}
        headers = _mapping(response.get("headers"))
        if headers:
            result["headers"] = {name: header(value) for name, value in headers.items()}
        examples = _mapping(response.get("examples"))
        content: dict[str, Any] = {}
        if "schema" in response:
            schema = schema_of(response["schema"])
            content = {media: {"schema": schema} for media in produces}
            content |= {media: {"schema": schema} for media in examples if media not in content}
        for media, example in examples.items():
            content.setdefault(media, {})["example"] = example
        if content:
            result["content"] = content
        return result | _extensions(response)


def request_body(payload: list[Any], consumes: list[str]) -> dict[str, Any] | None:
    """The `requestBody` of a body parameter or of form fields; None when there is neither."""
    bodies = [p for p in payload if p.get("in") == "body"]
    if bodies:
        body = bodies[-1]
        schema = schema_of(body.get("schema") or {})
        result: dict[str, Any] = {"content": {media: {"schema": schema} for media in consumes}}
        if "description" in body:
            result["description"] = body["description"]
        if body.get("required"):
            result["required"] = True
        return result | _extensions(body)
    fields = [p for p in payload if p.get("in") == "formData"]
    return form_body(fields, consumes) if fields else None


def form_body(fields: list[dict[str, Any]], consumes: list[str]) -> dict[str, Any]:
    properties = {str(f.get("name")): _field_schema(f) for f in fields}
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [str(f.get("name")) for f in fields if f.get("required")]
    if required:
        schema["required"] = required
    files = any(f.get("type") == "file" for f in fields)
    chosen = [media for media in consumes if media in (FORM, MULTIPART)]
    if files:
        chosen = [MULTIPART]
    media_types = chosen or [FORM]
    content: dict[str, Any] = {}
    for media in media_types:
        content[media] = {"schema": schema}
        encoding = {
            str(f.get("name")): _serialisation(f)
            for f in fields
            if media == FORM and f.get("type") == "array" and _serialisation(f)
        }
        if encoding:
            content[media]["encoding"] = encoding
    result: dict[str, Any] = {"content": content}
    if required:
        result["required"] = True
    return result


def _field_schema(field: dict[str, Any]) -> Any:
    """A form field's schema, its description with it (a property has no other place for it)."""
    schema = value_schema(field)
    if "description" in field and isinstance(schema, dict):
        schema = {**schema, "description": field["description"]}
    return schema


def header(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    result: dict[str, Any] = {"schema": value_schema(value)}
    if "description" in value:
        result["description"] = value["description"]
    return result | _extensions(value)


def value_schema(holder: dict[str, Any]) -> Any:
    """The schema of a parameter, header or items object: its value keywords (and a body's or
    a reference's schema as a schema)."""
    if "schema" in holder:
        return schema_of(holder["schema"])
    if "$ref" in holder:  # not allowed on items by 2.0, but written: the schema it names
        return schema_of(holder)
    schema: dict[str, Any] = {}
    for key in _VALUE_KEYS:
        if key in holder:
            schema[key] = holder[key]
    if "items" in schema:
        items = schema.pop("items")
        if isinstance(items, dict):
            schema["items"] = value_schema(items)
    if schema.get("type") == "file":
        schema["type"], schema["format"] = "string", "binary"
    if holder.get("x-nullable") is True:
        schema["nullable"] = True
    if schema.get("type") == "array" and "items" not in schema:
        schema["items"] = {}
    return schema


def schema_of(node: Any) -> Any:
    """A 2.0 schema object as a 3.0 one (subschemas too): `$ref`s rewritten, `x-nullable` as
    `nullable`, `type: file` as a binary string, a string `discriminator` as a `propertyName`."""
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            result[key] = rewrite_ref(value)
        elif key == "x-nullable":
            if value is True:
                result["nullable"] = True
        elif key == "discriminator" and isinstance(value, str):
            result[key] = {"propertyName": value}
        elif key in SUBSCHEMA_MAPS and isinstance(value, dict):
            result[key] = {name: schema_of(inner) for name, inner in value.items()}
        elif key in SUBSCHEMA_LISTS or (key in SUBSCHEMA and isinstance(value, list)):
            result[key] = [schema_of(inner) for inner in _list(value)]
        elif key in SUBSCHEMA:
            result[key] = schema_of(value)
        else:
            result[key] = value
    if result.get("type") == "file":
        result["type"], result["format"] = "string", "binary"
    return result


def security_scheme(scheme: Any) -> Any:
    if not isinstance(scheme, dict):
        return scheme
    kind = scheme.get("type")
    result: dict[str, Any] = {}
    if kind == "basic":
        result = {"type": "http", "scheme": "basic"}
    elif kind == "apiKey":
        result = {key: scheme[key] for key in ("type", "name", "in") if key in scheme}
    elif kind == "oauth2" and scheme.get("flow") in _FLOWS:
        flow, urls = _FLOWS[scheme["flow"]]
        details = {url: scheme.get(url, "") for url in urls}
        details["scopes"] = scheme.get("scopes") or {}
        result = {"type": "oauth2", "flows": {flow: details}}
    else:
        result = {key: value for key, value in scheme.items() if not key.startswith("x-")}
    if "description" in scheme:
        result["description"] = scheme["description"]
    return result | _extensions(scheme)


def rewrite_ref(ref: str) -> str:
    """A 2.0 local `$ref` in 3.0 terms (`#/definitions/Pet` -> `#/components/schemas/Pet`)."""
    for old, new in _REFS.items():
        if ref.startswith(old):
            return new + ref.removeprefix(old)
    return ref


def _servers(source: dict[str, Any]) -> list[dict[str, Any]]:
    host = source.get("host")
    base = str(source.get("basePath") or "").rstrip("/")
    if base and not base.startswith("/"):
        base = "/" + base
    if not isinstance(host, str) or not host:
        return [{"url": base}] if base else []
    schemes = [s for s in _list(source.get("schemes")) if s in ("http", "https", "ws", "wss")]
    # No scheme given: the one the document was read with (a scheme-relative URL says so).
    urls = [f"{scheme}://{host}{base}" for scheme in schemes] or [f"//{host}{base}"]
    return [{"url": url} for url in urls]


def _serialisation(parameter: dict[str, Any]) -> dict[str, Any]:
    """`style`/`explode` for an array parameter's `collectionFormat` (nothing for the default)."""
    if parameter.get("type") != "array":
        return {}
    written = parameter.get("collectionFormat", "csv")
    place = parameter.get("in")
    if written == "multi":
        return {"style": "form", "explode": True}
    if place in ("path", "header"):
        return {} if written == "csv" else {"x-collectionFormat": written}
    style = _STYLES.get(str(written), "form")
    result: dict[str, Any] = {"style": style, "explode": False}
    if written not in ("csv", "ssv", "pipes"):
        result["x-collectionFormat"] = written
    return result


def _is_payload(parameter: Any) -> bool:
    return isinstance(parameter, dict) and parameter.get("in") in ("body", "formData")


def _identity(parameter: Any) -> tuple[Any, Any]:
    if not isinstance(parameter, dict):
        return (None, id(parameter))
    place = parameter.get("in")
    # Only one body: a body named otherwise still replaces the path's.
    return (place, None if place == "body" else parameter.get("name"))


def _media_types(value: Any, fallback: list[str] | None = None) -> list[str]:
    found = [str(media) for media in _list(value) if isinstance(media, str)]
    return found or fallback or [JSON]


def _extensions(node: dict[str, Any]) -> dict[str, Any]:
    """A node's `x-` extensions, but `x-nullable`, which its schema states as `nullable`."""
    return {
        key: value
        for key, value in node.items()
        if str(key).startswith("x-") and key != "x-nullable"
    }


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> Iterable[Any]:
    return value if isinstance(value, list) else []


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")
