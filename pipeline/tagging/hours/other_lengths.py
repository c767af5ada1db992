"""Figures of hours that are the length of something other than the work: a step of hiring, one
shift, an item of a list of steps or a thing named before a figure in brackets."""

from __future__ import annotations

import re

from pipeline.tagging.hours.engagement import _clause
from pipeline.tagging.text import holds_any

# A step of the hiring process: its length is not the work's ("a take-home task of about 2
# hours", "on-site interviews, 2-3 hours"), said in the same clause as the figure.
HIRING_STEP = re.compile(
    r"\b(?:take-home|(?:hiring|recruitment|recruiting|application|selection|interview)\s+process"
    r"|interview\s+(?:stages?|rounds?|loop|steps?)|screening call"
    r"|(?:on-?site|final|technical|panel|team|screening|culture|cultural|first|second|third)"
    r"[\s-]+(?:round\s+)?interviews?)\b"
)
HIRING_PARTS = ("take-home", "process", "interview", "screening call")  # one is in every match
HIRING_REACH = 80


# "Shift options: 8 hours with breaks", "night shift for 3 months (40 hours)": the length of one
# shift, with no count of shifts, is not the work's.
SHIFT_BEFORE = re.compile(r"\bshifts?\b[^.;:\n|]{0,30}(?::\s*)?$|\bshifts?\b[^.;\n|]{0,30}\(\s*$")


def _step_or_shift(text: str, start: int, end: int) -> bool:
    """Whether the clause around the figure at `text[start:end]` names a step of hiring, or a
    shift just before it."""
    if "shift" in text and SHIFT_BEFORE.search(text, max(0, start - 40), start):
        return True
    reach = start - HIRING_REACH if start > HIRING_REACH else 0
    if not holds_any(text[reach : end + HIRING_REACH], HIRING_PARTS):
        return False
    clause = _clause(text, reach, end + HIRING_REACH, start)
    return HIRING_STEP.search(clause) is not None


EFFORT_WORD_BEFORE = re.compile(  # "about a day and a half (12 hours)" is the work's length
    r"(?:hours?|commitment|effort|time|total|estimated?|workload|days?|half|weeks?|months?"
    r"|morning|afternoon|evening|weekend|project|task|work|duration|length|scope|estimate)\s*$"
)


# "Operating principles & impact - 1 hour" alone on a line: a list of steps and their lengths.
LIST_ITEM = re.compile(r"[a-z&'’/ ]{2,60}?\s*[-–—:]\s*")
LINE_ENDS = ("\n", " | ")


def _item_length(text: str, start: int, end: int) -> bool:
    """Whether the figure at `text[start:end]` stands alone in brackets after a name that is not
    a word of effort ("Cultural fit (1h)", "Critical (48 hours)"), or ends a line that names
    something else before it ("Technical interview - 1 hour"): the length of a step, a meeting
    or a service level."""
    before = text[start - 40 if start > 40 else 0 : start].rstrip()
    if before.endswith("(") and text[end : end + 3].lstrip().startswith(")"):
        name = before[:-1].rstrip()
        return bool(name) and name[-1].isalpha() and not EFFORT_WORD_BEFORE.search(name)
    rest = text[end : end + 4].rstrip(" .")
    if rest and not rest.startswith(LINE_ENDS[0]) and rest[:3] != " | ":
        return False  # the line goes on after the figure (looked at first: it is quicker)
    line_start = text.rfind("\n", 0, start) + 1
    bar = text.rfind(" | ", 0, start) + 3  # the LINE_ENDS
    if bar > line_start:
        line_start = bar
    if line_start <= 0:
        return False
    item = LIST_ITEM.fullmatch(text, line_start, start)
    if item is None or len(item.group(0).split()) > 7:
        return False
    return not EFFORT_WORD_BEFORE.search(item.group(0).rstrip(" -–—:"))
