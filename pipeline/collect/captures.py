"""Keeping raw captures small: gzip-compressed, and a night whose items are unchanged kept as a
reference to the capture that has them.

A spider writes its items as plain JSON lines; `store_capture` then either compresses them
(`<run_id>_<source>.jsonl.gz`) or, when they are the items of the source's latest full capture
(the same JSON objects in the same order once `scraped_at` is set aside), keeps a reference
naming that capture, the items' content hash and this night's `scraped_at`. The reference is an
entry of the night's ledger (`raw/<spider>/<run_id>.ledger.jsonl[.gz]`, see `ledger`), as is
each run record, so an unchanged night adds one small file a spider, not two a source; its path
is still `<run_id>_<source>.ref.json` (`read_reference`, `locate_capture` and `raw.iter_raw_file`
resolve it through the ledger; `.ref.json` and `.run.json[.gz]` files of earlier releases are
read as before). Reading a reference yields the referenced items with this night's
`scraped_at`: exactly what a full copy would give, so `import` and `rebuild` treat both alike.
`raw/<spider>/latest/<source>.json` remembers each source's latest full capture and its hash, so
storing a night reads no other capture.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

import orjson

from pipeline.collect.ledger import (
    RECORD,
    REFERENCE,
    Ledger,
    append_entry,
    folder_ledgers,
    is_ledger,
    read_ledger,
)

# Longest first: the part of a capture's name before its suffix is `<run_id>_<source>`.
CAPTURE_SUFFIXES = (".jsonl.gz", ".csv.gz", ".ref.json", ".jsonl", ".csv")
REFERENCE_SUFFIX = ".ref.json"
LATEST_DIR = "latest"
IMPORT_DIR = "import"  # copies of imported files: each with its record file beside it


@dataclass
class Digest:
    """The content of a capture: a hash of its items without `scraped_at`, their count, and the
    `scraped_at` they all share (None when they have none)."""

    sha256: str
    items: int
    scraped_at: str | None


def capture_suffix(path: Path) -> str | None:
    """The capture suffix of a file name (`.jsonl.gz`, `.ref.json`, ...), or None."""
    name = Path(path).name
    if is_ledger(path):
        return None
    return next((s for s in CAPTURE_SUFFIXES if name.endswith(s)), None)


def capture_stem(path: Path) -> str:
    """A capture's name without its suffix: `<run_id>_<source>` for a crawl's capture."""
    name = Path(path).name
    suffix = capture_suffix(path)
    return name[: -len(suffix)] if suffix else name


def run_record_path(capture: Path) -> Path:
    """The `.run.json` record beside a capture as earlier releases kept it, whatever form the
    capture is kept in (a CSV keeps its full name: `export.csv.run.json`, compressed or not);
    `write_run_record` adds `.gz`."""
    capture = Path(capture)
    name = capture.name
    if name.endswith((".csv", ".csv.gz")):
        return capture.with_name(name.removesuffix(".gz") + ".run.json")
    if capture_suffix(capture):
        return capture.with_name(capture_stem(capture) + ".run.json")
    return capture.with_name(name.removesuffix(".jsonl") + ".run.json")


def in_ledger(capture: Path) -> bool:
    """Whether a capture's record and reference belong in its night's ledger: a crawl's capture
    (`<run_id>_<source>` in a spider folder), not an imported file's copy."""
    capture = Path(capture)
    return capture.parent.name not in (IMPORT_DIR, LATEST_DIR) and "_" in capture_stem(capture)


def night_ledger(capture: Path) -> Ledger:
    """The ledger of a crawl capture's night (see `ledger.read_ledger`)."""
    return read_ledger(Path(capture).parent, source_of(capture)[0])


def write_run_record(capture: Path, row: dict) -> Path:
    """Keep a run's record (its `crawl_runs` row): for a crawl's capture an entry of its night's
    ledger (returned), for an imported file's copy a gzip-compressed `.run.json.gz` beside it."""
    capture = Path(capture)
    if in_ledger(capture):
        entry = {"kind": RECORD, "stem": capture_stem(capture), "row": row}
        return append_entry(capture.parent, source_of(capture)[0], entry)
    plain = run_record_path(capture)
    path = plain.with_name(plain.name + ".gz")
    text = json.dumps(row, sort_keys=True, separators=(",", ":"))
    write_atomically(path, gzip.compress(text.encode(), compresslevel=9, mtime=0))
    return path


