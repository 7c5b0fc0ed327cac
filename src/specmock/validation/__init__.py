"""The validation layer: does the spec allow this request or answer.

The only user of openapi-core. `requests.ApiValidator` is the entry: `check` for a request (the
fast path of `fastpath` first, openapi-core's stages of `core` for what it could not vouch for),
`response_violations` for a real server's answer (`responses`). `core` is the one module that
touches openapi-core's private API, `core_errors` reads its exceptions as `Violation`s, and
`documents` prepares what it validates against. `numeric`, `negotiation` and `security` hold the
rules openapi-core does not check the way a real API does.
"""
