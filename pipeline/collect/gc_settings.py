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
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# (young generation, middle, old): CPython's defaults are (700, 10, 10).
THRESHOLDS = (50_000, 20, 100)


_state = {"depth": 0, "before": (700, 10, 10)}  # blocks now inside, in any thread
_state_lock = threading.Lock()


@contextmanager
def fewer_collections(thresholds: tuple[int, int, int] = THRESHOLDS) -> Iterator[None]:
    """For the block: what is alive now is left out of collections, and they come less often.

    Reentrant, and shared by threads: the first block in collects and freezes, the last one out
    puts the settings back, so a crawl recording many small sources in a row (or in parallel)
    pays the full collection once, not once a source (~35 ms each, most of a small import)."""
    with _state_lock:
        _state["depth"] += 1
        if _state["depth"] == 1:
            _state["before"] = gc.get_threshold()
            gc.collect()
            gc.freeze()
            gc.set_threshold(*thresholds)
    try:
        yield
    finally:
        with _state_lock:
            _state["depth"] -= 1
            if _state["depth"] == 0:
                gc.set_threshold(*_state["before"])
                gc.unfreeze()
