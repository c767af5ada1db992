"""The Recruitee spider: fields parsed in process from fixture career sites, and one real crawl.

The fixture responses are saved without an extension (`<board>/api/offers`): the spider requests
`/<board>/api/offers/` and the fixture server answers a path with a trailing slash from the file
of the same name, served as JSON.
"""

import html
import json

import pytest

from pipeline.tagging.hours import total_hours
from spiders.recruitee import RecruiteeSpider
from tests.conftest import (
    FIXTURES,
    OFFLINE_BASE_URL,
    crawl_offline,
    json_response,
    offline_spider,
)

OFFERS = FIXTURES / "recruitee"


@pytest.mark.crawl
def test_recruitee_crawl(serve_fixtures, run_spider):
    """The one real crawl: robots.txt asked, the documented path requested per career site."""
    sites = serve_fixtures("recruitee")
    items = run_spider("recruitee", base_url=sites.base_url, board="tidewater,quietharbor")
    assert "/robots.txt" in sites.requests
    assert "/tidewater/api/offers/" in sites.requests
    assert "/quietharbor/api/offers/" in sites.requests
    by_id = {item["source_id"]: item for item in items}
    assert len(items) == 3  # quietharbor publishes no offers

    assert by_id["2841107"] == {
        "source": "recruitee",
        "source_id": "2841107",
        "url": "https://tidewater.recruitee.com/o/coastal-survey-data-cleanup",
        "title": "Micro-Internship: Coastal Survey Data Cleanup",
        "company": "Tidewater Field Lab",
        "description": "<p>Clean and merge three seasons of volunteer shoreline survey sheets into "
        "one dataset &amp; write a short summary of the gaps you find.</p>\n"
        "<ul><li>Comfortable with spreadsheets</li><li>Available for 3 weeks</li></ul>",
        "location": "Remote job",
        "remote": True,
        "employment_type": "parttime_fixed_term",
        "posted_at": "2026-11-18T14:05:12Z",
        "deadline": "2026-12-12T23:59:00Z",
        "pay_text": "USD 18-22 per hour",
        "hours_text": "10-15 hours per week",
        "categories": ["Research", "research", "micro-internship", "data"],
    }

    # A regular full-time job: weekly hours from the *_per_week fields, a yearly salary.
    technician = by_id["2841240"]
    assert technician["title"] == "Field Technician"
    assert technician["employment_type"] == "fulltime_permanent"
    assert technician["hours_text"] == "40 hours per week"
    assert technician["pay_text"] == "USD 52000-60000 per year"
    assert technician["remote"] is False  # flagged on_site
    assert technician["location"] == "Astoria, Oregon, United States"
    assert technician["deadline"] is None
    assert technician["categories"] == ["Operations", "engineering"]

    # Hybrid, no published salary, text only under `translations`, an upper bound of hours only.
    maps = by_id["2841388"]
    assert maps["remote"] is False
    assert maps["pay_text"] is None
    assert maps["hours_text"] == "up to 8 hours per week"
    assert maps["description"] == (
        "<p>Draw four simple maps of estuary habitats for our school outreach kit.</p>\n"
        "<p>Send two or three samples of illustration work.</p>"
    )
    assert maps["employment_type"] == "freelance"
    assert maps["categories"] == ["design", "illustration"]


def recruitee_crawl(routes=None, **arguments):
    """A crawl of the fixture career sites in process, and its spider."""
    spider = offline_spider(RecruiteeSpider, **{"base_url": OFFLINE_BASE_URL, **arguments})
    return crawl_offline(spider, routes), spider


def test_weekly_hours_stay_weekly():
    items = recruitee_crawl(board="tidewater")[0].exported()
    assert sorted(item["hours_text"] for item in items) == [
        "10-15 hours per week",
        "40 hours per week",
        "up to 8 hours per week",
    ]
    # Stated per week, so the pipeline reads no total effort from them.
    assert all(total_hours([item["hours_text"]]) is None for item in items)


def test_base_url_is_honoured_and_the_documented_path_requested():
    crawl, _ = recruitee_crawl(board="tidewater")
    assert crawl.urls == [f"{OFFLINE_BASE_URL}/tidewater/api/offers/"]

    # A base URL with a {board} placeholder is filled in, as the default host template is.
    crawl, _ = recruitee_crawl(base_url=f"{OFFLINE_BASE_URL}/{{board}}", board="tidewater")
    assert crawl.urls == [f"{OFFLINE_BASE_URL}/tidewater/api/offers/"]
    assert len(crawl.items) == 3


def test_board_url_default_host_template():
    spider = RecruiteeSpider(board="tidewater")
    assert spider.board_url("tidewater") == "https://tidewater.recruitee.com/api/offers/"
    mirror = RecruiteeSpider(board="tidewater", base_url="http://127.0.0.1:8765/")
    assert mirror.board_url("tidewater") == "http://127.0.0.1:8765/tidewater/api/offers/"


@pytest.mark.parametrize("board", ["evil.example/x", "a b", "-lead", "x?y"])
def test_board_token_must_be_a_host_label(board):
    with pytest.raises(ValueError, match="not a valid company token"):
        RecruiteeSpider(board=board)


def test_unexpected_shapes_are_counted_not_fatal():
    good = {
        "id": 7,
        "title": "Inventory Count Assistant",
        "company_name": "Odd Shape Co",
        "salary": {"min": None, "max": "25", "currency": "eur", "period": "hour"},
        "min_hours": None,
        "max_hours": None,
        "max_hours_per_week": "12.5",
        "published_at": "2026-11-20T10:00:00+01:00",
    }
    routes = {
        "/listshape/api/offers/": (200, json.dumps({"offers": {"id": 1}})),
        "/mixed/api/offers/": (200, json.dumps({"offers": [{"id": 8}, "text", good]})),
    }
    crawl, spider = recruitee_crawl(routes, board="listshape,mixed")
    items = crawl.exported()
    assert [(i["source_id"], i["title"], i["company"]) for i in items] == [
        ("7", "Inventory Count Assistant", "Odd Shape Co")
    ]
    assert items[0]["url"] == ""
    assert items[0]["pay_text"] == "up to EUR 25 per hour"
    assert items[0]["hours_text"] == "up to 12.5 hours per week"
    assert items[0]["posted_at"] == "2026-11-20T10:00:00+01:00"  # already ISO 8601: kept
    assert spider.crawler.stats.get_value("microintern/parse_errors") == 3


def parse_offers(offers):
    """The items for a career site's response holding `offers`, parsed in process."""
    spider = offline_spider(RecruiteeSpider, board="tidewater")
    url = "https://tidewater.recruitee.com/api/offers/"
    return list(spider.parse(json_response(url, {"offers": offers}), board="tidewater"))


def real_offer(number=0, **changes):
    return {
        **json.loads((OFFERS / "tidewater" / "api" / "offers").read_text())["offers"][number],
        **changes,
    }


def test_title_entities_and_description_escaped_twice_are_decoded():
    real = real_offer()
    escaped = real_offer(
        title="Coastal Survey Data Cleanup &amp; Summary",
        description=html.escape(real["description"]),
        requirements=html.escape(real["requirements"]),
    )
    [item] = parse_offers([escaped])
    assert item.title == "Coastal Survey Data Cleanup & Summary"
    assert item.description == f"{real['description']}\n{real['requirements']}"


def test_placeholder_locations_are_dropped():
    offers = [
        real_offer(id=1, location="UNAVAILABLE", city="Astoria", country="United States"),
        real_offer(id=2, location="N/A", city="tbd", country="None"),
    ]
    assert [item.location for item in parse_offers(offers)] == ["Astoria, United States", None]
