"""The nightly crawl's configuration: `NightlyConfig`, read from a TOML file by `load_config`
(see schedules/nightly.toml); a value out of range or an unknown key is a `ConfigError`."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.collect.lock import crawl_lock_file
from pipeline.collect.sources import DEFAULT_SOURCES_FILE
from schedules.health import DEFAULT_THRESHOLDS, Thresholds

DEFAULT_CONFIG_FILE = Path(__file__).resolve().parent / "nightly.toml"
MAX_JITTER = 3600
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ConfigError(ValueError):
    """The nightly configuration is invalid; the message says where."""


@dataclass(frozen=True)
class NightlyConfig:
    """Everything a nightly run needs. Relative paths are taken from the working directory."""

    time: str = "02:30"
    timezone: str = "UTC"
    jitter_seconds: int = 600
    misfire_grace_hours: float = 6.0
    parallel: int = 1
    timeout_seconds: float = 1800.0
    scrapyd: str = ""  # Scrapyd node URLs, comma-separated: crawl on them (distributed.py)
    scrapyd_slots: int = 2
    settings: Mapping[str, str] = field(default_factory=dict)
    health: Thresholds = DEFAULT_THRESHOLDS
    alert_command: str = ""
    webhook_url: str = ""
    alert_timeout_seconds: float = 10.0
    db: Path = Path("data/listings.db")
    sources: Path = DEFAULT_SOURCES_FILE
    data_dir: Path | None = None
    jobstore: Path = Path("data/scheduler.db")
    log_dir: Path = Path("data/logs")
    keep_nights: int = 30  # retention: older crawl nights are pruned after a run; 0: never

    def __post_init__(self) -> None:
        def coerce(name: str, kind: type) -> None:
            try:
                object.__setattr__(self, name, kind(getattr(self, name)))
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"{name}: expected {kind.__name__}, got {exc}") from exc

        for name in ("jitter_seconds", "parallel", "scrapyd_slots", "keep_nights"):
            coerce(name, int)
        for name in ("misfire_grace_hours", "timeout_seconds", "alert_timeout_seconds"):
            coerce(name, float)
        for name in ("db", "sources", "jobstore", "log_dir"):
            coerce(name, Path)
        if self.data_dir is not None:
            coerce("data_dir", Path)
        object.__setattr__(self, "settings", {str(k): str(v) for k, v in self.settings.items()})
        if not TIME.match(str(self.time)):
            raise ConfigError(f"time: expected HH:MM, got {self.time!r}")
        try:
            ZoneInfo(str(self.timezone))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"timezone: unknown time zone {self.timezone!r}") from exc
        if not 0 <= self.jitter_seconds <= MAX_JITTER:
            raise ConfigError(f"jitter_seconds: expected 0 to {MAX_JITTER}")
        if self.parallel < 1:
            raise ConfigError("parallel: expected 1 or more")
        if self.keep_nights < 0:
            raise ConfigError("keep_nights: expected 0 or more")
        for name in ("misfire_grace_hours", "timeout_seconds", "alert_timeout_seconds"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name}: expected a positive number")

    @property
    def hour(self) -> int:
        return int(self.time.split(":")[0])

    @property
    def minute(self) -> int:
        return int(self.time.split(":")[1])

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def misfire_grace_seconds(self) -> int:
        return round(self.misfire_grace_hours * 3600)

    @property
    def lock_file(self) -> Path:
        """Beside the database: every run on that database takes it."""
        return crawl_lock_file(self.db)

    def with_overrides(self, **values: Any) -> NightlyConfig:
        """A copy with the values that are not None replaced (command-line flags)."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        """Plain values only: what the job store keeps as the job's argument."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["health"] = asdict(self.health)
        data["settings"] = dict(self.settings)
        for name in ("db", "sources", "data_dir", "jobstore", "log_dir"):
            data[name] = None if data[name] is None else str(data[name])
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NightlyConfig:
        values = dict(data)
        values["health"] = Thresholds(**values.get("health", {}))
        return cls(**values)


# TOML section -> {key: NightlyConfig field}; [health] keys are the Thresholds fields.
SECTIONS: dict[str, dict[str, str]] = {
    "schedule": {k: k for k in ("time", "timezone", "jitter_seconds", "misfire_grace_hours")},
    "crawl": {
        k: k for k in ("parallel", "timeout_seconds", "settings", "scrapyd", "scrapyd_slots")
    },
    "health": {f.name: f.name for f in fields(Thresholds)},
    "alerts": {
        "command": "alert_command",
        "webhook_url": "webhook_url",
        "timeout_seconds": "alert_timeout_seconds",
    },
    "retention": {"keep_nights": "keep_nights"},
    "paths": {
        "db": "db",
        "sources": "sources",
        "data": "data_dir",
        "jobstore": "jobstore",
        "logs": "log_dir",
    },
}


def load_config(path: Path = DEFAULT_CONFIG_FILE) -> NightlyConfig:
    """The configuration in a TOML file (see schedules/nightly.toml); unknown keys are errors."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    values: dict[str, Any] = {}
    health: dict[str, Any] = {}
    for section, table in data.items():
        if section not in SECTIONS or not isinstance(table, dict):
            raise ConfigError(f"{path}: unknown section [{section}]")
        for key, value in table.items():
            if key not in SECTIONS[section]:
                raise ConfigError(f"{path}: unknown key {key!r} in [{section}]")
            target = health if section == "health" else values
            target[SECTIONS[section][key]] = value
    try:
        return NightlyConfig(**values, health=Thresholds(**health))
    except (ConfigError, TypeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
