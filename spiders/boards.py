"""Per-board accounting, so one process can crawl the boards of many sources.

`microintern crawl` runs the sources of one host and spider in one process
(`pipeline.collect.batch`). Each source keeps its own capture and its own `crawl_runs` row, so
everything is attributed to the board it belongs to (a request's `board` callback argument):

- `BoardDownloaderStats` (downloader middleware, beside Scrapy's DownloaderStats) counts each
  board's requests, response statuses, download exceptions, retries, cache hits and requests
  refused by robots.txt as `board/<board>/<Scrapy's stat name>`;
- `BoardHttpError` (replaces Scrapy's HttpErrorMiddleware) counts each board's ignored responses;
- `BoardCaptures` (extension) writes each board's items to its source's capture (setting
  `MICROINTERN_BOARD_CAPTURES`: a JSON object board -> path) and counts the errors logged about a
  board's requests (`board/<board>/log_count/ERROR`).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.exporters import JsonLinesItemExporter
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError, HttpErrorMiddleware
from scrapy.utils.python import global_object_name

PREFIX = "board/"


def board_of(request: Request | Response | None) -> str | None:
    """The board a request (or a response's request) was made for, if any."""
    if isinstance(request, Response):
        request = request.request
    if not isinstance(request, Request):
        return None
    board = request.meta.get("board") or request.cb_kwargs.get("board")
    return board if isinstance(board, str) else None


def inc_board(crawler: Crawler, board: str | None, key: str, count: int = 1) -> None:
    if board:
        crawler.stats.inc_value(f"{PREFIX}{board}/{key}", count)


class BoardDownloaderStats:
    """Scrapy's downloader stats, per board (placed right after DownloaderStats, 850)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoardDownloaderStats:
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        board = board_of(request)
        inc_board(self.crawler, board, "downloader/request_count")
        if request.meta.get("retry_times"):
            inc_board(self.crawler, board, "retry/count")

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        board = board_of(request)
        inc_board(self.crawler, board, f"downloader/response_status_count/{response.status}")
        inc_board(self.crawler, board, "downloader/response_bytes", len(response.body))
        if "cached" in response.flags:
            inc_board(self.crawler, board, "httpcache/hit")
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        board = board_of(request)
        inc_board(self.crawler, board, "downloader/exception_count")
        name = global_object_name(exception.__class__)
        inc_board(self.crawler, board, f"downloader/exception_type_count/{name}")
        if isinstance(exception, IgnoreRequest) and "robots.txt" in str(exception):
            inc_board(self.crawler, board, "robotstxt/forbidden")
        return None


class BoardHttpError(HttpErrorMiddleware):
    """Scrapy's HttpErrorMiddleware, also counting each board's ignored responses."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoardHttpError:
        middleware = super().from_crawler(crawler)
        middleware.board_crawler = crawler
        return middleware

    def process_spider_exception(self, response: Response, exception: Exception, *args: Any):
        result = super().process_spider_exception(response, exception, *args)
        if result is not None and isinstance(exception, HttpError):
            key = f"httperror/response_ignored_status_count/{response.status}"
            inc_board(self.board_crawler, board_of(response), key)
        return result


class _ErrorsByBoard(logging.Handler):
    """Counts ERROR records about a board's request or response (or with a `board` extra)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(logging.ERROR)
        self.crawler = crawler

    def emit(self, record: logging.LogRecord) -> None:
        board = getattr(record, "board", None)
        if not board:
            args = record.args
            values = args.values() if isinstance(args, dict) else args or ()
            for value in values:
                board = board_of(value)
                if board:
                    break
        inc_board(self.crawler, board, "log_count/ERROR")


class BoardCaptures:
    """Each board's items into its source's capture, and errors logged counted per board."""

    def __init__(self, crawler: Crawler, paths: dict[str, str]) -> None:
        self.crawler = crawler
        self.paths = {board: Path(path) for board, path in paths.items()}
        self.files: dict[Path, Any] = {}
        self.exporters: dict[Path, JsonLinesItemExporter] = {}
        self.handler = _ErrorsByBoard(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoardCaptures:
        paths = crawler.settings.getdict("MICROINTERN_BOARD_CAPTURES")
        if not paths:
            raise NotConfigured
        ext = cls(crawler, paths)
        logging.getLogger().addHandler(ext.handler)
        for path in ext.paths.values():  # every source gets a capture, empty when it has nothing
            ext._exporter(path)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def _exporter(self, path: Path) -> JsonLinesItemExporter:
        if path not in self.exporters:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.files[path] = path.open("wb")
            self.exporters[path] = JsonLinesItemExporter(self.files[path], encoding="utf-8")
            self.exporters[path].start_exporting()
        return self.exporters[path]

    def item_scraped(self, item: Any, response: Response, spider: Any) -> None:
        board = board_of(response)
        path = self.paths.get(board or "")
        if path is None:
            self.crawler.stats.inc_value("microintern/items_without_board")
            return
        self._exporter(path).export_item(item)
        inc_board(self.crawler, board, "item_scraped_count")

    def spider_closed(self, spider: Any, reason: str) -> None:
        logging.getLogger().removeHandler(self.handler)
        for path, exporter in self.exporters.items():
            exporter.finish_exporting()
            self.files[path].close()


def board_captures_setting(paths: dict[str, Path]) -> str:
    return json.dumps({board: str(path) for board, path in paths.items()})
