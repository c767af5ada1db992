"""The raw item contract: what every spider yields and `microintern import` accepts.

A raw item is one posting as a source shows it, before any cleaning or tagging. Spiders keep the
source's structured signals (employment type, hours, deadline, pay, categories, remote) so the
pipeline can prefer them over free text. Unknown values are None, never guessed.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields


@dataclass
class RawListing:
    source: str  # spider or feed name, e.g. "greenhouse", "jsonld", "parkerdewey-export"
    source_id: str  # the posting's id on that source, stable across crawls
    url: str  # where a student reads about and applies to the posting
    title: str
    company: str
    description: str  # HTML or plain text, as the source gives it
    location: str | None = None
    remote: bool | None = None  # only when the source says so explicitly
    employment_type: str | None = None  # source's own wording, e.g. "Contract", "PART_TIME"
    posted_at: str | None = None  # ISO 8601 date or datetime
    deadline: str | None = None  # ISO 8601 date or datetime
    pay_text: str | None = None
    hours_text: str | None = None  # source's own statement of effort, e.g. "10-15 hours"
    categories: list[str] = field(default_factory=list)  # departments, functions, tags
    scraped_at: str | None = None  # ISO 8601 UTC time the posting was seen


REQUIRED_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(RawListing) if f.default is MISSING and f.default_factory is MISSING
)
RAW_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(RawListing))
