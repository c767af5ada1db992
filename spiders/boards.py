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
  board's requests (`board/<board>/log_count/ERROR`);
- `BoardProgress` (downloader middleware, first of all) tells when a board is done while the
  crawl goes on: all its start requests yielded, and each of its requests dropped or fully
  handled (downloaded, its callback's items through the pipelines, its follow-ups scheduled).
  `BoardCaptures` then closes the board's capture and appends a line to
  `MICROINTERN_BOARD_PROGRESS`: `{"board": ..., "stats": {its board/... stats}, "stray_errors":
  n}` (errors logged about no board so far), so the coordinator can import the source at once.
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
from twisted.internet.task import LoopingCall

PREFIX = "board/"
BOARD_FINISHED = object()  # signal: board=; every request of the board handled
PROGRESS_SECONDS = 0.1  # how often BoardProgress looks for boards done


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
        self.closed: set[Path] = set()
        self.finished: set[str] = set()
        progress = crawler.settings.get("MICROINTERN_BOARD_PROGRESS")
        self.progress = None
        if progress:
            Path(progress).parent.mkdir(parents=True, exist_ok=True)
            self.progress = open(progress, "w", encoding="utf-8")  # noqa: SIM115 (closed at the end)

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
        crawler.signals.connect(ext.board_finished, signal=BOARD_FINISHED)
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
        if path is None or path in self.closed:
            self.crawler.stats.inc_value("microintern/items_without_board")
            return
        self._exporter(path).export_item(item)
        inc_board(self.crawler, board, "item_scraped_count")

    def board_finished(self, board: str) -> None:
        """Close a finished board's capture (when no other board shares it) and report the
        board with its stats on a line of the progress file."""
        path = self.paths.get(board)
        if self.progress is None or path is None:
            return
        self.finished.add(board)
        if all(b in self.finished for b, p in self.paths.items() if p == path):
            self._close(path)
        stats = self.crawler.stats.get_stats()
        prefix = f"{PREFIX}{board}/"
        own = {k: v for k, v in stats.items() if k.startswith(prefix)}
        errors = "/log_count/ERROR"
        attributed = sum(
            int(v) for k, v in stats.items() if k.startswith(PREFIX) and k.endswith(errors)
        )
        stray = int(stats.get("log_count/ERROR", 0)) - attributed
        line = {"board": board, "stats": own, "stray_errors": max(stray, 0)}
        self.progress.write(json.dumps(line, sort_keys=True) + "\n")
        self.progress.flush()

    def _close(self, path: Path) -> None:
        if path in self.exporters and path not in self.closed:
            self.exporters[path].finish_exporting()
            self.files[path].close()
        self.closed.add(path)

    def spider_closed(self, spider: Any, reason: str) -> None:
        logging.getLogger().removeHandler(self.handler)
        for path in self.exporters:
            self._close(path)
        if self.progress is not None:
            self.progress.close()


class BoardProgress:
    """Sends BOARD_FINISHED for each board once its start requests are all yielded and each of
    its requests was dropped or fully handled: taken from the scheduler (this middleware's
    `process_request`, first of all) and no longer in the downloader or the scraper. Only with
    `MICROINTERN_BOARD_PROGRESS`, and only while the crawl runs (not while it closes)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.pending: dict[str, set[Request]] = {}  # board -> its requests not yet handled
        self.taken: set[Request] = set()
        self.sent: set[str] = set()
        self.loop = LoopingCall(self.look)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoardProgress:
        if not crawler.settings.get("MICROINTERN_BOARD_PROGRESS"):
            raise NotConfigured
        progress = cls(crawler)
        crawler.signals.connect(progress.scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(progress.dropped, signal=signals.request_dropped)
        crawler.signals.connect(progress.opened, signal=signals.spider_opened)
        crawler.signals.connect(progress.closed, signal=signals.spider_closed)
        return progress

    def scheduled(self, request: Request, spider: Any = None) -> None:
        board = board_of(request)
        if board:
            self.pending.setdefault(board, set()).add(request)

    def dropped(self, request: Request, spider: Any = None) -> None:
        self.pending.get(board_of(request) or "", set()).discard(request)

    def process_request(self, request: Request, spider: Any = None) -> None:
        if board_of(request):
            self.taken.add(request)

    def opened(self, spider: Any) -> None:
        self.loop.start(PROGRESS_SECONDS, now=False)

    def closed(self, spider: Any, reason: str) -> None:
        if self.loop.running:
            self.loop.stop()

    def look(self) -> None:
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        if not (self.crawler.crawling and engine and engine.running and slot is not None):
            return
        if slot.closing is not None:  # closing: what is left is judged with the process
            return
        scraping = engine.scraper.slot
        busy = set(engine.downloader.active)
        if scraping is not None:
            busy |= scraping.active | {request for _, request, _ in scraping.queue}
        started = getattr(self.crawler.spider, "started_boards", set())
        for board, requests in self.pending.items():
            if board in self.sent:
                continue
            handled = {r for r in requests if r in self.taken and r not in busy}
            requests -= handled
            self.taken -= handled
            if not requests and board in started:
                self.sent.add(board)
                self.crawler.signals.send_catch_log(BOARD_FINISHED, board=board)


def board_captures_setting(paths: dict[str, Path]) -> str:
    return json.dumps({board: str(path) for board, path in paths.items()})
