"""The kind of engagement: full-time work, a permanent job (a permanent contract, paid time
off, a 401(k): the periods it names are not its length), or one with an end (an internship, a
contract, a program), and whether a period found is the engagement's own."""

from __future__ import annotations

import re

from pipeline.tagging.hours.figures import Found, snippet
from pipeline.tagging.hours.periods import MONTH_SPAN, find_weeks
from pipeline.tagging.text import holds_any, search_word, words_found

FULL_TIME = re.compile(  # not "full-time students", nor other people's jobs ("full-time analysts")
    r"(?:(?<![a-z])full[- _]?time(?![a-z])|vollzeit|temps plein|tiempo completo|tempo integral)"
    r"(?!\s+(?:students?|analysts?|employees?|staff|colleagues|hires?|offers?|team\b|education"
    r"|study|studies|degree|enrolment|enrollment|(?:[a-z-]+ )?(?:engineers|developers|designers"
    r"|researchers|scientists|people|workers|members|teammates|professionals|specialists"
    r"|managers|team|employees|staff)\b))"
)
# The role is part-time, in the languages real boards use (not "part-time students", nor the
# other jobs a company has): then neither a "full-time" employment type nor its text makes it
# 40 hours a week.
PART_TIME = re.compile(
    r"(?:(?<![a-z])part[- _]?time(?![a-z])|teilzeit|mi-temps|temps partiel|medio tiempo"
    r"|media jornada|tiempo parcial|meio per[íi]odo|tempo parziale|deeltijd"
    r"|working student|werkstudent|alongside (?:your|their) (?:studies|classes|degree)"
    r"|neben dem studium|around (?:your|their) (?:classes|studies|class schedule))"
    r"(?!\s+(?:students?|employees?|staff|colleagues|hires?|mba|degree|study|studies"
    r"|programs?|programmes?|and full|or full|(?:[a-z-]+ )?(?:employees|staff|team|workers)\b))"
)
PART_TIME_PARTS = (
    *("part", "teilzeit", "mi-temps", "partiel", "medio", "media", "parcial", "meio"),
    *("parziale", "deeltijd", "student", "alongside", "studium", "around"),
)


def _part_time(cleaned: list[str]) -> bool:
    """Whether the role is said to be part-time (PART_TIME) in any of its texts."""
    return any(holds_any(t, PART_TIME_PARTS) and PART_TIME.search(t) for t in cleaned if t)


# "3 days per week": a part of the week, so "full-time" does not make it 40 hours (but "3 days a
# week in the office" is where, not how much).
PART_WEEK_DAYS = re.compile(
    r"[1-4](?<![\w.][1-4])(?:\s*(?:-|–|to|or)\s*[1-4])?\s+(?:working\s+|work\s+)?days?\s*(?:a|per|each|/)\s*"
    r"week\b(?!\s*(?:(?:in|at|from)\s+(?:the|our|an?)?\s*(?:office|hq|studio|site|person|home)"
    r"|in-person|on-?site|remote))"
)


# A permanent job: its full-time weeks have no end, whatever periods its text names (the length
# of its projects, sprints, notice or leave).
PERMANENT = re.compile(  # by `search_word`, which checks the word boundary before it
    r"permanent(?:,|\s+(?:position|role|job|contract|post|employment|full|part|hire))|cdi\b"
)
# Benefits of employment: a permanent job's, unless the text says the role has an end.
EMPLOYEE_BENEFITS = re.compile(  # by `search_word`
    r"pto\b|paid time off|401\(k\)|per annum|holiday allowance|annual leave"
    r"|days[’']? (?:of )?(?:holiday|vacation)"
)
BENEFIT_PARTS = ("pto", "paid time", "401", "annum", "holiday", "annual leave", "vacation")
FIXED_TERM = re.compile(  # by `search_word`
    r"(?:seasonal|fixed[- ]term|temporary|contract|contractor|internship|intern|interns"
    r"|placement|stage|praktikum)\b"
)


def _permanent(text: str) -> bool:
    if ("permanent" in text or "cdi" in text) and search_word(PERMANENT, text):
        return True
    if not holds_any(text, BENEFIT_PARTS):
        return False
    return search_word(EMPLOYEE_BENEFITS, text) is not None and not search_word(FIXED_TERM, text)


