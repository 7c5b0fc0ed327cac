"""What the benchmark needs, installed once into a cache outside the repo and reused after.

- Node.js and npm: the machine's own; Debian's `nodejs npm` through apt-get when missing (as root).
- Prism and the two spec packages: exact versions from the npm registry, in `<cache>/npm`.
- wrk: Debian's package through apt-get when missing (as root); otherwise None, and the caller
  falls back to the Python load generator.
- The specs are copied to `<cache>/specs/<api>.json`, so that specmock names each API after it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# Prism 5.14.2 is the newest 5.x whose `engines` admit Node 20 (5.15 and later ask for Node 24).
PACKAGES = {
    "@stoplight/prism-cli": "5.14.2",
    "@readme/oas-examples": "8.2.2",
    "@octokit/openapi": "23.0.2",
}
PETSTORE = ("@readme/oas-examples", "3.0/json/petstore.json")
GITHUB = ("@octokit/openapi", "generated/api.github.com.json")
INSTALL_TIMEOUT = 900.0


class HarnessError(Exception):
    """The benchmark itself cannot go on (a tool missing, an install failed, a bad request body)."""


@dataclass(frozen=True, slots=True)
class Toolchain:
    """Where the installed tools and specs are."""

    node: Path
    prism: Path
    prism_version: str
    wrk: Path | None
    petstore: Path
    github: Path
    cache: Path


def default_cache() -> Path:
    """`$SPECMOCK_BENCH_CACHE`, else `$XDG_CACHE_HOME/specmock-bench` (`~/.cache/...`)."""
    explicit = os.environ.get("SPECMOCK_BENCH_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "specmock-bench"


def prepare(cache: Path, use_wrk: bool = True) -> Toolchain:
    """Install what is missing (saying so) and return where everything is."""
    node, npm = _node_and_npm()
    modules = _npm_packages(cache / "npm", npm)
    specs = cache / "specs"
    specs.mkdir(parents=True, exist_ok=True)
    petstore = _copy(modules / PETSTORE[0] / PETSTORE[1], specs / "petstore.json")
    github = _copy(_github_spec(modules / GITHUB[0], GITHUB[1]), specs / "github.json")
    prism_cli = modules / "@stoplight/prism-cli"
    return Toolchain(
        node=node,
        prism=(prism_cli / _bin(prism_cli, "prism")).resolve(),
        prism_version=_version(prism_cli) or "?",
        wrk=_wrk() if use_wrk else None,
        petstore=petstore,
        github=github,
        cache=cache,
    )


def _node_and_npm() -> tuple[Path, Path]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        print("node or npm not found: installing Debian's nodejs and npm with apt-get")
        if not _apt_install("nodejs", "npm"):
            raise HarnessError(
                "Prism needs Node.js and npm, and apt-get could not install them "
                "(run as root: apt-get install -y nodejs npm, or install Node.js 18 or newer)"
            )
        node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise HarnessError("node and npm are still not on PATH after apt-get install nodejs npm")
    return Path(node), Path(npm)


def _npm_packages(prefix: Path, npm: Path) -> Path:
    """node_modules with exactly PACKAGES in it (npm runs only when a version differs)."""
    modules = prefix / "node_modules"
    if all(_version(modules / name) == version for name, version in PACKAGES.items()):
        return modules
    prefix.mkdir(parents=True, exist_ok=True)
    manifest = {"private": True, "dependencies": PACKAGES}
    (prefix / "package.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    wanted = ", ".join(f"{name}@{version}" for name, version in PACKAGES.items())
    print(f"installing {wanted} from the npm registry into {prefix}")
    command = [str(npm), "install", "--no-audit", "--no-fund", "--loglevel=error"]
    _run(command, prefix, "npm install")
    for name, version in PACKAGES.items():
        if _version(modules / name) != version:
            raise HarnessError(f"npm install left {name} at {_version(modules / name)!r}")
    return modules


def _github_spec(package: Path, expected: str) -> Path:
    """GitHub's REST spec inside @octokit/openapi: the bundled (not dereferenced) api.github.com."""
    if (package / expected).is_file():
        return package / expected
    found = sorted(package.rglob("api.github.com.json"))
    if not found:
        raise HarnessError(f"no api.github.com.json inside {package}")
    return found[0]


def _wrk() -> Path | None:
    found = shutil.which("wrk")
    if found:
        return Path(found)
    print("wrk not found: installing Debian's wrk with apt-get")
    if _apt_install("wrk") and shutil.which("wrk"):
        return Path(str(shutil.which("wrk")))
    print(
        "wrk is unavailable (apt-get install -y wrk needs root and Debian's archive): "
        "falling back to the Python load generator, whose figures are far below wrk's"
    )
    return None


def _apt_install(*packages: str) -> bool:
    """apt-get install as root; one `apt-get update` and a retry when the first attempt fails."""
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        return False
    install = [apt, "install", "-y", "--no-install-recommends", *packages]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for attempt in range(2):
        if attempt:
            subprocess.run([apt, "update"], env=env, capture_output=True, timeout=INSTALL_TIMEOUT)
        done = subprocess.run(install, env=env, capture_output=True, timeout=INSTALL_TIMEOUT)
        if done.returncode == 0:
            return True
    return False


def _run(command: list[str], cwd: Path, what: str) -> None:
    try:
        done = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise HarnessError(f"{what} took over {INSTALL_TIMEOUT:.0f} s") from None
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip()[-2000:]
        raise HarnessError(f"{what} failed with exit code {done.returncode}:\n{tail}")


def _copy(source: Path, target: Path) -> Path:
    if not source.is_file():
        raise HarnessError(f"{source} is missing from the installed package")
    if not target.is_file() or target.stat().st_size != source.stat().st_size:
        shutil.copyfile(source, target)
    return target


def _manifest(package: Path) -> dict[str, object]:
    try:
        data = json.loads((package / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _version(package: Path) -> str | None:
    version = _manifest(package).get("version")
    return version if isinstance(version, str) else None


def _bin(package: Path, name: str) -> str:
    entry = _manifest(package).get("bin")
    if isinstance(entry, dict) and isinstance(entry.get(name), str):
        return str(entry[name])
    if isinstance(entry, str):
        return entry
    raise HarnessError(f"{package}/package.json names no {name!r} executable")
