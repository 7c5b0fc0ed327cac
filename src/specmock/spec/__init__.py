"""The spec layer: text to `Api`/`Operation` (files, parsing, refs, structure, dialects,
documentation pages, merging, routing).
"""
