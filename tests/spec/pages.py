"""Documentation pages built for the tests of `docpages` and `rendering`."""

from __future__ import annotations

from typing import Any

import yaml

from specmock.spec.docpages import documents_from_page
from tests.helpers import TESTS

PAGES = TESTS / "pages"


def fixture(name: str) -> tuple[str, str]:
    path = PAGES / name
    return path.read_text(encoding="utf-8"), str(path)


def only_document(text: str, source: str = "page.md") -> dict[str, Any]:
    (document,) = documents_from_page(text, source)
    return document


def fenced(body: str, info: str = "yaml", title: str = "Do Thing") -> str:
    return f"# {title}\n\n## OpenAPI\n\n````{info}\n{body}````\n"


def rendering(
    *,
    method: str = "put",
    path: str = "/things",
    request: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
    components: dict[str, Any] | None = None,
    title: str = "Do Thing",
) -> str:
    """A page holding a documentation-site rendering of one operation."""
    view = {
        "path": path,
        "method": method,
        "servers": [{"url": "https://api.example.test"}],
        "request": request or {},
        "response": response or {"200": {"application/json": {"description": "OK"}}},
        "deprecated": False,
        "type": "path",
    }
    block = yaml.safe_dump({"paths": view, "components": components or {"schemas": {}}})
    return fenced(block, info=f"yaml {method.upper()} {path}", title=title)


def operation_of(document: dict[str, Any]) -> dict[str, Any]:
    ((_, item),) = document["paths"].items()
    ((_, operation),) = item.items()
    return operation


def booleans_named_required(node: Any) -> list[Any]:
    if isinstance(node, dict):
        own = [node["required"]] if isinstance(node.get("required"), bool) else []
        return own + [found for value in node.values() for found in booleans_named_required(value)]
    if isinstance(node, list):
        return [found for value in node for found in booleans_named_required(value)]
    return []
