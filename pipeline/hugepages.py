"""Transparent huge pages for the memory SQLite and Python allocate, on Linux with glibc.

An import of a million postings walks SQLite's page cache (hundreds of MB) at random; with 4 KB
memory pages most of those walks miss the CPU's address-translation cache, and they miss more
as the database grows. glibc's `glibc.malloc.hugetlb=1` tunable makes malloc ask the kernel for
2 MB transparent huge pages (`madvise`): an import of a million postings ran 4-10% faster in
paired runs, and its time grew less with size (bench/dedupe_store_bench.py). A tunable is read
when a process starts, so the process is started again with it: `reexec_with_huge_pages()` at
the top of a command's entry point. Set `MICROINTERN_HUGE_PAGES=0` to turn it off. Elsewhere
(macOS, musl, THP disabled) it does nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

TUNABLE = "glibc.malloc.hugetlb"
SWITCH = "MICROINTERN_HUGE_PAGES"
THP_SETTING = Path("/sys/kernel/mm/transparent_hugepage/enabled")


def huge_pages_env(environ: Mapping[str, str], thp_setting: str | None) -> dict[str, str] | None:
    """The environment to restart with, or None when there is nothing to do: huge pages are
    switched off, the tunable is already set, or the kernel's THP setting (the text of
    /sys/kernel/mm/transparent_hugepage/enabled, e.g. `always [madvise] never`) is `[never]`
    or unknown."""
    if environ.get(SWITCH, "1") == "0" or thp_setting is None or "[never]" in thp_setting:
        return None
    tunables = environ.get("GLIBC_TUNABLES", "")
    if TUNABLE in tunables:
        return None
    return {**environ, "GLIBC_TUNABLES": ":".join(filter(None, (tunables, f"{TUNABLE}=1")))}


def _thp_setting() -> str | None:
    try:
        return THP_SETTING.read_text()
    except OSError:
        return None


def reexec_with_huge_pages() -> None:
    """Start this process again with huge pages, if they can be had and are not on yet (once:
    the new process finds the tunable set). Call it before any work is done."""
    if not sys.platform.startswith("linux") or not _uses_glibc():
        return
    env = huge_pages_env(os.environ, _thp_setting())
    if env is None:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)


def _uses_glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")
    except (AttributeError, ValueError, OSError):
        return False
