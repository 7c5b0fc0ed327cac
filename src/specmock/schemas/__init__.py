"""The schemas layer: plain-Python values against JSON Schema (checks, bounds, synthesis, compiled
checks, patterns).
"""
