"""The few Scrapyd 1.6 JSON API calls the coordinator makes (pipeline.collect.distributed), and
the project's egg that `addversion.json` takes.

A node is a URL such as `http://user:secret@10.0.0.5:6800` (basic auth from the user info, as
Scrapyd's `username` / `password` settings expect). Every answer is JSON with `status` `ok` or
`error`; a node that does not answer raises `NodeDown`.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

PROJECT = "microintern"
ROOT = Path(__file__).resolve().parents[2]
EGG_PACKAGES = ("spiders",)  # what a crawl needs on a node: the spiders and their settings


class ScrapydError(Exception):
    """A node answered, with an error."""


class NodeDown(Exception):
    """A node did not answer (refused, timed out, or not Scrapyd)."""


@dataclass
class Node:
    url: str  # without credentials
    auth: tuple[str, str] | None = None
    timeout: float = 10.0
    alive: bool = True
    running: dict[str, Any] = field(default_factory=dict)  # Scrapyd job id -> task

    @classmethod
    def parse(cls, text: str, timeout: float = 10.0) -> Node:
        parts = urlsplit(text.strip().rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not a Scrapyd URL: {text!r} (expected http://host:6800)")
        auth = (parts.username or "", parts.password or "") if parts.username else None
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        return cls(urlunsplit((parts.scheme, netloc, parts.path, "", "")), auth, timeout)

    def call(self, endpoint: str, data: Any = None, files: Any = None) -> dict[str, Any]:
        """GET (no data) or POST one API endpoint; the JSON answer when its status is ok."""
        try:
            with httpx.Client(auth=self.auth, timeout=self.timeout) as client:
                if data is None and files is None:
                    answer = client.get(f"{self.url}/{endpoint}", params={"project": PROJECT})
                else:
                    answer = client.post(f"{self.url}/{endpoint}", data=data, files=files)
            body = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise NodeDown(f"{self.url} does not answer: {type(exc).__name__}: {exc}") from exc
        if answer.status_code == 401:
            raise ScrapydError(f"{self.url}: wrong or missing credentials")
        if body.get("status") != "ok":
            raise ScrapydError(f"{self.url}/{endpoint}: {body.get('message', body)}")
        return body

    def deploy(self, egg: bytes, version: str) -> None:
        files = {"egg": (f"{PROJECT}-{version}.egg", egg, "application/octet-stream")}
        self.call("addversion.json", {"project": PROJECT, "version": version}, files)

    def schedule(self, spider: str, args: dict[str, str], settings: dict[str, str], version: str):
        data = {"project": PROJECT, "spider": spider, "_version": version, **args}
        data["setting"] = [f"{key}={value}" for key, value in settings.items()]
        return self.call("schedule.json", data)["jobid"]

    def jobs(self) -> dict[str, set[str]]:
        """Job ids by state: `pending`, `running`, `finished`."""
        body = self.call("listjobs.json")
        return {state: {job["id"] for job in body.get(state, [])} for state in STATES}

    def cancel(self, job: str, signal: str = "INT") -> None:
        self.call("cancel.json", {"project": PROJECT, "job": job, "signal": signal})


STATES = ("pending", "running", "finished")


def build_egg(root: Path = ROOT) -> tuple[bytes, str]:
    """The project's egg for `addversion.json` (the spiders package, and the entry point that
    names its settings) and a version from its content, so an unchanged project is not
    deployed as a new version."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as egg:
        for package in EGG_PACKAGES:
            for path in sorted((root / package).rglob("*.py")):
                egg.write(path, path.relative_to(root).as_posix())
        egg.writestr("EGG-INFO/PKG-INFO", f"Metadata-Version: 2.1\nName: {PROJECT}\nVersion: 1\n")
        egg.writestr("EGG-INFO/entry_points.txt", "[scrapy]\nsettings = spiders.settings\n")
        egg.writestr("EGG-INFO/top_level.txt", "\n".join(EGG_PACKAGES) + "\n")
        egg.writestr("EGG-INFO/zip-safe", "")
    data = buffer.getvalue()
    digest = hashlib.sha256()
    for package in EGG_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode() + path.read_bytes())
    return data, "r" + digest.hexdigest()[:12]


def schedule_parts(command: list[str]) -> tuple[str, dict[str, str], dict[str, str]]:
    """`scrapy crawl SPIDER -a k=v ... -s K=V ...` (spider_command) as Scrapyd's spider, spider
    arguments and settings."""
    spider = command[command.index("crawl") + 1]
    args: dict[str, str] = {}
    settings: dict[str, str] = {}
    for flag, value in zip(command, command[1:], strict=False):
        if flag in ("-a", "-s"):
            key, _, rest = value.partition("=")
            (args if flag == "-a" else settings)[key] = rest
    return spider, args, settings
