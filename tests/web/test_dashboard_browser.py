"""The dashboard in a real browser (Debian's Chromium, headless, driven by Selenium): every API of
specs/ listed, a request appearing live with its violations marked, its detail, an operation tried
from the reference page, a narrow window, and the dashboard refused to a page of another origin.

The passing tests save screenshots of the main pages to docs/dashboard-*.png (shown in the README).
Without Chromium and its driver the tests are skipped, except under CI=true, where that is a
failure: `make test` installs them as root.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from specmock.config import Config
from specmock.web.testing import LiveServer
from tests.conftest import SPECS

CHROMIUM = Path("/usr/bin/chromium")
DRIVER = Path("/usr/bin/chromedriver")
DOCS = Path(__file__).resolve().parents[2] / "docs"
INSTALL = "apt-get install -y chromium chromium-driver"
WAIT = 5.0  # the longest a page may take to show what a test waits for
MODEL = "/api/v1/models/7"
AUTH = {"Authorization": "Bearer T"}
RESPONSES = ".live-responses-table"  # Swagger UI's table of the answer it got
GATEWAY_MODEL = "/restapis/uojnr9hd57/models/output"
GATEWAY_AUTH = {"Authorization": "AWS4-HMAC-SHA256 T"}
FOREIGN_PAGE = """<html><body><pre id="out">running</pre><script>
const fake = "{url}";
const out = [];
fetch(fake + "/__specmock/")
  .then(r => out.push("page: " + r.status), () => out.push("page: blocked"))
  .then(() => new Promise(done => {{
    const source = new EventSource(fake + "/__specmock/requests/stream");
    source.onopen = () => {{ out.push("stream: open"); source.close(); done(); }};
    source.onerror = () => {{ out.push("stream: refused"); source.close(); done(); }};
  }}))
  .then(() => {{ document.getElementById("out").textContent = out.join("\\n"); }});
