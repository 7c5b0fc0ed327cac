"""Reading YAML and JSON text as JSON data.

PyYAML's safe loader turns `2023-11-07T05:31:56Z` into a datetime, which is not JSON and would
change an example's meaning; OpenAPI is JSON data, so dates stay text here.
"""

from __future__ import annotations

from typing import Any

import yaml


class JsonDataLoader(yaml.SafeLoader):
    """`yaml.safe_load` without timestamps."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def load_yaml(text: str) -> Any:
    """YAML (or JSON) text as JSON data; raises yaml.YAMLError."""
    return yaml.load(text, Loader=JsonDataLoader)
