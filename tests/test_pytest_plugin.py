"""The pytest plugin's fixtures, used as a client's test suite would use them."""

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
