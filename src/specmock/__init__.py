"""specmock: validating stubs for every operation of an OpenAPI spec."""

from specmock.errors import ConfigError, SpecError, SpecmockError

__all__ = ["ConfigError", "SpecError", "SpecmockError"]
__version__ = "0.1.0"
