"""The schema.org JobPosting spider: pages parsed in process from fixtures, and one real crawl."""

import json

import pytest
from scrapy.http import HtmlResponse

from spiders.jsonld import JsonLdSpider
from tests.conftest import (
    FIXTURES,
    OFFLINE_BASE_URL,
    crawl_offline,
    fixture_response,
    offline_spider,
)

PAGE_URL = "https://careers.riverbend.example/jobs/rb-90.html"


@pytest.mark.crawl
def test_jsonld_crawl(serve_fixtures, run_spider):
    """The one real crawl: a listing page's same-site links followed, robots.txt obeyed."""
    site = serve_fixtures("jsonld")
    items = run_spider("jsonld", url=f"{site.base_url}/jobs/")
    titles = sorted(item["title"] for item in items)
    assert titles == [
        "Data Cleaning Project",
        "Machine learning computational biology postdoc in bacterial genomics",
        "Social Media Micro-Internship",
    ]
    assert not any("/private/" in path for path in site.requests)
    assert "/robots.txt" in site.requests


ROUTES = {"/api/jobs": (200, '{"jobs": []}')}  # a start page that is an API, not HTML


def crawl_pages(**arguments):
    """A crawl of the fixture site in process, started from `-a url=...`, and its spider."""
    spider = offline_spider(JsonLdSpider, **arguments)
    return crawl_offline(spider, ROUTES), spider


def test_listing_page_follows_same_site_links_only():
    spider = offline_spider(JsonLdSpider, url=f"{OFFLINE_BASE_URL}/jobs/")
    start = fixture_response("jsonld", f"{OFFLINE_BASE_URL}/jobs/")
    requests = list(spider.parse_start(start))
    # Not another host, not mailto:; the private page is left to robots.txt (the real crawl).
    assert [request.url for request in requests] == [
        f"{OFFLINE_BASE_URL}/jobs/postdoc.html",
        f"{OFFLINE_BASE_URL}/jobs/social-media-micro-internship.html?utm_source=careers",
        f"{OFFLINE_BASE_URL}/jobs/graph.html#apply",
        f"{OFFLINE_BASE_URL}/private/unpublished.html",
    ]
    assert {request.callback for request in requests} == {spider.parse_page}


def test_one_broken_block_does_not_hide_the_others():
    url = f"{OFFLINE_BASE_URL}/jobs/social-media-micro-internship.html"
    crawl, spider = crawl_pages(url=url)
    assert crawl.exported() == [
        {
            "source": "jsonld",
            "source_id": "127.0.0.1:RB-77",
            "url": url,
            "title": "Social Media Micro-Internship",
            "company": "Riverbend Co-op",
            "description": "<p>Audit our Instagram and TikTok accounts and propose a month of "
            "posts.</p><p>About 8 hours in total.</p>",
            "location": None,
            "remote": True,
            "employment_type": "PART_TIME, CONTRACTOR",
            "posted_at": "2026-11-20T08:00:00+00:00",
            "deadline": "2026-12-31",
            "pay_text": "USD 18-20 per HOUR",
            "hours_text": None,
            "categories": ["Marketing"],
        }
    ]
    # The broken breadcrumb is skipped quietly; the broken JobPosting block is an error.
    assert spider.crawler.stats.get_value("microintern/skipped_blocks") == 1
    assert spider.crawler.stats.get_value("microintern/parse_errors") == 1


def test_sitemap_index_and_real_page():
    crawl, _ = crawl_pages(url=f"{OFFLINE_BASE_URL}/sitemap.xml")
    assert crawl.paths == [
        "/sitemap.xml",
        "/jobs-sitemap.xml",
        "/jobs/postdoc.html",
        "/jobs/graph.html",
    ]
    by_title = {item["title"]: item for item in crawl.exported()}
    assert len(crawl.items) == 2

    postdoc = by_title["Machine learning computational biology postdoc in bacterial genomics"]
    assert postdoc["source_id"] == "127.0.0.1:000001"
    assert postdoc["company"] == (
        "United States Department of Agriculture, Agricultural Research Service"
    )
    assert postdoc["location"] == "Gainesville, FL, US"
    assert postdoc["employment_type"] == "FULL_TIME"
    assert postdoc["posted_at"] == "2020-07-10"
    assert postdoc["deadline"] == "2020-09-10T00:00"
    assert postdoc["pay_text"] == "USD 64009 per Year"
    assert postdoc["remote"] is None
    assert postdoc["description"].startswith("<p>This is a postdoc position")

    graph = by_title["Data Cleaning Project"]
    assert graph["source_id"] == f"{OFFLINE_BASE_URL}/jobs/graph.html"
    assert graph["company"] == "Riverbend Co-op"
    assert graph["location"] == "Madison, WI, US; Milwaukee, WI"
    assert graph["hours_text"] == "10-12 hours"
    assert graph["employment_type"] == "TEMPORARY"


