"""Hours of effort and hour-range buckets, table-driven."""

import pytest

from pipeline.hours import HOUR_RANGES, hour_range, hours_in, total_hours


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
