"""The listing index: which listing a posting belongs to, by posting id, canonical URL, then
similarity within its block."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from itertools import combinations

from pipeline.dedupe.comparison import (
    MIN_TEXT_OVERLAP,
    Features,
    Marks,
    _same_posting_again,
    compare,
    compare_across,
    features,
)
from pipeline.dedupe.ids import listing_id_for
from pipeline.dedupe.urls import board_of

MAX_SUBSET_WORDS = 6  # up to this many title words, candidates may be found by their word sets


class ListingIndex:
    """Which listing a posting belongs to: by posting id, canonical URL, then similarity.

    `by_key` maps a block (`match_key`) to the listings in it; `block(key)` returns what layer 3
    compares (id, title, company, description, location, hours_max) for the stored listings of
    a block. Within a block, candidates must share a title word and the title's marks (numbers,
    seasons, levels, cohorts: `Features.marks`), which both comparisons want equal, so the
    index files each listing under its marks.
    """

    def __init__(
        self,
        by_posting: dict[str, str] | None = None,
        by_url: dict[str, str] | None = None,
        by_key: dict[str, Iterable[str]] | None = None,
        block: Callable[[str], Iterable[dict]] | None = None,
        url_sources: dict[str, set[str]] | None = None,
    ) -> None:
        self.by_posting = dict(by_posting or {})
        self.by_url = dict(by_url or {})
        # canonical URL -> the sources whose postings have it: a URL one source gives two of its
        # postings is a list page, not a job's identity
        self.url_sources = {url: set(found) for url, found in (url_sources or {}).items()}
        self.listing_sources: dict[str, set[str]] = {}  # listings made or met in this batch
        self.stored_sources: dict[str, set[str]] = {}  # the stored listings' `sources`
        # block -> its listings, in the order met (a dict: membership is asked per posting)
        self.by_key = {k: dict.fromkeys(v) for k, v in (by_key or {}).items()}
        self.block = block or (lambda _: ())
        self.features: dict[str, Features] = {}  # listings first seen in this batch
        # block -> (marks, title word) -> listings, and block -> (marks, title words) -> ...
        self.title_index: dict[str, dict[tuple[Marks, str], set[str]]] = {}
        self.title_sets: dict[str, dict[tuple[Marks, frozenset[str]], set[str]]] = {}

    def resolve(self, posting: dict) -> tuple[str, str, float | None]:
        """`(listing_id, how, score)` for a normalized posting; `how` is the layer that matched
        (`posting`, `url`, `similar`) or `new`. Records the posting so later ones match it."""
        pid, url = posting["posting_id"], posting.get("canonical_url")
        key = posting.get("match_key")
        score = None
        found = None
        source = board_of(posting["source"], url)
        if pid in self.by_posting:
            listing, how = self.by_posting[pid], "posting"
        elif url and url in self.by_url and source not in self.url_sources.get(url, ()):
            listing, how = self.by_url[url], "url"
        else:
            found = features(posting)
            match, score = self._similar(found, key, source)
            how = "similar" if match else "new"
            listing = match or listing_id_for(
                posting["source"], posting["source_id"], posting.get("seen_at")
            )
        self.by_posting[pid] = listing
        self.listing_sources.setdefault(listing, set()).add(source)
        if url:
            self.by_url.setdefault(url, listing)
            self.url_sources.setdefault(url, set()).add(source)
        if key and listing not in self.by_key.setdefault(key, {}):
            self.by_key[key][listing] = None
            if listing not in self.features:
                self._remember(key, listing, found or features(posting))
        return listing, how, score

    def _has_source(self, listing: str, source: str) -> bool:
        """Whether one of a listing's postings (as stored, or of this batch) is from `source`'s
        board (see `board_of`): asked of every candidate, so no set is built."""
        batch, stored = self.listing_sources.get(listing, ()), self.stored_sources.get(listing, ())
        return source in batch or source in stored

    def _remember(self, key: str, listing: str, found: Features) -> None:
        self.features[listing] = found
        if key in self.title_index:
            self._index_titles(key, listing, found)

    def _index_titles(self, key: str, listing: str, found: Features) -> None:
        marks, index = found.marks, self.title_index[key]
        for word in found.titles:
            index.setdefault((marks, word), set()).add(listing)
        self.title_sets[key].setdefault((marks, found.titles), set()).add(listing)

    def _load_block(self, key: str) -> None:
        """Read the stored listings of a block, and index them with the batch's (once)."""
        for row in self.block(key):
            self.features.setdefault(row["id"], features(row))
            if row.get("posting_urls"):
                self.stored_sources[row["id"]] = {
                    board_of(*line.split(" ", 1)) for line in row["posting_urls"].split("\n")
                }
        self.title_index[key], self.title_sets[key] = {}, {}
        for listing in self.by_key.get(key, {}):
            if listing in self.features:
                self._index_titles(key, listing, self.features[listing])

    def _title_groups(self, key: str, found: Features) -> list[set[str]]:
        """The listings of a block filed under each title word of `found` with its marks (the
        block read and indexed first, once)."""
        if key not in self.title_index:
            self._load_block(key)
        index, marks = self.title_index[key], found.marks
        return [index.get((marks, word), _NONE) for word in found.titles]

    def _candidates(
        self, key: str, found: Features, groups: list[set[str]] | None = None
    ) -> set[str]:
        """The listings of a block that `compare` may match with `found`: those with all its
        title words, or only words it has (a replaced word means another project), and at least
        two when it has two (`compare` wants two shared words). `groups`: `_title_groups`."""
        if groups is None:
            groups = self._title_groups(key, found)
        titles, marks = found.titles, found.marks
        if not titles:
            return set()
        having_all = set(groups[0]).intersection(*groups[1:])
        many = len(titles) > MAX_SUBSET_WORDS
        if many or sum(map(len, groups)) < 2 ** len(titles):
            # fewer listings share a word than the title has subsets: test each listing
            least, known = 1 if many else min(2, len(titles)), self.features
            within = {
                c
                for c in set().union(*groups)
                if len(t := known[c].titles) >= least and t <= titles
            }
            return having_all | within
        by_set = self.title_sets[key]
        words = sorted(titles)
        for size in range(min(2, len(words)), len(words) + 1):
            for subset in combinations(words, size):
                having_all |= by_set.get((marks, frozenset(subset)), set())
        return having_all

    def _similar(
        self, found: Features, key: str | None, source: str = ""
    ) -> tuple[str | None, float | None]:
        """The listing most like `found`, and the score. A listing that already has a posting
        of the same source (another source id) is that source's other posting: it is the same
        opportunity only when its title and text are the same."""
        if not key:
            return None, None
        groups = self._title_groups(key, found)
        if not any(groups):  # no listing shares a title word and the marks: none can match
            return None, None
        best, best_score = None, MIN_TEXT_OVERLAP
        for listing in sorted(self._candidates(key, found, groups)):
            known = self.features[listing]
            if self._has_source(listing, source) and not _same_posting_again(found, known):
                continue
            score = compare(found, known)
            if score is not None and score >= best_score:
                best, best_score = listing, score
        if best is None:  # another source may word the same opportunity otherwise
            for listing in sorted(self._sharing_a_title_word(key, found, groups)):
                if self._has_source(listing, source):
                    continue
                score = compare_across(found, self.features[listing])
                if score is not None and score >= best_score:
                    best, best_score = listing, score
        return best, (round(best_score, 3) if best else None)

    def _sharing_a_title_word(
        self, key: str, found: Features, groups: list[set[str]] | None = None
    ) -> set[str]:
        """The listings of a block with the marks of `found` that share at least half the words
        of its title, and two when it has two (after `_candidates` has indexed the block): a
        reworded title keeps most of its words. `groups`: `_title_groups`."""
        if groups is None:
            index, marks = self.title_index.get(key, {}), found.marks
            groups = [index.get((marks, word), _NONE) for word in found.titles]
        titles = found.titles
        shared = Counter(listing for group in groups for listing in group)
        least = max(min(2, len(titles)), (len(titles) + 1) // 2)
        return {listing for listing, count in shared.items() if count >= least}


_NONE: frozenset[str] = frozenset()  # no listing filed under a word
