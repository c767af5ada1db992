"""Synthetic raw items for benchmarks: realistic shapes, varied text, reproducible (seeded)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

COMPANIES = [
    "Northwind Analytics",
    "BrightPath Financial",
    "Harbor & Pine Studio",
    "Tidewater Collective",
    "Copperline Outfitters",
    "Cedar & Vine Health",
    "Saltmarsh Theatre Company",
    "Fernhill Media",
    "Acme Robotics",
    "Lumen Grid",
    "Riverbend Co-op",
    "Kestrel Labs",
    "Quiet Harbor Law",
]
PROJECTS = [
    (
        "Social Media Content Calendar",
        "Plan a month of Instagram and LinkedIn posts for our launch.",
        ["Marketing"],
    ),
    (
        "Customer Survey Data Analysis",
        "Clean 1,200 survey responses and build a dashboard in Tableau.",
        ["Data"],
    ),
    (
        "Budget Model Review",
        "Review our nonprofit budget model in Excel and write a memo.",
        ["Finance"],
    ),
    (
        "Competitor Research",
        "Research five competitors and summarize their pricing and positioning.",
        ["Strategy"],
    ),
    (
        "Brand Illustration Set",
        "Create six spot illustrations following our brand guide.",
        ["Design"],
    ),
    (
        "Grant Writing Project",
        "Draft a letter of inquiry to a regional arts foundation.",
        ["Development"],
    ),
    (
        "Recruiting Pipeline Cleanup",
        "Source candidates and update our applicant tracking system.",
        ["People"],
    ),
    (
        "Event Logistics Support",
        "Coordinate vendors and check in guests at our open house.",
        ["Operations"],
    ),
    (
        "Website Bug Fixes",
        "Fix front-end bugs in our React website and write tests.",
        ["Engineering"],
    ),
    (
        "Lesson Plan Design",
        "Write three lesson plans and worksheets for our STEM workshop.",
        ["Education"],
    ),
]
EFFORT = [
    "Estimated hours: {a}-{b}",
    "approx. {a} hrs",
    "{a}–{b} hours in total",
    "about {a} hours",
    "{w} hours per week over {n} weeks",
    "up to {b} hours",
    "a {b}-hour project",
    "{w} hours a week for two months",
    "fifteen hours",
    "",
]
PAY = [
    "Paid: ${p}",
    "${r}/hr",
    "Stipend: ${p}",
    "USD {r}-{r2} per HOUR",
    "",
    "Compensation: {p} USD for the project",
]
FILLER = (
    "<p>We are a team of 40 with 24/7 support, founded in 2012. Our office is open 9am-5pm.</p>"
    "<ul><li>Work with a mentor</li><li>Present your findings</li><li>Flexible schedule</li></ul>"
)
TOPICS = (
    "pricing",
    "onboarding",
    "retention",
    "newsletter",
    "inventory",
    "survey",
    "launch",
    "donor",
    "volunteer",
    "vendor",
    "campus",
    "mobile",
    "checkout",
    "loyalty",
    "referral",
    "catalog",
    "podcast",
    "webinar",
    "pilot",
    "audit",
    "forecast",
    "benchmark",
    "roadmap",
    "archive",
    "workshop",
    "outreach",
    "hiring",
    "compliance",
    "accessibility",
    "packaging",
)
PLACES = (
    "Chicago",
    "Denver",
    "Austin",
    "Boston",
    "Seattle",
    "Atlanta",
    "Portland",
    "Phoenix",
    "Detroit",
    "Raleigh",
    "Tampa",
    "Omaha",
    "Tucson",
    "Fresno",
    "Albany",
    "Boise",
)
SOURCES = ["greenhouse", "lever", "ashby", "smartrecruiters", "workable", "recruitee", "jsonld"]


def synthetic_items(
    count: int, seed: int = 7, duplicate_rate: float = 0.0
) -> Iterator[dict[str, Any]]:
    """`count` raw items; with `duplicate_rate`, that share re-posts an earlier item elsewhere."""
    rng = random.Random(seed)
    made: list[dict[str, Any]] = []
    for number in range(count):
        if made and rng.random() < duplicate_rate:
            original = rng.choice(made[-5000:])
            source = rng.choice([s for s in SOURCES if s != original["source"]])
            url = original["url"] + rng.choice(["?utm_source=board", "/", "#apply", ""])
            item = {**original, "source": source, "source_id": f"d{number}", "url": url}
            yield item
            continue
        title, text, categories = rng.choice(PROJECTS)
        topic, place = rng.choice(TOPICS), rng.choice(PLACES)
        title = f"{title}: {topic.title()} {rng.randint(1, 999)}"
        text = f"{text} This {topic} work supports our {place} team (project {number})."
        a = rng.randint(2, 30)
        values = {
            "a": a,
            "b": a + rng.randint(0, 15),
            "w": rng.randint(2, 10),
            "n": rng.randint(2, 8),
            "p": rng.choice([150, 300, 450, 750, 1200]),
            "r": rng.randint(15, 30),
        }
        values["r2"] = values["r"] + 5
        effort = rng.choice(EFFORT).format(**values)
        pay = rng.choice(PAY).format(**values)
        company = rng.choice(COMPANIES)
        source = rng.choice(SOURCES)
        item = {
            "source": source,
            "source_id": str(100000 + number),
            "url": f"https://jobs.example.org/{company.split()[0].lower()}/{number}",
            "title": f"Micro-Internship: {title}" if rng.random() < 0.5 else title,
            "company": company,
            "description": f"<p>{text}</p><p>{effort}. {pay}.</p>{FILLER * rng.randint(1, 4)}",
            "location": rng.choice(["Remote", "Chicago, IL", "New York, NY", None]),
            "remote": None,
            "employment_type": rng.choice(["Contract", "Part-time", "Intern", None]),
            "posted_at": f"2026-11-{rng.randint(1, 20):02d}",
            "deadline": rng.choice([None, f"2026-12-{rng.randint(1, 28):02d}"]),
            "pay_text": None,
            "hours_text": None,
            "categories": categories,
            "scraped_at": "2026-11-25T02:30:00Z",
        }
        made.append(item)
        yield item
