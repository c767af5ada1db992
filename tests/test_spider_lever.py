"""The Lever spider: fields and paging in process from fixture sites, and one real crawl."""

import html
import json

import pytest

from spiders.lever import LeverSpider
from tests.conftest import (
    FIXTURES,
    OFFLINE_BASE_URL,
    crawl_offline,
    json_response,
    offline_spider,
)

POSTINGS = FIXTURES / "lever" / "v0" / "postings"


@pytest.mark.crawl
def test_lever_crawl(serve_fixtures, run_spider):
    """The one real crawl: robots.txt asked, the documented endpoint paged through per site."""
    sites = serve_fixtures("lever")
    items = run_spider("lever", base_url=sites.base_url, board="metabase,fernbrook", limit="2")
    assert "/robots.txt" in sites.requests
    by_id = {item["source_id"]: item for item in items}
    assert len(items) == len(by_id) == 5

    # Pages of 2: a full page asks for the next; a short or empty page ends the site.
    lever_requests = sorted(path for path in sites.requests if path.startswith("/v0/"))
    assert lever_requests == [
        "/v0/postings/fernbrook?mode=json&skip=0&limit=2",
        "/v0/postings/fernbrook?mode=json&skip=2&limit=2",
        "/v0/postings/metabase?mode=json&skip=0&limit=2",
        "/v0/postings/metabase?mode=json&skip=2&limit=2",
    ]
    assert "microintern/empty_boards" not in run_spider.stats  # a later empty page is normal

    assert by_id["50a74cff-026f-4c84-aa8f-f5f8d837115f"] == {
        "source": "lever",
        "source_id": "50a74cff-026f-4c84-aa8f-f5f8d837115f",
        "url": "https://jobs.lever.co/fernbrook/50a74cff-026f-4c84-aa8f-f5f8d837115f",
        "title": "Micro-Internship: Volunteer Survey Analysis",
        "company": "fernbrook",
        "description": "<div>Fernbrook Conservancy protects 4,000 acres of forest and river corridor in "
        "western North Carolina.</div>\n<div>Analyze 600 responses from our volunteer survey "
        "&amp; summarize what keeps volunteers coming back.</div>\n<div>This is a short, paid "
        "project: 10-15 hours in total, on your own schedule.</div>\n"
        "<h3>What You'll Deliver</h3>\n"
        "<ul><li>A cleaned spreadsheet of the responses</li>\n"
        "<li>A two-page summary with three charts</li></ul>\n"
        "<div>Open to current students and graduates of the last two years.</div>",
        "location": "Remote - US",
        "remote": None,  # workplaceType "unspecified"
        "employment_type": "Contract",
        "posted_at": "2026-11-04T15:00:00Z",
        "deadline": None,
        "pay_text": "USD 20-25 per-hour-wage",
        "hours_text": None,
        "categories": ["Programs", "Data"],
    }

    # From the second page: a hybrid project paid once, listed in two locations.
    trail_map = by_id["f11fc8de-3eb4-49c8-8f8d-e0e973e1d036"]
    assert trail_map["title"] == "Project: Trail Map Illustration"
    assert trail_map["location"] == "Asheville, NC; Remote - US"
    assert trail_map["remote"] is False
    assert trail_map["pay_text"] == "USD 600 one-time"
    assert trail_map["categories"] == ["Communications"]
    assert trail_map["description"].endswith("About 30 hours of work over four weeks.</div>")

    # On-site, no salaryRange: the plain salary description is the pay text.
    coordinator = by_id["2e7abed5-658e-430d-8569-80bb0977e471"]
    assert coordinator["remote"] is False
    assert coordinator["employment_type"] == "Full-time"
    assert coordinator["pay_text"] == "Salary: $52,000–$58,000 a year, plus benefits."
    assert coordinator["categories"] == ["Stewardship", "Operations"]
    assert coordinator["posted_at"] == "2026-10-28T13:00:00Z"


def lever_crawl(routes=None, **arguments):
    """A crawl of the fixture sites in process, and its spider."""
    spider = offline_spider(LeverSpider, **{"base_url": OFFLINE_BASE_URL, **arguments})
    return crawl_offline(spider, routes), spider


