"""The Forage spider: fields parsed in process from fixture simulation pages, and one real crawl.

Pages are laid out as `simulations/<company>/<slug>/index.html`, so they are requested at the
same paths as on the real site (`/simulations/<company>/<slug>`).
"""

import pytest

from spiders.forage import ForageSpider
from tests.conftest import OFFLINE_BASE_URL, crawl_offline, fixture_response, offline_spider

UNPAID = {
    "employment_type": "Simulation (unpaid)",
    "pay_text": "Unpaid (free simulation)",
    "remote": None,
    "location": None,
    "posted_at": None,
    "deadline": None,
}


@pytest.mark.crawl
def test_forage_crawl(serve_fixtures, run_spider):
    """The one real crawl: a listing page's simulation links followed once, robots.txt obeyed."""
    site = serve_fixtures("forage")
    items = run_spider("forage", url=f"{site.base_url}/simulations")
    by_id = {item["source_id"]: item for item in items}
    assert sorted(by_id) == [
        "ashdown-law/contract-review-m3v5",
        "lumen-grid/energy-data-analytics-k2p7",
        "northfield-transit/route-planning-q8zd",
    ]
    for item in items:  # every item is marked as an unpaid simulation
        assert {k: item[k] for k in UNPAID} == UNPAID
        assert item["categories"] == ["simulation"]

    transit = by_id["northfield-transit/route-planning-q8zd"]
    assert transit["title"] == "Route Planning Job Simulation"
    assert transit["company"] == "Northfield Transit"  # the page names none: the URL segment
    assert transit["hours_text"] == "1-2 hours"  # stated in the description
    assert transit["url"] == f"{site.base_url}/simulations/northfield-transit/route-planning-q8zd"

    law = by_id["ashdown-law/contract-review-m3v5"]
    assert law["title"] == "Ashdown Law Contract Review Job Simulation"  # <title>, no site suffix
    assert law["company"] == "Ashdown Law"
    assert law["description"] == ""
    assert law["hours_text"] is None
    assert law["url"] == f"{site.base_url}/simulations/ashdown-law/contract-review-m3v5"

    assert site.requests.count("/simulations/lumen-grid/energy-data-analytics-k2p7") == 1
    assert not any("/completed" in path or "private-preview" in path for path in site.requests)
    assert "/robots.txt" in site.requests


def test_simulation_page_exact():
    page = f"{OFFLINE_BASE_URL}/simulations/lumen-grid/energy-data-analytics-k2p7"
    crawl = crawl_offline(offline_spider(ForageSpider, url=page))
    assert crawl.exported() == [
        {
            "source": "forage",
            "source_id": "lumen-grid/energy-data-analytics-k2p7",
            "url": page,
            "title": "Lumen Grid Energy Data Analytics Job Simulation",
            "company": "Lumen Grid Energy",
            "description": "A risk-free way to experience work on the job with us at Lumen Grid "
            "Energy. Practice your skills with example tasks and build your confidence to ace "
            "your applications.",
            "location": None,
            "remote": None,
            "employment_type": "Simulation (unpaid)",
            "posted_at": None,
            "deadline": None,
            "pay_text": "Unpaid (free simulation)",
            "hours_text": "3-4 hours",  # from the page text, not the script
            "categories": ["simulation"],
        }
    ]
    # A simulation page's own links are not followed.
    assert crawl.urls == [page]


def test_listing_yields_each_simulation_link_once():
    url = f"{OFFLINE_BASE_URL}/simulations"
    spider = offline_spider(ForageSpider, url=url)
    requests = list(spider.parse_listing(fixture_response("forage", url)))
    # In page order, each once; not /completed, a company page, another host or /about-us. The
    # private preview is left to robots.txt, which the real crawl obeys.
    assert [request.url for request in requests] == [
        f"{OFFLINE_BASE_URL}/simulations/lumen-grid/energy-data-analytics-k2p7",
        f"{OFFLINE_BASE_URL}/simulations/northfield-transit/route-planning-q8zd",
        f"{OFFLINE_BASE_URL}/simulations/ashdown-law/contract-review-m3v5",
        f"{OFFLINE_BASE_URL}/simulations/private-preview/unreleased-draft-z9z9",
    ]
    assert {request.callback for request in requests} == {spider.parse_simulation}


def test_relative_urls_use_base_url():
    spider = offline_spider(
        ForageSpider,
        base_url=OFFLINE_BASE_URL,
        url="/simulations/lumen-grid/energy-data-analytics-k2p7,simulations/ashdown-law/contract-review-m3v5",
    )
    crawl = crawl_offline(spider)
    assert sorted(item.source_id for item in crawl.items) == [
        "ashdown-law/contract-review-m3v5",
        "lumen-grid/energy-data-analytics-k2p7",
    ]
    assert crawl.urls == [
        f"{OFFLINE_BASE_URL}/simulations/lumen-grid/energy-data-analytics-k2p7",
        f"{OFFLINE_BASE_URL}/simulations/ashdown-law/contract-review-m3v5",
    ]


def test_default_base_url_and_required_url():
    spider = ForageSpider(url="/simulations,simulations/acme/strategy-a1b2")
    assert spider.start_pages == [
        "https://www.theforage.com/simulations",
        "https://www.theforage.com/simulations/acme/strategy-a1b2",
    ]
    with pytest.raises(ValueError, match="needs -a url="):
        ForageSpider()
    with pytest.raises(ValueError, match="not an http"):
        ForageSpider(url="ftp://example.com/simulations")


def test_pages_without_content_are_counted_not_fatal():
    routes = {
        "/simulations/blank-co/empty-page-x1y2": (200, "{}"),
        "/catalogue": (200, "<html><body><a href='/about'>About</a></body></html>"),
    }
    spider = offline_spider(
        ForageSpider,
        url=f"{OFFLINE_BASE_URL}/simulations/blank-co/empty-page-x1y2,{OFFLINE_BASE_URL}/catalogue",
    )
    assert crawl_offline(spider, routes).items == []
    assert spider.crawler.stats.get_value("microintern/parse_errors") == 2
