"""The cost of a made-up record: microseconds per record for petstore's Pet and GitHub's full
repository, and what `--records 5` adds to a start on GitHub's spec.

A made-up record is generated once, when the first session is populated (`mock.population`),
and then only read: this is its whole cost. Uses the specs `make bench` caches
(~/.cache/specmock-bench/specs, or $SPECMOCK_BENCH_CACHE); run `make bench` once first.

    .venv/bin/python bench/records.py [--records 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.install import default_cache
from harness.workloads import drop_empty_uri_defaults

from specmock.mock.population import populate
from specmock.mock.served_api import ServedApi, serve
from specmock.spec.api import Api


def made_up(served: ServedApi, schema: dict[str, Any], count: int) -> list[float]:
    """Seconds per record, three rounds of `count` records each (a new seed per record), the
    schema check a populated record gets included where the schema is a resource's."""
    synthesizer = served.responder.synthesizer
    rounds = []
    for round_number in range(3):
        started = time.perf_counter()
        for number in range(count):
            synthesizer.generate(schema, seed=f"bench:{round_number}:{number}")
        rounds.append((time.perf_counter() - started) / count)
    return rounds


def checked_record(served: ServedApi, template: str, count: int) -> list[float]:
    """Seconds per record of a collection's records as population makes them: generated from
    the resource's write schema and checked against it."""
    binding = served.actions.bindings.for_template(template)
    assert binding is not None, f"no resource at {template}"
    synthesizer = served.responder.synthesizer
    rounds = []
    for round_number in range(3):
        started = time.perf_counter()
        for number in range(count):
            seed = f"bench:{round_number}:{number}"
            record = synthesizer.generate(binding.write_schema, seed=seed)
            served.actions.check_record(binding, record)
        rounds.append((time.perf_counter() - started) / count)
    return rounds


def timed(step: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = step()
    return value, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200, help="records per round (default 200)")
    args = parser.parse_args()
    specs = default_cache() / "specs"
    if not (specs / "petstore.json").is_file() or not (specs / "github.json").is_file():
        print(f"no cached specs in {specs}: run `make bench` once first", file=sys.stderr)
        return 1

    _, petstore = serve([Api.from_path(specs / "petstore.json", "petstore")], prefix=False)
    pet = checked_record(petstore["petstore"], "/pet/{petId}", args.records)
    print(f"petstore Pet: {1e6 * statistics.median(pet):.0f} µs per made-up record (checked)")

    with tempfile.TemporaryDirectory() as folder:
        patched = Path(folder) / "github.json"
        drop_empty_uri_defaults(specs / "github.json", patched)
        api, loaded = timed(lambda: Api.from_path(patched, "github"))
    (_, built), ready = timed(lambda: serve([api], prefix=False))
    github = built["github"]
    repository = {"$ref": "#/components/schemas/full-repository"}
    full = made_up(github, repository, args.records)
    print(f"GitHub full-repository: {1e6 * statistics.median(full):.0f} µs per made-up record")
    records, populating = timed(lambda: populate(github.actions, 5))
    print(
        f"GitHub start: load {loaded:.1f} s, serve {ready:.1f} s; --records 5 adds"
        f" {populating:.2f} s ({len(records)} records)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