def test_lever_real_metabase_postings():
    crawl, _ = lever_crawl(board="metabase", limit="2", company="Metabase")
    items = crawl.exported()
    real = json.loads((POSTINGS / "metabase@mode=json&skip=0&limit=2.json").read_text())
    by_id = {item["source_id"]: item for item in items}
    assert list(by_id) == [posting["id"] for posting in real]
    assert {item["company"] for item in items} == {"Metabase"}

    analytics = by_id["5eca795c-48dd-496a-be23-2181068a5450"]
    assert analytics["title"] == "Analytics Engineer"
    assert analytics["url"] == real[0]["hostedUrl"]
    assert analytics["description"] == real[0]["description"] + "\n" + real[0]["additional"]
    assert analytics["location"] == "Remote-North & South America"
    assert analytics["remote"] is True
    assert analytics["employment_type"] == "Full-time (remote)"
    assert analytics["posted_at"] == "2020-11-19T02:41:25Z"  # createdAt 1605753685375 ms
    assert analytics["pay_text"] is None
    assert analytics["categories"] == ["Engineering"]

    ci = by_id["ee8203b5-2cf7-4eae-afd6-3f9724761ad9"]
    assert ci["description"].startswith(real[1]["description"] + "\n<h3>What You'll Do</h3>\n<ul>")
    for entry in real[1]["lists"]:
        assert f"<h3>{entry['text']}</h3>\n<ul>{entry['content'].strip()}</ul>" in ci["description"]
    assert ci["description"].endswith(real[1]["additional"])
    assert ci["location"] == "Global Remote"
    assert ci["posted_at"] == "2026-04-21T19:41:20Z"


def test_lever_empty_site_warns(caplog):
    crawl, spider = lever_crawl(board="quietco")
    assert crawl.items == []
    assert crawl.paths == ["/v0/postings/quietco?mode=json&skip=0&limit=100"]  # default page size
    assert spider.crawler.stats.get_value("microintern/empty_boards") == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(
        "Lever site 'quietco' has no published postings (the site name may be unknown)" in message
        for message in warnings
    )


def test_lever_base_url_is_honoured():
    crawl, _ = lever_crawl(base_url=OFFLINE_BASE_URL + "/", board="fernbrook", limit="2")
    assert len(crawl.items) == 3
    assert crawl.urls[0] == f"{OFFLINE_BASE_URL}/v0/postings/fernbrook?mode=json&skip=0&limit=2"

    assert LeverSpider(board="acme").board_url("acme") == (
        "https://api.lever.co/v0/postings/acme?mode=json&skip=0&limit=100"
    )
    eu = LeverSpider(board="acme", base_url="https://api.eu.lever.co/", limit="50")
    assert eu.board_url("acme", 50) == (
        "https://api.eu.lever.co/v0/postings/acme?mode=json&skip=50&limit=50"
    )


@pytest.mark.parametrize("limit", ["0", "-3", "many"])
def test_lever_rejects_a_bad_page_size(limit):
    with pytest.raises(ValueError, match="limit"):
        LeverSpider(board="acme", limit=limit)


