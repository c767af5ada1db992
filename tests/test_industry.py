"""Industry tagging from the weighted-phrase taxonomy."""

import pytest

from pipeline.tagging.industry import TAXONOMY_FILE, load_taxonomy, tag_industry


@pytest.mark.parametrize(
    ("title", "categories", "description", "expected"),
    [
        ("Micro-Internship: Customer Survey Data Analysis", [], "build a dashboard", "data"),
        ("Short-Term Project: Social Media Content Calendar", ["Marketing"], "", "marketing"),
        ("Micro-internship: Budget Model Review", ["Finance"], "Excel formulas", "finance"),
        ("Fintech Competitor Research", ["Strategy"], "market research", "consulting"),
        ("Brand Illustration Set", ["Design"], "", "design"),
        ("Grant Writing Micro-Project", [], "letter of inquiry", "media"),
        ("Talent Acquisition Coordinator", ["People"], "", "hr"),
        ("Event Operations Assistant", [], "check in guests", "operations"),
        ("Senior Software Engineer", ["Engineering"], "", "technology"),
        ("Helper", [], "Help with various things.", None),
        ("Dashboard for a museum's visitor data", ["Museum"], "", "data"),
    ],
)
def test_tag_industry(title, categories, description, expected):
    assert tag_industry(title, categories, description).industry == expected


def test_runner_up_and_confidence():
    tag = tag_industry(
        "Donor data dashboard",
        [],
        "Build a Tableau dashboard of our fundraising data for the development team.",
    )
    assert (tag.industry, tag.alt) == ("data", "other")  # fundraising
    assert 0.8 < tag.confidence < 1


def test_other_needs_real_text():
    filler = "We need a careful, reliable person to help our small team this winter. " * 4
    assert tag_industry("Helper", [], filler).industry == "other"
    assert tag_industry("Helper", [], "Help us.").industry is None


def test_phrases_match_whole_words_and_prefixes():
    assert tag_industry("Proofreading sprint", [], "").industry == "media"  # "proofread*"
    assert tag_industry("Datastore migration", [], "").industry is None  # not "data"


def test_taxonomy_is_consistent():
    taxonomy = load_taxonomy()
    assert set(taxonomy.labels) == set(taxonomy.descriptions) == set(taxonomy.order)
    slugs = {slug for weights in taxonomy.phrases.values() for slug in weights}
    assert slugs == set(taxonomy.labels)


def test_tags_are_the_same_in_every_process():
    """The phrases found are a set, iterated in an order that varies with string hashing:
    the industry and its runner-up must not (a new process per hash seed)."""
    import os
    import subprocess
    import sys

    code = (
        "import json\n"
        "from pipeline.measure.scores import load_labelled\n"
        "from pipeline.measure.tagging_accuracy import TAGGING_DEVSET\n"
        "from pipeline.tagging.normalize import normalize_postings\n"
        "raws = [row['raw'] for row in load_labelled(TAGGING_DEVSET)]\n"
        "print(json.dumps([(p['industry'], p['industry_alt'], p['industry_confidence'])\n"
        "                  for p in normalize_postings(raws)]))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=120,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1 and len(outputs.pop()) > 1000


def test_scores_go_unrounded_only_where_their_sums_are_exact(tmp_path):
    assert load_taxonomy().exact_sums  # whole-number weights
    path = tmp_path / "industries.toml"
    path.write_text(TAXONOMY_FILE.read_text().replace('"software" = 3', '"software" = 0.1'))
    assert not load_taxonomy(path).exact_sums
    assert tag_industry("Software developer", [], "", load_taxonomy(path)).industry == "technology"
