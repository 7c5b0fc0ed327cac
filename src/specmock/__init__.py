"""specmock: validating stubs for every operation of an OpenAPI spec."""

from specmock.app import create_app
from specmock.config import Config
from specmock.errors import ConfigError, SpecError, SpecmockError
from specmock.problems import Problem
from specmock.proxy import ProxyOptions, create_proxy_app
from specmock.spec import Api, Catalog, Operation
from specmock.testing import LiveServer
from specmock.violations import Violation

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