</script></body></html>"""


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    if not (CHROMIUM.exists() and DRIVER.exists()):
        message = f"Chromium and its driver are not installed ({INSTALL})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}: `make test` installs them as root")
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never download a driver
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(argument)
    browser = webdriver.Chrome(options=options, service=Service(executable_path=str(DRIVER)))
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture(scope="module")
def fake() -> Iterator[LiveServer]:
    with LiveServer(Config(specs=SPECS)) as server:
        yield server


@pytest.fixture
def client(fake: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fake.url, timeout=10) as client:
        yield client


def _wait(driver: Any, condition: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(condition)


def _screenshot(driver: Any, name: str) -> None:
    DOCS.mkdir(exist_ok=True)
    driver.save_screenshot(str(DOCS / f"dashboard-{name}.png"))


def test_browser_dashboard_home_shows_every_api(driver, fake):
    from selenium.webdriver.common.by import By

    driver.set_window_size(1280, 900)
    driver.get(f"{fake.url}/__specmock/")
    names = [
        item.get_attribute("data-api") for item in driver.find_elements(By.CSS_SELECTOR, ".api")
    ]
    assert names == ["aisquared", "apigateway", "polytomic"]
    assert driver.find_element(By.LINK_TEXT, "Polytomic API").get_attribute("href") == (
        f"{fake.url}/__specmock/ui/apis/polytomic"
    )
    _screenshot(driver, "home")


def test_browser_a_request_appears_live_with_its_violations_and_opens(driver, fake, client):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.set_window_size(1280, 900)
    driver.get(f"{fake.url}/__specmock/ui/requests")
    _wait(driver, lambda d: d.find_element(By.ID, "live-state").text == "live")
    client.put(MODEL, json={"model": {"name": 5}}, headers=AUTH)
    row = _wait(
        driver,
        lambda d: next(iter(d.find_elements(By.CSS_SELECTOR, "tr.entry.violated.fresh")), False),
    )
    assert row.get_attribute("data-api") == "aisquared"
    assert "PUT" in row.text and MODEL in row.text and "400" in row.text
    assert "⚠ 3 violations" in row.text
    assert "body /model/name: 5 is not of type 'string'" in row.text
    _screenshot(driver, "requests")
    link = row.find_element(By.CSS_SELECTOR, "td.path a")
    link.send_keys(Keys.ENTER)  # reachable by keyboard: the path is a link
    _wait(driver, lambda d: "/__specmock/ui/requests/" in d.current_url)
    page = driver.find_element(By.TAG_NAME, "main").text
    assert "Violations (3)" in page
    assert '"name": 5' in page
    assert "The documented response 400:" in page
    _screenshot(driver, "request")
    # the pages ask the fake for no favicon: the journal holds what the frontend sent
    paths = [entry["path"] for entry in client.get("/__specmock/requests").json()["requests"]]
    assert "/favicon.ico" not in paths


def test_browser_an_operation_tried_from_the_reference_answers(driver, fake, client):
    from selenium.webdriver.common.by import By

    driver.set_window_size(1280, 1400)
    driver.get(f"{fake.url}/__specmock/ui/apis/polytomic")
    summary = _wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, ".opblock-summary"))
    _screenshot(driver, "reference")
    summary.click()
    _wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, ".try-out__btn")).click()
    _wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, ".btn.execute")).click()
    status = _wait(
        driver,
        lambda d: next(
            iter(
                d.find_elements(By.CSS_SELECTOR, ".live-responses-table tbody .response-col_status")
            ),
            False,
        ),
    )
    assert status.text.strip().isdigit()
    journal = client.get("/__specmock/requests").json()["requests"]
    tried = [entry for entry in journal if entry["path"].startswith("/api/models/")]
    assert tried and tried[0]["status"] == int(status.text.strip())


def test_browser_a_narrow_window_does_not_scroll_sideways(driver, fake, client):
    client.put(MODEL, json={"model": {"name": 5}}, headers=AUTH)
    driver.set_window_size(420, 900)
    for page in (
        "/__specmock/",
        "/__specmock/ui/requests",
        f"/__specmock/ui/records/apigateway{GATEWAY_MODEL}",
        "/__specmock/ui/controls",
    ):
        driver.get(f"{fake.url}{page}")
        width = driver.execute_script("return document.documentElement.scrollWidth")
        inner = driver.execute_script("return window.innerWidth")
        assert width <= inner, page
    driver.set_window_size(1280, 900)


def _gateway_model(client: httpx.Client) -> Any:
    """The stored model as the API answers it (an empty PATCH changes nothing)."""
    return client.patch(GATEWAY_MODEL, json={}, headers=GATEWAY_AUTH).json()


def test_browser_a_record_edited_in_the_page_is_answered_by_the_api_then_reset(
    driver, fake, client
):
    from selenium.webdriver.common.by import By

    driver.set_window_size(1280, 900)
    driver.get(f"{fake.url}/__specmock/ui/records/apigateway")
    driver.find_element(By.LINK_TEXT, "output").click()
    area = _wait(driver, lambda d: d.find_element(By.ID, "record"))
    edited = area.get_attribute("value").replace('"Calc output"', "5")
    driver.execute_script("arguments[0].value = arguments[1]", area, edited)
    driver.find_element(By.XPATH, "//button[text()='Save']").click()
    error = _wait(driver, lambda d: d.find_element(By.ID, "record-errors"))
    assert error.text == "at /description: 5 is not of type 'string'"
    _screenshot(driver, "records")
    area = driver.find_element(By.ID, "record")
    fixed = area.get_attribute("value").replace('"description": 5', '"description": "Edited"')
    driver.execute_script("arguments[0].value = arguments[1]", area, fixed)
    driver.find_element(By.XPATH, "//button[text()='Save']").click()
    _wait(driver, lambda d: d.current_url.endswith("?done=saved"))
    assert _gateway_model(client)["description"] == "Edited"
    driver.get(f"{fake.url}/__specmock/ui/records/apigateway")
    driver.find_element(By.XPATH, "//button[text()='Reset apigateway to the seed data']").click()
    _wait(driver, lambda d: d.current_url.endswith("?done=reset"))
    assert _gateway_model(client)["description"] == "Calc output"


def test_browser_a_fault_turned_on_from_the_controls_page(driver, fake, client):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver.set_window_size(1280, 900)
    driver.get(f"{fake.url}/__specmock/ui/controls")
    Select(driver.find_element(By.NAME, "api")).select_by_visible_text("apigateway")
    Select(driver.find_element(By.NAME, "fault")).select_by_visible_text("503")
    driver.find_element(By.NAME, "delay").send_keys("100-300ms")
    driver.find_element(By.XPATH, "//button[text()='Apply']").click()
    _wait(driver, lambda d: "?done=1" in d.current_url)
    try:
        driver.set_window_size(1280, 1100)
        driver.execute_script("window.scrollTo(0, 0)")
        _screenshot(driver, "controls")
        answer = client.patch(GATEWAY_MODEL, json={}, headers=GATEWAY_AUTH)
        assert answer.status_code == 503
        entry = client.get("/__specmock/requests").json()["requests"][0]
        assert entry["injected"].endswith("fault=503")
    finally:
        client.put("/__specmock/controls", json={"controls": []})
        driver.set_window_size(1280, 900)


def test_browser_a_foreign_page_cannot_load_the_dashboard_or_its_stream(driver, fake, page_origin):
    from selenium.webdriver.common.by import By

    folder, origin = page_origin
    (folder / "page.html").write_text(FOREIGN_PAGE.format(url=fake.url))
    driver.get(f"{origin}/page.html")
    shown = _wait(driver, lambda d: (t := d.find_element(By.ID, "out").text) != "running" and t)
    assert shown.splitlines() == ["page: blocked", "stream: refused"]
