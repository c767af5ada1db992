"""Accuracy of duplicate detection: the fictional dev set (`tests/devset/dedupe.jsonl`, with its
hard negatives) imported in capture order and scored pair by pair, within one source and across
sources; labelled pairs of real postings (`tests/realset/dedupe_pairs.jsonl`) over the captures
imported night after night; and every merge of the captures, to read by eye.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import PROJECT_ROOT
from pipeline.collect.raw import validate_item
from pipeline.measure.realset import real_items
from pipeline.measure.scores import _f1, _ratio, share_or_na
from pipeline.tagging.normalize import normalize_posting, normalize_postings

DEDUPE_DEVSET = PROJECT_ROOT / "tests" / "devset" / "dedupe.jsonl"
DEDUPE_HARD_NEGATIVES = PROJECT_ROOT / "tests" / "devset" / "dedupe_hard_negatives.jsonl"


@dataclass
class DedupeReport:
    postings: int = 0
    clusters: int = 0
    listings: int = 0
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    hard_negatives: int = 0
    hard_negatives_merged: list[tuple[str, str, str]] = field(default_factory=list)
    wrong_merges: list[tuple[str, str]] = field(default_factory=list)
    missed: list[tuple[str, str]] = field(default_factory=list)
    by_layer: Counter[str] = field(default_factory=Counter)
    # "within" one source or "across" sources -> tp, fp, fn of the pairs
    by_scope: dict[str, Counter[str]] = field(
        default_factory=lambda: {"within": Counter(), "across": Counter()}
    )

    @property
    def precision(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    def count_pair(self, a: str, b: str, same: bool, merged: bool) -> None:
        """Count a pair of postings (`source:source_id`): labelled the same opportunity or not,
        put in one listing or not; within one source or across sources."""
        scope = self.by_scope["within" if _source(a) == _source(b) else "across"]
        if same and merged:
            self.true_positives += 1
            scope["tp"] += 1
        elif merged:
            self.false_positives += 1
            scope["fp"] += 1
            self.wrong_merges.append((a, b))
        elif same:
            self.false_negatives += 1
            scope["fn"] += 1
            self.missed.append((a, b))


def evaluate_dedupe(
    examples: list[dict[str, Any]], hard_negatives: list[dict[str, Any]]
) -> DedupeReport:
    """Import the labelled postings in capture order into a fresh in-memory database, as a crawl
    would, then compare the listings formed with the labelled clusters, pair by pair."""
    from sqlite_utils import Database

    from pipeline.db import ensure_db_shape, import_postings

    db = Database(memory=True)
    ensure_db_shape(db)
    ordered = sorted(examples, key=lambda e: e["raw"].get("scraped_at") or "")
    for example in ordered:  # one import per capture, like nightly runs
        import_postings(db, [normalize_posting(validate_item(example["raw"]))])
    listing_of = {r["id"]: r["listing_id"] for r in db.query("select id, listing_id from postings")}
    layers = Counter(r["matched_by"] for r in db.query("select matched_by from postings"))
    cluster_of: dict[str, str] = {}
    for example in examples:
        cluster_of[f"{example['raw']['source']}:{example['raw']['source_id']}"] = example["cluster"]
    ids = sorted(cluster_of)
    report = DedupeReport(
        postings=len(ids),
        clusters=len(set(cluster_of.values())),
        listings=len(set(listing_of.values())),
        by_layer=layers,
    )
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            report.count_pair(a, b, cluster_of[a] == cluster_of[b], listing_of[a] == listing_of[b])
    for pair in hard_negatives:
        report.hard_negatives += 1
        if listing_of.get(pair["a"]) == listing_of.get(pair["b"]):
            report.hard_negatives_merged.append((pair["a"], pair["b"], pair.get("why", "")))
    return report


def night_time(night: str) -> str | None:
    """`20260808T202629505671Z` (a capture's name) as ISO 8601 UTC, or None."""
    if len(night) < 15 or night[8] != "T":
        return None
    return f"{night[:4]}-{night[4:6]}-{night[6:8]}T{night[9:11]}:{night[11:13]}:{night[13:15]}Z"


def import_captures(root: Path | str | None = None) -> tuple[Any, dict[str, str]]:
    """Every capture imported in time order into a fresh in-memory database, as nightly crawls
    would (each night's postings seen at the night's time): the database, and each posting id's
    board."""
    from sqlite_utils import Database

    from pipeline.db import ensure_db_shape, import_postings

    db = Database(memory=True)
    ensure_db_shape(db)
    boards: dict[str, str] = {}
    captures: dict[str, list[dict[str, Any]]] = {}
    for entry in real_items(root):
        raw = dict(entry["raw"])
        raw["scraped_at"] = night_time(entry["night"]) or raw.get("scraped_at")
        boards[f"{raw['source']}:{raw['source_id']}"] = entry["board"]
        captures.setdefault(f"{raw['scraped_at']} {entry['spider']} {entry['board']}", []).append(
            raw
        )
    for name in sorted(captures):  # one import per capture, in time order
        import_postings(db, normalize_postings([validate_item(raw) for raw in captures[name]]))
    return db, boards


def real_merges(root: Path | str | None = None, imported: Any = None) -> list[dict[str, Any]]:
    """Every listing of the captures (imported by `import_captures`) that holds more than one
    posting: its postings with source, board, title, layer and score."""
    db, boards = imported or import_captures(root)
    rows = db.query(
        "select p.listing_id, p.id, p.source, p.title, p.matched_by, p.match_score "
        "from postings p where p.listing_id in (select listing_id from postings "
        "group by listing_id having count(*) > 1) order by p.listing_id, p.first_seen, p.id"
    )
    merges: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        row["board"] = boards.get(row["id"])
        merges.setdefault(row.pop("listing_id"), []).append(row)
    return [{"listing_id": lid, "postings": postings} for lid, postings in merges.items()]


REAL_DEDUPE_PAIRS = PROJECT_ROOT / "tests" / "realset" / "dedupe_pairs.jsonl"


def evaluate_real_dedupe(
    pairs: list[dict[str, Any]], root: Path | str | None = None, imported: Any = None
) -> DedupeReport:
    """Labelled pairs of real postings of one board (`a`, `b` keys as in the real tagging set,
    `same`): whether the captures, imported night after night, put each pair in one listing."""
    db, _ = imported or import_captures(root)
    listing_of = {
        row["id"]: row["listing_id"] for row in db.query("select id, listing_id from postings")
    }
    report = DedupeReport(postings=len(listing_of), listings=len(set(listing_of.values())))
    for pair in pairs:
        a, b = (_posting_of_key(pair[side]) for side in ("a", "b"))
        if a not in listing_of or b not in listing_of:
            raise LookupError(f"labelled pair {pair['a']} + {pair['b']} is in no capture")
        merged = listing_of[a] == listing_of[b]
        report.count_pair(a, b, pair["same"], merged)
        report.hard_negatives += not pair["same"] and not merged  # kept apart
    return report


def _posting_of_key(key: str) -> str:
    """`ashby/board/id` (a real set key) -> `ashby:id` (a posting id)."""
    spider, _, source_id = key.split("/", 2)
    return f"{spider}:{source_id}"


def merges_joining_titles(merges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The merges that join, on one board, postings whose titles differ (but for case and
    spacing)."""
    wrong = []
    for merge in merges:
        by_board: dict[tuple[str, str | None], set[str]] = {}
        for posting in merge["postings"]:
            title = " ".join((posting["title"] or "").lower().split())
            by_board.setdefault((posting["source"], posting["board"]), set()).add(title)
        if any(len(titles) > 1 for titles in by_board.values()):
            wrong.append(merge)
    return wrong


def format_merges(merges: list[dict[str, Any]]) -> str:
    wrong = merges_joining_titles(merges)
    lines = [
        f"listings of several postings: {len(merges)}; joining different titles on one board: "
        f"{len(wrong)}"
    ]
    for merge in merges:
        lines.append(f"  {merge['listing_id']}")
        for posting in merge["postings"]:
            score = "" if posting["match_score"] is None else f" {posting['match_score']}"
            lines.append(
                f"    {posting['matched_by']}{score}: {posting['id']} ({posting['board']}) "
                f"{posting['title']!r}"
            )
    return "\n".join(lines)


def _source(posting_id: str) -> str:
    return posting_id.split(":", 1)[0]


def _scope_line(name: str, counts: Counter[str]) -> str:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    return (
        f"{name}: precision {share_or_na(tp, fp)}, recall {share_or_na(tp, fn)} "
        f"(tp {tp}, fp {fp}, fn {fn})"
    )


def format_dedupe_report(report: DedupeReport, show: int = 0) -> str:
    lines = [
        f"postings: {report.postings}, labelled clusters: {report.clusters}, "
        f"listings formed: {report.listings}",
        f"pairwise precision {report.precision:.3f}, recall {report.recall:.3f}, "
        f"F1 {report.f1:.3f} (tp {report.true_positives}, fp {report.false_positives}, "
        f"fn {report.false_negatives})",
        f"hard negatives kept apart: {report.hard_negatives - len(report.hard_negatives_merged)}"
        f"/{report.hard_negatives}",
        "postings by matching layer: "
        + ", ".join(f"{k} {v}" for k, v in sorted(report.by_layer.items())),
        _scope_line("pairs within one source", report.by_scope["within"]),
        _scope_line("pairs across sources", report.by_scope["across"]),
    ]
    for a, b in report.wrong_merges[:show]:
        lines.append(f"  wrongly merged: {a} + {b}")
    for a, b in report.missed[:show]:
        lines.append(f"  missed: {a} + {b}")
    return "\n".join(lines)
