"""Real postings for measuring the tagging: captured public board responses, read by our spiders.

A capture folder (`MICROINTERN_REALDATA`, by default `../shared/realdata` beside the project)
holds `ashby/<board>.json`, bodies of the Ashby Job Postings API, and
`nights/<spider>/<board>/<time>.json`, one board's Greenhouse or Lever response on several
nights. `real_items` turns each body into raw items with the spider's own `parse`, in process,
exactly as a crawl of that body would. The labelled set (`tests/realset/labels.jsonl`) is keyed
by spider, board and source id; `in_test_part` sets aside its frozen test part by a seeded hash
of that key.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import re
from collections.abc import Iterator
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from pipeline import PROJECT_ROOT

DEFAULT_REALDATA = PROJECT_ROOT.parent / "shared" / "realdata"
REAL_LABELS = PROJECT_ROOT / "tests" / "realset" / "labels.jsonl"
# The public endpoint each capture is a body of: the spider reads it as from that URL.
ENDPOINTS = {
    "ashby": "https://api.ashbyhq.com/posting-api/job-board/{board}?includeCompensation=true",
    "greenhouse": "https://boards-api.greenhouse.io/v1/boards/{board}/jobs?content=true",
    "lever": "https://api.lever.co/v0/postings/{board}?mode=json&skip=0&limit=1000",
}
TEST_SHARE = 30  # percent of the labelled keys in the frozen test part
SPLIT_SEED = "microintern-realset-1"


def realdata_root(root: Path | str | None = None) -> Path:
    """The capture folder: `root`, else `$MICROINTERN_REALDATA`, else `../shared/realdata`."""
    return Path(root or os.environ.get("MICROINTERN_REALDATA") or DEFAULT_REALDATA)


def label_key(spider: str, board: str, source_id: str) -> str:
    return f"{spider}/{board}/{source_id}"


def in_test_part(key: str) -> bool:
    """Whether a labelled posting is in the frozen test part: 30% of keys, by a seeded hash."""
    digest = hashlib.sha256(f"{SPLIT_SEED}:{key}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < TEST_SHARE


def parse_body(spider_name: str, board: str, body: bytes) -> list[dict[str, Any]]:
    """The raw items our spider yields for one response body of `board`'s API."""
    from scrapy.http import TextResponse

    from spiders.items import RawListing

    crawler = _crawler(spider_name)
    arguments = {"limit": "1000"} if spider_name == "lever" else {}
    spider = crawler.spidercls.from_crawler(crawler, board=board, **arguments)
    url = ENDPOINTS[spider_name].format(board=board)
    response = TextResponse(url=url, body=body, encoding="utf-8")
    # An empty board is worth a warning in a crawl, not in a measurement of captures.
    spider_log = logging.getLogger(spider_name)
    level = spider_log.level
    spider_log.setLevel(logging.ERROR)
    try:
        items = list(spider.parse(response, board=board))
    finally:
        spider_log.setLevel(level)
    return [asdict(item) for item in items if isinstance(item, RawListing)]


@cache
def _crawler(spider_name: str) -> Any:
    """One crawler a spider, for every body parsed in this process: making one copies all of
    Scrapy's settings (about 20 ms, most of the time to parse a small capture)."""
    from scrapy.utils.test import get_crawler

    from spiders.ashby import AshbySpider
    from spiders.greenhouse import GreenhouseSpider
    from spiders.lever import LeverSpider

    spiders = {"ashby": AshbySpider, "greenhouse": GreenhouseSpider, "lever": LeverSpider}
    return get_crawler(spiders[spider_name])


def captures(root: Path | str | None = None) -> Iterator[tuple[str, str, str, Path]]:
    """`(spider, board, night, path)` of every capture, nights in order ("" for Ashby's)."""
    folder = realdata_root(root)
    for path in sorted((folder / "ashby").glob("*.json")):
        yield "ashby", path.stem, "", path
    for path in sorted((folder / "nights").glob("*/*/*.json")):
        if not path.name.endswith(".metadata.json"):
            yield path.parent.parent.name, path.parent.name, path.stem, path


def real_items(root: Path | str | None = None) -> Iterator[dict[str, Any]]:
    """Every raw item of every capture, as `{"key", "spider", "board", "night", "raw"}` (each
    `raw` a new dict: callers may change it)."""
    for spider, board, night, path in captures(root):
        stat = path.stat()
        for raw in _parsed(spider, board, str(path), stat.st_mtime_ns, stat.st_size):
            key = label_key(spider, board, raw["source_id"])
            yield {"key": key, "spider": spider, "board": board, "night": night, "raw": dict(raw)}


@cache
def _parsed(
    spider: str, board: str, path: str, mtime_ns: int, size: int
) -> tuple[dict[str, Any], ...]:
    """A capture's raw items, parsed once a process (the measurements and their tests read
    the same captures again and again; a changed file is parsed anew)."""
    return tuple(parse_body(spider, board, Path(path).read_bytes()))


def latest_items(root: Path | str | None = None) -> dict[str, dict[str, Any]]:
    """Each posting once, as its last night showed it, by key."""
    latest: dict[str, dict[str, Any]] = {}
    for entry in real_items(root):
        latest[entry["key"]] = entry
    return latest


# Postings a realistic board holds few of, all labelled: not-permanent employment types, and titles
# that name an internship, part-time, contract, temporary or early-career role in any language.
SPECIAL_EMPLOYMENT = re.compile(
    r"(?i)contract|intern|part|temporary|stage|accelerator|pioneer|fixed|freelance|ftc"
)
SPECIAL_TITLE = re.compile(
    r"(?i)\b(?:intern|internship|stage|stagiaire|alternance|alternant|apprenti\w*|part[- ]time"
    r"|contract\w*|freelance|temporary|temp|working student|werkstudent|trainee|praktikum"
    r"|fixed[- ]term|seasonal|graduate|student|junior)\b"
)
# Seeded random samples of the other postings, each of what the ones before left, as
# `(seed, size)`, labelled one after another: the first; a second as large, labelled later, for
# more regular jobs to find the tagging's mistakes on (most postings of real boards are regular
# jobs); a third, of 200, bringing regular jobs nearer their share of real boards.
SAMPLES = ((20261204, 150), (20261205, 150), (20261206, 200))


def keys_to_label(items: dict[str, dict[str, Any]]) -> list[str]:
    """Every special posting (SPECIAL_EMPLOYMENT, SPECIAL_TITLE), then each of SAMPLES of what
    is left: the keys of the labelled set, in order."""
    special = [
        key
        for key, entry in sorted(items.items())
        if SPECIAL_EMPLOYMENT.search(entry["raw"]["employment_type"] or "")
        or SPECIAL_TITLE.search(entry["raw"]["title"])
    ]
    keys, left = special, set(items) - set(special)
    for seed, size in SAMPLES:
        shuffled = sorted(left)
        random.Random(seed).shuffle(shuffled)
        sample = sorted(shuffled[:size])
        keys, left = keys + sample, left - set(sample)
    return keys