# Words that make a period the length of the engagement itself ("a 6-month contract", "a 3-6
# month internship programme", "duration: 3-6 months"), not of something in a permanent job
# ("deal cycles of 3-6 months", "success in 12 months", "2-week sprints").
ROLE_NOUNS = (
    r"intern(?:ship)?s?|program(?:me)?|placement|residency|fellowship|stage|praktikum|co-?op"
    r"|summer|semester|vollzeitpraktikum|cohort"
)
TERM_WORDS = (
    r"contract(?:or|ual)?|assignment|appointment|engagement|duration|length|seasonal|fixed[- ]term"
    r"|temporary(?! (?:housing|accommodation|lodging|relocation))"
    r"|dauer|dur[ée]e|period of|tenure|commitment"
)
ENGAGEMENT_WORDS = re.compile(rf"\b(?:{ROLE_NOUNS}|{TERM_WORDS})\b")
# In a job with no end of its own (a full-time role whose title names no internship, contract or
# program), a program or an internship named in its text is most often one the role runs, hires
# for or mentors ("you will hire our summer interns for a 12-week program"): there the period
# is the role's only when said of its term, or of "this"/"the" program.
OWN_ENGAGEMENT_WORDS = re.compile(
    rf"\b(?:{TERM_WORDS}|(?:this|the|your)\s+(?:[\w-]+\s+){{0,2}}(?:{ROLE_NOUNS}))\b"
)
ENGAGEMENT_REACH = 50  # characters either side of the period
# A title or structured hours that name an engagement with an end.
FIXED_TERM_HEAD = re.compile(  # by `words_found`
    r"(?:intern(?:ship)?s?|contract(?:or|ual)?|temporary|seasonal|fixed[- ]term|fellow(?:ship)?"
    r"|co-?op|placement|residency|program(?:me)?|stage|praktikum|summer|semester|\d+[- ]?months?"
    r"|\d+[- ]?weeks?)\b"
)
# A FIXED_TERM_HEAD word that names what the work is about, not its term: "Program Manager",
# "Contract Specialist", "Smart Contract Engineer", "Product Manager (Early Stage)", and
# "Contract to Perm", a contract that becomes a permanent job.
SUBJECT_HEADS = ("program", "programme", "contract", "co-op", "coop", "residency", "fellowship")
SUBJECT_AFTER = re.compile(
    r"[\s-]+(?:manager|management|director|coordinator|lead|leader|officer|administrator"
    r"|administration|owner|head|negotiator|counsel|lawyer|attorney|analyst|specialist"
    r"|manufacturing|compliance|operations|associate|assistant|partner)\b"
    r"|[\s-]+to[\s-]+(?:hire|perm\w*)\b"
)
SUBJECT_BEFORE = {  # before the word, then a space or a hyphen
    "contract": re.compile(r"\bsmart[\s-]+$"),
    "stage": re.compile(r"\b(?:early|late|later|growth|seed)[\s-]+$"),
}


def names_fixed_term(text: str) -> bool:
    """Whether a title or structured hours name an engagement with an end (FIXED_TERM_HEAD),
    not a subject of the work that shares its word (SUBJECT_AFTER, SUBJECT_BEFORE)."""
    for match in words_found(FIXED_TERM_HEAD, text):
        start, end = match.span()
        word = match.group(0)
        before = SUBJECT_BEFORE.get(word)
        if before is not None and before.search(text, max(0, start - 8), start):
            continue
        if word in SUBJECT_HEADS and SUBJECT_AFTER.match(text, end):
            continue
        return True
    return False


# Just before a period: words that give the length of what they follow ("runs for 6 months",
# "lasting about 10 weeks"), in a posting that names a fixed-term engagement the work itself.
LENGTH_BEFORE = re.compile(
    r"\b(?:for|lasts?|lasting|runs?|running|spans?|spanning|over)\s+(?:a\s+|an\s+|the\s+)?"
    r"(?:period of\s+)?(?:about\s+|approximately\s+|around\s+|roughly\s+|~\s*|at least\s+"
    r"|(?:a\s+)?minimum\s+(?:of\s+)?)?$"
    r"|\(\s*$"  # "from January 15 to April 15 (13 weeks)"
)


def _engagement_period(
    text: str, weeks: Found, open_ended: bool = False, bounded: bool = False
) -> bool:
    """Whether the period found is said of the engagement itself: ENGAGEMENT_WORDS near it
    (OWN_ENGAGEMENT_WORDS in a job with no end of its own); in a fixed-term one (`bounded`),
    also a span of months or a length said as one ("runs for 6 months"), not a period of
    something else its text names ("a 12-month master's", "analysts spend 6 months in each")."""
    start = max(0, weeks.start - ENGAGEMENT_REACH)
    words = OWN_ENGAGEMENT_WORDS if open_ended else ENGAGEMENT_WORDS
    if words.search(text, start, weeks.end + ENGAGEMENT_REACH) is not None:
        return True
    if not bounded:
        return False
    if MONTH_SPAN.match(text, weeks.start):
        return True
    return LENGTH_BEFORE.search(text, max(0, weeks.start - 40), weeks.start) is not None


# Just before "full-time": a job the role may lead to, not the role ("a path to a full-time
# role", "convert into full-time employment", "a return offer for full-time").
FUTURE_JOB_BEFORE = re.compile(
    r"\b(?:convert|conversion|transition|lead|leads|leading|return offer|path|pathway|potential"
    r"|possibility|chance|eligible|considered|consideration|become|becoming)\b[^.;\n]{0,30}$"
)


