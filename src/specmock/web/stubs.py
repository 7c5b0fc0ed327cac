"""The validating stub: one request through route -> inbound checks -> act on the store -> answer.

Each stage returns a value or a `Problem`; the first problem ends the pipeline and becomes the
answer. Everything per API (validators, requirements, cached bodies) is built at startup
(`served.ServedApi`); the checks on the request are `inbound`'s, shared with the proxy.
"""

from __future__ import annotations

import random
import time
from dataclasses import replace
from functools import partial
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from specmock import greenlets
from specmock.config import Config
from specmock.errors import ConfigError, SpecError
from specmock.mock.answers import NotHandled, Reply
from specmock.mock.faults import NO_INJECTION, Faults, Injection
from specmock.mock.journal import Exchange, Journal, Message, RequestJournal
from specmock.mock.population import populate
from specmock.mock.redis_store import RedisStore, shown
from specmock.mock.seeds import load_seed
from specmock.mock.served_api import ServedApi, serve
from specmock.mock.storage import RecordStore, SessionStore, StoreConflict, StoreFault
from specmock.mock.store import SessionRefused, Store
from specmock.problems import Problem
from specmock.settings import OperationsByApi
from specmock.spec.api import Api, Operation
from specmock.web.faults import delivered
from specmock.web.inbound import BODY_KEY, Inbound, check, route
from specmock.web.request import WireRequest, session_of
from specmock.web.responses import problem_response, to_response


