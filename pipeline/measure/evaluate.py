"""Accuracy of the tagging on a labelled set (`tests/devset/tagging.jsonl`).

Each line holds `{"raw": <raw item>, "labels": {...}}`. `evaluate_tagging` runs the same
normalization as an import and compares: hour range, exact hours, industry (the label or one of
`industry_ok`), is_micro (precision, recall, F1) and kind, with the most frequent confusions.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import PROJECT_ROOT
from pipeline.collect.raw import validate_item
from pipeline.measure.realset import (
    in_test_part,
    label_key,
    latest_items,
    real_items,
    realdata_root,
)
from pipeline.tagging.normalize import normalize_posting, normalize_postings

TAGGING_DEVSET = PROJECT_ROOT / "tests" / "devset" / "tagging.jsonl"


@dataclass
class TaggingReport:
    total: int = 0
    hour_range_ok: int = 0
    hours_ok: int = 0
    industry_ok: int = 0
    kind_ok: int = 0
    remote_ok: int = 0
    remote_labelled: int = 0
    pay_unit_ok: int = 0
    pay_unit_labelled: int = 0
    hours_unlabelled: int = 0  # hours given where the label has none
    micro: Counter[str] = field(default_factory=Counter)  # tp, fp, fn, tn
    industry_confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    hour_range_confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    kind_confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def share(self, count: int) -> float:
        return count / self.total if self.total else 0.0

    @property
    def micro_precision(self) -> float:
        return _ratio(self.micro["tp"], self.micro["tp"] + self.micro["fp"])

    @property
    def micro_recall(self) -> float:
        return _ratio(self.micro["tp"], self.micro["tp"] + self.micro["fn"])

    @property
    def micro_f1(self) -> float:
        return _f1(self.micro_precision, self.micro_recall)


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def share_or_na(hits: int, misses: int) -> str:
    """`hits / (hits + misses)` to three places, or "n/a" when both are 0."""
    return f"{hits / (hits + misses):.3f}" if hits + misses else "n/a"


def _f1(precision: float, recall: float) -> float:
    return _ratio(2 * precision * recall, precision + recall)


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= max(0.05, 0.01 * abs(float(b)))


def load_labelled(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate_tagging(examples: Iterable[dict[str, Any]]) -> TaggingReport:
    report = TaggingReport()
    for example in examples:
        labels = example["labels"]
        got = normalize_posting(validate_item(example["raw"]))
        report.total += 1
        wrong = []
        if got["hour_range"] == labels.get("hour_range"):
            report.hour_range_ok += 1
        else:
            report.hour_range_confusions[
                (str(labels.get("hour_range")), str(got["hour_range"]))
            ] += 1
            wrong.append("hour_range")
        if _same_number(got["hours_min"], labels.get("hours_min")) and _same_number(
            got["hours_max"], labels.get("hours_max")
        ):
            report.hours_ok += 1
        else:
            wrong.append("hours")
        accepted = {labels.get("industry"), *labels.get("industry_ok", [])}
        if got["industry"] in accepted:
            report.industry_ok += 1
        else:
            report.industry_confusions[(str(labels.get("industry")), str(got["industry"]))] += 1
            wrong.append("industry")
        truth, guess = bool(labels.get("is_micro")), bool(got["is_micro"])
        report.micro[
            {(True, True): "tp", (False, True): "fp", (True, False): "fn", (False, False): "tn"}[
                (truth, guess)
            ]
        ] += 1
        if truth != guess:
            wrong.append("is_micro")
        if got["hours_max"] is not None and labels.get("hours_max") is None:
            report.hours_unlabelled += 1
        if "remote" in labels:
            report.remote_labelled += 1
            report.remote_ok += got["remote"] == labels["remote"]
        if "pay_unit" in labels:
            report.pay_unit_labelled += 1
            report.pay_unit_ok += got["pay_unit"] == labels["pay_unit"]
        if got["kind"] == labels.get("kind"):
            report.kind_ok += 1
        else:
            report.kind_confusions[(str(labels.get("kind")), str(got["kind"]))] += 1
            wrong.append("kind")
        if wrong:
            report.misses.append(
                {
                    "id": example.get("key")
                    or f"{example['raw']['source']}:{example['raw']['source_id']}",
                    "title": got["title"],
                    "wrong": wrong,
                    "expected": {
                        k: labels.get(k)
                        for k in (
                            "hours_min",
                            "hours_max",
                            "hour_range",
                            "industry",
                            "is_micro",
                            "kind",
                        )
                    },
                    "got": {
                        k: got[k]
                        for k in (
                            "hours_min",
                            "hours_max",
                            "hour_range",
                            "industry",
                            "is_micro",
                            "kind",
                        )
                    },
                }
            )
    return report


def format_report(report: TaggingReport, show_misses: int = 0) -> str:
    lines = [
        f"listings: {report.total}",
        f"hour range accuracy: {report.share(report.hour_range_ok):.1%} "
        f"({report.hour_range_ok}/{report.total})",
        f"hours exact match:   {report.share(report.hours_ok):.1%} "
        f"({report.hours_ok}/{report.total})",
        f"industry accuracy:   {report.share(report.industry_ok):.1%} "
        f"({report.industry_ok}/{report.total})",
        f"kind accuracy:       {report.share(report.kind_ok):.1%} "
        f"({report.kind_ok}/{report.total})",
        f"is_micro: precision {share_or_na(report.micro['tp'], report.micro['fp'])}, "
        f"recall {share_or_na(report.micro['tp'], report.micro['fn'])}, "
        f"F1 {report.micro_f1:.3f} (tp {report.micro['tp']}, fp {report.micro['fp']}, "
        f"fn {report.micro['fn']}, tn {report.micro['tn']})",
        f"hours given where the label has none: {report.share(report.hours_unlabelled):.1%} "
        f"({report.hours_unlabelled}/{report.total})",
    ]
    for name, ok, labelled in (
        ("remote", report.remote_ok, report.remote_labelled),
        ("pay unit", report.pay_unit_ok, report.pay_unit_labelled),
    ):
        if labelled:
            lines.append(f"{name} accuracy: {ok / labelled:.1%} ({ok}/{labelled})")
    for name, confusions in (
        ("industry", report.industry_confusions),
        ("hour range", report.hour_range_confusions),
        ("kind", report.kind_confusions),
    ):
        if confusions:
            top = ", ".join(f"{a} -> {b} x{n}" for (a, b), n in confusions.most_common(8))
            lines.append(f"{name} confusions (label -> tagged): {top}")
    for miss in report.misses[:show_misses]:
        lines.append(f"  {miss['id']} {miss['title']!r} wrong: {', '.join(miss['wrong'])}")
        lines.append(f"    expected {miss['expected']}")
        lines.append(f"    got      {miss['got']}")
    return "\n".join(lines)


def real_examples(
    labelled: list[dict[str, Any]], root: Path | str | None = None
) -> list[dict[str, Any]]:
    """The labelled real postings as `{"key", "raw", "labels"}`, each raw item read by our
    spider from its capture (its last night), in the order of `labelled`."""
    items = latest_items(root)
    examples = []
    for line in labelled:
        key = label_key(line["spider"], line["board"], line["source_id"])
        if key not in items:
            raise LookupError(
                f"labelled posting {key} is in no capture under {realdata_root(root)}"
            )
        examples.append({"key": key, "raw": items[key]["raw"], "labels": line["labels"]})
    return examples


def evaluate_real(
    labelled: list[dict[str, Any]], root: Path | str | None = None
) -> tuple[TaggingReport, TaggingReport]:
    """The tagging measured on the real set: its dev part, and its frozen test part apart."""
    examples = real_examples(labelled, root)
    dev = [example for example in examples if not in_test_part(example["key"])]
    test = [example for example in examples if in_test_part(example["key"])]
    return evaluate_tagging(dev), evaluate_tagging(test)


def audit_micro(root: Path | str | None = None) -> tuple[int, list[dict[str, Any]]]:
    """Every posting of the captures flagged `is_micro`, with its tags' evidence, and how many
    postings there are in all."""
    items = latest_items(root)
    keys = sorted(items)
    rows = normalize_postings([validate_item(items[key]["raw"]) for key in keys])
    flagged = [
        {"key": key, **{field: row.get(field) for field in AUDIT_FIELDS}}
        for key, row in zip(keys, rows, strict=True)
        if row["is_micro"]
    ]
    return len(keys), flagged


AUDIT_FIELDS = (
    "title",
    "employment_type",
    "kind",
    "kind_evidence",
    "hours_min",
    "hours_max",
    "hours_evidence",
    "industry",
    "industry_evidence",
)


def format_audit(total: int, flagged: list[dict[str, Any]]) -> str:
    share = len(flagged) / total if total else 0.0
    lines = [f"postings: {total}, flagged is_micro: {len(flagged)} ({share:.2%})"]
    for row in flagged:
        lines.append(f"  {row['key']} {row['title']!r} ({row['employment_type']})")
        lines.append(f"    kind: {row['kind_evidence']!r}")
        lines.append(f"    hours {row['hours_min']}-{row['hours_max']}: {row['hours_evidence']!r}")
    return "\n".join(lines)


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
