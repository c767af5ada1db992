"""Hours of effort and hour-range buckets, table-driven."""

import pytest

from pipeline.tagging.hours import HOUR_RANGES, hour_range, hours_in, parse_hours, total_hours


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Estimated hours: 10-15", (10, 15)),
        ("approx. 20 hrs", (20, 20)),
        ("8–12 hrs", (8, 12)),
        ("~15h", (15, 15)),
        ("up to 30 hours", (30, 30)),
        ("a 40-hour project", (40, 40)),
        ("Time commitment: 8–12 hours over two weeks", (8, 12)),
        ("2-3 hours per week over 4 weeks", (8, 12)),
        ("10 hours/week for 6 weeks", (60, 60)),
        ("10 to 15 hours in total", (10, 15)),
        # Numbers that are not effort.
        ("10 hours per week", None),
        ("Paid $25 per hour", None),
        ("our team of 40 offers 24-hour support", None),
        ("Open 9am-5pm", None),
        ("5 deliverables due in 2 weeks", None),
        ("10000 hours", None),
        # A period named without a count: a month is 4.33 weeks.
        ("About 6 hours a week for a month.", (25.98, 25.98)),
        ("3 hrs/week over a full week", (3, 3)),
        ("8 hours a week; apply within a month", None),
        # Sittings counted: the whole work when nothing recurs.
        ("You will lead four 2-hour workshops for our members.", (8, 8)),
        ("It comes down to two 45-minute lessons with a student.", (1.5, 1.5)),
        ("Two 3-hour visits each month", None),
        # A daily figure times the days of some weeks: weekdays where stated, else every day.
        ("20 minutes a day, Monday to Friday, for 3 weeks", (5, 5)),
        ("1-2 hours per day for 1 week", (7, 14)),
        # Terms of employment and hiring steps are not effort, nor durations of it.
        ("Part-time, 16 hours per week. Salary pro rata, based on 40 hours.", None),
        ("Shifts are 4 hours, three times a month.", None),
        ("Our process ends with a 4-hour onsite.", None),
        ("Full-time. A 6-week paid sabbatical after 4 years.", None),
        ("Full-time, 40 hours per week, with a 3-month probation period.", None),
        ("Full-time. On call one week in four.", None),
        # More from independently written listings.
        ("The work takes between 6 and 9 hours.", (6, 9)),
        ("Roughly 3 hrs p/w for 5 weeks", (15, 15)),
        ("It takes most students 45 minutes.", (0.75, 0.75)),
        ("We have 120 minutes of interview audio to transcribe.", None),
        ("Stage one is a 24-hour design sprint.", None),
        ("Three site visits of about 2 hours each.", (6, 6)),
        ("Each interview is 2 hours each", None),
        ("40 hours per week. The summer program runs for 8 weeks.", (320, 320)),
        ("Full-time, permanent position. Projects last 4-6 weeks.", None),
        ("Full-time. 20 days of PTO. Our launches run in two-week sprints.", None),
        ("For the whole spring semester, 6 hours per week", (90, 90)),
        ("Effort: 5h-7h", (5, 7)),
        ("Time commitment: no more than 9, at your pace", (9, 9)),
        ("6 hours per week. Our fall-semester intern cohort", (90, 90)),
        ("3 hrs/wk x 4 wks", (12, 12)),
        ("Full-time: a standard 37.5-hour week.", None),
        ("Teams have 24 hours to submit their deck.", None),
        ("Our videos run about 20 minutes.", None),
        ("Full-time analysts join from this 8-week program.", None),
        ("Give 2 hours per week for 10 weeks before the launch.", (20, 20)),
        ("We run a 24-hour animal rescue centre.", None),
        ("Permanent contract, 38-hour working week.", None),
    ],
)
def test_hours_in(text, expected):
    assert hours_in(text) == expected


def test_total_hours_prefers_earlier_texts():
    assert total_hours(["15 hours total", "A 30-hour project"]) == (15, 15)
    assert total_hours([None, "", "about 12 hours of writing"]) == (12, 12)
    assert total_hours([None, "no figure here"]) is None


@pytest.mark.parametrize(
    ("hours_max", "bucket"),
    [
        (None, None),
        (0.5, "under-5"),
        (4.9, "under-5"),
        (5, "5-10"),
        (10, "5-10"),
        (10.5, "10-20"),
        (20, "10-20"),
        (40, "20-40"),
        (41, "over-40"),
    ],
)
def test_hour_range(hours_max, bucket):
    assert hour_range(hours_max) == bucket


