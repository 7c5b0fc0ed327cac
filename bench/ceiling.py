"""The ceiling of specmock's stack: a bare Starlette route on uvicorn returning a fixed JSON body.

Served the way `specmock serve` serves (uvicorn.run with its defaults), on any path, so the same
request as a scenario's can be sent to it: `python bench/ceiling.py --port 4010`.
"""

from __future__ import annotations

import argparse

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

PET = {"id": 1, "name": "doggie", "photoUrls": ["https://example.com/photo.png"], "status": "sold"}


async def fixed(request: Request) -> JSONResponse:
    return JSONResponse(PET)


app = Starlette(routes=[Route("/{path:path}", fixed, methods=["GET", "POST", "PUT"])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4010)
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
