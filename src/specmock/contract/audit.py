"""Contract gaps per API: what makes a fake or a contract test weaker than it should be.

`audit(api)` lists `ContractGap`s (reported as findings) of six kinds:

- `no-success-response`: an operation that documents no 2xx (nor `2XX` or `default`): the fake
  answers every valid request with the documented error, and says why in `X-Specmock-Violations`.
- `invalid-example`: an example that breaks its schema, one finding per violation. Examples of
  parameters, request bodies, responses and response headers (`example`, `examples.{name}.value`,
  `$ref`s followed), and schema-level `example`/`examples` at any depth of an inline schema or a
  component schema.
- `missing-schema`: a JSON request body, or a JSON 2xx response, without a schema.
- `no-error-response`: an operation that documents no 4xx or 5xx response (exact or `4XX`/`5XX`)
  and no `default`; `default` counts, as it documents what errors look like.
- `missing-operation-id`: an operation without `operationId` in the source.
- `missing-servers`: a document without servers (an explicit `[{url: /}]` is fine).

The order is the document's: `missing-servers` first, then each operation's findings by kind, then
component schemas. `as_json(apis, findings)` is shaped for machines:

    {"apis": [{"name": str, "title": str, "operations": int,
               "findings": [{"api": str, "kind": str, "where": str, "message": str}, ...]}],
     "totals": {kind: int for every kind, zero included}}
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from specmock.schemas.synthesis import Synthesizer
from specmock.spec.api import Api, Operation
from specmock.spec.keywords import DATA, SUBSCHEMA, SUBSCHEMA_LISTS, SUBSCHEMA_MAPS
from specmock.spec.refs import INLINED_FROM, escape, follow, follow_to, pointer
from specmock.validation.negotiation import is_json

KINDS = (
    "no-success-response",
    "invalid-example",
    "missing-schema",
    "no-error-response",
    "missing-operation-id",
    "missing-servers",
)
# A request must not carry readOnly properties, nor a response writeOnly ones, and either may
# omit them even when required. Schema-level examples serve both directions ("either").
_OMITTABLE = {
    "request": ("readOnly",),
    "response": ("writeOnly",),
    "either": ("readOnly", "writeOnly"),
}
_MARK = "x-specmock"
_FORBIDDEN = re.compile(rf"(.*) should not be valid under \{{'{_MARK}': '(.*)'\}}", re.DOTALL)
# Where schema-level examples are searched: the subschema keywords the audit has searched since it
# was written. Examples under the others are not reported yet; searching them would change what
# `specmock check` reports, which is a change of its own.
_UNSEARCHED = frozenset(
    {
        "propertyNames",
        "additionalItems",
        "contentSchema",
        "unevaluatedItems",
        "unevaluatedProperties",
        "definitions",
    }
)
_SEARCHED = tuple(key for key in SUBSCHEMA if key not in _UNSEARCHED)
_SEARCHED_MAPS = tuple(key for key in SUBSCHEMA_MAPS if key not in _UNSEARCHED)
# Maps whose keys are names (of properties, of definitions, of components), never data.
_NAME_MAPS = frozenset({*SUBSCHEMA_MAPS, "schemas"})
MAX_MESSAGE = 300


@dataclass(frozen=True, slots=True)
class ContractGap:
    """One contract gap: the API, its kind, where (an operation label or a JSON pointer) and
    what. (The contract suite's `Finding` is another thing: a check that failed against a server;
    `mock.effective.Gap` is a status the spec leaves undocumented.)"""

    api: str
    kind: str
    where: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"api": self.api, "kind": self.kind, "where": self.where, "message": self.message}


@dataclass(frozen=True, slots=True)
class _Example:
    what: str  # whose example: "requestBody application/json", "query parameter 'limit'"
    name: str | None  # its key in an `examples` map
    pointer: str  # where its value is written
    value: Any
    schema: Any
    direction: str  # request, response or either


def audit(api: Api) -> list[ContractGap]:
    """Every finding for one API, in the document's order (see the module docstring)."""
    return _Auditor(api).gaps()


