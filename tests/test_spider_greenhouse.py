"""The Greenhouse spider: fields parsed in process from fixture boards, and one real crawl."""

import html
import json

import pytest

from spiders.greenhouse import GreenhouseSpider
from tests.conftest import (
    FIXTURES,
    OFFLINE_BASE_URL,
    crawl_offline,
    json_response,
    offline_spider,
)

BOARDS = FIXTURES / "greenhouse" / "v1" / "boards"


@pytest.mark.crawl
def test_greenhouse_crawl(serve_fixtures, run_spider):
    """The one real crawl: robots.txt asked, the documented endpoint requested per board."""
    sites = serve_fixtures("greenhouse")
    items = run_spider("greenhouse", base_url=sites.base_url, board="fieldnotes,algolia")
    assert "/robots.txt" in sites.requests
    assert "/v1/boards/fieldnotes/jobs?content=true" in sites.requests
    assert "/v1/boards/algolia/jobs?content=true" in sites.requests
    by_id = {item["source_id"]: item for item in items}
    assert len(items) == 3

    assert by_id["4410932007"] == {
        "source": "greenhouse",
        "source_id": "4410932007",
        "url": "https://job-boards.greenhouse.io/fieldnotes/jobs/4410932007",
        "title": "Micro-Internship: Podcast Episode Research (10-15 hours)",
        "company": "Fieldnotes Media",
        "description": "<p>Research three guests for an upcoming podcast season &amp; write a "
        "one-page brief on each.</p><p>Estimated hours: 10-15. Paid $300.</p>",
        "location": "Remote",
        "remote": None,
        "employment_type": "Contract",
        "posted_at": "2026-11-03T09:00:00-05:00",
        "deadline": "2026-12-10",
        "pay_text": None,
        "hours_text": None,
        "categories": ["Editorial"],
    }

    # The real Algolia response: content is unescaped once, to the HTML it encodes.
    real = json.loads((BOARDS / "algolia" / "jobs.json").read_text())["jobs"][0]
    account_manager = by_id["6141481004"]
    assert account_manager["description"] == html.unescape(real["content"])
    assert account_manager["description"].startswith('<div class="content-intro"><p>At Algolia')
    assert account_manager["title"] == "Account Manager - Dutch speaking"
    assert account_manager["company"] == "Algolia"
    assert account_manager["location"] == "London, England"
    assert account_manager["employment_type"] is None
    assert account_manager["deadline"] is None
    assert account_manager["posted_at"] == "2026-08-18T09:26:35-04:00"
    assert account_manager["categories"] == ["Direct Sales"]


def test_greenhouse_malformed_board_is_counted_not_fatal():
    spider = offline_spider(GreenhouseSpider, board="broken,fieldnotes", base_url=OFFLINE_BASE_URL)
    crawl = crawl_offline(spider, routes={"/v1/boards/broken/jobs": (200, "{not json")})
    assert [item.source_id for item in crawl.items] == ["4410932007"]
    assert spider.crawler.stats.get_value("microintern/parse_errors") == 1


def parse_jobs(jobs):
    """The items for a board response holding `jobs`, parsed in process."""
    spider = offline_spider(GreenhouseSpider, board="algolia")
    url = "https://boards-api.greenhouse.io/v1/boards/algolia/jobs?content=true"
    return list(spider.parse(json_response(url, {"jobs": jobs, "meta": {"total": 1}}), "algolia"))


def real_job(**changes):
    """The real Algolia job, with `changes`."""
    return {**json.loads((BOARDS / "algolia" / "jobs.json").read_text())["jobs"][0], **changes}


def test_greenhouse_title_entities_are_decoded_once():
    [item] = parse_jobs([real_job(title="R&amp;D Analyst &amp;amp; Intern ")])
    assert item.title == "R&D Analyst &amp; Intern"


def test_greenhouse_content_escaped_twice_is_unescaped_twice():
    real = real_job()
    [item] = parse_jobs([real_job(content=html.escape(real["content"]))])
    assert item.description == html.unescape(real["content"])
    assert item.description.startswith('<div class="content-intro"><p>At Algolia')

    # Escaped once, as sent: an escaped tag the HTML shows as text stays escaped.
    content = html.escape("<p>Write the &lt;div&gt; markup of our pricing page.</p>")
    [item] = parse_jobs([real_job(content=content)])
    assert item.description == "<p>Write the &lt;div&gt; markup of our pricing page.</p>"


@pytest.mark.parametrize(
    "name", ["UNAVAILABLE", "N/A", "na", "TBD", "tba", "-", "None", "unknown", " Unknown "]
)
def test_greenhouse_placeholder_location_is_dropped(name):
    [item] = parse_jobs([real_job(location={"name": name})])
    assert item.location is None


def custom_field(name, value, value_type="single_select", field_id=4180401004):
    """One entry of a job's `metadata`, as the Job Board API sends custom fields."""
    return {"id": field_id, "name": name, "value": value, "value_type": value_type}


@pytest.mark.parametrize(
    "name",
    [
        "Contract Type",
        "contract type",
        "Employment Type",
        "Type of contract",
        "Job Type",
        "Position Type",
        "Work Type",
        "CONTRACT",
        "Employment_Type",
    ],
)
def test_greenhouse_employment_type_from_a_custom_field(name):
    metadata = [
        custom_field("Cost Center", "EMEA Sales", field_id=4180402004),
        custom_field(name, "Fixed Term Contract"),
    ]
    [item] = parse_jobs([real_job(metadata=metadata)])
    assert item.employment_type == "Fixed Term Contract"


def test_greenhouse_employment_type_skips_empty_and_other_fields():
    metadata = [
        custom_field("Contract Length", "6 months"),
        custom_field("Employment Type", None),
        custom_field("Contract", True, "yes_no"),
        custom_field("Job Type", ["Internship", "Part-time"], "multi_select"),
    ]
    [item] = parse_jobs([real_job(metadata=metadata)])
    assert item.employment_type == "Internship, Part-time"
    [item] = parse_jobs([real_job(metadata=metadata[:3])])
    assert item.employment_type is None