FUTURE_JOB_REACH = 45  # characters before the words FUTURE_JOB_BEFORE looks at
FULL_TIME_REACH = 30  # characters either side of "full-time" where its period is said
CLAUSE_ENDS = (". ", "; ", "\n", " | ")


def _said_permanent(text: str) -> bool:
    """Whether a description says the role itself is permanent ("a permanent, full-time
    position", "permanent contract"), not a job it may lead to ("the possibility of a permanent
    role"). Not for titles: "Lead Engineer - CDI" would read as a job "lead" may lead to."""
    if "permanent" not in text and "cdi" not in text:
        return False
    return any(not _of_a_future_job(text, match.start()) for match in words_found(PERMANENT, text))


def _of_a_future_job(text: str, at: int) -> bool:
    """Whether the words before `at` make what follows a job the role may lead to
    (FUTURE_JOB_BEFORE): "a path to a full-time role", "the possibility of a permanent one"."""
    return FUTURE_JOB_BEFORE.search(text, max(0, at - FUTURE_JOB_REACH), at) is not None


def _period_in_clause(text: str, start: int, end: int, reach: int) -> tuple[Found, str] | None:
    """The period stated in the clause around `text[start:end]`, within `reach` characters of
    it, and the words of that clause; or None."""
    around = _clause(text, max(0, start - reach), end + reach, start)
    weeks = find_weeks(around)
    return (weeks, around) if weeks else None


def _clause(text: str, start: int, end: int, at: int) -> str:
    """`text[start:end]` cut to the clause around position `at` (no sentence end inside)."""
    for mark in CLAUSE_ENDS:
        before = text.rfind(mark, start, at)
        if before != -1:
            start = before + len(mark)
        after = text.find(mark, at, end)
        if after != -1:
            end = after
    return text[start:end]


TOGETHER_CHARS = 60  # at most this many characters between a weekly figure and its period
# Near a period in a description, beside ENGAGEMENT_WORDS: words that make it the length of the
# work a weekly figure is of ("the project runs for 3 weeks", "join us for 6 months").
PROJECT_WORDS = re.compile(
    r"\b(?:project|micro-project|gig|volunteers?|volunteering|join(?:ing)? us for)\b"
)


def _period_of_weekly(
    weekly_text: str,
    weekly: Found,
    weeks_text: str,
    weeks: Found,
    heads: list[str],
    bounded: bool,
) -> tuple[Found | None, str]:
    """The period a weekly figure the text states runs over, and its text: the one said with it
    ("3 hours per week for 4 weeks"), else the one found if a title or structured hours state it
    or it is said of the engagement (`_weekly_period`); else None ("customers stay 18 months",
    "12 weeks of bonding leave")."""
    said_with = _period_said_with_weekly(weekly_text, weekly)
    if said_with:
        return said_with
    if any(weeks_text is head for head in heads) or _weekly_period(weeks_text, weeks, bounded):
        return weeks, weeks_text
    return None, weeks_text


def _period_said_with_weekly(text: str, weekly: Found) -> tuple[Found, str] | None:
    """The period said in one clause with a weekly figure of `text`, close after or before it
    ("3 hours a week for 5 weeks", "a 6-week project, about 4 hours a week"), and the words
    around them; or None."""
    return _period_in_clause(text, weekly.start, weekly.end, TOGETHER_CHARS)


def _weekly_period(text: str, weeks: Found, bounded: bool) -> bool:
    """Whether a period a description states, apart from its weekly figure, is the length of
    the work that figure is of: said of the engagement ("the project runs for 3 weeks", "join
    us for 6 months"), not of something else ("customers stay 18 months", "12 weeks of bonding
    leave", "our 12-month roadmap")."""
    if PROJECT_WORDS.search(
        text, max(0, weeks.start - ENGAGEMENT_REACH), weeks.end + ENGAGEMENT_REACH
    ):
        return True
    return _engagement_period(text, weeks, bounded=bounded)


def _period_said_with_full_time(cleaned: list[str]) -> tuple[Found, str] | None:
    """The period stated next to the role's "full-time" ("work full-time for 6 months"), and the
    words around them, or None."""
    for text in cleaned:
        for match in FULL_TIME.finditer(text):
            if _of_a_future_job(text, match.start()):
                continue
            said_with = _period_in_clause(text, *match.span(), FULL_TIME_REACH)
            if said_with:
                return said_with
    return None


def _full_time_words(cleaned: list[str]) -> str:
    """The words saying the role is full-time in the first text that says it, or ""."""
    for text in cleaned:
        for match in FULL_TIME.finditer(text):
            if not _of_a_future_job(text, match.start()):
                return snippet(text, *match.span(), 40)
    return ""
