"""Industry tagging with transparent weighted phrases from `industries.toml`.

Each text is split into words once (`pipeline.tagging.chunks`); one-word phrases are found by
set intersection, longer phrases only when their first word is present, and "prefix*" phrases by
one small pattern.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

from ahocorasick_rs import AhoCorasick, BytesAhoCorasick

from pipeline.tagging.chunks import CONNECTORS, SEPARATE, WORD, chunks_of, decorated, separated
from pipeline.tagging.text import TITLE_PARTS

TAXONOMY_FILE = Path(__file__).with_name("industries.toml")
TITLE_WEIGHT, CATEGORY_WEIGHT, DESCRIPTION_WEIGHT = 3, 1.5, 1
# The description's lines about the employer (its story, benefits, process: see
# `pipeline.tagging.sections`) say little of the role's field: "a MySQL DBA at a marketing
# platform".
EMPLOYER_WEIGHT = 0.25
FIELD_WEIGHTS = (TITLE_WEIGHT, CATEGORY_WEIGHT, DESCRIPTION_WEIGHT, EMPLOYER_WEIGHT)
EVIDENCE_CHARS = 120
REPEATED_TEXTS = 10_000


@dataclass(frozen=True)
class Taxonomy:
    min_score: float
    other_min_text: int
    labels: dict[str, str]
    descriptions: dict[str, str]
    phrases: dict[str, dict[str, float]]  # phrase (lower case, maybe ending in *) -> slug -> weight
    weights: dict[str, tuple[tuple[str, float], ...]]  # the same as (slug, weight) pairs
    words: frozenset[str]  # one-word phrases
    multi: dict[str, list[tuple[re.Pattern[str], str]]]  # first word -> (pattern, phrase)
    multi_phrases: dict[str, tuple[str, re.Pattern[str]]]  # phrase -> (first word, pattern)
    chunk_words: dict[bytes, str]  # a chunk (see `chunks_of`) -> the one-word phrase or first word
    chunk_keys: frozenset[bytes]
    prefixes: re.Pattern[str] | None  # "analy*" style phrases
    stems: tuple[str, ...]  # their stems ("analy"): the pattern only runs where one is found
    stem_phrases: frozenset[str]  # the phrases themselves ("analy*")
    order: dict[str, int]
    # In one pass over a separated text (an Aho-Corasick automaton), every chunk key with a space
    # before and after, every phrase of several words and stem as it is, and two connectors that
    # touch: faster than splitting a text into chunks and looking each one up (several times on a
    # description, a little on a title) or than searching it for each phrase. Needle i finds
    # `chunk_finder_words[i]`: a chunk's word, a phrase (a stem's "analy*"; never a chunk's word,
    # as those have no space or "*"), or None for two connectors (`_scan`).
    chunk_finder: BytesAhoCorasick
    chunk_finder_words: tuple[str | None, ...]
    # Phrases of several words and stems the automaton cannot find (with characters a separated
    # text does not keep), as (the text searched for, the phrase): searched for in the text itself.
    unfindable: tuple[tuple[str, str], ...]
    # Job titles naming a field (`[roles]`): one pattern of them all, and each one's slug.
    roles: AhoCorasick | None = None
    role_names: tuple[str, ...] = ()
    # slug -> each of its phrases' place: the weightiest first, those of one weight by name
    slug_ranks: dict[str, dict[str, int]] = field(default_factory=dict)
    role_slugs: dict[str, str] = field(default_factory=dict)
    exact_sums: bool = False  # every score is exact, whatever the order of its terms (`_ranked`)
    # `found_in` of texts that repeat from posting to posting (a source's departments and
    # functions): text -> the phrases, in the order `found_in` gives them.
    repeated: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def found_in(self, text: str, lower: str | None = None) -> set[str]:
        """The phrases of the taxonomy that `text` contains (`lower`: the text lower-cased, where
        the caller has it)."""
        lower = text.lower() if lower is None else lower
        scanned = self._scan(lower)
        if scanned is None:  # connectors touch (rare)
            return self._found_by_split(lower)
        return self._found_by_scan(lower, scanned)

    def _found_by_split(self, lower: str) -> set[str]:
        """`found_in`'s answer from the chunks of `lower`."""
        chunks = self.chunk_keys.intersection(chunks_of(lower))
        return self._found(lower, set(map(self.chunk_words.__getitem__, chunks)), None)

    def _found_by_scan(self, lower: str, scanned: set[str]) -> set[str]:
        """`found_in`'s answer from `_scan`'s words and the phrases it saw."""
        if self.unfindable:
            scanned = scanned | {phrase for text, phrase in self.unfindable if text in lower}
        return self._found(lower, scanned, scanned)

    def _found(self, lower: str, words: set[str], held: set[str] | None) -> set[str]:
        """The one-word phrases among `words`, and the phrases of several words (their first word
        among `words`) and the stems that their patterns find in `lower`, tried only where `lower`
        may hold them: those in `held` (stems by their phrase), or with `held` None those `lower`
        contains."""
        found = words & self.words
        if held is None:
            for first in words & self.multi.keys():
                for pattern, phrase in self.multi[first]:
                    if phrase in lower and pattern.search(lower):
                        found.add(phrase)
        else:  # the few phrases held, rather than every phrase of each first word
            for phrase in held & self.multi_phrases.keys():
                first, pattern = self.multi_phrases[phrase]
                if first in words and pattern.search(lower):
                    found.add(phrase)
        if self.prefixes is not None and (
            any(map(lower.__contains__, self.stems))
            if held is None
            else not held.isdisjoint(self.stem_phrases)
        ):
            found.update(m.group(1) + "*" for m in self.prefixes.finditer(lower))
        return found

    def _scan(self, lower: str) -> set[str] | None:
        """`set(map(chunk_words.__getitem__, chunk_keys.intersection(chunks_of(lower))))` and the
        phrases that the separated text holds (every one `lower` holds, and maybe more; stems by
        their phrase), in one pass; None where connectors touch (`chunks_of`)."""
        data = separated(f" {lower} ")
        names = self.chunk_finder_words
        seen = {
            names[needle]
            for needle, _, _ in self.chunk_finder.find_matches_as_indexes(data, overlapping=True)
        }
        return None if None in seen else seen

    def found_in_repeated(self, text: str) -> tuple[str, ...]:
        """`found_in(text)`, remembered for up to REPEATED_TEXTS texts."""
        try:
            return self.repeated[text]
        except KeyError:
            if len(self.repeated) >= REPEATED_TEXTS:
                self.repeated.clear()
            found = self.repeated[text] = tuple(self.found_in(text))
            return found


