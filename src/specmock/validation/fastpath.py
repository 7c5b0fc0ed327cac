"""The fast path of request validation: per-operation checks that can say "valid" on their own.

openapi-core walks the spec and builds its schema validators again on every call, which makes it
the slow part of a request (`bench/validators.py` compares the two). An `OperationCheck` is built
once per operation, on its first request: each parameter read the simple way (a scalar in its
default style) with a compiled check of its schema, and a compiled check per documented JSON body
(and XML body, which `ApiValidator.check` hands on already read as JSON).
Its `FastJudgement` accepts a request (with the body parsed once), or names the parts it cannot
vouch for and why: anything it does not read exactly as openapi-core would (a repeated query
value, an array parameter, a form body, a value its check refuses). openapi-core judges and
explains those parts, and only those. A parameter it does not read is still known to be absent
only where its name is on the wire: a `deepObject` writes `name[key]` and an exploded form object
its properties' names, so those are looked for by their own keys. An empty query value is the
empty string (see `RequestStages.parameter_error`). So a request is accepted only when
openapi-core would accept it too; `tests/validation/test_fastpath.py` checks that, and that the
violations are the same as openapi-core's alone, on the seed specs, petstore and every style.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from openapi_core.datatypes import RequestParameters

from specmock.schemas.compiled import Check, Compiled, SchemaCompiler
from specmock.spec.api import Operation
from specmock.spec.parsing import INTEGER, NUMBER, strict_json
from specmock.spec.refs import follow
from specmock.validation import negotiation

_DEFAULT_STYLE = {"path": "simple", "header": "simple", "query": "form", "cookie": "form"}
_NO_DEFAULT: Any = object()  # a parameter schema without `default`
_UNREAD: Any = object()  # a parameter's text that is not written as its type


@dataclass(slots=True)
class FastJudgement:
    """What the fast path made of a request: the parts only openapi-core can judge (with why),
    and the body as parsed JSON.

    `whole` is set when openapi-core must read the whole request; `body` when it must read the
    body, and then `media_type` names the documented JSON type when the body was read as JSON and
    only its schema check said no (openapi-core's schema validator can then explain it alone),
    and `failing` the body's top-level properties that hold every violation, when the compiled
    check can tell (openapi-core then reads only those).
    """

    parameters: dict[tuple[str, str], str] = field(default_factory=dict)
    body: str | None = None
    json: Any = None
    media_type: str | None = None
    whole: str | None = None
    failing: frozenset[str] | None = None

    @property
    def accepted(self) -> bool:
        return self.whole is None and not self.parameters and self.body is None

    @property
    def reasons(self) -> list[str]:
        """Every reason openapi-core is needed, for reports and tests."""
        if self.whole is not None:
            return [self.whole]
        return [*self.parameters.values(), *([self.body] if self.body is not None else [])]


def _string(value: str) -> Any:
    return value


def _integer(value: str) -> Any:
    return int(value) if INTEGER.fullmatch(value) else _UNREAD


def _number(value: str) -> Any:
    return float(value) if NUMBER.fullmatch(value) else _UNREAD


def _boolean(value: str) -> Any:
    return {"true": True, "false": False}.get(value, _UNREAD)


# How a scalar parameter's text becomes the value openapi-core validates (`_UNREAD`: it
# cannot, and openapi-core explains).
_READERS: dict[str, Callable[[str], Any]] = {
    "string": _string,
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
}


@dataclass(frozen=True, slots=True)
class _ParameterCheck:
    where: str
    name: str
    required: bool
    read: Callable[[str], Any] | None  # None: not a scalar in its default style
    check: Check | None
    default: Any
    # where the value is written when not under its name: a deepObject's keys start with
    # `prefix` (`name[`), an exploded form object's are every key that names no other parameter
    prefix: str | None = None
    others: frozenset[str] | None = None

    def refusal(self, given: RequestParameters) -> str | None:
        """Why openapi-core must read this parameter (None: it is valid)."""
        values = values_of(given, self.where, self.name)
        if (self.prefix or self.others is not None) and self._written_elsewhere(given):
            return f"{self}: not a scalar in its default style"
        if not values:
            if self.required:
                return f"{self}: missing"
            if self.default is _NO_DEFAULT or (self.check is not None and self.check(self.default)):
                return None
            return f"{self}: its default is refused or has no compiled check"
        if self.read is None:
            return f"{self}: not a scalar in its default style"
        if self.check is None:
            return f"{self}: no compiled check"
        if len(values) != 1:
            return f"{self}: sent {len(values)} times"
        if values[0] == "" and self.where == "query" and self.read is not _string:
            return f"{self}: empty"
        value = self.read(values[0])
        if value is _UNREAD:
            return f"{self}: not written as its type"
        return None if self.check(value) else f"{self}: refused by the compiled check"

    def _written_elsewhere(self, given: RequestParameters) -> bool:
        """Whether the keys a deepObject or an exploded form object is written under are sent."""
        source: Any = given[self.where]
        if self.prefix:
            return any(key.startswith(self.prefix) for key in source)
        return any(key not in (self.others or ()) for key in source)

    def __str__(self) -> str:
        return f"{self.where} parameter {self.name!r}"


def values_of(given: RequestParameters, where: str, name: str) -> list[str]:
    """Every value a request gives a parameter, as text (none when it is absent)."""
    source: Any = given[where]
    if hasattr(source, "getlist"):
        return list(source.getlist(name))
    value = source.get(name)
    return [] if value is None else [value]


@dataclass(frozen=True, slots=True)
class OperationCheck:
    """The fast checks of one operation."""

    parameters: tuple[_ParameterCheck, ...]
    documents_body: bool
    body_required: bool
    # JSON media type (lower case) -> (as documented, the compiled check of its schema)
    bodies: Mapping[str, tuple[str, Check | None]]

    def judge(
        self, given: RequestParameters, body: bytes | None, content_type: str
    ) -> FastJudgement:
        """Which parts of the request are valid, and why openapi-core must judge the others."""
        judgement = FastJudgement()
        for parameter in self.parameters:
            refusal = parameter.refusal(given)
            if refusal is not None:
                judgement.parameters[(parameter.where, parameter.name)] = refusal
        if not body:
            if negotiation.essence(content_type) == negotiation.FORM and self.documents_body:
                judgement.body = "body: an empty form"  # no body, or a form without fields
            else:
                judgement.body = "body: missing" if self.body_required else None
            return judgement
        if not self.documents_body:
            judgement.body = "body: not documented"
            return judgement
        media_type = negotiation.essence(content_type)
        if media_type not in self.bodies:
            judgement.body = f"body: {media_type!r} is not a documented JSON type"
            return judgement
        documented, check = self.bodies[media_type]
        if check is None:
            judgement.body = "body: no compiled check"
            return judgement
        try:
            judgement.json = strict_json(body)
        except (ValueError, RecursionError):
            judgement.body = "body: not JSON"
            return judgement
        if not check(judgement.json):
            judgement.body, judgement.media_type = "body: refused by the compiled check", documented
            if isinstance(check, Compiled):
                judgement.failing = check.failing(judgement.json)
        return judgement


class FastPath:
    """The operations' fast checks for one API, each built on its operation's first request.

    `document` is the one openapi-core validates against; `compiler` restates its schemas as
    openapi-core reads them in requests.
    """

    def __init__(self, document: Mapping[str, Any], compiler: SchemaCompiler) -> None:
        self._document = document
        self._compiler = compiler
        self._checks: dict[tuple[str, str], OperationCheck | None] = {}

    def judge(
        self, operation: Operation, given: RequestParameters, body: bytes | None, content_type: str
    ) -> FastJudgement:
        """Which parts of the request are valid, and why openapi-core must judge the others."""
        key = (operation.path, operation.method)
        if key not in self._checks:
            self._checks[key] = self._build(operation)
        check = self._checks[key]
        if check is None:
            return FastJudgement(whole="the operation's parameters cannot be read here")
        return check.judge(given, body, content_type)

    def _build(self, operation: Operation) -> OperationCheck | None:
        path_item = (self._document.get("paths") or {}).get(operation.path)
        spec = path_item.get(operation.method) if isinstance(path_item, dict) else None
        if not isinstance(path_item, dict) or not isinstance(spec, dict):
            return None
        declared = [
            follow(self._document, raw)
            for raw in [*(path_item.get("parameters") or []), *(spec.get("parameters") or [])]
        ]
        names = {(p.get("in"), p.get("name")) for p in declared if isinstance(p, dict)}
        parameters: dict[tuple[str, str], _ParameterCheck] = {}
        for raw in declared:
            if negotiation.is_ignored_header(raw):
                continue
            parameter = self._parameter(raw, names)
            if parameter is None:
                return None
            parameters[(parameter.where, parameter.name)] = parameter  # the operation's wins
        body = follow(self._document, spec.get("requestBody"))
        bodies: dict[str, tuple[str, Check | None]] = {}
        if isinstance(body, dict):
            for media_type, media in (body.get("content") or {}).items():
                schema = media.get("schema") if isinstance(media, dict) else None
                read_as_json = negotiation.is_json(media_type) or negotiation.is_xml(media_type)
                if read_as_json and "*" not in media_type and schema is not None:
                    bodies[media_type.lower()] = (media_type, self._compiler.check(schema))
        return OperationCheck(
            parameters=tuple(parameters.values()),
            documents_body=isinstance(body, dict),
            body_required=isinstance(body, dict) and body.get("required") is True,
            bodies=bodies,
        )

    def _parameter(self, parameter: Any, names: set[tuple[Any, Any]]) -> _ParameterCheck | None:
        if not isinstance(parameter, dict):
            return None
        where, name = parameter.get("in"), parameter.get("name")
        if where not in _DEFAULT_STYLE or not isinstance(name, str):
            return None
        schema = follow(self._document, parameter.get("schema"))
        simple = (
            "content" not in parameter
            and isinstance(schema, dict)
            and parameter.get("style", _DEFAULT_STYLE[where]) == _DEFAULT_STYLE[where]
        )
        kind = schema.get("type") if isinstance(schema, dict) else None
        read = _READERS.get(kind) if simple and isinstance(kind, str) else None
        check = self._compiler.check(schema) if isinstance(schema, dict) else None
        default = schema.get("default", _NO_DEFAULT) if isinstance(schema, dict) else _NO_DEFAULT
        return _ParameterCheck(
            where=where,
            name=name,
            required=parameter.get("required") is True or where == "path",
            read=read,
            check=check,
            default=default,
            prefix=f"{name}[" if parameter.get("style") == "deepObject" else None,
            others=self._others(parameter, schema, names),
        )

    @staticmethod
    def _others(
        parameter: dict[str, Any], schema: Any, names: set[tuple[Any, Any]]
    ) -> frozenset[str] | None:
        """For an exploded form object (whose keys are its own properties'), the names of the
        operation's other parameters in its place; None for any other parameter."""
        where = parameter["in"]
        style = parameter.get("style", _DEFAULT_STYLE[where])
        exploded = parameter.get("explode", style == "form")
        if not exploded or style != "form" or "content" in parameter:
            return None
        if not isinstance(schema, dict) or schema.get("type") != "object":
            return None
        return frozenset(str(name) for place, name in names if place == where) - {parameter["name"]}
