"""The crawl lock: one writer of a database's listings at a time.

`microintern crawl`, `import`, `rebuild` and the nightly run all take it (a file beside the
database), so a rebuild never swaps the file under a crawl and two imports never interleave their
merges. Whoever finds it held does nothing and exits with `EXIT_BUSY`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

EXIT_BUSY = 75  # EX_TEMPFAIL of sysexits.h: try again later


class Busy(Exception):
    """Another crawl, import or rebuild of the database holds the lock."""


def crawl_lock_file(db_path: Path | str) -> Path:
    return Path(db_path).with_name(Path(db_path).name + ".lock")


@contextmanager
def holding_crawl_lock(db_path: Path | str) -> Iterator[None]:
    """Hold the crawl lock of `db_path` for the block; raise `Busy` at once if another holds it."""
    lock_file = crawl_lock_file(db_path)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_file)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise Busy(
            f"another crawl, import or rebuild of {db_path} is running (lock {lock_file}); "
            "nothing done"
        ) from None
    try:
        yield
    finally:
        lock.release()
