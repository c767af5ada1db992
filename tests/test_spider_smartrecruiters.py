"""The SmartRecruiters spider: fields, paging and details in process from fixture companies, and
one real crawl."""

import html
import json

import pytest

from spiders.settings import RETRY_TIMES
from spiders.smartrecruiters import SmartRecruitersSpider
from tests.conftest import (
    FIXTURES,
    OFFLINE_BASE_URL,
    crawl_offline,
    json_response,
    offline_spider,
)

COMPANY = FIXTURES / "smartrecruiters" / "v1" / "companies" / "TidewaterLabs"
LIST = "/v1/companies/TidewaterLabs/postings"
IDS = ["744000061234501", "744000061234502", "744000061234503"]
COMPANY_BLURB = (
    "<h3>Company Description</h3>"
    "<p>Tidewater Labs builds scheduling software for community health clinics.</p>"
)


def details(posting_id):
    return json.loads((COMPANY / "postings" / f"{posting_id}.json").read_text())


@pytest.mark.crawl
def test_smartrecruiters_crawl(serve_fixtures, run_spider):
    """The one real crawl: robots.txt asked, the list paged by offset, each posting's details
    fetched; one details request fails with HTTP 500 (Scrapy retries it, then the errback keeps
    the posting from its list entry)."""
    sites = serve_fixtures("smartrecruiters", routes={f"{LIST}/744000061234502": (500, "{}")})
    items = run_spider("smartrecruiters", base_url=sites.base_url, board="TidewaterLabs", limit="2")
    by_id = {item["source_id"]: item for item in items}
    assert sorted(by_id) == IDS

    assert "/robots.txt" in sites.requests
    lists = [path for path in sites.requests if path.startswith(LIST + "?")]
    assert lists == [f"{LIST}?offset=0&limit=2", f"{LIST}?offset=2&limit=2"]  # totalFound is 3
    assert sorted({path for path in sites.requests if path.startswith(LIST + "/")}) == [
        f"{LIST}/{posting_id}" for posting_id in IDS
    ]
    assert sites.requests.count(f"{LIST}/744000061234501") == 1
    assert sites.requests.count(f"{LIST}/744000061234502") == 1 + RETRY_TIMES
    assert run_spider.stats["microintern/detail_failures"] == 1
    assert run_spider.stats.get("microintern/parse_errors", 0) == 0

    assert by_id["744000061234501"] == {
        "source": "smartrecruiters",
        "source_id": "744000061234501",
        "url": "https://jobs.smartrecruiters.com/TidewaterLabs/744000061234501-micro-internship-customer-interview-synthesis-10-15-hours-",
        "title": "Micro-Internship: Customer Interview Synthesis (10-15 hours)",
        "company": "Tidewater Labs",
        "description": COMPANY_BLURB
        + "<h3>Job Description</h3><p>Turn twelve recorded customer interviews into a short "
        "synthesis &amp; a list of the top five scheduling problems clinics face.</p>"
        "<ul><li>Estimated effort: 10-15 hours over two weeks</li><li>Paid: $450 flat fee</li></ul>"
        "<h3>Qualifications</h3><ul><li>Current undergraduate or graduate student</li>"
        "<li>Clear writing in English</li></ul>"
        "<h3>Additional Information</h3>"
        "<p>Fully remote. We review applications on a rolling basis.</p>",
        "location": "Chicago, IL, United States",
        "remote": True,
        "employment_type": "Contract",
        "posted_at": "2026-11-04T15:20:11.482Z",
        "deadline": None,
        "pay_text": None,
        "hours_text": None,
        "categories": ["Product Research", "Research", "Computer Software"],
    }

    # Its details failed: from the list entry, no ad text, and the public job page instead of
    # the API's `ref`.
    assert by_id["744000061234502"] == {
        "source": "smartrecruiters",
        "source_id": "744000061234502",
        "url": "https://jobs.smartrecruiters.com/TidewaterLabs/744000061234502",
        "title": "Short-Term Project: Grant Budget Spreadsheet Cleanup",
        "company": "Tidewater Labs",
        "description": "",
        "location": "Boston, MA, United States",
        "remote": False,
        "employment_type": "Intern",
        "posted_at": "2026-11-06T09:02:45.117Z",
        "deadline": None,
        "pay_text": None,
        "hours_text": None,
        "categories": ["Finance", "Computer Software"],
    }

    # The name's trailing space (as SmartRecruiters serves it) is stripped.
    engineer = by_id["744000061234503"]
    assert engineer["title"] == "Senior Data Engineer"
    assert engineer["employment_type"] == "Full-time"
    assert engineer["posted_at"] == "2026-10-28T13:44:09.905Z"
    assert engineer["categories"] == ["Engineering", "Information Technology", "Computer Software"]
    assert "Salary range $165,000-$190,000." in engineer["description"]


