"""Telling a person when a crawl went wrong: a short JSON summary sent to a command (on its
standard input) and/or a webhook (HTTP POST). Sending never raises: a failure is logged and
returned, so a broken alert hook cannot break the crawl that reports through it.

The summary:

    {"run_id": "20261125T023000.123Z", "status": "degraded",
     "sources": 10, "ok": 8, "degraded": 1, "failed": 1, "items": 412, "new_listings": 9,
     "updated_listings": 3,
     "problems": [{"source": "greenhouse-acme", "status": "failed",
                   "reason": "timed out after 1800 s"}, ...],
     "text": "microintern crawl 20261125T023000.123Z: degraded, ..."}

`text` is one readable line, the field chat webhooks (Slack, Mattermost) display.
"""

from __future__ import annotations

import json
import logging
import shlex
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger("microintern.alerts")
USER_AGENT = "microintern-alerts/0.1"


def summarize(
    run_id: str, runs: Iterable[Mapping[str, Any]], error: str | None = None
) -> dict[str, Any]:
    """The summary of one crawl's `crawl_runs` rows: `ok` when every source is ok, `failed`
    when none worked (or the crawl could not start: `error`), `degraded` otherwise."""
    runs = list(runs)
    counts = {s: sum(1 for r in runs if r.get("status") == s) for s in ("ok", "degraded", "failed")}
    if error or not runs or counts["failed"] == len(runs):
        status = "failed"
    elif counts["ok"] == len(runs):
        status = "ok"
    else:
        status = "degraded"
    problems = [
        {"source": r.get("source"), "status": r.get("status"), "reason": r.get("reason") or ""}
        for r in runs
        if r.get("status") != "ok"
    ]
    summary: dict[str, Any] = {
        "run_id": run_id,
        "status": status,
        "sources": len(runs),
        **counts,
        "items": sum(int(r.get("items") or 0) for r in runs),
        "new_listings": sum(int(r.get("new_listings") or 0) for r in runs),
        "updated_listings": sum(int(r.get("updated_listings") or 0) for r in runs),
        "problems": problems,
    }
    if error:
        summary["error"] = error
    summary["text"] = summary_text(summary)
    return summary


def summary_headline(summary: Mapping[str, Any]) -> str:
    """The status and counts in one line."""
    text = f"microintern crawl {summary['run_id']}: {summary['status']}"
    if summary.get("error"):
        return f"{text}: {summary['error']}"
    return text + (
        f", {summary['sources']} sources ({summary['ok']} ok, {summary['degraded']} degraded, "
        f"{summary['failed']} failed), {summary['items']} items, "
        f"{summary['new_listings']} new listings"
    )


def summary_text(summary: Mapping[str, Any]) -> str:
    """The headline, then each source that is not ok with its reason."""
    problems = [
        f"{p['source']} {p['status']}" + (f" ({p['reason']})" if p["reason"] else "")
        for p in summary.get("problems", [])
    ]
    return summary_headline(summary) + (". " + "; ".join(problems) if problems else "")


def send_alert(
    summary: Mapping[str, Any],
    *,
    command: str | None = None,
    webhook_url: str | None = None,
    timeout: float = 10.0,
) -> list[str]:
    """Send `summary` to `command` (split like a shell line, not run by a shell; the JSON on
    its standard input) and/or POST it to `webhook_url`. Returns what went wrong, empty when
    everything was delivered; never raises."""
    payload = json.dumps(summary, ensure_ascii=False, indent=1).encode() + b"\n"
    problems = []
    if command:
        problems += _failed("alert command", _run_command, command, payload, timeout)
    if webhook_url:
        problems += _failed("alert webhook", _post_webhook, webhook_url, payload, timeout)
    return problems


def _failed(what: str, send, target: str, payload: bytes, timeout: float) -> list[str]:
    try:
        send(target, payload, timeout)
    except Exception as exc:  # an alert hook must never break the crawl it reports on
        message = f"{what} failed: {exc}"
        logger.error(message)
        return [message]
    logger.info("%s sent", what)
    return []


def _run_command(command: str, payload: bytes, timeout: float) -> None:
    args = shlex.split(command)
    if not args:
        raise ValueError("empty command")
    try:
        done = subprocess.run(args, input=payload, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"{args[0]} did not finish within {timeout:g} s") from exc
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
        raise RuntimeError(f"{args[0]} exited with code {done.returncode} {detail[0]}".strip())


def _post_webhook(url: str, payload: bytes, timeout: float) -> None:
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {_host(url)}")
    request = urllib.request.Request(
        url,
        data=payload,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"{_host(url)} answered HTTP {exc.code}") from exc
    except urllib.error.URLError as exc:
        raise RuntimeError(f"{_host(url)}: {exc.reason}") from exc


def _host(url: str) -> str:
    """Scheme and host only: webhook paths often carry a secret token, kept out of logs."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
