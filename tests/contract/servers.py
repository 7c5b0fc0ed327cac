"""Real servers of tasks.yaml for `specmock verify` to judge: one that keeps the contract, and
variants that each break it in one planted way.

Written by hand with Starlette and jsonschema, the way a team would write the real thing, so
that the contract suite meets code it did not generate.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

SPEC = Path(__file__).parent / "tasks.yaml"
TOKEN = "T"
MAX_BODY = 1024 * 1024

# Each fault, and the check of the contract suite that must catch it.
FAULTS = {
    "undocumented-status": "status_code_conformance",  # DELETE answers 200, documented is 204
    "breaks-schema": "response_schema_conformance",  # GET shows `done` as a string
    "accepts-invalid": "negative_data_rejection",  # POST takes any JSON object
    "forgets-deletion": "use_after_free",  # DELETE answers 204 and keeps the task
    "loses-records": "ensure_resource_availability",  # POST answers 201 and stores nothing
}


def _input_schema() -> dict[str, Any]:
    document = yaml.safe_load(SPEC.read_text())
    return dict(document["components"]["schemas"]["TaskInput"])


def _error(status: int, message: str, **headers: str) -> Response:
    return JSONResponse({"message": message}, status, headers=headers)


class TasksServer:
    """The tasks API over a dict; `fault` plants one of FAULTS."""

    def __init__(self, fault: str | None = None) -> None:
        assert fault is None or fault in FAULTS, fault
        self.fault = fault
        self.tasks: dict[int, dict[str, Any]] = {}
        self.next_id = 1
        self.validator = jsonschema.Draft202012Validator(_input_schema())

    @property
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/tasks", self.create, methods=["POST"]),
                Route("/v1/tasks/{task_id}", self.task, methods=["GET", "DELETE"]),
            ]
        )

    def _refused(self, request: Request) -> Response | None:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return _error(401, "a bearer token is required", **{"WWW-Authenticate": "Bearer"})
        accept = request.headers.get("accept", "*/*")
        kinds = [part.split(";")[0].strip() for part in accept.split(",")]
        if not {"*/*", "application/*", "application/json"} & set(kinds):
            return _error(406, f"cannot answer in {accept!r}; only application/json")
        size = request.headers.get("content-length", "0")
        if size.isdigit() and int(size) > MAX_BODY:
            return _error(413, f"{size} bytes is over the limit of {MAX_BODY}")
        return None

    def _task_id(self, request: Request) -> int | Response:
        raw = request.path_params["task_id"]
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            return _error(400, f"task id {raw!r} is not a whole number of at least 1")
        return int(raw)

    async def create(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        body = await request.body()
        if not body:
            return _error(400, "a JSON body is required")
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            return _error(415, f"Content-Type {media_type!r} is not application/json")
        try:
            given = json.loads(body)
        except (ValueError, RecursionError) as error:
            return _error(400, f"the body is not JSON: {error}")
        if self.fault == "accepts-invalid":
            given = _coerced(given)
        errors = sorted(self.validator.iter_errors(given), key=lambda e: list(e.path))
        if errors:
            return _error(400, "; ".join(error.message for error in errors[:5]))
        task = {"id": self.next_id, "title": given["title"], "done": given.get("done", False)}
        self.next_id += 1
        if self.fault != "loses-records":
            self.tasks[task["id"]] = task
        return JSONResponse(task, 201, headers={"Location": f"/v1/tasks/{task['id']}"})

    async def task(self, request: Request) -> Response:
        # One route for both methods: two routes would each answer 405 with half the `Allow`.
        return await (self.delete(request) if request.method == "DELETE" else self.read(request))

    async def read(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        task_id = self._task_id(request)
        if isinstance(task_id, Response):
            return task_id
        task = self.tasks.get(task_id)
        if task is None:
            return _error(404, f"no task {task_id}")
        if self.fault == "breaks-schema":
            task = {**task, "done": "yes" if task["done"] else "no"}
        return JSONResponse(task)

    async def delete(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        task_id = self._task_id(request)
        if isinstance(task_id, Response):
            return task_id
        if task_id not in self.tasks:
            return _error(404, f"no task {task_id}")
        if self.fault != "forgets-deletion":
            del self.tasks[task_id]
        if self.fault == "undocumented-status":
            return JSONResponse({"deleted": task_id})
        return Response(status_code=204)


def _coerced(given: Any) -> dict[str, Any]:
    """What a lax server makes of any input: a valid task, whatever was sent."""
    fields = given if isinstance(given, dict) else {}
    title = str(fields.get("title") or "untitled")[:100] or "untitled"
    return {"title": title, "done": fields.get("done") is True}