class _Auditor:
    """One API's findings; examples are checked by the document's Synthesizer, once per
    direction (it checks as for a response; requests, and examples that serve both ways, need
    their own view of readOnly and writeOnly, so each direction gets its own rewritten document).
    """

    def __init__(self, api: Api) -> None:
        self.api, self.document = api, api.document
        self.checkers = {way: Synthesizer(self.directed(api.document, way)) for way in _OMITTABLE}

    def gaps(self) -> list[ContractGap]:
        found = []
        if not self.document.get("servers"):
            message = "no servers: clients and contract tests have to guess the base URL"
            found.append(self.gap("missing-servers", "/servers", message))
        for operation in self.api.operations:
            found.extend(sorted(self.operation_gaps(operation), key=_rank))
        schemas = (self.document.get("components") or {}).get("schemas") or {}
        for name, schema in schemas.items():
            where = pointer(("components", "schemas", name))
            for example in _schema_examples("schema", schema, where):
                for message in self.violations(example):
                    found.append(self.gap("invalid-example", f"#{where}", message))
        return found

    def gap(self, kind: str, where: str, message: str) -> ContractGap:
        return ContractGap(self.api.name, kind, where, message)

    def operation_gaps(self, operation: Operation) -> Iterator[ContractGap]:
        label = operation.label
        if not operation.spec.get("operationId"):
            message = f"no operationId (specmock calls it {operation.operation_id!r})"
            yield self.gap("missing-operation-id", label, message)
        responses = operation.spec.get("responses") or {}
        if not any(str(key) == "default" or str(key)[:1] in "45" for key in responses):
            message = "documents no error response (no 4xx, 5xx or default)"
            yield self.gap("no-error-response", label, message)
        key, status = operation.success
        if status >= 400:
            message = f"documents no success response: every valid request is answered {key}"
            yield self.gap("no-success-response", label, message)
        body, _ = self.resolved(operation.spec.get("requestBody"), "")
        for media_type in _schemaless_json(body):
            message = f"requestBody {media_type} has no schema: any body is accepted"
            yield self.gap("missing-schema", label, message)
        for status, raw in responses.items():
            successful = str(status).startswith("2")
            for media_type in _schemaless_json(self.resolved(raw, "")[0]) if successful else ():
                message = f"response {status} {media_type} has no schema: no body can be checked"
                yield self.gap("missing-schema", label, message)
        for example in self.operation_examples(operation):
            for message in self.violations(example):
                yield self.gap("invalid-example", label, message)

    def operation_examples(self, operation: Operation) -> Iterator[_Example]:
        shared = pointer(("paths", operation.path, "parameters"))
        own = f"{operation.pointer}/parameters"
        for base, parameters in ((shared, operation.path_item), (own, operation.spec)):
            for index, raw in enumerate(parameters.get("parameters") or []):
                parameter, where = self.resolved(raw, f"{base}/{index}")
                what = f"{parameter.get('in')} parameter {parameter.get('name')!r}"
                yield from self.examples(what, parameter, where, "request")
        where = f"{operation.pointer}/requestBody"
        body, where = self.resolved(operation.spec.get("requestBody"), where)
        yield from self.examples("requestBody", body, where, "request")
        for status, raw in (operation.spec.get("responses") or {}).items():
            where = f"{operation.pointer}/responses/{escape(str(status))}"
            response, where = self.resolved(raw, where)
            yield from self.examples(f"response {status}", response, where, "response")
            for name, raw_header in (response.get("headers") or {}).items():
                header, at = self.resolved(raw_header, f"{where}/headers/{escape(name)}")
                what = f"response {status} header {name!r}"
                yield from self.examples(what, header, at, "response")

    def examples(
        self, what: str, holder: dict[str, Any], where: str, direction: str
    ) -> Iterator[_Example]:
        """The examples of a parameter, header, body or response, and of its media types."""
        yield from self.media_examples(what, holder, where, direction, text=False)
        content = holder.get("content")
        for media_type, media in content.items() if isinstance(content, dict) else ():
            at, text = f"{where}/content/{escape(media_type)}", not is_json(media_type)
            yield from self.media_examples(f"{what} {media_type}", media, at, direction, text)

    def media_examples(
        self, what: str, media: Any, where: str, direction: str, text: bool
    ) -> Iterator[_Example]:
        schema = media.get("schema") if isinstance(media, dict) else None
        if not isinstance(schema, dict):
            return
        yield from _schema_examples(f"{what} schema", schema, f"{where}/schema")
        found = [(None, f"{where}/example", media["example"])] if "example" in media else []
        examples = media.get("examples")
        for name, raw in examples.items() if isinstance(examples, dict) else ():
            example, at = self.resolved(raw, f"{where}/examples/{escape(name)}")
            # An `externalValue` names a file or URL specmock does not fetch: nothing to check.
            if "value" in example:
                found.append((name, at, example["value"]))
        for name, at, value in found:
            # A non-JSON media type's example is mostly serialised text (XML, CSV): not checked.
            if not (text and isinstance(value, str)):
                yield _Example(what, name, at, value, schema, direction)

    def violations(self, example: _Example) -> Iterator[str]:
        """One message per way an example breaks its schema."""
        schema = self.directed(example.schema, example.direction)
        try:
            problems = self.checkers[example.direction].problems(example.value, schema)
        except RecursionError:
            problems = [("", "cannot be checked: its schema refers to itself without end")]
        name = f" {example.name!r}" if example.name is not None else ""
        for path, message in problems:
            at = f" at {path}" if path else ""
            forbidden = _FORBIDDEN.fullmatch(message)
            if forbidden:
                message = f"{forbidden[1]} is {forbidden[2]}"
            yield f"{example.what} example{name}{at}: {_short(message)} [#{example.pointer}]"

    def directed(self, node: Any, direction: str, names: bool = False) -> Any:
        """A document or schema as one direction sees it: properties it may omit not required,
        and (in a request or response) readOnly or writeOnly ones forbidden. Data is left as is.
        """
        if isinstance(node, list):
            return [self.directed(item, direction) for item in node]
        if not isinstance(node, dict):
            return node
        if names:
            return {key: self.directed(value, direction) for key, value in node.items()}
        if direction != "either" and node.get(_OMITTABLE[direction][0]) is True:
            flag = _OMITTABLE[direction][0]
            return {"not": {_MARK: f"{flag}, which a {direction} must not carry"}}
        view = {
            key: value if _is_data(key) else self.directed(value, direction, key in _NAME_MAPS)
            for key, value in node.items()
            if key != "writeOnly"  # else Synthesizer would forbid it in requests too
        }
        properties = node.get("properties")
        if isinstance(view.get("required"), list) and isinstance(properties, dict):
            view["required"] = [
                name
                for name in view["required"]
                if not self.omittable(properties.get(name), direction)
            ]
        return view

    def omittable(self, schema: Any, direction: str) -> bool:
        nodes = (schema, follow(self.document, schema))
        flags = _OMITTABLE[direction]
        return any(isinstance(n, dict) and n.get(flag) is True for n in nodes for flag in flags)

    def resolved(self, node: Any, where: str) -> tuple[dict[str, Any], str]:
        """`node` with its local `$ref`s followed, and the JSON pointer it ends at ({} if none)."""
        if isinstance(node, dict) and isinstance(node.get(INLINED_FROM), str):
            where = node[INLINED_FROM][1:]  # inlined at load: name the component it came from
        node, origin = follow_to(self.document, node)
        if origin is not None:
            where = origin[1:]
        return (node if isinstance(node, dict) else {}), where