class IndustryTag(NamedTuple):  # made for every posting: faster than a frozen dataclass
    industry: str | None
    alt: str | None = None
    confidence: float | None = None
    evidence: str | None = None  # the phrases the industry came from, where they were found


@cache
def load_taxonomy(path: Path = TAXONOMY_FILE) -> Taxonomy:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    industries = data["industries"]
    role_slugs = {
        name.lower(): slug for slug, names in data.get("roles", {}).items() for name in names
    }
    phrases: dict[str, dict[str, float]] = {}
    for slug, spec in industries.items():
        for phrase, weight in spec["phrases"].items():
            phrases.setdefault(phrase.lower(), {})[slug] = float(weight)
    words = frozenset(p for p in phrases if " " not in p and not p.endswith("*"))
    multi: dict[str, list[tuple[re.Pattern[str], str]]] = {}
    multi_phrases: dict[str, tuple[str, re.Pattern[str]]] = {}
    for phrase in phrases:
        if " " in phrase:
            # `(?<![\w&])phrase(?![\w&])`, written to start with the phrase: the regex engine
            # then skips to where the phrase is, rather than trying every position of the text
            # (twenty times as fast on real descriptions)
            escaped = re.escape(phrase)
            pattern = re.compile(rf"{escaped}(?<![\w&]{escaped})(?![\w&])")
            first = WORD.findall(phrase)[0]
            multi.setdefault(first, []).append((pattern, phrase))
            multi_phrases[phrase] = first, pattern
    # Phrases that are not one WORD match can never be found; they get no chunks either.
    chunk_words = {
        chunk: word
        for word in (*words, *multi)
        if WORD.fullmatch(word)
        for chunk in decorated(word)
    }
    stem_phrases = [p for p in phrases if p.endswith("*")]
    stems = [p[:-1] for p in stem_phrases]
    # Phrases of several words and stems, as (text, phrase), whose every character a separated
    # text keeps: where the lower-cased text holds one, the separated text holds it too.
    searched = [*((p, p) for p in phrases if " " in p), *((p[:-1], p) for p in stem_phrases)]
    findable = [
        (text, phrase)
        for text, phrase in searched
        if text
        and all(
            char == " " or ord(char) < 128 and SEPARATE[ord(char)] == ord(char) for char in text
        )
    ]
    # `Taxonomy.chunk_finder`'s needles, each with what it names
    needles = [
        *((b" " + chunk + b" ", word) for chunk, word in chunk_words.items()),
        *((text.encode(), phrase) for text, phrase in findable),
        *((bytes([a, b]), None) for a in CONNECTORS for b in CONNECTORS),
    ]
    prefixes = re.compile(rf"\b({'|'.join(map(re.escape, stems))})\w*") if stems else None
    return Taxonomy(
        min_score=float(data.get("min_score", 1)),
        other_min_text=int(data.get("other_min_text", 200)),
        labels={slug: spec["label"] for slug, spec in industries.items()},
        descriptions={slug: spec["description"] for slug, spec in industries.items()},
        phrases=phrases,
        weights={phrase: tuple(slugs.items()) for phrase, slugs in phrases.items()},
        words=words,
        multi=multi,
        multi_phrases=multi_phrases,
        chunk_words=chunk_words,
        chunk_keys=frozenset(chunk_words),
        chunk_finder=BytesAhoCorasick([needle for needle, _ in needles]),
        chunk_finder_words=tuple(name for _, name in needles),
        unfindable=tuple(pair for pair in searched if pair not in findable),
        prefixes=prefixes,
        stems=tuple(stems),
        stem_phrases=frozenset(stem_phrases),
        order={slug: i for i, slug in enumerate(industries)},
        roles=AhoCorasick(list(role_slugs)) if role_slugs else None,
        role_names=tuple(role_slugs),
        slug_ranks={slug: _ranks(slug, phrases) for slug in industries},
        role_slugs=role_slugs,
        exact_sums=_sums_are_exact(phrases),
    )


