"""The contract layer: audit of a spec, the Schemathesis suite and its summaries."""
