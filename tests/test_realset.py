"""The real labelled set: its shape, its frozen split, and the tagging's scores on it.

The postings are real board responses under `../shared/realdata` (read by our spiders, in
process); `tests/realset/labels.jsonl` holds only keys and labels, never their text.
"""

from collections import Counter

import pytest

from pipeline.measure.realset import (
    REAL_LABELS,
    in_test_part,
    keys_to_label,
    label_key,
    latest_items,
    realdata_root,
)
from pipeline.measure.scores import load_labelled
from pipeline.measure.tagging_accuracy import evaluate_real
from pipeline.tagging.hours import hour_range
from pipeline.tagging.industry import load_taxonomy
from pipeline.tagging.kind import KINDS

LABEL_FIELDS = {
    "kind",
    "is_micro",
    "hours_min",
    "hours_max",
    "hour_range",
    "industry",
    "industry_ok",
    "remote",
    "pay_unit",
}
ROOT = realdata_root()
needs_captures = pytest.mark.skipif(
    not (ROOT / "ashby").is_dir(), reason=f"no real captures at {ROOT}"
)


@pytest.fixture(scope="module")
def labelled():
    return load_labelled(REAL_LABELS)


def test_labels_are_keys_and_labels_only(labelled):
    assert len(labelled) >= 400
    keys = [label_key(line["spider"], line["board"], line["source_id"]) for line in labelled]
    assert len(set(keys)) == len(keys)
    slugs = set(load_taxonomy().labels)
    for line in labelled:
        assert set(line) == {"spider", "board", "source_id", "labels"}  # no posting text
        labels = line["labels"]
        assert set(labels) == LABEL_FIELDS
        assert labels["kind"] in KINDS
        assert labels["industry"] in slugs and set(labels["industry_ok"]) <= slugs
        assert hour_range(labels["hours_max"]) == labels["hour_range"]
        if labels["hours_max"] is not None:
            assert 0 < labels["hours_min"] <= labels["hours_max"]


def test_the_frozen_test_part_is_a_seeded_30_percent(labelled):
    keys = [label_key(line["spider"], line["board"], line["source_id"]) for line in labelled]
    share = sum(map(in_test_part, keys)) / len(keys)
    assert 0.25 <= share <= 0.35
    assert [in_test_part(key) for key in keys] == [in_test_part(key) for key in keys]
    counts = Counter(line["labels"]["kind"] for line in labelled)
    assert counts["internship"] >= 100 and counts["job"] >= 200  # real boards: mostly jobs


@needs_captures
def test_the_labelled_postings_are_those_chosen_by_the_stated_rule(labelled):
    keys = [label_key(line["spider"], line["board"], line["source_id"]) for line in labelled]
    assert keys == keys_to_label(latest_items(ROOT))


@needs_captures
def test_scores_on_the_real_set(labelled):
    dev, test = evaluate_real(labelled, ROOT)
    assert dev.total + test.total == len(labelled)
    for part in (dev, test):
        assert part.micro["fp"] == 0  # every posting flagged is_micro is one
    assert dev.hours_unlabelled <= 0.01 * dev.total
    assert test.hours_unlabelled <= 0.01 * test.total
    assert test.share(test.hour_range_ok) >= 0.95
    assert test.share(test.kind_ok) >= 0.95
    assert test.share(test.industry_ok) >= 0.90
