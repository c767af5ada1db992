"""The published site in a real browser: Debian's Chromium, driven by Playwright, against
`microintern serve` on 127.0.0.1 over a copy of the demo database.

Chromium comes from Debian (`apt-get install chromium`; `.ci/run` installs it). Without it the
test is skipped, except in CI (the CI variable set), where it fails."""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import copy_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Set to a folder (e.g. docs/) to also save the screenshots there.
SCREENSHOT_ENV = "MICROINTERN_SCREENSHOTS"
SERVE_LOGS: dict[str, Path] = {}  # base URL -> the serve command's log


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
    if os.environ.get("CI"):
        pytest.fail(message + " (required in CI)")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def site(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`microintern serve` (default host) on a free port; yields its base URL."""
    tmp_path = tmp_path_factory.mktemp("serve")
    db = copy_database(demo_db, tmp_path / "listings.db")
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    command = [sys.executable, "-m", "microintern", "serve", "--db", str(db), "--port", str(port)]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    SERVE_LOGS[base] = tmp_path / "serve.log"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/-/versions.json", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("Datasette did not start: " + (tmp_path / "serve.log").read_text())
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the serve command and its Datasette child
        server.wait(timeout=10)
        log.close()


def test_browse_search_facets_listing_and_csv(site: str, tmp_path: Path) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.set_default_timeout(15_000)

        def only_local(route) -> None:
            if route.request.url.startswith(site):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", only_local)

        # The database page leads to the open listings, and they to the listings table
        # filtered to open ones, which can be searched.
        page.goto(site + "/listings")
        page.click("a[href='/listings/open_listings']")
        page.wait_for_url("**/listings/open_listings")
        open_rows = page.locator("table.rows-and-columns tbody tr").count()
        assert open_rows > 0
        assert page.locator(".facet-info[data-column='hour_range']").count() == 1
        page.click("a[href^='/listings/listings?status__in=']")
        page.wait_for_url("**/listings/listings?status__in=*")
        assert page.locator("table.rows-and-columns tbody tr").count() == min(open_rows, 100)
        # Datasette lists the column descriptions first: show the search, facets and rows.
        page.locator("form.filters").evaluate("form => form.scrollIntoView()")
        screenshot = tmp_path / "listings.png"
        page.screenshot(path=str(screenshot))
        assert screenshot.stat().st_size > 10_000

        # Full-text search.
        page.fill("input#_search", "micro")
        page.press("input#_search", "Enter")
        page.wait_for_url("**_search=micro**")
        assert "status__in=" in page.url
        found = page.locator("table.rows-and-columns tbody tr").count()
        assert 0 < found < open_rows

        # An industry facet, then an hour-range facet.
        page.locator(".facet-info[data-column='industry'] li a").first.click()
        page.wait_for_url("**industry=**")
        industries = set(page.locator("td.col-industry").all_inner_texts())
        assert len(industries) == 1
        page.locator(".facet-info[data-column='hour_range'] li a").first.click()
        page.wait_for_url("**hour_range=**")
        hours = set(page.locator("td.col-hour_range").all_inner_texts())
        assert len(hours) == 1
        assert set(page.locator("td.col-industry").all_inner_texts()) == industries
        filtered_url = page.url
        shown = page.locator("table.rows-and-columns tbody tr").count()
        assert 0 < shown <= found

        # A listing's id leads to its page: its apply URL, its postings, its raw row.
        title = page.locator("td.col-title").first.inner_text()
        page.locator("td.col-title a").first.click()
        page.wait_for_url("**/listing/*")
        assert page.locator("h1").inner_text() == title
        assert page.locator("a.mi-apply").get_attribute("href").startswith("http")
        assert page.locator("ul.mi-postings li").count() >= 1
        page.click("text=The raw row")
        page.wait_for_url("**/listings/listings/*")
        assert page.locator("a[href*='/listings/postings?listing_id=']").count() == 1

        # The CSV link of the filtered table.
        page.goto(filtered_url)
        href = page.locator("a[href*='.csv']").first.get_attribute("href")
        response = page.goto(href if href.startswith("http") else site + href)
        assert response.status == 200
        records = list(csv.DictReader(io.StringIO(response.text())))
        assert len(records) == shown
        assert {r["industry"] for r in records} == industries
        assert {r["hour_range"] for r in records} == hours

        # The charts draw from the database.
        page.goto(site + "/-/dashboards/listings")
        page.wait_for_selector("#chart-by-hour-range canvas, #chart-by-hour-range svg")

        browser.close()
    assert outside == [], "the site loads nothing from outside 127.0.0.1"


def test_serve_binds_loopback_with_a_time_limit(site: str) -> None:
    """`microintern serve` without --host listens on 127.0.0.1 only, limits SQL time, and keeps
    the database mutable (crawls write it in place) while Datasette only reads it."""
    import json

    port = int(site.rsplit(":", 1)[1])
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == "0A":  # LISTEN
                listening.add(address)
    assert listening == {"0100007F"}  # 127.0.0.1, nothing else
    with urllib.request.urlopen(site + "/-/settings.json", timeout=5) as response:
        settings = json.load(response)
    assert 0 < settings["sql_time_limit_ms"] <= 5000
    with urllib.request.urlopen(site + "/-/databases.json", timeout=5) as response:
        databases = json.load(response)
    assert [db["is_mutable"] for db in databases] == [True]


def keep_screenshot(path: Path) -> None:
    assert path.stat().st_size > 10_000
    if os.environ.get(SCREENSHOT_ENV):
        shutil.copyfile(path, Path(os.environ[SCREENSHOT_ENV]) / path.name)


def micro_industry(demo_db: Path) -> str:
    """An industry with open micro-internships of at most 10 hours in the demo."""
    import sqlite3

    conn = sqlite3.connect(demo_db)
    try:
        return conn.execute(
            "select industry from listings where is_micro = 1 and hours_max <= 10 "
            "and status in ('open', 'reopened') group by industry order by count(*) desc"
        ).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("device", "width", "height"), [("desktop", 1400, 900), ("phone", 390, 844)]
)
def test_staff_find_open_a_listing_and_take_the_search_away(
    site: str, demo_db: Path, tmp_path: Path, device: str, width: int, height: int
) -> None:
    """From the home page: micro-internships of one industry of at most 10 hours in three
    actions, a listing's Apply link, and the search as CSV, Excel-safe CSV, .xlsx, Atom and
    iCalendar, read back. No horizontal scrolling, no console errors, no server errors."""
    require_chromium()
    import xml.etree.ElementTree as ET

    import ics
    import openpyxl
    from playwright.sync_api import sync_playwright

    industry = micro_industry(demo_db)
    log_before = SERVE_LOGS[site].read_text()
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(15_000)
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))

        page.goto(site + "/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.evaluate(
            "() => [...document.querySelectorAll('body *')].filter(e => "
            "e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0).map(e => e.tagName + e.className + e.scrollWidth + ' ' + e.clientWidth)"
        )
        first_card = page.locator("li.mi-card").first.bounding_box()
        assert first_card["y"] < 1.5 * height  # the form and a first result, at once
        page.screenshot(path=str(tmp_path / f"search-{device}.png"))
        keep_screenshot(tmp_path / f"search-{device}.png")

        # Three actions: each filter applies as it is chosen.
        with page.expect_navigation():
            page.select_option("select[name=industry]", industry)
        with page.expect_navigation():
            page.select_option("select[name=max_hours]", "10")
        with page.expect_navigation():
            page.check("input[name=is_micro]")
        for part in (f"industry={industry}", "max_hours=10", "is_micro=1"):
            assert part in page.url
        cards = page.locator("li.mi-card")
        assert cards.count() > 0
        assert all("Micro-internship" in text for text in cards.all_inner_texts())
        page.screenshot(path=str(tmp_path / f"results-{device}.png"))
        keep_screenshot(tmp_path / f"results-{device}.png")
        search_url = page.url
        downloads = {
            link.inner_text(): link.get_attribute("href")
            for link in page.locator(".mi-downloads a").all()
        }

        # A listing: title, Apply, hours, deadline and pay on the first screen.
        cards.first.locator("h2 a").click()
        page.wait_for_url("**/listing/*")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for selector in ("h1", "a.mi-apply", ".mi-hours", ".mi-deadline", ".mi-pay"):
            box = page.locator(selector).bounding_box()
            assert box["y"] + box["height"] <= height, selector
        assert page.locator("a.mi-apply").get_attribute("href").startswith("http")
        page.screenshot(path=str(tmp_path / f"listing-{device}.png"))
        keep_screenshot(tmp_path / f"listing-{device}.png")

        # The search taken away: files and feeds, read back.
        def fetch(label: str) -> bytes:
            response = page.request.get(site + downloads[label])
            assert response.status == 200, label
            return response.body()

        plain = list(csv.DictReader(io.StringIO(fetch("CSV").decode())))
        assert plain and all(row["industry"] == industry for row in plain)
        assert all(row["is_micro"] == "1" and float(row["hours_max"]) <= 10 for row in plain)
        safe = fetch("Excel-safe CSV")
        assert safe.startswith(b"\xef\xbb\xbf")  # a byte-order mark: Excel reads UTF-8
        assert len(list(csv.DictReader(io.StringIO(safe.decode("utf-8-sig"))))) == len(plain)
        sheet = openpyxl.load_workbook(io.BytesIO(fetch("Excel workbook"))).active
        assert len(list(sheet.values)) == len(plain) + 1
        feed = ET.fromstring(fetch("Atom feed"))
        assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == min(len(plain), 50)
        calendar = ics.Calendar(fetch("Deadlines calendar").decode())
        assert all(event.all_day for event in calendar.events)
        assert page.goto(search_url).status == 200
        browser.close()
    assert errors == []
    new_log = SERVE_LOGS[site].read_text()[len(log_before) :]
    assert "ERROR" not in new_log and "Traceback" not in new_log
