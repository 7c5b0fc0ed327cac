"""A real browser (Debian's Chromium, headless) on a page of another origin cannot drive the admin
API, while it can still call the fake API itself. `make test` installs Chromium where it can (as
root, with apt); without it this test is skipped, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import httpx
import pytest

from specmock.config import Config
from specmock.web.testing import LiveServer
from tests.conftest import SPECS

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
MODEL = "/api/v1/models/7"
PAGE = """<html><body><pre id="out">running</pre><script>
const fake = "{url}";
const out = [];
async function attempt(label, call) {{
  try {{
    const r = await call();
    out.push(label + ": " + (r.type === "opaque" ? "opaque" : r.status));
  }}
  catch (e) {{ out.push(label + ": blocked"); }}
}}
async function go() {{
  await attempt("fake API write", () => fetch(fake + "{model}", {{method: "PUT",
    headers: {{"Authorization": "Bearer T", "Content-Type": "application/json"}},
    body: JSON.stringify(
      {{model: {{name: "From a page", query_type: "raw_sql", connector_id: 3}}}})}}));
  await attempt("no-cors reset", () => fetch(fake + "/__specmock/reset",
    {{method: "POST", mode: "no-cors"}}));
  await attempt("admin read", () => fetch(fake + "/__specmock/apis/aisquared/records"));
  await attempt("admin preflighted write", () => fetch(fake + "/__specmock/reset",
    {{method: "POST", headers: {{"Content-Type": "application/json"}}, body: "{{}}"}}));
  document.getElementById("out").textContent = out.join("\\n");
}}
go();
</script></body></html>"""


@pytest.fixture
def browser() -> str:
    if BROWSER is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is not installed: `make test` installs it as root (apt-get)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return BROWSER


def test_browser_a_foreign_page_cannot_drive_the_admin_api(browser, page_origin):
    folder, origin = page_origin
    with LiveServer(Config(specs=SPECS)) as fake, httpx.Client(base_url=fake.url) as client:
        update = {"model": {"name": "Before", "query_type": "raw_sql", "connector_id": 3}}
        assert client.put(MODEL, headers={"Authorization": "Bearer T"}, json=update).is_success
        (folder / "page.html").write_text(PAGE.format(url=fake.url, model=MODEL))
        command = [browser, "--headless=new", "--no-sandbox", "--disable-gpu"]
        command += ["--virtual-time-budget=8000", "--dump-dom", f"{origin}/page.html"]
        shown = subprocess.run(command, capture_output=True, text=True, timeout=90).stdout
        stored = client.get(f"/__specmock/apis/aisquared/records{MODEL}").json()
    assert "no-cors reset: opaque" in shown  # sent, as browsers do: refused by the server
    assert "admin read: blocked" in shown
    assert "admin preflighted write: blocked" in shown
    assert "fake API write: 200" in shown  # the fake API itself stays open to frontends
    assert stored["name"] == "From a page"  # written by the page first, then never reset


CREDENTIALED = """<html><body><pre id="out">running</pre><script>
const fake = "{url}";
const out = [];
async function go() {{
  const send = (path, body) => fetch(fake + path, {{method: "PUT", credentials: "include",
    headers: {{"Authorization": "Bearer T", "Content-Type": "application/json"}},
    body: JSON.stringify(body)}});
  try {{
    const stored = await send("{model}",
      {{model: {{name: "Credentialed", query_type: "raw_sql", connector_id: 3}}}});
    out.push("stored " + stored.status + " etag=" + stored.headers.get("ETag"));
    const refused = await send("/api/models/7", {{name: 5}});
    out.push("refused " + refused.status + " violations=" +
      refused.headers.get("X-Specmock-Violations"));
  }} catch (e) {{ out.push("blocked: " + e); }}
  document.getElementById("out").textContent = out.join("\\n");
}}
go();
</script></body></html>"""


def test_browser_a_credentialed_fetch_reads_the_answer_headers(browser, page_origin):
    """`Access-Control-Expose-Headers: *` means nothing to a browser on a credentialed request:
    the fake names its headers, so a page reads the ETag and the violations it was sent."""
    folder, origin = page_origin
    with LiveServer(Config(specs=SPECS)) as fake, httpx.Client(base_url=fake.url) as client:
        (folder / "page.html").write_text(CREDENTIALED.format(url=fake.url, model=MODEL))
        command = [browser, "--headless=new", "--no-sandbox", "--disable-gpu"]
        command += ["--virtual-time-budget=8000", "--dump-dom", f"{origin}/page.html"]
        shown = subprocess.run(command, capture_output=True, text=True, timeout=90).stdout
        stored = client.get(f"/__specmock/apis/aisquared/records{MODEL}")
    assert f"stored 200 etag={stored.headers['ETag']}" in shown
    # the page read the header's JSON: the `name` field's violation is in it
    assert "refused 400 violations=[" in shown and "/name" in shown
