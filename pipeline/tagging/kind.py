"""What kind of opportunity a posting is, and the words that say so.

Precision first: a listing is a micro-internship only on positive evidence (it is called one, a
short project for students or early-career people, or an effort statement of at most 40 hours)
and never against evidence of regular employment (a permanent or open-ended contract, "CDI", a
benefits package, an annual salary, a seniority title, years of experience required).
Internships are recognised in the languages real boards use. Pure: strings in, `Kind` out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from pipeline.tagging.hours import snippet
from pipeline.tagging.text import (
    WordFinder,
    first_match_at,
    folds_like_lower,
    holds_any,
    search_word,
    word_char_at,
)

# The patterns in capitals below run on lower-case text; those used with `search_word` must
# match at the start of a word.
# Names of the thing itself: a title or employment type that says one of these is one.
STRONG_MICRO = re.compile(
    r"micro[- ]?internships?\b|micro[- ]?projects?\b|project[- ]based internships?\b"
    r"|mini[- ]internships?\b"
)
MICRO_MARKERS = re.compile(
    r"micro[- ]?internships?\b|micro[- ]?projects?\b|project[- ]based internships?\b"
    r"|short[- ]term (?:paid |freelance |remote )?projects?\b|mini[- ]internships?\b"
    r"|freelance (?:micro[- ])?projects?\b|paid (?:short|micro)[- ]projects?\b"
)
# Each MICRO_MARKERS match starts with one of these, its phrases' starts as far as they are
# plain text: the only places it needs trying ("project 2" or "short notice" is not one).
MICRO_MARKER_STARTS = (
    *("micro", "project-based intern", "project based intern", "short-term ", "short term "),
    *("mini-intern", "mini intern", "freelance ", "paid short", "paid micro"),
)
# Just before a marker: it is denied ("this is not a micro-internship", "no mini-internships").
DENIED_BEFORE = re.compile(r"(?:\bnot|n't|\bno)(?:\s+an?)?\s*$")
PART_TIME_ONGOING = re.compile(r"ongoing\b|permanent part[- ]time\b|regular part[- ]time")
# A volunteer role, not a job running volunteers ("Marketing Manager, Volunteer Community").
VOLUNTEER = re.compile(
    r"volunteers?\b(?!\s+(?:community|communities|program|programs|programme|engagement"
    r"|management|relations|services|recruitment|network|platform|operations))"
)
PROJECT = re.compile(r"project\b|deliverables?\b|assignment\b|gig\b")
# The employment is full-time or permanent (an employment type, a title), in any case; the
# weekly load of the work in a text is `pipeline.tagging.hours.engagement.FULL_TIME_JOB`.
FULL_TIME_JOB = re.compile(
    r"(?i)(?<![a-z])full[- _]?time(?![a-z])(?!\s+students?)|(?<![a-z])permanent"
)
# "Virtual work experience" (program or not) is the common name of free, self-paced simulations.
# A job simulation, not work on simulations ("Senior Simulation Engineer").
SIMULATION = re.compile(
    r"(?i)\b(?:job|work|career|virtual|free) simulations?\b|\bsimulation\s*(?:program|programme"
    r"|course|:)|\bvirtual (?:\w+ )?(?:work )?experience\b|\bsimulation \(unpaid"
)
COMPETITION = re.compile(r"(?i)\bcase competition\b|\bhackathon\b|\bcompetition\b|\bchallenge\b")
FELLOWSHIP = re.compile(r"(?i)\bfellow(?:ship)?s?\b")
# Internship words of the languages real boards use: English, French (stage, stagiaire,
# alternance), German (Praktikum), Spanish (prácticas, becario), Portuguese (estágio), Dutch
# (stagiair), Italian (tirocinio), Polish (staż). "Stage" only where it is the French word, not
# "early stage" or "stage manager".
INTERNSHIP = re.compile(
    r"(?i)\bintern(?:ship)?s?\b|\bco-?op\b|\bstagiaires?\b|\balternan(?:ce|te?s?)\b"
    r"|(?<!early )(?<!early-)(?<!late )(?<!growth )(?<!seed )(?<!next )(?<!final )(?<!any )"
    r"(?<!every )(?<!this )(?<!that )\bstages?\b(?!\s*(?:manager|technician|hand|crew|design"
    r"|director|lighting|focus|company|startup|investor|venture|gate|[0-9]))"
    r"|\bpraktik(?:um|ant(?:in)?)\b|\bpr[áa]cticas\b|\bbecari[oa]s?\b|\best[áa]gi(?:o|ári[oa])\b"
    r"|\bstagiair(?:e|s)?\b|\btirocin(?:io|ante)\b|\bsta[żz](?:ysta|ystka)?\b"
    r"|\b(?:industrial|student|sandwich|work) placements?\b|^placement\b"  # British English
    r"|\bplacement (?:student|year|programme|program)\b"
)
# A program for students whose text calls it an internship ("a 3-6 month internship programme").
PROGRAM_HEAD = re.compile(r"(?i)\bprogram(?:me)?\b|\baccelerator\b|\bcampus\b|\bstudents?\b")
INTERNSHIP_PROGRAM = re.compile(
    r"(?i)\binternship[- ]program(?:me)?\b|\b(?:this|our|the|an?) (?:\w+[- ])?internship\b"
    r"|(?:(?<=\n)|\b(?:for|to|open to|are) )current (?:university |college )?students\b"
    r"|\bcurrently enrolled\b"
)
PROJECT_EMPLOYMENT = re.compile(r"(?i)contract|temporary|freelance|project|gig|fixed[_ -]term")
# Who a short project is for: students and people early in their career.
EARLY_CAREER = re.compile(
    r"(?i)\bstudents?\b|\bundergrad|\bgraduates?\b|\bnew grads?\b|\bearly[- ]career\b"
    r"|\bentry[- ]level\b|\bno (?:prior )?experience (?:is )?(?:required|necessary|needed)\b"
)
# Regular employment, in the title or employment type: permanent, or a senior role.
REGULAR_HEAD = re.compile(
    r"(?i)\bcdi\b|\bperm(?:anent)?\b|\bsenior\b|\bsr\.?(?!\w)|\bprincipal\b"
    r"|\b(?:team|tech|technical|engineering|design|product|project|program)\s+lead\b"
    r"|\blead\s+(?:engineer|developer|designer|architect|scientist|analyst|product|data"
    r"|software|consultant|recruiter|counsel|accountant|researcher)"
    r"|\bstaff\b|\bdirector\b|\bhead of\b|\bvp\b|\bvice president\b|\bchief\b|\bmanager\b"
    r"|\barchitect\b"
)
# Regular employment, in the text: a permanent or open-ended contract, benefits, a salary by the
# year, years of experience required.
REGULAR_TEXT = re.compile(  # lower case, where REGULAR_STARTS are
    r"cdi\b|contrat [àa] dur[ée]e ind[ée]termin[ée]e|permanent (?:contract|position|role"
    r"|employment|job|post)\b|open[- ]ended contract\b|benefits package\b|401\(?k\)?"
    r"|health(?:care)? insurance\b|medical, dental\b|stock options\b"
    r"|equity (?:grant|package|compensation|stake)s?\b"
    r"|annual salary\b|per annum\b|salary range\b|base salary\b"
)
# Where a REGULAR_TEXT match can start: its phrases' starts, as far as they are plain ASCII text
# ("open ended contract", not "open 9am-5pm").
REGULAR_STARTS = (
    *("cdi", "contrat ", "permanent ", "open-ended contract", "open ended contract"),
    *("benefits package", "401k", "401(k", "health insurance", "healthcare insurance"),
    *("medical, dental", "stock options", "equity ", "annual salary", "per annum"),
    *("salary range", "base salary"),
)
# Both, in one automaton: a description is searched once for the two (`_starts`).
STARTS = WordFinder([*MICRO_MARKER_STARTS, *REGULAR_STARTS])
# "5+ years of experience", "3-5 years of relevant experience", "2 ans d'expérience" (lower case)
YEARS_OF_EXPERIENCE = re.compile(
    r"[0-9](?<![0-9][0-9][0-9])[0-9]?\+?\s*(?:(?:-|–|to)\s*[0-9]{1,2}\s*\+?\s*)?(?:years?\s+"
    r"(?:of\s+)?(?:[a-z/-]+\s+){0,3}?experience\b|ans d.exp[ée]rience\b)"
)
YEARLY_UNITS = ("year",)
EVIDENCE_CHARS = 120

# Every kind `decide_kind` gives, most specific first.
KINDS = (
    "micro-internship",
    "internship",
    "simulation",
    "job",
    "volunteer",
    "fellowship",
    "competition",
)


class Kind(NamedTuple):
    kind: str
    evidence: str | None  # the words or field the kind came from (120 characters at most)


# One of these is in every match of the pattern they are named after, in lower case: where
# `folds_like_lower` holds, a text without them needs no search.
SIMULATION_WORDS = ("simulation", "virtual")
COMPETITION_WORDS = ("competition", "hackathon", "challenge")
FELLOWSHIP_WORDS = ("fellow",)
# One test for the three: most heads hold none of them.
OTHER_KIND_WORDS = (*SIMULATION_WORDS, *COMPETITION_WORDS, *FELLOWSHIP_WORDS)
FULL_TIME_WORDS = ("full", "permanent")
INTERNSHIP_WORDS = (  # one is in every INTERNSHIP match, lower-cased
    *("intern", "co-op", "coop", "stag", "altern", "prakti", "cticas", "becari", "estági"),
    *("estagi", "tirocin", "staż", "staz", "placement"),
)
PROGRAM_WORDS = ("program", "accelerator", "campus", "student")  # as INTERNSHIP_WORDS
REGULAR_HEAD_WORDS = (
    *("cdi", "perm", "senior", "sr", "principal", "lead", "staff", "director", "head of"),
    *("vp", "vice president", "chief", "manager", "architect"),
)


def decide_kind(
    title: str,
    description: str,
    employment_type: str | None,
    hours_max: float | None,
    weekly: bool,
    unpaid: bool | None,
    source: str = "",
    hours_evidence: str | None = None,
    pay_unit: str | None = None,
    employer_text: str = "",
    stated_effort: bool = True,
    description_lower: str | None = None,
) -> Kind:
    """One of micro-internship, internship, simulation, job, volunteer, fellowship,
    competition, with its evidence. `description` is the role's own text; `employer_text` the
    rest of the description (its benefits, contract terms), read only for regular employment.
    `stated_effort` says `hours_max` comes from a statement of effort, not from "full-time" over
    a period: only such hours are evidence of a micro-internship. `description_lower`: the
    description lower-cased, where the caller has it."""
    head = f"{title} | {employment_type or ''}"
    head_lower, title_lower = head.lower(), title.lower()
    may_match = holds_any if folds_like_lower(head) else _always

    if source == "forage":
        return Kind("simulation", f"source: {source}")
    if may_match(head_lower, OTHER_KIND_WORDS):  # the lower-cased title starts the head's
        if may_match(head_lower, SIMULATION_WORDS):
            match = SIMULATION.search(employment_type or "") or SIMULATION.search(title)
            if match:
                return Kind("simulation", _quote(match))
        if may_match(title_lower, COMPETITION_WORDS):
            match = COMPETITION.search(title)
            if match:
                return Kind("competition", _quote(match))
        if may_match(title_lower, FELLOWSHIP_WORDS):
            match = FELLOWSHIP.search(title)
            if match:
                return Kind("fellowship", _quote(match))
    strong = search_word(STRONG_MICRO, head_lower)
    if strong:
        return Kind("micro-internship", f"{strong.group(0)}: {title}"[:EVIDENCE_CHARS])
    body = _body_lower(description, description_lower)
    micro_starts, regular_starts = _starts(body)

    def regular() -> str | None:  # worked out only where it decides
        head_may = may_match(head_lower, REGULAR_HEAD_WORDS)
        return _regular(head, body, regular_starts, employer_text, pay_unit, head_may)

    marker = search_word(MICRO_MARKERS, head_lower) or _micro_marker(body, micro_starts)
    if marker and not regular():
        return Kind("micro-internship", _quote(marker))
    text = f"{head_lower} | {body}"
    volunteer = search_word(VOLUNTEER, head_lower) or (unpaid and search_word(VOLUNTEER, text))
    if volunteer:
        return Kind("volunteer", _quote(volunteer))
    full_time = FULL_TIME_JOB.search(head) if may_match(head_lower, FULL_TIME_WORDS) else None
    short = hours_max is not None and hours_max <= 40 and stated_effort
    if short and not full_time and not regular():
        return Kind("micro-internship", f"hours: {hours_evidence}" if hours_evidence else None)
    internship = _internship(head, head_lower, may_match)
    internship = internship or _internship_program(head, body, employer_text)
    if internship:
        return Kind("internship", _quote(internship))
    if full_time:
        return Kind("job", _quote(full_time))
    ongoing = search_word(PART_TIME_ONGOING, text) if weekly else None
    if ongoing:
        return Kind("job", _quote(ongoing))
    employment = PROJECT_EMPLOYMENT.search(employment_type or "")
    if hours_max is None and not weekly and employment:
        project, early = search_word(PROJECT, text), EARLY_CAREER.search(text)
        if project and early and not regular():
            return Kind(
                "micro-internship",
                f"employment type: {employment_type}; {_quote(project)}; {_quote(early)}",
            )
    if employment_type:
        return Kind("job", f"employment type: {employment_type}"[:120])
    return Kind("job", regular())


BODY_CHARS = 3000  # the description's first characters, read for its kind


def _body_lower(description: str, lower: str | None) -> str:
    """`description[:BODY_CHARS].lower()`, cut from `lower` (the description lower-cased) where
    each character lower-cased to one, as most do (none becomes fewer than one)."""
    if lower is not None and len(lower) == len(description):
        return lower[:BODY_CHARS]
    return description[:BODY_CHARS].lower()


def _regular(
    head: str,
    body: str,
    body_starts: set[int],
    employer_text: str,
    pay_unit: str | None,
    head_may: bool,
) -> str | None:
    """The evidence of regular employment, or None (`head_may`: the head may say it;
    `body_starts`: where REGULAR_TEXT may start in `body`, from `_starts`)."""
    match = REGULAR_HEAD.search(head) if head_may else None
    if match:
        return _quote(match)
    match = _regular_text(body, body_starts)
    if match is None and employer_text:
        other = employer_text[:4000].lower()
        match = _regular_text(other, _starts(other)[1])
    if match:
        return _quote(match)
    if pay_unit in YEARLY_UNITS:
        return "pay by the year"
    return None


def _regular_text(text: str, starts: set[int]) -> re.Match[str] | None:
    """The first REGULAR_TEXT match in `text`, tried at `starts`, else years of experience."""
    match = first_match_at(REGULAR_TEXT, text, starts)
    if match is None and "exp" in text and ("year" in text or "ans" in text):
        match = YEARS_OF_EXPERIENCE.search(text)
    return match


ENGLISH_INTERNSHIP = re.compile(r"(?i)\bintern(?:ship)?s?\b")


def _internship(
    head: str, head_lower: str, may_match: Callable[[str, tuple[str, ...]], bool]
) -> re.Match[str] | None:
    """An INTERNSHIP match in the head: the common English words tried first."""
    if "intern" in head_lower:
        match = ENGLISH_INTERNSHIP.search(head)
        if match:
            return match
    return INTERNSHIP.search(head) if may_match(head_lower, INTERNSHIP_WORDS) else None


def _internship_program(head: str, body: str, employer_text: str) -> re.Match[str] | None:
    """A program for students whose text calls it an internship (in any part of it: its
    "About the program" section may sit with the employer's)."""
    if not holds_any(head.lower(), PROGRAM_WORDS) or not PROGRAM_HEAD.search(head):
        return None
    return INTERNSHIP_PROGRAM.search(body) or INTERNSHIP_PROGRAM.search(employer_text[:4000])


def _quote(match: re.Match[str]) -> str:
    """The words of a match with some context, as evidence."""
    return snippet(match.string, *match.span(), 80)


def _always(text: str, words: tuple[str, ...]) -> bool:
    return True


def _starts(lower: str) -> tuple[set[int], set[int]]:
    """Where a MICRO_MARKERS and where a REGULAR_TEXT match may start in `lower`: where one of
    their starts (MICRO_MARKER_STARTS, REGULAR_STARTS) starts a word."""
    found = STARTS.find(lower)
    micro = len(MICRO_MARKER_STARTS)
    return (
        {at for needle, at, _ in found if needle < micro and not word_char_at(lower, at - 1)},
        {at for needle, at, _ in found if needle >= micro and not word_char_at(lower, at - 1)},
    )


def _micro_marker(lower: str, starts: set[int]) -> re.Match[str] | None:
    """The first MICRO_MARKERS match at the start of a word (`search_word`) that is not
    denied (DENIED_BEFORE), trying the pattern only at `starts` (from `_starts`)."""
    for at in sorted(starts):
        match = MICRO_MARKERS.match(lower, at)
        if match and not _denied(lower, at):
            return match
    return None


def _denied(lower: str, at: int) -> bool:
    return DENIED_BEFORE.search(lower, max(0, at - 12), at) is not None
