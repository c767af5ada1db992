"""`evaluate`: the tagging and duplicate detection measured against labelled sets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pipeline.measure.dedupe_accuracy import (
    DEDUPE_DEVSET,
    DEDUPE_HARD_NEGATIVES,
    REAL_DEDUPE_PAIRS,
    evaluate_dedupe,
    evaluate_real_dedupe,
    format_dedupe_report,
    format_merges,
    import_captures,
    merges_joining_titles,
    real_merges,
)
from pipeline.measure.micro_audit import audit_micro, format_audit
from pipeline.measure.realset import REAL_LABELS, realdata_root
from pipeline.measure.scores import load_labelled, share_or_na
from pipeline.measure.tagging_accuracy import (
    TAGGING_DEVSET,
    evaluate_real,
    evaluate_tagging,
    format_report,
)


@click.command()
@click.argument(
    "labelled", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--dedupe", is_flag=True, help="Measure duplicate detection instead of tagging.")
@click.option(
    "--hard-negatives",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="With --dedupe: pairs that must stay apart (default: the dev set's).",
)
@click.option(
    "--show", "show_misses", type=int, default=0, metavar="N", help="Also print N mistakes."
)
@click.option(
    "--real",
    is_flag=True,
    help="Measure on the real labelled set (tests/realset), its dev and frozen test parts apart.",
)
@click.option(
    "--audit",
    is_flag=True,
    help="With --real: list every posting of the captures flagged is_micro, with its evidence.",
)
@click.option(
    "--realdata",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The capture folder (default: $MICROINTERN_REALDATA or ../shared/realdata).",
)
def evaluate(
    labelled: Path | None,
    dedupe: bool,
    hard_negatives: Path | None,
    show_misses: int,
    real: bool,
    audit: bool,
    realdata: Path | None,
) -> None:
    """Measure the tagging against a labelled set (default: the dev set under tests/devset):
    hour-range accuracy, exact hours, industry accuracy, is_micro precision/recall/F1, kind,
    and the most frequent confusions. With --dedupe, measure duplicate detection: pairwise
    precision, recall and F1 of the listings formed against labelled clusters.

    Example:

        microintern evaluate --show 10
        microintern evaluate --real --audit
        microintern evaluate --dedupe --real --audit
        microintern evaluate --dedupe tests/devset/dedupe.jsonl
    """
    if dedupe and real:
        root = realdata_root(realdata)
        if not (root / "ashby").is_dir() and not (root / "nights").is_dir():
            raise click.ClickException(
                f"no captures in {root}: pass --realdata or set MICROINTERN_REALDATA"
            )
        imported = import_captures(root)
        pairs = labelled_set(labelled or REAL_DEDUPE_PAIRS)
        try:
            report = evaluate_real_dedupe(pairs, root, imported)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"real pairs of one board: {len(pairs)} labelled")
        click.echo(
            f"pairwise precision {share_or_na(report.true_positives, report.false_positives)}, "
            f"recall {share_or_na(report.true_positives, report.false_negatives)} "
            f"(tp {report.true_positives}, fp {report.false_positives}, "
            f"fn {report.false_negatives}, kept apart {report.hard_negatives})"
        )
        for a, b in report.wrong_merges[:show_misses]:
            click.echo(f"  wrongly merged: {a} + {b}")
        for a, b in report.missed[:show_misses]:
            click.echo(f"  missed: {a} + {b}")
        merges = real_merges(root, imported)
        if audit:
            click.echo(format_merges(merges))
        else:
            wrong = merges_joining_titles(merges)
            click.echo(
                f"listings of several postings: {len(merges)}; joining different titles on "
                f"one board: {len(wrong)}"
            )
        return
    if real or audit:
        _evaluate_real(labelled, show_misses, audit, realdata)
        return
    if dedupe:
        negatives_file = hard_negatives or (None if labelled else DEDUPE_HARD_NEGATIVES)
        negatives = labelled_set(negatives_file) if negatives_file else []
        report = evaluate_dedupe(labelled_set(labelled or DEDUPE_DEVSET), negatives)
        click.echo(format_dedupe_report(report, show_misses))
        return
    report = evaluate_tagging(labelled_set(labelled or TAGGING_DEVSET))
    click.echo(format_report(report, show_misses))


def _evaluate_real(
    labelled: Path | None, show_misses: int, audit: bool, realdata: Path | None
) -> None:
    root = realdata_root(realdata)
    if not (root / "ashby").is_dir() and not (root / "nights").is_dir():
        raise click.ClickException(
            f"no captures in {root}: pass --realdata or set MICROINTERN_REALDATA"
        )
    try:
        dev, test = evaluate_real(labelled_set(labelled or REAL_LABELS), root)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("real set, dev part")
    click.echo(format_report(dev, show_misses))
    click.echo("\nreal set, frozen test part (never used to make rules)")
    click.echo(format_report(test, show_misses))
    if audit:
        click.echo("\nis_micro flags over every capture")
        click.echo(format_audit(*audit_micro(root)))


def labelled_set(path: Path) -> list[dict[str, Any]]:
    """The examples of a labelled set (JSON lines); a file that is not one is a ClickException."""
    try:
        return load_labelled(path)
    except (OSError, ValueError) as exc:  # a JSON or UTF-8 decoding error is a ValueError
        raise click.ClickException(f"{path}: not a labelled set of JSON lines ({exc})") from exc