def read_run_record(capture: Path) -> dict:
    """A capture's run record: from its night's ledger, else the file beside it (`.run.json.gz`,
    or `.run.json` as earlier releases wrote it); empty when there is none."""
    if in_ledger(capture):
        row = night_ledger(capture).records.get(capture_stem(capture))
        if row is not None:
            return orjson.loads(row)
    plain = run_record_path(capture)
    packed = plain.with_name(plain.name + ".gz")
    if packed.exists():
        return json.loads(gzip.decompress(packed.read_bytes()))
    return json.loads(plain.read_text()) if plain.exists() else {}


def open_capture(path: Path) -> IO[bytes]:
    """A capture's bytes, decompressed when its name ends with `.gz`."""
    return gzip.open(path, "rb") if str(path).endswith(".gz") else open(path, "rb")


def digest(path: Path) -> Digest | None:
    """The content of a JSON-lines capture, or None when it cannot be kept as a reference: a
    line that is not a JSON object, or items that do not share one `scraped_at`."""
    sha = hashlib.sha256()
    stamps: set[str | None] = set()
    items = 0
    with open_capture(path) as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                item = orjson.loads(line)
            except orjson.JSONDecodeError:
                return None
            if not isinstance(item, dict):
                return None
            stamps.add(item.pop("scraped_at", None))
            sha.update(orjson.dumps(item, option=orjson.OPT_SORT_KEYS) + b"\n")
            items += 1
    if len(stamps) > 1:
        return None
    return Digest(sha.hexdigest(), items, next(iter(stamps), None))


def read_reference(path: Path) -> dict:
    """A reference: `capture` (the full capture's name, same folder), `sha256`, `items`,
    `scraped_at`; from its file (a latest pointer, or as earlier releases kept references), else
    from its night's ledger (FileNotFoundError when neither holds it)."""
    path = Path(path)
    if path.exists() or not in_ledger(path):
        return json.loads(path.read_text())
    found = night_ledger(path).references.get(capture_stem(path))
    if found is None:
        raise FileNotFoundError(f"no reference {path.name} in its night's ledger")
    return dict(found)


def ledger_reference(path: Path) -> bool:
    """Whether a night's ledger holds the reference `<run_id>_<source>.ref.json` names."""
    path = Path(path)
    return in_ledger(path) and capture_stem(path) in night_ledger(path).references


def capture_exists(path: Path) -> bool:
    """Whether a capture is kept: its file, or a reference in its night's ledger."""
    path = Path(path)
    return path.exists() or (path.name.endswith(REFERENCE_SUFFIX) and ledger_reference(path))


def ledger_references(folder: Path, containing: str = "") -> list[Path]:
    """The references the ledgers of a folder hold whose names hold `containing`, as their
    `<run_id>_<source>.ref.json` paths."""
    folder = Path(folder)
    names = (
        f"{stem}{REFERENCE_SUFFIX}"
        for run_id in folder_ledgers(folder)
        for stem in read_ledger(folder, run_id).references
    )
    return [folder / name for name in names if containing in name]


def folder_captures(folder: Path, containing: str = "") -> list[Path]:
    """Every capture of a folder whose name holds `containing`, files and ledger references,
    one a stem (a file before a reference of the same stem, left by a kill between the two)."""
    named = (Path(folder) / name for name in os.listdir(folder) if containing in name)
    files = [p for p in named if capture_suffix(p) and p.is_file()]
    stems = {capture_stem(p) for p in files}
    references = ledger_references(folder, containing)
    return files + [p for p in references if capture_stem(p) not in stems]


def expand_reference(path: Path, out: Path) -> Path:
    """Write the items a reference stands for to `out` as plain JSON lines, with the referring
    night's `scraped_at`; returns `out`."""
    record = read_reference(path)
    with open_capture(Path(path).parent / record["capture"]) as source, open(out, "wb") as target:
        for line in source:
            if not line.strip():
                continue
            item = orjson.loads(line)  # a referenced capture holds JSON objects only
            item.pop("scraped_at", None)
            if record["scraped_at"] is not None:
                item["scraped_at"] = record["scraped_at"]
            target.write(orjson.dumps(item) + b"\n")
    return out


