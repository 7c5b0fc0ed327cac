"""`Config`: everything a server is started with, as one frozen value."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Large enough that a body breaking a documented maxLength (up to 400 KB in the Amazon spec, each
# character escaped in up to 12 bytes) is judged by its schema; API Gateway also stops at 10 MB.
DEFAULT_MAX_BODY = 10 * 1024 * 1024
# Test cases per operation and phase in a contract run (`specmock fuzz` and `verify`).
DEFAULT_MAX_EXAMPLES = 50


@dataclass(frozen=True, slots=True)
class Config:
    """Options of `create_app` and `specmock serve`.

    `specs` is a folder of specs or one spec file. `prefix` mounts each API under `/{name}`.
    `tokens`, when given, are the only credential values accepted (bearer token, API key, or
    `user:password` for basic auth). `state_file` keeps the stored records across restarts.
    `allow_ref_dirs` are folders outside `specs` whose files a `$ref` may read (by default a `$ref`
    reads only inside `specs`, or inside the folder of the one spec file).
    """

    specs: Path = Path("specs")
    prefix: bool = False
    cors: bool = True
    max_body: int = DEFAULT_MAX_BODY
    tokens: frozenset[str] = frozenset()
    state_file: Path | None = None
    allow_ref_dirs: tuple[Path, ...] = ()