def company_crawl(routes=None, board="TidewaterLabs"):
    """A crawl of the fixture companies in process (pages of 2), its items by id and its spider."""
    spider = offline_spider(
        SmartRecruitersSpider, base_url=OFFLINE_BASE_URL, board=board, limit="2"
    )
    crawl = crawl_offline(spider, routes)
    return crawl, {item["source_id"]: item for item in crawl.exported()}, spider


def test_smartrecruiters_pages_by_offset_and_fetches_each_posting():
    crawl, by_id, spider = company_crawl()
    assert sorted(by_id) == IDS
    lists = [path for path in crawl.paths if path.startswith(LIST + "?")]
    assert lists == [f"{LIST}?offset=0&limit=2", f"{LIST}?offset=2&limit=2"]  # totalFound is 3
    assert sorted(path for path in crawl.paths if path.startswith(LIST + "/")) == [
        f"{LIST}/{posting_id}" for posting_id in IDS
    ]
    assert spider.crawler.stats.get_value("microintern/detail_failures", 0) == 0
    assert spider.crawler.stats.get_value("microintern/parse_errors", 0) == 0

    # An empty department is skipped, and so is an empty section.
    cleanup = by_id["744000061234502"]
    assert cleanup["title"] == "Short-Term Project: Grant Budget Spreadsheet Cleanup"
    assert cleanup["employment_type"] == "Intern"
    assert cleanup["remote"] is False
    assert cleanup["location"] == "Boston, MA, United States"
    assert cleanup["categories"] == ["Finance", "Computer Software"]
    assert cleanup["description"].startswith(COMPANY_BLURB + "<h3>Job Description</h3>")
    assert cleanup["description"].endswith(
        "<h3>Qualifications</h3><ul><li>Comfortable with Excel or Google Sheets</li></ul>"
    )
    assert cleanup["url"] == details("744000061234502")["postingUrl"]


def test_smartrecruiters_details_that_are_not_json_are_counted():
    routes = {f"{LIST}/744000061234503": (200, "<html><body>Down for maintenance</body></html>")}
    _, by_id, spider = company_crawl(routes)
    assert sorted(by_id) == IDS
    assert by_id["744000061234503"]["description"] == ""
    assert by_id["744000061234503"]["title"] == "Senior Data Engineer"
    assert (
        by_id["744000061234503"]["url"]
        == "https://jobs.smartrecruiters.com/TidewaterLabs/744000061234503"
    )
    assert spider.crawler.stats.get_value("microintern/detail_failures") == 1
    assert spider.crawler.stats.get_value("microintern/parse_errors") == 1


def test_smartrecruiters_empty_company_is_not_an_error(caplog):
    # An unknown company answers like this too: 200 with totalFound 0.
    crawl, by_id, spider = company_crawl(board="QuietHarbor,TidewaterLabs")
    assert sorted(by_id) == IDS
    assert "/v1/companies/QuietHarbor/postings?offset=0&limit=2" in crawl.paths
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []
    assert "Board 'QuietHarbor' lists no public postings" in caplog.text  # a warning
    assert spider.crawler.stats.get_value("microintern/parse_errors", 0) == 0


def test_smartrecruiters_malformed_list_is_counted_not_fatal():
    routes = {"/v1/companies/Broken/postings": (200, '{"offset": 0, "content": {"id": "1"}}')}
    _, by_id, spider = company_crawl(routes, board="Broken,TidewaterLabs")
    assert sorted(by_id) == IDS
    assert spider.crawler.stats.get_value("microintern/parse_errors") == 1


