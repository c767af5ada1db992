"""The evaluations run on the labelled dev sets and meet the targets (a regression guard: the
numbers are measured on every run, never recorded)."""

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.evaluate import (
    DEDUPE_DEVSET,
    DEDUPE_HARD_NEGATIVES,
    TAGGING_DEVSET,
    evaluate_dedupe,
    evaluate_tagging,
    load_labelled,
)


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
