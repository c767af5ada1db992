"""Generated fixture sites for the crawl benchmarks: Greenhouse-style board APIs and career pages
with schema.org `JobPosting` JSON-LD, shaped like the captures under tests/fixtures/, served by
`pipeline.collect.sample_sites` on 127.0.0.1.

`build_sites(root, boards, pages)` writes `boards` Greenhouse boards (one API page each,
`/v1/boards/<token>/jobs?content=true`), `pages` career pages under `/careers/` listed in
`/sitemap.xml`, and a robots.txt allowing both. `serve(root)` starts the server with HTTP/1.1
keep-alive (as real hosts answer) and counts every byte it writes, headers included.
"""

from __future__ import annotations

import html
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, BinaryIO

from bench.synthetic import synthetic_items
from pipeline.collect.sample_sites import SampleSites

JOBS_PER_BOARD = 5
ABOUT = (
    "<p>We build tools that small teams use every day, and we are proud of a culture where "
    "students learn by shipping real work with a mentor beside them.</p>"
    "<h3>What you will do</h3><ul><li>Meet your mentor for a kickoff call</li>"
    "<li>Deliver the project in agreed milestones</li><li>Present your results</li></ul>"
    "<h3>Who you are</h3><ul><li>A student or recent graduate</li>"
    "<li>Curious, organized and clear in writing</li></ul>"
    "<p>We are an equal opportunity employer and value diversity at our company.</p>"
)
NAV = "".join(f'<li><a href="/{p}">{p.title()}</a></li>' for p in ("about", "teams", "benefits"))


@dataclass
class Sites:
    """What `build_sites` wrote: the board tokens, the career pages' paths and the items."""

    root: Path
    boards: list[str]
    pages: list[str]
    items: int

    @property
    def sitemap(self) -> str:
        return "/sitemap.xml"


def greenhouse_job(item: dict[str, Any], number: int, board: str) -> dict[str, Any]:
    """One job of the Job Board API's `jobs?content=true` answer, every field of a real one."""
    job_id = 4_400_000_000 + number
    return {
        "absolute_url": f"https://job-boards.greenhouse.io/{board}/jobs/{job_id}",
        "data_compliance": [
            {
                "type": "gdpr",
                "requires_consent": False,
                "requires_processing_consent": False,
                "requires_retention_consent": False,
                "retention_period": None,
                "demographic_data_consent_applies": False,
            }
        ],
        "education": "education_optional",
        "internal_job_id": job_id - 1000,
        "location": {"name": item["location"] or "Remote"},
        "metadata": [
            {
                "id": 4180401004,
                "name": "Employment Type",
                "value": item["employment_type"] or "Contract",
                "value_type": "single_select",
            }
        ],
        "id": job_id,
        "updated_at": f"{item['posted_at']}T10:00:00-05:00",
        "requisition_id": f"REQ-{number}",
        "title": item["title"],
        "company_name": item["company"],
        "first_published": f"{item['posted_at']}T09:00:00-05:00",
        "language": "en",
        "application_deadline": item["deadline"],
        "content": html.escape(item["description"] + ABOUT),  # escaped once more, as served
        "departments": [
            {"id": 4410932014, "name": item["categories"][0], "child_ids": [], "parent_id": None}
        ],
        "offices": [
            {
                "id": 4410932016,
                "name": item["location"] or "Remote",
                "location": item["location"] or "Remote",
                "child_ids": [],
                "parent_id": None,
            }
        ],
        "ai_disclaimer": None,
        "include_ai_disclaimer": None,
        "ai_opt_out_request_url": None,
    }


