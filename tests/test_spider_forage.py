"""The Forage spider, crawled for real against fixture simulation pages on 127.0.0.1.

Pages are laid out as `simulations/<company>/<slug>/index.html`, so they are requested at the
same paths as on the real site (`/simulations/<company>/<slug>`).
"""

import pytest

from spiders.forage import ForageSpider

UNPAID = {
    "employment_type": "Simulation (unpaid)",
    "pay_text": "Unpaid (free simulation)",
    "remote": None,
    "location": None,
    "posted_at": None,
    "deadline": None,
}


@pytest.fixture
def site(serve_fixtures):
    return serve_fixtures("forage")


def test_simulation_page_exact(site, run_spider):
    page = f"{site.base_url}/simulations/lumen-grid/energy-data-analytics-k2p7"
    items = run_spider("forage", url=page)
    assert items == [
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
    assert not any("northfield" in path for path in site.requests)


def test_listing_follows_simulation_links_once_and_obeys_robots(site, run_spider):
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


def test_relative_urls_use_base_url(site, run_spider):
    items = run_spider(
        "forage",
        base_url=site.base_url,
        url="/simulations/lumen-grid/energy-data-analytics-k2p7,simulations/ashdown-law/contract-review-m3v5",
    )
    assert sorted(item["source_id"] for item in items) == [
        "ashdown-law/contract-review-m3v5",
        "lumen-grid/energy-data-analytics-k2p7",
    ]
    assert "/simulations/ashdown-law/contract-review-m3v5" in site.requests


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


def test_pages_without_content_are_counted_not_fatal(serve_fixtures, run_spider):
    routes = {
        "/simulations/blank-co/empty-page-x1y2": (200, "{}"),
        "/catalogue": (200, "<html><body><a href='/about'>About</a></body></html>"),
    }
    site = serve_fixtures("forage", routes=routes)
    items = run_spider(
        "forage",
        url=f"{site.base_url}/simulations/blank-co/empty-page-x1y2,{site.base_url}/catalogue",
    )
    assert items == []
    assert run_spider.stats["microintern/parse_errors"] == 2
