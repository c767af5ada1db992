"""The sources registry: what the nightly crawl follows (`sources.toml`).

Each `[[sources]]` entry names a spider and what to crawl with it:

    [[sources]]
    name = "Algolia"              # display name
    spider = "greenhouse"         # a spider in spiders/
    board = "algolia"             # ATS spiders: the board token, site or company id
    # url = "https://..."         # jsonld and forage: a page or sitemap
    # base_url = "https://..."    # optional: another API host (e.g. Lever's EU host)
    # settings = { DOWNLOAD_DELAY = 2 }   # optional Scrapy setting overrides

Every other key is passed to the spider as an argument.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import PROJECT_ROOT

DEFAULT_SOURCES_FILE = PROJECT_ROOT / "sources.toml"
RESERVED = {"name", "spider", "settings", "enabled"}


class SourcesError(ValueError):
    """The sources file is malformed; the message says where."""


@dataclass(frozen=True)
class Source:
    name: str
    spider: str
    args: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    enabled: bool = True

    @property
    def key(self) -> str:
        """A short, filename-safe id such as `greenhouse-algolia`."""
        target = self.args.get("board") or self.name  # name defaults to the url
        target = re.sub(r"^https?://(www\.)?", "", target)
        slug = re.sub(r"[^a-z0-9]+", "-", target.lower()).strip("-")[:60]
        return f"{self.spider}-{slug}" if slug else self.spider


def parse_source(entry: dict[str, Any], where: str = "entry") -> Source:
    if not isinstance(entry.get("spider"), str) or not entry["spider"]:
        raise SourcesError(f"{where}: 'spider' is required")
    settings = entry.get("settings", {})
    if not isinstance(settings, dict):
        raise SourcesError(f"{where}: 'settings' must be a table")
    args = {k: str(v) for k, v in entry.items() if k not in RESERVED}
    if not args.get("board") and not args.get("url"):
        raise SourcesError(f"{where}: give 'board' (ATS spiders) or 'url' (page spiders)")
    name = str(entry.get("name") or args.get("board") or args.get("url"))
    return Source(
        name=name,
        spider=entry["spider"],
        args=args,
        settings={k: str(v) for k, v in settings.items()},
        enabled=bool(entry.get("enabled", True)),
    )


def load_sources(path: Path = DEFAULT_SOURCES_FILE) -> list[Source]:
    """Every entry of a sources file, in file order; raises SourcesError when malformed."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path}: {exc}") from exc
    entries = data.get("sources", [])
    if not isinstance(entries, list):
        raise SourcesError(f"{path}: 'sources' must be an array of tables ([[sources]])")
    sources = [parse_source(e, f"{path}: sources[{i}]") for i, e in enumerate(entries)]
    keys = [s.key for s in sources]
    duplicated = sorted({k for k in keys if keys.count(k) > 1})
    if duplicated:
        raise SourcesError(f"{path}: duplicate sources {', '.join(duplicated)}")
    return sources


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def format_source(entry: dict[str, Any]) -> str:
    """A `[[sources]]` block for a sources file, keys in a readable order."""
    order = ["name", "spider", "board", "url", "base_url"]
    keys = [k for k in order if k in entry] + [k for k in entry if k not in order]
    lines = ["[[sources]]"] + [f"{k} = {_toml_value(entry[k])}" for k in keys]
    return "\n".join(lines) + "\n"


def append_source(path: Path, entry: dict[str, Any]) -> bool:
    """Add an entry to a sources file unless the same source is there; True if added."""
    new = parse_source(entry)
    existing = load_sources(path) if Path(path).exists() else []
    if any(s.key == new.key for s in existing):
        return False
    text = Path(path).read_text(encoding="utf-8") if Path(path).exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    updated = text + ("\n" if text else "") + format_source(entry)
    tomllib.loads(updated)  # never write a file that no longer parses
    Path(path).write_text(updated, encoding="utf-8")
    return True