def _ranks(slug: str, phrases: dict[str, dict[str, float]]) -> dict[str, int]:
    """Each phrase of `slug` with its place: by weight, the weightiest first, then by name."""
    ranked = sorted(
        (-weights[slug], phrase) for phrase, weights in phrases.items() if slug in weights
    )
    return {phrase: place for place, (_, phrase) in enumerate(ranked)}


def _sums_are_exact(phrases: dict[str, dict[str, float]]) -> bool:
    """Whether every score is exact, whatever the order of its terms (weight * field weight):
    where each term is a multiple of 2**-16 and no score can reach 2**32, every sum is, and two
    different ones are too far apart to round to the same 9 decimals."""
    terms = [w * f for slugs in phrases.values() for w in slugs.values() for f in FIELD_WEIGHTS]
    return all((t * 2**16).is_integer() for t in terms) and sum(map(abs, terms)) < 2**32


# What may follow the role title that heads a part: a level, "intern", a gender note.
ROLE_TAIL = re.compile(
    r"(?:\s+(?:intern|internship|contractor|trainee|apprentice|working student|[ivx]{1,3}|\d|l\d"
    r"|m/w/d|f/m/d|m/f/d|w/m/d|m/f/x|h/f|f/h))*[\s.!*]*"
)


def title_role(title: str, taxonomy: Taxonomy, lower: str | None = None) -> str | None:
    """The role title that heads the first part of `title` that has one: the one its part ends
    with, but for a level or "intern" ("Commercial Counsel II" is counsel; "Nurse Recruitment
    Project" has none). Of two ending there, the longer ("data engineer", not "engineer")."""
    if taxonomy.roles is None:
        return None
    lower = title.lower() if lower is None else lower
    found = taxonomy.roles.find_matches_as_indexes(lower, overlapping=True)
    if not found:
        return None
    cuts = [match.start() for match in TITLE_PARTS.finditer(lower)]
    ends = [*cuts, len(lower)]  # where each part ends
    heads = []
    for name, start, end in found:
        part = bisect_left(ends, end)  # the part the role title lies in
        if ends[part] < end or (part and start < cuts[part - 1] + 1):
            continue  # across a split
        if _word_at(lower, start - 1) or _word_at(lower, end):
            continue
        if ROLE_TAIL.fullmatch(lower, end, ends[part]):
            heads.append((part, -end, start - end, taxonomy.role_names[name]))
    return min(heads)[3] if heads else None


def _word_at(text: str, at: int) -> bool:
    """Whether a character of a word (or "&") is at `at` (as the roles' word boundaries ask)."""
    return 0 <= at < len(text) and (text[at].isalnum() or text[at] in "_&")


FIELD_NAMES = ("title", "category", "text", "employer text")


