"""The pytest plugin's fixtures, used as a client's test suite would use them."""

import subprocess
import sys
from pathlib import Path

BEARER = {"Authorization": "Bearer T"}
MODEL = {"model": {"name": "Churn", "query_type": "raw_sql", "connector_id": 3}}


def test_pytest_plugin_serves_the_specs_and_isolates_each_test(specmock):
    response = specmock.client.put("/api/v1/models/70", headers=BEARER, json=MODEL)
    assert response.status_code == 200
    assert "/api/v1/models/70" in specmock.records("aisquared")
    assert specmock.requests()[0]["path"] == "/api/v1/models/70"


def test_pytest_plugin_state_from_another_test_is_not_visible(specmock):
    assert "/api/v1/models/70" not in specmock.records("aisquared")
    assert specmock.requests() == []


def test_pytest_plugin_seed_and_reset(specmock):
    specmock.seed(
        "aisquared", "/api/v1/models/71", {"name": "S", "query_type": "raw_sql", "connector_id": 1}
    )
    body = specmock.client.put("/api/v1/models/71", headers=BEARER, json=MODEL).json()
    assert body["data"]["attributes"]["created_at"]
    specmock.reset("aisquared")
    assert "/api/v1/models/71" not in specmock.records("aisquared")


def test_pytest_plugin_readme_example_runs_as_written(specmock):
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    example = readme.split("### In a client's pytest suite")[1].split("```python\n")[1]
    namespace: dict = {}
    exec(example.split("```")[0], namespace)  # the README's code, verbatim
    namespace["test_renaming_a_model"](specmock)


def test_pytest_plugin_stops_the_session_when_nothing_loads(tmp_path):
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "broken.yaml").write_text("openapi: 3.1.0\npaths: [\n")
    (tmp_path / "test_client.py").write_text("def test_uses_the_fake(specmock):\n    pass\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\nspecmock_specs = specs\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 4, result.stdout
    broken = tmp_path / "specs" / "broken.yaml"
    assert (
        f"specmock: nothing to serve: no spec in {tmp_path / 'specs'} loaded ({broken}: line 3: "
        "invalid YAML" in result.stdout + result.stderr
    )
    assert "1 passed" not in result.stdout
