"""The web layer: the only importer of Starlette, uvicorn and httpx (stubs, admin, CORS, request
log, app, proxy, live test server).
"""
