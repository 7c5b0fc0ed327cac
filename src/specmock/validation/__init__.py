"""The validation layer: does the spec allow this request or answer.

The only user of openapi-core.
"""
