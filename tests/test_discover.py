"""Finding job boards on careers pages: detection on fixture pages, and real fetches."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipeline.collect import discover as discover_module
from pipeline.collect.discover import (
    DiscoveryError,
    board_from_url,
    detect_sources,
    discover,
    fetch_page,
    readable,
)
from pipeline.collect.sources import format_source, parse_source
from spiders.settings import USER_AGENT

PAGES = Path(__file__).parent / "fixtures" / "discover"
PAGE_URL = "https://www.example.com/careers/"

EXPECTED = {
    "greenhouse-iframe.html": [
        {"name": "Acme Robotics", "spider": "greenhouse", "board": "acmerobotics"},
    ],
    "greenhouse-js.html": [
        {"name": "Field Notes", "spider": "greenhouse", "board": "fieldnotes"},
    ],
    "greenhouse-link.html": [
        {"name": "Northwind", "spider": "greenhouse", "board": "northwind"},
        {"name": "Northwind Europe", "spider": "greenhouse", "board": "northwind-europe"},
    ],
    "lever.html": [
        {"name": "Quillon", "spider": "lever", "board": "quillon"},
    ],
    "lever-eu.html": [
        {
            "name": "Bluefin Energy",
            "spider": "lever",
            "board": "bluefin-energy",
            "base_url": "https://api.eu.lever.co",
        },
    ],
    "ashby.html": [
        {"name": "Kestrel", "spider": "ashby", "board": "kestrel"},
    ],
    "smartrecruiters.html": [
        {"name": "Tessellate Health", "spider": "smartrecruiters", "board": "TessellateHealth"},
    ],
    "workable.html": [
        {"name": "Orbital Labs", "spider": "workable", "board": "orbital-labs"},
        {"name": "Driftwood", "spider": "workable", "board": "driftwood"},
    ],
    "recruitee.html": [
        {"name": "Lumen", "spider": "recruitee", "board": "lumen"},
    ],
    "jsonld.html": [
        {"name": "Harbor Health", "spider": "jsonld", "url": PAGE_URL + "jsonld.html"},
    ],
    "several.html": [
        {"name": "Pelican", "spider": "greenhouse", "board": "pelican"},
        {"name": "Pelican", "spider": "lever", "board": "pelican"},
        {"name": "Pelican Research", "spider": "ashby", "board": "pelican-research"},
        {"name": "Pelican", "spider": "jsonld", "url": PAGE_URL + "several.html"},
    ],
    "none.html": [],
}


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_detect_sources_on_fixture_pages(page):
    html = (PAGES / page).read_text(encoding="utf-8")
    entries = detect_sources(html, PAGE_URL + page)
    assert entries == EXPECTED[page]
    for entry in entries:  # every entry is a valid sources-file entry
        assert parse_source(entry).spider == entry["spider"]


def test_every_fixture_page_has_a_case():
    pages = {p.name for p in PAGES.glob("*.html")}
    assert pages == set(EXPECTED)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://boards.greenhouse.io/embed/job_board/js?for=acme", ("greenhouse", "acme", None)),
        (
            "https://boards.greenhouse.io/embed/job_app?for=acme&token=4012345",
            ("greenhouse", "acme", None),
        ),
        (
            "https://job-boards.eu.greenhouse.io/embed/job_board?for=acme",
            ("greenhouse", "acme", None),
        ),
        (
            "https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true",
            ("greenhouse", "acme", None),
        ),
        ("https://boards.greenhouse.io/acme/jobs/4012345", ("greenhouse", "acme", None)),
        (
            "https://jobs.lever.co/acme/0f3a6c1e-5b2d-4e8f-9a7b-1c2d3e4f5a6b/apply",
            ("lever", "acme", None),
        ),
        ("https://api.lever.co/v0/postings/acme?mode=json", ("lever", "acme", None)),
        ("https://api.eu.lever.co/v0/postings/acme", ("lever", "acme", "https://api.eu.lever.co")),
        ("https://jobs.ashbyhq.com/acme/embed?version=2", ("ashby", "acme", None)),
        ("https://api.ashbyhq.com/posting-api/job-board/acme", ("ashby", "acme", None)),
        (
            "https://api.smartrecruiters.com/v1/companies/Acme/postings",
            ("smartrecruiters", "Acme", None),
        ),
        ("https://apply.workable.com/api/v3/accounts/acme/jobs", ("workable", "acme", None)),
        ("https://acme.workable.com/", ("workable", "acme", None)),
        ("http://acme.recruitee.com/o/intern", ("recruitee", "acme", None)),
        ("HTTPS://JOBS.LEVER.CO/acme", ("lever", "acme", None)),
    ],
)
def test_board_from_url(url, expected):
    assert board_from_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://boards.greenhouse.io/",
        "https://boards.greenhouse.io/embed/job_board/js?for=",
        "https://boards.greenhouse.io/embed/job_board",
        "https://boards-api.greenhouse.io/v1/boards/",
        "https://jobs.lever.co/${site}",
        "https://api.lever.co/v1/postings/acme",
        "https://jobs.ashbyhq.com/api/non-user-graphql",
        "https://apply.workable.com/j/4F2A9C1B7E",
        "https://www.workable.com/",
        "https://www.recruitee.com/",
        "https://a.b.recruitee.com/",
        "https://jobs.lever.co.evil.example/acme",
        "https://example.com/jobs.lever.co/acme",
        "ftp://jobs.lever.co/acme",
    ],
)
def test_board_from_url_rejects_non_boards(url):
    assert board_from_url(url) is None


def test_the_page_url_itself_can_be_a_board():
    assert detect_sources(
        "<html><body><p>Jobs</p></body></html>", "https://jobs.lever.co/acme"
    ) == [{"name": "Acme", "spider": "lever", "board": "acme"}]


def test_relative_links_resolve_against_the_page():
    html = '<a href="/quillon/0f3a6c1e">Transcript QA</a><a href="//jobs.ashbyhq.com/kestrel">Ashby</a>'
    assert detect_sources(html, "https://jobs.lever.co/") == [
        {"name": "Quillon", "spider": "lever", "board": "quillon"},
        {"name": "Kestrel", "spider": "ashby", "board": "kestrel"},
    ]


def test_duplicates_differing_in_case_are_one_source():
    html = (
        '<a href="https://jobs.lever.co/Acme">x</a><a href="https://jobs.lever.co/acme/apply">y</a>'
    )
    assert detect_sources(html, PAGE_URL) == [{"name": "Acme", "spider": "lever", "board": "Acme"}]


@pytest.mark.parametrize("html", ["", "   ", "<?xml version='1.0' encoding='utf-8'?><p/>", "\x00"])
def test_empty_or_odd_documents(html):
    assert detect_sources(html, PAGE_URL) == []


def test_readable_names():
    assert readable("acme-robotics") == "Acme Robotics"
    assert readable("north_wind") == "North Wind"
    assert readable("BoschGroup") == "BoschGroup"


def test_jsonld_entry_falls_back_to_the_host_for_a_name():
    html = '<script type="application/ld+json">{"@type": "JobPosting", "title": "Intern"}</script>'
    assert detect_sources(html, "https://www.harbor.example/jobs/1#apply") == [
        {"name": "harbor.example", "spider": "jsonld", "url": "https://www.harbor.example/jobs/1"}
    ]


def test_entries_render_as_sources_blocks():
    block = format_source(EXPECTED["lever-eu.html"][0])
    assert block == (
        '[[sources]]\nname = "Bluefin Energy"\nspider = "lever"\nboard = "bluefin-energy"\n'
        'base_url = "https://api.eu.lever.co"\n'
    )


# --- real fetches against the fixture server ------------------------------------------------


def test_discover_fetches_and_detects(serve_fixtures):
    sites = serve_fixtures("discover")
    assert (
        discover(f"{sites.base_url}/greenhouse-iframe.html") == EXPECTED["greenhouse-iframe.html"]
    )
    assert discover(f"{sites.base_url}/jsonld.html") == [
        {"name": "Harbor Health", "spider": "jsonld", "url": f"{sites.base_url}/jsonld.html"}
    ]
    assert discover(f"{sites.base_url}/none.html") == []
    assert sites.requests.count("/robots.txt") == 3  # read once per fetch, before the page


def test_fetch_page_returns_the_final_url_and_text(serve_fixtures):
    sites = serve_fixtures("discover")
    final_url, text = fetch_page(f"{sites.base_url}/several.html")
    assert final_url == f"{sites.base_url}/several.html"
    assert "Careers — Pelican" in text


def test_robots_txt_disallow_is_refused(serve_fixtures):
    sites = serve_fixtures("discover")
    with pytest.raises(DiscoveryError, match=r"robots\.txt disallows"):
        discover(f"{sites.base_url}/internal/careers.html")
    assert sites.requests == ["/robots.txt"]


def test_unreadable_robots_txt_means_disallowed(serve_fixtures):
    sites = serve_fixtures("discover", routes={"/robots.txt": (503, "")})
    with pytest.raises(DiscoveryError, match=r"HTTP 503; the site is treated as disallowed"):
        discover(f"{sites.base_url}/lever.html")
    assert "/lever.html" not in sites.requests


def test_missing_robots_txt_allows_everything(serve_fixtures):
    fixtures = Path(__file__).parent / "fixtures"
    assert not (fixtures / "greenhouse" / "robots.txt").exists()
    sites = serve_fixtures("greenhouse")
    with pytest.raises(DiscoveryError, match="not an HTML page"):  # allowed, then refused as JSON
        fetch_page(f"{sites.base_url}/v1/boards/algolia/jobs")


def test_http_404(serve_fixtures):
    sites = serve_fixtures("discover")
    with pytest.raises(DiscoveryError, match=r"/missing\.html answered HTTP 404"):
        discover(f"{sites.base_url}/missing.html")


def test_http_500(serve_fixtures):
    sites = serve_fixtures("discover", routes={"/careers": (500, "{}")})
    with pytest.raises(DiscoveryError, match=r"/careers answered HTTP 500"):
        discover(f"{sites.base_url}/careers")


def test_non_html_response_is_refused(serve_fixtures):
    sites = serve_fixtures("discover", routes={"/careers.json": (200, '{"jobs": []}')})
    with pytest.raises(DiscoveryError, match=r"is application/json, not an HTML page"):
        discover(f"{sites.base_url}/careers.json")


def test_timeout(serve_fixtures):
    def slow() -> tuple[int, str]:
        time.sleep(1.5)
        return 200, "<html></html>"

    sites = serve_fixtures("discover", routes={"/slow": slow})
    started = time.monotonic()
    with pytest.raises(DiscoveryError, match=r"no answer within 0\.3 s"):
        fetch_page(f"{sites.base_url}/slow", timeout=0.3)
    assert time.monotonic() - started < 1.4


def test_size_cap(serve_fixtures, monkeypatch):
    monkeypatch.setattr(discover_module, "MAX_PAGE_BYTES", 200)
    sites = serve_fixtures("discover")
    with pytest.raises(DiscoveryError, match="larger than 200 bytes"):
        fetch_page(f"{sites.base_url}/several.html")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "data:text/html,<p>", "careers.example.com"])
def test_only_http_urls(url):
    with pytest.raises(DiscoveryError, match="not an http"):
        fetch_page(url)


def test_connection_refused():
    with pytest.raises(DiscoveryError, match="could not read http://127.0.0.1:9/robots.txt"):
        fetch_page("http://127.0.0.1:9/careers", timeout=2)


@pytest.fixture
def redirector(serve_fixtures) -> Iterator[tuple[str, str, list[str]]]:
    """A second site whose paths redirect to the same path on the fixture site."""
    target = serve_fixtures("discover").base_url
    agents: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            agents.append(self.headers.get("User-Agent", ""))
            if self.path == "/robots.txt":
                self.send_response(404)
                self.send_header("Content-Length", "0")
            else:
                self.send_response(302)
                self.send_header("Location", target + self.path.removeprefix("/old"))
                self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", target, agents
    server.shutdown()
    server.server_close()


def test_redirects_are_followed_with_our_user_agent(redirector):
    origin, target, agents = redirector
    final_url, _ = fetch_page(f"{origin}/old/lever.html")
    assert final_url == f"{target}/lever.html"
    assert discover(f"{origin}/old/lever-eu.html") == EXPECTED["lever-eu.html"]
    assert agents and all(agent == USER_AGENT for agent in agents)


def test_a_redirect_into_a_disallowed_path_is_refused(redirector):
    origin, target, _ = redirector
    with pytest.raises(DiscoveryError, match=rf"{target}/robots\.txt disallows"):
        discover(f"{origin}/old/internal/careers.html")
