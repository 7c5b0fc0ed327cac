"""The layering rule of the README, held on every module's imports (those inside functions too).

    root (errors, violations, problems, config, settings, digits) <- spec <- schemas <- validation
    <- mock <- web <- contract <- cli, pytest_plugin, the package itself

A module imports only from its own layer or lower ones; Starlette, uvicorn and httpx only from
`web/` up; Schemathesis and Hypothesis only in `contract/`; openapi-core only in `validation/`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "specmock"

LAYERS = ("root", "spec", "schemas", "validation", "mock", "web", "contract", "top")
ROOT_MODULES = frozenset(
    {"errors", "violations", "problems", "config", "settings", "digits", "greenlets"}
)
TOP_MODULES = frozenset({"cli", "console", "options", "pytest_plugin", "__init__", "__main__"})
# Third-party packages and the layers allowed to import them.
RESTRICTED = {
    "starlette": frozenset({"web", "contract", "top"}),
    "uvicorn": frozenset({"web", "contract", "top"}),
    "httpx": frozenset({"web", "contract", "top"}),
    "jinja2": frozenset({"web"}),
    "schemathesis": frozenset({"contract"}),
    "hypothesis": frozenset({"contract"}),
    "openapi_core": frozenset({"validation"}),
    "redis": frozenset({"mock"}),
    "hiredis": frozenset({"mock"}),
    "greenlet": frozenset({"root"}),
    "jsonschema_path": frozenset({"validation"}),
}


def layer_of(module: str) -> str:
    """The layer of a dotted `specmock...` module name; a name outside every layer is an error."""
    parts = module.split(".")
    assert parts[0] == "specmock", module
    if len(parts) == 1:
        return "top"
    if parts[1] in LAYERS[1:-1]:
        return parts[1]
    if len(parts) == 2 and parts[1] in ROOT_MODULES:
        return "root"
    if len(parts) == 2 and parts[1] in TOP_MODULES:
        return "top"
    raise AssertionError(f"{module} belongs to no layer: place it in a layer package or the root")


def imported_names(source: str, module: str) -> list[str]:
    """Every module a source imports (absolute names; relative imports resolved)."""
    names: list[str] = []
    package = module if module.endswith("__init__") else module.rsplit(".", 1)[0]
    package = package.removesuffix(".__init__")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names.append(base)
            if base in ("specmock", *(f"specmock.{layer}" for layer in LAYERS)):
                names.extend(f"{base}.{alias.name}" for alias in node.names)
    return names


def breaches(module: str, source: str) -> list[str]:
    """What a module imports against the layering rule, one sentence each."""
    own = layer_of(module)
    found = []
    for name in imported_names(source, module):
        top = name.split(".")[0]
        if top == "specmock":
            if name in ("specmock", *(f"specmock.{layer}" for layer in LAYERS)):
                continue  # a package itself: its members are checked one by one
            other = layer_of(name)
            if LAYERS.index(other) > LAYERS.index(own):
                found.append(f"{module} ({own}) imports {name} ({other}), a higher layer")
        elif top in RESTRICTED and own not in RESTRICTED[top]:
            allowed = ", ".join(sorted(RESTRICTED[top]))
            found.append(f"{module} ({own}) imports {name}, allowed only in: {allowed}")
    return found


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        dotted = ".".join(("specmock", *path.relative_to(PACKAGE).with_suffix("").parts))
        found.append((dotted.removesuffix(".__init__") or "specmock", path))
    return found


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_layers_every_module_imports_only_its_own_layer_or_lower(module, path):
    assert breaches(module, path.read_text()) == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        pytest.param(
            "specmock.spec.api",
            "def f():\n    from specmock.web.app import create_app\n",
            ["specmock.spec.api (spec) imports specmock.web.app (web), a higher layer"],
            id="lazy-import-upwards",
        ),
        pytest.param(
            "specmock.mock.store",
            "from specmock.validation import security\n",
            [],
            id="downwards-is-fine",
        ),
        pytest.param(
            "specmock.errors",
            "from . import violations\nfrom .spec import api\n",
            ["specmock.errors (root) imports specmock.spec.api (spec), a higher layer"],
            id="relative-from-the-root",
        ),
        pytest.param(
            "specmock.schemas.synthesis",
            "from ..mock.store import Store\n",
            [
                "specmock.schemas.synthesis (schemas) imports specmock.mock.store (mock), "
                "a higher layer"
            ],
            id="relative-upwards",
        ),
        pytest.param(
            "specmock.mock.actions",
            "import starlette.responses\n",
            [
                "specmock.mock.actions (mock) imports starlette.responses, allowed only in: "
                "contract, top, web"
            ],
            id="starlette-below-web",
        ),
        pytest.param(
            "specmock.web.stubs",
            "from openapi_core.datatypes import RequestParameters\n",
            [
                "specmock.web.stubs (web) imports openapi_core.datatypes, "
                "allowed only in: validation"
            ],
            id="openapi-core-outside-validation",
        ),
        pytest.param(
            "specmock.cli",
            "import schemathesis\n",
            ["specmock.cli (top) imports schemathesis, allowed only in: contract"],
            id="schemathesis-outside-contract",
        ),
    ],
)
def test_layers_breaches_are_found(module, source, expected):
    assert breaches(module, source) == expected


def test_layers_a_module_outside_every_layer_is_refused():
    with pytest.raises(AssertionError, match=r"specmock\.helpers belongs to no layer"):
        layer_of("specmock.helpers")


MAX_MODULE_LINES = 600
MAX_CLASS_LINES = 250


def oversized(module: str, source: str) -> list[str]:
    """A module over its line limit, or classes over theirs, one sentence each."""
    found = []
    lines = source.count("\n") + (0 if source.endswith("\n") or not source else 1)
    if lines > MAX_MODULE_LINES:
        found.append(f"{module} has {lines} lines, over {MAX_MODULE_LINES}: split it by concept")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
            size = node.end_lineno - node.lineno + 1
            if size > MAX_CLASS_LINES:
                found.append(
                    f"{module}.{node.name} has {size} lines, over {MAX_CLASS_LINES}: "
                    "give part of its work to another class"
                )
    return found


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_layers_no_module_or_class_is_over_its_size(module, path):
    assert oversized(module, path.read_text()) == []


def test_layers_sizes_over_the_limits_are_found():
    big_class = "class Big:\n" + "    x = 1\n" * MAX_CLASS_LINES
    assert oversized("specmock.mock.big", big_class) == [
        f"specmock.mock.big.Big has {MAX_CLASS_LINES + 1} lines, over {MAX_CLASS_LINES}: "
        "give part of its work to another class"
    ]
    long_module = "x = 1\n" * (MAX_MODULE_LINES + 1)
    assert oversized("specmock.mock.long", long_module) == [
        f"specmock.mock.long has {MAX_MODULE_LINES + 1} lines, over {MAX_MODULE_LINES}: "
        "split it by concept"
    ]
    assert oversized("specmock.mock.fine", "x = 1\n" * MAX_MODULE_LINES) == []
