import json
import subprocess
import sys

import pytest
import yaml

from specmock.cli import main
from tests.conftest import SPECS


def test_cli_check_lists_apis_operations_and_gaps(capsys):
    assert main(["check", str(SPECS)]) == 0
    out = capsys.readouterr().out
    assert "loaded aisquared: AI Squared API (OpenAPI 3.1.0), 3 operations from " in out
    assert "  PATCH /restapis/{restapi_id}/models/{model_name}  [updateModel]\n" in out
    # Amazon documents 400 and 401 itself; the server adds only what is missing.
    amazon = out.split("loaded apigateway")[1].split("loaded ")[0]
    assert (
        "answers 406 (no documented media type fits Accept), 413 (body over the size limit), "
        in amazon
    )
    assert "400 (" not in amazon


def test_cli_check_exits_1_and_names_the_broken_file(tmp_path, capsys):
    (tmp_path / "broken.yaml").write_text("openapi: 3.1.0\npaths: [\n")
    (tmp_path / "ok.yaml").write_text(
        yaml.safe_dump({"openapi": "3.1.0", "info": {"title": "Ok", "version": "1"}, "paths": {}})
    )
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "loaded ok: Ok (OpenAPI 3.1.0), 0 operations" in out
    assert f"error: {tmp_path / 'broken.yaml'}: line 3: invalid YAML" in out


def test_cli_two_apis_on_one_route_stop_the_start_with_a_hint(tmp_path, capsys):
    document = {
        "openapi": "3.1.0",
        "info": {"title": "A", "version": "1"},
        "paths": {"/x": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(yaml.safe_dump(document))
    assert main(["serve", str(tmp_path), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "specmock: GET /x is served by both API 'a' and API 'b'; start with --prefix" in err


def test_cli_python_dash_m_works():
    result = subprocess.run(
        [sys.executable, "-m", "specmock", "check", str(SPECS)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "loaded polytomic" in result.stdout


def test_cli_check_reports_bad_seed_data_naming_file_and_record(tmp_path, capsys):
    (tmp_path / "notes.yaml").write_text(
        (SPECS.parent / "tests" / "specs" / "notes.yaml").read_text()
    )
    (tmp_path / "notes.data.yaml").write_text("/notes/1:\n  title: 5\n/elsewhere/2: {}\n")
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert (
        f"error: {tmp_path / 'notes.data.yaml'}: /notes/1: body /title: 5 is not of type 'string'"
        in out
    )


def test_cli_proxy_refuses_a_target_that_is_not_http(capsys):
    assert main(["proxy", str(SPECS), "--target", "localhost:9000"]) == 2
    assert capsys.readouterr().err == (
        "specmock: --target 'localhost:9000' is not an http(s) base URL such as http://host:8000\n"
    )


def test_cli_check_reports_contract_gaps_in_text_and_json(capsys):
    assert main(["check", str(SPECS)]) == 0
    out = capsys.readouterr().out
    assert "\ncontract gaps:\naisquared: 3 findings (no-error-response 3)\n" in out
    assert main(["check", str(SPECS), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [api["name"] for api in report["apis"]] == ["aisquared", "apigateway", "polytomic"]
    assert report["totals"]["no-error-response"] == 3 and report["errors"] == []
    gaps = report["apis"][2]["undocumented_statuses"]
    assert {
        "operation": "PUT /api/models/{id}",
        "status": 413,
        "reason": "body over the size limit",
    } in gaps


def test_cli_allow_ref_dir_lets_check_read_a_folder_outside_the_specs(tmp_path, capsys):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "pet.yaml").write_text("type: string\n")
    (tmp_path / "specs").mkdir()
    content = {"application/json": {"schema": {"$ref": "../shared/pet.yaml"}}}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "Pets", "version": "1"},
        "paths": {
            "/pets": {"get": {"responses": {"200": {"description": "ok", "content": content}}}}
        },
    }
    (tmp_path / "specs" / "pets.yaml").write_text(yaml.safe_dump(document))
    assert main(["check", str(tmp_path / "specs")]) == 1
    out = capsys.readouterr().out
    assert "is outside the folders references may read" in out
    shared = str(tmp_path / "shared")
    assert main(["check", str(tmp_path / "specs"), "--allow-ref-dir", shared]) == 0
    assert "loaded pets: Pets (OpenAPI 3.1.0), 1 operation from " in capsys.readouterr().out


def test_cli_allow_ref_dir_must_be_a_folder(tmp_path, capsys):
    missing = str(tmp_path / "nowhere")
    for command in ("serve", "check", "proxy", "fuzz", "verify"):
        with pytest.raises(SystemExit):
            main([command, str(tmp_path), "--allow-ref-dir", missing, "--target", "http://x"])
        assert f"--allow-ref-dir: {missing!r} is not a folder" in capsys.readouterr().err
