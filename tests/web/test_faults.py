"""Latency and faults as a real client sees them, over a loopback connection."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import yaml

from specmock.config import Config, Delay, OperationFaults
from specmock.settings import OperationSettings
from specmock.web.testing import LiveServer
from tests.helpers import response_errors

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "pets", "version": "1"},
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets",
                "responses": {
                    "200": {
                        "description": "pets",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Pet"},
                                }
                            }
                        },
                    }
                },
            },
            "post": {
                "operationId": "createPet",
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                    }
                },
                "responses": {
                    "201": {
                        "description": "created",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                        },
                    }
                },
            },
        }
    },
    "components": {
        "schemas": {
            "Pet": {
                "type": "object",
                "required": ["name"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            }
        }
    },
}


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    (tmp_path / "pets.yaml").write_text(yaml.safe_dump(SPEC))
    return tmp_path


def serve(specs: Path, **options: object) -> LiveServer:
    return LiveServer(Config(specs=specs, **options))  # type: ignore[arg-type]


@contextmanager
def live(specs: Path, **options: object) -> Iterator[httpx.Client]:
    """A client of a live server started with `options`, over a loopback connection."""
    with serve(specs, **options) as server, httpx.Client(base_url=server.url) as client:
        yield client


def test_fault_reset_is_a_connection_error(specs: Path) -> None:
    with live(specs) as client:
        with pytest.raises(httpx.ReadError, match="reset by peer"):
            client.get("/pets", headers={"Prefer": "fault=reset"})
        assert client.get("/pets").status_code == 200  # the server goes on answering


def test_fault_close_is_no_answer(specs: Path) -> None:
    with live(specs) as client, pytest.raises(httpx.RemoteProtocolError, match="without sending"):
        client.get("/pets", headers={"Prefer": "fault=close"})


def test_fault_empty_is_an_empty_body(specs: Path) -> None:
    with serve(specs) as server, httpx.Client(base_url=server.url) as client:
        response = client.get("/pets", headers={"Prefer": "fault=empty"})
    assert (response.status_code, response.content) == (200, b"")
    assert response.headers["content-type"] == "application/json"


def test_fault_malformed_is_json_cut_short(specs: Path) -> None:
    with serve(specs) as server, httpx.Client(base_url=server.url) as client:
        client.post("/pets", json={"name": "Rex"})
        response = client.get("/pets", headers={"Prefer": "fault=malformed"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content.startswith(b'[{"')
    with pytest.raises(ValueError):
        response.json()


def test_fault_timeout_outlasts_the_client(specs: Path) -> None:
    with live(specs, fault_timeout=1.0) as client, pytest.raises(httpx.ReadTimeout):
        client.get("/pets", headers={"Prefer": "fault=timeout"}, timeout=0.2)


def test_delay_is_at_least_what_is_asked(specs: Path) -> None:
    with serve(specs) as server, httpx.Client(base_url=server.url) as client:
        started = time.monotonic()
        response = client.get("/pets", headers={"Prefer": "delay=300"})
        assert time.monotonic() - started >= 0.3
        assert response.status_code == 200
        ranged = time.monotonic()
        client.get("/pets", headers={"Prefer": "delay=200-250"})
        assert time.monotonic() - ranged >= 0.2


def test_delay_does_not_hold_up_other_requests(specs: Path) -> None:
    finished: list[str] = []

    async def fetch(client: httpx.AsyncClient, name: str, prefer: str) -> None:
        await client.get("/pets", headers={"Prefer": prefer} if prefer else {})
        finished.append(name)

    async def both(url: str) -> None:
        async with httpx.AsyncClient(base_url=url) as client:
            slow = asyncio.create_task(fetch(client, "slow", "delay=1500"))
            await asyncio.sleep(0.1)
            await fetch(client, "fast", "")
            await slow

    with serve(specs) as server:
        asyncio.run(both(server.url))
    assert finished == ["fast", "slow"]


def test_latency_option_delays_every_answer(specs: Path) -> None:
    with live(specs, latency=Delay(0.25, 0.3)) as client:
        started = time.monotonic()
        client.get("/pets")
        assert time.monotonic() - started >= 0.25
        journal = client.get("/__specmock/requests").json()
    entry = journal["requests"][0]
    assert entry["injected"].startswith("delay=")


@pytest.mark.parametrize(
    ("prefer", "message"),
    [
        pytest.param("fault=crash", "fault='crash' is not one of", id="fault"),
        pytest.param("delay=soon", "delay='soon' is not a delay", id="delay"),
        pytest.param("delay=90s", "over the longest delay", id="too-long"),
    ],
)
def test_prefer_naming_no_fault_is_400(specs: Path, prefer: str, message: str) -> None:
    with serve(specs) as server, httpx.Client(base_url=server.url) as client:
        response = client.get("/pets", headers={"Prefer": prefer})
    assert response.status_code == 400
    assert message in response.text


def test_operation_fault_injects_a_documented_status(specs: Path) -> None:
    operations = {"GET /pets": OperationFaults(fault="503")}
    with live(specs, operations=operations) as client:
        response = client.get("/pets")
        effective = client.get("/__specmock/apis/pets/openapi.json").json()
        journal = client.get("/__specmock/requests").json()
    assert response.status_code == 503
    assert "503" in effective["paths"]["/pets"]["get"]["responses"]
    assert response_errors(effective, response) == []
    entry = journal["requests"][0]
    assert entry["injected"] == "fault=503"


def test_admin_api_is_never_delayed_or_faulted(specs: Path) -> None:
    operations = {"GET /pets": OperationFaults(fault="reset")}
    with live(specs, faults=1.0, operations=operations) as client:
        assert client.get("/__specmock/apis").status_code == 200


def test_random_faults_are_drawn_by_chance(specs: Path) -> None:
    with live(specs, faults=1.0, fault_timeout=0.5) as client:
        for _ in range(5):
            try:
                response = client.get("/pets", timeout=0.2)
            except httpx.TransportError:
                continue
            assert response.status_code in (200, 500, 503)


@pytest.mark.parametrize("status", [500, 418, 429])
def test_prefer_undocumented_error_status_is_injected(specs: Path, status: int) -> None:
    with live(specs) as client:
        response = client.get("/pets", headers={"Prefer": f"code={status}"})
        journal = client.get("/__specmock/requests").json()
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == (
        f"GET /pets documents no {status} answer; sent because Prefer or the config file asked"
        " (injected by specmock)"
    )
    assert response.json()["type"] == "urn:specmock:problem:injected"
    assert response.headers["x-specmock-undocumented"] == (
        f"{status} is not documented for GET /pets"
    )
    assert journal["requests"][0]["injected"] == f"code={status} (undocumented)"


def test_prefer_undocumented_error_status_does_not_reach_the_store(specs: Path) -> None:
    with live(specs) as client:
        refused = client.post("/pets", json={"name": "Rex"}, headers={"Prefer": "code=500"})
        listed = client.get("/pets").json()
    assert refused.status_code == 500
    assert all(pet["name"] != "Rex" for pet in listed)


def test_prefer_undocumented_success_status_is_still_refused(specs: Path) -> None:
    with live(specs) as client:
        response = client.get("/pets", headers={"Prefer": "code=204"})
        journal = client.get("/__specmock/requests").json()
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Prefer code=204 is not documented for GET /pets; documented: 200"
    )
    assert "injected" not in journal["requests"][0]


def test_config_forced_undocumented_error_status_is_in_the_effective_spec(specs: Path) -> None:
    forced = {"pets": {"GET /pets": OperationSettings(status=418)}}
    with live(specs, operation_settings=forced) as client:
        response = client.get("/pets")
        effective = client.get("/__specmock/apis/pets/openapi.json").json()
    assert response.status_code == 418
    assert response_errors(effective, response) == []
