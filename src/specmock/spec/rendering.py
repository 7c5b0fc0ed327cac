"""A documentation site's rendering of one operation, normalised into an OpenAPI 3.1.0 document.

The rendering is Mintlify's `paths: {path, method, servers, request, response}` with `schemaArray`s,
plus `components`, as `docpages` finds it in a fenced block of a page. Its schemas are made JSON
Schema (a `required: true` on a property becomes its name in the parent's `required` list, 3.0's
`nullable` and boolean bounds are restated) and its security entries become security schemes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from specmock.spec.dialects import restate_30
from specmock.spec.keywords import SUBSCHEMA, SUBSCHEMA_LISTS, SUBSCHEMA_MAPS
from specmock.spec.parsing import unshared

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_LOCATIONS = ("path", "query", "header", "cookie")
_NOT_A_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_PARAMETER_KEYS = ("deprecated", "allowEmptyValue", "style", "explode", "allowReserved", "example")
_EXAMPLE_FIELDS = frozenset({"summary", "description", "value", "externalValue"})
# Keys the documentation site adds to the schemas it renders; they are not JSON Schema.
_RENDERING_ONLY = frozenset({"refIdentifier", "requiredProperties"})


class ShapeError(Exception):
    """A part of an operation rendering that does not have the documented shape."""


@dataclass(frozen=True, slots=True)
class _Content:
    media: dict[str, Any]
    required: bool
    description: str | None


def is_rendering(data: dict[str, Any]) -> bool:
    """Whether parsed block data is an operation rendering (`paths: {path, method, ...}`)."""
    view = data.get("paths")
    return isinstance(view, dict) and "path" in view and "method" in view


def document_from_rendering(rendering: dict[str, Any], title: str | None) -> dict[str, Any]:
    """The OpenAPI 3.1.0 document of one operation rendering, titled `title` (the page's) if given;
    ShapeError for a part that does not have the documented shape."""
    view: dict[str, Any] = rendering["paths"]
    method = str(view["method"]).lower()
    if method not in _METHODS:
        raise ShapeError(
            f"paths.method is {view['method']!r}; expected one of {', '.join(_METHODS)}"
        )
    path = view["path"]
    webhook = view.get("type") == "webhook"
    if not isinstance(path, str) or not (webhook or path.startswith("/")):
        raise ShapeError(f"paths.path is {path!r}; expected a URL path starting with '/'")
    schemes: dict[str, dict[str, Any]] = {}
    operation = _operation(view, method, path, title, schemes)
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": title or f"{method.upper()} {path}",
            "version": "0.0.0",
            "x-specmock-rendering": True,
        },
    }
    if servers := _servers(view.get("servers")):
        document["servers"] = servers
    document["webhooks" if webhook else "paths"] = {path: {method: operation}}
    if components := _components(rendering.get("components"), schemes):
        document["components"] = components
    return document


def _operation(
    view: dict[str, Any],
    method: str,
    path: str,
    title: str | None,
    schemes: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    request = _mapping(view.get("request"), "paths.request")
    operation: dict[str, Any] = {"operationId": operation_id(method, path)}
    if title:
        operation["summary"] = title
    if isinstance(view.get("description"), str):
        operation["description"] = view["description"]
    if view.get("deprecated") is True:
        operation["deprecated"] = True
    if parameters := _parameters(_mapping(request.get("parameters"), "paths.request.parameters")):
        operation["parameters"] = parameters
    if body := _request_body(_mapping(request.get("body"), "paths.request.body")):
        operation["requestBody"] = body
    if responses := _responses(_mapping(view.get("response"), "paths.response")):
        operation["responses"] = responses
    if security := _security(request.get("security"), schemes):
        operation["security"] = security
    return operation


def operation_id(method: str, path: str) -> str:
    """A readable operationId for an operation that has none (`put_api_v1_models_id`)."""
    return re.sub(r"[^A-Za-z0-9]+", "_", f"{method} {path}").strip("_")


def _servers(value: Any) -> list[dict[str, Any]]:
    servers = []
    for server in _sequence(value, "paths.servers"):
        if isinstance(server, str):
            servers.append({"url": server})
        elif isinstance(server, dict) and isinstance(server.get("url"), str):
            fields = ("url", "description", "variables")
            servers.append({key: unshared(server[key]) for key in fields if key in server})
    return servers


def _components(value: Any, schemes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    rendered = _mapping(value, "components")
    components: dict[str, Any] = {}
    schemas = _mapping(rendered.get("schemas"), "components.schemas")
    if schemas:
        components["schemas"] = {str(name): _schema(schema)[0] for name, schema in schemas.items()}
    if schemes:
        components["securitySchemes"] = schemes
    return components


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ShapeError(f"{where} is a {type(value).__name__}; expected a mapping")
    return value


def _sequence(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ShapeError(f"{where} is a {type(value).__name__}; expected a list")
    return value


# -- parameters and bodies -------------------------------------------------------------------


def _parameters(rendered: dict[str, Any]) -> list[dict[str, Any]]:
    parameters = []
    for location in _LOCATIONS:
        where = f"paths.request.parameters.{location}"
        for name, entry in _mapping(rendered.get(location), where).items():
            parameters.append(_parameter(str(name), location, _mapping(entry, f"{where}.{name}")))
    return parameters


def _parameter(name: str, location: str, entry: dict[str, Any]) -> dict[str, Any]:
    where = f"paths.request.parameters.{location}.{name}.schema"
    variants, marked = _variants(entry.get("schema"), where)
    descriptions = [variant.pop("description", None) for variant in variants]
    parameter: dict[str, Any] = {"name": name, "in": location}
    description = entry.get("description") or next(filter(None, descriptions), None)
    if description:
        parameter["description"] = description
    if marked or location == "path":
        parameter["required"] = True
    parameter.update({key: unshared(entry[key]) for key in _PARAMETER_KEYS if key in entry})
    if examples := _examples(entry.get("examples")):
        parameter["examples"] = examples
    parameter["schema"] = _combined(variants)
    return parameter


def _request_body(rendered: dict[str, Any]) -> dict[str, Any] | None:
    content = _content(rendered, "paths.request.body")
    if not content.media:
        return None
    body: dict[str, Any] = {"content": content.media}
    if content.description:
        body["description"] = content.description
    if content.required:
        body["required"] = True
    return body


def _responses(rendered: dict[str, Any]) -> dict[str, Any]:
    responses = {}
    for status, media in rendered.items():
        content = _content(_mapping(media, f"paths.response.{status}"), f"paths.response.{status}")
        response: dict[str, Any] = {"description": content.description or _phrase(str(status))}
        if content.media:
            response["content"] = content.media
        responses[str(status)] = response
    return responses


def _phrase(status: str) -> str:
    try:
        return HTTPStatus(int(status)).phrase
    except ValueError:
        return f"{status} response"


def _content(rendered: dict[str, Any], where: str) -> _Content:
    """Media types of a body or response; the site's placeholder type only lends a description."""
    media: dict[str, Any] = {}
    required = False
    descriptions = []
    for media_type, rendered_media in rendered.items():
        entry = _mapping(rendered_media, f"{where}.{media_type}")
        descriptions.append(entry.get("description"))
        if str(media_type).startswith("_mintlify/"):
            continue
        variants, marked = _variants(entry.get("schemaArray"), f"{where}.{media_type}.schemaArray")
        required = required or marked
        media[str(media_type)] = _media_type(variants, entry.get("examples"))
    description = next((text for text in descriptions if isinstance(text, str) and text), None)
    return _Content(media, required, description)


def _media_type(variants: list[dict[str, Any]], examples: Any) -> dict[str, Any]:
    media: dict[str, Any] = {}
    if variants:
        media["schema"] = _combined(variants)
    if named := _examples(examples):
        media["examples"] = named
    return media


def _examples(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {}
    return {str(name): _example(example) for name, example in value.items()}


def _example(example: Any) -> dict[str, Any]:
    if isinstance(example, dict) and all(
        key in _EXAMPLE_FIELDS or str(key).startswith("x-") for key in example
    ):
        copied: dict[str, Any] = unshared(example)
        return copied
    return {"value": unshared(example)}


def _variants(value: Any, where: str) -> tuple[list[dict[str, Any]], bool]:
    """The schemas of a `schemaArray`, and whether any variant is marked `required: true`."""
    if isinstance(value, dict):
        value = [value]
    variants = []
    marked = False
    for variant in _sequence(value, where):
        schema, required = _schema(variant)
        variants.append(schema if isinstance(schema, dict) else {})
        marked = marked or required
    return variants, marked


def _combined(variants: list[dict[str, Any]]) -> dict[str, Any]:
    if len(variants) == 1:
        return variants[0]
    return {"anyOf": variants} if variants else {}


# -- schemas ---------------------------------------------------------------------------------


def _schema(node: Any) -> tuple[Any, bool]:
    """A JSON Schema from a rendered one, and whether the rendering marked it `required: true`.

    The site writes "required" as a boolean on the schema itself; JSON Schema wants the name in the
    parent's `required` list, so property names are moved there and the booleans dropped.
    """
    if not isinstance(node, dict):
        return unshared(node), False
    marked = node.get("required") is True
    schema: dict[str, Any] = {}
    required: list[Any] = list(_sequence_or_empty(node.get("requiredProperties")))
    for key, value in node.items():
        if _dropped(key, value):
            continue
        if key == "properties" and isinstance(value, dict):
            schema[key], names = _properties(value)
            required.extend(names)
        elif key == "allOf" and isinstance(value, list):
            schema[key], member_marked = _all_of(value)
            marked = marked or member_marked
        else:
            schema[key] = _keyword(key, value)
    if required:
        schema["required"] = _unique([*_sequence_or_empty(schema.get("required")), *required])
    return _unwrapped(_restated(schema)), marked


def _dropped(key: str, value: Any) -> bool:
    return (
        key in _RENDERING_ONLY
        or (key == "required" and isinstance(value, bool))
        or (key == "type" and value == "any")
    )


def _properties(value: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    properties = {}
    required = []
    for name, member in value.items():
        properties[str(name)], marked = _schema(member)
        if marked:
            required.append(str(name))
    return properties, required


def _keyword(key: str, value: Any) -> Any:
    """The value of a keyword (`_schema` reads a `properties` map and an `allOf` list itself)."""
    if key in SUBSCHEMA and isinstance(value, list):
        return [_schema(item)[0] for item in value]  # draft 4 tuple `items`
    if key in SUBSCHEMA:
        return _schema(value)[0]
    if key in SUBSCHEMA_LISTS and isinstance(value, list):
        return [_schema(item)[0] for item in value]
    if key in SUBSCHEMA_MAPS and isinstance(value, dict):
        return {str(name): _schema(item)[0] for name, item in value.items()}
    return unshared(value)  # enum, const, default, examples...: data, left untouched


def _all_of(members: list[Any]) -> tuple[list[Any], bool]:
    # allOf members all apply, so a member marked required marks the whole schema
    cleaned = [_schema(member) for member in members]
    return [schema for schema, _ in cleaned], any(marked for _, marked in cleaned)


def _sequence_or_empty(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _unique(items: list[Any]) -> list[Any]:
    return list(dict.fromkeys(items))


def _restated(schema: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI 3.0's `nullable` and boolean bounds as 3.1 says them: the sites render schemas
    written for 3.0 into pages that say 3.1."""
    nullable = schema.get("nullable") is True
    view = restate_30(schema, null_in_enum=True)
    view.pop("nullable", None)  # one that is no boolean says nothing the site meant either
    if nullable and not isinstance(view.get("type"), list):
        # No type to add "null" to: the sites write `nullable` beside a `$ref`, an `allOf` or a
        # bare `enum` to mean "or null", so null becomes a choice of its own.
        return {"anyOf": [view, {"type": "null"}]}
    return view


def _unwrapped(schema: dict[str, Any]) -> dict[str, Any]:
    """`{allOf: [X]}` (perhaps with a description) as X: the site wraps every property so."""
    members = schema.get("allOf")
    if not (isinstance(members, list) and len(members) == 1 and isinstance(members[0], dict)):
        return schema
    if set(schema) - {"allOf", "description"}:
        return schema
    member: dict[str, Any] = dict(members[0])
    if "description" in schema:
        member.setdefault("description", schema["description"])
    return member


# -- security --------------------------------------------------------------------------------


def _security(value: Any, schemes: dict[str, dict[str, Any]]) -> list[dict[str, list[str]]]:
    """Security requirements, adding the schemes they name to `schemes`.

    An entry is `{title, parameters: {query, header, cookie}}`, each parameter one scheme; an entry
    with no parameters means "no credential needed" and stays as the empty requirement `{}`.
    """
    requirements = []
    for index, rendered in enumerate(_sequence(value, "paths.request.security")):
        where = f"paths.request.security[{index}]"
        entry = _mapping(rendered, where)
        credentials = _credentials(_mapping(entry.get("parameters"), f"{where}.parameters"), where)
        names = _scheme_names(str(entry.get("title") or ""), credentials)
        requirement: dict[str, list[str]] = {}
        for name, (location, parameter, described) in zip(names, credentials, strict=True):
            scheme = _scheme(location, parameter, described)
            if schemes.setdefault(name, scheme) != scheme:
                name = _name(f"{name}_{parameter}")
                schemes.setdefault(name, scheme)
            requirement[name] = []
        requirements.append(requirement)
    return requirements if any(requirements) else []


def _credentials(parameters: dict[str, Any], where: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (location, str(name), described if isinstance(described, dict) else {})
        for location in ("header", "query", "cookie")
        for name, described in _mapping(
            parameters.get(location), f"{where}.parameters.{location}"
        ).items()
    ]


def _scheme_names(title: str, credentials: list[tuple[str, str, dict[str, Any]]]) -> list[str]:
    """One name per credential: the title, split at ` & ` when it names several schemes."""
    parts = [title] if len(credentials) == 1 else title.split(" & ")
    if len(parts) != len(credentials) or not all(_name(part) for part in parts):
        parts = [parameter for _, parameter, _ in credentials]
    return [_name(part) or "credential" for part in parts]


def _name(text: str) -> str:
    """A component name (OpenAPI allows letters, digits, `.`, `-` and `_`)."""
    return _NOT_A_NAME.sub("_", text.strip()).strip("_")


def _scheme(location: str, parameter: str, described: dict[str, Any]) -> dict[str, Any]:
    kind = described.get("type")
    scheme: dict[str, Any]
    if kind == "http":
        scheme = {"type": "http", "scheme": str(described.get("scheme") or "bearer")}
        if "bearerFormat" in described:
            scheme["bearerFormat"] = described["bearerFormat"]
    elif kind in ("oauth2", "openIdConnect") and parameter.lower() == "authorization":
        # The rendering drops the flows; what a client sends is a bearer token.
        scheme = {"type": "http", "scheme": "bearer"}
    else:
        scheme = {"type": "apiKey", "in": location, "name": parameter}
    if isinstance(described.get("description"), str):
        scheme["description"] = described["description"]
    return scheme