def test_hour_ranges_are_in_bucket_order():
    assert HOUR_RANGES == ("under-5", "5-10", "10-20", "20-40", "over-40")


# How real internship pages and job boards state effort (sentences of our own, in their forms):
# (hours text, title, description, full-time by the source, fixed-term by the source) -> total.
REAL_FORMS = [
    # weekly hours over a span of named months: January through April is four months
    (
        None,
        "Policy Intern",
        "Interns work at least 20 hours/week, at most 35 hours/week, from January through April.",
        False,
        False,
        (346.4, 606.2),
    ),
    (
        "",
        "Research Intern",
        "Minimum 2 full days (16 hours) per week, February-May.",
        False,
        False,
        (277.12, 277.12),
    ),
    # full-time over a season given as dates
    (
        None,
        "Summer Intern",
        "We ask for a full-time summer schedule (roughly mid-June through mid-September).",
        False,
        False,
        (519.6, 519.6),
    ),
    # a minimum of weekly hours with a program length ("hrs./week" is weekly, not a total)
    (
        None,
        "Design Intern",
        "A minimum of 30 hrs./week is expected across our typical 10-week program.",
        False,
        False,
        (300, 300),
    ),
    # a weekday schedule with a duration
    (
        None,
        "Field Assistant",
        "Hours are Monday-Friday, 8 a.m.-2 p.m., for six weeks.",
        False,
        False,
        (180, 180),
    ),
    # full days per week over months
    (
        None,
        "Marketing Intern",
        "Available 4 full working days per week for 3 months.",
        False,
        False,
        (415.68, 415.68),
    ),
    # other languages: German and French durations with full-time
    (None, "Praktikum Marketing", "Dauer: 4 Monate\nArt: Vollzeit", False, False, (692.8, 692.8)),
    (None, "Stage Data Analyst", "Stage de 6 mois à temps plein.", False, False, (1039.2, 1039.2)),
    (None, "Werkstudent Vertrieb", "Du kannst 16h pro Woche arbeiten.", False, False, None),
    # a job marked full-time whose own program has a length
    (None, "Sales Associate", "This 12-week program is full-time.", True, False, (480, 480)),
    # a season given as dates, its length in brackets
    (
        None,
        "Seasonal Tax Preparer",
        "Full-time from January 15 to April 15 (13 weeks).",
        False,
        False,
        (520, 520),
    ),
    # a part-time internship states its own weekly hours
    (None, "Part-time Intern", "20 hours a week for 6 months.", True, False, (519.6, 519.6)),
    # a fixed-term contract said by the source, full-time
    (
        None,
        "Analyst (9 months contract)",
        "Join our compliance team.",
        True,
        False,
        (1558.8, 1558.8),
    ),
    (
        None,
        "Operations Agent",
        "Other details: 1 Year Contractual Role",
        True,
        False,
        (2078.4, 2078.4),
    ),
]
# Figures and periods that are not the candidate's effort: none gives a total.
NOT_EFFORT = [
    # interview steps, in brackets or listed with their lengths
    (
        None,
        "Engineering Manager - CDI",
        "Our process: Cultural fit (1h), Technical test (2h).",
        False,
        False,
    ),
    (
        None,
        "Data Analyst",
        "Process\nRecruiter screen - 30 minutes\nCase study - 1 hour",
        True,
        False,
    ),
    # service levels and round-the-clock operations
    (
        None,
        "Platform Engineer",
        "Patch critical issues (48 hours) and high ones (5 days).",
        True,
        False,
    ),
    (
        None,
        "Support Engineer",
        "You'll cover 7*24h operations and review 24-hour error logs.",
        True,
        False,
    ),
    # time zones and overlap
    (None, "Backend Engineer", "Work from anywhere within UTC +/- 3h.", True, False),
    (None, "Product Manager", "We ask for at least 4 hours of overlap with our team.", True, False),
    # training per year and leave
    (
        None,
        "Compliance Officer",
        "Complete at least 10 hours of AML training annually.",
        True,
        False,
    ),
    (None, "Account Executive", "Benefits\n20 weeks of fully paid parental leave", True, False),
    # a permanent job's periods: deal cycles, sprints, goals, growth
    (None, "Account Executive", "You will run 3-6 month sales cycles.", True, False),
    (
        None,
        "Software Engineer",
        "In 18 months we grew to 40 people. Ship in 2-week sprints.",
        True,
        False,
    ),
    (None, "Growth Lead", "Your goals for the first 12 months.", True, False),
    # rotations inside a job: how its first months are spent, not its end
    (
        None,
        "Solutions Associate",
        "A full-time role that starts with a four-month rotational program across our teams.",
        True,
        False,
    ),
    # periods of something else: experience asked for, the company's age, a visa's validity,
    # a trial, a training course, an allowance per year (possessives included)
    (None, "Data Analyst (Contract)", "At least 6 months' experience with SQL.", True, False),
    (None, "Marketing Intern", "Full-time. We are a 9-month-old startup.", False, False),
    (None, "Product Intern", "Full-time; a visa with 12 months remaining.", False, False),
    (None, "Finance Associate", "Contract: permanent after a 6-month trial.", True, False),
    (None, "Engineering Intern", "Full-time, after a 2-week paid bootcamp.", False, False),
    (None, "Contract Designer", "Work abroad 2 months a year; 5 weeks' holiday.", True, False),
    (None, "Ops Contractor", "Full-time; 3 months of temporary housing paid.", False, False),
    (None, "Growth Intern", "Full-time. Our app launches in 3 months.", False, False),
    # an internship whose text names the periods of other things: studies, rotations of other
    # people, experience, a permit
    (None, "Finance Intern", "Full-time. You study in a 12-month master's program.", True, False),
    (None, "Finance Intern", "Full-time. Analysts spend 6 months in each team.", True, False),
    (None, "Finance Intern", "Full-time. 6 months to 2 years of experience.", True, False),
    (None, "Finance Intern", "Full-time. A work permit valid for 12 months.", True, False),
    # a part-time role marked full-time by its board: no 40 hours a week
    (None, "Marketing Intern (part-time)", "A 3-month internship, flexible hours.", True, False),
    (None, "Teilzeit Praktikum Marketing", "Dauer: 6 Monate.", True, False),
    (None, "Design Intern", "A 6-month internship around your classes.", True, False),
    # a job with no end whose text names programs it runs or people it hires for them
    (None, "Recruiter", "You will hire summer interns for a 12-week program.", True, False),
    (None, "Engineering Manager", "Mentor interns during their 3-month placements.", True, False),
    (
        None,
        "Technician",
        "The company finished a 6-month fellowship with an accelerator.",
        True,
        False,
    ),
    # hours as a threshold, a record, an accrual, a time cut or a schedule, not the work
    (None, "Operations Intern", "Complete 120 hours of continuing education.", False, False),
    (None, "Operations Intern", "Overtime is paid after 40 hours.", False, False),
    (None, "Operations Intern", "Eligible after 90 days or 500 hours worked.", False, False),
    (None, "Operations Intern", "You accrue 80 hours of paid sick time.", False, False),
    (None, "Operations Intern", "Cut report runs from 48 hours to 2 hours.", False, False),
    (None, "Operations Intern", "Office hours: 9am-5pm, Monday to Friday.", False, False),
    (None, "Operations Intern", "Second round: a 3-hour take-home assignment.", False, False),
    # event lengths and graduation dates
    (None, "Hackathon Mentor", "Teams get 48 hours to build a prototype.", False, False),
    (None, "New Grad Engineer", "For students graduating December 2026 - June 2027.", True, False),
    # a permanent contract: no total at all
    (
        None,
        "Développeur - CDI Paris",
        "Test technique à la maison + débrief 2h, puis 40 heures par semaine.",
        False,
        False,
    ),
]


