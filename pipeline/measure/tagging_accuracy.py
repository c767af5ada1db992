"""Accuracy of the tagging on a labelled set (`tests/devset/tagging.jsonl`).

Each line holds `{"raw": <raw item>, "labels": {...}}`. `evaluate_tagging` runs the same
normalization as an import and compares: hour range, exact hours, industry (the label or one of
`industry_ok`), is_micro (precision, recall, F1) and kind, with the most frequent confusions.
`evaluate_real` measures the same on the real set (`realset.py`), its dev and frozen test parts
apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import PROJECT_ROOT
from pipeline.collect.raw import validate_item
from pipeline.measure.realset import in_test_part, label_key, latest_items, realdata_root
from pipeline.measure.scores import _f1, _ratio, share_or_na
from pipeline.tagging.normalize import normalize_posting

TAGGING_DEVSET = PROJECT_ROOT / "tests" / "devset" / "tagging.jsonl"

# The tags a miss shows, expected and got.
MISS_FIELDS = ("hours_min", "hours_max", "hour_range", "industry", "is_micro", "kind")


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


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= max(0.05, 0.01 * abs(float(b)))


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
                    "expected": {k: labels.get(k) for k in MISS_FIELDS},
                    "got": {k: got[k] for k in MISS_FIELDS},
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