def _found_fields(
    title: str,
    categories: Iterable[str],
    description: str,
    employer_text: str,
    taxonomy: Taxonomy,
    description_lower: str | None = None,
    title_lower: str | None = None,
) -> list[tuple[Iterable[str], float]]:
    """The phrases found in each field, with the field's weight, in FIELD_NAMES order (the
    `..._lower` texts: lower-cased, where the caller has them)."""
    joined = " | ".join(categories)
    return [
        (title and taxonomy.found_in(title, title_lower) or (), TITLE_WEIGHT),
        (joined and taxonomy.found_in_repeated(joined) or (), CATEGORY_WEIGHT),
        (
            description and taxonomy.found_in(description, description_lower) or (),
            DESCRIPTION_WEIGHT,
        ),
        (employer_text and taxonomy.found_in(employer_text) or (), EMPLOYER_WEIGHT),
    ]


def _scores(fields: list[tuple[Iterable[str], float]], taxonomy: Taxonomy) -> dict[str, float]:
    scores: dict[str, float] = {}
    get, weights = scores.get, taxonomy.weights
    for found, field_weight in fields:
        for phrase in found:
            for slug, weight in weights[phrase]:
                scores[slug] = get(slug, 0.0) + weight * field_weight
    return scores


def score_industries(
    title: str,
    categories: Iterable[str],
    description: str,
    taxonomy: Taxonomy | None = None,
    employer_text: str = "",
) -> dict[str, float]:
    """Each industry's score: phrase weights times where the phrase was found."""
    taxonomy = taxonomy or load_taxonomy()
    return _scores(_found_fields(title, categories, description, employer_text, taxonomy), taxonomy)


def _evidence(fields: list[tuple[Iterable[str], float]], slug: str, taxonomy: Taxonomy) -> str:
    """The phrases that scored for `slug`, the weightiest first, by where they were found."""
    parts = []
    ranks = taxonomy.slug_ranks[slug]
    for at, (found, _) in enumerate(fields):
        hits = ranks.keys() & found if found else None  # a set operation, in C
        if hits:
            parts.append(f"{FIELD_NAMES[at]}: {', '.join(sorted(hits, key=ranks.__getitem__)[:4])}")
    return "; ".join(parts)[:EVIDENCE_CHARS]


def _ranked(scores: dict[str, float], taxonomy: Taxonomy) -> list[str]:
    """Slugs by score, highest first, ties in the taxonomy's order. Scores are rounded first
    unless their sums are exact (`Taxonomy.exact_sums`; rounding is slow): the phrases found are
    a set, so their weights are summed in an order that varies from process to process, and the
    last bits of a sum with them."""
    if not taxonomy.exact_sums:
        scores = {slug: round(score, 9) for slug, score in scores.items()}
    # by position, then by score: the sort is stable, with reverse=True too
    by_position = sorted(scores, key=taxonomy.order.__getitem__)
    return sorted(by_position, key=scores.__getitem__, reverse=True)


def tag_industry(
    title: str,
    categories: Iterable[str],
    description: str,
    taxonomy: Taxonomy | None = None,
    employer_text: str = "",
    description_lower: str | None = None,
) -> IndustryTag:
    """The best-scoring industry, its runner-up, the best score's share of all scores and the
    phrases it came from. `employer_text` (the description's lines about the employer) weighs
    EMPLOYER_WEIGHT. `description_lower`: the description lower-cased, where the caller has it.

    Below `min_score`: `other` when the posting has a real description, else unknown.
    """
    taxonomy = taxonomy or load_taxonomy()
    title_lower = title.lower()
    fields = _found_fields(
        title, categories, description, "", taxonomy, description_lower, title_lower
    )
    scores = _scores(fields, taxonomy)
    if employer_text and max(scores.values(), default=0.0) < taxonomy.min_score:
        # the employer's text, weighing little, only where the role's own words say too little
        fields[-1] = (taxonomy.found_in(employer_text) or (), EMPLOYER_WEIGHT)
        scores = _scores(fields, taxonomy)
    role = title_role(title, taxonomy, title_lower) if title else None
    if role is not None:
        slug = taxonomy.role_slugs[role]
        others = [other for other in _ranked(scores, taxonomy) if other != slug]
        total = sum(scores.values()) or 1.0
        share = round(max(scores.get(slug, 0.0) / total, 0.5), 2)
        return IndustryTag(slug, others[0] if others else None, share, f"title: {role}")
    ranked = _ranked(scores, taxonomy)
    if not ranked or scores[ranked[0]] < taxonomy.min_score:
        if len(description or "") + len(employer_text) >= taxonomy.other_min_text:
            return IndustryTag("other", None, None, "no field's words found")
        return IndustryTag(None)
    best = ranked[0]
    alt = ranked[1] if len(ranked) > 1 else None
    confidence = round(scores[best] / sum(scores.values()), 2)
    return IndustryTag(best, alt, confidence, _evidence(fields, best, taxonomy))
