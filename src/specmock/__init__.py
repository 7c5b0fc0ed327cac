"""specmock: validating stubs for every operation of an OpenAPI spec."""

# The shim below must run before anything imports jsonschema.
import importlib
import importlib.util
import sys
import types
from typing import TYPE_CHECKING, Any


def _defer_rfc3987_syntax() -> None:
    """Load rfc3987_syntax on the first check of an `iri` format, not when jsonschema is imported.

    Why: jsonschema's format module imports `rfc3987_syntax.is_valid_syntax` at import time, and
    that module compiles its Lark grammars there, which costs 2 s or more on every start (a third of
    `specmock serve`'s start on a big spec once validation is fast), while only the `iri` and
    `iri-reference` formats ever use it. This puts a stand-in package in `sys.modules` whose
    functions import the real `rfc3987_syntax.syntax_helpers` on first use. It has to run before
    anything imports jsonschema, so it is the first thing this package does.
    """
    name = "rfc3987_syntax"
    if name in sys.modules or "jsonschema._format" in sys.modules:
        return  # already imported for real: too late to defer, nothing to gain
    found = importlib.util.find_spec(name)  # locates the package without running it
    if found is None or found.submodule_search_locations is None:
        return  # not installed: jsonschema copes with that by itself
    shim = types.ModuleType(name)
    shim.__spec__ = found
    shim.__path__ = list(found.submodule_search_locations)  # submodules still import normally
    shim.__file__ = found.origin

    def real() -> Any:
        helpers = importlib.import_module(f"{name}.syntax_helpers")  # the slow part, once
        for key in dir(helpers):
            if not key.startswith("__"):
                setattr(shim, key, getattr(helpers, key))
        return helpers

    def is_valid_syntax(term: str, value: str) -> bool:
        return bool(real().is_valid_syntax(term, value))

    def __getattr__(key: str) -> Any:  # any other name: load the real module and read it there
        if key.startswith("__"):
            raise AttributeError(key)
        return getattr(real(), key)

    shim.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    shim.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[name] = shim


_defer_rfc3987_syntax()

if TYPE_CHECKING:
    from specmock.config import Config
    from specmock.errors import ConfigError, SpecError, SpecmockError
    from specmock.problems import Problem
    from specmock.spec.api import Api, Catalog, Operation
    from specmock.violations import Violation
    from specmock.web.app import create_app
    from specmock.web.proxy import ProxyOptions, create_proxy_app
    from specmock.web.testing import LiveServer

# Where each public name lives: imported on first use (PEP 562), so `specmock serve` does not
# load the proxy's HTTP client or the test server, and `import specmock` stays cheap.
_EXPORTS = {
    "Api": "specmock.spec.api",
    "Catalog": "specmock.spec.api",
    "Config": "specmock.config",
    "ConfigError": "specmock.errors",
    "LiveServer": "specmock.web.testing",
    "Operation": "specmock.spec.api",
    "Problem": "specmock.problems",
    "ProxyOptions": "specmock.web.proxy",
    "SpecError": "specmock.errors",
    "SpecmockError": "specmock.errors",
    "Violation": "specmock.violations",
    "create_app": "specmock.web.app",
    "create_proxy_app": "specmock.web.proxy",
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'specmock' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "Api",
    "Catalog",
    "Config",
    "ConfigError",
    "LiveServer",
    "Operation",
    "Problem",
    "ProxyOptions",
    "SpecError",
    "SpecmockError",
    "Violation",
    "create_app",
    "create_proxy_app",
]
__version__ = "0.1.0"