@pytest.mark.parametrize(
    ("hours_text", "title", "description", "full_time", "fixed_term", "expected"), REAL_FORMS
)
def test_real_ways_of_stating_effort(
    hours_text, title, description, full_time, fixed_term, expected
):
    found = parse_hours(
        [hours_text, title, description], full_time=full_time, fixed_term=fixed_term
    )
    assert ((found.total_min, found.total_max) if found.known else None) == expected
    assert (found.evidence is not None) == found.known


@pytest.mark.parametrize(
    ("hours_text", "title", "description", "full_time", "fixed_term"), NOT_EFFORT
)
def test_figures_that_are_not_effort(hours_text, title, description, full_time, fixed_term):
    found = parse_hours(
        [hours_text, title, description], full_time=full_time, fixed_term=fixed_term
    )
    assert not found.known, found


def test_evidence_quotes_the_words_of_the_total():
    found = parse_hours([None, "Micro-project", "It should take about 15 hours over two weeks."])
    assert (found.total_min, found.total_max) == (15, 15)
    assert "about 15 hours" in found.evidence
    assert len(found.evidence) <= 120
    weekly = parse_hours([None, "Intern", "10 hours per week for a 6-week program"])
    per_week, period = weekly.evidence.split(" … ")
    assert "10 hours per week" in per_week and "6-week program" in period
