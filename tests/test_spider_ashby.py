"""The Ashby spider: fields parsed in process from fixture job boards, and one real crawl."""

import html
import json

import pytest

from spiders.ashby import AshbySpider
from tests.conftest import (
    FIXTURES,
    OFFLINE_BASE_URL,
    crawl_offline,
    json_response,
    offline_spider,
)

BOARDS = FIXTURES / "ashby" / "posting-api" / "job-board"


@pytest.mark.crawl
def test_ashby_crawl(serve_fixtures, run_spider):
    """The one real crawl: robots.txt asked, the documented endpoint requested per board."""
    sites = serve_fixtures("ashby")
    items = run_spider("ashby", base_url=sites.base_url, board="kestrel,italic,SecondDinner")
    assert "/robots.txt" in sites.requests
    for board in ("kestrel", "italic", "SecondDinner"):
        assert f"/posting-api/job-board/{board}?includeCompensation=true" in sites.requests
    by_id = {item["source_id"]: item for item in items}
    assert len(items) == len(by_id) == 6  # 1 + 4 + 1: kestrel's unlisted job is skipped
    assert run_spider.stats["microintern/unlisted_skipped"] == 1
    assert "microintern/parse_errors" not in run_spider.stats

    assert by_id["ea3d9d20-48ec-4042-9e19-cfdf06744ffa"] == {
        "source": "ashby",
        "source_id": "ea3d9d20-48ec-4042-9e19-cfdf06744ffa",
        "url": "https://jobs.ashbyhq.com/kestrel/ea3d9d20-48ec-4042-9e19-cfdf06744ffa",
        "title": "Micro-Project: Competitor Pricing Research",
        "company": "kestrel",
        "description": '<p style="min-height:1.5em">Kestrel Robotics builds inspection drones for '
        'wind farms.</p><p style="min-height:1.5em">Compare the list prices of five competitors '
        "and build a one-page summary for our pricing review. The project takes <strong>10-15 "
        "hours</strong> over two weeks.</p>",
        "location": "Remote (US)",
        "remote": True,
        "employment_type": "PartTime",
        "posted_at": "2026-11-05T17:20:11.482+00:00",
        "deadline": None,
        "pay_text": "$24.00 – $28.00 per hour",
        "hours_text": None,
        "categories": ["Finance", "FP&A"],
    }
    assert not any("Flight Test Technician" in item["title"] for item in items)

    # Real jobs: descriptionHtml as given, isRemote true/false/null kept as given.
    real = {job["id"]: job for job in json.loads((BOARDS / "italic.json").read_text())["jobs"]}
    paid_search = by_id["776623ff-ff4b-4194-9d9a-485d9daeece2"]
    assert paid_search["description"] == real[paid_search["source_id"]]["descriptionHtml"]
    assert paid_search["title"] == "Paid Search Manager"
    assert paid_search["company"] == "italic"
    assert paid_search["location"] == "Manila; Vietnam"  # location, then secondaryLocations
    assert paid_search["remote"] is True
    assert paid_search["employment_type"] == "PartTime"
    assert paid_search["pay_text"] is None  # compensation not shown on the posting
    assert paid_search["categories"] == ["Marketing"]  # department and team are the same

    engineer_intern = by_id["7c396849-14ec-49c5-99d6-b96612778474"]
    assert engineer_intern["remote"] is False
    assert engineer_intern["employment_type"] == "Contract"
    assert engineer_intern["location"] == "New York City"

    engineer = by_id["19311638-ab95-44c7-a6a0-785d281fe480"]
    assert engineer["remote"] is None
    assert engineer["location"] == "Shenzhen; New York City; Shanghai; Guangzhou"
    assert engineer["posted_at"] == "2025-06-06T21:45:51.649+00:00"

    assistant = by_id["dd15c8b5-b43b-42f5-88e9-6fc11a5973cb"]
    assert assistant["pay_text"] == "CN¥7K – CN¥7.5K per month"
    assert assistant["url"] == (
        "https://jobs.ashbyhq.com/italic/dd15c8b5-b43b-42f5-88e9-6fc11a5973cb"
    )

    intern = by_id["15d9eea6-8ab6-486d-84ac-9de05be54901"]
    assert intern["title"] == "[2026] Product Manager Intern, Unannounced Super Fun Video Game"
    assert intern["company"] == "SecondDinner"
    assert intern["employment_type"] == "Intern"
    assert intern["pay_text"] == "$45.00 – $50.00 per hour"
    assert intern["location"] == "Second Dinner (US Remote)"
    assert intern["categories"] == ["2026 Internships"]


def test_ashby_requests_the_documented_endpoint_and_company_argument():
    spider = offline_spider(
        AshbySpider, base_url=OFFLINE_BASE_URL + "/", board="italic,SecondDinner", company="Italic"
    )
    crawl = crawl_offline(spider)
    assert len(crawl.items) == 5
    assert {item.company for item in crawl.items} == {"Italic"}  # applied to every board
    assert crawl.paths == [
        "/posting-api/job-board/italic?includeCompensation=true",
        "/posting-api/job-board/SecondDinner?includeCompensation=true",
    ]

    assert AshbySpider(board="acme").board_url("acme") == (
        "https://api.ashbyhq.com/posting-api/job-board/acme?includeCompensation=true"
    )