def _rank(finding: ContractGap) -> int:
    return KINDS.index(finding.kind)


def _schemaless_json(holder: dict[str, Any]) -> list[str]:
    content = holder.get("content")
    return [
        media_type
        for media_type, media in (content.items() if isinstance(content, dict) else ())
        if is_json(media_type) and isinstance(media, dict) and "schema" not in media
    ]


def _schema_examples(what: str, schema: Any, where: str) -> Iterator[_Example]:
    """`example` and `examples` (3.1) of an inline schema and its subschemas, not following
    `$ref`s (component schemas are checked once, on their own). These serve either direction."""
    if not isinstance(schema, dict):
        return
    if "example" in schema:
        yield _Example(what, None, f"{where}/example", schema["example"], schema, "either")
    examples = schema.get("examples")
    for index, value in enumerate(examples if isinstance(examples, list) else ()):
        yield _Example(what, None, f"{where}/examples/{index}", value, schema, "either")
    for key in _SEARCHED:
        yield from _schema_examples(what, schema.get(key), f"{where}/{key}")
    for key in SUBSCHEMA_LISTS:
        items = schema.get(key)
        for index, item in enumerate(items if isinstance(items, list) else ()):
            yield from _schema_examples(what, item, f"{where}/{key}/{index}")
    for key in _SEARCHED_MAPS:
        members = schema.get(key)
        for name, item in members.items() if isinstance(members, dict) else ():
            yield from _schema_examples(what, item, f"{where}/{key}/{escape(name)}")


def _is_data(key: Any) -> bool:
    return key in DATA or (isinstance(key, str) and key.startswith("x-"))


def _short(message: str) -> str:
    line = " ".join(message.split())
    return line if len(line) <= MAX_MESSAGE else line[: MAX_MESSAGE - 3] + "..."


def render_text(findings: Sequence[ContractGap], out: TextIO, names: Sequence[str] = ()) -> None:
    """Findings per API (a count per kind), then one line each, grouped by kind; the APIs in
    `names` that have none say so, so that "checked, clean" reads differently from "not checked"."""
    by_api: dict[str, list[ContractGap]] = {name: [] for name in names}
    for finding in findings:
        by_api.setdefault(finding.api, []).append(finding)
    for api, found in by_api.items():
        if not found:
            print(f"{api}: no findings", file=out)
            continue
        counts = Counter(finding.kind for finding in found)
        summary = ", ".join(f"{kind} {counts[kind]}" for kind in KINDS if counts[kind])
        print(f"{api}: {len(found)} finding{'s' if len(found) != 1 else ''} ({summary})", file=out)
        for finding in sorted(found, key=_rank):
            print(f"  {finding.kind}  {finding.where}: {finding.message}", file=out)
    if not by_api:
        print("no findings", file=out)


def as_json(apis: Sequence[Api], findings: Sequence[ContractGap]) -> dict[str, Any]:
    """The findings per API, and totals per kind (see the module docstring for the shape)."""
    return {
        "apis": [
            {
                "name": api.name,
                "title": api.title,
                "operations": len(api.operations),
                "findings": [finding.as_dict() for finding in findings if finding.api == api.name],
            }
            for api in apis
        ],
        "totals": {kind: sum(finding.kind == kind for finding in findings) for kind in KINDS},
    }