class Stubs:
    """Every served API behind one router; `handle` answers any request that is not admin."""

    def __init__(self, apis: list[Api], config: Config, store: RecordStore | None = None) -> None:
        self.config = config
        self.journal: RequestJournal = Journal()  # `create_app` shares a Redis store's
        with_overrides(apis, config.operation_settings)
        self.router, self.served = serve(apis, config.prefix, config.locale, config.seed)
        self.faults = Faults(config)
        for served in self.served.values():
            served.injected = self.faults.injected_statuses
        self.errors: list[SpecError] = []
        self.store = store if store is not None else self._store(config)

    def _store(self, config: Config) -> RecordStore:
        seed = self._seed()
        made = partial(self._populated, seed) if config.records > 0 else None
        if config.store == "memory":
            return Store(seed, session_ttl=config.session_ttl, populate=made)
        if config.state_file is not None:
            raise ConfigError(
                f"--state-file keeps the records of an in-memory store; with --store"
                f" {shown(config.store)} they are kept in Redis: leave out --state-file"
            )
        ttl, prefix = config.session_ttl, config.store_prefix
        return RedisStore(config.store, seed, prefix=prefix, session_ttl=ttl, populate=made)

    def configure(self, config: Config) -> None:
        """Answer with `config` from the next request on (the config file's per-API and
        per-operation settings, reloaded): its faults, and the statuses they may inject
        documented in each effective spec."""
        self.config, self.faults = config, Faults(config, controls=self.faults.controls)
        injected = self.faults.injected_statuses
        for name, served in self.served.items():
            if served.injected != injected:
                self.served[name] = replace(served, injected=injected, _effective=None)

    def _seed(self) -> dict[str, dict[str, dict[str, Any]]]:
        seed: dict[str, dict[str, dict[str, Any]]] = {}
        for name, served in self.served.items():
            try:
                seed[name] = load_seed(served.api, served.actions)
            except SpecError as error:
                self.errors.append(error)
        return seed

    def _populated(self, seed: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
        """Each API's populated records (`mock.population`), where its seed data leaves room."""
        count = self.config.records
        return {n: populate(s.actions, count, seed.get(n)) for n, s in self.served.items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry: any method reaches `handle`, so undeclared ones get our 405 with `Allow`."""
        response = await self.handle(WireRequest(scope, receive))
        await response(scope, receive, send)

    def methods_for(self, raw_path: str) -> list[str] | None:
        match = self.router.match(raw_path)
        return match.route.allow if match else None

    async def handle(self, request: Request) -> Response:
        """route -> inbound checks -> act -> answer; every request is noted in the journal."""
        router, served_apis = self.router, self.served  # one version across a hot reload
        routed = route(router, request)
        injection = NO_INJECTION
        operation: Operation | None = None
        if isinstance(routed, Problem):
            response = problem_response(routed)
            outcome: Reply | Problem = routed
        else:
            operation = routed.operation
            served = served_apis[operation.api]
            inbound = await check(request, routed.match, operation, served, self.config)
            prefer = inbound.prefer if isinstance(inbound, Inbound) else None
            injection = self.faults.choose(operation, prefer)
            if injection.status is not None:
                outcome = injection.problem(operation)
            elif isinstance(inbound, Inbound) and injection.acts:
                outcome = await self.acted(request, operation, served, inbound)
            else:
                outcome = inbound if isinstance(inbound, Problem) else _unanswered(operation)
            response = answer(outcome, request.method, served, operation)
        self._note(request, outcome, response, injection, operation)
        if injection is NO_INJECTION:
            return response
        return await delivered(injection, response, request.scope, self.config.fault_timeout)

    async def acted(
        self, request: Request, operation: Operation, served: ServedApi, inbound: Inbound
    ) -> Reply | Problem:
        """`act`: for a remote store in a greenlet whose every wait on the store the event
        loop awaits (`greenlets`: a slow store holds no other request), run again when another
        process wrote a record first, and a 503 naming the store when it fails."""
        if not self.store.remote:
            return self.act(request, operation, served, inbound)
        return await greenlets.spawn(self._checked_act, request, operation, served, inbound)

    def _checked_act(
        self, request: Request, operation: Operation, served: ServedApi, inbound: Inbound
    ) -> Reply | Problem:
        for attempt in range(CONFLICT_TRIES):
            try:
                return self.act(request, operation, served, inbound)
            except StoreConflict:
                # writers that all retry at once meet again: each waits a random while, longer
                # after every conflict (awaited on the loop, so no other request waits)
                pause(random.uniform(0, min(CONFLICT_PAUSE, 0.001 * 2**attempt)))
                continue
            except StoreFault as fault:
                return store_fault(fault)
        detail = (
            f"{operation.label}: the record changed under {CONFLICT_TRIES} tries in a row"
            " (other writers were first each time); retry"
        )
        return Problem(503, detail, headers={"Retry-After": "1"})

    def act(
        self,
        request: Request,
        operation: Operation,
        served: ServedApi,
        inbound: Inbound,
    ) -> Reply | Problem:
        """The store's answer where an action covers the request, else the documented one."""
        action, prefer = inbound.action, inbound.prefer
        try:
            session: SessionStore = self.store.session(session_of(request))
        except SessionRefused as refused:
            return refusal(refused)
        acted = served.actions.act(operation, session, action, prefer)
        if isinstance(acted, NotHandled):
            acted = served.responder.reply(operation, prefer, action.accept)
        if isinstance(acted, Reply):  # in XML where that is what `Accept` asks for
            return served.responder.rendered(operation, acted, action.accept)
        return acted

    def _note(
        self,
        request: Request,
        outcome: Reply | Problem,
        response: Response,
        injection: Injection,
        operation: Operation | None,
    ) -> None:
        """The journal's entry: the request, its status, the problem's violations, what was
        injected, and both messages as the bytes already at hand."""
        violations = outcome.errors if isinstance(outcome, Problem) else ()
        scope = request.scope
        path: str = scope["path"]  # not `request.url.path`, which builds a whole URL
        exchange = Exchange(
            operation.api if operation else None,
            operation.label if operation else None,
            scope["query_string"].decode("latin-1"),
            Message.of(scope["headers"], scope.get(BODY_KEY, b"")),
            Message.of(response.raw_headers, response.body),
        )
        session = session_of(request)
        self.journal.add(
            session,
            request.method,
            path,
            response.status_code,
            violations,
            injection.label,
            exchange,
        )


def with_overrides(apis: list[Api], settings: OperationsByApi) -> None:
    """The config file's `x-specmock` of each operation written into its API's document, where
    `mock.resources` reads the spec's own (the file's keys win): before the APIs are served."""
    for api in apis:
        by_label = settings.get(api.name, {})
        for operation in api.operations if by_label else ():
            found = by_label.get(operation.label)
            if found is not None and found.overrides:
                operation.spec["x-specmock"] = {
                    **(operation.spec.get("x-specmock") or {}),
                    **dict(found.overrides),
                }


def _unanswered(operation: Operation) -> Problem:
    """The stand-in outcome of a request whose connection is broken before any answer."""
    return Problem(503, f"{operation.label}: the connection is broken before an answer")


CONFLICT_TRIES = 20  # runs of one action that another process's writes may undo before a 503
CONFLICT_PAUSE = 0.05  # seconds: the longest random wait between two runs after a conflict


def pause(seconds: float) -> None:
    """Wait `seconds`: on the event loop under `greenlets.spawn`, else in this thread. (Tests
    count the waits.)"""
    if greenlets.inside():
        greenlets.wait(anyio.sleep(seconds))
    else:
        time.sleep(seconds)


def store_fault(fault: StoreFault) -> Problem:
    """The 503 of a request the store could not serve, naming the store and what failed."""
    return Problem(503, str(fault), headers={"Retry-After": "1"})


def refusal(refused: SessionRefused) -> Problem:
    """The 503 of a new session when every session is in use, with when to retry."""
    return Problem(503, str(refused), headers={"Retry-After": str(refused.retry_after)})


def answer(
    outcome: Reply | Problem, method: str, served: ServedApi, operation: Operation
) -> Response:
    """The response to a routed request: its reply, or its problem in the operation's documented
    error shape (problem+json where it documents none)."""
    if isinstance(outcome, Problem):
        return problem_response(outcome, method, partial(served.responder.problem_reply, operation))
    return to_response(outcome, method)
