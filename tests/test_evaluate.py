"""The evaluations run on the labelled dev sets and meet the targets (a regression guard: the
numbers are measured on every run, never recorded)."""

import re

from click.testing import CliRunner

from microintern.cli import cli
from pipeline.measure.dedupe_accuracy import DEDUPE_DEVSET, DEDUPE_HARD_NEGATIVES, evaluate_dedupe
from pipeline.measure.scores import load_labelled
from pipeline.measure.tagging_accuracy import TAGGING_DEVSET, evaluate_tagging


def test_dedupe_dev_set_meets_targets():
    report = evaluate_dedupe(load_labelled(DEDUPE_DEVSET), load_labelled(DEDUPE_HARD_NEGATIVES))
    assert report.clusters >= 40 and report.hard_negatives >= 40
    assert report.precision >= 0.99, report.wrong_merges
    assert report.f1 >= 0.97, report.missed
    assert not report.hard_negatives_merged


def test_evaluate_dedupe_command_prints_the_figures():
    result = CliRunner().invoke(cli, ["evaluate", "--dedupe"])
    assert result.exit_code == 0, result.output
    assert "pairwise precision" in result.output and "F1" in result.output
    assert "hard negatives kept apart: " in result.output


def test_tagging_dev_set_meets_targets():
    report = evaluate_tagging(load_labelled(TAGGING_DEVSET))
    assert report.total >= 200
    assert report.share(report.hour_range_ok) >= 0.97
    assert report.share(report.industry_ok) >= 0.92
    assert report.micro_f1 >= 0.95


def test_evaluate_command_prints_the_figures():
    result = CliRunner().invoke(cli, ["evaluate", "--show", "1"])
    assert result.exit_code == 0, result.output
    for figure in ("hour range accuracy", "hours exact match", "industry accuracy", "is_micro"):
        assert figure in result.output


def test_fictional_set_holds_with_the_real_text_rules():
    report = evaluate_tagging(load_labelled(TAGGING_DEVSET))
    assert report.micro_f1 >= 0.98


def test_evaluate_real_prints_both_parts_and_the_audit(tmp_path):
    from pipeline.measure.realset import realdata_root

    if not (realdata_root() / "ashby").is_dir():
        import pytest

        pytest.skip("no real captures")
    result = CliRunner().invoke(cli, ["evaluate", "--real", "--audit", "--show", "1"])
    assert result.exit_code == 0, result.output
    assert "real set, dev part" in result.output
    assert "real set, frozen test part" in result.output
    # is_micro is rare over every capture, and each flag shows the evidence of its kind
    audit = re.search(r"postings: (\d+), flagged is_micro: (\d+) ", result.output)
    assert audit, result.output
    total, flagged = int(audit[1]), int(audit[2])
    assert total > 4000 and flagged <= 0.005 * total
    assert result.output.count("\n    kind: ") == flagged
    assert "\n    kind: None" not in result.output and "\n    kind: ''" not in result.output
    missing = CliRunner().invoke(cli, ["evaluate", "--real", "--realdata", str(tmp_path)])
    assert missing.exit_code != 0 and "no captures" in missing.output


def test_the_audit_shows_each_flag_with_its_evidence():
    from pipeline.measure.micro_audit import format_audit

    row = {
        "key": "ashby/board/1",
        "title": "Micro-Internship: Survey Coding",
        "employment_type": "Contract",
        "kind_evidence": "micro-internship: Micro-Internship: Survey Coding",
        "hours_min": 10,
        "hours_max": 12,
        "hours_evidence": "about 10-12 hours",
    }
    text = format_audit(1000, [row])
    assert "flagged is_micro: 1 (0.10%)" in text
    assert "about 10-12 hours" in text and "Survey Coding" in text


def test_evaluate_dedupe_real_audits_every_merge():
    """Every real capture imported night after night (once, by the command): the labelled pairs
    of one board are never merged, and no listing holds two postings of one board with different
    titles (Junior and Senior, "(Remote)" and not, one template for two teams)."""
    from pipeline.measure.dedupe_accuracy import REAL_DEDUPE_PAIRS
    from pipeline.measure.realset import realdata_root

    if not (realdata_root() / "ashby").is_dir():
        import pytest

        pytest.skip("no real captures")
    pairs = load_labelled(REAL_DEDUPE_PAIRS)
    assert len(pairs) >= 200 and all(set(p) == {"a", "b", "same", "why"} for p in pairs)
    result = CliRunner().invoke(cli, ["evaluate", "--dedupe", "--real", "--audit"])
    assert result.exit_code == 0, result.output
    assert f"real pairs of one board: {len(pairs)} labelled" in result.output
    figures = re.search(r"\(tp \d+, fp (\d+), fn \d+, kept apart (\d+)\)", result.output)
    assert figures, result.output
    assert int(figures[1]) == 0, result.output  # no labelled pair wrongly merged
    assert int(figures[2]) >= 200
    merges = re.search(
        r"listings of several postings: (\d+); joining different titles on one "
        r"board: (\d+)",
        result.output,
    )
    assert merges and int(merges[1]) > 0  # the same posting seen again, and across boards
    assert int(merges[2]) == 0, result.output
