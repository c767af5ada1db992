"""Normalization, tagging, dedupe and storage of raw listings.

`tagging/` holds the pure steps (dict in, new dict out), `dedupe` the identity of postings,
`db/` the only code that writes SQLite, `collect/` what brings raw items in (crawls, captures,
imports), `publish/` what Datasette and the exports show, `measure/` the labelled sets.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
