"""`ServedApi`: an API as served, with everything it needs per request built once at startup."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from specmock.mock.actions import Actions
from specmock.mock.answers import Responder
from specmock.mock.effective import effective_document
from specmock.spec.api import Api, Operation
from specmock.spec.routing import Router
from specmock.validation.requests import ApiValidator
from specmock.validation.security import Requirements


@dataclass(slots=True)
class ServedApi:
    """Where an API is mounted, its validators, responder, store actions and security needs."""

    api: Api
    mount: str
    validator: ApiValidator
    responder: Responder
    actions: Actions
    requirements: dict[str, Requirements] = field(default_factory=dict)
    _effective: dict[str, Any] | None = None
    injected: tuple[int, ...] = ()  # error statuses fault injection may answer (`mock.faults`)

    @classmethod
    def build(
        cls, api: Api, mount: str, locale: str | None = None, seed: int | None = None
    ) -> ServedApi:
        responder = Responder(api, locale, seed)
        actions = Actions(api, responder, responder.synthesizer, mount)
        served = cls(api, mount, ApiValidator(api), responder, actions)
        for operation in api.operations:
            served.requirements[operation.pointer] = Requirements.for_operation(
                api.document, operation.spec, operation.parameters
            )
        return served

    def requirements_of(self, operation: Operation) -> Requirements:
        return self.requirements[operation.pointer]

    @property
    def effective(self) -> dict[str, Any]:
        if self._effective is None:
            self._effective = effective_document(self.api, self.mount, self.injected)
        return self._effective


def serve(
    apis: list[Api], prefix: bool, locale: str | None = None, seed: int | None = None
) -> tuple[Router, dict[str, ServedApi]]:
    """Every API at its mount (its server path, under `/{name}` with `prefix`), behind one
    router. Raises ConfigError when two APIs claim the same method and path."""
    router = Router()
    served: dict[str, ServedApi] = {}
    for api in apis:
        mount = f"/{api.name}{api.base_path}" if prefix else api.base_path
        router.add(mount, api.operations)
        served[api.name] = ServedApi.build(api, mount, locale, seed)
    return router, served
