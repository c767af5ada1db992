"""One ledger a crawl night and spider folder: the night's run records and references in one file.

Every night writes, for each source, its run record (its `crawl_runs` row, which `rebuild`
replays) and, when its items did not change, a reference to the capture that holds them. Kept
as two small files a source, they took a disk block each (4 KB, ten times their bytes). The
ledger `raw/<spider>/<run_id>.ledger.jsonl` holds them instead: JSON lines appended by the
crawl's coordinator, one entry a line (`{"kind": "record", "stem": ..., "row": {...}}` or
`{"kind": "reference", "stem": ..., "capture": ..., "sha256": ..., "items": ...,
"scraped_at": ...}`, `stem` being the capture's `<run_id>_<source>`). When the run ends the
ledger is sealed: gzip-compressed in one go to `.ledger.jsonl.gz`.

Crash safety: an entry is one `write` under an exclusive lock, and a later entry for the same
stem replaces an earlier one; a line cut short by a kill is skipped when read (and dropped when
sealed). Sealing writes the compressed ledger beside the plain one, merged with what was sealed
before, puts it in place atomically, then removes the plain ledger; a reader merges both.
"""

from __future__ import annotations

import fcntl
import gzip
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import orjson

LEDGER_SUFFIX = ".ledger.jsonl"
SEALED_SUFFIX = LEDGER_SUFFIX + ".gz"
RECORD, REFERENCE = "record", "reference"


@dataclass
class Ledger:
    """A night's entries in one spider folder, by capture stem."""

    records: dict[str, bytes] = field(default_factory=dict)  # stem -> crawl_runs row (JSON)
    references: dict[str, dict] = field(default_factory=dict)  # stem -> reference


@dataclass
class _Cached:
    sealed: tuple | None  # the sealed file's (inode, mtime_ns, size) when read
    inode: int | None  # the plain file's, read up to `offset` (its last whole line)
    offset: int
    ledger: Ledger


_CACHE: dict[str, _Cached] = {}  # by plain ledger path, the latest read last
CACHED_LEDGERS = 256  # nights: a rebuild reads them in order; a prune, the nights it compacts
_CACHE_LOCK = threading.Lock()


def ledger_path(folder: Path, run_id: str) -> Path:
    """The plain ledger of a night in a spider folder (`.gz` added once sealed)."""
    return Path(folder) / f"{run_id}{LEDGER_SUFFIX}"


def is_ledger(path: Path) -> bool:
    return Path(path).name.endswith((LEDGER_SUFFIX, SEALED_SUFFIX))


def ledger_run_id(name: str) -> str:
    """The run id a ledger file (plain or sealed) is named after, from its file name."""
    return name[: name.index(LEDGER_SUFFIX)]


def append_entry(folder: Path, run_id: str, entry: dict) -> Path:
    """Append one entry to a night's plain ledger (created when missing); returns its path."""
    path = ledger_path(folder, run_id)
    line = orjson.dumps(entry) + b"\n"
    while True:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            stat = os.fstat(fd)
            if stat.st_nlink == 0:  # sealed and removed while we waited: a new plain ledger
                continue
            cut = stat.st_size and os.pread(fd, 1, stat.st_size - 1) != b"\n"
            os.write(fd, (b"\n" if cut else b"") + line)  # a line cut by a kill stays alone
            return path
        finally:
            os.close(fd)


def entries(data: bytes) -> dict[tuple[str, str], dict]:
    """The entries of ledger lines by `(kind, stem)`, the last of each winning; lines that are
    not a whole entry (cut short by a kill) skipped."""
    found: dict[tuple[str, str], dict] = {}
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        try:
            entry = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(entry, dict) and entry.get("kind") in (RECORD, REFERENCE):
            found[(entry["kind"], entry.get("stem", ""))] = entry
    return found


def _state(path: Path) -> tuple | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _read(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return b""
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def _add(ledger: Ledger, found: dict[tuple[str, str], dict]) -> None:
    for (kind, stem), entry in found.items():
        if kind == RECORD:
            ledger.records[stem] = orjson.dumps(entry["row"])  # a third of a dict's memory
        else:
            skip = ("kind", "stem")
            ledger.references[stem] = {k: v for k, v in entry.items() if k not in skip}


def _tail(plain: Path, inode: int | None, offset: int) -> tuple[int | None, int, bytes]:
    """The whole lines of the plain ledger from `offset` when it is still the file `inode`
    (from the start when it is another), and where they end."""
    try:
        handle = open(plain, "rb")
    except FileNotFoundError:
        return None, 0, b""
    with handle:
        current = os.fstat(handle.fileno()).st_ino
        if current != inode:
            offset = 0
        handle.seek(offset)
        data = handle.read()
    whole = data[: data.rfind(b"\n") + 1]
    return current, offset + len(whole), whole


def read_ledger(folder: Path, run_id: str) -> Ledger:
    """A night's ledger in a spider folder, sealed and plain merged (empty when there is none);
    parsed once a process, then only the lines appended since, until it is sealed again."""
    plain = ledger_path(folder, run_id)
    sealed = plain.with_name(plain.name + ".gz")
    with _CACHE_LOCK:
        state = _state(sealed)
        cached = _CACHE.pop(str(plain), None)
        if cached is not None and cached.sealed == state:
            _CACHE[str(plain)] = cached
            inode, offset, recent = _tail(plain, cached.inode, cached.offset)
            if inode is None or cached.inode in (None, inode):  # the same file, or a first
                _add(cached.ledger, entries(recent))
                if inode is not None:
                    cached.inode, cached.offset = inode, offset
                return cached.ledger
        # The plain ledger before the sealed one: sealed meanwhile, its entries are in both.
        inode, offset, recent = _tail(plain, None, 0)
        cached = _Cached(state, inode, offset, Ledger())
        _add(cached.ledger, entries(_read(sealed)))
        _add(cached.ledger, entries(recent))
        _CACHE[str(plain)] = cached
        while len(_CACHE) > CACHED_LEDGERS:
            del _CACHE[next(iter(_CACHE))]
        return cached.ledger


def seal(plain: Path) -> Path:
    """Compress a plain ledger in one go into its sealed form (merged with entries sealed
    before, one a stem and kind), then remove it; returns the sealed path."""
    plain = Path(plain)
    sealed = plain.with_name(plain.name + ".gz")
    try:
        fd = os.open(plain, os.O_RDONLY)
    except FileNotFoundError:
        return sealed
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # no entry is appended while sealing
        if os.fstat(fd).st_nlink == 0:  # sealed by another meanwhile
            return sealed
        with os.fdopen(os.dup(fd), "rb") as handle:
            recent = handle.read()
        merged = {**entries(_read(sealed)), **entries(recent)}
        text = b"".join(orjson.dumps(entry) + b"\n" for entry in merged.values())
        partial = sealed.with_name(sealed.name + ".partial")
        partial.write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
        os.replace(partial, sealed)
        plain.unlink()
    finally:
        os.close(fd)
    return sealed


def seal_run(raw_dir: Path, run_id: str) -> list[Path]:
    """Seal a night's plain ledgers in every spider folder under `raw_dir`."""
    return [seal(plain) for plain in sorted(Path(raw_dir).glob(f"*/{run_id}{LEDGER_SUFFIX}"))]


def folder_ledgers(folder: Path) -> list[str]:
    """The run ids of the nights with a ledger (plain or sealed) in a folder, oldest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    # names, not paths: asked for every source a night stores, of a folder of every source
    names = (name for name in os.listdir(folder) if name.endswith((LEDGER_SUFFIX, SEALED_SUFFIX)))
    return sorted({ledger_run_id(name) for name in names})
