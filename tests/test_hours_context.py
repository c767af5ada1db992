"""Figures and periods read in their context: whose term a title names, which period a weekly
figure runs over, hiring steps and shifts. Cases in our own words, by the general forms that
boards without an employment type (Greenhouse, many career pages) put in front of the tagging."""

import re

import pytest

from pipeline.tagging.hours import parse_hours
from pipeline.tagging.hours.engagement import names_fixed_term
from pipeline.tagging.text import search_word, words_found


@pytest.mark.parametrize(
    ("title", "fixed_term"),
    [
        ("Marketing Intern (Summer 2027)", True),
        ("Data Analyst (6-month contract)", True),
        ("Contract Engineer", True),
        ("Program Management Intern", True),
        ("Stage - Assistant marketing", True),
        ("Technical Program Manager", False),
        ("Senior Programme Director", False),
        ("Contract Specialist", False),
        ("Senior Smart Contract Engineer", False),
        ("Product Manager (Early Stage)", False),
        ("Recruiting Coordinator (Contract to Perm)", False),
        ("Co-op Coordinator, Careers Office", False),
    ],
)
def test_a_title_names_a_term_not_a_subject(title, fixed_term):
    assert names_fixed_term(title.lower()) is fixed_term


NO_TOTAL = [
    # A full-time job whose title shares a word with a fixed term: its periods are not its length.
    ("Technical Program Manager", "What success looks like (12 months): the launch is done.", True),
    (
        "Product Manager (Early Stage)",
        "You will help hire about 20 engineers over 12 months.",
        True,
    ),
    (
        "Contracts Manager (Contract to Perm)",
        "Parental leave: 6 months for the primary carer.",
        True,
    ),
    # No employment type: a weekly figure does not run over a period of something else.
    (
        "Operations Associate",
        "On site Monday to Friday, 9am to 6pm.\nBenefits: 12 weeks paid bonding leave.",
        False,
    ),
    (
        "Customer Support Specialist",
        "You'll work 40 hours per week. Our customers stay with us for 18 months on average.",
        False,
    ),
    ("Backend Engineer", "About 40 hours per week. You will own our 12-month roadmap.", False),
    # Steps of the hiring process and the length of one shift are not the work.
    (
        "Software Engineer",
        "How we hire: a call, then a take-home task (about 1-2 hours of effort), then final "
        "interviews, 2-3 hours.",
        False,
    ),
    ("Warehouse Associate", "Shift options: 8 hours with lunch and breaks.", False),
    # A description that calls the role permanent: its figures are of other things.
    (
        "Support Agent",
        "Work about 40 hours over your first two weeks.\nThis is a permanent position.",
        False,
    ),
    ("Support Agent", "Training: Monday-Friday, night shift, for 3 months (40 hours).", False),
]


@pytest.mark.parametrize(("title", "description", "full_time"), NO_TOTAL)
def test_periods_and_figures_of_other_things_give_no_total(title, description, full_time):
    found = parse_hours([None, title, description], full_time=full_time)
    assert not found.known, found


TOTALS = [
    # A weekly figure and its own period, said together or of the engagement.
    ("Research Assistant", "About 3 hours a week for 5 weeks.", {}, (15, 15)),
    (
        "Student Project",
        "The project runs for 3 weeks. Expect 8-12 hours per week.",
        {},
        (24, 36),
    ),
    (
        "Content Micro-Internship",
        "You'll plan a 4-week content series. Commitment: 2 hours per week for 6 weeks.",
        {},
        (12, 12),
    ),
    (
        "Marketing Intern",
        "10 hours per week over the 12-week program.",
        {"fixed_term": True},
        (120, 120),
    ),
    # A range of months whose upper end is in years.
    (
        "Data Analyst (Contract)",
        "This contract lasts 6 months to 1 year.",
        {"full_time": True},
        (1039.2, 2078.4),
    ),
    # A permanent job it may lead to is not the role's own term.
    (
        "Micro-Internship",
        "About 40 hours over two weeks. Strong work may lead to a permanent position.",
        {},
        (40, 40),
    ),
    # An interview that is the work itself is not a step of hiring.
    ("Exit Interview Coding - 5 hours", "Code our exit-interview transcripts.", {}, (5, 5)),
]


@pytest.mark.parametrize(("title", "description", "flags", "expected"), TOTALS)
def test_totals_of_the_work_itself(title, description, flags, expected):
    found = parse_hours([None, title, description], **flags)
    assert (found.total_min, found.total_max) == expected


def test_words_found_gives_every_match_that_starts_a_word():
    pattern = re.compile(r"intern\w*")
    text = "counterintern, intern. internship (interns)"
    found = [match.group(0) for match in words_found(pattern, text)]
    assert found == ["intern", "internship", "interns"]
    assert next(words_found(pattern, text)).span() == search_word(pattern, text).span()
