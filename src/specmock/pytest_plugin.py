"""pytest fixtures for testing a client against a specmock fake (installed as a pytest plugin).

- `specmock_specs`: the specs folder or file; override the fixture, or set the `specmock_specs`
  ini option (default: `specs` under the rootdir).
- `specmock_config`: the server's `Config`; override it for tokens, `prefix`, limits.
- `specmock_server`: one running server per test session, on a free loopback port.
- `specmock`: per test, a `Fake` with its own session state (`X-Specmock-Session`): `url`,
  `client` (an httpx client that sends the session header), `seed()`, `records()`, `requests()`,
  `reset()`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from specmock.config import Config
from specmock.errors import ConfigError
from specmock.spec.api import Catalog
from specmock.web.app import create_app, require_apis
from specmock.web.request import SESSION_HEADER
from specmock.web.testing import LiveServer

_LOOPBACK = "127.0.0.1"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "specmock_specs", "specs folder or file the specmock fixtures serve", default="specs"
    )


class Fake:
    """A test's view of the running fake: its own session, and the admin API as methods."""

    def __init__(self, server: LiveServer, session: str) -> None:
        self.url = server.url
        self.session = session
        self.client = httpx.Client(
            base_url=server.url, headers={SESSION_HEADER: session}, timeout=10
        )

    def seed(self, api: str, path: str, record: dict[str, Any]) -> None:
        """Store a record at an item path (`/api/v1/models/7`) for this test only."""
        response = self.client.put(f"/__specmock/apis/{api}/records{path}", json=record)
        response.raise_for_status()

    def records(self, api: str) -> dict[str, Any]:
        response = self.client.get(f"/__specmock/apis/{api}/records")
        response.raise_for_status()
        return dict(response.json()["records"])

    def requests(self) -> list[dict[str, Any]]:
        """This test's requests, newest first, with status and violations."""
        response = self.client.get("/__specmock/requests")
        response.raise_for_status()
        return list(response.json()["requests"])

    def reset(self, api: str | None = None) -> None:
        params = {"api": api} if api else {}
        self.client.post("/__specmock/reset", params=params).raise_for_status()

    def close(self) -> None:
        """End this test's session on the server (its place among the sessions is freed)."""
        try:
            self.client.delete("/__specmock/session")
        finally:
            self.client.close()


@pytest.fixture(scope="session")
def specmock_specs(pytestconfig: pytest.Config) -> Path:
    return Path(pytestconfig.rootpath) / str(pytestconfig.getini("specmock_specs"))


@pytest.fixture(scope="session")
def specmock_config(specmock_specs: Path) -> Config:
    return Config(specs=specmock_specs)


@pytest.fixture(scope="session")
def specmock_server(specmock_config: Config) -> Iterator[LiveServer]:
    """The fake for the session; with nothing to serve (no specs, or none that loads) the test
    session stops with the reason, rather than testing against a server of 404s."""
    catalog = Catalog.from_path(specmock_config.specs, specmock_config.allow_ref_dirs)
    try:
        require_apis(catalog, specmock_config.specs)
    except ConfigError as error:
        pytest.exit(f"specmock: {error}", returncode=pytest.ExitCode.USAGE_ERROR)
    config = specmock_config if specmock_config.host else replace(specmock_config, host=_LOOPBACK)
    with LiveServer(app=create_app(config, catalog)) as server:
        yield server


@pytest.fixture
def specmock(specmock_server: LiveServer) -> Iterator[Fake]:
    fake = Fake(specmock_server, f"test-{uuid.uuid4().hex[:12]}")
    yield fake
    fake.close()
