"""Alerts: the summary, a command hook and a webhook on 127.0.0.1; failures never raise."""

from __future__ import annotations

import json
import shlex
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from schedules.alerts import send_alert, summarize


class Receiver:
    """An HTTP server on 127.0.0.1 that records the JSON bodies POSTed to it."""

    def __init__(self, status: int = 204, delay: float = 0.0) -> None:
        self.received: list[dict] = []
        self.headers: list[dict[str, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(json.loads(body))
                receiver.headers.append(dict(self.headers))
                time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hooks/secret-token"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    started: list[Receiver] = []

    def start(**options) -> Receiver:
        started.append(Receiver(**options))
        return started[-1]

    yield start
    for server in started:
        server.close()


def stdin_to_file(path: Path) -> str:
    """A command line that writes its standard input to `path`."""
    code = "import sys, pathlib; pathlib.Path(sys.argv[1]).write_bytes(sys.stdin.buffer.read())"
    return shlex.join([sys.executable, "-c", code, str(path)])


RUNS = [
    {"source": "greenhouse-acme", "status": "ok", "reason": None, "items": 10, "new_listings": 2},
    {
        "source": "lever-beta",
        "status": "degraded",
        "reason": "health: item_drop: 2 items",
        "items": 2,
    },
    {"source": "ashby-gamma", "status": "failed", "reason": "timed out after 5 s", "items": 0},
]


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["ok", "ok"], "ok"),
        (["ok", "degraded"], "degraded"),
        (["ok", "failed"], "degraded"),
        (["failed", "failed"], "failed"),
        ([], "failed"),
    ],
)
def test_summary_status(statuses, expected):
    runs = [{"source": f"s{i}", "status": s, "items": 1} for i, s in enumerate(statuses)]
    assert summarize("r1", runs)["status"] == expected


def test_summary_counts_and_problems():
    summary = summarize("20261125T023000.000Z", RUNS)
    assert {k: summary[k] for k in ("sources", "ok", "degraded", "failed", "items")} == {
        "sources": 3,
        "ok": 1,
        "degraded": 1,
        "failed": 1,
        "items": 12,
    }
    assert summary["new_listings"] == 2
    assert summary["problems"] == [
        {"source": "lever-beta", "status": "degraded", "reason": "health: item_drop: 2 items"},
        {"source": "ashby-gamma", "status": "failed", "reason": "timed out after 5 s"},
    ]
    assert summary["text"] == (
        "microintern crawl 20261125T023000.000Z: degraded, 3 sources (1 ok, 1 degraded, "
        "1 failed), 12 items, 2 new listings. lever-beta degraded (health: item_drop: 2 items); "
        "ashby-gamma failed (timed out after 5 s)"
    )
    json.dumps(summary)  # plain JSON


def test_summary_of_a_run_that_could_not_start():
    summary = summarize("r1", [], error="sources.toml: duplicate sources x")
    assert summary["status"] == "failed"
    assert summary["text"] == "microintern crawl r1: failed: sources.toml: duplicate sources x"


def test_alert_reaches_the_webhook_and_the_command(receiver, tmp_path):
    hook = receiver()
    out = tmp_path / "alert.json"
    summary = summarize("r1", RUNS)
    problems = send_alert(summary, command=stdin_to_file(out), webhook_url=hook.url, timeout=5)
    assert problems == []
    assert hook.received == [summary]
    assert hook.headers[0]["Content-Type"] == "application/json"
    assert json.loads(out.read_text()) == summary


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("/nonexistent/alert-hook", "alert command failed: [Errno 2]"),
        (
            f"{sys.executable} -c 'import sys; sys.exit(\"mailbox full\")'",
            "exited with code 1 mailbox full",
        ),
        (f"{sys.executable} -c 'import time; time.sleep(5)'", "did not finish within 0.5 s"),
        ("'unclosed", "alert command failed: No closing quotation"),
    ],
)
def test_failing_command_is_reported_not_raised(command, message, caplog):
    problems = send_alert(summarize("r1", RUNS), command=command, timeout=0.5)
    assert len(problems) == 1 and message in problems[0]
    assert message in caplog.text


def test_failing_webhooks_are_reported_not_raised(receiver):
    refused = receiver()
    refused.close()  # nothing listens there any more
    cases = [
        (receiver(status=500).url, "alert webhook failed: http://127.0.0.1:"),
        (refused.url, "Connection refused"),
        (receiver(delay=2).url, "timed out"),
        ("file:///etc/passwd", "not an http(s) URL"),
    ]
    for url, message in cases:
        [problem] = send_alert(summarize("r1", RUNS), webhook_url=url, timeout=0.5)
        assert message in problem, (url, problem)
        assert "secret-token" not in problem  # the hook's path stays out of logs


def test_one_failing_hook_does_not_stop_the_other(receiver, tmp_path):
    hook = receiver()
    problems = send_alert(summarize("r1", RUNS), command="/nonexistent/hook", webhook_url=hook.url)
    assert len(problems) == 1 and problems[0].startswith("alert command failed")
    assert len(hook.received) == 1