def test_microdata_posting():
    crawl, _ = crawl_pages(url=f"{OFFLINE_BASE_URL}/jobs/microdata.html")
    assert crawl.exported() == [
        {
            "source": "jsonld",
            "source_id": "127.0.0.1:RB-81",
            "url": f"{OFFLINE_BASE_URL}/jobs/microdata.html",
            "title": "Bookkeeping Micro-Internship",
            "company": "Riverbend Co-op",
            "description": "Reconcile three months of co-op transactions and prepare a short "
            "summary for the board.",
            "location": "Madison, WI, US",
            "remote": None,
            "employment_type": "PART_TIME",
            "posted_at": "2026-11-19",
            "deadline": "2026-12-12",
            "pay_text": "USD 300 per PROJECT",
            "hours_text": "about 12 hours in total",
            "categories": ["Accounting"],
        }
    ]


def test_start_page_that_is_not_html_is_a_parse_error():
    crawl, spider = crawl_pages(url=f"{OFFLINE_BASE_URL}/api/jobs")  # served as JSON
    assert crawl.items == []
    assert spider.crawler.stats.get_value("microintern/parse_errors") == 1


def test_relative_start_page_with_base_url():
    crawl, _ = crawl_pages(base_url=OFFLINE_BASE_URL, url="/jobs/graph.html")
    assert crawl.urls == [f"{OFFLINE_BASE_URL}/jobs/graph.html"]
    assert [item.title for item in crawl.items] == ["Data Cleaning Project"]


def parse_page(body, url=PAGE_URL):
    """The items of one career page, parsed in process."""
    spider = offline_spider(JsonLdSpider, url=url)
    return list(spider.parse_page(HtmlResponse(url=url, body=body.encode(), encoding="utf-8")))


def json_ld_page(posting):
    return (
        '<!DOCTYPE html><html><head><script type="application/ld+json">'
        f"{json.dumps(posting)}</script></head><body></body></html>"
    )


def test_json_ld_title_entities_and_escaped_description_are_decoded():
    posting = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": "R&amp;D Micro-Internship",
        "description": "&lt;p&gt;Test three soil samples &amp;amp; log the results.&lt;/p&gt;",
        "identifier": {"@type": "PropertyValue", "name": "Riverbend Co-op", "value": "RB-90"},
        "hiringOrganization": {"@type": "Organization", "name": "Riverbend Co-op"},
    }
    [item] = parse_page(json_ld_page(posting))
    assert item.title == "R&D Micro-Internship"
    assert item.description == "<p>Test three soil samples &amp; log the results.</p>"


def test_microdata_title_is_decoded_once_by_the_html_parser():
    page = (FIXTURES / "jsonld" / "jobs" / "microdata.html").read_text()
    page = page.replace("Bookkeeping Micro-Internship</h1>", "R&amp;D &amp;amp; Bookkeeping</h1>")
    [item] = parse_page(page)
    assert item.title == "R&D &amp; Bookkeeping"


def test_placeholder_location_parts_are_dropped():
    address = {"@type": "PostalAddress", "addressLocality": "TBD", "addressRegion": "-"}
    posting = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": "Soil Sampling Project",
        "hiringOrganization": {"@type": "Organization", "name": "Riverbend Co-op"},
        "jobLocation": [
            {"@type": "Place", "address": {**address, "addressCountry": "N/A"}},
            {"@type": "Place", "address": "Unknown"},
        ],
    }
    [item] = parse_page(json_ld_page(posting))
    assert item.location is None
    # A two-letter addressCountry is a country code: "NA" is Namibia.
    posting["jobLocation"][0]["address"]["addressCountry"] = "NA"
    [item] = parse_page(json_ld_page(posting))
    assert item.location == "NA"


HEADING_PAGE = FIXTURES / "jsonld" / "jobs" / "microdata-heading.html"


def test_microdata_title_outside_the_posting_falls_back_to_the_page():
    page = HEADING_PAGE.read_text()
    [item] = parse_page(page)
    assert item.title == "Grant Research Micro-Internship"  # og:title
    assert item.source_id == "careers.riverbend.example:RB-84"
    assert item.company == "Riverbend Co-op"
    assert item.location == "Madison, WI"
    assert item.employment_type == "CONTRACTOR"

    page = page.replace('<meta property="og:title" content="Grant Research Micro-Internship">', "")
    [item] = parse_page(page)
    assert item.title == "Grant Research Micro-Internship"  # the <h1>, its inline tags read

    page = page.replace('<h1 class="job-title">Grant <em>Research</em> Micro-Internship</h1>', "")
    [item] = parse_page(page)
    assert item.title == "Grant Research Micro-Internship | Riverbend Co-op Careers"


def test_microdata_postings_without_titles_do_not_share_the_page_title():
    page = HEADING_PAGE.read_text()
    start, end = page.index("<article"), page.index("</article>") + len("</article>")
    spider = offline_spider(JsonLdSpider, url=PAGE_URL)
    body = page[:end] + page[start:end] + page[end:]
    response = HtmlResponse(url=PAGE_URL, body=body.encode(), encoding="utf-8")
    assert list(spider.parse_page(response)) == []
    assert spider.crawler.stats.get_value("microintern/parse_errors") == 2
