"""Industry tagging from the weighted-phrase taxonomy."""

import pytest

from pipeline.industry import load_taxonomy, tag_industry


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
    ],
)
def test_tag_industry(title, categories, description, expected):
    assert tag_industry(title, categories, description) == expected


def test_taxonomy_has_labels_for_every_slug():
    taxonomy = load_taxonomy()
    assert set(taxonomy.labels) == set(taxonomy.patterns)
    assert all(taxonomy.patterns.values())
