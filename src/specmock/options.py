"""The command line's option groups, and the types that read and check their values: each
says what it expects and quotes what it was given, and never quotes a credential back."""

from __future__ import annotations

import argparse
import math
import os
import re
from pathlib import Path

from specmock import settings
from specmock.config import (
    DEFAULT_BODY_TIMEOUT,
    DEFAULT_FAULT_TIMEOUT,
    DEFAULT_MAX_EXAMPLES,
    DEFAULT_RECORDS,
    DEFAULT_SHUTDOWN_TIMEOUT,
    Delay,
)
from specmock.digits import is_digits
from specmock.validation.security import split_token

DEFAULT_MAX_TIME = 600
ADMIN_TOKEN_VARIABLE = "SPECMOCK_ADMIN_TOKEN"
STORE_VARIABLE = "SPECMOCK_STORE"


def ref_dir_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-ref-dir",
        dest="ref_dirs",
        action="append",
        default=[],
        type=settings.folder,
        metavar="DIR",
        help="a folder outside the specs folder whose files a $ref may read (repeatable)",
    )


def time_limits(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--body-timeout",
        default=DEFAULT_BODY_TIMEOUT,
        type=settings.seconds,
        help=f"seconds a body may stall before a 408 (default {DEFAULT_BODY_TIMEOUT:g})",
    )
    parser.add_argument(
        "--shutdown-timeout",
        default=DEFAULT_SHUTDOWN_TIMEOUT,
        type=settings.seconds,
        help="seconds open connections get to finish at shutdown"
        f" (default {DEFAULT_SHUTDOWN_TIMEOUT:g})",
    )


def admin_token_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--admin-token",
        type=admin_token,
        default=os.environ.get(ADMIN_TOKEN_VARIABLE) or None,
        help="every /__specmock/ request then needs 'Authorization: Bearer TOKEN' "
        f"(default: ${ADMIN_TOKEN_VARIABLE}, which keeps it out of the process list)",
    )


def store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        type=store,
        default=os.environ.get(STORE_VARIABLE) or "memory",
        help="where records live: memory, or a Redis URL (redis://127.0.0.1:6379/0) that several"
        f" fakes share (default: ${STORE_VARIABLE}, else memory)",
    )
    parser.add_argument(
        "--store-prefix",
        default="specmock",
        type=store_prefix,
        help="the key prefix of this fake's records in a shared Redis (default specmock)",
    )


def store(text: str) -> str:
    if text == "memory":
        return text
    from specmock.mock.redis_store import check_url

    try:
        return check_url(text)
    except ValueError as error:
        # argparse names the flag; a value from the environment says where it came from
        given = f" (from ${STORE_VARIABLE})" if text == os.environ.get(STORE_VARIABLE) else ""
        raise argparse.ArgumentTypeError(f"{error}{given}") from None


def store_prefix(text: str) -> str:
    if not text or any(ord(c) < 33 or ord(c) > 126 for c in text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a key prefix: printable ASCII without spaces, and not empty"
        )
    return text


def suite_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--api", action="append", default=[], help="only this API (repeatable)")
    parser.add_argument(
        "--max-examples",
        type=settings.positive,
        default=DEFAULT_MAX_EXAMPLES,
        help=f"test cases per operation and phase (default {DEFAULT_MAX_EXAMPLES})",
    )
    parser.add_argument("--seed", type=int, help="seed for a reproducible run (printed if not set)")
    parser.add_argument(
        "--workers", type=settings.positive, default=1, help="concurrent workers (default 1)"
    )
    parser.add_argument(
        "--max-time",
        type=settings.positive,
        default=DEFAULT_MAX_TIME,
        help=f"stop after this many seconds in all (default {DEFAULT_MAX_TIME})",
    )
    parser.add_argument(
        "--request-timeout",
        type=settings.seconds,
        default=10.0,
        help="seconds per request (default 10)",
    )
    parser.add_argument("--junit", type=Path, help="also write a JUnit XML report here")


def header(text: str) -> tuple[str, str]:
    name, colon, value = text.partition(":")
    token = re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name.strip())
    if not colon or token is None or any(ord(c) < 32 and c != "\t" for c in value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a header such as 'Name: value'")
    return name.strip(), value.strip()


def token(text: str) -> str:
    """A `--token` as given; its value is never quoted back, even in a usage error."""
    kind, value = split_token(text)
    if not value.strip():
        raise argparse.ArgumentTypeError(f"the {kind or 'plain'} token must not be empty")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise argparse.ArgumentTypeError(
            f"the {kind or 'plain'} token has a control character, which no request carries"
        )
    if kind == "basic" and ":" not in value:
        raise argparse.ArgumentTypeError(
            "the basic token is not user:password (basic=user:password)"
        )
    return text


def admin_token(text: str) -> str:
    if not text or any(ord(c) < 33 or ord(c) > 126 for c in text):
        raise argparse.ArgumentTypeError(
            "the admin token must be printable ASCII without spaces, and not empty"
        )
    return text


def faults(serve: argparse.ArgumentParser) -> None:
    serve.add_argument(
        "--records",
        default=DEFAULT_RECORDS,
        type=count,
        help="records each collection holds on a fresh session: the spec's examples, then made-up"
        f" ones (default {DEFAULT_RECORDS}; 0 for none; seed data wins)",
    )
    serve.add_argument("--latency", type=delay, help="delay every answer: 300ms, 1s, 100-400ms")
    serve.add_argument(
        "--faults", default=0.0, type=chance, help="chance of a random fault or a 500/503 (0-1)"
    )
    serve.add_argument(
        "--fault-timeout",
        default=DEFAULT_FAULT_TIMEOUT,
        type=settings.seconds,
        help=f"seconds Prefer: fault=timeout holds an answer (default {DEFAULT_FAULT_TIMEOUT:g})",
    )


def count(text: str) -> int:
    if not is_digits(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a count such as 0 or 5")
    return int(text)


def delay(text: str) -> Delay:
    try:
        return Delay.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def chance(text: str) -> float:
    value = float(text) if re.fullmatch(r"[01]|0?\.[0-9]+|1\.0*", text) else math.nan
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a chance between 0 and 1 such as 0.05")
    return value


def locale(text: str) -> str:
    from specmock.schemas.fakes import Fakes

    try:
        return Fakes(text).locale
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
