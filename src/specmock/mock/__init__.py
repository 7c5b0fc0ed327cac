"""The mock layer: what the fake does (resources, patching, the store, actions, answers, seeds, the
effective contract). Plain Python, no Starlette.
"""
