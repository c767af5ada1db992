"""Base spiders: what every microintern spider shares.

`BaseSpider` handles the common arguments (`-a base_url=`, `-a run_id=`), stamps every item with
its source and crawl time, and counts parse failures so a run can report them.
`BoardSpider` adds `-a board=TOKEN[,TOKEN...]` for applicant-tracking-system APIs.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response

from spiders.boards import board_of, inc_board
from spiders.fields import plain_text, text_or_none, valid_id
from spiders.items import RawListing


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def run_id_for(moment: datetime) -> str:
    """A sortable, filename-safe run id such as `20261125T021500Z`."""
    return moment.strftime("%Y%m%dT%H%M%SZ")


def split_arg(value: str | Iterable[str] | None) -> list[str]:
    """`"a, b,,c"` -> `["a", "b", "c"]`; lists pass through cleaned."""
    if value is None:
        return []
    parts = value.split(",") if isinstance(value, str) else list(value)
    return [p.strip() for p in parts if p and p.strip()]


def _describe(data: Any) -> str:
    """A short description of an unexpected JSON value, for error messages."""
    if isinstance(data, dict):
        error = data.get("error") or data.get("message")
        return f"an error object ({error})" if isinstance(error, str) else "another object"
    return "null" if data is None else type(data).__name__


class BaseSpider(scrapy.Spider):
    """Common arguments and item stamping for every spider.

    Arguments: `base_url` points the spider's API host at a mirror or a test server;
    `run_id` names the raw capture file (set by `microintern crawl`).
    """

    # Used by BaseSpider: the public host the spider talks to unless `-a base_url=` is given.
    default_base_url: str = ""

    def __init__(
        self, *args: Any, base_url: str | None = None, run_id: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        started = utc_now()
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        self.run_id = run_id or run_id_for(started)
        self.scraped_at = started.isoformat().replace("+00:00", "Z")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> BaseSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.raw_dir = crawler.settings.get("MICROINTERN_RAW_DIR", "data/raw")  # feed path
        return spider

    def make_item(self, **values: Any) -> RawListing:
        return RawListing(source=self.name, scraped_at=self.scraped_at, **values)

    def load_json(self, response: Response) -> Any | None:
        """The response body as JSON, or None after logging a clear error."""
        try:
            return json.loads(response.text)
        except (ValueError, AttributeError) as exc:
            self.parse_failed(response, f"response is not valid JSON ({exc})")
            return None

    def load_json_list(self, response: Response, key: str | None = None) -> list[Any] | None:
        """The list under `key` of a JSON object response (the whole response when `key` is
        None), or None after logging a clear error."""
        try:
            data = json.loads(response.text)
        except (ValueError, AttributeError) as exc:
            self.parse_failed(response, f"response is not valid JSON ({exc})")
            return None
        found = data if key is None else data.get(key) if isinstance(data, dict) else None
        if isinstance(found, list):
            return found
        expected = "a JSON array" if key is None else f'an object with a "{key}" list'
        self.parse_failed(response, f"expected {expected}, got {_describe(data)}")
        return None

    def parse_failed(self, response: Response, reason: str) -> None:
        """Log and count a page that could not be parsed; the crawl goes on."""
        board = board_of(response)
        self.logger.error("Could not parse %s: %s", response.url, reason, extra={"board": board})
        self.count("microintern/parse_errors", board)

    def required_fields(
        self, response: Response, name: str, entry: Any, keys: tuple[str, str, tuple[str, ...]]
    ) -> tuple[str, str, str] | None:
        """An API entry's id, title and URL, from `keys` (the id's, the title's, and the URL's in
        order of preference), or None after counting a parse failure: `name` ("job 3") is not an
        object, or lacks one of them."""
        if not isinstance(entry, dict):
            self.parse_failed(response, f"{name} is not an object")
            return None
        id_key, title_key, url_keys = keys
        source_id, title = entry.get(id_key), plain_text(entry.get(title_key))
        url = next(filter(None, (text_or_none(entry.get(key)) for key in url_keys)), None)
        if not valid_id(source_id) or not title or not url:
            wanted = f"an id ({id_key}), a title ({title_key}) or a URL ({', '.join(url_keys)})"
            self.parse_failed(response, f"{name} lacks {wanted}")
            return None
        return str(source_id), title, url

    def count(self, key: str, board: str | None = None) -> None:
        """Count `key` in the crawl's stats, and for `board` too (spiders.boards)."""
        self.crawler.stats.inc_value(key)
        inc_board(self.crawler, board, key)


class BoardSpider(BaseSpider):
    """A spider for an applicant-tracking system's public board API.

    Takes `-a board=TOKEN[,TOKEN...]` and requests `board_url(token)` for each board.
    """

    def __init__(self, *args: Any, board: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.boards = split_arg(board)
        if not self.boards:
            raise ValueError(f"spider {self.name!r} needs -a board=TOKEN[,TOKEN...]")

    def board_url(self, board: str) -> str:
        raise NotImplementedError

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.started_boards: set[str] = set()  # every start request yielded (spiders.boards)
        for board in self.boards:
            yield scrapy.Request(self.board_url(board), cb_kwargs={"board": board})
            self.started_boards.add(board)
