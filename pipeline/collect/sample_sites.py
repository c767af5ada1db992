"""A small HTTP server for bundled sample sites and test fixtures, bound to 127.0.0.1.

It serves a directory the way the real sources answer. A request is answered by the first file
that exists of: `<path>@<query>` and `<path>@<query>.json` (the exact query string, for paginated
APIs: `/v0/postings/acme?mode=json&skip=2` -> `v0/postings/acme@mode=json&skip=2.json`), then
`<path>`, `<path>.json` and `<path>/index.html` (query ignored). `.json` files are served as
`application/json`, and `{{base_url}}` in text files is replaced by the server's own address so
sitemaps and pages can carry absolute links. Responses carry an `ETag` and a `Last-Modified`
date, and a matching `If-None-Match` gets a `304 Not Modified`, as a real server does. Extra
`routes` map a path to `(status, body)`, `(status, body, headers)` or a callable returning one,
for tests of failing servers. `requests` and `request_times` record what was asked and when.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
import time
from collections.abc import Callable
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

Answer = tuple[int, bytes | str] | tuple[int, bytes | str, dict[str, str]]
Route = Answer | Callable[[], Answer]
TEXT_TYPES = {"application/json", "application/xml", "text/xml", "text/html", "text/plain"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog is 5 connections: two crawls at 16 requests at a time can
    # overflow it, and a connection beyond it waits about a second for the client's retry.
    request_queue_size = 128


class SampleSites:
    """Serve `root` on 127.0.0.1 in a background thread; use as a context manager."""

    def __init__(self, root: Path, port: int = 0, routes: dict[str, Route] | None = None) -> None:
        self.root = Path(root).resolve()
        self.routes = dict(routes or {})
        self.requests: list[str] = []
        self.request_times: list[tuple[float, str]] = []
        self.bytes_sent = 0
        handler = self._make_handler()
        self.httpd = _Server(("127.0.0.1", port), handler)
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> SampleSites:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def resolve(self, path: str, query: str = "") -> Path | None:
        """The file that answers `path?query`, or None."""
        relative = unquote(path).lstrip("/")
        candidates = [relative, relative + ".json", relative.rstrip("/") + "/index.html"]
        if query:
            with_query = f"{relative.rstrip('/')}@{unquote(query)}"
            candidates = [with_query, with_query + ".json", *candidates]
        for candidate in candidates:
            target = (self.root / candidate).resolve()
            if target.is_file() and target.is_relative_to(self.root):
                return target
        return None

    def _make_handler(self) -> type[BaseHTTPRequestHandler]:
        sites = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                parts = urlsplit(self.path)
                path = parts.path
                sites.requests.append(self.path)
                sites.request_times.append((time.monotonic(), self.path))
                if path in sites.routes:
                    route = sites.routes[path]
                    status, body, *extra = route() if callable(route) else route
                    headers = extra[0] if extra else {}
                    ctype = headers.pop("Content-Type", "application/json")
                    self._send(status, body, ctype, headers)
                    return
                target = sites.resolve(path, parts.query)
                if target is None:
                    self._send(404, "not found", "text/plain")
                    return
                # API captures saved without an extension are JSON too.
                ctype = mimetypes.guess_type(target.name)[0] or "application/json"
                body = target.read_bytes()
                if ctype in TEXT_TYPES:
                    body = body.replace(b"{{base_url}}", sites.base_url.encode())
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                modified = formatdate(target.stat().st_mtime, usegmt=True)
                headers = {"ETag": etag, "Last-Modified": modified}
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", ctype, headers)
                    return
                self._send(200, body, ctype, headers)

            def _send(
                self,
                status: int,
                body: bytes | str,
                ctype: str,
                headers: dict[str, str] | None = None,
            ) -> None:
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                charset = "; charset=utf-8" if ctype.startswith(("text/", "application/")) else ""
                self.send_header("Content-Type", ctype + charset)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(data)
                sites.bytes_sent += len(data) if status != 304 else 0

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler
