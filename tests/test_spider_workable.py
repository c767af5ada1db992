"""The Workable spider: fields parsed in process from a fixture account, and one real crawl."""

import html
import json

import pytest

from spiders.workable import WorkableSpider
from tests.conftest import (
    FIXTURES,
    OFFLINE_BASE_URL,
    crawl_offline,
    json_response,
    offline_spider,
)

ACCOUNT = FIXTURES / "workable" / "api" / "v1" / "widget" / "accounts" / "fernwood-studio.json"


@pytest.mark.crawl
def test_workable_crawl(serve_fixtures, run_spider):
    """The one real crawl: robots.txt asked, the widget endpoint requested."""
    sites = serve_fixtures("workable")
    items = run_spider("workable", base_url=sites.base_url, board="fernwood-studio")
    assert "/api/v1/widget/accounts/fernwood-studio?details=true" in sites.requests
    assert "/robots.txt" in sites.requests
    assert run_spider.stats.get("microintern/parse_errors", 0) == 0
    by_id = {item["source_id"]: item for item in items}
    assert sorted(by_id) == ["7C1E9A4F20", "B48D03E6A1", "E20F5B7C94"]

    assert by_id["7C1E9A4F20"] == {
        "source": "workable",
        "source_id": "7C1E9A4F20",
        "url": "https://apply.workable.com/j/7C1E9A4F20",
        "title": "Micro-internship: Podcast Show Notes Writer",
        "company": "Fernwood Studio",
        "description": "<p>Write show notes and episode summaries for six episodes of our history "
        "podcast.</p><p><strong>Time:</strong> 10-15 hours in total, on your own schedule.</p>"
        "<p><strong>Pay:</strong> $350 for the project.</p>",
        "location": "United States",
        "remote": True,
        "employment_type": "Contract",
        "posted_at": "2026-11-05",
        "deadline": None,
        "pay_text": None,
        "hours_text": None,
        "categories": ["Editorial", "Writing/Editing", "Online Media"],
    }

    calendar = by_id["B48D03E6A1"]
    real = json.loads(ACCOUNT.read_text())["jobs"][1]
    assert calendar["description"] == real["description"]
    assert calendar["title"] == "Short-Term Project: Instagram Content Calendar"
    assert calendar["location"] == "Portland, Oregon, United States"
    assert calendar["remote"] is False
    assert calendar["employment_type"] == "Part-time"
    assert calendar["categories"] == ["Marketing", "Marketing and Advertising"]

    # A null department and empty function and industry give no categories.
    coordinator = by_id["E20F5B7C94"]
    assert coordinator["employment_type"] == "Full-time"
    assert coordinator["categories"] == []
    assert coordinator["posted_at"] == "2026-10-30"
    assert coordinator["company"] == "Fernwood Studio"


def test_workable_unexpected_shapes_are_counted_not_fatal():
    odd = {
        "name": "",
        "jobs": [
            "not a job",
            {"title": "No shortcode", "url": "https://apply.workable.com/j/X"},
            {
                "title": "Bare job",
                "shortcode": "0A1B2C3D4E",
                "url": "https://apply.workable.com/j/0A1B2C3D4E",
                "telecommuting": "yes",
                "department": ["Research", "Research"],
                "locations": "Remote",
            },
        ],
    }
    routes = {
        "/api/v1/widget/accounts/odd-shapes": (200, json.dumps(odd)),
        "/api/v1/widget/accounts/no-jobs": (200, '{"name": "No Jobs Ltd", "jobs": {}}'),
    }
    spider = offline_spider(
        WorkableSpider, base_url=OFFLINE_BASE_URL, board="odd-shapes,no-jobs,fernwood-studio"
    )
    items = crawl_offline(spider, routes).exported()
    by_id = {item["source_id"]: item for item in items}
    assert sorted(by_id) == ["0A1B2C3D4E", "7C1E9A4F20", "B48D03E6A1", "E20F5B7C94"]
    assert by_id["0A1B2C3D4E"] == {
        "source": "workable",
        "source_id": "0A1B2C3D4E",
        "url": "https://apply.workable.com/j/0A1B2C3D4E",
        "title": "Bare job",
        "company": "odd-shapes",  # no account name: the slug
        "description": "",
        "location": None,
        "remote": None,  # only a real boolean counts
        "employment_type": None,
        "posted_at": None,
        "deadline": None,
        "pay_text": None,
        "hours_text": None,
        "categories": ["Research"],
    }
    assert spider.crawler.stats.get_value("microintern/parse_errors") == 3


def test_workable_urls_and_arguments():
    spider = WorkableSpider(board="fernwood-studio")
    assert spider.board_url("fernwood-studio") == (
        "https://apply.workable.com/api/v1/widget/accounts/fernwood-studio?details=true"
    )
    mirror = WorkableSpider(board="a, b", base_url="http://127.0.0.1:8765/")
    assert mirror.boards == ["a", "b"]
    assert mirror.board_url("b") == "http://127.0.0.1:8765/api/v1/widget/accounts/b?details=true"


def parse_account(jobs):
    """The items for the real-shaped account response holding `jobs`, parsed in process."""
    account = json.loads(ACCOUNT.read_text())
    spider = offline_spider(WorkableSpider, board="fernwood-studio")
    url = "https://apply.workable.com/api/v1/widget/accounts/fernwood-studio?details=true"
    response = json_response(url, {**account, "jobs": jobs})
    return list(spider.parse(response, board="fernwood-studio"))


def real_job(number=0, **changes):
    return {**json.loads(ACCOUNT.read_text())["jobs"][number], **changes}


def test_workable_title_entities_and_description_escaped_twice_are_decoded():
    real = real_job()
    escaped = real_job(
        title="Podcast Show Notes &amp; Summaries Writer",
        description=html.escape(real["description"]),
    )
    [item] = parse_account([escaped])
    assert item.title == "Podcast Show Notes & Summaries Writer"
    assert item.description == real["description"]


def test_workable_placeholder_location_parts_are_dropped():
    located = real_job(shortcode="A1", city="TBD", state="-", country="United States")
    hidden = {"country": "N/A", "countryCode": "", "city": "Unknown", "region": "", "hidden": False}
    unknown = real_job(shortcode="A2", city="", state="", country="N/A", locations=[hidden])
    items = parse_account([located, unknown])
    assert [item.location for item in items] == ["United States", None]
