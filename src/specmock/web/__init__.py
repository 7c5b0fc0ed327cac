"""The web layer: the only importer of Starlette, uvicorn and httpx. A request is read (`request`),
routed and checked (`inbound`), acted on and answered (`stubs`, `responses`); around it the admin
API, CORS, the request log, the app, the proxy and the live test server.
"""
