"""`LiveServer`: a specmock server on a free loopback port, in a background thread.

For tests of clients (and specmock's own tests): `with LiveServer(Config(...)) as server:` gives
`server.url`; leaving the block stops the server and waits for its thread.
"""

from __future__ import annotations

import dataclasses
import math
import socket
import threading
import time
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

from specmock.config import DEFAULT_SHUTDOWN_TIMEOUT, Config
from specmock.errors import SpecmockError
from specmock.web.app import create_app

_START_TIMEOUT = 15.0
_HOST = "127.0.0.1"


def _bound(config: Config) -> Config:
    """`config` as served here: on a loopback address, so its admin API checks `Host`."""
    return config if config.host is not None else dataclasses.replace(config, host=_HOST)


class LiveServer:
    def __init__(
        self,
        config: Config | None = None,
        app: Starlette | None = None,
        log_level: str = "warning",
    ) -> None:
        self.app = app if app is not None else create_app(_bound(config or Config()))
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((_HOST, 0))
        self.port: int = self._socket.getsockname()[1]
        settings = uvicorn.Config(
            self.app,
            log_level=log_level,
            lifespan="auto",
            timeout_graceful_shutdown=math.ceil(DEFAULT_SHUTDOWN_TIMEOUT),
        )
        self._server = uvicorn.Server(settings)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{_HOST}:{self.port}"

    def start(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise SpecmockError(f"the server on {self.url} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        dashboard = getattr(self.app.state, "dashboard", None)
        if dashboard is not None:  # open event streams would hold the shutdown back
            dashboard.close()
        self._server.should_exit = True
        self._thread.join(timeout=_START_TIMEOUT)
        self._socket.close()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
