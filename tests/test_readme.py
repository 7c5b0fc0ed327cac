"""Every shell command in the README, checked as honestly as it can be here.

`curl` lines run, as written, against a live server of `specs/` (the README's host and port
swapped for the test server's), each bounded, and none may get a 5xx. `specmock` lines are parsed
by the real command line (a wrong flag or value fails) and their spec paths must exist; running
`fuzz`, `verify` and `proxy` for real needs a target server and minutes, which their own tests
cover. `make` lines must name a Makefile target. The proxy example's curl lines run against the
stubs, which serve the same paths the proxy forwards. The schemathesis line needs a server
started in the background: it is left to `make test`'s own Schemathesis run.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from specmock.cli import _parser
from specmock.config import DEFAULT_RECORDS, Config
from specmock.web.testing import LiveServer

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()
_BOUND = 20  # seconds any one command may take
_NO_ANSWER = (52, 56)  # curl: an empty reply, or the connection reset


def commands() -> list[tuple[str, str]]:
    """(section, command) for every command of every `sh` block, continuation lines joined."""
    found = []
    for block in re.finditer(r"^```sh\n(.*?)^```", README, re.S | re.M):
        section = README[: block.start()].rsplit("\n## ", 1)[-1].split("\n", 1)[0]
        text = block.group(1).replace("\\\n", " ")
        first = text.strip().split("\n", 1)[0]
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                found.append((f"{section} / {first.split()[0]} {first.split()[1]}", line))
    return found


ALL = commands()
CURLS = [c for _, c in ALL if c.startswith("curl")]


def _without_comment(command: str) -> str:
    return shlex.join(shlex.split(command, comments=True))


def test_readme_has_commands_of_every_kind():
    kinds = {command.split()[0] for _, command in ALL}
    assert {"curl", "make", "specmock"} <= kinds, kinds


def _own_servers() -> dict[str, Path]:
    """The ports of the README's own `specmock serve X --port P &` lines, with what they serve."""
    found = {}
    for _, command in ALL:
        if re.match(r"(\.venv/bin/)?specmock serve ", command) and "--port" in command:
            args = _parser().parse_args(shlex.split(command.rstrip("&"), comments=True)[1:])
            found[str(args.port)] = ROOT / args.specs
    return found


def _run_curls(commands: list[str], config: Config, port: str) -> None:
    with LiveServer(config) as server:
        for command in commands:
            line = _without_comment(command)
            line = line.replace(f"http://127.0.0.1:{port}", server.url)
            line = line.replace(f"localhost:{port}", server.url.removeprefix("http://"))
            result = subprocess.run(
                f"{line} -w '\\n%{{http_code}}'",
                shell=True,
                capture_output=True,
                text=True,
                timeout=_BOUND,
            )
            if re.search(r"fault=(reset|close)", line):  # no answer, as the README says
                assert result.returncode in _NO_ANSWER, (command, result.returncode)
                continue
            assert result.returncode == 0, (command, result.stderr)
            status = int(result.stdout.rsplit("\n", 1)[-1])
            assert 200 <= status < 500, (command, result.stdout)
            # nor a path or a method the specs do not document
            assert status != 405, (command, result.stdout)
            assert "no operation is documented at" not in result.stdout, command


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_readme_curl_lines_run_against_the_seed_specs_without_a_5xx():
    """Lines on the README's own servers (`serve X --port P &`) run against X, served as
    `specmock serve` serves it (with its records); the others against `specs/`."""
    own = _own_servers()
    by_port: dict[str, list[str]] = {}
    for command in CURLS:
        port = next((p for p in own if f":{p}/" in command), "4010")
        by_port.setdefault(port, []).append(command)
    for port, commands in by_port.items():
        specs = own.get(port, ROOT / "specs")
        records = DEFAULT_RECORDS if port in own else 0
        _run_curls(commands, Config(specs=specs, records=records), port)


@pytest.mark.parametrize(
    "command",
    [c for _, c in ALL if re.match(r"(\.venv/bin/)?specmock ", c)],
)
def test_readme_specmock_lines_are_real_flags_and_paths(command):
    words = shlex.split(command.rstrip("&"), comments=True)
    args = _parser().parse_args(words[1:])
    assert (ROOT / args.specs).exists(), args.specs


@pytest.mark.parametrize("command", [c for _, c in ALL if c.startswith("make ")])
def test_readme_make_lines_name_makefile_targets(command):
    targets = re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text(), re.M)
    assert shlex.split(command, comments=True)[1] in targets


def test_readme_variables_are_not_in_single_quotes():
    """`'Bearer $TOKEN'` sends the six characters `$TOKEN`: a shell expands only double quotes."""
    assert [c for _, c in ALL if re.search(r"'[^']*\$[A-Z_]+[^']*'", c)] == []