def test_smartrecruiters_urls_and_arguments():
    spider = SmartRecruitersSpider(board="TidewaterLabs")
    assert spider.base_url == "https://api.smartrecruiters.com"
    assert spider.board_url("TidewaterLabs") == (
        "https://api.smartrecruiters.com/v1/companies/TidewaterLabs/postings?offset=0&limit=100"
    )
    assert spider.posting_url("TidewaterLabs", "744000061234501") == (
        "https://api.smartrecruiters.com/v1/companies/TidewaterLabs/postings/744000061234501"
    )
    mirror = SmartRecruitersSpider(board="a,b", base_url="http://127.0.0.1:8765/", limit="25")
    assert mirror.boards == ["a", "b"]
    assert (
        mirror.board_url("b", 50)
        == "http://127.0.0.1:8765/v1/companies/b/postings?offset=50&limit=25"
    )
    for limit in ("0", "101", "ten"):
        with pytest.raises(ValueError, match="limit"):
            SmartRecruitersSpider(board="a", limit=limit)
    with pytest.raises(ValueError, match="board"):
        SmartRecruitersSpider()


def parse_details(posting):
    """The item for one posting's details (its list entry being the same object), in process."""
    spider = offline_spider(SmartRecruitersSpider, board="TidewaterLabs")
    response = json_response(spider.posting_url("TidewaterLabs", posting["id"]), posting)
    [item] = spider.parse_posting(response, board="TidewaterLabs", entry=posting)
    return item


def test_smartrecruiters_title_entities_and_text_escaped_twice_are_decoded():
    real = details("744000061234503")
    sections = real["jobAd"]["sections"]
    text = sections["jobDescription"]["text"]
    escaped = {
        **real,
        "name": "R&amp;D Data Engineer ",
        "jobAd": {"sections": {"jobDescription": {"title": "R&amp;D", "text": html.escape(text)}}},
    }
    item = parse_details(escaped)
    assert item.title == "R&D Data Engineer"
    assert item.description == f"<h3>R&amp;D</h3>{text}"


def test_smartrecruiters_placeholder_location_parts_are_dropped():
    real = details("744000061234503")
    location = {key: real["location"][key] for key in ("city", "region", "country", "remote")}
    assert parse_details({**real, "location": {**location, "fullLocation": "N/A"}}).location is None
    full = {**location, "fullLocation": "TBD, , United States"}
    assert parse_details({**real, "location": full}).location == "United States"
    # Without fullLocation: the country is a code, and "na" is Namibia.
    namibia = {**location, "city": "Windhoek", "region": "Unknown", "country": "na"}
    assert parse_details({**real, "location": namibia}).location == "Windhoek, na"


@pytest.mark.parametrize(
    ("compensation", "pay_text"),
    [
        ({"min": 20, "max": 25, "currency": "USD", "period": "HOURLY"}, "USD 20-25 per hour"),
        (
            {"min": 165000.0, "max": 190000.0, "currency": "USD", "period": "YEARLY"},
            "USD 165000-190000 per year",
        ),
        ({"min": 5929, "max": 5929, "currency": "CHF", "period": "MONTHLY"}, "CHF 5929 per month"),
        ({"min": 18, "currency": "usd", "period": "HOURLY"}, "from USD 18 per hour"),
        ({"max": 600, "currency": "USD"}, "up to USD 600"),
        ({"min": 0, "max": 0, "currency": "USD", "period": "YEARLY"}, None),
        ({}, None),
    ],
)
def test_smartrecruiters_pay_from_compensation(compensation, pay_text):
    posting = {**details("744000061234503"), "compensation": compensation}
    assert parse_details(posting).pay_text == pay_text


def test_smartrecruiters_pay_from_a_salary_range_custom_field():
    real = details("744000061234503")
    salary = {
        "fieldId": "64f1c2a9e4b0d51c3a7e9f10",
        "fieldLabel": "Salary Range",
        "valueId": "8c1d7e52-3a4f-4b6e-9d20-71f5a3c8e946",
        "valueLabel": "$165,000 - $190,000 per year",
    }
    fields = [*real["customField"], salary]
    assert parse_details({**real, "customField": fields}).pay_text == (
        "$165,000 - $190,000 per year"
    )
    # An amount in `compensation` wins; an empty one does not.
    paid = {"min": 80, "max": 95, "currency": "USD", "period": "HOURLY"}
    with_both = {**real, "customField": fields, "compensation": paid}
    assert parse_details(with_both).pay_text == "USD 80-95 per hour"
    empty = {"min": None, "max": None, "currency": "USD", "period": "YEARLY"}
    with_empty = {**real, "customField": fields, "compensation": empty}
    assert parse_details(with_empty).pay_text == "$165,000 - $190,000 per year"
    # Other custom fields are not pay.
    assert parse_details(real).pay_text is None