def test_ashby_empty_board_and_unexpected_shapes(caplog):
    mixed = {
        "apiVersion": "1",
        "jobs": [
            "not a job",
            {"id": "no-url", "title": "Data Entry Project", "isListed": True},
            {
                "id": "odd-1",
                "title": "Logo Refresh Project",
                "jobUrl": "https://jobs.ashbyhq.com/mixed/odd-1",
                "isListed": True,
                "isRemote": "yes",
                "location": ["Remote"],
                "secondaryLocations": "Paris",
                "department": 7,
                "compensation": [],
                "descriptionHtml": None,
                "descriptionPlain": "About 12 hours of logo work.",
            },
        ],
    }
    routes = {
        "/posting-api/job-board/empty": (200, json.dumps({"apiVersion": "1", "jobs": []})),
        "/posting-api/job-board/listonly": (200, json.dumps([{"id": "1"}])),
        "/posting-api/job-board/null": (200, "null"),
        "/posting-api/job-board/mixed": (200, json.dumps(mixed)),
    }
    spider = offline_spider(
        AshbySpider, base_url=OFFLINE_BASE_URL, board="empty,listonly,null,mixed"
    )
    items = crawl_offline(spider, routes).exported()
    stats = spider.crawler.stats
    assert stats.get_value("microintern/empty_boards") == 1
    # listonly, null, "not a job", no-url
    assert stats.get_value("microintern/parse_errors") == 4
    assert "Ashby job board 'empty' has no published jobs" in caplog.text
    assert items == [
        {
            "source": "ashby",
            "source_id": "odd-1",
            "url": "https://jobs.ashbyhq.com/mixed/odd-1",
            "title": "Logo Refresh Project",
            "company": "mixed",
            "description": "About 12 hours of logo work.",
            "location": None,
            "remote": None,
            "employment_type": None,
            "posted_at": None,
            "deadline": None,
            "pay_text": None,
            "hours_text": None,
            "categories": [],
        }
    ]


def test_ashby_remote_and_pay_rules():
    spider = AshbySpider(board="acme")
    assert spider._parse_remote({"isRemote": False, "workplaceType": "Remote"}) is False
    assert spider._parse_remote({"isRemote": None}) is None
    assert spider._parse_remote({"isRemote": None, "workplaceType": "Remote"}) is True
    assert spider._parse_remote({"isRemote": None, "workplaceType": "OnSite"}) is False
    assert spider._parse_remote({"isRemote": None, "workplaceType": "Hybrid"}) is False

    compensation = {
        "compensationTierSummary": None,
        "scrapeableCompensationSalarySummary": "$50K - $70K",
    }
    assert spider._parse_pay_text({"compensation": compensation}) == "$50K - $70K"
    hidden = {"shouldDisplayCompensationOnJobPostings": False, "compensation": compensation}
    assert spider._parse_pay_text(hidden) is None


@pytest.mark.parametrize(
    ("is_remote", "workplace", "remote"),
    [
        (True, "Hybrid", False),  # a hybrid job some boards also flag isRemote
        (True, "OnSite", False),
        (None, "Remote", True),
        (True, "Remote", True),
        (False, None, False),
        (True, None, True),
    ],
)
def test_ashby_workplace_type_hybrid_or_on_site_wins_over_is_remote(is_remote, workplace, remote):
    board = json.loads((BOARDS / "kestrel.json").read_text())
    job = {**board["jobs"][0], "isRemote": is_remote, "workplaceType": workplace}
    spider = offline_spider(AshbySpider, board="kestrel")
    url = "https://api.ashbyhq.com/posting-api/job-board/kestrel?includeCompensation=true"
    [item] = spider.parse(json_response(url, {**board, "jobs": [job]}), board="kestrel")
    assert item.remote is remote


def test_ashby_title_entities_and_description_escaped_twice_are_decoded():
    board = json.loads((BOARDS / "italic.json").read_text())
    real = board["jobs"][0]
    job = {
        **real,
        "title": "R&amp;D Paid Search Manager",
        "descriptionHtml": html.escape(real["descriptionHtml"]),
    }
    spider = offline_spider(AshbySpider, board="italic")
    url = "https://api.ashbyhq.com/posting-api/job-board/italic?includeCompensation=true"
    [item] = spider.parse(json_response(url, {**board, "jobs": [job]}), board="italic")
    assert item.title == "R&D Paid Search Manager"
    assert item.description == real["descriptionHtml"]


def test_ashby_placeholder_locations_are_dropped():
    board = json.loads((BOARDS / "italic.json").read_text())
    real = board["jobs"][0]
    secondary = {**real["secondaryLocations"][0], "location": "Paris"}
    jobs = [
        {**real, "location": "UNAVAILABLE", "secondaryLocations": [secondary]},
        {**real, "location": "N/A", "secondaryLocations": [{**secondary, "location": "TBD"}]},
    ]
    spider = offline_spider(AshbySpider, board="italic")
    url = "https://api.ashbyhq.com/posting-api/job-board/italic?includeCompensation=true"
    items = spider.parse(json_response(url, {**board, "jobs": jobs}), board="italic")
    assert [item.location for item in items] == ["Paris", None]
