"""The corpus harness's measurement (bench/corpus.py) on the vendored corpus specs: each served,
fuzzed by the contract suite against its effective spec with credentials, and expected to pass.

What fails today is marked as a known failure naming its item of issue 17, so that it flips
(and strict xfail turns red) once that item is fixed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from specmock.config import Config
from specmock.contract.suite import SuiteOptions, credentials_for, run_suite
from specmock.web.testing import LiveServer

CORPUS = Path(__file__).parents[1] / "corpus"
TOKEN = "T"
TOKENS = frozenset({f"bearer={TOKEN}", f"apiKey={TOKEN}", f"basic=specmock:{TOKEN}"})


def _known(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("oas30-circular", id="3.0-circular"),
        pytest.param("oas2-petstore-minimal", id="2.0-petstore-minimal"),
        pytest.param(
            "oas31-petstore-simple",
            id="3.1-petstore-simple",
            marks=_known(
                "issue 17 item 7: both operations document only a 400, which answers valid "
                "requests (positive_data_acceptance)"
            ),
        ),
    ],
)
def test_corpus_spec_is_served_and_passes_the_contract_suite(name):
    config = Config(specs=CORPUS / f"{name}.json", tokens=TOKENS)
    with LiveServer(config, log_level="critical") as server:
        served = server.app.state.specmock.served
        assert list(served) == [name]
        effective = served[name].effective
        options = SuiteOptions(max_examples=5, seed=1, auth=credentials_for(effective, TOKEN))
        result = run_suite(name, effective, server.url + served[name].mount, options)
    failing = sorted({(f.operation, f.check) for f in result.findings})
    assert (failing, result.errors, result.stopped) == ([], [], "completed")
    assert result.tested == len(result.operations)
