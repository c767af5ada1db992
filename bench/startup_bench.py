"""Command-line start-up: the wall time of quick `microintern` commands, each run in a new
process as staff run them.

Usage: python bench/startup_bench.py [RUNS]   (default 10). Runs `microintern sources` (loads
only the sources file's code) and `microintern --help` (loads every command's module) RUNS times
each, after one untimed run that writes the bytecode caches, and prints the median, fastest and
slowest wall time of each. Target: `microintern sources` <= 0.8 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {"sources": ["sources"], "help": ["--help"]}


def program() -> list[str]:
    """The installed `microintern` script beside this interpreter, or `python -m microintern`."""
    script = Path(sys.executable).parent / "microintern"
    return [str(script)] if script.exists() else [sys.executable, "-m", "microintern"]


def wall_seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main(runs: int = 10) -> dict[str, Any]:
    """Median, fastest and slowest seconds of each command over `runs` runs."""
    base = program()
    result: dict[str, Any] = {"runs": runs, "program": " ".join(base)}
    for name, args in COMMANDS.items():
        wall_seconds(base + args)  # bytecode caches written, files in the page cache
        times = [wall_seconds(base + args) for _ in range(runs)]
        result[name] = {
            "command": " ".join(["microintern", *args]),
            "median_s": round(statistics.median(times), 3),
            "min_s": round(min(times), 3),
            "max_s": round(max(times), 3),
        }
    return result


if __name__ == "__main__":
    if sys.argv[1:2] in (["-h"], ["--help"]):
        print(__doc__)
        sys.exit(0)
    outcome = main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
    for name in COMMANDS:
        t = outcome[name]
        print(
            f"{t['command']}: median {t['median_s']:.3f} s "
            f"(fastest {t['min_s']:.3f}, slowest {t['max_s']:.3f}, {outcome['runs']} runs)"
        )
