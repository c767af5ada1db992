"""Identity of postings and listings.

A posting is one source's record (`source` + `source_id`). A listing is one opportunity; its
postings are matched in layers:

1. `posting`: the same source and source id again;
2. `url`: the same canonical URL (no scheme, `www.`, tracking parameters, fragment or slash);
3. `similar`: the same employer (company names compared word by word, abbreviations expanded),
   the same title words, or one title with a word added (generic words such as
   "micro-internship" dropped; a replaced word or number means another project), descriptions
   that share most of their words, and nothing that tells them apart: another city, another
   season, cohort or year, other hours.

Layer 3 looks only at listings in the same block (`match_key`: the first letters of the company
key) whose titles share words and the marks both comparisons want equal (numbers, seasons,
levels, cohorts: `Features.marks`), so the cost grows about linearly and few pairs are compared.
A listing's id is made from when it was first seen and the first posting that created it
(`listing_id_for`), so rebuilding from the same captures in the same order gives the same ids.

`ids` makes posting and listing ids, `urls` canonical URLs, `keys` company and title keys,
`places` the words of locations, `comparison` compares two postings (layer 3) and `index` holds
the `ListingIndex` that resolves a posting to its listing.
"""

from pipeline.dedupe.comparison import (
    MIN_TEXT_OVERLAP,
    Features,
    compare,
    compare_across,
    features,
    similarity,
)
from pipeline.dedupe.ids import listing_id_for, posting_id
from pipeline.dedupe.index import ListingIndex
from pipeline.dedupe.keys import company_key, match_key, same_company, title_levels, title_words
from pipeline.dedupe.urls import board_of, canonical_url, parsed_canonical_url

__all__ = [
    "MIN_TEXT_OVERLAP",
    "Features",
    "ListingIndex",
    "board_of",
    "canonical_url",
    "company_key",
    "compare",
    "compare_across",
    "features",
    "listing_id_for",
    "match_key",
    "parsed_canonical_url",
    "posting_id",
    "same_company",
    "similarity",
    "title_levels",
    "title_words",
]
