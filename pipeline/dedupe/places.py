"""Place words: cities named in two languages, accents folded, the words of a location."""

from __future__ import annotations

import unicodedata

from pipeline.dedupe.keys import WORD

# Cities that boards and career pages name in two languages: the local name -> the English one.
CITY_EXONYMS = {
    "munchen": "munich", "koln": "cologne", "wien": "vienna", "lisboa": "lisbon",
    "praha": "prague", "roma": "rome", "milano": "milan", "napoli": "naples", "torino": "turin",
    "firenze": "florence", "warszawa": "warsaw", "krakow": "cracow", "bruxelles": "brussels",
    "brussel": "brussels", "den haag": "the hague", "geneve": "geneva", "kobenhavn": "copenhagen",
    "goteborg": "gothenburg", "sevilla": "seville", "athina": "athens", "bucuresti": "bucharest",
    "ciudad de mexico": "mexico city", "sao paulo": "sao paulo", "zurich": "zurich",
}  # fmt: skip


def _folded(text: str) -> str:
    """Lower case, accents dropped ("München" -> "munchen")."""
    if text.isascii():  # most titles and places: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _city(location: str | None) -> str | None:
    if not location or "remote" in location.lower():
        return None
    first = " ".join(WORD.findall(_folded(location.split(",")[0].split("(")[0])))
    return CITY_EXONYMS.get(first, first) or None


# Words of a title that repeat where or how the work is done: no part of its identity.
WORKPLACE_WORDS = {"remote", "hybrid", "onsite", "site", "office"}


def _place_words(location: str | None) -> set[str]:
    """The words of a location, accents folded, with the English names of its cities."""
    words = set(WORD.findall(_folded(location or "")))
    return words | {CITY_EXONYMS[w] for w in words if w in CITY_EXONYMS}