def write_reference(path: Path, target: Path, content: Digest) -> None:
    """Keep a reference to `target`: in its night's ledger for a crawl's capture (unless a file
    of an earlier release holds it), else as a file (a latest pointer)."""
    path = Path(path)
    record = {"capture": Path(target).name, **asdict(content)}
    if in_ledger(path) and not path.exists():
        entry = {"kind": REFERENCE, "stem": capture_stem(path), **record}
        append_entry(path.parent, source_of(path)[0], entry)
        return
    write_atomically(path, json.dumps(record, sort_keys=True).encode() + b"\n")


def write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def compress(path: Path) -> Path:
    """Gzip a plain capture beside itself (`.gz` added), then remove the plain file."""
    target = path.with_name(path.name + ".gz")
    partial = target.with_name(target.name + ".partial")
    with open(path, "rb") as source, open(partial, "wb") as raw:
        with gzip.GzipFile("", "wb", compresslevel=9, fileobj=raw, mtime=0) as packed:
            shutil.copyfileobj(source, packed, 1 << 20)
    os.replace(partial, target)
    path.unlink()
    return target


def source_of(capture: Path) -> tuple[str, str]:
    """`(run_id, source)` of a crawl's capture named `<run_id>_<source>.<suffix>`."""
    run_id, _, source = capture_stem(capture).partition("_")
    return run_id, source


def latest_pointer(folder: Path, source: str) -> Path:
    return folder / LATEST_DIR / f"{source}.json"


def remember_latest(folder: Path, source: str, capture: Path, content: Digest) -> None:
    pointer = latest_pointer(folder, source)
    pointer.parent.mkdir(parents=True, exist_ok=True)
    write_reference(pointer, capture, content)


def latest_full_capture(folder: Path, source: str, before: str) -> tuple[Path, Digest] | None:
    """The source's latest full capture older than the capture stem `before`, and its content;
    from its pointer, or (none yet, or its capture gone) from the folder's captures."""
    pointer = latest_pointer(folder, source)
    if pointer.exists():
        record = read_reference(pointer)
        target = folder / record.pop("capture")
        if target.exists() and capture_stem(target) < before:
            return target, Digest(**record)
    mark = f"_{source}."  # in every name `<run_id>_<source><suffix>`: a cheap first filter
    earlier = [
        p
        for p in folder_captures(folder, mark)
        if source_of(p)[1] == source and capture_stem(p) < before
    ]
    if not earlier:
        return None
    last = max(earlier, key=capture_stem)
    if last.name.endswith(REFERENCE_SUFFIX):
        record = read_reference(last)
        target = folder / record.pop("capture")
        return (target, Digest(**record)) if target.exists() else None
    content = digest(last)
    return (last, content) if content else None


def store_capture(path: Path) -> Path:
    """Keep a spider's plain JSON-lines capture small; returns what now holds it: a reference
    (`.ref.json`, an entry of the night's ledger) when its items are those of the source's
    latest full capture, else its gzip."""
    path = Path(path)
    if not path.name.endswith(".jsonl") or not path.exists():
        return path
    folder, (_, source) = path.parent, source_of(path)
    content = digest(path)
    if content is None:
        return compress(path)
    previous = latest_full_capture(folder, source, capture_stem(path))
    if previous is not None and previous[1].sha256 == content.sha256:
        reference = path.with_name(capture_stem(path) + REFERENCE_SUFFIX)
        write_reference(reference, previous[0], content)
        path.unlink()
        return reference
    stored = compress(path)
    remember_latest(folder, source, stored, content)
    return stored


def locate_capture(recorded: Path) -> Path | None:
    """What holds a capture as `crawl_runs.raw_file` names it: that file, or the same name with
    another capture suffix (pruning compresses a plain capture and turns a copy of an earlier
    capture's items into a reference), a file or a reference in the night's ledger."""
    recorded = Path(recorded)
    if recorded.exists():
        return recorded
    stem = capture_stem(recorded)
    held = (recorded.with_name(stem + suffix) for suffix in CAPTURE_SUFFIXES)
    found = next((path for path in held if path.exists()), None)
    reference = recorded.with_name(stem + REFERENCE_SUFFIX)
    return found or (reference if ledger_reference(reference) else None)
