import asyncio
import json
import logging

import pytest

from specmock.errors import ConfigError, SpecmockError
from specmock.mock.state_file import Saver, StateFile, encode


def test_state_file_check_names_a_path_that_cannot_be_written(tmp_path):
    StateFile(tmp_path / "state.json").check()  # a new file in a folder that exists is fine
    with pytest.raises(ConfigError, match=f"--state-file '{tmp_path}' is a folder"):
        StateFile(tmp_path).check()
    missing = tmp_path / "nowhere" / "state.json"
    with pytest.raises(ConfigError, match=f"no folder '{tmp_path / 'nowhere'}' to write in"):
        StateFile(missing).check()
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigError, match=r"no folder .*file' to write in"):
        StateFile(tmp_path / "file" / "state.json").check()


def test_state_file_encode_writes_what_json_reads_back():
    quoted = {"a": {}, "b": {"/y/é": {"t": [1, "é"]}}}
    snapshot: dict = {"": {"a": {"/x/1": {"n": 1}}}, 's"': quoted}
    text, unsaved = encode(snapshot)
    assert json.loads(text) == {"sessions": snapshot} and unsaved == []
    assert json.loads(encode({})[0]) == {"sessions": {}}


def test_state_file_bad_file_is_an_error_naming_it(tmp_path):
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"sessions": {"s": []}}))
    with pytest.raises(SpecmockError, match="session 's' is not an object of APIs: \\[\\]"):
        StateFile(path).read()


class Changing:
    def __init__(self):
        self.changes = 0
        self.records = {}

    def snapshot(self):
        return {"": {"a": dict(self.records)}}


def test_state_file_saver_reports_a_failing_save_once_and_retries_it(tmp_path, caplog):
    store = Changing()
    path = tmp_path / "sub" / "state.json"
    saver = Saver(store, StateFile(path), interval=0.01)

    async def run():
        store.records["/x/1"] = {"n": 1}
        store.changes += 1
        first, second = await saver.save(), await saver.save()
        (tmp_path / "sub").mkdir()
        return first, second, await saver.save(), await saver.save()

    with caplog.at_level(logging.ERROR, "specmock"):
        assert asyncio.run(run()) == (False, False, True, True)
    failures = [r.getMessage() for r in caplog.records]
    assert len(failures) == 1 and failures[0].startswith(
        f"cannot save the stored records to '{path}', retrying: FileNotFoundError"
    )
    assert json.loads(path.read_text()) == {"sessions": {"": {"a": {"/x/1": {"n": 1}}}}}


def test_state_file_saver_saves_once_more_when_stopped(tmp_path):
    store = Changing()
    path = tmp_path / "state.json"
    saver = Saver(store, StateFile(path), interval=3600)

    async def run():
        task = asyncio.create_task(saver.run())
        await asyncio.sleep(0)
        store.records["/x/2"] = {"n": 2}
        store.changes += 1
        saver.stop()
        await asyncio.wait_for(task, 30)

    asyncio.run(run())
    assert json.loads(path.read_text())["sessions"][""]["a"] == {"/x/2": {"n": 2}}
