"""A description's own parts: what the role is, and what is about the employer.

Real postings wrap a few lines about the role in pages of the company's story, its benefits, its
interview process and legal notices. Figures there are not the candidate's effort ("26 weeks of
parental leave", "Cultural fit (1h)"), amounts there are not the role's pay ("HRA up to $10,000
per year") and words there do not name the role's field. `split_sections` sorts the lines of a
plain-text description (one block a line, as `pipeline.tagging.text.html_to_text` gives) by the
heading they sit under, and sets aside benefit and legal lines wherever they stand.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

from pipeline.tagging.text import WordFinder

HEADING_MAX_CHARS = 70
HEADING_MAX_WORDS = 9

# Headings of sections about the role itself (what to do, who may apply, when, for how long).
# What a role is called in a heading: "The micro-internship", "Your project", "About the co-op".
ROLE_NOUN = (
    r"(?:role|job|position|opportunity|team|you|work|project|internship|micro-internship"
    r"|micro-project|program|programme|fellowship|co-op|coop|sprint|brief|task|assignment"
    r"|placement|gig|challenge|engagement|commitment|deliverables?|scope|details|timeline|ask)s?"
)
ROLE_HEADING = re.compile(
    rf"(?:about (?:[\w&'-]+ ){{0,5}}?{ROLE_NOUN}|(?:the|your|this) (?:[\w-]+ ){{0,2}}?{ROLE_NOUN}"
    r"|what we need|what(?:'s| is) involved|how it works|key details|logistics"
    r"|about (?:[\w&'-]+ ){0,4}?(?:program|programme|internship|fellowship|accelerator)"
    r"|(?:the |this |your |key |role |job |position )?(?:role|job|position"
    r"|opportunity|project|internship|assignment|mission|missions|tasks|responsibilities"
    r"|duties|requirements|qualifications|skills|experience|profile)(?: (?:overview|summary"
    r"|description|details|and responsibilities|& responsibilities))?"
    r"|(?:job|role|position|project) (?:description|overview|summary|details)|overview"
    r"|what you(?:'ll| will) (?:do|own|be doing|need|bring|work on|learn)|what you bring"
    r"|you bring|what you have|who you are|what we(?:'re| are) looking for|what we look for"
    r"|who we(?:'re| are) looking for|who may apply|who can apply|eligibility|nice[- ]to[- ]haves?"
    r"|bonus points(?: if you have| for)?|(?:minimum |basic |preferred |required )"
    r"(?:qualifications|requirements|skills|experience)|preferred|required|must[- ]haves?"
    r"|time commitment|schedule|hours|duration|dates|timeline|location|deliverables"
    r"|(?:tes |vos |ton |votre |les )?(?:futures )?(?:missions|responsabilit[eé]s|r[oô]le|profil"
    r"(?: recherch[eé])?|comp[eé]tences|[eé]quipe)|le poste|ton [eé]quipe|your tasks)"
)
# Headings of sections about the employer: its story, benefits, hiring process, legal notices.
OTHER_HEADING = re.compile(
    rf"(?:about (?!(?:the |this |your )?{ROLE_NOUN}$).+|[aà] propos.*|who (?:we are|are we)"
    r"|our (?:story|mission|culture|values|vision|company|approach|stance|offer|benefits|perks"
    r"|process)"
    r"|(?:the )?company(?: overview| description)?|why (?:join|work|you.ll love).*|why \w+"
    r"|life at .+|join us|qui sommes[- ]nous|pourquoi (?:nous )?rejoindre.*|l.entreprise"
    r"|l.environnement|l.histoire.*|le package|nos avantages|avantages"
    r"|(?:\w+ )?benefits(?: (?:&|and) perks)?|perks(?: (?:&|and) benefits)?|what we offer"
    r"|we offer|what.s in it for you|rewards|total rewards|compensation(?: (?:&|and) benefits)?"
    r"|pay transparency|salary(?: range)?"
    r"|(?:the |our )?(?:interview|recruitment|recruiting|hiring|application|selection)"
    r" (?:process|steps|stages)|(?:processus|[eé]tapes) de recrutement|how to apply|next steps"
    r"|equal (?:employment )?opportunity.*|eeo.*|diversity.*|accommodations?.*|privacy.*"
    r"|disclaimer|notice.*|e-verify)"
)
PAY_HEADING = re.compile(r"compensation.*|pay transparency|salary.*|le package")
# A line anywhere that is a benefit or a legal notice, not the role.
BENEFIT_LINE = re.compile(
    r"(?i)\b(?:parental|maternity|paternity|family|sick|annual|bereavement) leave\b|\b401\(?k\)?"
    r"|\bpto\b|paid time off|\bvacation\b|\bholidays?\b|health(?:care)? insurance|\bdental\b"
    r"|\bvision\b.{0,20}\binsurance|\bhra\b|\bhsa\b|\bfsa\b|\bfertility\b|\bwellness\b|\bgym\b"
    r"|\bpension\b|\bmutuelle\b|\brtt\b|\bticket[s-]?restaurants?\b|equal (?:employment )?"
    r"opportunity employer|without regard to (?:race|age|sex)|reasonable accommodations?"
)
# One of these is in every BENEFIT_LINE match, lower-cased: only lines holding one are searched.
BENEFIT_WORDS = (
    *("leave", "401", "pto", "paid time off", "vacation", "holiday", "insurance", "dental"),
    *("hra", "hsa", "fsa", "fertility", "wellness", "gym", "pension", "mutuelle", "rtt"),
    *("restaurant", "equal", "regard to", "accommodation"),
)
BENEFIT_FINDER = WordFinder(list(BENEFIT_WORDS))
BENEFIT_LINE_CHARS = 160  # a longer line is prose that may say more than a benefit
UNDECORATE = re.compile(r"[^\w&'’ +/-]+")


# A short line that speaks to the candidate or names the role: under the employer's heading, it
# starts the role's part again ("If you're drafted, you'll...", "More about the internship...").
ROLE_LINE = re.compile(r"(?i)\byou(?:'ll|’ll|'re|’re|r)?\b")
ROLE_NAME = re.compile(
    r"(?i)\b(?:internship|micro-internship|responsibilities|requirements|qualifications|role"
    r"|position|project|program|programme|fellowship|assignment|placement)s?\b"
)
HEADING_ENDS = (":", "…", "...", "?")
SHORT_LINE_WORDS = 9


class Sections(NamedTuple):
    role: str  # lines about the role, and lines before any heading
    other: str  # lines about the employer: story, benefits, process, legal
    pay: str  # lines under a compensation heading


@lru_cache(maxsize=65536)  # headings repeat from posting to posting of one board
def heading_kind(line: str) -> str | None:
    """`role`, `other` or `pay` when the line is a heading of that kind of section, else None."""
    if len(line) > HEADING_MAX_CHARS or line.endswith((".", ",", ";")):
        return None
    name = UNDECORATE.sub(" ", line.lower()).replace("’", "'").strip(" -:")
    if not name or len(name.split()) > HEADING_MAX_WORDS:
        return None
    name = " ".join(name.split())
    if ROLE_HEADING.fullmatch(name):
        return "role"
    if OTHER_HEADING.fullmatch(name):
        return "pay" if PAY_HEADING.fullmatch(name) else "other"
    return None


def _role_line(line: str) -> bool:
    """A short line, not a sentence, that speaks to the candidate, or a heading that names the
    role."""
    return (
        len(line) <= HEADING_MAX_CHARS
        and not line.endswith((".", ";", ","))
        and len(line.split()) <= SHORT_LINE_WORDS
        and (
            ROLE_LINE.search(line) is not None
            or (line.endswith(HEADING_ENDS) and ROLE_NAME.search(line) is not None)
        )
        and not BENEFIT_LINE.search(line)  # last: it costs ten times the others
    )


def split_sections(text: str, lower: str | None = None) -> Sections:
    """The role's lines, the employer's lines and the pay lines of a plain-text description
    (`lower`: the text lower-cased, where the caller has it)."""
    if "\n" not in text:
        return Sections(text, "", "")
    lines = text.split("\n")
    benefit_lines = _benefit_line_numbers(text.lower() if lower is None else lower, lines)
    kinds = [heading_kind(line) if len(line) <= HEADING_MAX_CHARS else None for line in lines]
    if not benefit_lines and not any(kinds):
        return Sections(text, "", "")  # no heading, no benefit: all of it is the role's
    role: list[str] = []
    other: list[str] = []
    pay: list[str] = []
    current = role
    headings = 0
    for number, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if kind is not None:
            current = role if kind == "role" else pay if kind == "pay" else other
            headings += 1
            continue
        if current is other and _role_line(line):
            current = role
        if current is not other and number in benefit_lines and BENEFIT_LINE.search(line):
            other.append(line)
        else:
            current.append(line)
    if not headings and not other:
        return Sections(text, "", "")
    return Sections("\n".join(role), "\n".join(other), "\n".join(pay))


def _benefit_line_numbers(lower: str, lines: list[str]) -> set[int]:
    """The numbers of the lines, not too long, that hold one of BENEFIT_WORDS (`lower`: the
    lines' text lower-cased)."""
    found = BENEFIT_FINDER.find(lower)
    if not found:
        return set()
    starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    numbers = {bisect_right(starts, at) - 1 for _, at, _ in found}
    return {n for n in numbers if len(lines[n]) <= BENEFIT_LINE_CHARS}