def test_lever_unexpected_shapes_are_counted_not_fatal():
    odd_posting = {
        "id": "odd-1",
        "text": " Survey Design Sprint ",
        "hostedUrl": "https://jobs.lever.co/mixed/odd-1",
        "categories": ["Research"],
        "lists": "none",
        "salaryRange": "USD 20",
        "createdAt": "yesterday",
        "workplaceType": 5,
        "description": None,
        "descriptionPlain": "Design a 10-question survey: about 6 hours.",
    }
    mixed = [
        "not a posting",
        {"id": "no-title", "hostedUrl": "https://jobs.lever.co/x"},
        odd_posting,
    ]
    routes = {
        "/v0/postings/gone": (200, json.dumps({"ok": False, "error": "Document not found"})),
        "/v0/postings/mixed": (200, json.dumps(mixed)),
    }
    crawl, spider = lever_crawl(routes, board="gone,mixed")
    assert spider.crawler.stats.get_value("microintern/parse_errors") == 3
    assert crawl.exported() == [
        {
            "source": "lever",
            "source_id": "odd-1",
            "url": "https://jobs.lever.co/mixed/odd-1",
            "title": "Survey Design Sprint",
            "company": "mixed",
            "description": "Design a 10-question survey: about 6 hours.",
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


def test_lever_stops_when_a_server_ignores_skip():
    page = json.loads((POSTINGS / "fernbrook@mode=json&skip=0&limit=2.json").read_text())
    crawl, _ = lever_crawl({"/v0/postings/loop": (200, json.dumps(page))}, board="loop", limit="2")
    assert [item.source_id for item in crawl.items] == [posting["id"] for posting in page]
    assert crawl.paths == [
        "/v0/postings/loop?mode=json&skip=0&limit=2",
        "/v0/postings/loop?mode=json&skip=2&limit=2",
    ]


def parse_postings(postings):
    """The items for one page of `postings` of Metabase's site, parsed in process."""
    spider = offline_spider(LeverSpider, board="metabase")
    url = "https://api.lever.co/v0/postings/metabase?mode=json&skip=0&limit=100"
    return list(spider.parse(json_response(url, postings), board="metabase"))


def real_posting(number=0, **changes):
    """A real Metabase posting, with `changes`."""
    real = json.loads((POSTINGS / "metabase@mode=json&skip=0&limit=2.json").read_text())[number]
    return {**real, **changes}


def test_lever_title_entities_are_decoded_once():
    [item] = parse_postings([real_posting(text="R&amp;D Analytics Engineer")])
    assert item.title == "R&D Analytics Engineer"


def test_lever_html_escaped_once_too_often_is_unescaped():
    real = real_posting(1)
    entry = real["lists"][0]
    escaped = real_posting(
        1,
        description=html.escape(real["description"]),
        lists=[{**entry, "content": html.escape(entry["content"])}],
        additional=html.escape(real["additional"]),
    )
    [item] = parse_postings([escaped])
    assert item.description.startswith(real["description"] + "\n<h3>What You'll Do</h3>\n<ul>")
    assert f"<ul>{entry['content'].strip()}</ul>" in item.description
    assert item.description.endswith(real["additional"])


def test_lever_placeholder_locations_are_dropped():
    real = real_posting()
    placeholders = {**real["categories"], "location": "N/A", "allLocations": ["N/A", "TBD"]}
    mixed = {**real["categories"], "location": "Unknown", "allLocations": ["-", "Remote - US"]}
    items = parse_postings(
        [
            real_posting(id="a", categories=placeholders),
            real_posting(id="b", categories=mixed),
        ]
    )
    assert [item.location for item in items] == [None, "Remote - US"]


@pytest.mark.parametrize(
    ("salary_range", "pay_text"),
    [
        ({"currency": "EUR", "interval": "per-year-salary", "min": 0, "max": 0}, None),
        ({"currency": "EUR", "interval": "per-year-salary", "min": 0.0}, None),
        ({"currency": "EUR", "interval": "per-month-salary"}, None),
        (
            {"currency": "EUR", "interval": "per-month-salary", "min": 0, "max": 1500},
            "up to EUR 1500 per-month-salary",
        ),
        (
            {"currency": "EUR", "interval": "per-month-salary", "min": 1500, "max": 1500},
            "EUR 1500 per-month-salary",
        ),
        (
            {"currency": "EUR", "interval": "per-year-salary", "min": 44000, "max": 80000},
            "EUR 44000-80000 per-year-salary",
        ),
    ],
)
def test_lever_salary_range_of_zeros_names_no_pay(salary_range, pay_text):
    [item] = parse_postings([real_posting(salaryRange=salary_range)])
    assert item.pay_text == pay_text


def test_lever_zero_salary_range_falls_back_to_the_salary_description():
    zeros = {"currency": "USD", "interval": "per-hour-wage", "min": 0, "max": 0}
    posting = real_posting(salaryRange=zeros, salaryDescriptionPlain="$20-$25 an hour.")
    [item] = parse_postings([posting])
    assert item.pay_text == "$20-$25 an hour."
