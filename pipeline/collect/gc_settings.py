"""Fewer garbage collections while an import runs.

An import makes millions of short-lived objects (raw items, postings, match objects, rows) and
almost no reference cycles. With CPython's default thresholds (700, 10, 10) the collector runs a
young collection every 700 new objects and, every so often, a full one over everything alive:
in a long import that is the dedupe state, the rows in hand and every module's patterns and
tables, so full collections cost more as the import goes on. Storing a million postings
(bench/dedupe_store_bench.py) ran 131 full collections that freed nothing.

`fewer_collections()` freezes what is alive when the import starts out of the collections made
during it (`gc.freeze`) and collects young objects every 50,000 allocations, then puts both back.
Objects without cycles are still freed by reference counting as soon as they are dropped, so
peak memory is the same.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# (young generation, middle, old): CPython's defaults are (700, 10, 10).
THRESHOLDS = (50_000, 20, 100)


@contextmanager
def fewer_collections(thresholds: tuple[int, int, int] = THRESHOLDS) -> Iterator[None]:
    """For the block: what is alive now is left out of collections, and they come less often."""
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