def career_page(item: dict[str, Any], number: int) -> str:
    """A career page with a breadcrumb block and one JobPosting block, as in tests/fixtures."""
    posting = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": item["title"],
        "url": f"{{{{base_url}}}}/careers/{number}.html",
        "description": item["description"] + ABOUT,
        "identifier": {"@type": "PropertyValue", "name": item["company"], "value": f"J-{number}"},
        "datePosted": f"{item['posted_at']}T08:00:00+00:00",
        "validThrough": item["deadline"],
        "employmentType": ["PART_TIME", "CONTRACTOR"],
        "jobLocationType": "TELECOMMUTE" if item["location"] == "Remote" else None,
        "jobLocation": {
            "@type": "Place",
            "address": {"@type": "PostalAddress", "addressLocality": item["location"] or "Austin"},
        },
        "hiringOrganization": {"@type": "Organization", "name": item["company"]},
        "baseSalary": {
            "@type": "MonetaryAmount",
            "currency": "USD",
            "value": {
                "@type": "QuantitativeValue",
                "minValue": 18,
                "maxValue": 22,
                "unitText": "HOUR",
            },
        },
        "industry": item["categories"][0],
    }
    crumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Careers", "item": "{{base_url}}/careers/"}
        ],
    }
    title = html.escape(item["title"])
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title} | {html.escape(item['company'])} careers</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<script type="application/ld+json">\n{json.dumps(crumbs)}\n</script>\n'
        f'<script type="application/ld+json">\n{json.dumps(posting, indent=1)}\n</script>\n'
        f"</head>\n<body><nav><ul>{NAV}</ul></nav><main><h1>{title}</h1>"
        f'{item["description"]}{ABOUT}<a href="/apply/{number}">Apply</a></main></body>\n</html>\n'
    )


def build_sites(root: Path, boards: int, pages: int, jobs_per_board: int = JOBS_PER_BOARD) -> Sites:
    """Write `boards` board API pages and `pages` career pages (with sitemap) under `root`."""
    root = Path(root)
    items = synthetic_items(boards * jobs_per_board + pages, seed=11)
    tokens = [f"board{n:05d}" for n in range(boards)]
    number = 0
    for token in tokens:
        jobs = []
        for _ in range(jobs_per_board):
            jobs.append(greenhouse_job(next(items), number, token))
            number += 1
        path = root / "v1" / "boards" / token / "jobs.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}}, indent=1))
    careers = root / "careers"
    careers.mkdir(parents=True, exist_ok=True)
    paths = []
    for page in range(pages):
        (careers / f"{page}.html").write_text(career_page(next(items), page))
        paths.append(f"/careers/{page}.html")
    locs = "".join(f"  <url><loc>{{{{base_url}}}}{p}</loc></url>\n" for p in paths)
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{locs}</urlset>\n'
    )
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    return Sites(root, tokens, paths, boards * jobs_per_board + pages)


class CountingWriter:
    """A write-through wrapper of a handler's output stream that counts the bytes written."""

    def __init__(self, stream: BinaryIO, sites: CountingSites) -> None:
        self.stream = stream
        self.sites = sites

    def write(self, data: bytes) -> int:
        with self.sites.lock:
            self.sites.wire_bytes += len(data)
        return self.stream.write(data)

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


class CountingSites(SampleSites):
    """`SampleSites` answering with HTTP/1.1 keep-alive and counting bytes on the wire."""

    def __init__(self, root: Path, port: int = 0, keep_alive: bool = True) -> None:
        super().__init__(root, port)
        self.lock = threading.Lock()
        self.wire_bytes = 0
        self.statuses: dict[int, int] = {}  # responses by HTTP status
        base: type[BaseHTTPRequestHandler] = self.httpd.RequestHandlerClass  # type: ignore[assignment]
        sites = self

        class Counting(base):  # type: ignore[valid-type,misc]
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"
            disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms stalls

            def setup(self) -> None:
                super().setup()
                self.wfile = CountingWriter(self.wfile, sites)  # type: ignore[assignment]

            def send_response(self, code: int, message: str | None = None) -> None:
                with sites.lock:
                    sites.statuses[code] = sites.statuses.get(code, 0) + 1
                super().send_response(code, message)

        self.httpd.RequestHandlerClass = Counting

    def reset_counts(self) -> None:
        with self.lock:
            self.wire_bytes = 0
            self.bytes_sent = 0
            self.statuses.clear()
            self.requests.clear()
            self.request_times.clear()


def serve(root: Path, keep_alive: bool = True) -> CountingSites:
    """A server for `root` on 127.0.0.1; `with serve(root) as sites:` runs it."""
    return CountingSites(root, keep_alive=keep_alive)
